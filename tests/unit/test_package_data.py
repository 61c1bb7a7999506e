"""Resources travel as package data: a built wheel carries the icon, and the app loads it from the package."""

from __future__ import annotations

import struct
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
    assert "incident_desk/resources/i18n/incident_desk_en.qm" in shipped  # the catalogue ui/i18n.py loads
    assert shipped <= names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)  # the MIT licence the metadata names


def test_the_app_icon_comes_from_the_package():
    from incident_desk import resource_path
    from incident_desk.ui.icons import APP_ICON_PATH
    assert APP_ICON_PATH == resource_path("icons", "incident-desk.svg")
    assert APP_ICON_PATH.is_file() and APP_ICON_PATH.read_text(encoding="utf-8").lstrip().startswith("<")
    assert ROOT / "incident_desk" in APP_ICON_PATH.parents


ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", head[16:24])


def test_the_app_icon_comes_in_every_size(tmp_path):
    icons = ROOT / "incident_desk" / "resources" / "icons"
    for size in ICON_SIZES:
        assert _png_size(icons / "png" / f"incident-desk-{size}.png") == (size, size)
    assert (icons / "incident-desk.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"  # Windows icon header
    assert (icons / "incident-desk.icns").read_bytes()[:4] == b"icns"


def test_the_app_icon_offers_its_sizes_and_is_not_blank(qapp):
    from PySide6.QtCore import QSize

    from incident_desk.ui.icons import app_icon
    icon = app_icon()
    offered = {(s.width(), s.height()) for s in icon.availableSizes()}
    assert {(n, n) for n in ICON_SIZES} <= offered
    for size in (16, 48, 256):
        image = icon.pixmap(QSize(size, size)).toImage()
        assert (image.width(), image.height()) == (size, size)
        centre = image.pixelColor(size // 2, size // 2)
        assert centre.alpha() == 255  # the icon's card, not a transparent hole


def test_drawn_icons_are_sharp_on_a_2x_screen(qapp):
    from PySide6.QtCore import QSize

    from incident_desk.domain.incident import Priority
    from incident_desk.ui.icons import action_icon, priority_icon, sla_icon
    for icon in (action_icon("new"), action_icon("resolve"), priority_icon(Priority.P1), sla_icon("breached")):
        # A 32-pixel icon on a 2x screen needs 64 device pixels drawn, not 32 scaled up.
        pixmap = icon.pixmap(QSize(32, 32), 2.0)
        assert (pixmap.width(), pixmap.height()) == (64, 64)
        assert max(s.width() for s in icon.availableSizes()) >= 64


def test_the_png_sizes_are_renderings_of_the_current_svg(qapp):
    """After an edit of the SVG, packaging/render_icons.py must be run again: a stale PNG fails here."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer
    icons = ROOT / "incident_desk" / "resources" / "icons"
    for size in (32, 128):
        fresh = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        fresh.fill(Qt.GlobalColor.transparent)
        painter = QPainter(fresh)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        QSvgRenderer(str(icons / "incident-desk.svg")).render(painter, QRectF(0, 0, size, size))
        painter.end()
        shipped = QImage(str(icons / "png" / f"incident-desk-{size}.png"))
        worst = max(abs(fresh.pixelColor(x, y).red() - shipped.pixelColor(x, y).red())
                    + abs(fresh.pixelColor(x, y).green() - shipped.pixelColor(x, y).green())
                    + abs(fresh.pixelColor(x, y).blue() - shipped.pixelColor(x, y).blue())
                    + abs(fresh.pixelColor(x, y).alpha() - shipped.pixelColor(x, y).alpha())
                    for y in range(size) for x in range(size))
        assert worst <= 12, (size, worst)
