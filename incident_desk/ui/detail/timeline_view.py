"""The timeline tab: every event newest first as cards, and a box to add a comment or a work note."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal, Slot
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from incident_desk.domain.incident import (
    EV_COMMENT,
    EV_ESCALATION,
    EV_PUBLIC_UPDATE,
    EV_REPORTER_UPDATE,
    EV_STATUS,
    EV_WORK_NOTE,
    TimelineEvent,
)
from incident_desk.ui import theme
from incident_desk.ui.i18n import translate
from incident_desk.ui.icons import _NO_PEN
from incident_desk.ui.models.timeline_model import TimelineModel, TimelineRole, format_time
from incident_desk.ui.plain import plain_label

_PAD = 8
_GAP = 4
_BODY_LIMIT = 4000  # a huge pasted log stays readable in its tooltip; the card shows the start
# (theme tone, filled card?, tag) per kind; work notes must look unlike comments at a glance.
_STYLE = {
    EV_WORK_NOTE: ("warning", True, QT_TRANSLATE_NOOP("TimelineView", "WORK NOTE")),
    EV_COMMENT: ("info", True, QT_TRANSLATE_NOOP("TimelineView", "COMMENT")),
    EV_REPORTER_UPDATE: ("success", True, QT_TRANSLATE_NOOP("TimelineView", "REPORTER UPDATED")),
    EV_PUBLIC_UPDATE: ("accent", True, QT_TRANSLATE_NOOP("TimelineView", "PUBLIC UPDATE")),
    EV_ESCALATION: ("error", True, QT_TRANSLATE_NOOP("TimelineView", "ESCALATION")),
    EV_STATUS: ("accent", False, QT_TRANSLATE_NOOP("TimelineView", "STATUS")),
}


class TimelineDelegate(QStyledItemDelegate):
    """Paints one event as a card: time and author, the sentence, then the comment text wrapped."""

    def _width(self, option: QStyleOptionViewItem) -> int:
        view = self.parent()
        width = view.viewport().width() if isinstance(view, QAbstractItemView) else option.rect.width()
        return max(200, width - 2 * _PAD - 6)

    def _body(self, index) -> str:
        body = index.data(TimelineRole.BODY) or ""
        return body if len(body) <= _BODY_LIMIT else body[:_BODY_LIMIT] + "…"

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        width = self._width(option)
        base = QFontMetrics(option.font)
        small = QFontMetrics(self._small_font(option.font))
        flags = Qt.TextFlag.TextWordWrap
        height = _PAD + small.height() + _GAP
        height += base.boundingRect(QRect(0, 0, width, 100000), flags, index.data(TimelineRole.SUMMARY) or "").height()
        body = self._body(index)
        if body:
            height += _GAP + base.boundingRect(QRect(0, 0, width - 8, 100000), flags, body).height()
        return QSize(width, height + _PAD + _GAP)

    @staticmethod
    def _small_font(font: QFont) -> QFont:
        small = QFont(font)
        small.setPointSizeF(max(7.0, font.pointSizeF() - 1.5))
        return small

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        event: TimelineEvent = index.data(TimelineRole.EVENT)
        tone, filled, tag = _STYLE.get(event.kind, ("neutral", False, ""))
        tag = translate("TimelineView", tag) if tag else ""
        fill, tone_text, accent = theme.tone(tone)
        painter.save()
        card = option.rect.adjusted(2, 1, -2, -_GAP)
        palette = option.palette
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(card, palette.color(QPalette.ColorRole.Highlight).lighter(185))
        elif filled:
            painter.fillRect(card, fill)
        else:
            painter.fillRect(card, palette.color(QPalette.ColorRole.Base))
        painter.fillRect(QRect(card.left(), card.top(), 4, card.height()), accent)
        text_color = tone_text if filled else palette.color(QPalette.ColorRole.Text)
        x = card.left() + _PAD + 4
        width = card.width() - 2 * _PAD - 4
        y = card.top() + _PAD
        small = self._small_font(option.font)
        painter.setFont(small)
        sm = QFontMetrics(small)
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText) if not filled else tone_text)
        header = f"{format_time(event.at)}  ·  {index.data(TimelineRole.ACTOR)}"
        painter.drawText(QRect(x, y, width, sm.height()), Qt.AlignmentFlag.AlignLeft, header)
        if tag:
            tag_w = sm.horizontalAdvance(tag) + 12
            tag_rect = QRect(card.right() - _PAD - tag_w, y - 1, tag_w, sm.height() + 2)
            painter.setPen(_NO_PEN)  # never setPen(Qt.PenStyle): see icons._NO_PEN
            painter.setBrush(accent)
            painter.drawRoundedRect(tag_rect, 4, 4)
            painter.setPen(theme.text_on(accent))
            bold_small = QFont(small)
            bold_small.setBold(True)
            painter.setFont(bold_small)
            painter.drawText(tag_rect, Qt.AlignmentFlag.AlignCenter, tag)
        y += sm.height() + _GAP
        painter.setFont(option.font)
        fm = QFontMetrics(option.font)
        painter.setPen(text_color)
        summary = index.data(TimelineRole.SUMMARY) or ""
        rect = fm.boundingRect(QRect(x, y, width, 100000), Qt.TextFlag.TextWordWrap, summary)
        painter.drawText(QRect(x, y, width, rect.height()), Qt.TextFlag.TextWordWrap, summary)
        y += rect.height()
        body = self._body(index)
        if body:
            y += _GAP
            body_rect = fm.boundingRect(QRect(x + 8, y, width - 8, 100000), Qt.TextFlag.TextWordWrap, body)
            painter.drawText(QRect(x + 8, y, width - 8, body_rect.height()), Qt.TextFlag.TextWordWrap, body)
        painter.restore()


class TimelineView(QWidget):
    """Shows a TimelineModel; the composer asks its owner to write the comment or work note."""

    sig_note_submitted = Signal(str, bool)
    """The user wants to add this text (True: as an internal work note)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = TimelineModel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        composer = QWidget(self)
        col = QVBoxLayout(composer)
        col.setContentsMargins(0, 0, 0, 0)
        self.note_edit = QPlainTextEdit(composer)
        self.note_edit.setPlaceholderText(translate("TimelineView",
                                                    "Write a comment (part of the record the reporter is told about) "
                                                    "or an "
                                          "internal work note (for the desk only)…"))
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setAccessibleName(translate("TimelineView", "Comment or work note"))
        self.note_edit.setFixedHeight(64)
        col.addWidget(self.note_edit)
        row = QHBoxLayout()
        self.error_label = plain_label("", composer)  # messages may quote what was typed
        theme.style(self.error_label, "error")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        row.addWidget(self.error_label, 1)
        row.addStretch(0)
        self.work_note_button = QPushButton(translate("TimelineView", "Add &work note"), composer)
        self.work_note_button.setToolTip(translate("TimelineView", "Internal: never sent to the reporter"))
        self.comment_button = QPushButton(translate("TimelineView", "Add &comment"), composer)
        row.addWidget(self.work_note_button)
        row.addWidget(self.comment_button)
        col.addLayout(row)
        layout.addWidget(composer)
        self.list_view = QListView(self)
        self.list_view.setModel(self.model)
        self.list_view.setAccessibleName(translate("TimelineView", "Timeline"))
        self.list_view.setItemDelegate(TimelineDelegate(self.list_view))
        self.list_view.setResizeMode(QListView.ResizeMode.Adjust)
        self.list_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.setSpacing(0)
        self.list_view.setStyleSheet("QListView { border: none; }")
        layout.addWidget(self.list_view, 1)
        self.comment_button.clicked.connect(self._on_comment_clicked)
        self.work_note_button.clicked.connect(self._on_work_note_clicked)

    def set_events(self, events: list[TimelineEvent]) -> None:
        self.model.set_events(events)

    def clear_composer(self) -> None:
        self.note_edit.clear()
        self.show_error(None)

    def draft_note(self) -> str:
        """What is typed in the composer and not added to the timeline yet."""
        return self.note_edit.toPlainText()

    def show_error(self, message: str | None) -> None:
        self.error_label.setText(message or "")
        self.error_label.setVisible(bool(message))

    def set_read_only(self, read_only: bool) -> None:
        for widget in (self.note_edit, self.comment_button, self.work_note_button):
            widget.setEnabled(not read_only)

    @Slot()
    def _on_comment_clicked(self) -> None:
        self.sig_note_submitted.emit(self.note_edit.toPlainText(), False)

    @Slot()
    def _on_work_note_clicked(self) -> None:
        self.sig_note_submitted.emit(self.note_edit.toPlainText(), True)
