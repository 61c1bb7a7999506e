"""The editor's fields: incident, priority, assignment, reporter, SLA and resolution, in one column."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QSignalBlocker, QStringListModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QFrame,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from incident_desk.domain.incident import RESOLUTION_CODES, Channel, Incident, Level, Priority
from incident_desk.ui.detail.sla_panel import SlaPanel
from incident_desk.ui.i18n import translate
from incident_desk.ui.people import PeopleDirectory, PersonCombo
from incident_desk.ui.widgets.form_fields import FormField, align_form_labels, match_item, searchable_combo

FIELDS = ("title", "description", "category", "subcategory", "service", "reporter_name", "reporter_contact",
          "channel", "impact", "urgency", "priority", "override_reason", "assignee", "team", "resolution_code",
          "resolution_notes")
LABELS = {
    "reporter_name": QT_TRANSLATE_NOOP("Form", "reporter name"),
    "reporter_contact": QT_TRANSLATE_NOOP("Form", "reporter contact"),
    "override_reason": QT_TRANSLATE_NOOP("Form", "override reason"),
    "resolution_code": QT_TRANSLATE_NOOP("Form", "resolution code"),
    "resolution_notes": QT_TRANSLATE_NOOP("Form", "resolution notes"),
}
# Fields whose empty value means "none" to the edit service.
NONE_WHEN_EMPTY = ("priority", "assignee", "team", "subcategory")


def _text(value) -> str:
    return "" if value is None else str(value)


def stored_value(incident: Incident, name: str) -> str:
    """The field's value in the form's terms (what ``DetailsForm.read`` gives for an unedited field)."""
    if name == "channel":
        return incident.channel.value if incident.channel else ""
    if name in ("impact", "urgency"):
        level = getattr(incident, name)
        return level.name.lower() if level else ""  # unknown in imported history
    if name == "priority":
        return incident.priority.label if incident.priority_overridden else ""
    return _text(getattr(incident, name))


def _form(box: QGroupBox) -> QFormLayout:
    form = QFormLayout(box)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    form.setVerticalSpacing(6)
    return form


class DetailsForm(QScrollArea):
    """One column that scrolls down, never across: the panel sits beside the table. What an agent
    needs first (the incident, who reported it and how to reach them) comes before the SLA clocks."""

    def __init__(self, *, categories: dict[str, list[str]], people: PeopleDirectory, teams: list[str],
                 services: list[str] = (), parent: QWidget | None = None):
        super().__init__(parent)
        self.fields: dict[str, FormField] = {}
        self._categories = categories
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(6, 8, 6, 6)

        incident_box = QGroupBox(translate("Form", "Incident"), page)
        form = _form(incident_box)
        self.title_edit = QLineEdit()
        self._add(form, translate("Form", "Titl&e:"), "title", self.title_edit)
        self.description_edit = QPlainTextEdit()
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setMinimumHeight(64)
        self.description_edit.setMaximumHeight(160)
        self._add(form, translate("Form", "Descriptio&n:"), "description", self.description_edit)
        self.category_combo = searchable_combo(categories, placeholder=translate("Form", "Type to search categories"))
        self._add(form, translate("Form", "&Category:"), "category", self.category_combo)
        self.subcategory_combo = QComboBox()
        self._add(form, translate("Form", "Subcategory:"), "subcategory", self.subcategory_combo)
        self.service_edit = QLineEdit()
        self.service_edit.setPlaceholderText(translate("Form", "Affected business service (optional)"))
        self._add(form, translate("Form", "Service:"), "service", self.service_edit)
        # The services the desk offers for new incidents (retired ones left out) as the user types; any other
        # text is still accepted, as the field has always been free text.
        self._services = QStringListModel(list(services), self)
        completer = QCompleter(self._services, self.service_edit)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.service_edit.setCompleter(completer)

        reporter_box = QGroupBox(translate("Form", "Reporter"), page)
        form = _form(reporter_box)
        self.reporter_name_edit = QLineEdit()
        self._add(form, translate("Form", "Name:"), "reporter_name", self.reporter_name_edit)
        self.reporter_contact_edit = QLineEdit()
        self.reporter_contact_edit.setPlaceholderText(translate("Form", "E-mail address or phone number"))
        self._add(form, translate("Form", "Contact:"), "reporter_contact", self.reporter_contact_edit)
        self.channel_combo = QComboBox()
        for channel in Channel:
            self.channel_combo.addItem(channel.label, channel.value)
        self._add(form, translate("Form", "Channel:"), "channel", self.channel_combo)

        priority_box = QGroupBox(translate("Form", "Priority"), page)
        form = _form(priority_box)
        self.impact_combo = QComboBox()
        self.urgency_combo = QComboBox()
        for combo in (self.impact_combo, self.urgency_combo):
            for level in Level:
                combo.addItem(level.label, level.name.lower())
        self._add(form, translate("Form", "Impact:"), "impact", self.impact_combo)
        self._add(form, translate("Form", "Ur&gency:"), "urgency", self.urgency_combo)
        self.priority_combo = QComboBox()
        self.priority_combo.addItem(translate("Form", "From the matrix"), "")
        for p in Priority:
            self.priority_combo.addItem(translate("Form", "Override: {label}").format(label=p.label), p.label)
        self._add(form, translate("Form", "Priorit&y:"), "priority", self.priority_combo, hint=" ")
        self.override_edit = QLineEdit()
        self.override_edit.setPlaceholderText(translate("Form",
                                                        "Why the matrix priority is wrong here (required for an "
                                                        "override)"))
        self._add(form, translate("Form", "Override reason:"), "override_reason", self.override_edit)
        self._priority_form = form

        assign_box = QGroupBox(translate("Form", "Assignment"), page)
        form = _form(assign_box)
        self.assignee_combo = PersonCombo(people, placeholder=translate("Form", "Unassigned"))
        self._add(form, translate("Form", "&Assignee:"), "assignee", self.assignee_combo)
        self.team_combo = QComboBox()
        self.team_combo.addItems([""] + teams)
        self._add(form, translate("Form", "Team:"), "team", self.team_combo)

        self.sla_panel = SlaPanel(page)

        self.resolution_box = QGroupBox(translate("Form", "Resolution"), page)
        form = _form(self.resolution_box)
        self.resolution_code_combo = QComboBox()
        self.resolution_code_combo.addItem("", "")
        for code in RESOLUTION_CODES:
            self.resolution_code_combo.addItem(code.capitalize(), code)
        self._add(form, translate("Form", "Code:"), "resolution_code", self.resolution_code_combo)
        self.resolution_notes_edit = QPlainTextEdit()
        self.resolution_notes_edit.setTabChangesFocus(True)
        self.resolution_notes_edit.setFixedHeight(70)
        self._add(form, translate("Form", "Notes:"), "resolution_notes", self.resolution_notes_edit)
        self.cancel_reason_label = QLabel()
        self.cancel_reason_label.setWordWrap(True)
        self.cancel_reason_label.setTextFormat(Qt.TextFormat.PlainText)  # the reason is typed text, not markup
        form.addRow(translate("Form", "Cancelled because:"), self.cancel_reason_label)

        boxes = (incident_box, reporter_box, priority_box, assign_box, self.resolution_box)
        align_form_labels(boxes)
        for box in (incident_box, reporter_box, priority_box, assign_box, self.sla_panel, self.resolution_box):
            column.addWidget(box)
        column.addStretch(1)
        self.setWidget(page)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the fields take the keyboard, and scroll into view
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def set_services(self, names: list[str]) -> None:
        """The services offered as the user types in the Service field."""
        self._services.setStringList(list(names))

    def _add(self, form: QFormLayout, label: str, name: str, editor: QWidget, hint: str = "") -> FormField:
        field = FormField(editor, hint=hint)
        self.fields[name] = field
        form.addRow(label, field)
        return field

    # ---- values ----------------------------------------------------------------------------------

    def read(self, name: str) -> str:
        editor = self.fields[name].editor
        if isinstance(editor, PersonCombo):
            return editor.username()
        if isinstance(editor, QLineEdit):
            return editor.text()
        if isinstance(editor, QPlainTextEdit):
            return editor.toPlainText()
        if editor.isEditable():
            return editor.currentText().strip()
        data = editor.currentData()
        return editor.currentText() if data is None else _text(data)

    def write(self, name: str, value: str) -> None:
        editor = self.fields[name].editor
        if isinstance(editor, PersonCombo):
            editor.set_username(value)
        elif isinstance(editor, QLineEdit):
            editor.setText(value)
            editor.setCursorPosition(0)
        elif isinstance(editor, QPlainTextEdit):
            if editor.toPlainText() != value:
                editor.setPlainText(value)
        elif editor.isEditable():
            editor.setCurrentIndex(editor.findText(value, Qt.MatchFlag.MatchFixedString))
            editor.setEditText(value)
        else:
            index = editor.findData(value)
            if index < 0:
                index = editor.findText(value)
            if index < 0:
                # An empty channel, impact or urgency is unknown (imported history): say so, keep it.
                editor.addItem(value or translate("Form", "Unknown"), value)
                index = editor.count() - 1
            editor.setCurrentIndex(max(index, 0))

    def show_incident(self, incident: Incident, pending: dict | None = None) -> None:
        """The incident's values, then ``pending`` edits (field -> value) on top."""
        self.fill_subcategories(incident.category)
        for name in FIELDS:
            self.write(name, stored_value(incident, name))
        for name, value in (pending or {}).items():
            if name == "category":
                self.fill_subcategories(value)
            self.write(name, value)
        for field in self.fields.values():
            field.set_error(None)
        self.cancel_reason_label.setText(incident.cancel_reason or "—")

    def fill_subcategories(self, category: str) -> None:
        match = match_item(self._categories, category)
        combo = self.subcategory_combo
        current = combo.currentText()
        with QSignalBlocker(combo):
            combo.clear()
            combo.addItem("", "")
            for sub in self._categories.get(match, []) if match else []:
                combo.addItem(sub, sub)
            combo.setCurrentIndex(max(0, combo.findText(current)))

    def show_override_reason(self, visible: bool) -> None:
        self._priority_form.setRowVisible(self.fields["override_reason"], visible)

    def set_editable(self, *, fields: bool, priority: bool, assignment: bool) -> None:
        for name, field in self.fields.items():
            enabled = fields
            if name in ("priority", "override_reason"):
                enabled = enabled and priority
            if name in ("assignee", "team"):
                enabled = enabled and assignment
            field.editor.setEnabled(enabled)
