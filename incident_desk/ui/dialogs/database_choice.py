"""File > Open a team database…: the database the window opens when none is named (a team server or your own file)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QProcess, Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from incident_desk.ui import theme
from incident_desk.ui.desk_settings import app_settings
from incident_desk.ui.plain import plain_label

CHOSEN_DB_KEY = "database/url"
TEAM_PREFIXES = ("postgresql://", "postgres://")


def chosen_database() -> str | None:
    """The database chosen in the window last, or None for the default one (the user's own desk)."""
    value = app_settings().value(CHOSEN_DB_KEY, "")
    return str(value).strip() or None


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot name a team database, or None."""
    if not url.startswith(TEAM_PREFIXES):
        return "A team database is named by a URL such as postgresql://you@server:5432/desk."
    rest = url.split("//", 1)[1]
    if "@" in rest.split("/", 1)[0] and ":" in rest.split("@", 1)[0]:
        # The settings file is private, but a password in it would still be a password on disk.
        return "Leave the password out of the URL; the server asks for it (or use ~/.pgpass)."
    if not rest.partition("/")[2].strip("/"):
        return "The URL names no database; end it with /dbname."
    return None


class DatabaseChoiceDialog(QDialog):
    """Saves the choice and starts the desk again on it (every part of the window belongs to one database)."""

    def __init__(self, current: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Open a team database")
        layout = QVBoxLayout(self)
        intro = plain_label("A team shares one PostgreSQL database; everyone signs in. The desk opens this "
                            "database from now on when none is named with --db.", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.url_edit = QLineEdit(current if current.startswith(TEAM_PREFIXES) else "", self)
        self.url_edit.setPlaceholderText("postgresql://you@server:5432/desk")
        form.addRow("Database URL:", self.url_edit)
        layout.addLayout(form)
        self.error_label = QLabel("", self)
        self.error_label.setWordWrap(True)
        theme.style(self.error_label, "error")
        self.error_label.hide()
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.open_button = buttons.addButton("Open and restart", QDialogButtonBox.ButtonRole.AcceptRole)
        self.own_button = buttons.addButton("Back to my own desk", QDialogButtonBox.ButtonRole.ResetRole)
        self.own_button.setEnabled(chosen_database() is not None)
        self.open_button.clicked.connect(self._on_open)
        self.own_button.clicked.connect(self._on_own)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    @Slot()
    def _on_open(self) -> None:
        url = self.url_edit.text().strip()
        problem = url_problem(url)
        if problem:
            self.error_label.setText(problem)
            self.error_label.show()
            return
        app_settings().setValue(CHOSEN_DB_KEY, url)
        self.accept()

    @Slot()
    def _on_own(self) -> None:
        app_settings().remove(CHOSEN_DB_KEY)
        self.accept()


def restart_desk() -> bool:
    """Start a new desk process (it opens the chosen database); the caller closes this window."""
    return QProcess.startDetached(sys.executable, ["-m", "incident_desk"])[0]
