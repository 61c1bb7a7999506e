"""The built-in help page (F1): quick keys, the incident workflow diagram and the metric definitions, offline."""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, QUrl, Slot
from PySide6.QtGui import (
    QAction,
    QBrush,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QKeySequence,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPolygonF,
    QTextDocument,
)
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from incident_desk.domain.incident import OPEN_STATUSES, Status, allowed_transitions
from incident_desk.ui import theme
from incident_desk.ui.dialogs.metric_definitions import definitions_html
from incident_desk.ui.i18n import translate

WORKFLOW_IMAGE = QUrl("help-image:workflow")  # a document resource: never a file, never the network
_NO_PEN = QPen(Qt.PenStyle.NoPen)
_NO_BRUSH = QBrush(Qt.BrushStyle.NoBrush)


@dataclass(frozen=True)
class Move:
    source: Status
    target: Status
    duplicate_only: bool = False


def workflow_moves() -> list[Move]:
    """Every move the domain allows (domain.incident.allowed_transitions), in workflow order; a move
    allowed only when resolving as a duplicate is marked so."""
    moves = []
    for source in Status:
        plain = allowed_transitions(source)
        moves += [Move(source, target) for target in plain]
        moves += [Move(source, target, duplicate_only=True)
                  for target in allowed_transitions(source, as_duplicate=True) if target not in plain]
    return moves


def quick_keys(actions: list[QAction]) -> list[tuple[str, str]]:
    """(what, keys) of every action with a shortcut, as its menu names it, without repeats."""
    seen, keys = set(), []
    for act in actions:
        shortcut = act.shortcut()
        if shortcut.isEmpty():
            continue
        what = act.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…")
        key = shortcut.toString(QKeySequence.SequenceFormat.NativeText)
        if (what, key) not in seen:
            seen.add((what, key))
            keys.append((what, key))
    return keys


def draw_workflow(moves: list[Move], *, dark: bool, scale: float = 1.0) -> QImage:
    """An arc diagram of ``moves``: the statuses left to right in workflow order, forward moves as arcs
    above (a straight arrow between neighbours), backward moves below, duplicate-only moves dashed."""
    statuses = list(Status)
    font = QGuiApplication.font()
    metrics = QFontMetricsF(font)
    box_w = max(metrics.horizontalAdvance(s.label) for s in statuses) + 20
    box_h = metrics.height() + 14
    gap = 24.0
    span_h = 16.0  # height an arc gains per status it jumps over
    longest = max((abs(statuses.index(m.target) - statuses.index(m.source)) for m in moves), default=1)
    top = 12 + span_h * longest
    bottom_room = 12 + span_h * max((abs(statuses.index(m.target) - statuses.index(m.source))
                                     for m in moves if m.target < m.source), default=0)
    width = len(statuses) * box_w + (len(statuses) - 1) * gap + 8
    height = top + box_h + bottom_room + 4
    image = QImage(int(width * scale), int(height * scale), QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(scale)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setFont(font)
    ink = QGuiApplication.palette().color(QPalette.ColorRole.WindowText)

    def box(status: Status) -> QRectF:
        i = statuses.index(status)
        return QRectF(4 + i * (box_w + gap), top, box_w, box_h)

    for move in moves:
        a, b = box(move.source), box(move.target)
        pen = QPen(ink, 1.4)
        if move.duplicate_only:
            pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.setBrush(_NO_BRUSH)
        jump = abs(statuses.index(move.target) - statuses.index(move.source))
        forward = move.target > move.source
        if forward and jump == 1:
            start, end = QPointF(a.right(), a.center().y()), QPointF(b.left(), b.center().y())
            p.drawLine(start, end)
            tip, direction = end, QPointF(1, 0)
        else:
            lift = span_h * jump + 4
            # Longer jumps leave and arrive further from the centre, so arcs that share a status part.
            shift = 4 + 5 * jump
            if forward:  # above, leaving right of centre, arriving left of centre
                start, end = QPointF(a.center().x() + shift, a.top()), QPointF(b.center().x() - shift, b.top())
                c1, c2 = QPointF(start.x(), start.y() - lift), QPointF(end.x(), end.y() - lift)
                direction = QPointF(0, 1)
            else:  # below, leaving left of centre, arriving right of centre
                start = QPointF(a.center().x() - shift, a.bottom())
                end = QPointF(b.center().x() + shift, b.bottom())
                c1, c2 = QPointF(start.x(), start.y() + lift), QPointF(end.x(), end.y() + lift)
                direction = QPointF(0, -1)
            path = QPainterPath(start)
            path.cubicTo(c1, c2, end)
            p.drawPath(path)
            tip = end
        _arrow_head(p, tip, direction, ink)

    for status in statuses:
        rect = box(status)
        fill = theme.status_color(status, dark)
        p.setPen(_NO_PEN)
        p.setBrush(fill)
        p.drawRoundedRect(rect, 6, 6)
        p.setPen(QPen(theme.text_on(fill)))
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, status.label)
    p.end()
    return image


def _arrow_head(p: QPainter, tip: QPointF, direction: QPointF, color) -> None:
    # direction is a unit vector along the line into the tip
    back = QPointF(tip.x() - 8 * direction.x(), tip.y() - 8 * direction.y())
    side = QPointF(-direction.y() * 4, direction.x() * 4)
    p.setPen(_NO_PEN)
    p.setBrush(color)
    p.drawPolygon(QPolygonF([tip, back + side, back - side]))


