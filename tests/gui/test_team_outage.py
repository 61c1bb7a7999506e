"""A team server that goes away while the window is open: the desk says so, reconnects, and keeps what was typed."""

from __future__ import annotations

import psycopg2
import pytest

from incident_desk.services.incidents import IncidentDraft
from incident_desk.ui.bridge import DeskBridge
from incident_desk.ui.ops import ops_for
from incident_desk.ui.widgets.main_window import MainWindow
from tests.gui.cut_proxy import CuttableProxy
from tests.team_tools import open_desk

pytestmark = pytest.mark.postgres
# What the window says while the server is away, written out (not imported from the window).
UNREACHABLE = "Team server unreachable: reconnecting… (what you type is kept)"
DRIVER_WORDS = ("server closed the connection", "Connection refused", "terminating connection", "psycopg2",
                "connection already closed")


@pytest.fixture
def proxy(pg_url):
    p = CuttableProxy(pg_url)
    yield p
    p.close()


@pytest.fixture
def team(pg_url, clock):
    """Three incidents assigned to alex (an agent), logged by the admin: alex's inbox holds three."""
    admin = open_desk(pg_url, clock=clock)
    admin.users.add_user(actor=admin.actor, username="alex", display_name="Alex Agent", role="agent",
                         team="Service Desk", password="alex-pass-1")
    for title in ("Printer on fire", "VPN down", "Mail slow"):
        admin.incidents.log_incident(actor=admin.actor, draft=IncidentDraft(title=title, category="Hardware",
                                                                             assignee="alex"))
    yield admin
    admin.close()


def _open(qtbot, qsettings, url, clock):
    from incident_desk.ui.alerts import AlertsController
    desk = open_desk(url, clock=clock, user="alex", password="alex-pass-1")
    bridge = DeskBridge(desk)
    window = MainWindow(desk, bridge, qsettings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    # Timers an hour away: only what the test does (and the bridge's catch-up) reads the inbox.
    alerts = AlertsController(desk, window, settings=qsettings, scan_interval_ms=3_600_000,
                              poll_interval_ms=3_600_000, first_scan_ms=3_600_000, tray_available=lambda: False)
    window.attach_alerts(alerts)
    qtbot.waitUntil(lambda: bridge._notifier is not None, timeout=5000)
    qtbot.waitUntil(lambda: window.model.rowCount() == 3 and window.first_page_painted, timeout=5000)
    qtbot.waitUntil(lambda: alerts.dock.model.rowCount() == 3 and not alerts._polling, timeout=5000)
    return desk, window, alerts


def _close(desk, window, alerts) -> None:
    if window._editor is not None:
        window.editor.ask = lambda *_args: "discard"  # the test's typing is not to be saved
    window.close()  # while the desk's threads still run: discarding re-reads the incident
    alerts.shutdown()
    window.shutdown()
    window.bridge.stop()
    ops_for(desk).shutdown()
    desk.close()


def _no_driver_words(text: str) -> bool:
    return "\n" not in text and not any(w.lower() in text.lower() for w in DRIVER_WORDS)


def test_an_outage_shows_the_reconnecting_state_on_every_read_and_keeps_the_typing(qtbot, qsettings, team, proxy,
                                                                                     clock):
    desk, window, alerts = _open(qtbot, qsettings, proxy.proxied_url, clock)
    try:
        assert window.select_incident("INC-000001")
        qtbot.waitUntil(lambda: window.editor.title_edit.text() == "Printer on fire", timeout=3000)
        window.editor.title_edit.setFocus()
        window.editor.title_edit.end(False)
        qtbot.keyClicks(window.editor.title_edit, ", floor 3")
        with qtbot.captureExceptions() as exceptions:
            proxy.cut()
            qtbot.waitUntil(lambda: window.connection_label.isVisible(), timeout=15_000)
            # Every read the window makes while the server is away, through the window's own paths.
            window.act_open_window.trigger()  # the open incident in a window of its own: a new editor
            qtbot.waitUntil(lambda: len(window.detail_windows) == 1, timeout=5000)
            detail = window.detail_windows[0]
            assert detail.editor.banner.isVisible() and _no_driver_words(detail.editor.banner.text())
            detail.close()
            qtbot.waitUntil(lambda: window.detail_windows == [], timeout=5000)
            window.activateWindow()
            window.act_refresh.trigger()  # F5: the table's count and first page, the views' counts, the lists
            alerts.poll_now()  # the inbox
            qtbot.waitUntil(lambda: not ops_for(desk).is_writing() and not alerts._polling
                            and not window.model.is_loading() and not window.views.is_counting(), timeout=15_000)
            qtbot.wait(300)  # the last failures' callbacks
            # The state is said once, in the window's words; the failures are sentences, not driver text.
            assert window.connection_label.isVisible()
            assert window.connection_label.text() == UNREACHABLE
            assert _no_driver_words(window.connection_label.toolTip())
            # ...and not again beside it by each read that failed (it did not fit the status bar).
            assert "failed or was lost" not in window.statusBar().currentMessage()
            assert _no_driver_words(window.statusBar().currentMessage())
            # What was typed is there, unsaved, and the rows read before stay on screen.
            assert window.editor.title_edit.text() == "Printer on fire, floor 3"
            assert window.editor.has_unsaved_changes()
            assert window.model.rowCount() == 3
            # The server is back: the window says so and catches up; the typing is still there.
            proxy.restore()
            qtbot.waitUntil(lambda: not window.connection_label.isVisible(), timeout=30_000)
            qtbot.waitUntil(lambda: alerts.dock.model.rowCount() == 3 and not alerts._polling, timeout=10_000)
            assert window.editor.title_edit.text() == "Printer on fire, floor 3"
            assert window.editor.has_unsaved_changes()
            assert window.model.rowCount() == 3
        assert [f"{type(e).__name__}: {e}" for _, e, _ in exceptions] == []
    finally:
        _close(desk, window, alerts)


def _end_query_connections(url: str, client_id: str) -> int:
    """End this desk's query connections (not its listener), as a server's idle-session killer would."""
    con = psycopg2.connect(url)
    con.autocommit = True
    try:
        with con.cursor() as cur:
            cur.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = %s",
                        (client_id,))
            return cur.fetchone()[0]
    finally:
        con.close()


