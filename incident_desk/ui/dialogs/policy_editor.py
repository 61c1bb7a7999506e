"""Settings dialog for the SLA policy (targets, business calendar) and the escalation policy, by role."""

from __future__ import annotations

from datetime import date
from functools import partial

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate, Qt, QTime, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from incident_desk.domain.escalation import (
    SEVERITIES,
    TRIGGER_UNACKNOWLEDGED,
    TRIGGERS,
    EscalationPolicy,
    EscalationRule,
)
from incident_desk.domain.formatting import exact_duration
from incident_desk.domain.incident import DomainError, Priority
from incident_desk.domain.sla import BusinessCalendar, SlaPolicy, SlaTarget, describe_pause_policy
from incident_desk.services.desk import Desk
from incident_desk.services.errors import ValidationError
from incident_desk.services.policies import parse_duration
from incident_desk.ui import theme
from incident_desk.ui.dialogs.prompts import Ask, ask_with_message_box
from incident_desk.ui.dialogs.recipient_picker import Directory, RecipientsDialog
from incident_desk.ui.i18n import translate
from incident_desk.ui.ops import ops_for
from incident_desk.ui.plain import tooltip
from incident_desk.ui.widgets.zone_picker import ZonePicker

WEEKDAYS = (
    QT_TRANSLATE_NOOP("PolicyEditor", "Mon"),
    QT_TRANSLATE_NOOP("PolicyEditor", "Tue"),
    QT_TRANSLATE_NOOP("PolicyEditor", "Wed"),
    QT_TRANSLATE_NOOP("PolicyEditor", "Thu"),
    QT_TRANSLATE_NOOP("PolicyEditor", "Fri"),
    QT_TRANSLATE_NOOP("PolicyEditor", "Sat"),
    QT_TRANSLATE_NOOP("PolicyEditor", "Sun"),
)
TRIGGER_LABELS = {
    "unacknowledged_after": QT_TRANSLATE_NOOP("PolicyEditor", "Not acknowledged after"),
    "response_fraction": QT_TRANSLATE_NOOP("PolicyEditor", "Share of response target"),
    "resolution_fraction": QT_TRANSLATE_NOOP("PolicyEditor", "Share of resolution target"),
}
RULE_COLUMNS = (
    QT_TRANSLATE_NOOP("PolicyEditor", "Key"),
    QT_TRANSLATE_NOOP("PolicyEditor", "Description"),
    QT_TRANSLATE_NOOP("PolicyEditor", "Priorities"),
    QT_TRANSLATE_NOOP("PolicyEditor", "Trigger"),
    QT_TRANSLATE_NOOP("PolicyEditor", "Threshold"),
    QT_TRANSLATE_NOOP("PolicyEditor", "Recipients"),
    QT_TRANSLATE_NOOP("PolicyEditor", "Raise level"),
    QT_TRANSLATE_NOOP("PolicyEditor", "Severity"),
)
READ_ONLY_TEXT = QT_TRANSLATE_NOOP("PolicyEditor",
                                   "Only a lead or an admin may change policies; you can look at them here.")
RECIPIENTS_COLUMN = 5
RECIPIENTS_ROLE = Qt.ItemDataRole.UserRole   # the rule's recipients as a tuple of Recipient
NOBODY_YET = QT_TRANSLATE_NOOP("PolicyEditor", "(nobody yet: double-click to choose)")


def format_recipients(recipients) -> str:
    """The stored form, 'person:max; team:Network' (shown in the recipients' tooltip)."""
    return "; ".join(r.kind + (f":{r.name}" if r.name else "") for r in recipients)


def format_threshold(rule: EscalationRule) -> str:
    if rule.trigger == TRIGGER_UNACKNOWLEDGED:
        return exact_duration(int(rule.threshold))
    return f"{rule.threshold * 100:g} %"


