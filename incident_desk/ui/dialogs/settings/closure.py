"""Settings → Closure: which priorities need a postmortem, and after how many days resolved incidents close."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QCheckBox, QFormLayout, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from incident_desk.domain.closure import MAX_AUTO_CLOSE_DAYS, ClosurePolicy
from incident_desk.domain.incident import DomainError, Priority
from incident_desk.ui import theme
from incident_desk.ui.dialogs.settings.base import SettingsPage
from incident_desk.ui.i18n import translate


class ClosurePage(SettingsPage):
    """Saved in the database (a lead or an admin), so every desk on it follows the same policy."""

    TITLE = QT_TRANSLATE_NOOP("SettingsDialog", "Closure and postmortems")
    KEYWORDS = ("auto-close", "auto close", "days", "postmortem", "post-mortem", "resolved", "closure policy")
    EXPLAIN = QT_TRANSLATE_NOOP("SettingsDialog", "What closing an incident asks for, and when a resolved incident "
                                                  "closes by itself.")

    PERMISSION = "settings.closure"
    REFUSAL = QT_TRANSLATE_NOOP("SettingsDialog", "only a lead or an admin may change the closure policy.")

    def build(self, body: QWidget) -> None:
        self.policy = self.read(self.context.desk.settings.closure_policy)
        row = QHBoxLayout()
        self.priority_checks: dict[Priority, QCheckBox] = {}
        for p in Priority:
            check = QCheckBox(theme.priority_label(p), body)
            check.setAccessibleName(translate("SettingsClosure",
                                              "Postmortem required for {priority_label}").format(
                    priority_label=theme.priority_label(p)))
            check.setChecked(p in self.policy.postmortem_priorities)
            check.toggled.connect(lambda _on: self.sig_changed.emit())
            self.priority_checks[p] = check
            row.addWidget(check)
        row.addStretch(1)
        self.days_spin = QSpinBox(body)
        self.days_spin.setRange(0, MAX_AUTO_CLOSE_DAYS)
        self.days_spin.setValue(self.policy.auto_close_days)
        self.days_spin.setSpecialValueText(translate("SettingsClosure", "never"))
        self.days_spin.setSuffix(translate("SettingsClosure", " days after resolution"))
        self.days_spin.setAccessibleName(translate("SettingsClosure",
                                                   "Close resolved incidents automatically after days (0: never)"))
        self.days_spin.valueChanged.connect(lambda _v: self.sig_changed.emit())
        form = QFormLayout()
        form.addRow(translate("SettingsClosure", "Postmortem required for:"), row)
        form.addRow(translate("SettingsClosure", "Close &automatically:"), self.days_spin)
        note = QLabel(translate("SettingsClosure",
                                "The desk that scans for escalations closes each due incident once, as 'system "
                      "(auto-close)', and catches up after downtime. A reopen before then continues the incident."),
                      body)
        note.setWordWrap(True)
        theme.style(note, "hint")
        layout = QVBoxLayout(body)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addStretch(1)


    def edited(self) -> ClosurePolicy:
        return ClosurePolicy(postmortem_priorities=frozenset(p for p, c in self.priority_checks.items()
                                                             if c.isChecked()),
                             auto_close_days=self.days_spin.value())

    def is_dirty(self) -> bool:
        try:
            return self.edited() != self.policy
        except DomainError:
            return True

    def validate(self) -> str | None:
        try:
            self.edited()
        except DomainError as exc:
            return str(exc)
        return None

    def save(self) -> None:
        desk, policy = self.context.desk, self.edited()
        self.policy = self.write(lambda: desk.settings.set_closure_policy(actor=desk.actor, policy=policy))
