"""Small dialogs of closure: a note, a timeline entry, an action item, key comments, a problem to link or create."""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import QDate, QDateTime, Qt, QTimeZone
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QWidget,
)

from incident_desk.domain.closure import ActionStatus, Problem
from incident_desk.domain.incident import TimelineEvent
from incident_desk.domain.postmortem import Milestone, TimelineEntry
from incident_desk.ui.dialogs.workflow import _FormDialog as FormDialog
from incident_desk.ui.i18n import translate
from incident_desk.ui.widgets.form_fields import FormField

UTC_TZ = QTimeZone.utc()


class NoteDialog(FormDialog):
    """One piece of text, required or not (the caller's words, why a postmortem goes back)."""

    def __init__(self, title: str, label: str, ok_text: str, parent: QWidget | None = None, *,
                 placeholder: str = "", required: bool = False):
        super().__init__(title, ok_text, parent)
        self.required = required
        self.edit = QPlainTextEdit(self)
        self.edit.setPlaceholderText(placeholder)
        self.edit.setTabChangesFocus(True)
        self.edit.setFixedHeight(90)
        self.field = FormField(self.edit)
        self.form.addRow(label, self.field)
        self.edit.setFocus()

    def text(self) -> str:
        return self.edit.toPlainText().strip()

    def typed_text(self) -> str:
        return self.text()

    def check(self) -> bool:
        ok = bool(self.text()) or not self.required
        self.field.set_error(None if ok else translate("ClosureDialogs", "Write a few words first."))
        return ok


def to_qt(value: datetime) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(value.timestamp()), UTC_TZ)


def from_qt(value: QDateTime) -> datetime:
    return datetime.fromtimestamp(value.toSecsSinceEpoch(), UTC)


class EntryDialog(FormDialog):
    """A postmortem timeline entry: when (UTC), what, and the milestone it marks if any."""

    def __init__(self, title: str, parent: QWidget | None = None, *, entry: TimelineEntry | None = None,
                 at: datetime | None = None):
        super().__init__(title, translate("ClosureDialogs", "Save"), parent)
        self.at_edit = QDateTimeEdit(self)
        self.at_edit.setTimeZone(UTC_TZ)
        self.at_edit.setDisplayFormat("yyyy-MM-dd HH:mm 'UTC'")
        self.at_edit.setDateTime(to_qt(entry.at if entry else at or datetime.now(UTC)))
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setPlaceholderText(translate("ClosureDialogs",
                                                    "What happened, as a fact: 'Disk on mx1 reached 100 %'"))
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setFixedHeight(80)
        self.text_field = FormField(self.text_edit)
        if entry:
            self.text_edit.setPlainText(entry.text)
        self.milestone_combo = QComboBox(self)
        self.milestone_combo.addItem(translate("ClosureDialogs", "None"), "")
        for m in Milestone:
            self.milestone_combo.addItem(m.label, m.value)
        if entry and entry.milestone:
            self.milestone_combo.setCurrentIndex(self.milestone_combo.findData(entry.milestone.value))
        self.form.addRow(translate("ClosureDialogs", "&When:"), self.at_edit)
        self.form.addRow(translate("ClosureDialogs", "W&hat:"), self.text_field)
        self.form.addRow(translate("ClosureDialogs", "&Marks:"), self.milestone_combo)
        hint = QLabel(translate("ClosureDialogs",
                                "Marking when the impact began, was detected and was mitigated lets the durations be "
                      "computed; the incident's own timeline is never changed."), self)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(placeholder-text);")
        self.form.addRow("", hint)
        self.text_edit.setFocus()

    def at(self) -> datetime:
        return from_qt(self.at_edit.dateTime())

    def text(self) -> str:
        return self.text_edit.toPlainText().strip()

    def milestone(self) -> str | None:
        return self.milestone_combo.currentData() or None

    def check(self) -> bool:
        ok = bool(self.text())
        self.text_field.set_error(None if ok else translate("ClosureDialogs", "Say what happened."))
        return ok


class ActionItemDialog(FormDialog):
    """Title, owner, due date and status of an action item."""

    def __init__(self, title: str, usernames: list[str], parent: QWidget | None = None, *, item=None,
                 today: date | None = None):
        super().__init__(title, translate("ClosureDialogs", "Save"), parent)
        self.title_edit = QLineEdit(self)
        self.title_edit.setPlaceholderText(translate("ClosureDialogs",
                                                     "What will be done, e.g. 'Alert when a log partition passes 80 "
                                                     "%'"))
        self.title_field = FormField(self.title_edit)
        self.owner_combo = QComboBox(self)
        self.owner_combo.addItem(translate("ClosureDialogs", "No owner yet"), "")
        for name in usernames:
            self.owner_combo.addItem(name, name)
        self.due_check = QCheckBox(translate("ClosureDialogs", "Due on"), self)
        self.due_edit = QDateEdit(self)
        self.due_edit.setCalendarPopup(True)
        self.due_edit.setDisplayFormat("yyyy-MM-dd")
        start = today or date.today()
        self.due_edit.setDate(QDate(start.year, start.month, start.day).addDays(14))
        self.status_combo = QComboBox(self)
        for status in ActionStatus:
            self.status_combo.addItem(status.label, status.value)
        if item is not None:
            self.title_edit.setText(item.title)
            index = self.owner_combo.findData(item.owner or "")
            if index < 0:
                self.owner_combo.addItem(item.owner, item.owner)
                index = self.owner_combo.count() - 1
            self.owner_combo.setCurrentIndex(index)
            if item.due:
                self.due_check.setChecked(True)
                self.due_edit.setDate(QDate(item.due.year, item.due.month, item.due.day))
            self.status_combo.setCurrentIndex(self.status_combo.findData(item.status.value))
        self.due_edit.setEnabled(self.due_check.isChecked())
        self.due_check.toggled.connect(self.due_edit.setEnabled)
        due_row = QWidget(self)
        row = QHBoxLayout(due_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.due_check)
        row.addWidget(self.due_edit, 1)
        self.form.addRow(translate("ClosureDialogs", "&Action:"), self.title_field)
        self.form.addRow(translate("ClosureDialogs", "&Owner:"), self.owner_combo)
        self.form.addRow(translate("ClosureDialogs", "Due:"), due_row)
        self.form.addRow(translate("ClosureDialogs", "&Status:"), self.status_combo)
        self.title_edit.setFocus()

    def values(self) -> dict:
        d = self.due_edit.date()
        return {"title": self.title_edit.text().strip(), "owner": self.owner_combo.currentData() or None,
                "due": date(d.year(), d.month(), d.day()) if self.due_check.isChecked() else None,
                "status": self.status_combo.currentData()}

    def check(self) -> bool:
        ok = bool(self.title_edit.text().strip())
        self.title_field.set_error(None if ok else translate("ClosureDialogs", "Say what will be done."))
        return ok


