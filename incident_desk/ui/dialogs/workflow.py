"""Small dialogs the workflow needs: resolve, cancel, put on hold, report a reporter update, show a conflict."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from incident_desk.domain.closure import ROOT_CAUSE_CATEGORIES
from incident_desk.domain.incident import RESOLUTION_CODES, HoldReason, TimelineEvent
from incident_desk.ui import focus
from incident_desk.ui.dialogs.prompts import Ask, ask_with_message_box
from incident_desk.ui.i18n import translate
from incident_desk.ui.models.timeline_model import describe_event, format_time
from incident_desk.ui.plain import plain_label, tooltip
from incident_desk.ui.widgets.form_fields import FormField


def _plain_text(parent: QWidget, placeholder: str, height: int = 90) -> QPlainTextEdit:
    edit = QPlainTextEdit(parent)
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    edit.setMinimumHeight(height)
    return edit


class _FormDialog(QDialog):
    """OK/Cancel dialog whose OK checks the form first and shows messages under the fields."""

    def __init__(self, title: str, ok_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        # Prompts go through this so tests answer them with real widgets, no modal loop.
        self.ask: Ask = ask_with_message_box
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self.layout_ = QVBoxLayout(self)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.layout_.addLayout(self.form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.layout_.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def check(self) -> bool:
        return True

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: A002 (Qt's name)
        # The buttons are made here, before a subclass adds its fields: Tab goes as the form reads instead.
        return focus.step_as_read(self, next) or super().focusNextPrevChild(next)

    def typed_text(self) -> str:
        """The free text written in the form (notes, a reason): what Esc must not drop unasked."""
        return ""

    def accept(self) -> None:
        if self.check():
            super().accept()

    def reject(self) -> None:
        # Cancel, Esc and the title bar's close all come here.
        if self.typed_text().strip() and self.ask(
                self, translate("Workflow", "Discard what you wrote?"), translate("Workflow",
                        "The text you wrote here is not saved anywhere. Discard it?"),
                ("discard", "cancel")) != "discard":
            return
        super().reject()


class ResolveDialog(_FormDialog):
    """Resolution code (required), notes, the root-cause category if known, and whether the open children
    go along (offered when there are some)."""

    def __init__(self, key: str, parent: QWidget | None = None, *, open_children: int = 0):
        super().__init__(translate("Workflow", "Resolve {key}").format(key=key),
                         translate("Workflow", "Resolve"), parent)
        self.code_combo = QComboBox(self)
        self.code_combo.addItem(translate("Workflow", "Choose a resolution code…"), "")
        for code in RESOLUTION_CODES:
            if code != "duplicate":  # duplicates are resolved through "Resolve as duplicate of…"
                self.code_combo.addItem(code.capitalize(), code)
        self.code_field = FormField(self.code_combo)
        self.notes_edit = _plain_text(self, translate("Workflow", "What was done, so the next person can repeat it"))
        self.notes_field = FormField(self.notes_edit)
        self.cause_combo = QComboBox(self)
        self.cause_combo.addItem(translate("Workflow", "Not known yet"), "")
        for category in ROOT_CAUSE_CATEGORIES:
            self.cause_combo.addItem(category.capitalize(), category)
        self.form.addRow(translate("Workflow", "Resolution &code:"), self.code_field)
        self.form.addRow(translate("Workflow", "&Notes:"), self.notes_field)
        self.form.addRow(translate("Workflow", "Root ca&use:"), self.cause_combo)
        self.children_check = QCheckBox(
            self.tr("Also resolve its %n open child incidents the same way", "", open_children), self)
        self.children_check.setChecked(open_children > 0)
        self.children_check.setVisible(open_children > 0)
        self.form.addRow("", self.children_check)
        self.code_combo.setFocus()

    def root_cause(self) -> str | None:
        return self.cause_combo.currentData() or None

    def with_children(self) -> bool:
        return self.children_check.isVisibleTo(self) and self.children_check.isChecked()

    def code(self) -> str:
        return self.code_combo.currentData() or ""

    def notes(self) -> str:
        return self.notes_edit.toPlainText()

    def typed_text(self) -> str:
        return self.notes()

    def set_code(self, code: str) -> None:
        self.code_combo.setCurrentIndex(max(0, self.code_combo.findData(code)))

    def check(self) -> bool:
        ok = bool(self.code())
        self.code_field.set_error(None if ok else translate("Workflow", "Choose a resolution code."))
        return ok


class CancelDialog(_FormDialog):
    """A reason is required to cancel (e.g. logged by mistake)."""

    def __init__(self, key: str, parent: QWidget | None = None):
        super().__init__(translate("Workflow", "Cancel {key}").format(key=key),
                         translate("Workflow", "Cancel incident"), parent)
        self.reason_edit = _plain_text(self, translate("Workflow",
                                                       "Why is this incident cancelled? (logged twice, not an "
                                                       "incident, …)"), 70)
        self.reason_field = FormField(self.reason_edit)
        self.form.addRow(translate("Workflow", "&Reason:"), self.reason_field)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(translate("Workflow", "Keep incident"))
        self.reason_edit.setFocus()

    def reason(self) -> str:
        return self.reason_edit.toPlainText()

    def typed_text(self) -> str:
        return self.reason()

    def check(self) -> bool:
        ok = bool(self.reason().strip())
        self.reason_field.set_error(None if ok else translate("Workflow", "Give a reason for cancelling."))
        return ok


class HoldDialog(_FormDialog):
    """Whom the incident waits for; the resolution clock pauses meanwhile."""

    def __init__(self, key: str, parent: QWidget | None = None):
        super().__init__(translate("Workflow", "Put {key} on hold").format(key=key),
                         translate("Workflow", "Put on hold"), parent)
        box = QWidget(self)
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        self.radios: dict[HoldReason, QRadioButton] = {}
        for reason in HoldReason:
            radio = QRadioButton(reason.value.capitalize(), box)
            self.group.addButton(radio)
            self.radios[reason] = radio
            col.addWidget(radio)
        self.radios[HoldReason.CALLER].setChecked(True)
        self.form.addRow(translate("Workflow", "Waiting for:"), box)
        self.note_edit = _plain_text(self, translate("Workflow", "Optional: what exactly are we waiting for?"), 60)
        self.form.addRow(translate("Workflow", "&Note:"), self.note_edit)
        hint = QLabel(translate("Workflow", "The resolution clock pauses while the incident is on hold."), self)
        hint.setStyleSheet("color: palette(mid);")
        self.form.addRow("", hint)
        self.radios[HoldReason.CALLER].setFocus()

    def reason(self) -> HoldReason:
        return next(r for r, radio in self.radios.items() if radio.isChecked())

    def set_reason(self, reason: HoldReason) -> None:
        self.radios[reason].setChecked(True)

    def note(self) -> str:
        return self.note_edit.toPlainText()

    def typed_text(self) -> str:
        return self.note()


class ReporterUpdateDialog(QDialog):
    """The agent writes a few words; the summary is previewed, then mailed or copied."""

    sig_send_requested = Signal(str)
    """Open the mail client with this message."""
    sig_copy_requested = Signal(str)
    """Copy the status summary with this message."""

    def __init__(self, key: str, summary_for, parent: QWidget | None = None):
        super().__init__(parent)
        self.summary_for = summary_for
        self.ask: Ask = ask_with_message_box
        self._handed_over = False  # mailed or copied: closing then loses nothing
        self.setWindowTitle(translate("Workflow", "Update the reporter of {key}").format(key=key))
        self.resize(560, 520)
        layout = QVBoxLayout(self)
        message_label = QLabel(translate("Workflow", "Your message to the reporter:"), self)
        layout.addWidget(message_label)
        self.message_edit = _plain_text(self, translate("Workflow",
                                                        "e.g. We have found the cause and expect a fix by 3 pm."), 80)
        message_label.setBuddy(self.message_edit)  # the label names the field for a screen reader
        layout.addWidget(self.message_edit)
        preview_label = QLabel(translate("Workflow", "Preview:"), self)
        layout.addWidget(preview_label)
        self.preview = QPlainTextEdit(self)
        preview_label.setBuddy(self.preview)
        self.preview.setReadOnly(True)
        self.preview.setStyleSheet("font-family: monospace;")
        layout.addWidget(self.preview, 1)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        buttons = QDialogButtonBox(self)
        self.send_button = QPushButton(translate("Workflow", "Open in &mail client"), self)
        self.copy_button = QPushButton(translate("Workflow", "&Copy status summary"), self)
        buttons.addButton(self.send_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.message_edit.textChanged.connect(self._on_message_changed)
        self.send_button.clicked.connect(self._on_send_clicked)
        self.copy_button.clicked.connect(self._on_copy_clicked)
        self._on_message_changed()
        self.message_edit.setFocus()

    def message(self) -> str:
        return self.message_edit.toPlainText()

    @Slot()
    def _on_message_changed(self) -> None:
        self.preview.setPlainText(self.summary_for(self.message()))

    @Slot()
    def _on_send_clicked(self) -> None:
        self._handed_over = True
        self.sig_send_requested.emit(self.message())

    @Slot()
    def _on_copy_clicked(self) -> None:
        self._handed_over = True
        self.sig_copy_requested.emit(self.message())

    def reject(self) -> None:
        if self.message().strip() and not self._handed_over and self.ask(
                self, translate("Workflow", "Discard your message?"), translate("Workflow",
                        "Your message to the reporter was neither mailed nor copied. "
                                               "Discard it?"), ("discard", "cancel")) != "discard":
            return
        super().reject()


class ConflictDialog(QDialog):
    """Who changed what since the editor loaded the incident; reapply the user's edits or drop them."""

    REAPPLY, DISCARD = 1, 2

    def __init__(self, key: str, changes: list[TimelineEvent], pending: dict, parent: QWidget | None = None, *,
                 name: Callable[[str], str] = str):
        super().__init__(parent)
        self.setWindowTitle(translate("Workflow", "Someone else saved this incident"))
        self.resize(680, 380)
        layout = QVBoxLayout(self)
        who = sorted({name(e.actor) if e.actor else translate("Workflow", "System") for e in changes}) or [
            translate("Workflow", "Someone")]
        intro = plain_label(translate("Workflow",
                                      "{who} saved {key} after you opened it, so your edits were not saved yet. This "
                                      "is what changed meanwhile:").format(who=", ".join(who),
                key=key), self)  # names are typed text
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(intro)
        self.changes_tree = QTreeWidget(self)
        self.changes_tree.setHeaderLabels([translate("Workflow", "When"), translate("Workflow", "Who"),
                                           translate("Workflow", "What changed")])
        self.changes_tree.setRootIsDecorated(False)
        self.changes_tree.setAccessibleName(translate("Workflow", "Changes made meanwhile"))
        for event in changes:
            what, body = describe_event(event, name=name, with_actor=False)
            item = QTreeWidgetItem([format_time(event.at), name(event.actor) if event.actor else translate("Workflow",
                    "System"),
                                    what + (f": {body}" if body else "")])
            item.setToolTip(2, tooltip(what + (f"\n{body}" if body else "")))
            self.changes_tree.addTopLevelItem(item)
        for column in (0, 1):  # the whole time and name, never cut
            self.changes_tree.resizeColumnToContents(column)
        layout.addWidget(self.changes_tree, 1)
        mine = ", ".join(name.replace("_", " ") for name in pending) or "none"
        layout.addWidget(QLabel(translate("Workflow", "Your unsaved edits: {mine}.").format(mine=mine), self))
        buttons = QDialogButtonBox(self)
        self.reapply_button = buttons.addButton(translate("Workflow", "&Reapply my edits on the new version"),
                                                QDialogButtonBox.ButtonRole.AcceptRole)
        self.discard_button = buttons.addButton(translate("Workflow", "&Discard my edits"),
                                                QDialogButtonBox.ButtonRole.DestructiveRole)
        self.choice = self.REAPPLY
        self.reapply_button.clicked.connect(self._on_reapply_clicked)
        self.discard_button.clicked.connect(self._on_discard_clicked)
        layout.addWidget(buttons)

    @Slot()
    def _on_reapply_clicked(self) -> None:
        self.choice = self.REAPPLY
        self.accept()

    @Slot()
    def _on_discard_clicked(self) -> None:
        self.choice = self.DISCARD
        self.accept()

    def reject(self) -> None:
        # Closing the dialog must not throw away what the user typed.
        self.choice = self.REAPPLY
        super().reject()
