"""The first-run welcome (just me; a team server's connection test) and File → Switch database…."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from incident_desk import config
from incident_desk.ui.dialogs.welcome import WelcomeDialog
from tests.gui.gui_tools import when_modal

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fresh_home(tmp_path, monkeypatch):
    """A person who never started the desk: empty config and data folders of their own, no --db."""
    home = {"config": tmp_path / "config", "data": tmp_path / "data"}
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home["config"]))
    monkeypatch.setenv("XDG_DATA_HOME", str(home["data"]))
    monkeypatch.delenv(config.DB_ENV_VAR, raising=False)
    return home


@pytest.fixture
def welcome(qtbot, fresh_home):
    made = []

    def make(**kw) -> WelcomeDialog:
        dialog = WelcomeDialog(**kw)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
        made.append(dialog)
        return dialog
    yield make
    for dialog in made:
        qtbot.waitUntil(lambda d=dialog: not d.is_busy(), timeout=60_000)
        dialog.close()


def choice_file(home) -> Path:
    return home["config"] / "incident-desk" / "databases.json"


def test_nobody_chose_yet_so_the_welcome_is_asked(fresh_home):
    assert config.chosen_database_url(None) is None
    assert config.chosen_database_url("/x/other.db") == "/x/other.db"  # --db never asks


def test_quitting_the_welcome_opens_nothing_and_writes_nothing(fresh_home, qtbot):
    from incident_desk.app import run_gui
    seen = when_modal(WelcomeDialog, lambda dialog: qtbot.keyClick(dialog, Qt.Key.Key_Escape))
    assert run_gui(None) == 0
    assert len(seen) == 1
    assert not (fresh_home["data"] / "incident-desk" / "desk.db").exists()
    assert not choice_file(fresh_home).exists()


def test_just_me_with_the_keyboard_creates_the_desk_names_me_and_is_never_asked_again(welcome, fresh_home, qtbot):
    dialog = welcome()
    expected = fresh_home["data"] / "incident-desk" / "desk.db"
    assert dialog.local_path == expected
    assert QApplication.focusWidget() is dialog.just_me
    qtbot.keyClick(dialog.just_me, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.display_name
    dialog.display_name.selectAll()
    qtbot.keyClicks(dialog.display_name, "Anna Rossi")
    qtbot.keyClick(dialog.display_name, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.demo
    qtbot.keyClick(dialog.demo, Qt.Key.Key_Space)
    assert dialog.demo.isChecked()
    qtbot.keyClick(dialog.demo, Qt.Key.Key_Return)  # Start is the default button
    qtbot.waitUntil(lambda: dialog.result() == WelcomeDialog.DialogCode.Accepted, timeout=120_000)
    assert dialog.chosen_url == str(expected)
    # The database is where the data folder says, private, with my name and the demo incidents.
    assert expected.exists()
    assert stat.S_IMODE(expected.stat().st_mode) == 0o600
    con = sqlite3.connect(expected)
    try:
        names = con.execute('SELECT display_name FROM "user" WHERE role = \'admin\'').fetchall()
        incidents = con.execute("SELECT COUNT(*) FROM incident").fetchone()[0]
    finally:
        con.close()
    assert ("Anna Rossi",) in names
    assert incidents == 1000
    # Remembered (0600), so a start without --db opens it and asks nothing: the CLI reads it too.
    path = choice_file(fresh_home)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["current"] == str(expected)
    assert config.chosen_database_url(None, environ={}) == str(expected)
    env = {**os.environ, "XDG_CONFIG_HOME": str(fresh_home["config"]), "XDG_DATA_HOME": str(fresh_home["data"])}
    env.pop(config.DB_ENV_VAR, None)
    out = subprocess.run([sys.executable, "-m", "incident_desk", "list", "--json", "--limit", "1"], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("INC-") >= 1


def test_an_empty_name_is_refused_in_one_sentence_and_nothing_is_created(welcome, fresh_home, qtbot):
    dialog = welcome()
    dialog.display_name.clear()
    dialog.start_button.click()
    assert dialog.error.text() == "Type the name the desk should show for you."
    assert dialog.isVisible()
    assert not dialog.local_path.exists()
    assert not choice_file(fresh_home).exists()


def _pg_tables(url: str) -> int:
    con = psycopg2.connect(url)
    try:
        with con.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'")
            return cur.fetchone()[0]
    finally:
        con.close()


def test_team_server_test_connection_reports_in_one_sentence_and_writes_nothing(welcome, pg_url, qtbot):
    dialog = welcome()
    qtbot.keyClick(dialog.just_me, Qt.Key.Key_Down)  # the arrow moves the choice to the team server
    assert dialog.team.isChecked() and dialog.team_box.isEnabled()
    qtbot.keyClicks(dialog.url, pg_url)
    qtbot.keyClick(dialog.url, Qt.Key.Key_Return)  # Enter in the address field tests it
    qtbot.waitUntil(lambda: dialog.test_result.text() != "" and not dialog.is_busy(), timeout=30_000)
    from urllib.parse import urlparse
    parsed = urlparse(pg_url)
    assert dialog.test_result.text() == (f"Connected to {parsed.hostname}:{parsed.port or 5432}{parsed.path}: an "
                                         f"empty database, set up for the desk when you continue.")
    assert _pg_tables(pg_url) == 0  # the test looked, it created nothing


def test_team_server_bad_port_and_bad_address_are_explained(welcome, pg_url, qtbot):
    from urllib.parse import urlparse
    dialog = welcome()
    dialog.team.setChecked(True)
    parsed = urlparse(pg_url)
    dead = parsed._replace(netloc=f"{parsed.username or 'desk'}@127.0.0.1:1").geturl()
    dialog.url.setText(dead)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.test_result.text() != "" and not dialog.is_busy(), timeout=30_000)
    assert dialog.test_result.text() == ("Could not connect: nothing answers at 127.0.0.1:1" + parsed.path +
                                         "; check the host name and the port.")
    dialog.url.setText("mysql://desk@localhost/incidents")
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.test_result.text() != "" and not dialog.is_busy(), timeout=30_000)
    assert dialog.test_result.text() == ("A team server's address starts with postgresql://, e.g. "
                                         "postgresql://desk@db.example.org:5432/incidents.")
    dialog.start_button.click()  # Start tests first: nothing is remembered for an address that fails
    qtbot.waitUntil(lambda: dialog.error.text() != "" and not dialog.is_busy(), timeout=30_000)
    assert dialog.error.text().startswith("A team server's address starts with postgresql://")
    assert dialog.chosen_url is None


def test_team_server_start_initialises_the_server_and_remembers_it(welcome, pg_url, fresh_home, qtbot):
    dialog = welcome()
    dialog.team.setChecked(True)
    dialog.url.setText(pg_url)
    dialog.username.setText("anna")
    dialog.password.setText("correct horse battery")
    dialog.initialise.setChecked(True)
    dialog.start_button.click()
    qtbot.waitUntil(lambda: dialog.result() == WelcomeDialog.DialogCode.Accepted, timeout=30_000)
    assert dialog.chosen_url == pg_url
    assert config.remembered_database() == pg_url
    con = psycopg2.connect(pg_url)
    try:
        with con.cursor() as cur:
            cur.execute('SELECT role, password_hash IS NOT NULL FROM "user" WHERE username = %s', ("anna",))
            assert cur.fetchall() == [("admin", True)]
    finally:
        con.close()
    # A wrong password on the next first run is said on the page; the welcome stays open.
    again = welcome()
    again.team.setChecked(True)
    again.url.setText(pg_url)
    again.username.setText("anna")
    again.password.setText("wrong horse")
    again.start_button.click()
    qtbot.waitUntil(lambda: again.error.text() != "", timeout=30_000)
    assert "password" in again.error.text().lower() and again.result() != WelcomeDialog.DialogCode.Accepted


def test_the_sign_in_hook_gets_the_address_name_and_password(welcome, pg_url, qtbot):
    calls = []

    def sign_in(url, username, password, *, initialise):
        from incident_desk.ui.team_sign_in import SignedIn
        calls.append((url, username, password, initialise))
        return SignedIn(f"{username} is now the first admin of this team database.")
    dialog = welcome(sign_in=sign_in)
    dialog.team.setChecked(True)
    dialog.url.setText(pg_url)
    dialog.username.setText("anna")
    dialog.password.setText("correct horse battery")
    dialog.initialise.setChecked(True)
    dialog.start_button.click()
    qtbot.waitUntil(lambda: dialog.result() == WelcomeDialog.DialogCode.Accepted, timeout=30_000)
    assert calls == [(pg_url, "anna", "correct horse battery", True)]


# ---- File -> Switch database… ----------------------------------------------------------------------------------

def test_switch_database_lists_recent_desks_masked_and_reopens_on_the_one_chosen(fresh_home, tmp_path, qtbot,
                                                                                 qsettings):
    from incident_desk.services.desk import Desk
    from incident_desk.ui.dialogs.switch_database import SwitchDatabaseDialog, switch_window
    from tests.gui.test_main_window import open_window
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    Desk.open(str(first)).close()
    Desk.open(str(second)).close()
    config.remember_database("postgresql://desk:s3cret@db.example.org:5432/incidents")
    config.remember_database(str(second))
    config.remember_database(str(first))
    desk = Desk.open(str(first))
    try:
        window = open_window(qtbot, desk, qsettings)
        dialog = SwitchDatabaseDialog(str(first), window)
        qtbot.addWidget(dialog)
        rows = [dialog.recent.item(i).text() for i in range(dialog.recent.count())]
        assert rows == [f"On this computer: {first}  (open now)", f"On this computer: {second}",
                        "Team server: postgresql://desk:***@db.example.org:5432/incidents"]
        assert all("s3cret" not in dialog.recent.item(i).toolTip() for i in range(dialog.recent.count()))
        dialog.recent.setCurrentRow(0)
        dialog.open_button.click()
        assert dialog.message.text() == "That desk is open now; choose another one."
        dialog.recent.setCurrentRow(1)
        dialog.open_button.click()
        assert dialog.result() == SwitchDatabaseDialog.DialogCode.Accepted
        assert dialog.chosen_url() == str(second)
        quits = []
        QApplication.instance().aboutToQuit.connect(lambda: quits.append(1))
        assert switch_window(window, dialog.chosen_url())
        assert window.switch_to == str(second)
        assert not window.isVisible()
        assert config.remembered_database() == str(second)
        assert config.recent_databases()[:2] == [str(second), str(first)]
    finally:
        desk.close()


def test_switching_reopens_the_window_on_the_other_desk_and_closes_the_first(fresh_home, tmp_path, qtbot):
    from PySide6.QtCore import QTimer

    from incident_desk.app import run_gui
    from incident_desk.services.desk import Desk
    from incident_desk.ui.dialogs.switch_database import switch_window
    from incident_desk.ui.widgets.main_window import MainWindow
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    Desk.open(str(first)).close()
    Desk.open(str(second)).close()
    titles: list[str] = []

    def windows() -> list[MainWindow]:
        return [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]

    def step() -> None:
        shown = windows()
        if not shown or not shown[0].first_page_painted:
            QTimer.singleShot(50, step)
            return
        window = shown[0]
        titles.append(window.windowTitle())
        if len(titles) == 1:
            assert switch_window(window, str(second))
            QTimer.singleShot(50, step)
        else:
            window.close()
    QTimer.singleShot(50, step)
    assert run_gui(str(first)) == 0
    assert titles == [f"Incident Desk — {first}", f"Incident Desk — {second}"]
    assert config.remembered_database() == str(second)


def test_switch_database_works_with_the_keyboard_alone(fresh_home, tmp_path, qtbot):
    from incident_desk.ui.dialogs.switch_database import SwitchDatabaseDialog
    first, other = tmp_path / "first.db", tmp_path / "other.db"
    config.remember_database(str(first))
    dialog = SwitchDatabaseDialog(str(first))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
    dialog.recent.setFocus()
    order = [dialog.recent]
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    assert order == [dialog.recent, dialog.other, dialog.browse, dialog.test_button, dialog.open_button]
    for widget in order[:-1]:
        assert widget.accessibleName()
    dialog.other.setFocus()
    qtbot.keyClicks(dialog.other, str(other))
    qtbot.keyClick(dialog.other, Qt.Key.Key_Return)
    assert dialog.result() == SwitchDatabaseDialog.DialogCode.Accepted
    assert dialog.chosen_url() == str(other)


def _close_the_window_once_painted(stop: list, tries: int = 300) -> None:
    """Close the desk window once its first page is painted; gives up after ``tries`` looks (15 s) or
    once ``stop`` holds anything (the test is over: another test's window is not this one's)."""
    from PySide6.QtCore import QTimer

    from incident_desk.ui.widgets.main_window import MainWindow
    if stop:
        return
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    if shown and shown[0].first_page_painted:
        shown[0].close()
    elif tries > 0:
        QTimer.singleShot(50, lambda: _close_the_window_once_painted(stop, tries - 1))


def test_a_named_path_that_holds_no_desk_is_asked_about_not_made(fresh_home, tmp_path, qtbot):
    """`--db` with a typo: the window asks before making a desk there; Cancel makes nothing, "Make a new
    desk" opens the window on a new, empty one."""
    from PySide6.QtWidgets import QMessageBox

    from incident_desk.app import run_gui
    typo = tmp_path / "dsek.db"
    stop: list = []
    try:
        seen = when_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Cancel).click())
        _close_the_window_once_painted(stop)  # a window opened without asking must not wait for a person
        assert run_gui(str(typo)) == 1
        assert [box.text() for box in seen] == [f"There is no desk at {typo}."]
        assert not list(tmp_path.rglob("*.db*"))  # no desk, no -wal, no default desk instead

        def make(box) -> None:
            [button] = [b for b in box.buttons() if b.text() == "&Make a new desk"]
            button.click()
        seen = when_modal(QMessageBox, make)
        _close_the_window_once_painted(stop)
        assert run_gui(str(typo)) == 0
        assert len(seen) == 1
    finally:
        stop.append(True)
    con = sqlite3.connect(typo)
    try:
        assert con.execute("SELECT count(*) FROM incident").fetchone() == (0,)
    finally:
        con.close()