def test_connections_the_server_dropped_are_replaced_without_an_alarm(qtbot, qsettings, team, pg_url, clock):
    """The server ended the desk's query connections but is there (its listener never noticed): the next
    reads fail once on them, the desk checks the server, replaces them and reads again; no alarm."""
    desk, window, alerts = _open(qtbot, qsettings, pg_url, clock)
    states: list[bool] = []
    window.bridge.sig_connection_changed.connect(lambda up, _why: states.append(up))
    try:
        assert _end_query_connections(pg_url, desk.store.client_id) >= 1
        with qtbot.captureExceptions() as exceptions:
            # Another desk's change arrives through the (live) listener; the re-reads meet the dead connections.
            team.incidents.log_incident(actor=team.actor, draft=IncidentDraft(title="Fourth", category="Hardware",
                                                                               assignee="alex"))
            qtbot.waitUntil(lambda: window.model.rowCount() == 4, timeout=10_000)
            qtbot.waitUntil(lambda: alerts.dock.model.rowCount() == 4, timeout=10_000)
            window.act_refresh.trigger()
            qtbot.waitUntil(lambda: window.views.counts.get("All open") == 4, timeout=5000)
        assert [f"{type(e).__name__}: {e}" for _, e, _ in exceptions] == []
        assert states == [] and not window.connection_label.isVisible()
        assert _no_driver_words(window.statusBar().currentMessage())
    finally:
        _close(desk, window, alerts)


def test_a_read_that_finds_the_server_gone_shows_the_state_though_the_listener_has_not(qtbot, qsettings, team,
                                                                                        pg_url, proxy, clock):
    """The path to the server breaks for new connections while the listener's stays up (so it hears
    nothing): the first read that cannot reach the server puts the window in the reconnecting state."""
    desk, window, alerts = _open(qtbot, qsettings, proxy.proxied_url, clock)
    try:
        with qtbot.captureExceptions() as exceptions:
            proxy.refuse_new()
            assert _end_query_connections(pg_url, desk.store.client_id) >= 1
            with qtbot.waitSignal(window.bridge.sig_connection_changed, timeout=10_000) as lost:
                window.act_refresh.trigger()
            assert lost.args[0] is False and _no_driver_words(lost.args[1])
            assert window.connection_label.isVisible() and window.connection_label.text() == UNREACHABLE
            assert window.model.rowCount() == 3  # what was read before stays on screen
            team.incidents.log_incident(actor=team.actor, draft=IncidentDraft(title="Fourth", category="Hardware",
                                                                               assignee="alex"))
            proxy.restore()
            with qtbot.waitSignal(window.bridge.sig_connection_changed, timeout=30_000) as back:
                pass
            assert back.args[0] is True
            qtbot.waitUntil(lambda: not window.connection_label.isVisible(), timeout=5000)
            # Caught up on what another desk did meanwhile.
            qtbot.waitUntil(lambda: window.model.rowCount() == 4, timeout=10_000)
            qtbot.waitUntil(lambda: alerts.dock.model.rowCount() == 4, timeout=10_000)
        assert [f"{type(e).__name__}: {e}" for _, e, _ in exceptions] == []
    finally:
        _close(desk, window, alerts)


def test_an_editor_opened_during_an_outage_says_so_and_still_opens(qtbot, team, proxy, clock):
    """An editor with no lists handed to it (a window that could not read them yet) reads them itself."""
    from incident_desk.ui.detail.editor import IncidentDetailEditor
    desk = open_desk(proxy.proxied_url, clock=clock, user="alex", password="alex-pass-1")
    try:
        proxy.cut()
        with qtbot.captureExceptions() as exceptions:
            editor = IncidentDetailEditor(desk)
            qtbot.addWidget(editor)
            assert not editor.load_incident("INC-000001")  # nothing to show, said in the banner
        assert [f"{type(e).__name__}: {e}" for _, e, _ in exceptions] == []
        assert editor.banner.isVisibleTo(editor) and _no_driver_words(editor.banner.text())
        assert editor.banner.text().startswith("The connection to 127.0.0.1:")
    finally:
        ops_for(desk).shutdown()
        desk.close()
