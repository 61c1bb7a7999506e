"""Icons drawn with QPainter (toolbar, priority badges, SLA states) and the SVG application icon."""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap

from incident_desk import resource_path
from incident_desk.domain.incident import Priority, Status
from incident_desk.ui import theme

# Package data (incident_desk/resources): there from a source checkout, a wheel or a bundle alike.
APP_ICON_PATH = resource_path("icons", "incident-desk.svg")
# Rendered from the SVG by packaging/render_icons.py: the sizes desktops and taskbars ask for, there even
# where Qt's SVG icon engine is not (a trimmed bundle, a platform theme that wants bitmaps).
APP_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
_SIZE = 32  # drawn in a 32-unit square at twice that in pixels: crisp up to 32 px icons on 2x screens
_PIXELS_PER_UNIT = 2
# QPainter.setPen(Qt.PenStyle) over-releases None in this PySide6 and crashes after many calls:
# always pass pen and brush objects.
_NO_PEN = QPen(Qt.PenStyle.NoPen)
_NO_BRUSH = QBrush(Qt.BrushStyle.NoBrush)


def app_icon_png(size: int) -> Path:
    """The application icon rendered at ``size`` pixels (one of APP_ICON_SIZES)."""
    return resource_path("icons", "png", f"incident-desk-{size}.png")


def app_icon() -> QIcon:
    """The application's icon from its PNG renderings of the SVG, 16 to 512 pixels: a size list desktops
    and taskbars can choose from (an SVG-engine icon offers none); a missing file is a broken install,
    not something to draw around."""
    files = [APP_ICON_PATH] + [app_icon_png(size) for size in APP_ICON_SIZES]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise FileNotFoundError(f"the application icon is missing from the installation: {', '.join(missing)}")
    icon = QIcon()
    for size in APP_ICON_SIZES:
        icon.addFile(str(app_icon_png(size)), QSize(size, size))
    return icon


def _canvas() -> tuple[QPixmap, QPainter]:
    pix = QPixmap(_SIZE * _PIXELS_PER_UNIT, _SIZE * _PIXELS_PER_UNIT)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(_PIXELS_PER_UNIT, _PIXELS_PER_UNIT)
    return pix, painter


