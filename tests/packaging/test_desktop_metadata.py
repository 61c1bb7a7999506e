"""The Linux desktop entry and AppStream metainfo pass Debian's validators and agree with the app."""

from __future__ import annotations

import configparser
import re
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
DESKTOP = PACKAGING / "incident-desk.desktop"
METAINFO = PACKAGING / "io.github.incidentdesk.IncidentDesk.metainfo.xml"
SCREENSHOT_BASE = "https://raw.githubusercontent.com/incidentdesk/incident-desk/main/"


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    # A missing validator fails: a check that silently does not run proves nothing (.ci/run installs it).
    assert path, f"{name} is not installed (Debian package {package}; `make system-deps-test` installs it)"
    return path


def test_desktop_file_validate():
    out = subprocess.run([_tool("desktop-file-validate", "desktop-file-utils"), str(DESKTOP)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and not out.stdout.strip(), out.stdout + out.stderr


def test_appstreamcli_validate():
    out = subprocess.run([_tool("appstreamcli", "appstream"), "validate", "--no-net", "--explain", str(METAINFO)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    # Errors and warnings fail above; infos (issues worth fixing) fail here too. Pedantic hints pass.
    assert not re.search(r"^[EWI]: ", out.stdout, re.MULTILINE), out.stdout


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", head[16:24])


def test_metainfo_agrees_with_the_app_and_the_desktop_entry():
    root = ET.parse(METAINFO).getroot()
    version = re.search(r'__version__ = "([^"]+)"', (ROOT / "incident_desk" / "__init__.py").read_text()).group(1)
    assert root.find("releases/release").get("version") == version  # the newest release is this one
    assert root.find("project_license").text == "MIT"
    assert "MIT" in (ROOT / "LICENSE").read_text(encoding="utf-8").splitlines()[0]
    assert root.find("launchable").text == DESKTOP.name
    assert root.find("content_rating").get("type").startswith("oars-")
    for image in root.iterfind("screenshots/screenshot/image"):
        assert image.text.startswith(SCREENSHOT_BASE), image.text
        local = ROOT / image.text.removeprefix(SCREENSHOT_BASE)
        assert local.parent == ROOT / "docs" / "screenshots" and local.is_file(), local
        assert _png_size(local) == (int(image.get("width")), int(image.get("height"))), local

    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(DESKTOP, encoding="utf-8")
    desktop = entry["Desktop Entry"]
    # The icon name is the app icon's file name, as installed into the hicolor theme (packaging/README.md).
    assert (ROOT / "incident_desk" / "resources" / "icons" / f"{desktop['Icon']}.svg").is_file()
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    command = desktop["Exec"].split()[0]
    assert re.search(rf'^{re.escape(command)} = "incident_desk\.cli:gui_main"$', pyproject, re.MULTILINE), command
    binaries = {b.text for b in root.iterfind("provides/binary")}
    assert command in binaries
    # Wayland matches the window to its entry by the desktop file name the app sets (app.py).
    assert 'setDesktopFileName("incident-desk")' in (ROOT / "incident_desk" / "app.py").read_text()
