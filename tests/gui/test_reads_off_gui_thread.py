"""On a team (PostgreSQL) desk the window's reads run on the desk's network reader, not the GUI thread: the
Resolution and Postmortem tabs, the Problems view, the window's create-problem action and the editor's
look for open children before resolving, the Action items tab and its edit dialog's people, the log
dialog's recent callers (it opens without waiting for them), the Metrics tab's filter choices, the
on-call dialog's people and teams, the policy editor's policies and recipients (a second click while it
reads opens no second editor). An answer that arrives after the user moved on is dropped, what was
typed while a read ran stays, a widget closed while its read waits is not touched once gone, and a read
waiting when the desk shuts down ends."""

from __future__ import annotations

import contextlib

import psycopg2
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog

from incident_desk.services.incidents import IncidentDraft
from incident_desk.ui.bridge import DeskBridge
from incident_desk.ui.detail.editor import IncidentDetailEditor
from incident_desk.ui.dialogs.closure_dialogs import ProblemDialog
from incident_desk.ui.dialogs.workflow import ResolveDialog
from incident_desk.ui.widgets.main_window import MainWindow
from incident_desk.ui.widgets.problems_view import ProblemsView
from tests.gui.gui_tools import read_threads
from tests.team_tools import open_desk, pg_rows

pytestmark = pytest.mark.postgres

READER = "desk-net-read_0"  # the desk's one network reader (ui/ops.py), as its pool names its thread
HOLD_MS = 400  # how long a read is kept waiting on a table lock while the user acts


def _log(desk, title, **kw):
    draft = dict(title=title, category="Email", impact="medium", urgency="medium")
    draft.update(kw)
    return desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(**draft))


def _on_reader(seen: list[tuple[str, str]]) -> None:
    """Something was read, and every statement of it ran on the network reader."""
    assert seen, "nothing was read"
    on_gui = [sql[:100] for thread, sql in seen if thread != READER]
    assert not on_gui, f"read on another thread than {READER}: {on_gui[:5]}"


@contextlib.contextmanager
def table_locked(url: str, table: str, *, release_after_ms: int = HOLD_MS):
    """Another connection holds ``table`` exclusively (a read of it waits) until a timer releases it from
    inside whatever event loop then runs: the reads of the block stay in flight while the user acts."""
    con = psycopg2.connect(url)
    cur = con.cursor()
    cur.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
    released: list[bool] = []

    def release() -> None:
        if not released:
            released.append(True)
            con.commit()
    QTimer.singleShot(release_after_ms, release)
    try:
        yield
    finally:
        release()
        con.close()


@pytest.fixture
def pg_desk(pg_url, clock):
    desk = open_desk(pg_url, clock=clock)
    desk.users.add_user(actor=desk.actor, username="lena", display_name="Lena Lead", role="lead",
                        team="Service Desk")
    yield desk
    from incident_desk.ui.ops import ops_for
    ops_for(desk).shutdown()
    desk.close()


@pytest.fixture
def editor(qtbot, pg_desk):
    ed = IncidentDetailEditor(pg_desk)
    qtbot.addWidget(ed)
    ed.resize(1100, 800)
    ed.show()
    return ed


def _parent_with_children(desk):
    parent = _log(desk, "Mail server down", impact="high", urgency="high")
    kids = [_log(desk, "Cannot send mail"), _log(desk, "Cannot receive mail")]
    for kid in kids:
        desk.incidents.link(actor=desk.actor, key=parent.key, other=kid.key, kind="parent_of")
    desk.incidents.transition(actor=desk.actor, key=parent.key, to="acknowledged")
    return parent, kids