class KeyCommentsDialog(FormDialog):
    """Tick the comments and work notes the postmortem timeline should show."""

    def __init__(self, comments: list[tuple[TimelineEvent, bool]], parent: QWidget | None = None):
        super().__init__(translate("ClosureDialogs", "Key comments"), translate("ClosureDialogs", "Save"), parent)
        self.list = QListWidget(self)
        self.list.setAccessibleName(translate("ClosureDialogs", "Comments and work notes"))
        self.list.setWordWrap(True)
        for event, is_key in comments:
            if event.kind == "work_note":
                heading = translate("ClosureDialogs", "{time} UTC · Work note by {who}")
            else:
                heading = translate("ClosureDialogs", "{time} UTC · Comment by {who}")
            heading = heading.format(time=event.at.strftime("%Y-%m-%d %H:%M"),
                                     who=event.actor or translate("ClosureDialogs", "system"))
            item = QListWidgetItem(f"{heading}\n{event.note or ''}")
            item.setData(Qt.ItemDataRole.UserRole, event.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if is_key else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.before = {event.id for event, is_key in comments if is_key}
        self.layout_.insertWidget(0, QLabel(translate("ClosureDialogs",
                                                      "Key comments appear on the postmortem timeline. Work notes stay "
                                            "internal: a customer report never shows them."), self))
        self.layout_.insertWidget(1, self.list, 1)
        self.resize(560, 420)

    def checked_ids(self) -> set[int]:
        return {self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked}


class ProblemDialog(FormDialog):
    """A new problem (title, description, workaround) for the given incidents, or one to link them to."""

    def __init__(self, problems: list[Problem], incident_keys: list[str], parent: QWidget | None = None):
        super().__init__(translate("ClosureDialogs", "Problem record"), translate("ClosureDialogs", "Link"), parent)
        keys = ", ".join(incident_keys)
        self.combo = QComboBox(self)
        self.combo.addItem(translate("ClosureDialogs", "A new problem"), "")
        for p in problems:
            self.combo.addItem(f"{p.key} · {p.status.label} · {p.title}", p.key)
        self.title_edit = QLineEdit(self)
        self.title_edit.setPlaceholderText(translate("ClosureDialogs",
                                                     "The cause behind these incidents, e.g. 'Mail server log "
                                                     "partition fills'"))
        self.title_field = FormField(self.title_edit)
        self.description_edit = QPlainTextEdit(self)
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setFixedHeight(70)
        self.workaround_edit = QPlainTextEdit(self)
        self.workaround_edit.setTabChangesFocus(True)
        self.workaround_edit.setFixedHeight(70)
        self.workaround_edit.setPlaceholderText(translate("ClosureDialogs",
                                                          "Optional: what callers or agents can do meanwhile (a known "
                                                          "error "
                                                "shows it when a new report matches)"))
        self.form.addRow(translate("ClosureDialogs", "Incidents:"), QLabel(keys or translate("ClosureDialogs", "none"),
                self))
        self.form.addRow(translate("ClosureDialogs", "&Problem:"), self.combo)
        self.form.addRow(translate("ClosureDialogs", "&Title:"), self.title_field)
        self.form.addRow(translate("ClosureDialogs", "&Description:"), self.description_edit)
        self.form.addRow(translate("ClosureDialogs", "&Workaround:"), self.workaround_edit)
        self.combo.currentIndexChanged.connect(self._on_choice_changed)
        self._on_choice_changed()

    def existing(self) -> str | None:
        return self.combo.currentData() or None

    def choose(self, key: str | None) -> None:
        self.combo.setCurrentIndex(max(0, self.combo.findData(key or "")))

    def _on_choice_changed(self, *_args) -> None:
        new = self.existing() is None
        for w in (self.title_edit, self.description_edit, self.workaround_edit):
            w.setEnabled(new)
        self.ok_button.setText(translate("ClosureDialogs", "Create and link") if new else translate("ClosureDialogs",
                "Link"))

    def values(self) -> dict:
        return {"title": self.title_edit.text().strip(), "description": self.description_edit.toPlainText().strip(),
                "workaround": self.workaround_edit.toPlainText().strip()}

    def check(self) -> bool:
        ok = self.existing() is not None or bool(self.title_edit.text().strip())
        self.title_field.set_error(None if ok else translate("ClosureDialogs", "Give the new problem a title."))
        return ok

