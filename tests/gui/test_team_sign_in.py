"""The window on a team database: sign-in dialog, what a viewer is not offered, the audit view, idle expiry."""

from __future__ import annotations

import psycopg2
import pytest
from PySide6.QtCore import Qt

from incident_desk.services.desk import Desk
from incident_desk.services.errors import PermissionDenied
from incident_desk.services.incidents import IncidentDraft
from incident_desk.ui.bridge import DeskBridge
from incident_desk.ui.dialogs.audit_dialog import AuditDialog
from incident_desk.ui.dialogs.sign_in_dialog import SignInDialog
from incident_desk.ui.ops import ops_for
from incident_desk.ui.session_guard import SessionGuard
from incident_desk.ui.widgets.main_window import MainWindow
from tests.team_tools import open_desk

pytestmark = pytest.mark.postgres
# Every refused sign-in says this, whatever the reason (the reason is on the audit trail).
REFUSED = ("Wrong user name or password, or the account is locked or disabled; "
           "try again later or ask an admin.")


def _count(url: str, sql: str, *params) -> int:
    con = psycopg2.connect(url)
    try:
        with con.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchone()[0]
    finally:
        con.close()


def test_the_dialog_makes_the_first_admin_then_refuses_a_wrong_password(qtbot, pg_url):
    store = Desk.open_store(pg_url)
    from incident_desk.services.clock import system_clock
    from incident_desk.services.signin import SignInService
    signin = SignInService(store, clock=system_clock)
    assert signin.needs_initialising()

    def first(name, password):
        signin.initialise(admin=name, password=password)
        return Desk.on_store(store, username=name, password=password)

    dialog = SignInDialog(store.display_name, first, initialise=True, on_thread_exit=store.db.close)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.user_edit, "boss")
    qtbot.keyClicks(dialog.password_edit, "first-pass-1")
    qtbot.keyClicks(dialog.again_edit, "first-pass-2")
    dialog.ok_button.click()
    assert dialog.error_label.text() == "The two passwords differ."
    dialog.again_edit.setText("first-pass-1")
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        dialog.ok_button.click()
    assert dialog.result_value.actor.username == "boss"
    assert _count(pg_url, "SELECT count(*) FROM \"user\" WHERE username = 'boss' AND role = 'admin'") == 1

    again = SignInDialog(store.display_name, lambda n, p: Desk.on_store(store, username=n, password=p),
                         username="boss", on_thread_exit=store.db.close)
    qtbot.addWidget(again)
    again.show()
    qtbot.keyClicks(again.password_edit, "not-it-at-all")
    again.ok_button.click()
    qtbot.waitUntil(lambda: again.error_label.text() == REFUSED, timeout=10000)
    assert again.result() == 0 and again.password_edit.text() == ""  # the dialog stays, the password is gone
    assert _count(pg_url, "SELECT count(*) FROM audit WHERE action = 'auth.sign_in_failed'") == 1
    again.done(0)
    dialog.result_value.close()


def test_a_viewer_is_not_offered_writes_and_an_admin_reads_the_audit_trail(qtbot, qsettings, pg_url, clock):
    admin = open_desk(pg_url, clock=clock)
    admin.users.add_user(actor=admin.actor, username="vera", role="viewer", password="viewer-pw-1")
    admin.incidents.log_incident(actor=admin.actor, draft=IncidentDraft(title="Printer jams", category="Hardware"))
    vera = open_desk(pg_url, clock=clock, user="vera", password="viewer-pw-1")
    bridge = DeskBridge(vera)
    window = MainWindow(vera, bridge, qsettings)
    qtbot.addWidget(window)
    try:
        window.show()
        assert not window.act_log.isVisible() and not window.act_save.isVisible()
        assert not window.act_ack.isVisible() and not window.act_assign_me.isVisible()
        assert not window.act_audit.isVisible() and window.act_password.isVisible()
        assert window.select_incident("INC-000001")
        editor = window.editor
        qtbot.waitUntil(lambda: editor.workflow.copy_summary_button.isVisible(), timeout=5000)
        assert not editor.header.save_button.isVisible()
        assert not editor.workflow.watch_button.isVisible() and not editor.workflow.reporter_button.isVisible()
        assert not editor.workflow.transition_buttons
    finally:
        window.shutdown()
        bridge.stop()
        ops_for(vera).shutdown()
        vera.close()
    audit = AuditDialog(admin)
    qtbot.addWidget(audit)
    rows = {audit.table.item(r, 1).text(): audit.table.item(r, 2).text() for r in range(audit.table.rowCount())}
    assert rows["vera"] == "auth.sign_in"
    audit.who_edit.setText("vera")
    audit.reload()
    assert [audit.table.item(r, 2).text() for r in range(audit.table.rowCount())] == ["auth.sign_in"]
    audit.action_combo.setCurrentIndex([audit.action_combo.itemData(i) for i in
                                        range(audit.action_combo.count())].index("auth.refused"))
    assert audit.table.rowCount() == 0
    audit.done(0)
    ops_for(admin).shutdown()
    admin.close()


def test_an_idle_session_asks_for_the_password_and_keeps_the_window(qtbot, qsettings, pg_url, clock):
    desk = open_desk(pg_url, clock=clock)
    bridge = DeskBridge(desk)
    window = MainWindow(desk, bridge, qsettings)
    qtbot.addWidget(window)
    ticks = [0.0]
    desk.session.ticker = lambda: ticks[0]
    desk.session.renew()
    guard = SessionGuard(desk, window, check_ms=50)
    try:
        window.show()
        window.filter_bar.search.setText("half-typed search")
        ticks[0] += desk.session.idle.total_seconds() + 1
        qtbot.waitUntil(lambda: guard.dialog is not None and guard.dialog.isVisible(), timeout=3000)
        dialog = guard.dialog
        assert dialog.user_edit.isReadOnly() and dialog.user_edit.text() == desk.actor.username
        from tests.team_tools import TEAM_PASSWORD
        qtbot.keyClicks(dialog.password_edit, TEAM_PASSWORD)
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: guard.dialog is None, timeout=10000)
        assert not desk.session.expired() and window.isVisible()
        assert window.filter_bar.search.text() == "half-typed search"
    finally:
        guard.stop()
        window.shutdown()
        bridge.stop()
        ops_for(desk).shutdown()
        desk.close()



def test_the_welcomes_hook_signs_in_with_the_services(pg_url):
    """ui/team_sign_in.py (the first-run welcome's call) on the real services: first admin, then sign-in;
    each gives the signed-in desk the window then opens on."""
    from incident_desk.ui import team_sign_in
    first = team_sign_in.team_sign_in(pg_url, "anna", "correct horse battery", initialise=True)
    try:
        assert first.sentence == "anna is now the first admin of this team database."
        assert (first.desk.actor.username, first.desk.actor.role) == ("anna", "admin")
        assert first.desk.session is not None
    finally:
        first.desk.close()
    again = team_sign_in.team_sign_in(pg_url, "anna", "correct horse battery", initialise=False)
    again.desk.close()
    assert again.sentence == "Signed in as anna (admin)."
    with pytest.raises(PermissionDenied, match="Wrong user name or password"):
        team_sign_in.team_sign_in(pg_url, "anna", "wrong horse", initialise=False)
    assert _count(pg_url, "SELECT count(*) FROM audit WHERE action = 'auth.sign_in_failed'") == 1
    assert _count(pg_url, "SELECT count(*) FROM audit WHERE action = 'auth.sign_in'") == 2
