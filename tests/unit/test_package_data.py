"""Resources travel as package data: a built wheel carries the icon, and the app loads it from the package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_wheel_carries_the_resources(tmp_path):
    out = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
                          "-q", "-w", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    [wheel] = tmp_path.glob("incident_desk-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.relative_to(ROOT).as_posix() for p in (ROOT / "incident_desk" / "resources").rglob("*") if p.is_file()}
    assert "incident_desk/resources/icons/incident-desk.svg" in shipped
    assert shipped <= names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)  # the MIT licence the metadata names


def test_the_app_icon_comes_from_the_package():
    from incident_desk import resource_path
    from incident_desk.ui.icons import APP_ICON_PATH
    assert APP_ICON_PATH == resource_path("icons", "incident-desk.svg")
    assert APP_ICON_PATH.is_file() and APP_ICON_PATH.read_text(encoding="utf-8").lstrip().startswith("<")
    assert ROOT / "incident_desk" in APP_ICON_PATH.parents
