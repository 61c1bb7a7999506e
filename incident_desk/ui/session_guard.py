"""Team database: input keeps the signed-in session alive; once idle too long, the window asks for the password."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Slot
from PySide6.QtWidgets import QApplication, QDialog

from incident_desk.services.auth import with_article
from incident_desk.services.errors import PermissionDenied
from incident_desk.services.signin import SignInService
from incident_desk.ui.dialogs.sign_in_dialog import SignInDialog
from incident_desk.ui.i18n import translate

CHECK_MS = 10_000
_INPUT = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel}


class SessionGuard(QObject):
    """The window stays as it is while it asks (what was typed is kept); Cancel closes the window."""

    def __init__(self, desk, window, *, check_ms: int = CHECK_MS):
        super().__init__(window)
        self.desk, self.session = desk, desk.session
        self.dialog: SignInDialog | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(check_ms)
        self._timer.timeout.connect(self.check_now)
        if self.session is not None:
            QApplication.instance().installEventFilter(self)
            self._timer.start()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802  (Qt override)
        if event.type() in _INPUT and self.dialog is None:
            self.session.touch()
        return False

    @Slot()
    def check_now(self) -> None:
        if self.session is None or self.dialog is not None or not self.session.expired():
            return
        actor = self.desk.actor
        reason = (self.session.ended or translate("SessionGuard",
                                                  "Your session was idle longer than {minutes} minutes.").format(
                minutes=int(self.session.idle.total_seconds() // 60)))
        signin = SignInService(self.desk.store, clock=self.desk.clock)

        def attempt(name: str, password: str) -> bool:
            fresh = signin.sign_in(name, password)  # the same checks (lock, disabled) and an audit record
            if fresh.role != actor.role:
                # Every part of the window was built for the old role: it must be opened again.
                raise PermissionDenied(translate("SessionGuard",
                                                 "Your role is now {role}; close the desk (Cancel) and open it again "
                                                 "to work as {role_with_article}.").format(role=fresh.role,
                        role_with_article=with_article(fresh.role)))
            self.session.password_hash = fresh.guard.password_hash  # a reset password is now the one
            return True

        self.dialog = SignInDialog(self.desk.store.display_name, attempt, username=actor.username, fixed_user=True,
                                   on_thread_exit=self.desk.store.db.close,
                                   reason=translate("SessionGuard", "{reason} Sign in again to go on; nothing you "
                                                                    "typed is lost.").format(
                                       reason=reason[0].upper() + reason[1:]), parent=self.parent())
        self.dialog.setObjectName("resignInDialog")
        self.dialog.finished.connect(self._on_finished)
        self.dialog.open()

    def _on_finished(self, result: int) -> None:
        dialog, self.dialog = self.dialog, None
        if result == QDialog.DialogCode.Accepted:
            self.session.renew()
        else:
            self.parent().close()  # signed out: the window goes (its drafts are kept as always)
        if dialog is not None:
            dialog.deleteLater()

    def stop(self) -> None:
        self._timer.stop()
        if self.session is not None and QApplication.instance() is not None:
            QApplication.instance().removeEventFilter(self)