def test_the_resolution_tab_reads_on_the_network_reader_and_drops_a_stale_answer(qtbot, pg_url, pg_desk, editor):
    desk = pg_desk
    parent, _kids = _parent_with_children(desk)
    lone = _log(desk, "Printer jam")
    desk.problems.create(actor=desk.actor, title="Mail queue fills up", incidents=[parent.key])
    # The oracle: the parent's open children, counted with plain SQL.
    assert pg_rows(pg_url, "SELECT count(*) FROM incident_link l JOIN incident c ON c.id = l.target_id "
                           "JOIN incident p ON p.id = l.source_id WHERE l.kind = 'parent_of' AND p.key = %s "
                           "AND c.status < 50", parent.key) == [(2,)]
    assert editor.load_incident(parent.key)
    tab = editor.resolution_tab
    with read_threads(desk.store) as seen:
        editor.tabs.setCurrentWidget(tab)  # shown: it reads now
    _on_reader(seen)
    assert tab.children_label.text() == ("2 of 2 still open: resolving this incident offers to resolve them the "
                                         "same way.")
    assert tab.problem_label.text() == "PRB-000001 · Open · Mail queue fills up"

    # The tab re-reads the parent; while that read waits, the user opens another incident. The parent's
    # answer comes last and is dropped: the tab shows the incident now open.
    with table_locked(pg_url, "postmortem"):
        QTimer.singleShot(0, lambda: editor.load_incident(lone.key))
        tab.refresh()
    assert editor.current_key() == lone.key and tab.incident.key == lone.key
    assert tab.children_label.text() == "No child incidents."
    assert tab.problem_label.text() == "Not linked to a problem. Link it when incidents like this recur."


def test_the_postmortem_tab_reads_on_the_network_reader_and_keeps_what_was_typed(qtbot, pg_url, pg_desk, editor,
                                                                                   clock):
    desk = pg_desk
    inc = _log(desk, "VPN concentrator down", impact="high", urgency="high")
    desk.incidents.transition(actor=desk.actor, key=inc.key, to="acknowledged")
    desk.incidents.transition(actor=desk.actor, key=inc.key, to="resolved", resolution_code="fixed")
    assert editor.load_incident(inc.key)
    tab = editor.postmortem_tab
    with read_threads(desk.store) as seen:
        editor.tabs.setCurrentWidget(tab)
    _on_reader(seen)
    assert tab.state_label.text() == "Draft · required · written by admin · version 1"

    # Its postmortem is read again; meanwhile the user opens an incident without one: that one shows.
    lone = _log(desk, "Printer jam")
    with table_locked(pg_url, "postmortem"):
        QTimer.singleShot(0, lambda: editor.load_incident(lone.key))
        tab.refresh()
    assert tab.incident.key == lone.key and tab.pm is None and not tab.scroll.isVisibleTo(tab)
    assert tab.empty_label.text().startswith(f"{lone.key} has no postmortem (optional for this priority).")
    assert editor.load_incident(inc.key) and tab.pm is not None

    # Someone else writes the impact while this user types a summary; the refresh that follows runs while
    # the typing goes on. Their impact shows, the summary stays as typed (and unsaved).
    other = open_desk(pg_url, clock=clock)
    try:
        other.postmortems.update(actor=other.actor, key=inc.key, expected_version=1,
                                 changes={"impact_who": "Everyone working from home", "summary": "Theirs"})
    finally:
        other.close()
    typed = "The concentrator's licence ran out."
    with table_locked(pg_url, "postmortem"), read_threads(desk.store) as seen:
        QTimer.singleShot(0, lambda: qtbot.keyClicks(tab.texts["summary"], typed))
        tab.refresh()
    _on_reader(seen)
    assert pg_rows(pg_url, "SELECT summary, impact_who, version FROM postmortem") == [
        ("Theirs", "Everyone working from home", 2)]
    assert tab.who_edit.text() == "Everyone working from home" and tab.pm.version == 2
    assert tab.texts["summary"].toPlainText() == typed
    assert tab.pending_changes() == {"summary": typed} and tab.save_button.isEnabled()


