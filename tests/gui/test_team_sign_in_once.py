"""A person signs in to a team server once: from the first-run welcome, and from File → Switch database…."""

from __future__ import annotations

import psycopg2
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from incident_desk import config
from incident_desk.app import run_gui
from incident_desk.ui.dialogs.sign_in_dialog import SignInDialog
from incident_desk.ui.dialogs.welcome import WelcomeDialog
from incident_desk.ui.widgets.main_window import MainWindow
from tests.team_tools import TEAM_ADMIN, TEAM_PASSWORD, ensure_team

pytestmark = pytest.mark.postgres


@pytest.fixture
def fresh_home(tmp_path, monkeypatch):
    """Somebody who never started the desk: config and data folders of their own, no --db."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv(config.DB_ENV_VAR, raising=False)
    return tmp_path


def _audit(url: str) -> list[tuple[str, str]]:
    """(action, who) of the sign-in records, read with psycopg2, not the desk's code."""
    con = psycopg2.connect(url)
    try:
        with con.cursor() as cur:
            cur.execute("SELECT action, actor_name FROM audit WHERE action LIKE 'auth.%%' ORDER BY id")
            return cur.fetchall()
    finally:
        con.close()


class _Driver:
    """Answers whatever run_gui shows next, from timers inside its modal loops and its event loop, and
    notes every sign-in dialog and painted window it meets."""

    def __init__(self, answer_welcome=None, on_window=None, sign_in=None):
        self.answer_welcome, self.on_window, self.sign_in = answer_welcome, on_window, sign_in
        self.sign_in_dialogs: list[str] = []
        self.windows: list[str] = []
        self._answered: set[int] = set()
        QTimer.singleShot(50, self.step)

    def step(self) -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, WelcomeDialog) and id(modal) not in self._answered and self.answer_welcome:
            self._answered.add(id(modal))
            self.answer_welcome(modal)
        elif isinstance(modal, SignInDialog) and id(modal) not in self._answered:
            self._answered.add(id(modal))
            self.sign_in_dialogs.append(modal.windowTitle())
            if self.sign_in is None:
                modal.reject()  # a second sign-in nobody should have been asked for
            else:
                self.sign_in(modal)
        # Settled: what the first paint starts (filter lists, counts) is in, so closing the window
        # here is not inside one of its nested reads.
        shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
                 and w.first_page_painted and w.views.counts_ready() and not w.model.is_loading()
                 and id(w) not in self._answered]
        if shown:
            window = shown[0]
            self._answered.add(id(window))
            self.windows.append(window.windowTitle())
            self.on_window(window)
        QTimer.singleShot(50, self.step)


def test_the_welcome_signs_in_once_and_the_window_opens_on_that_sign_in(fresh_home, pg_url, qtbot):
    def answer(welcome: WelcomeDialog) -> None:
        welcome.team.setChecked(True)
        welcome.url.setText(pg_url)
        welcome.username.setText("anna")
        welcome.password.setText("correct horse battery")
        welcome.initialise.setChecked(True)
        welcome.start_button.click()

    def on_window(window: MainWindow) -> None:
        assert (window.desk.actor.username, window.desk.actor.role) == ("anna", "admin")
        window.close()

    driver = _Driver(answer, on_window)
    assert run_gui(None) == 0
    assert driver.sign_in_dialogs == []  # the window never asked again
    assert len(driver.windows) == 1
    assert _audit(pg_url) == [("auth.initialised", "anna"), ("auth.sign_in", "anna")]
    assert config.remembered_database() == pg_url


def test_switching_to_a_team_database_signs_in_once(fresh_home, pg_url, qtbot):
    from incident_desk.services.desk import Desk
    from incident_desk.ui.dialogs.switch_database import switch_window
    ensure_team(pg_url)
    local = fresh_home / "local.db"
    Desk.open(str(local)).close()

    def on_window(window: MainWindow) -> None:
        if window.desk.store.is_team:
            assert window.desk.actor.username == TEAM_ADMIN
            window.close()
        else:
            assert switch_window(window, pg_url)

    def sign_in(dialog: SignInDialog) -> None:
        dialog.user_edit.setText(TEAM_ADMIN)
        dialog.password_edit.setText(TEAM_PASSWORD)
        dialog.ok_button.click()

    driver = _Driver(on_window=on_window, sign_in=sign_in)
    assert run_gui(str(local)) == 0
    assert driver.sign_in_dialogs == ["Sign in to Incident Desk"]
    assert len(driver.windows) == 2
    assert _audit(pg_url) == [("auth.initialised", TEAM_ADMIN), ("auth.sign_in", TEAM_ADMIN)]
