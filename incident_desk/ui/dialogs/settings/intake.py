"""Settings → Alert intake: whether this desk's window runs the intake, where, with which token; the mapping."""

from __future__ import annotations

import json
import os

from PySide6.QtCore import QT_TRANSLATE_NOOP, Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from incident_desk.domain.incident import DomainError
from incident_desk.domain.intake import IntakeMapping
from incident_desk.services.intake_server import DEFAULT_LISTEN, TokenError, parse_listen, read_token
from incident_desk.ui import theme
from incident_desk.ui.dialogs.settings.base import SettingsPage
from incident_desk.ui.i18n import translate
from incident_desk.ui.widgets.form_fields import add_layout_row


class IntakePage(SettingsPage):
    TITLE = QT_TRANSLATE_NOOP("SettingsDialog", "Alert intake")
    KEYWORDS = ("alert", "intake", "monitoring", "alertmanager", "prometheus", "grafana", "pagerduty", "webhook",
                "token", "listen", "port", "mapping", "severity", "routing")
    EXPLAIN = QT_TRANSLATE_NOOP("SettingsDialog", "Monitoring tools open, update and resolve incidents by sending "
                                                  "their alerts to the intake (Alertmanager's webhook, PagerDuty's "
                                                  "Events API). The window can run it in the background; `incident-"
                                                  "desk intake` runs it without a window. One intake runs per "
                                                  "database.")

    PERMISSION = "settings.intake"
    REFUSAL = QT_TRANSLATE_NOOP("SettingsDialog", "only a lead or an admin may set up the alert intake.")

    def build(self, body: QWidget) -> None:
        intake = self.context.desk.intake
        self._saved_window = self.read(intake.window_intake)
        self._saved_mapping = self.read(intake.mapping).to_dict()
        self.run_here = QCheckBox(translate("SettingsIntake", "&Run the intake in this desk's window"), body)
        self.run_here.setChecked(self._saved_window is not None)
        self.run_here.setAccessibleName(translate("SettingsIntake", "Run the alert intake in this window"))
        self.listen = QLineEdit((self._saved_window or {}).get("listen", DEFAULT_LISTEN), body)
        self.listen.setAccessibleName(translate("SettingsIntake", "Listen address (host:port)"))
        self.token_file = QLineEdit((self._saved_window or {}).get("token_file", ""), body)
        self.token_file.setPlaceholderText(translate("SettingsIntake",
                                                     "a file holding the token senders present (16 characters or "
                                                     "more)"))
        self.token_file.setAccessibleName(translate("SettingsIntake", "Token file"))
        self.browse = QPushButton(translate("SettingsIntake", "&Browse…"), body)
        self.browse.setAccessibleName(translate("SettingsIntake", "Browse for the token file"))
        token_row = QHBoxLayout()
        token_row.addWidget(self.token_file, 1)
        token_row.addWidget(self.browse)
        self.mapping = QPlainTextEdit(json.dumps(self._saved_mapping, indent=2, ensure_ascii=False), body)
        self.mapping.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.mapping.setTabChangesFocus(True)
        self.mapping.setAccessibleName(translate("SettingsIntake", "Alert mapping (JSON)"))
        form = QFormLayout()
        form.addRow("", self.run_here)
        form.addRow(translate("SettingsIntake", "&Listen on:"), self.listen)
        add_layout_row(form, translate("SettingsIntake", "&Token file:"), token_row, self.token_file)
        form.addRow(translate("SettingsIntake", "&Mapping:"), self.mapping)
        hint = QLabel(translate("SettingsIntake",
                                "The mapping turns alerts into incidents: severity to priority, default category, how "
                      "many minutes group alerts into one incident, routing rules on labels."), body)
        hint.setWordWrap(True)
        theme.style(hint, "hint")
        layout = QVBoxLayout(body)
        layout.addLayout(form)
        layout.addWidget(hint)
        for edit in (self.listen, self.token_file):
            edit.textChanged.connect(lambda _t: self.sig_changed.emit())
        self.mapping.textChanged.connect(self.sig_changed.emit)
        self.run_here.toggled.connect(lambda _on: self.sig_changed.emit())
        self.browse.clicked.connect(self._on_browse)

    @Slot()
    def _on_browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, translate("SettingsIntake", "The intake's token file"),
                                              self.token_file.text())
        if path:
            self.token_file.setText(path)


    def _window_value(self) -> dict | None:
        if not self.run_here.isChecked():
            return None
        return {"listen": self.listen.text().strip(), "token_file": os.path.abspath(self.token_file.text().strip())}

    def _mapping_value(self) -> dict:
        return json.loads(self.mapping.toPlainText())

    def is_dirty(self) -> bool:
        try:
            mapping_changed = self._mapping_value() != self._saved_mapping
        except ValueError:
            mapping_changed = True
        return mapping_changed or self._window_value() != self._saved_window

    def validate(self) -> str | None:
        try:
            data = self._mapping_value()
        except ValueError as exc:
            return translate("SettingsIntake", "The mapping is not JSON ({exc}).").format(exc=exc)
        try:
            IntakeMapping.from_dict(data)
        except (DomainError, TypeError) as exc:
            return str(exc)
        if self.run_here.isChecked():
            try:
                parse_listen(self.listen.text())
            except ValueError as exc:
                return str(exc)
            if not self.token_file.text().strip():
                return translate("SettingsIntake", "Choose the token file the senders' token is kept in.")
            try:
                read_token(self.token_file.text().strip())
            except (TokenError, OSError) as exc:
                return str(exc)
        return None

    def save(self) -> None:
        desk = self.context.desk
        window, mapping = self._window_value(), self._mapping_value()
        if mapping != self._saved_mapping:
            saved = self.write(lambda: desk.intake.set_mapping(actor=desk.actor, mapping=mapping))
            self._saved_mapping = saved.to_dict()
        if window != self._saved_window:
            self.write(lambda: desk.intake.set_window_intake(actor=desk.actor, listen=(window or {}).get("listen"),
                                                             token_file=(window or {}).get("token_file")))
            self._saved_window = window