def test_the_problems_view_reads_on_the_network_reader_and_follows_the_last_choice(qtbot, pg_url, pg_desk):
    desk = pg_desk
    inc = _log(desk, "Outlook asks for the password")
    desk.problems.create(actor=desk.actor, title="Credential cache corrupts", incidents=[inc.key])
    desk.problems.create(actor=desk.actor, title="Token lifetime too short", incidents=[])
    view = ProblemsView(desk)
    qtbot.addWidget(view)
    with read_threads(desk.store) as seen:
        view.show()
    _on_reader(seen)
    # Newest change first; both were made at the same (manual) time, so the higher number first.
    assert [view.table.item(r, 0).text() for r in range(view.table.rowCount())] == ["PRB-000002", "PRB-000001"]
    assert view.current.key == "PRB-000002"
    row_of = {view.table.item(r, 0).text(): r for r in range(view.table.rowCount())}
    assert view.status_filter.itemText(0) == "All (2)"

    with read_threads(desk.store) as seen:
        view.table.setCurrentCell(row_of["PRB-000001"], 0)
    _on_reader(seen)
    assert view.current.key == "PRB-000001" and view.title_edit.text() == "Credential cache corrupts"
    assert view.incident_list.count() == 1 and view.incident_list.item(0).text().startswith(inc.key)

    # PRB-000001 is read again; meanwhile the user picks PRB-000002: its answer wins, the older is dropped.
    with table_locked(pg_url, "problem"):
        QTimer.singleShot(0, lambda: view.table.setCurrentCell(row_of["PRB-000002"], 0))
        view.show_problem("PRB-000001")
    assert view.current.key == "PRB-000002" and view.title_edit.text() == "Token lifetime too short"
    assert view.incident_list.count() == 0

    # A refresh while the user types in the workaround: the list is re-read, the workaround stays.
    typed = "Sign out of Office and back in"
    with table_locked(pg_url, "problem"), read_threads(desk.store) as seen:
        QTimer.singleShot(0, lambda: qtbot.keyClicks(view.workaround_edit, typed))
        view.refresh()
    _on_reader(seen)
    assert view.current.key == "PRB-000002" and view.workaround_edit.toPlainText() == typed
    assert pg_rows(pg_url, "SELECT workaround FROM problem WHERE title = %s", "Token lifetime too short") == [("",)]


def test_the_windows_create_problem_action_reads_the_problems_on_the_network_reader(qtbot, qsettings, pg_desk):
    desk = pg_desk
    inc = _log(desk, "Outlook asks for the password")
    desk.problems.create(actor=desk.actor, title="Credential cache corrupts", incidents=[])
    bridge = DeskBridge(desk)
    window = MainWindow(desk, bridge, qsettings)
    qtbot.addWidget(window)
    try:
        qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=5000)
        assert window.select_incident(inc.key)
        with read_threads(desk.store) as seen:
            window.closure.act_problem.trigger()
        asked = [(thread, sql) for thread, sql in seen if "problem" in sql.lower()]
        _on_reader(asked)
        dialog = window.closure.dialog
        assert isinstance(dialog, ProblemDialog)
        assert [dialog.combo.itemData(k) for k in range(dialog.combo.count())] == ["", "PRB-000001"]
    finally:
        if isinstance(window.closure.dialog, QDialog) and window.closure.dialog.isVisible():
            window.closure.dialog.reject()
        window.shutdown()
        bridge.stop()


def test_resolving_a_parent_looks_for_its_open_children_on_the_network_reader(qtbot, pg_url, pg_desk, editor):
    desk = pg_desk
    parent, _kids = _parent_with_children(desk)
    assert editor.load_incident(parent.key)
    seen_at_dialog: dict = {}

    with read_threads(desk.store) as seen:
        def answer(dialog) -> bool:
            assert isinstance(dialog, ResolveDialog)
            seen_at_dialog["reads"] = list(seen)
            seen_at_dialog["offer"] = dialog.children_check.text()
            dialog.reject()
            return dialog.result() == QDialog.DialogCode.Accepted
        editor.run_dialog = answer
        assert not editor.resolve()
    _on_reader(seen_at_dialog["reads"])
    assert seen_at_dialog["offer"] == "Also resolve its 2 open child incidents the same way"

    # Resolve is clicked; while the children are looked for, the user opens another incident: no dialog
    # about the first one comes up, and nothing is resolved.
    lone = _log(desk, "Printer jam")
    asked: list = []
    editor.run_dialog = lambda dialog: asked.append(dialog) or False
    with table_locked(pg_url, "incident_link"):
        QTimer.singleShot(0, lambda: editor.load_incident(lone.key))
        assert not editor.resolve()
    assert asked == [] and editor.current_key() == lone.key
    assert pg_rows(pg_url, "SELECT status FROM incident WHERE key = %s", parent.key) == [(20,)]


