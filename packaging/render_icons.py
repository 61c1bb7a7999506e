"""Render the application icon's PNG sizes (and the Windows .ico, the macOS .icns) from its SVG.

Run after changing incident_desk/resources/icons/incident-desk.svg and commit the output:
    .venv/bin/python packaging/render_icons.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image  # noqa: E402  (Pillow comes with matplotlib)
from PySide6.QtCore import QRectF, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "incident_desk" / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(svg: Path, size: int, out: Path) -> None:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"render_icons: {svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    if not image.save(str(out), "PNG"):
        raise SystemExit(f"render_icons: could not write {out}")


def main() -> int:
    QGuiApplication(sys.argv[:1])
    svg = ICONS / "incident-desk.svg"
    out_dir = ICONS / "png"
    out_dir.mkdir(exist_ok=True)
    pngs = []
    for size in SIZES:
        out = out_dir / f"incident-desk-{size}.png"
        render(svg, size, out)
        pngs.append(out)
    big = Image.open(out_dir / "incident-desk-256.png")
    big.save(ICONS / "incident-desk.ico", sizes=[(s, s) for s in SIZES if s <= 256])
    Image.open(out_dir / "incident-desk-512.png").save(ICONS / "incident-desk.icns")
    print(f"render_icons: {len(pngs)} PNGs, incident-desk.ico and incident-desk.icns in {ICONS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