def help_html(keys: list[tuple[str, str]], moves: list[Move]) -> str:
    """The help page: a contents list, the quick keys, the workflow (diagram and the same moves as a
    table) and every metric definition. Only text of the desk itself, escaped."""
    esc = html.escape
    key_rows = "".join(f"<tr><td><b>{esc(key)}</b></td><td>{esc(what)}</td></tr>" for what, key in keys)
    duplicate_only = translate("HelpWindow", "{status} (as a duplicate only)")
    rows = []
    for source in Status:
        targets = [m for m in moves if m.source == source]
        names = ", ".join(esc(duplicate_only.format(status=m.target.label) if m.duplicate_only else m.target.label)
                          for m in targets) or esc(translate("HelpWindow", "— (final)"))
        rows.append(f"<tr><td><b>{esc(source.label)}</b></td><td>{names}</td></tr>")
    open_names = ", ".join(s.label for s in Status if s in OPEN_STATUSES)
    # Each heading and paragraph is translated whole; the markup and anchors stay outside the texts.
    text = {
        "title": translate("HelpWindow", "Incident Desk help"),
        "keys": translate("HelpWindow", "Quick keys"),
        "workflow": translate("HelpWindow", "The incident workflow"),
        "metrics": translate("HelpWindow", "Metric definitions"),
        "keys_intro": translate("HelpWindow", "Every command of the window's menus that has a key. Menus also open "
                                              "with Alt and the underlined letter; Tab moves between the views, the "
                                              "filters, the table and the detail panel."),
        "workflow_intro": translate("HelpWindow", "Every incident moves through these statuses; a move the diagram "
                                                  "does not show is refused with a message naming the allowed ones. "
                                                  "Arcs above go forward, arcs below go back (a reopen, a resumed "
                                                  "hold); dashed moves are allowed only when resolving as a "
                                                  "duplicate of another incident."),
        "diagram": translate("HelpWindow", "The incident workflow diagram"),
        "open": translate("HelpWindow", "Open statuses: {statuses}.").format(statuses=open_names),
        "from": translate("HelpWindow", "From"),
        "to": translate("HelpWindow", "Can move to"),
        "metrics_intro": translate("HelpWindow", "How every figure on the Metrics tab, in the metrics CLI and in the "
                                                 "reports is counted."),
    }
    t = {k: esc(v) for k, v in text.items()}
    return (
        f"<h1>{t['title']}</h1>"
        f"<p><a href='#keys'>{t['keys']}</a> · <a href='#workflow'>{t['workflow']}</a> · "
        f"<a href='#metrics'>{t['metrics']}</a></p>"
        f"<h2><a name='keys'></a>{t['keys']}</h2>"
        f"<p>{t['keys_intro']}</p>"
        f"<table cellspacing='0' cellpadding='4'>{key_rows}</table>"
        f"<h2><a name='workflow'></a>{t['workflow']}</h2>"
        f"<p>{t['workflow_intro']}</p>"
        f"<p><img src='{WORKFLOW_IMAGE.toString()}' alt='{t['diagram']}'></p>"
        f"<p>{t['open']}</p>"
        f"<table cellspacing='0' cellpadding='4'><tr><th align='left'>{t['from']}</th>"
        f"<th align='left'>{t['to']}</th></tr>{''.join(rows)}</table>"
        f"<h2><a name='metrics'></a>{t['metrics']}</h2>"
        f"<p>{t['metrics_intro']}</p>"
        f"{definitions_html()}"
    )


class HelpWindow(QDialog):
    """Modeless, so the desk stays usable while the help is read; F1 raises it again."""

    def __init__(self, actions: list[QAction], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(translate("HelpWindow", "Incident Desk help"))
        self.setObjectName("helpWindow")
        self.moves = workflow_moves()
        self.keys = quick_keys(actions)
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("helpBrowser")
        # Plain local content: links only move within the page; nothing is opened or fetched.
        self.browser.setOpenLinks(False)
        self.browser.setOpenExternalLinks(False)
        self.browser.setSearchPaths([])
        self.browser.anchorClicked.connect(self._on_anchor)
        self.browser.setAccessibleName(translate("HelpWindow", "Help"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.resize(1000, 680)
        self.render_page()

    def render_page(self) -> None:
        """(Re)build the page in the current scheme (the diagram's colours follow light and dark)."""
        doc = self.browser.document()
        scale = self.devicePixelRatioF() or 1.0
        doc.addResource(QTextDocument.ResourceType.ImageResource, WORKFLOW_IMAGE,
                        draw_workflow(self.moves, dark=theme.is_dark(), scale=scale))
        self.browser.setHtml(help_html(self.keys, self.moves))

    def changeEvent(self, event: QEvent) -> None:
        # The scheme switched (ThemeWatcher sets the application palette): redraw the diagram in it.
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "browser"):
            scroll = self.browser.verticalScrollBar().value()
            self.render_page()
            self.browser.verticalScrollBar().setValue(scroll)
        super().changeEvent(event)

    def workflow_image(self) -> QImage:
        return self.browser.document().resource(QTextDocument.ResourceType.ImageResource, WORKFLOW_IMAGE)

    def show_page(self, anchor: str | None = None) -> None:
        self.show()
        self.raise_()
        self.activateWindow()
        if anchor:
            self.browser.scrollToAnchor(anchor)

    @Slot(QUrl)
    def _on_anchor(self, url: QUrl) -> None:
        if url.isRelative() and not url.path() and url.fragment():
            self.browser.scrollToAnchor(url.fragment())
