"""The one-folder bundle (packaging/incident-desk.spec) starts on its own: --version, demo and --screenshot.

Builds the bundle with PyInstaller into a temporary folder (about 30 s here), or checks the one
INCIDENT_DESK_BUNDLE names (`make package-check` points it at build/dist/incident-desk).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "incident-desk.spec"
SIZE_LIMIT_MB = 300

# The first test waits for the build as well (about 30 s here, longer on busy cores).
pytestmark = [pytest.mark.package, pytest.mark.timeout(900)]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    given = os.environ.get("INCIDENT_DESK_BUNDLE")
    if given:
        folder = Path(given).resolve()
        assert (folder / "incident-desk").is_file(), f"INCIDENT_DESK_BUNDLE={given} holds no incident-desk executable"
        yield folder
        return
    work = tmp_path_factory.mktemp("pyinstaller")
    out = subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                          "--distpath", str(work / "dist"), "--workpath", str(work / "build"), str(SPEC)],
                         cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-4000:]
    yield work / "dist" / "incident-desk"
    shutil.rmtree(work, ignore_errors=True)  # 220 MB: pytest keeps its last three temporary folders


def _run(bundle: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    # A clean environment: the bundle must not lean on the venv, the checkout or PYTHONPATH.
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "INCIDENT_DESK"))}
    base["PATH"] = "/usr/bin:/bin"
    base.update(env or {})
    return subprocess.run([str(bundle / "incident-desk"), *args], cwd=bundle.parent, capture_output=True,
                          text=True, timeout=120, env=base)


def _folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20


def test_version_from_the_bundle(bundle):
    expected = re.search(r'__version__ = "([^"]+)"', (ROOT / "incident_desk" / "__init__.py").read_text()).group(1)
    out = _run(bundle, "--version")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"incident-desk {expected}"


def test_demo_and_screenshot_from_the_bundle(bundle, tmp_path):
    db = tmp_path / "desk.db"
    out = _run(bundle, "--db", str(db), "demo", "--count", "120", "--seed", "7")
    assert out.returncode == 0, out.stderr
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM incident").fetchone()[0] == 120

    png = tmp_path / "desk.png"
    out = _run(bundle, "--db", str(db), "--screenshot", str(png), env={"QT_QPA_PLATFORM": "offscreen",
                                                                     "XDG_RUNTIME_DIR": str(tmp_path)})
    assert out.returncode == 0, out.stderr
    image = Image.open(png).convert("RGB")
    width, height = image.size
    assert width >= 800 and height >= 500, image.size
    colours = image.getcolors(maxcolors=width * height)  # [(pixels, colour)]
    # A painted window: text, icons and badges give hundreds of colours; no colour covers it all.
    assert len(colours) >= 100, len(colours)
    assert max(count for count, _ in colours) < 0.9 * width * height


def test_the_bundle_carries_resources_and_licences(bundle):
    internal = bundle / "_internal"
    icons = internal / "incident_desk" / "resources" / "icons"
    assert (icons / "incident-desk.svg").is_file()
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        assert (icons / "png" / f"incident-desk-{size}.png").is_file(), size
    # the desk's catalogue (English plural forms) and Qt's own for the standard buttons of other languages
    assert (internal / "incident_desk" / "resources" / "i18n" / "incident_desk_en.qm").is_file()
    assert list((internal / "PySide6" / "Qt" / "translations").glob("qtbase_de.qm"))
    # Help -> About lists third-party licences from distribution metadata: it must travel along, read
    # here with the standard library from the bundle's own folder.
    found = {re.sub(r"[-_.]+", "-", d.metadata["Name"]).lower(): d
             for d in metadata.distributions(path=[str(internal)])}
    assert {"incident-desk", "pyside6-essentials", "shiboken6", "peewee", "matplotlib", "numpy",
            "platformdirs", "psycopg2-binary"} <= set(found)
    app = found["incident-desk"]
    assert app.version == re.search(r'__version__ = "([^"]+)"', (ROOT / "incident_desk" / "__init__.py").read_text()
                                    ).group(1)
    [licence] = [f for f in app.files if f.name == "LICENSE"]
    assert licence.locate().read_text(encoding="utf-8") == (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert not {"pytest", "pyinstaller", "hypothesis", "ruff"} & set(found)


def test_the_bundle_leaves_out_what_the_desk_does_not_use(bundle):
    names = {p.name for p in bundle.rglob("*")}
    for unused in ("libQt6Qml.so.6", "libQt6Quick.so.6", "libQt6Network.so.6", "libQt6Pdf.so.6",
                   "libqgtk3.so", "libgtk-3.so.0", "libqeglfs.so", "_tkinter.cpython-311-x86_64-linux-gnu.so"):
        assert unused not in names
    assert not list(bundle.rglob("tests/conftest.py"))
    # Python modules are in the executable's archive: list it with PyInstaller's own viewer.
    listing = subprocess.run([str(Path(sys.executable).parent / "pyi-archive_viewer"), "--list", "--recursive",
                              str(bundle / "incident-desk")], capture_output=True, text=True, timeout=120)
    assert listing.returncode == 0, listing.stderr
    modules = set(re.findall(r"'([\w.]+)'\)?$", listing.stdout, re.MULTILINE))
    backends = {m.rsplit(".", 1)[1] for m in modules if m.startswith("matplotlib.backends.backend_")}
    assert backends == {"backend_agg", "backend_qt", "backend_qtagg"}, backends  # Agg and QtAgg only
    assert "incident_desk.cli.demo" in modules and not any(m.startswith(("tkinter", "pytest")) for m in modules)
    size = _folder_mb(bundle)
    print(f"bundle size: {size:.0f} MB")
    assert size < SIZE_LIMIT_MB