def parse_threshold(text: str, trigger: str, row: int) -> float:
    if trigger == TRIGGER_UNACKNOWLEDGED:
        # what= goes into the domain's (English) message: kept English with it.
        value = parse_duration(text, business_day_s=86400, what=f"rule {row + 1} threshold")
        if value is None:
            raise ValidationError(translate("PolicyEditor",
                                            "Rule {row} needs a time such as 5 min.").format(
                    row=row + 1), field="threshold")
        return value
    raw = text.strip().rstrip("%").strip()
    try:
        number = float(raw)
    except ValueError:
        raise ValidationError(translate("PolicyEditor",
                                        "Rule {row}: '{text}' is not a share; write e.g. 75 %.").format(row=row + 1,
                text=text), field="threshold") from None
    return number / 100 if text.strip().endswith("%") or number > 10 else number


class PolicyEditorDialog(QDialog):
    """Edits and saves both policies; saving recomputes open incidents in a worker."""

    sig_saved = Signal(int)
    """The policies were saved; this many open incidents got new SLA due instants."""

    def __init__(self, desk: Desk, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        # Prompts go through this so tests answer them with real widgets, no modal loop.
        self.ask: Ask = ask_with_message_box
        self.ops = ops_for(desk)
        self.setWindowTitle(translate("PolicyEditor", "SLA and escalation policies"))
        self.resize(980, 620)
        # One read of what the editor shows (on the desk's network reader on PostgreSQL; each policy is
        # read from the database only the first time, then the services keep it).
        self.sla, self.escalation, self.directory = self.ops.run_read(
            lambda: (desk.settings.sla_policy(), desk.policies.escalation_policy(), Directory.of(desk)))
        self.can_sla = desk.actor.can("settings.sla")
        self.can_escalation = desk.actor.can("settings.escalation")

        self.banner = QLabel(translate("PolicyEditor", READ_ONLY_TEXT), self)
        self.banner.setVisible(not (self.can_sla and self.can_escalation))
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._build_targets(), translate("PolicyEditor", "SLA targets"))
        self.tabs.addTab(self._build_calendar(), translate("PolicyEditor", "Business calendar"))
        self.tabs.addTab(self._build_rules(), translate("PolicyEditor", "Escalation"))
        pause = QLabel(describe_pause_policy(), self)
        pause.setWordWrap(True)
        pause.setObjectName("pausePolicy")
        self.error = QLabel("", self)
        self.error.setObjectName("errorLabel")
        self.error.setTextFormat(Qt.TextFormat.PlainText)  # messages quote what was typed
        theme.style(self.error, "error")
        self.error.setWordWrap(True)
        self.progress = QLabel("", self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close,
                                        self)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(self.can_sla or self.can_escalation)
        self.buttons.accepted.connect(self._on_save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(pause)
        layout.addWidget(self.error)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        self._apply_roles()

    # ---- building ---------------------------------------------------------------------------------

    def _build_targets(self) -> QWidget:
        page = QWidget(self)
        self.policy_name = QLineEdit(self.sla.name, page)
        self.warn = QSpinBox(page)
        self.warn.setRange(1, 99)
        self.warn.setSuffix(" %")
        self.warn.setValue(round(self.sla.warn_fraction * 100))
        self.compliance = QDoubleSpinBox(page)
        self.compliance.setRange(1.0, 100.0)
        self.compliance.setDecimals(1)
        self.compliance.setSingleStep(0.5)
        self.compliance.setSuffix(" %")
        self.compliance.setValue(round(self.sla.compliance_target * 100, 1))
        self.compliance.setToolTip(tooltip(translate("PolicyEditor",
                                                     "The share of incidents the desk means to resolve within target: "
                                                 "the target line on the Metrics tab's SLA chart.")))
        self.targets = QTableWidget(len(Priority), 3, page)
        self.targets.setHorizontalHeaderLabels([translate("PolicyEditor", "Response (acknowledge)"),
                                                translate("PolicyEditor", "Resolution"), translate("PolicyEditor",
                "Business hours only")])
        self.targets.setVerticalHeaderLabels([p.label for p in Priority])
        self.targets.setAccessibleName(translate("PolicyEditor", "Targets per priority"))
        self.targets.setTabKeyNavigation(False)  # Tab leaves the grid (it would go round its cells for ever)
        self.targets.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        day = self.sla.calendar.business_day_seconds()
        for row, priority in enumerate(Priority):
            target = self.sla.target_for(priority)
            for col, value in enumerate((target.response_s, target.resolve_s)):
                self.targets.setItem(row, col, QTableWidgetItem(
                    exact_duration(value, business_day_s=day if target.business_hours else None)))
            check = QTableWidgetItem()
            check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            check.setCheckState(Qt.CheckState.Checked if target.business_hours else Qt.CheckState.Unchecked)
            self.targets.setItem(row, 2, check)
        form = QFormLayout(page)
        form.addRow(translate("PolicyEditor", "Policy name"), self.policy_name)
        form.addRow(translate("PolicyEditor", "Warn at"), self.warn)
        form.addRow(translate("PolicyEditor", "Compliance target"), self.compliance)
        form.addRow(self.targets)
        form.addRow(QLabel(translate("PolicyEditor",
                                     "Durations: 15 min, 4 h, 3 bd (business days of the calendar); empty = no target. "
                           "Targets not limited to business hours run around the clock."), page))
        return page

    def _build_calendar(self) -> QWidget:
        page = QWidget(self)
        cal = self.sla.calendar
        self.zone = ZonePicker(cal.timezone, page, field="calendar")
        self.always_on = QCheckBox(translate("PolicyEditor", "Around the clock (every hour counts)"), page)
        self.always_on.setChecked(cal.always_on)
        days = QHBoxLayout()
        self.day_boxes = []
        for n, name in enumerate(WEEKDAYS):
            box = QCheckBox(translate("PolicyEditor", name), page)
            box.setChecked(n in cal.work_days)
            self.day_boxes.append(box)
            days.addWidget(box)
        self.start = QTimeEdit(QTime(cal.start.hour, cal.start.minute), page)
        self.end = QTimeEdit(QTime(cal.end.hour, cal.end.minute), page)
        for edit in (self.start, self.end):
            edit.setDisplayFormat("HH:mm")
        self.holidays = QListWidget(page)
        for d in sorted(cal.holidays):
            self.holidays.addItem(d.isoformat())
        self.holiday_date = QDateEdit(QDate.currentDate(), page)
        self.holiday_date.setCalendarPopup(True)
        self.holiday_date.setDisplayFormat("yyyy-MM-dd")
        self.add_holiday = QPushButton(translate("PolicyEditor", "Add holiday"), page)
        self.remove_holiday = QPushButton(translate("PolicyEditor", "Remove selected"), page)
        self.add_holiday.clicked.connect(self._on_add_holiday)
        self.remove_holiday.clicked.connect(self._on_remove_holiday)
        holiday_bar = QHBoxLayout()
        for w in (self.holiday_date, self.add_holiday, self.remove_holiday):
            holiday_bar.addWidget(w)
        holiday_bar.addStretch(1)
        form = QFormLayout(page)
        form.addRow(translate("PolicyEditor", "Time zone"), self.zone)
        form.addRow(self.always_on)
        form.addRow(translate("PolicyEditor", "Working days"), days)
        form.addRow(translate("PolicyEditor", "Opens"), self.start)
        form.addRow(translate("PolicyEditor", "Closes"), self.end)
        form.addRow(translate("PolicyEditor", "Holidays"), self.holidays)
        form.addRow("", holiday_bar)
        return page

    def _build_rules(self) -> QWidget:
        page = QWidget(self)
        self.escalation_name = QLineEdit(self.escalation.name, page)
        self.rules = QTableWidget(0, len(RULE_COLUMNS), page)
        self.rules.setHorizontalHeaderLabels([translate("PolicyEditor", c) for c in RULE_COLUMNS])
        self.rules.setAccessibleName(translate("PolicyEditor", "Escalation rules"))
        self.rules.setTabKeyNavigation(False)  # the arrows move between cells; Tab leaves the grid
        for rule in self.escalation.rules:
            self._add_rule_row(rule)
        # The two texts share the room the others leave: neither squeezes the other to a sliver.
        header = self.rules.horizontalHeader()
        for col in range(len(RULE_COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        for col in (1, RECIPIENTS_COLUMN):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        self.add_rule = QPushButton(translate("PolicyEditor", "Add rule"), page)
        self.remove_rule = QPushButton(translate("PolicyEditor", "Remove selected rule"), page)
        self.recipients_button = QPushButton(translate("PolicyEditor", "Recipients…"), page)
        self.recipients_button.setToolTip(translate("PolicyEditor",
                                                    "Choose who hears about the selected rule (or double-click its "
                                          "recipients, or press Enter on them)"))
        self.add_rule.clicked.connect(lambda: self._add_rule_row(None))
        self.remove_rule.clicked.connect(self._on_remove_rule)
        self.recipients_button.clicked.connect(lambda: self.edit_recipients(max(0, self.rules.currentRow())))
        self.rules.cellActivated.connect(self._on_cell_activated)
        self.rules.cellDoubleClicked.connect(self._on_cell_activated)
        bar = QHBoxLayout()
        bar.addWidget(self.add_rule)
        bar.addWidget(self.remove_rule)
        bar.addWidget(self.recipients_button)
        bar.addStretch(1)
        layout = QVBoxLayout(page)
        form = QFormLayout()
        form.addRow(translate("PolicyEditor", "Policy name"), self.escalation_name)
        layout.addLayout(form)
        layout.addWidget(self.rules, 1)
        layout.addLayout(bar)
        hint = QLabel(translate("PolicyEditor",
                                "Choose recipients with a double-click on them, Enter, or the Recipients… button. "
                      "Priorities empty = all. A P1 escalation is always sent as critical."), page)
        hint.setWordWrap(True)
        layout.addWidget(hint)
        return page

    def _add_rule_row(self, rule: EscalationRule | None) -> None:
        row = self.rules.rowCount()
        self.rules.insertRow(row)
        values = ("", "", "", "", "") if rule is None else (
            rule.key, rule.description, ", ".join(p.label for p in sorted(rule.priorities)), "",
            format_threshold(rule))
        for col, value in enumerate(values):
            if col != 3:
                self.rules.setItem(row, col, QTableWidgetItem(value))
        recipients = QTableWidgetItem()
        # Chosen in the picker, never typed: the cell shows names, the item keeps the Recipients.
        recipients.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        self.rules.setItem(row, RECIPIENTS_COLUMN, recipients)
        self.set_recipients(row, rule.recipients if rule else ())
        trigger = QComboBox(self.rules)
        for t in TRIGGERS:
            trigger.addItem(translate("PolicyEditor", TRIGGER_LABELS[t]), t)
        trigger.setCurrentIndex(TRIGGERS.index(rule.trigger) if rule else 0)
        self.rules.setCellWidget(row, 3, trigger)
        raise_box = QTableWidgetItem()
        raise_box.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        raise_box.setCheckState(Qt.CheckState.Checked if rule and rule.raise_level else Qt.CheckState.Unchecked)
        self.rules.setItem(row, 6, raise_box)
        severity = QComboBox(self.rules)
        severity.addItems(list(SEVERITIES))
        severity.setCurrentText(rule.severity if rule else "warning")
        self.rules.setCellWidget(row, 7, severity)

    def _apply_roles(self) -> None:
        for widget in (self.policy_name, self.warn, self.targets, self.zone, self.always_on, self.start, self.end,
                       self.holidays, self.holiday_date, self.add_holiday, self.remove_holiday, *self.day_boxes):
            widget.setEnabled(self.can_sla)
        for widget in (self.escalation_name, self.rules, self.add_rule, self.remove_rule, self.recipients_button):
            widget.setEnabled(self.can_escalation)
        self.compliance.setEnabled(self.can_sla)

    # ---- reading the form ------------------------------------------------------------------------------

    def build_sla_policy(self) -> SlaPolicy:
        try:
            calendar = BusinessCalendar(
                timezone=self.zone.zone(), always_on=self.always_on.isChecked(),
                work_days=frozenset(n for n, box in enumerate(self.day_boxes) if box.isChecked()),
                start=self.start.time().toString("HH:mm"), end=self.end.time().toString("HH:mm"),
                holidays=frozenset(date.fromisoformat(self.holidays.item(i).text())
                                   for i in range(self.holidays.count())))
        except DomainError as exc:
            raise ValidationError(str(exc), field="calendar") from None
        day = calendar.business_day_seconds()
        targets = {}
        for row, priority in enumerate(Priority):
            business = self.targets.item(row, 2).checkState() == Qt.CheckState.Checked
            response = parse_duration(self.targets.item(row, 0).text(), business_day_s=day,
                                      what=f"{priority.label} response target")
            resolve = parse_duration(self.targets.item(row, 1).text(), business_day_s=day,
                                     what=f"{priority.label} resolution target")
            if response is not None and resolve is not None and resolve < response:
                raise ValidationError(translate("PolicyEditor",
                                                "{label}: the resolution target is shorter than the response "
                                                "target.").format(label=priority.label),
                                      field="targets")
            if response is not None or resolve is not None:
                targets[priority] = SlaTarget(response_s=response, resolve_s=resolve, business_hours=business)
        compliance = self.compliance.value()
        # The box shows one decimal: an untouched box keeps the stored share exactly.
        if abs(compliance - self.sla.compliance_target * 100) < 0.05:
            compliance_target = self.sla.compliance_target
        else:
            compliance_target = compliance / 100
        try:
            return SlaPolicy(name=self.policy_name.text().strip(), calendar=calendar, targets=targets,
                             warn_fraction=self.warn.value() / 100, compliance_target=compliance_target)
        except DomainError as exc:
            raise ValidationError(str(exc), field="sla") from None

    def _cell_text(self, row: int, col: int) -> str:
        item = self.rules.item(row, col)
        return item.text().strip() if item else ""

    def build_escalation_policy(self) -> EscalationPolicy:
        rules = []
        for row in range(self.rules.rowCount()):
            text = partial(self._cell_text, row)
            trigger = self.rules.cellWidget(row, 3).currentData()
            try:
                priorities = frozenset(Priority.parse(p) for p in text(2).replace(";", ",").split(",") if p.strip())
                rules.append(EscalationRule(
                    key=text(0), description=text(1), priorities=priorities, trigger=trigger,
                    threshold=parse_threshold(text(4), trigger, row), recipients=self.recipients_of(row),
                    raise_level=self.rules.item(row, 6).checkState() == Qt.CheckState.Checked,
                    severity=self.rules.cellWidget(row, 7).currentText()))
            except ValidationError:
                raise
            except DomainError as exc:
                raise ValidationError(translate("PolicyEditor", "Rule {row}: {exc}").format(row=row + 1, exc=exc),
                                      field="rules") from None
        try:
            return EscalationPolicy(name=self.escalation_name.text().strip(), rules=tuple(rules))
        except DomainError as exc:
            raise ValidationError(str(exc), field="rules") from None

    # ---- recipients -----------------------------------------------------------------------------------

    def recipients_of(self, row: int) -> tuple:
        return tuple(self.rules.item(row, RECIPIENTS_COLUMN).data(RECIPIENTS_ROLE) or ())

    def set_recipients(self, row: int, recipients) -> None:
        """Show a rule's recipients by name; the stored form is in the tooltip."""
        item = self.rules.item(row, RECIPIENTS_COLUMN)
        recipients = tuple(recipients)
        item.setData(RECIPIENTS_ROLE, recipients)
        item.setText(self.directory.describe_all(recipients) if recipients else translate("PolicyEditor", NOBODY_YET))
        item.setToolTip(tooltip(translate("PolicyEditor",
                                          "Stored as: {recipients}").format(recipients=format_recipients(
                recipients))) if recipients else "")

    def edit_recipients(self, row: int) -> RecipientsDialog | None:
        """Open the picker for ``row``'s recipients (window-modal); OK puts them in the table."""
        if not 0 <= row < self.rules.rowCount() or not self.can_escalation:
            return None
        key = self._cell_text(row, 0)
        dialog = RecipientsDialog(self.recipients_of(row), self.directory, self, rule=key or translate("PolicyEditor",
                "rule {row}").format(row=row + 1))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.set_recipients(row, dialog.recipients()))
        dialog.open()
        return dialog

    @Slot(int, int)
    def _on_cell_activated(self, row: int, column: int) -> None:
        if column == RECIPIENTS_COLUMN:
            self.edit_recipients(row)

    # ---- slots ------------------------------------------------------------------------------------------

    @Slot()
    def _on_add_holiday(self) -> None:
        text = self.holiday_date.date().toString("yyyy-MM-dd")
        existing = {self.holidays.item(i).text() for i in range(self.holidays.count())}
        if text not in existing:
            self.holidays.addItem(text)
            self.holidays.sortItems()

    @Slot()
    def _on_remove_holiday(self) -> None:
        for item in self.holidays.selectedItems():
            self.holidays.takeItem(self.holidays.row(item))

    @Slot()
    def _on_remove_rule(self) -> None:
        rows = sorted({i.row() for i in self.rules.selectedIndexes()}, reverse=True)
        for row in rows:
            self.rules.removeRow(row)

    @Slot()
    def _on_save(self) -> None:
        self.error.clear()
        try:
            sla = self.build_sla_policy() if self.can_sla else None
            escalation = self.build_escalation_policy() if self.can_escalation else None
        except ValidationError as exc:
            self.error.setText(str(exc))
            self.tabs.setCurrentIndex(2 if exc.field in ("rules", "recipients", "threshold") else
                                      1 if exc.field == "calendar" else 0)
            return
        sla = sla if sla is not None and sla != self.sla else None
        escalation = escalation if escalation is not None and escalation != self.escalation else None
        if sla is None and escalation is None:
            self.accept()
            return
        self.save_button.setEnabled(False)
        self.progress.setText(translate("PolicyEditor", "Saving and recomputing open incidents…"))
        self.ops.write(partial(self._save_job, sla, escalation), on_done=self._on_saved, on_error=self._on_save_failed)

    def _save_job(self, sla: SlaPolicy | None, escalation: EscalationPolicy | None) -> int:
        """On the desk's writer thread: the recompute walks every open incident in batches."""
        count = 0
        if escalation is not None:
            self.desk.policies.set_escalation_policy(actor=self.desk.actor, policy=escalation)
        if sla is not None:
            count = self.desk.policies.set_sla_policy(actor=self.desk.actor, policy=sla)
        return count

    def _on_saved(self, count: int) -> None:
        self.progress.setText(translate("PolicyEditor",
                                        "Saved; {count:,} open incidents recomputed.").format(count=count))
        self.sig_saved.emit(count)
        self.accept()

    def _on_save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.progress.clear()
        self.error.setText(str(exc))

    def has_changes(self) -> bool:
        """Whether the form differs from the saved policies (a form that does not parse does)."""
        try:
            if self.can_sla and self.build_sla_policy() != self.sla:
                return True
            return self.can_escalation and self.build_escalation_policy() != self.escalation
        except (ValidationError, DomainError):
            return True

    def confirm_discard(self) -> bool:
        """True when nothing was changed or the user agreed to throw the changes away."""
        if not self.has_changes():
            return True
        return self.ask(self, translate("PolicyEditor", "Discard your changes?"),
                        translate("PolicyEditor",
                                  "The SLA and escalation policies have changes that are not saved. Discard them?"),
                        ("discard", "cancel")) == "discard"

    def reject(self) -> None:
        # Close, Esc and the window's close button all come here: edits are never dropped unasked.
        if self.confirm_discard():
            super().reject()

    def done(self, result: int) -> None:
        self.ops.wait_idle(30_000)
        super().done(result)
