"""Form helpers: a field with its error label underneath, status/priority badges, banners."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QFrame,
    QLabel,
    QLayout,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from incident_desk.domain.incident import Priority, Status
from incident_desk.ui import theme
from incident_desk.ui.i18n import translate
from incident_desk.ui.widgets.flow_layout import FlowLayout


def add_layout_row(form: QFormLayout, text: str, row: QLayout, buddy: QWidget) -> QLabel:
    """A form row whose field is a layout (a line edit and its Browse… button). QFormLayout gives such a
    row's label no buddy, so its '&' would show as typed; here the mnemonic goes to ``buddy``."""
    label = QLabel(text)
    label.setBuddy(buddy)
    form.addRow(label, row)
    return label


def label_name(text: str) -> str:
    """A label's text as an accessible name: no mnemonic '&', no trailing colon."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip().rstrip(":").strip()


def name_from_buddy(buddy: QWidget, control: QWidget) -> None:
    """Give ``control`` the text of the label whose buddy is ``buddy`` as its accessible name, unless it
    has one."""
    parent = buddy.parentWidget()
    if control.accessibleName() or parent is None:
        return
    for label in parent.findChildren(QLabel, options=Qt.FindChildOption.FindDirectChildrenOnly):
        if label.buddy() is buddy and label.text():
            control.setAccessibleName(label_name(label.text()))
            return


def _badge_css(fill, text) -> str:
    return (f"QLabel {{ background: {fill.name()}; color: {text.name()}; border-radius: 9px; padding: 2px 10px;"
            f" font-weight: 600; }}")


class Badge(QLabel):
    """A rounded coloured label for a priority, status or SLA state."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(self.sizePolicy().horizontalPolicy(), self.sizePolicy().verticalPolicy())

    # The colours are the theme's badge table: the same as the table's pills and the log dialog's.
    def show_priority(self, priority: Priority) -> None:
        self.setText(priority.label)
        self.setStyleSheet(_badge_css(*theme.badge_colors("priority", priority)))
        self.setToolTip(translate("FormFields", "Priority {priority_label}").format(priority_label=theme.priority_label(
                priority)))

    def show_status(self, status: Status, detail: str | None = None) -> None:
        self.setText(status.label + (f" · {detail}" if detail else ""))
        self.setStyleSheet(_badge_css(*theme.badge_colors("status", status)))
        self.setToolTip(translate("FormFields", "Status: {label}").format(label=status.label))

    def show_sla(self, state: str, text: str) -> None:
        self.setText(text)
        self.setStyleSheet(_badge_css(*theme.badge_colors("sla", state)))


class FormField(QWidget):
    """An input with a red message under it; the message says what to fix, in one sentence."""

    def __init__(self, editor: QWidget, *, hint: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.editor = editor
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(editor)
        self.hint_label = QLabel(hint, self)
        self.hint_label.setWordWrap(True)
        theme.style(self.hint_label, "hint")
        self.hint_label.setVisible(bool(hint))
        layout.addWidget(self.hint_label)
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        theme.style(self.error_label, "error")
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.setFocusProxy(editor)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        # QFormLayout makes the row's label the buddy of this wrapper; Qt names a control only from a
        # buddy beside it, so the editor inside would have no name for a screen reader: give it the label's.
        name_from_buddy(self, self.editor)

    def set_hint(self, text: str) -> None:
        self.hint_label.setText(text)
        self.hint_label.setVisible(bool(text))

    def set_error(self, message: str | None) -> None:
        self.error_label.setText(message or "")
        self.error_label.setVisible(bool(message))
        self.editor.setProperty("invalid", bool(message))
        theme.style(self.editor, "invalid" if message else None)

    def error(self) -> str:
        return self.error_label.text() if self.error_label.isVisibleTo(self) else ""


def show_field_error(fields: dict[str, FormField], field: str | None, message: str,
                     fallback: Callable[[str], None]) -> None:
    """Put ``message`` under the named field (focusing it); a message for no known field goes to ``fallback``."""
    target = fields.get(field or "")
    if target is None:
        fallback(message)
        return
    target.set_error(message)
    target.editor.setFocus(Qt.FocusReason.OtherFocusReason)


def clear_errors(fields: Iterable[FormField]) -> None:
    for f in fields:
        f.set_error(None)


def searchable_combo(items: Iterable[str], *, parent: QWidget | None = None, placeholder: str = "") -> QComboBox:
    """An editable combo with a case-insensitive 'contains' completer: type a few letters, pick one."""
    combo = QComboBox(parent)
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.addItems(list(items))
    combo.setCurrentIndex(-1)
    combo.lineEdit().setPlaceholderText(placeholder)
    completer = QCompleter(combo.model(), combo)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    combo.setCompleter(completer)
    return combo


def match_item(items: Iterable[str], text: str) -> str | None:
    """The item equal to ``text`` ignoring case and surrounding spaces, if any."""
    norm = (text or "").strip().lower()
    return next((item for item in items if item.lower() == norm), None)


def complete_item(items: Iterable[str], text: str) -> str | None:
    """Type-ahead on leaving a field: the exact item, else the first starting with, else containing ``text``."""
    items = list(items)
    norm = (text or "").strip().lower()
    if not norm:
        return None
    return (match_item(items, norm) or next((i for i in items if i.lower().startswith(norm)), None)
            or next((i for i in items if norm in i.lower()), None))


class Banner(QFrame):
    """A coloured strip above a form for messages that concern the whole record. Its buttons sit under
    the text and wrap, so a narrow panel never cuts one off."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("banner")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.setSpacing(4)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout.addWidget(self.label)
        self.button_box = FlowLayout()
        layout.addLayout(self.button_box)
        self.hide()

    def show_message(self, text: str, kind: str = "error", buttons: Iterable[QWidget] = ()) -> None:
        if kind not in ("error", "warning", "info"):
            raise ValueError(f"unknown banner kind {kind!r}")
        theme.style(self, kind)
        self.label.setText(text)
        while self.button_box.count():
            item = self.button_box.takeAt(0)
            if item.widget():
                item.widget().hide()
                item.widget().deleteLater()
        for button in buttons:
            self.button_box.addWidget(button)
        self.kind = kind
        self.show()

    def clear(self) -> None:
        self.label.setText("")
        self.hide()

    def text(self) -> str:
        return self.label.text() if not self.isHidden() else ""


def align_form_labels(boxes: Iterable[QWidget]) -> None:
    """One label width for the QFormLayouts of stacked groups, so their fields line up."""
    labels = []
    for box in boxes:
        form = box.layout()
        if not isinstance(form, QFormLayout):
            continue
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            if item is not None and item.widget() is not None:
                labels.append(item.widget())
    width = max((label.sizeHint().width() for label in labels), default=0)
    for label in labels:
        label.setMinimumWidth(width)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class CommitOnTab(QObject):
    """Calls ``commit`` when Tab or Backtab leaves a widget: editingFinished does not fire when a completer
    popup had the keyboard, and type-ahead must still complete the text."""

    def __init__(self, commit: Callable[[], None], parent: QObject):
        super().__init__(parent)
        self.commit = commit

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            self.commit()
        return False
