"""Screenshot mode: run_gui(..., screenshot=...) paints the window, saves a PNG of its size, exits 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

from incident_desk import config
from tests.gui.screens import offscreen_platform

ROOT = Path(__file__).resolve().parents[2]
RUN = """
import sys
from incident_desk.app import run_gui
args = sys.argv[1:]
kw = dict(screenshot=args[1])
if len(args) > 2 and args[2]:
    kw["view"] = args[2]
if len(args) > 3 and args[3]:
    kw["select"] = args[3]
rc = run_gui(args[0], **kw)
print("matplotlib" in sys.modules)
sys.exit(rc)
"""


def run(tmp_path, db, out, view="", select="", theme=""):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT),
           "QT_QPA_PLATFORM": offscreen_platform(1920, 1080, folder=tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data"),
           "HOME": str(tmp_path)}
    if theme:
        env["INCIDENT_DESK_THEME"] = theme
    return subprocess.run([sys.executable, "-c", RUN, str(db), str(out), view, select], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_screenshot_writes_a_png_of_the_window(tmp_path, seeded_path):
    out = tmp_path / "shot.png"
    result = run(tmp_path, seeded_path, out, view="All", select="INC-000200")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"  # matplotlib is never imported at startup
    image = QImage(str(out))
    assert not image.isNull()
    # A first start takes 92 % of the screen, at most 1600 x 1000: on 1920 x 1080, 1600 x 993.
    assert (image.width(), image.height()) == (1600, 993)


def test_screenshot_in_dark_mode(tmp_path, seeded_path):
    out = tmp_path / "dark.png"
    result = run(tmp_path, seeded_path, out, theme="dark")
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert image.pixelColor(image.width() // 2, image.height() - 60).lightness() < 100


def test_unknown_view_fails_with_one_line(tmp_path, seeded_path):
    result = run(tmp_path, seeded_path, tmp_path / "x.png", view="No such view")
    assert result.returncode == 2
    assert "There is no view 'No such view'" in result.stderr
    assert not (tmp_path / "x.png").exists()


def test_not_a_database_fails_cleanly(tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("hello")
    result = run(tmp_path, bogus, tmp_path / "x.png")
    assert result.returncode == 2
    assert "not an Incident Desk database" in result.stderr
    assert "Traceback" not in result.stderr


def test_config_paths(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    path = config.default_db_path()
    assert path.name == "desk.db" and path.parent.is_dir() and "incident-desk" in str(path)
    assert config.database_url("x.db", environ={config.DB_ENV_VAR: "y.db"}) == "x.db"
    assert config.database_url(None, environ={config.DB_ENV_VAR: "y.db"}) == "y.db"
    assert config.database_url("  ", environ={}) == str(path)


def _ink_bottom_left(image: QImage) -> int:
    """Pixels unlike the background in the lower part of the left column (where the notification panel
    sits under the views list at start; the views list alone leaves it empty)."""
    h = image.height()
    background = image.pixelColor(100, h // 2)
    ink = 0
    for y in range(int(h * 0.6), int(h * 0.9), 2):
        for x in range(4, 190, 2):
            c = image.pixelColor(x, y)
            ink += abs(c.red() - background.red()) + abs(c.green() - background.green()) + \
                abs(c.blue() - background.blue()) > 120
    return ink


def test_as_started_shows_the_notification_panel_a_normal_start_opens(tmp_path, seeded_path):
    """The command line a user types (--screenshot --as-started), on a laptop screen: the panel is in the
    picture; without --as-started it is not (the picture a README took before hid what a start shows)."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT),
           "QT_QPA_PLATFORM": offscreen_platform(1366, 768, folder=tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data"),
           "HOME": str(tmp_path)}
    inks = {}
    for flag in ("--as-started", ""):
        out = tmp_path / f"shot{flag}.png"
        args = [sys.executable, "-m", "incident_desk", "--db", str(seeded_path), "--screenshot", str(out)]
        result = subprocess.run(args + ([flag] if flag else []), cwd=ROOT, env=env, capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        image = QImage(str(out))
        # 92 % of 1366 x 768: the window a first start opens on a laptop, panel or not.
        assert (image.width(), image.height()) == (1256, 706)
        inks[flag] = _ink_bottom_left(image)
    assert inks[""] == 0, inks
    assert inks["--as-started"] > 300, inks
    # A picture of a start is not a start: no daily backup lands in the user's data folder.
    assert sorted(p.name for p in (tmp_path / "data").rglob("*") if p.is_file()) == []