def _items(desk, incident):
    """Two open items of lena's (one overdue), one of the admin's: 'mine' (admin) and 'open' differ."""
    today = desk.action_items.today()
    desk.action_items.add(actor=desk.actor, title="Renew the licence", owner="lena", due=today.replace(year=2000),
                          incident=incident.key)
    desk.action_items.add(actor=desk.actor, title="Alert on licence expiry", owner="lena", incident=incident.key)
    desk.action_items.add(actor=desk.actor, title="Write the runbook", owner="admin", incident=incident.key)


def _titles(view) -> list[str]:
    return sorted(view.table.item(r, 1).text() for r in range(view.table.rowCount()))


def test_the_action_items_tab_reads_on_the_network_reader_and_drops_a_stale_answer(qtbot, pg_url, pg_desk):
    from incident_desk.ui.widgets.action_items_view import ALL_OPEN, MINE, ActionItemsView
    desk = pg_desk
    _items(desk, _log(desk, "VPN licence expired"))
    # The oracle: the open items per owner, read with plain SQL.
    assert pg_rows(pg_url, 'SELECT u.username, count(*) FROM action_item a JOIN "user" u ON u.id = a.owner_id '
                           "GROUP BY u.username ORDER BY 1") == [("admin", 1), ("lena", 2)]
    view = ActionItemsView(desk)
    qtbot.addWidget(view)
    with read_threads(desk.store) as seen:
        view.show()  # shown: it reads now
    _on_reader(seen)
    assert _titles(view) == ["Write the runbook"]
    assert view.open_button.text() == "Open action items (3, 1 overdue)"

    with read_threads(desk.store) as seen:
        view.set_mode(ALL_OPEN)
    _on_reader(seen)
    assert _titles(view) == ["Alert on licence expiry", "Renew the licence", "Write the runbook"]

    # 'Mine' is read again; while that read waits the user switches to every open item. The switch's
    # read answers last but the older one's answer is dropped: the table shows what was asked last.
    view.set_mode(MINE)
    assert _titles(view) == ["Write the runbook"]
    with table_locked(pg_url, "action_item"):
        QTimer.singleShot(0, lambda: view.set_mode(ALL_OPEN))
        view.refresh()
    assert view.mode() == ALL_OPEN
    assert _titles(view) == ["Alert on licence expiry", "Renew the licence", "Write the runbook"]
    assert view.summary.text().startswith("3 open, 1 overdue, 0 without an owner.")


def test_the_action_items_edit_dialog_reads_the_people_on_the_network_reader(qtbot, pg_url, pg_desk):
    from incident_desk.ui.widgets.action_items_view import ALL_OPEN, ActionItemsView
    desk = pg_desk
    _items(desk, _log(desk, "VPN licence expired"))
    view = ActionItemsView(desk)
    qtbot.addWidget(view)
    view.show()
    view.set_mode(ALL_OPEN)
    row_of = {view.table.item(r, 1).text(): r for r in range(view.table.rowCount())}
    view.table.setCurrentCell(row_of["Renew the licence"], 0)
    people = sorted(name for (name,) in pg_rows(pg_url, 'SELECT username FROM "user" WHERE active'))
    assert people == ["admin", "lena"]
    shown: dict = {}

    with read_threads(desk.store) as seen:
        def answer(dialog) -> bool:
            shown["reads"] = list(seen)
            shown["owners"] = sorted(dialog.owner_combo.itemData(k) for k in range(dialog.owner_combo.count()))
            shown["owner"] = dialog.owner_combo.currentData()
            return False
        view.run_dialog = answer
        view.edit_button.click()
    _on_reader(shown["reads"])
    assert shown["owners"] == ["", *people] and shown["owner"] == "lena"

    # Edit is clicked; while the people are read the user picks another item: no dialog comes up for the
    # first one (nor for the second, which nobody asked to edit).
    asked: list = []
    view.run_dialog = lambda dialog: asked.append(dialog) or False
    with table_locked(pg_url, '"user"'):
        QTimer.singleShot(0, lambda: view.table.setCurrentCell(row_of["Write the runbook"], 0))
        view.edit_button.click()
    assert asked == [] and view._current().title == "Write the runbook"