def _pen(color: QColor, width: float = 2.6) -> QPen:
    pen = QPen(color, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _fg() -> QColor:
    return QGuiApplication.palette().color(QPalette.ColorRole.WindowText)


def priority_icon(priority: Priority, dark: bool | None = None) -> QIcon:
    return _priority_icon(int(priority), theme.is_dark() if dark is None else dark)


@lru_cache(maxsize=16)
def _priority_icon(priority: int, dark: bool) -> QIcon:
    # Shape as well as colour: P1 a filled diamond, P2 a triangle, P3 a square, P4/P5 circles.
    pix, p = _canvas()
    color = theme.priority_color(Priority(priority), dark)
    p.setPen(_NO_PEN)
    p.setBrush(color)
    c = _SIZE / 2
    if priority == 1:
        path = QPainterPath()
        path.moveTo(c, 3)
        path.lineTo(_SIZE - 3, c)
        path.lineTo(c, _SIZE - 3)
        path.lineTo(3, c)
        path.closeSubpath()
        p.drawPath(path)
    elif priority == 2:
        path = QPainterPath()
        path.moveTo(c, 4)
        path.lineTo(_SIZE - 4, _SIZE - 6)
        path.lineTo(4, _SIZE - 6)
        path.closeSubpath()
        p.drawPath(path)
    elif priority == 3:
        p.drawRoundedRect(QRectF(7, 7, _SIZE - 14, _SIZE - 14), 3, 3)
    else:
        p.drawEllipse(QRectF(8, 8, _SIZE - 16, _SIZE - 16))
    p.end()
    return QIcon(pix)


def sla_icon(state: str, dark: bool | None = None) -> QIcon:
    return _sla_icon(state, theme.is_dark() if dark is None else dark)


@lru_cache(maxsize=16)
def _sla_icon(state: str, dark: bool) -> QIcon:
    icon = QIcon(_sla_pixmap(state, theme.sla_color(state, dark)))
    if state not in (theme.SLA_BREACHED, theme.SLA_WARNING):
        # Outline clocks in green or grey vanish on the selected row's highlight: draw those in
        # the highlighted text's colour there (the filled red and amber shapes stay readable).
        selected = QGuiApplication.palette().color(QPalette.ColorRole.HighlightedText)
        icon.addPixmap(_sla_pixmap(state, selected), QIcon.Mode.Selected)
    return icon


def _sla_pixmap(state: str, color: QColor) -> QPixmap:
    pix, p = _canvas()
    c = _SIZE / 2
    if state == theme.SLA_BREACHED:
        # A red octagon with a bar: "stop", readable without colour.
        p.setPen(_NO_PEN)
        p.setBrush(color)
        path = QPainterPath()
        for i in range(8):
            a = math.pi / 8 + i * math.pi / 4
            pt = QPointF(c + 13 * math.cos(a), c + 13 * math.sin(a))
            path.moveTo(pt) if i == 0 else path.lineTo(pt)
        path.closeSubpath()
        p.drawPath(path)
        p.setPen(_pen(QColor(theme.LIGHT_TEXT), 3.2))
        p.drawLine(QPointF(c, 9), QPointF(c, 18))
        p.drawPoint(QPointF(c, 23))
    elif state == theme.SLA_WARNING:
        p.setPen(_NO_PEN)
        p.setBrush(color)
        path = QPainterPath()
        path.moveTo(c, 3)
        path.lineTo(_SIZE - 2, _SIZE - 4)
        path.lineTo(2, _SIZE - 4)
        path.closeSubpath()
        p.drawPath(path)
        p.setPen(_pen(QColor(theme.LIGHT_TEXT), 3.2))
        p.drawLine(QPointF(c, 12), QPointF(c, 19))
        p.drawPoint(QPointF(c, 24))
    elif state == theme.SLA_PAUSED:
        p.setPen(_pen(color, 2.4))
        p.setBrush(_NO_BRUSH)
        p.drawEllipse(QRectF(3, 3, _SIZE - 6, _SIZE - 6))
        p.setPen(_NO_PEN)
        p.setBrush(color)
        p.drawRoundedRect(QRectF(11, 9.5, 3.6, 13), 1, 1)
        p.drawRoundedRect(QRectF(17.4, 9.5, 3.6, 13), 1, 1)
    elif state == theme.SLA_OK:
        p.setPen(_pen(color, 2.4))
        p.setBrush(_NO_BRUSH)
        p.drawEllipse(QRectF(3, 3, _SIZE - 6, _SIZE - 6))
        p.drawLine(QPointF(c, c), QPointF(c, 9))
        p.drawLine(QPointF(c, c), QPointF(c + 6, c + 3))
    else:
        p.setPen(_pen(color, 2.4))
        p.drawLine(QPointF(9, c), QPointF(_SIZE - 9, c))
    p.end()
    return pix


def action_icon(name: str) -> QIcon:
    return _action_icon(name, theme.is_dark())


@lru_cache(maxsize=64)
def _action_icon(name: str, dark: bool) -> QIcon:
    pix, p = _canvas()
    fg = _fg()
    accent = theme.accent_color(dark)
    p.setPen(_pen(fg))
    p.setBrush(_NO_BRUSH)
    if name == "new":
        p.setPen(_pen(accent, 3.2))
        p.drawLine(QPointF(16, 6), QPointF(16, 26))
        p.drawLine(QPointF(6, 16), QPointF(26, 16))
    elif name == "search":
        p.drawEllipse(QRectF(5, 5, 15, 15))
        p.setPen(_pen(fg, 3.2))
        p.drawLine(QPointF(18, 18), QPointF(27, 27))
    elif name == "save":
        p.drawRoundedRect(QRectF(5, 5, 22, 22), 3, 3)
        p.drawRect(QRectF(10, 5, 12, 7))
        p.drawRect(QRectF(10, 17, 12, 10))
    elif name == "acknowledge":
        p.setPen(_pen(theme.status_color(Status.ACKNOWLEDGED, dark), 3.2))
        p.drawPolyline([QPointF(6, 17), QPointF(13, 24), QPointF(26, 8)])
    elif name == "resolve":
        green = theme.status_color(Status.RESOLVED, dark)
        p.setPen(_pen(green, 2.6))
        p.drawEllipse(QRectF(4, 4, 24, 24))
        p.setPen(_pen(green, 3.0))
        p.drawPolyline([QPointF(10, 16.5), QPointF(14.5, 21), QPointF(22.5, 11)])
    elif name == "assign_me":
        p.drawEllipse(QRectF(11, 4, 10, 10))
        path = QPainterPath()
        path.moveTo(5, 28)
        path.cubicTo(5, 17, 27, 17, 27, 28)
        p.drawPath(path)
    elif name == "refresh":
        p.drawArc(QRectF(6, 6, 20, 20), 60 * 16, 280 * 16)
        p.setBrush(fg)
        p.setPen(_NO_PEN)
        path = QPainterPath()
        path.moveTo(19, 2)
        path.lineTo(26, 8)
        path.lineTo(17, 11)
        path.closeSubpath()
        p.drawPath(path)
    elif name == "columns":
        p.drawRoundedRect(QRectF(4, 6, 24, 20), 2, 2)
        p.drawLine(QPointF(12, 6), QPointF(12, 26))
        p.drawLine(QPointF(20, 6), QPointF(20, 26))
    elif name == "window":
        p.drawRoundedRect(QRectF(4, 8, 18, 18), 2, 2)
        p.drawPolyline([QPointF(17, 5), QPointF(27, 5), QPointF(27, 15)])
        p.drawLine(QPointF(27, 5), QPointF(16, 16))
    elif name == "view":
        path = QPainterPath()
        path.moveTo(9, 4)
        path.lineTo(23, 4)
        path.lineTo(23, 28)
        path.lineTo(16, 22)
        path.lineTo(9, 28)
        path.closeSubpath()
        p.drawPath(path)
    elif name == "save_view":
        path = QPainterPath()
        path.moveTo(7, 4)
        path.lineTo(19, 4)
        path.lineTo(19, 26)
        path.lineTo(13, 21)
        path.lineTo(7, 26)
        path.closeSubpath()
        p.drawPath(path)
        p.setPen(_pen(accent, 3.0))
        p.drawLine(QPointF(24, 14), QPointF(24, 26))
        p.drawLine(QPointF(18, 20), QPointF(30, 20))
    elif name == "clear":
        p.drawLine(QPointF(9, 9), QPointF(23, 23))
        p.drawLine(QPointF(23, 9), QPointF(9, 23))
    elif name == "close":
        p.drawLine(QPointF(10, 10), QPointF(22, 22))
        p.drawLine(QPointF(22, 10), QPointF(10, 22))
    else:  # "incident" and anything unknown: a bell
        path = QPainterPath()
        path.moveTo(8, 23)
        path.cubicTo(8, 8, 24, 8, 24, 23)
        path.closeSubpath()
        p.drawPath(path)
        p.drawLine(QPointF(6, 23), QPointF(26, 23))
        p.drawEllipse(QRectF(14, 24, 4, 4))
    p.end()
    return QIcon(pix)


_BADGE_FONTS: dict[str, QFont] = {}


def badge_font(base: QFont) -> QFont:
    """The bold, one point smaller font of the priority pill (cached by the base font's key)."""
    key = base.key()
    font = _BADGE_FONTS.get(key)
    if font is None:
        font = QFont(base)
        font.setBold(True)
        font.setPointSizeF(max(7.0, base.pointSizeF() - 1))
        if len(_BADGE_FONTS) < 32:
            _BADGE_FONTS[key] = font
    return font
