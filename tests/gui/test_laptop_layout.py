"""The desk fits the screens people have: every panel open, light and dark, before and after typing and
a visit to the Metrics tab, Save, Revert and the workflow buttons stay whole and nothing runs off screen."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests.gui.screens import offscreen_platform

ROOT = Path(__file__).resolve().parents[2]
FRAME = (0, 40)  # room a window manager's title bar takes on top of the window's own size


@pytest.mark.parametrize("width, height", [(1366, 768), (1920, 1080)])
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_window_fits_and_the_editor_keeps_its_buttons(tmp_path, seeded_path, width, height, theme):
    png = tmp_path / f"desk-{width}x{height}-{theme}.png"
    env = {**os.environ, "QT_QPA_PLATFORM": offscreen_platform(width, height, folder=tmp_path),
           "INCIDENT_DESK_THEME": theme, "XDG_CONFIG_HOME": str(tmp_path / "config"), "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-m", "tests.gui.layout_probe", str(seeded_path), str(png)], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    [line] = [ln for ln in run.stdout.splitlines() if ln.startswith("LAYOUT ")]
    seen = json.loads(line[len("LAYOUT "):])

    assert seen["screen"] == [width, height]
    assert seen["dock_visible"]
    assert seen["dock_overlaps"] == []  # the wrapped buttons push the no-tray notice down
    # The window and its minimum fit the screen, title bar included.
    assert seen["window"][0] <= width and seen["window"][1] <= height
    assert seen["minimum"][0] <= 1366 - FRAME[0] and seen["minimum"][1] <= 768 - FRAME[1]
    assert seen["changed_meanwhile"]["banner"] == {"Reload": True, "Keep editing": True}
    for moment in ("opened", "typed", "changed_meanwhile", "after_metrics"):
        state = seen[moment]
        assert state["buttons"], moment
        hidden = [name for name, whole in state["buttons"].items() if not whole]
        assert hidden == [], f"{moment}: cut off or out of the window: {hidden}"
        assert {"Save", "Revert"} <= set(state["buttons"]), moment
        assert state["fields_inside_panel"] and state["editor_fits_panel"], moment
        assert not state["form_hscroll"], moment
        assert state["panel_width"] >= 360, moment
        assert state["title_width"] >= 180, moment  # a title is read, not '...'; later columns scroll
    assert seen["typed"]["save_enabled"]
    assert seen["after_metrics"]["panel_width"] == seen["typed"]["panel_width"]  # the split came back
    image = QImage(str(png))
    assert (image.width(), image.height()) == tuple(seen["size"])
    lightness = image.pixelColor(image.width() // 2, image.height() // 2).lightness()
    assert (lightness < 110) if theme == "dark" else (lightness > 140)
