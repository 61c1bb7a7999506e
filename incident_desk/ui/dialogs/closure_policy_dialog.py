"""The closure policy: which priorities need a postmortem, and after how many days resolved incidents close."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from incident_desk.domain.closure import MAX_AUTO_CLOSE_DAYS, ClosurePolicy
from incident_desk.domain.incident import DomainError, Priority
from incident_desk.services.errors import StorageError
from incident_desk.ui import theme


class ClosurePolicyDialog(QDialog):
    """Saved in the database (a lead or an admin), so every desk on it follows the same policy."""

    def __init__(self, desk, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.setWindowTitle("Closure policy")
        policy = desk.settings.closure_policy()
        layout = QVBoxLayout(self)
        form = QFormLayout()
        row = QHBoxLayout()
        self.priority_checks: dict[Priority, QCheckBox] = {}
        for p in Priority:
            check = QCheckBox(p.label, self)
            check.setChecked(p in policy.postmortem_priorities)
            self.priority_checks[p] = check
            row.addWidget(check)
        row.addStretch(1)
        form.addRow("Postmortem required for:", row)
        self.days_spin = QSpinBox(self)
        self.days_spin.setRange(0, MAX_AUTO_CLOSE_DAYS)
        self.days_spin.setValue(policy.auto_close_days)
        self.days_spin.setSpecialValueText("never")
        self.days_spin.setSuffix(" days after resolution")
        form.addRow("Close automatically:", self.days_spin)
        layout.addLayout(form)
        note = QLabel("The desk that scans for escalations closes each due incident once, as 'system "
                      "(auto-close)', and catches up after downtime. A reopen before then continues the incident.",
                      self)
        note.setWordWrap(True)
        layout.addWidget(note)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        theme.style(self.message, "error")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                   self)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(desk.actor.can("settings.closure"))
        if not desk.actor.can("settings.closure"):
            self.message.setText("Only a lead or an admin may change the closure policy.")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def policy(self) -> ClosurePolicy:
        return ClosurePolicy(postmortem_priorities=frozenset(p for p, c in self.priority_checks.items()
                                                             if c.isChecked()),
                             auto_close_days=self.days_spin.value())

    def accept(self) -> None:
        try:
            self.desk.settings.set_closure_policy(actor=self.desk.actor, policy=self.policy())
        except (DomainError, StorageError) as exc:
            self.message.setText(str(exc))
            return
        super().accept()