def test_a_widget_closed_while_its_read_waits_is_not_touched_after_it_is_gone(qtbot, pg_url, pg_desk):
    import shiboken6
    from PySide6.QtCore import QCoreApplication, QEvent, Qt

    from incident_desk.ui.widgets.action_items_view import ActionItemsView
    desk = pg_desk
    _items(desk, _log(desk, "VPN licence expired"))
    view = ActionItemsView(desk)
    view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    view.show()
    assert _titles(view) == ["Write the runbook"]
    # The refresh waits on the lock; meanwhile the user closes the view (Qt deletes it inside the wait's
    # event loop). The answer then arrives for a widget that was closed: showing it raises nothing, and
    # the view is deleted once the refresh has returned.
    with table_locked(pg_url, "action_item"):
        QTimer.singleShot(0, view.close)
        view.refresh()
    assert shiboken6.isValid(view) and view.isHidden()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qtbot.waitUntil(lambda: not shiboken6.isValid(view), timeout=2000)


def test_a_read_waiting_when_the_desk_shuts_down_ends_with_an_error(qtbot, pg_url, pg_desk):
    import threading

    from incident_desk.services.errors import StorageError
    from incident_desk.ui.ops import ops_for
    ops = ops_for(pg_desk)
    con = psycopg2.connect(pg_url)
    con.cursor().execute("LOCK TABLE action_item IN ACCESS EXCLUSIVE MODE")
    # The window closes (the desk shuts down) while a read waits on the lock; shutting down waits for the
    # read itself, so the lock is let go from another thread.
    threading.Timer(HOLD_MS / 1000, con.commit).start()
    QTimer.singleShot(0, ops.shutdown)
    try:
        with pytest.raises(StorageError, match="The desk is closing"):
            ops.run_read(lambda: pg_desk.action_items.counts())
    finally:
        con.close()
    assert ops.is_closed()


def test_the_log_dialog_opens_at_once_and_suggests_recent_callers_once_read(qtbot, qsettings, pg_url, pg_desk):
    from incident_desk.ui.dialogs.log_dialog import LogIncidentDialog
    desk = pg_desk
    _log(desk, "VPN drops", reporter_name="Nadia Haddad", reporter_contact="+49 30 555 0101")
    _log(desk, "Printer jam", reporter_name="Omar Sy", reporter_contact="omar@example.org")
    # The oracle: the callers of the latest incidents, newest first, with plain SQL.
    callers = pg_rows(pg_url, "SELECT reporter_name, reporter_contact FROM incident WHERE reporter_name <> '' "
                              "ORDER BY id DESC")
    assert callers == [("Omar Sy", "omar@example.org"), ("Nadia Haddad", "+49 30 555 0101")]
    names = [name for name, _ in callers]
    with read_threads(desk.store) as seen:
        first = LogIncidentDialog(desk, settings=qsettings)
        qtbot.addWidget(first)
        qtbot.waitUntil(lambda: first.recent_names.stringList() == names, timeout=5000)
    _on_reader([(thread, sql) for thread, sql in seen if "reporter_name" in sql])

    # The incidents are locked: the dialog is built and shown before the callers are read, the user types
    # a name meanwhile; when the answer comes the suggestions appear and what was typed stays as typed.
    with table_locked(pg_url, "incident"):
        dialog = LogIncidentDialog(desk, settings=qsettings)
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.recent_names.stringList() == []
        qtbot.keyClicks(dialog.reporter_name_edit, "Nad")
        qtbot.waitUntil(lambda: dialog.recent_names.stringList() == names, timeout=5000)
    assert dialog.reporter_name_edit.text() == "Nad" and dialog.reporter_contact_edit.text() == ""
    # The answer is the dialog's from now on: the caller's contact fills in when the name is complete.
    dialog.reporter_name_edit.setText("Nadia Haddad")
    dialog.reporter_name_edit.editingFinished.emit()
    assert dialog.reporter_contact_edit.text() == "+49 30 555 0101"
    dialog.reporter_name_edit.clear()
    dialog.reporter_contact_edit.clear()


