"""Team database: other desks' commits reach the window through LISTEN/NOTIFY; a dropped server is survived."""

from __future__ import annotations

import select

import psycopg2
import pytest

from incident_desk.services.incidents import IncidentDraft
from incident_desk.storage.listen import ChangeListener
from incident_desk.ui.bridge import DeskBridge
from incident_desk.ui.widgets.main_window import MainWindow
from tests.team_tools import open_desk

pytestmark = pytest.mark.postgres


def _kill(url: str, application_name: str) -> int:
    """End the server side of some connections, as a server restart would; how many it ended."""
    con = psycopg2.connect(url)
    con.autocommit = True
    try:
        with con.cursor() as cur:
            cur.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name LIKE %s",
                        (application_name,))
            return cur.fetchone()[0]
    finally:
        con.close()


def _wait_readable(fileno: int) -> bool:
    return bool(select.select([fileno], [], [], 5.0)[0])


def test_the_listener_names_other_desks_tables_and_skips_its_own(pg_url, clock):
    mine, other = open_desk(pg_url, clock=clock), open_desk(pg_url, clock=clock)
    listener = ChangeListener(mine.store)
    try:
        fileno = listener.connect()
        mine.incidents.log_incident(actor=mine.actor, draft=IncidentDraft(title="Mine", category="Hardware"))
        assert _wait_readable(fileno)  # the notification of this desk's own commit arrived...
        assert listener.drain() == []  # ...and is not news to it
        other.incidents.log_incident(actor=other.actor, draft=IncidentDraft(title="Theirs", category="Hardware"))
        assert _wait_readable(fileno)
        tables = listener.drain()
        assert "incident" in tables and "event" in tables and len(tables) == len(set(tables))
        # A transaction that rolls back announces nothing.
        with pytest.raises(RuntimeError), other.store.write():
            other.store.db.execute_sql("UPDATE setting SET version = version")
            raise RuntimeError("rolled back")
        other.incidents.comment(actor=other.actor, key="INC-000001", text="after the rollback")
        assert _wait_readable(fileno)
        tables = listener.drain()
        assert "event" in tables and "setting" not in tables
    finally:
        listener.close()
        mine.close()
        other.close()


def test_another_desks_change_reaches_the_window_and_a_dropped_server_is_survived(qtbot, qsettings, pg_url, clock):
    here = open_desk(pg_url, clock=clock)
    there = open_desk(pg_url, clock=clock)
    bridge = DeskBridge(here)
    window = MainWindow(here, bridge, qsettings)
    qtbot.addWidget(window)
    try:
        qtbot.waitUntil(lambda: bridge._notifier is not None, timeout=5000)
        assert window.model.rowCount() == 0
        with qtbot.waitSignal(bridge.sig_tables_changed, timeout=3000) as seen:
            there.incidents.log_incident(actor=there.actor, draft=IncidentDraft(title="Printer on fire",
                                                                                category="Hardware"))
        assert "incident" in seen.args[0]
        qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=3000)
        # The open incident follows another desk's edit too.
        assert window.select_incident("INC-000001")
        qtbot.waitUntil(lambda: window.editor.title_edit.text() == "Printer on fire", timeout=3000)
        current = there.incidents.get_incident("INC-000001")
        there.incidents.edit_incident(actor=there.actor, key="INC-000001", expected_version=current.version,
                                      changes={"title": "Printer on fire, floor 3"})
        qtbot.waitUntil(lambda: window.editor.title_edit.text() == "Printer on fire, floor 3", timeout=3000)
        # The server drops every connection of this desk (a restart): the window says so, reconnects, catches up.
        with qtbot.waitSignal(bridge.sig_connection_changed, timeout=5000) as lost:
            assert _kill(pg_url, f"{here.store.client_id}%") >= 1
        assert lost.args[0] is False
        assert window.connection_label.isVisibleTo(window)
        assert "reconnecting" in window.connection_label.text()
        # Missed while away: the catch-up after reconnecting brings it.
        there.incidents.log_incident(actor=there.actor, draft=IncidentDraft(title="Second", category="Hardware"))
        with qtbot.waitSignal(bridge.sig_connection_changed, timeout=10000) as back:
            pass
        assert back.args[0] is True
        qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=5000)
        assert not window.connection_label.isVisibleTo(window)
        # The writer's connection was replaced too: a write from this window works again.
        created = bridge.ops.run_write(lambda: here.incidents.log_incident(
            actor=here.actor, draft=IncidentDraft(title="Third", category="Hardware")))
        assert created.key == "INC-000003"
    finally:
        window.shutdown()
        bridge.stop()
        from incident_desk.ui.ops import ops_for
        ops_for(here).shutdown()
        here.close()
        there.close()


def test_another_desks_assignment_reaches_this_inbox_through_notify(qtbot, qsettings, pg_url, clock):
    """The inbox's own poll is set to an hour here: only the notification of the commit can bring it."""
    from incident_desk.ui.alerts import AlertsController
    admin = open_desk(pg_url, clock=clock)
    admin.users.add_user(actor=admin.actor, username="alex", display_name="Alex Agent", role="agent",
                         team="Service Desk", password="alex-pass-1")
    alex = open_desk(pg_url, clock=clock, user="alex", password="alex-pass-1")
    bridge = DeskBridge(alex)
    window = MainWindow(alex, bridge, qsettings)
    qtbot.addWidget(window)
    alerts = AlertsController(alex, window, settings=qsettings, scan_interval_ms=3_600_000,
                              poll_interval_ms=3_600_000, first_scan_ms=3_600_000, tray_available=lambda: False)
    window.attach_alerts(alerts)
    try:
        qtbot.waitUntil(lambda: bridge._notifier is not None, timeout=5000)
        qtbot.waitUntil(lambda: not alerts._polling, timeout=5000)
        assert alerts.dock.model.rowCount() == 0
        admin.incidents.log_incident(actor=admin.actor, draft=IncidentDraft(
            title="Laptop will not boot", category="Hardware", assignee="alex"))
        qtbot.waitUntil(lambda: alerts.dock.model.rowCount() == 1, timeout=3000)
        assert alerts.dock.unread_count() == 1
    finally:
        alerts.shutdown()
        window.shutdown()
        bridge.stop()
        from incident_desk.ui.ops import ops_for
        ops_for(alex).shutdown()
        alex.close()
        admin.close()


def test_closing_the_window_stops_its_listener_before_the_desk_closes_the_socket(qtbot, qsettings, pg_url, clock):
    """The window's shutdown stops its bridge: no socket notifier is left watching a descriptor the desk
    then closes (its number soon names another file, and the event loop crashed on it)."""
    from PySide6.QtCore import QSocketNotifier
    here = open_desk(pg_url, clock=clock)
    bridge = DeskBridge(here)
    window = MainWindow(here, bridge, qsettings)
    qtbot.addWidget(window)
    try:
        qtbot.waitUntil(lambda: bridge._notifier is not None, timeout=5000)
        watching = bridge._notifier
        assert watching.isEnabled() is True
        window.shutdown()
        assert watching.isEnabled() is False
        assert bridge._notifier is None
        assert [n for n in bridge.findChildren(QSocketNotifier) if n.isEnabled()] == []
        bridge.stop()  # the app stops it again after the window: once counts
    finally:
        from incident_desk.ui.ops import ops_for
        ops_for(here).shutdown()
        here.close()
