"""File → Switch database…: a recent desk, a file, or a team server; the window reopens on the one chosen."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from incident_desk import config
from incident_desk.services import first_run
from incident_desk.services.errors import DomainError, StorageError
from incident_desk.ui import theme
from incident_desk.ui.i18n import translate
from incident_desk.ui.plain import plain_label, tooltip
from incident_desk.ui.workers import WorkerPool

URL_ROLE = Qt.ItemDataRole.UserRole  # the whole URL; the row shows it masked


class SwitchDatabaseDialog(QDialog):
    """Pick the desk to open next; ``chosen_url()`` is it (never shown unmasked)."""

    def __init__(self, current_url: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(translate("SwitchDatabase", "Switch database"))
        self.current_url = current_url
        self.pool = WorkerPool(self, max_threads=1, name="switch-test")
        intro = QLabel(translate("SwitchDatabase",
                                 "Open another desk. The window closes and opens again on the one you choose; "
                       "unsaved edits are asked about first."), self)
        intro.setWordWrap(True)
        recent_label = QLabel(translate("SwitchDatabase", "&Recent databases:"), self)
        self.recent = QListWidget(self)
        self.recent.setAccessibleName(translate("SwitchDatabase", "Recent databases"))
        recent_label.setBuddy(self.recent)
        for url in config.recent_databases() or [current_url]:
            text = first_run.describe(url) + (translate("SwitchDatabase", "  (open now)") if url == current_url else "")
            item = QListWidgetItem(text, self.recent)
            item.setData(URL_ROLE, url)
            item.setToolTip(tooltip(first_run.safe_url(url)))
        other_label = QLabel(translate("SwitchDatabase", "Or a database &file or team server address:"), self)
        self.other = QLineEdit(self)
        self.other.setAccessibleName(translate("SwitchDatabase", "Database file or team server address"))
        self.other.setPlaceholderText(translate("SwitchDatabase",
                                                "/path/to/desk.db or postgresql://user@host:5432/incidents"))
        other_label.setBuddy(self.other)
        self.browse = QPushButton(translate("SwitchDatabase", "&Browse…"), self)
        self.browse.setAccessibleName(translate("SwitchDatabase", "Browse for a database file"))
        self.test_button = QPushButton(translate("SwitchDatabase", "&Test connection"), self)
        self.test_button.setAccessibleName(translate("SwitchDatabase", "Test connection"))
        row = QHBoxLayout()
        row.addWidget(self.other, 1)
        row.addWidget(self.browse)
        row.addWidget(self.test_button)
        self.message = plain_label("", self)  # may quote a host or a path
        self.message.setWordWrap(True)
        self.message.setAccessibleName(translate("SwitchDatabase", "Result"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.open_button = self.buttons.button(QDialogButtonBox.StandardButton.Open)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(recent_label)
        layout.addWidget(self.recent, 1)
        layout.addWidget(other_label)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(640, 380)
        self.recent.currentItemChanged.connect(lambda *_: self.message.clear())
        self.recent.itemActivated.connect(lambda _item: self._on_open())
        self.other.textEdited.connect(lambda _t: self.recent.clearSelection())
        self.browse.clicked.connect(self._on_browse)
        self.test_button.clicked.connect(self._on_test)
        self.buttons.accepted.connect(self._on_open)
        self.buttons.rejected.connect(self.reject)

    def chosen_url(self) -> str | None:
        typed = self.other.text().strip()
        if typed:
            return typed
        item = self.recent.currentItem()
        return item.data(URL_ROLE) if item is not None and item.isSelected() else None

    def _say(self, text: str, *, error: bool) -> None:
        self.message.setText(text)
        theme.style(self.message, "error" if error else None)

    @Slot()
    def _on_browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, translate("SwitchDatabase", "Open a desk database"), str(
                config.data_dir(create=False)),
                                              translate("SwitchDatabase", "Desk databases (*.db);;All files (*)"))
        if path:
            self.other.setText(path)

    @Slot()
    def _on_test(self) -> None:
        url = self.chosen_url() or ""
        if not first_run.is_team_url(url):
            self._say(translate("SwitchDatabase",
                                "Only a team server's connection is tested; a file is checked when it opens."),
                      error=False)
            return
        self.test_button.setEnabled(False)
        self._say(translate("SwitchDatabase", "Testing the connection…"), error=False)

        def done(sentence: str) -> None:
            self.test_button.setEnabled(True)
            self._say(sentence, error=False)

        def failed(exc: BaseException) -> None:
            self.test_button.setEnabled(True)
            self._say(str(exc) if isinstance(exc, (DomainError, StorageError)) else translate("SwitchDatabase",
                    "Something went wrong: {exc}").format(exc=exc),
                      error=True)
        self.pool.submit(partial(first_run.test_connection, url), on_done=done, on_error=failed)

    @Slot()
    def _on_open(self) -> None:
        url = self.chosen_url()
        if not url:
            self._say(translate("SwitchDatabase",
                                "Choose a recent database, or type a file path or a team server address."), error=True)
            return
        if url == self.current_url:
            self._say(translate("SwitchDatabase", "That desk is open now; choose another one."), error=True)
            return
        if not first_run.is_team_url(url) and not Path(url.removeprefix("sqlite:///")).expanduser().parent.is_dir():
            self._say(translate("SwitchDatabase", "The folder of {url} does not exist.").format(url=url), error=True)
            return
        self.accept()

    def done(self, result: int) -> None:
        self.pool.close()
        super().done(result)


def switch_window(window, url: str) -> bool:
    """Remember ``url`` and close ``window`` so app.py opens it on ``url``; False when the window
    stayed open (the user kept an unsaved edit)."""
    window.switch_to = url
    alerts = getattr(window, "alerts", None)
    if alerts is not None:
        alerts.allow_close()  # "keep running in the tray" hides on close; a switch really closes
    if not window.close():
        window.switch_to = None
        return False
    config.remember_database(url)
    QApplication.quit()
    return True


def ask_and_switch(window) -> SwitchDatabaseDialog:
    """Open the dialog (window-modal); choosing a desk switches to it."""
    dialog = SwitchDatabaseDialog(window.desk.store.url, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(lambda: switch_window(window, dialog.chosen_url()))
    window.switch_dialog = dialog
    dialog.open()
    return dialog