def _items_of(combo) -> list:
    return [combo.itemData(k) for k in range(combo.count())]


def test_the_metrics_tab_reads_its_filter_choices_on_the_network_reader(qtbot, pg_url, pg_desk):
    from incident_desk.ui.widgets.metrics_tab import MetricsTab
    desk = pg_desk
    # The oracle: teams, top-level categories (by name, any case) and usernames, with plain SQL.
    teams = [name for (name,) in pg_rows(pg_url, "SELECT name FROM team ORDER BY name")]
    categories = sorted((name for (name,) in pg_rows(pg_url, "SELECT name FROM category WHERE parent_id IS NULL")),
                        key=str.casefold)
    users = [name for (name,) in pg_rows(pg_url, 'SELECT username FROM "user" ORDER BY username')]
    assert "Service Desk" in teams and "Email" in categories and users == ["admin", "lena"]
    with read_threads(desk.store) as seen:
        tab = MetricsTab(desk)  # built when the tab is first shown: it asks for its choices now
        qtbot.addWidget(tab)
        qtbot.waitUntil(lambda: _items_of(tab.assignee) == [None, *users], timeout=5000)
    asked = [(thread, sql) for thread, sql in seen if any(t in sql for t in ('"team"', '"category"', '"user"'))]
    _on_reader(asked)
    assert _items_of(tab.team) == [None, *teams] and _items_of(tab.category) == [None, *categories]

    # With the users locked the tab is built at once, offering "All" alone; the user picks a period
    # meanwhile. When the choices come they are added after "All", which stays chosen, and the period stays.
    with table_locked(pg_url, '"user"'):
        later = MetricsTab(desk)
        qtbot.addWidget(later)
        assert [_items_of(c) for c in (later.team, later.category, later.assignee)] == [[None]] * 3
        later.period.setCurrentIndex(0)
        qtbot.waitUntil(lambda: _items_of(later.assignee) == [None, *users], timeout=5000)
    assert _items_of(later.team) == [None, *teams] and _items_of(later.category) == [None, *categories]
    assert later.period.currentIndex() == 0
    assert [c.currentIndex() for c in (later.team, later.category, later.assignee)] == [0, 0, 0]


def test_the_oncall_dialog_reads_people_and_teams_on_the_network_reader(qtbot, pg_url, pg_desk):
    from incident_desk.ui.dialogs.oncall_dialog import OncallDialog
    desk = pg_desk
    # The oracle: the teams (sorted by name, any case) and lena's display name, with plain SQL.
    teams = sorted((name for (name,) in pg_rows(pg_url, "SELECT name FROM team")), key=str.lower)
    assert "Service Desk" in teams
    assert pg_rows(pg_url, 'SELECT display_name FROM "user" WHERE username = %s', "lena") == [("Lena Lead",)]
    with read_threads(desk.store) as seen:
        dialog = OncallDialog(desk)
        qtbot.addWidget(dialog)
    _on_reader(seen)  # the people, the teams and the first team's schedule
    assert any('FROM "team"' in sql for _thread, sql in seen) and any('FROM "user"' in sql for _thread, sql in seen)
    assert [dialog.team.itemText(k) for k in range(dialog.team.count())] == teams
    assert dialog.people.name("lena") == "Lena Lead"


