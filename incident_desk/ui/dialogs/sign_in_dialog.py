"""Signing in to a team database: the window's first dialog (or 'make the first admin' on an empty one)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from incident_desk.ui import theme
from incident_desk.ui.i18n import translate
from incident_desk.ui.plain import plain_label
from incident_desk.ui.workers import WorkerPool


class SignInDialog(QDialog):
    """Asks for a user name and password and tries them with ``attempt(name, password)`` off the GUI
    thread (hashing a password takes a moment, and the server may be far); ``attempt`` returns what
    the caller wants (the signed-in desk) or raises with one sentence, shown here. With ``initialise``
    the database is empty and the dialog makes its first admin instead (the password typed twice)."""

    def __init__(self, where: str, attempt: Callable[[str, str], object], *, username: str = "",
                 initialise: bool = False, fixed_user: bool = False, reason: str = "",
                 on_thread_exit: Callable[[], None] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.attempt = attempt
        self.initialise = initialise
        self.result_value = None
        self._pool = WorkerPool(self, max_threads=1, name="sign-in", on_thread_exit=on_thread_exit)
        self.setWindowTitle(translate("SignInDialog",
                                      "Make the first admin") if initialise else translate("SignInDialog",
                "Sign in to Incident Desk"))
        layout = QVBoxLayout(self)
        if initialise:
            intro = (translate("SignInDialog",
                               "The team database {where} is empty. Make its first admin: the account that adds "
                               "everyone else.").format(where=where))
        else:
            intro = reason or translate("SignInDialog", "Sign in to the team database {where}.").format(where=where)
        heading = plain_label(intro, self)
        heading.setWordWrap(True)
        layout.addWidget(heading)
        form = QFormLayout()
        self.user_edit = QLineEdit(username, self)
        self.user_edit.setObjectName("signInUser")
        self.user_edit.setReadOnly(fixed_user)
        self.user_edit.setMaxLength(64)
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("signInPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(translate("SignInDialog", "Admin user name:") if initialise else translate("SignInDialog",
                "User name:"), self.user_edit)
        form.addRow(translate("SignInDialog", "Password:"), self.password_edit)
        self.again_edit = QLineEdit(self)
        self.again_edit.setEchoMode(QLineEdit.EchoMode.Password)
        if initialise:
            form.addRow(translate("SignInDialog", "The same again:"), self.again_edit)
        else:
            self.again_edit.hide()  # not in the layout: it would sit over the heading
        layout.addLayout(form)
        self.error_label = QLabel("", self)
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)  # messages quote what was typed
        theme.style(self.error_label, "error")
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(translate("SignInDialog",
                                         "Create admin and sign in") if initialise else translate("SignInDialog",
                "Sign in"))
        self.buttons.accepted.connect(self._on_submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        (self.password_edit if username else self.user_edit).setFocus()

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    @Slot()
    def _on_submit(self) -> None:
        name, password = self.user_edit.text().strip(), self.password_edit.text()
        if not name:
            self.show_error(translate("SignInDialog", "Type your user name."))
            return
        if self.initialise and password != self.again_edit.text():
            self.show_error(translate("SignInDialog", "The two passwords differ."))
            return
        self.show_error("")
        self._busy(True)
        self._pool.submit(self.attempt, name, password, on_done=self._on_signed_in, on_error=self._on_refused)

    def _busy(self, busy: bool) -> None:
        for w in (self.user_edit, self.password_edit, self.again_edit, self.ok_button):
            w.setEnabled(not busy)
        self.ok_button.setText(translate("SignInDialog", "Signing in…") if busy else (
                translate("SignInDialog", "Create admin and sign in") if self.initialise
                                                           else translate("SignInDialog", "Sign in")))

    def _on_signed_in(self, value) -> None:
        self.result_value = value
        self._busy(False)
        self.accept()

    def _on_refused(self, exc: BaseException) -> None:
        self._busy(False)
        self.password_edit.clear()
        self.again_edit.clear()
        self.password_edit.setFocus()
        self.show_error(str(exc))

    def done(self, result: int) -> None:  # noqa: D401  (Qt override)
        self._pool.close()
        super().done(result)


class ChangePasswordDialog(QDialog):
    """The signed-in person's own password: the current one, then the new one twice."""

    def __init__(self, desk, parent: QWidget | None = None):
        super().__init__(parent)
        from incident_desk.ui.ops import ops_for
        self.desk, self.ops = desk, ops_for(desk)
        self.setWindowTitle(translate("SignInDialog", "Change password"))
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(translate("SignInDialog",
                                               "Change the password of {username}.").format(
                username=desk.actor.username), self))
        form = QFormLayout()
        self.current_edit, self.new_edit, self.again_edit = (QLineEdit(self) for _ in range(3))
        for label, edit in ((translate("SignInDialog", "Current password:"), self.current_edit), (
                translate("SignInDialog", "New password:"), self.new_edit),
                            (translate("SignInDialog", "The same again:"), self.again_edit)):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            form.addRow(label, edit)
        layout.addLayout(form)
        self.error_label = QLabel("", self)
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        theme.style(self.error_label, "error")
        self.error_label.hide()
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(translate("SignInDialog", "Change password"))
        buttons.accepted.connect(self._on_submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)

    @Slot()
    def _on_submit(self) -> None:
        if self.new_edit.text() != self.again_edit.text():
            self._error(translate("SignInDialog", "The two new passwords differ."))
            return
        current, new = self.current_edit.text(), self.new_edit.text()
        try:
            self.ops.run_write(lambda: self.desk.signin.change_password(actor=self.desk.actor, current=current,
                                                                        new=new))
        except Exception as exc:  # noqa: BLE001  (a refusal or a lost server: one sentence, the dialog stays)
            self._error(str(exc))
            return
        self.accept()

    def _error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()
