"""The audit trail for admins: sign-ins, failed sign-ins, refused actions and account changes, filtered."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QT_TRANSLATE_NOOP, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from incident_desk.domain.formatting import time_short
from incident_desk.services.errors import DomainError, StorageError
from incident_desk.ui import theme
from incident_desk.ui.i18n import translate
from incident_desk.ui.ops import ops_for
from incident_desk.ui.plain import tooltip

# (label, action filter): an exact action, or a family ending in '.'.
ACTIONS = ((QT_TRANSLATE_NOOP("AuditDialog", "Everything"), None),
           (QT_TRANSLATE_NOOP("AuditDialog", "Sign-ins and refusals"), "auth."),
           (QT_TRANSLATE_NOOP("AuditDialog", "Sign-ins"), "auth.sign_in"),
           (QT_TRANSLATE_NOOP("AuditDialog", "Failed sign-ins"), "auth.sign_in_failed"),
           (QT_TRANSLATE_NOOP("AuditDialog", "Refused actions"), "auth.refused"),
           (QT_TRANSLATE_NOOP("AuditDialog", "Accounts"), "users."))
SPANS = ((QT_TRANSLATE_NOOP("AuditDialog", "Any time"), None),
         (QT_TRANSLATE_NOOP("AuditDialog", "Last 24 hours"), timedelta(days=1)),
         (QT_TRANSLATE_NOOP("AuditDialog", "Last 7 days"), timedelta(days=7)),
         (QT_TRANSLATE_NOOP("AuditDialog", "Last 30 days"), timedelta(days=30)))
LIMIT = 500


class AuditDialog(QDialog):
    """Read-only; the service refuses anyone but an admin whatever this dialog does."""

    def __init__(self, desk, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.ops = ops_for(desk)
        self.setWindowTitle(translate("AuditDialog", "Audit trail"))
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.action_combo = QComboBox(self)
        for label, value in ACTIONS:
            self.action_combo.addItem(translate("AuditDialog", label), value)
        self.span_combo = QComboBox(self)
        for label, value in SPANS:
            self.span_combo.addItem(translate("AuditDialog", label), value)
        self.who_edit = QLineEdit(self)
        self.who_edit.setPlaceholderText(translate("AuditDialog", "Account (any)"))
        self.who_edit.setMaxLength(64)
        self.who_edit.setClearButtonEnabled(True)
        refresh = QPushButton(translate("AuditDialog", "Show"), self)
        refresh.setDefault(True)
        # Each label is its field's buddy: a screen reader names the field by it (and Alt+letter jumps there).
        texts = (translate("AuditDialog", "&What:"), translate("AuditDialog", "W&hen:"),
                 translate("AuditDialog", "Wh&o:"))
        labels = [QLabel(text, self) for text in texts]
        for label, field in zip(labels, (self.action_combo, self.span_combo, self.who_edit)):
            label.setBuddy(field)
        for w in (labels[0], self.action_combo, labels[1], self.span_combo, labels[2], self.who_edit, refresh):
            row.addWidget(w)
        layout.addLayout(row)
        self.table = QTableWidget(0, 4, self)
        self.table.setHorizontalHeaderLabels([translate("AuditDialog", "Time"), translate("AuditDialog", "Account"),
                                              translate("AuditDialog", "Action"), translate("AuditDialog", "Detail")])
        self.table.verticalHeader().hide()
        self.table.setAccessibleName(translate("AuditDialog", "Audit entries"))
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; the arrows move in it
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.table)
        self.status_label = QLabel("", self)
        theme.style(self.status_label, "muted")
        layout.addWidget(self.status_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        refresh.clicked.connect(self.reload)
        self.who_edit.returnPressed.connect(self.reload)
        self.action_combo.currentIndexChanged.connect(self.reload)
        self.span_combo.currentIndexChanged.connect(self.reload)
        self.resize(900, 520)
        self.reload()

    @Slot()
    def reload(self) -> None:
        span = self.span_combo.currentData()
        since = self.desk.clock() - span if span else None
        action, who = self.action_combo.currentData(), self.who_edit.text().strip() or None
        try:
            entries = self.ops.run_read(lambda: self.desk.users.audit(actor=self.desk.actor, limit=LIMIT,
                                                                      action=action, who=who, since=since))
        except (DomainError, StorageError) as exc:
            self.status_label.setText(str(exc))
            return
        self.table.setRowCount(len(entries))
        for n, e in enumerate(entries):
            for column, text in enumerate((time_short(e.at), e.actor or "system", e.action, e.detail)):
                item = QTableWidgetItem(text)  # items show text as typed, never markup
                item.setToolTip(tooltip(text))
                self.table.setItem(n, column, item)
        self.status_label.setText(
            self.tr("%n entries (the newest; narrow the filter to see older ones)", "", len(entries))
            if len(entries) == LIMIT else self.tr("%n entries", "", len(entries)))