def test_the_policy_editor_reads_its_policies_and_recipients_on_the_network_reader(qtbot, pg_url, pg_desk, clock):
    import dataclasses
    import json

    from incident_desk.domain.escalation import DEFAULT_ESCALATION_POLICY
    from incident_desk.ui.dialogs.policy_editor import PolicyEditorDialog
    desk = pg_desk
    other = open_desk(pg_url, clock=clock)  # someone else renamed the escalation policy
    try:
        other.policies.set_escalation_policy(actor=other.actor,
                                             policy=dataclasses.replace(DEFAULT_ESCALATION_POLICY, name="Night rules"))
    finally:
        other.close()
    # The oracle: the stored policy's name, the teams (any case) and lena's display name, with plain SQL.
    [(stored,)] = pg_rows(pg_url, "SELECT value FROM setting WHERE key = 'escalation_policy'")
    assert json.loads(stored)["name"] == "Night rules"
    teams = tuple(sorted((name for (name,) in pg_rows(pg_url, "SELECT name FROM team")), key=str.lower))
    assert pg_rows(pg_url, 'SELECT display_name FROM "user" WHERE username = %s', "lena") == [("Lena Lead",)]
    with read_threads(desk.store) as seen:
        dialog = PolicyEditorDialog(desk)
        dialog.ask = lambda *args: "discard"  # closing at teardown must not wait on a message box
        qtbot.addWidget(dialog)
    _on_reader(seen)  # both policies, the people and the teams
    assert any("setting" in sql for _thread, sql in seen) and any('FROM "team"' in sql for _thread, sql in seen)
    assert dialog.escalation_name.text() == "Night rules"
    assert dialog.directory.teams == teams and dialog.directory.person("lena") == "Lena Lead (lena)"


def test_a_second_click_while_the_settings_oncall_page_builds_the_schedule_opens_no_second_one(
        qtbot, tmp_path, pg_url, pg_desk):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from incident_desk.ui.dialogs.oncall_dialog import OncallDialog
    from incident_desk.ui.dialogs.settings import SettingsContext, SettingsDialog
    from incident_desk.ui.ops import ops_for
    desk = pg_desk
    ops = ops_for(desk)
    context = SettingsContext(desk=desk, run_write=ops.run_write, run_read=ops.run_read,
                              app_settings=QSettings(str(tmp_path / "app.ini"), QSettings.Format.IniFormat),
                              desk_settings=QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat))
    settings = SettingsDialog(context)
    qtbot.addWidget(settings)
    page = settings.page("OncallPage")

    def schedules() -> list:
        return [w for w in QApplication.topLevelWidgets() if isinstance(w, OncallDialog) and w.isVisible()]
    try:
        # The teams are locked: the schedule's read waits while the user clicks the button again.
        with table_locked(pg_url, "team"):
            QTimer.singleShot(0, page.open_button.click)
            page.open_button.click()
        assert len(schedules()) == 1
        assert page.open_button.isEnabled() is True
    finally:
        for dialog in schedules():
            dialog.reject()
        settings.reject()


def test_a_second_click_while_the_policy_editor_reads_opens_no_second_one(qtbot, qsettings, pg_url, pg_desk):
    from PySide6.QtWidgets import QApplication

    from incident_desk.ui.dialogs.policy_editor import PolicyEditorDialog
    desk = pg_desk
    bridge = DeskBridge(desk)
    window = MainWindow(desk, bridge, qsettings)
    qtbot.addWidget(window)

    def editors() -> list:
        return [w for w in QApplication.topLevelWidgets() if isinstance(w, PolicyEditorDialog) and w.isVisible()]
    try:
        # The teams are locked: the editor's read waits while the user clicks the action again.
        with table_locked(pg_url, "team"):
            QTimer.singleShot(0, window.act_policies.trigger)
            window.act_policies.trigger()
        assert len(editors()) == 1
    finally:
        for dialog in editors():
            dialog.ask = lambda *args: "discard"
            dialog.reject()
        window.shutdown()
        bridge.stop()
