"""The first-run welcome: "just me on this computer" or "my team's server", your name, demo data."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from incident_desk import config
from incident_desk.services import first_run
from incident_desk.services.errors import DomainError, StorageError
from incident_desk.ui import theme
from incident_desk.ui.i18n import translate
from incident_desk.ui.plain import plain_label
from incident_desk.ui.team_sign_in import SignedIn, team_sign_in
from incident_desk.ui.workers import WorkerPool

JUST_ME, TEAM = "just-me", "team"


class WelcomeDialog(QDialog):
    """Asked once, when no database was chosen yet; ``chosen_url`` is the database to open after Start.
    Every slow step (creating the desk, demo data, a server that may not answer) runs in a worker."""

    sig_busy_changed = Signal(bool)
    """Work started (True) or ended (False) in the worker."""

    def __init__(self, parent: QWidget | None = None, *, local_path=None,
                 sign_in: Callable[..., SignedIn] | None = None):
        super().__init__(parent)
        self.setWindowTitle(translate("Welcome", "Welcome to Incident Desk"))
        self.setObjectName("welcomeDialog")
        self.local_path = local_path or config.default_db_path(create_dir=False)
        self._sign_in = sign_in or team_sign_in
        self.pool = WorkerPool(self, max_threads=1, name="welcome")
        self.chosen_url: str | None = None
        # A team server's Start signs in here: the window opens on this desk and asks no second time.
        self.signed_in_desk = None
        self.prepared: first_run.Prepared | None = None
        self._busy = False

        heading = QLabel(translate("Welcome", "Where should your incidents live?"), self)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        intro = QLabel(translate("Welcome", "You can change this later with File → Switch database…"), self)
        theme.style(intro, "muted")

        self.just_me = QRadioButton(translate("Welcome", "&Just me on this computer"), self)
        self.just_me.setAccessibleName(translate("Welcome", "Just me on this computer"))
        self.just_me.setChecked(True)
        just_me_text = plain_label(translate("Welcome",
                                             "One file in your user data folder ({local_path}); no sign-in.").format(
                local_path=self.local_path), self)
        just_me_text.setWordWrap(True)
        theme.style(just_me_text, "hint")
        self.team = QRadioButton(translate("Welcome", "My &team's server"), self)
        self.team.setAccessibleName(translate("Welcome", "My team's server"))
        team_text = QLabel(translate("Welcome", "A PostgreSQL database the whole team shares; everyone signs in."),
                           self)
        team_text.setWordWrap(True)
        theme.style(team_text, "hint")
        self.mode_group = QButtonGroup(self)
        self.mode_group.addButton(self.just_me)
        self.mode_group.addButton(self.team)

        # ---- just me
        self.local_box = QFrame(self)
        local_form = QFormLayout(self.local_box)
        self.display_name = QLineEdit(getpass.getuser() or "", self.local_box)
        self.display_name.setAccessibleName(translate("Welcome", "Your name"))
        self.display_name.setPlaceholderText(translate("Welcome", "e.g. Anna Rossi"))
        self.display_name.setMaxLength(200)
        local_form.addRow(translate("Welcome", "Your &name:"), self.display_name)
        self.demo = QCheckBox(translate("Welcome",
                                        "Load &demo data ({demo_count:,} sample incidents over the last six months) "
                                        "to try the desk out").format(demo_count=first_run.DEMO_COUNT), self.local_box)
        self.demo.setAccessibleName(translate("Welcome", "Load demo data"))
        local_form.addRow(self.demo)

        # ---- team server
        self.team_box = QFrame(self)
        team_form = QFormLayout(self.team_box)
        url_row = QHBoxLayout()
        self.url = QLineEdit(self.team_box)
        self.url.setAccessibleName(translate("Welcome", "Server address"))
        self.url.setPlaceholderText(translate("Welcome", "postgresql://user@host:5432/incidents"))
        self.test_button = QPushButton(translate("Welcome", "Test &connection"), self.team_box)
        self.test_button.setAccessibleName(translate("Welcome", "Test connection"))
        url_row.addWidget(self.url, 1)
        url_row.addWidget(self.test_button)
        url_label = QLabel(translate("Welcome", "Server &address:"), self.team_box)
        url_label.setBuddy(self.url)
        team_form.addRow(url_label, url_row)
        self.test_result = plain_label("", self.team_box)  # it may quote the server's host and database
        self.test_result.setObjectName("testResult")
        self.test_result.setWordWrap(True)
        self.test_result.setAccessibleName(translate("Welcome", "Connection test result"))
        team_form.addRow(self.test_result)
        self.username = QLineEdit(self.team_box)
        self.username.setAccessibleName(translate("Welcome", "User name on the server"))
        team_form.addRow(translate("Welcome", "&User name:"), self.username)
        self.password = QLineEdit(self.team_box)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(translate("Welcome", "Password"))
        team_form.addRow(translate("Welcome", "&Password:"), self.password)
        self.initialise = QCheckBox(translate("Welcome", "&Initialise this empty database and make me its admin"),
                                    self.team_box)
        self.initialise.setAccessibleName(translate("Welcome", "Initialise this empty database as its admin"))
        team_form.addRow(self.initialise)
        self.sign_in_note = QLabel(translate("Welcome", "Your name and role come from your account on the server."),
                                   self.team_box)
        self.sign_in_note.setWordWrap(True)
        theme.style(self.sign_in_note, "hint")
        team_form.addRow(self.sign_in_note)

        self.error = plain_label("", self)  # messages quote what was typed
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        self.error.setAccessibleName(translate("Welcome", "Problem"))
        theme.style(self.error, "error")
        self.progress = QLabel("", self)
        self.progress.setAccessibleName(translate("Welcome", "Progress"))
        theme.style(self.progress, "waiting")
        self.buttons = QDialogButtonBox(self)
        self.start_button = self.buttons.addButton(translate("Welcome", "&Start"),
                                                   QDialogButtonBox.ButtonRole.AcceptRole)
        self.start_button.setAccessibleName(translate("Welcome", "Start"))
        self.start_button.setDefault(True)
        self.quit_button = self.buttons.addButton(translate("Welcome", "&Quit"), QDialogButtonBox.ButtonRole.RejectRole)
        self.quit_button.setAccessibleName(translate("Welcome", "Quit"))

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addSpacing(8)
        layout.addWidget(self.just_me)
        layout.addWidget(self._indented(just_me_text))
        layout.addWidget(self._indented(self.local_box))
        layout.addWidget(self.team)
        layout.addWidget(self._indented(team_text))
        layout.addWidget(self._indented(self.team_box))
        layout.addStretch(1)
        layout.addWidget(self.error)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(620)

        # Keyboard order follows the page from top to bottom.
        order = [self.just_me, self.display_name, self.demo, self.team, self.url, self.test_button,
                 self.username, self.password, self.initialise, self.start_button, self.quit_button]
        for first, second in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self._connect_signals()
        self._on_mode_changed()

    @staticmethod
    def _indented(widget: QWidget) -> QWidget:
        widget.setContentsMargins(24, 0, 0, 0)
        return widget

    def _connect_signals(self) -> None:
        self.just_me.toggled.connect(self._on_mode_changed)
        self.team.toggled.connect(self._on_mode_changed)
        self.test_button.clicked.connect(self._on_test)
        self.url.returnPressed.connect(self._on_test)
        self.url.textEdited.connect(lambda _text: self.test_result.clear())
        self.buttons.accepted.connect(self._on_start)
        self.buttons.rejected.connect(self.reject)

    # ---- state ---------------------------------------------------------------------------------------

    def mode(self) -> str:
        return TEAM if self.team.isChecked() else JUST_ME

    def is_busy(self) -> bool:
        return self._busy

    @Slot()
    def _on_mode_changed(self) -> None:
        team = self.mode() == TEAM
        self.local_box.setEnabled(not team)
        self.team_box.setEnabled(team)
        self.error.clear()

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self._busy = busy
        self.progress.setText(text)
        for widget in (self.start_button, self.test_button, self.just_me, self.team, self.local_box,
                       self.team_box):
            widget.setEnabled(not busy)
        if not busy:
            self._on_mode_changed()
        self.sig_busy_changed.emit(busy)

    def _run(self, text: str, fn: Callable, on_done: Callable, on_error: Callable | None = None) -> None:
        self.error.clear()
        self._set_busy(True, text)

        def done(result) -> None:
            self._set_busy(False)
            on_done(result)

        def failed(exc: BaseException) -> None:
            self._set_busy(False)
            (on_error or self._show_error)(exc)

        self.pool.submit(fn, on_done=done, on_error=failed)

    def _show_error(self, exc: BaseException) -> None:
        if isinstance(exc, (DomainError, StorageError)):
            self.error.setText(str(exc))
        else:  # a bug, not the user's input: still one sentence, never a silent dialog
            self.error.setText(translate("Welcome", "Something went wrong: {exc}").format(exc=exc))

    # ---- team server ---------------------------------------------------------------------------------

    @Slot()
    def _on_test(self) -> None:
        if self._busy:
            return
        url = self.url.text().strip()
        self.test_result.clear()

        def failed(exc: BaseException) -> None:
            self.test_result.setText(str(exc) if isinstance(exc, (DomainError, StorageError)) else
                                     translate("Welcome", "Something went wrong: {exc}").format(exc=exc))
            theme.style(self.test_result, "error")
        self._run(translate("Welcome", "Testing the connection…"), partial(first_run.test_connection, url),
                  self._on_tested, failed)

    def _on_tested(self, sentence: str) -> None:
        theme.style(self.test_result, None)
        self.test_result.setText(sentence)

    # ---- start ---------------------------------------------------------------------------------------

    @Slot()
    def _on_start(self) -> None:
        if self._busy:
            return
        if self.mode() == JUST_ME:
            name = self.display_name.text()
            if not name.strip():
                self.error.setText(translate("Welcome", "Type the name the desk should show for you."))
                self.display_name.setFocus()
                return
            demo = self.demo.isChecked()
            path = self.local_path

            def job() -> first_run.Prepared:
                config.private_dir(path.parent)  # the user data folder: 0700, it will hold what people type
                return first_run.prepare_local_desk(path, display_name=name, demo=demo)
            self._run(translate("Welcome", "Setting up your desk… Writing the demo incidents takes a few seconds.")
                      if demo else translate("Welcome", "Setting up your desk…"), job, self._on_prepared)
            return
        url = self.url.text().strip()
        user, password, init = self.username.text(), self.password.text(), self.initialise.isChecked()
        sign_in = self._sign_in

        def job() -> SignedIn:
            first_run.test_connection(url)  # a bad address says so before anything else
            return sign_in(url, user, password, initialise=init)

        def signed_in(result: SignedIn) -> None:
            self.signed_in_desk = result.desk
            self._finish(url, result.sentence)
        self._run(translate("Welcome", "Connecting to the server…"), job, signed_in)

    def _on_prepared(self, prepared: first_run.Prepared) -> None:
        self.prepared = prepared
        self._finish(str(self.local_path), "")

    def _finish(self, url: str, sentence: str) -> None:
        if sentence:
            self.test_result.setText(sentence)
        config.remember_database(url)
        self.chosen_url = url
        self.accept()

    def done(self, result: int) -> None:
        if self._busy and result != QDialog.DialogCode.Accepted:
            return  # the worker is writing the new desk: Quit waits for it
        self.pool.close()
        if result != QDialog.DialogCode.Accepted and self.signed_in_desk is not None:
            self.signed_in_desk.close()
            self.signed_in_desk = None
        super().done(result)
