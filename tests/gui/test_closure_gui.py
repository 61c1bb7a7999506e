"""Closure in the window with real widgets: resolving with children, the Resolution and Postmortem tabs,
reports written in a worker, problems from the table's selection, action item views, known errors."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from PySide6.QtCore import QItemSelectionModel, QSettings, Qt
from PySide6.QtWidgets import QDialog

from incident_desk.domain.incident import Status
from incident_desk.domain.postmortem import PostmortemStatus
from incident_desk.services.incidents import IncidentDraft
from incident_desk.ui.detail.editor import IncidentDetailEditor
from incident_desk.ui.dialogs.closure_dialogs import (
    ActionItemDialog,
    EntryDialog,
    NoteDialog,
    ProblemDialog,
)
from incident_desk.ui.dialogs.log_dialog import LogIncidentDialog
from incident_desk.ui.dialogs.report_dialogs import ExportReportDialog, MonthlyReviewDialog
from incident_desk.ui.dialogs.workflow import ResolveDialog
from tests.gui.gui_tools import write_threads
from tests.gui.test_main_window import close_window, open_window


class Answers:
    """Plays the user in front of dialogs: each handler gets the real dialog and says whether it was accepted."""

    def __init__(self, *handlers):
        self.handlers = list(handlers)

    def __call__(self, dialog: QDialog) -> bool:
        assert self.handlers, f"unexpected dialog {type(dialog).__name__}: {dialog.windowTitle()}"
        return self.handlers.pop(0)(dialog)


def accept(dialog) -> bool:
    dialog.accept()
    return dialog.result() == QDialog.DialogCode.Accepted


def log(desk, title, **kw):
    draft = dict(title=title, category="Email", impact="medium", urgency="medium")
    draft.update(kw)
    return desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(**draft))


def rows(db_path, sql, *params):
    con = sqlite3.connect(db_path)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


@pytest.fixture
def editor(qtbot, team_desk):
    ed = IncidentDetailEditor(team_desk)
    qtbot.addWidget(ed)
    ed.resize(1100, 800)
    ed.show()
    return ed


def test_resolving_a_parent_offers_its_open_children_and_a_root_cause(qtbot, team_desk, editor, db_path):
    desk = team_desk
    parent = log(desk, "Mail server down", impact="high", urgency="high")
    kids = [log(desk, "Cannot send mail"), log(desk, "Cannot receive mail")]
    for kid in kids:
        desk.incidents.link(actor=desk.actor, key=parent.key, other=kid.key, kind="parent_of")
    desk.incidents.transition(actor=desk.actor, key=parent.key, to="acknowledged")
    editor.load_incident(parent.key)
    seen = {}

    def resolve(dialog):
        assert isinstance(dialog, ResolveDialog)
        seen["offer"] = dialog.children_check.text()
        assert dialog.children_check.isChecked()
        dialog.set_code("fixed")
        dialog.cause_combo.setCurrentIndex(dialog.cause_combo.findData("capacity"))
        qtbot.keyClicks(dialog.notes_edit, "Freed the disk")
        return accept(dialog)
    editor.run_dialog = Answers(resolve)
    assert editor.resolve()
    assert seen["offer"] == "Also resolve its 2 open child incidents the same way"
    assert rows(db_path, "SELECT key, status, resolution_code, root_cause FROM incident ORDER BY id") == [
        (parent.key, 50, "fixed", "capacity"), (kids[0].key, 50, "fixed", "capacity"),
        (kids[1].key, 50, "fixed", "capacity")]
    # A childless incident is offered nothing.
    lone = log(desk, "Printer jam")
    desk.incidents.transition(actor=desk.actor, key=lone.key, to="acknowledged")
    editor.load_incident(lone.key)

    def plain(dialog):
        assert not dialog.children_check.isVisibleTo(dialog) and not dialog.with_children()
        dialog.set_code("fixed")
        return accept(dialog)
    editor.run_dialog = Answers(plain)
    assert editor.resolve()


def test_the_resolution_tab_records_cause_confirmation_and_problem(qtbot, team_desk, editor, db_path, clock):
    desk = team_desk
    inc = log(desk, "Outlook asks for the password")
    desk.incidents.transition(actor=desk.actor, key=inc.key, to="acknowledged")
    desk.incidents.transition(actor=desk.actor, key=inc.key, to="resolved", resolution_code="fixed",
                              resolution_notes="Cleared the credential cache")
    editor.load_incident(inc.key)
    tab = editor.resolution_tab
    editor.tabs.setCurrentWidget(tab)
    assert tab.code_label.text() == "Fixed" and tab.notes_label.text() == "Cleared the credential cache"
    due = clock() + timedelta(days=3)
    assert tab.closing_label.text() == (f"A lead may close it now, or the desk closes it by itself on "
                                        f"{due.astimezone():%Y-%m-%d %H:%M} (3 days after resolution). A reopen "
                                        f"before then continues this incident.")
    tab.cause_combo.setCurrentIndex(tab.cause_combo.findData("configuration"))
    qtbot.mouseClick(tab.cause_button, Qt.MouseButton.LeftButton)
    assert desk.incidents.get_incident(inc.key).root_cause == "configuration"
    assert editor.current_incident().root_cause == "configuration"   # the editor followed the write

    def confirm(dialog):
        assert isinstance(dialog, NoteDialog)
        qtbot.keyClicks(dialog.edit, "Works again, thanks")
        return accept(dialog)
    tab.run_dialog = Answers(confirm)
    qtbot.mouseClick(tab.confirm_button, Qt.MouseButton.LeftButton)
    assert rows(db_path, "SELECT caller_confirmation FROM incident") == [("Works again, thanks",)]
    assert tab.confirmation_label.text().endswith(": Works again, thanks")

    def new_problem(dialog):
        assert isinstance(dialog, ProblemDialog)
        assert dialog.existing() is None and dialog.ok_button.text() == "Create and link"
        dialog.accept()   # no title yet: refused
        assert dialog.result() != QDialog.DialogCode.Accepted
        assert dialog.title_field.error() == "Give the new problem a title."
        qtbot.keyClicks(dialog.title_edit, "Credential cache corrupts")
        qtbot.keyClicks(dialog.workaround_edit, "Clear the cache in Credential Manager")
        return accept(dialog)
    tab.run_dialog = Answers(new_problem)
    qtbot.mouseClick(tab.link_problem_button, Qt.MouseButton.LeftButton)
    assert tab.problem_label.text() == ("PRB-000001 · Open · Credential cache corrupts\nWorkaround: Clear the cache "
                                        "in Credential Manager")
    assert not tab.link_problem_button.isEnabled() and tab.unlink_problem_button.isEnabled()

    def not_fixed(dialog):
        qtbot.keyClicks(dialog.edit, "It asks again")
        return accept(dialog)
    tab.run_dialog = Answers(not_fixed)
    qtbot.mouseClick(tab.dispute_button, Qt.MouseButton.LeftButton)
    assert editor.current_incident().status == Status.IN_PROGRESS and editor.current_incident().reopen_count == 1


def test_the_postmortem_tab_writes_reviews_and_publishes(qtbot, team_desk, editor, db_path):
    desk = team_desk
    desk.act_as("lena")
    inc = log(desk, "Mail server down", impact="high", urgency="high")
    desk.incidents.transition(actor=desk.actor, key=inc.key, to="acknowledged")
    desk.incidents.transition(actor=desk.actor, key=inc.key, to="resolved", resolution_code="fixed")
    editor.load_incident(inc.key)
    tab = editor.postmortem_tab
    editor.tabs.setCurrentWidget(tab)
    assert tab.state_label.text() == "Draft · required · written by lena · version 1"
    assert tab.timeline_table.rowCount() == 3 and tab.timeline_table.item(0, 1).text() == \
        "Incident opened: Mail server down"
    qtbot.keyClicks(tab.texts["summary"], "Mail was down for an hour.")
    qtbot.keyClicks(tab.texts["root_cause"], "Human error by the admin.")
    assert tab.hints["root_cause"].isVisibleTo(tab)
    assert "'Human error'" in tab.hints["root_cause"].text()
    tab.texts["root_cause"].setPlainText("The log partition had no alert.")
    assert not tab.hints["root_cause"].isVisibleTo(tab)
    qtbot.keyClicks(tab.who_edit, "All staff")
    qtbot.keyClicks(tab.count_edit, "250")
    assert tab.save_button.isEnabled()
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    pm = desk.postmortems.get(inc.key)
    assert (pm.text("summary"), pm.text("impact_who"), pm.impact_count) == ("Mail was down for an hour.", "All staff",
                                                                          250)

    def entry(dialog):
        assert isinstance(dialog, EntryDialog)
        from incident_desk.ui.dialogs.closure_dialogs import to_qt
        dialog.at_edit.setDateTime(to_qt(inc.opened_at - timedelta(minutes=30)))
        qtbot.keyClicks(dialog.text_edit, "Partition reached 100 %")
        dialog.milestone_combo.setCurrentIndex(dialog.milestone_combo.findData("impact_start"))
        return accept(dialog)
    tab.run_dialog = Answers(entry)
    qtbot.mouseClick(tab.add_entry_button, Qt.MouseButton.LeftButton)
    assert tab.duration_labels["detect"].text() == "30 min"
    assert tab.timeline_table.item(0, 3).text() == "Impact began"

    def item(dialog):
        assert isinstance(dialog, ActionItemDialog)
        qtbot.keyClicks(dialog.title_edit, "Alert at 80 % disk")
        return accept(dialog)
    tab.run_dialog = Answers(item)
    qtbot.mouseClick(tab.add_item_button, Qt.MouseButton.LeftButton)
    assert tab.items_table.item(0, 1).text() == "no owner"
    qtbot.mouseClick(tab.submit_button, Qt.MouseButton.LeftButton)
    assert desk.postmortems.get(inc.key).status == PostmortemStatus.IN_REVIEW
    assert tab.publish_button.isVisibleTo(tab) and tab.publish_button.isEnabled()
    qtbot.mouseClick(tab.publish_button, Qt.MouseButton.LeftButton)
    assert "'Alert at 80 % disk' has no owner" in tab.banner.text()
    assert desk.postmortems.get(inc.key).status == PostmortemStatus.IN_REVIEW

    def owner(dialog):
        dialog.owner_combo.setCurrentIndex(dialog.owner_combo.findData("sam"))
        return accept(dialog)
    tab.items_table.setCurrentCell(0, 0)
    tab.run_dialog = Answers(owner)
    qtbot.mouseClick(tab.edit_item_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(tab.publish_button, Qt.MouseButton.LeftButton)
    pm = desk.postmortems.get(inc.key)
    assert (pm.status, pm.approver) == (PostmortemStatus.PUBLISHED, "lena")
    assert tab.state_label.text().startswith("Published · required · written by lena · approved by lena")
    assert not tab.texts["summary"].isEnabled() and tab.reopen_button.isVisibleTo(tab)
    # Nothing of it bumped the incident: the editor holds no stale version.
    assert editor.current_incident().version == desk.incidents.get_incident(inc.key).version


def test_an_agent_sees_the_draft_but_no_publish(qtbot, team_desk, editor):
    desk = team_desk
    inc = log(desk, "VPN down", impact="high", urgency="high")
    desk.incidents.transition(actor=desk.actor, key=inc.key, to="acknowledged")
    desk.incidents.transition(actor=desk.actor, key=inc.key, to="resolved", resolution_code="fixed")
    desk.postmortems.move(actor=desk.actor, key=inc.key, to="in_review")
    desk.act_as("alex")
    editor.load_incident(inc.key)
    editor.tabs.setCurrentWidget(editor.postmortem_tab)
    tab = editor.postmortem_tab
    assert tab.publish_button.isVisibleTo(tab) and not tab.publish_button.isEnabled()
    assert tab.publish_button.toolTip() == "Only a lead or an admin approves a postmortem."


def test_an_unresolved_incident_cannot_start_a_postmortem_yet(qtbot, team_desk, editor):
    inc = log(team_desk, "VPN down", impact="high", urgency="high")
    editor.load_incident(inc.key)
    editor.tabs.setCurrentWidget(editor.postmortem_tab)
    tab = editor.postmortem_tab
    assert tab.empty_label.text().startswith(f"{inc.key} has no postmortem (required for P1). It can be started once "
                                             f"the incident is resolved (it then starts by itself).")
    assert not tab.start_button.isEnabled()


def test_export_report_runs_in_a_worker_and_says_where_it_wrote(qtbot, team_desk, tmp_path):
    desk = team_desk
    inc = log(desk, "Mail server down", reporter_name="Zed Secretname", reporter_contact="zed@example.org")
    dialog = ExportReportDialog(desk, inc.key)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_audience("customer")
    assert dialog.path_edit.text().endswith(f"{inc.key}-customer.pdf")
    dialog.set_format("md")
    assert dialog.path_edit.text().endswith(f"{inc.key}-customer.md")
    target = tmp_path / "out.md"
    dialog.path_edit.setText(str(target))
    qtbot.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.written == [target], timeout=10_000)
    assert dialog.status.text() == f"Wrote {target}."
    assert dialog.progress.value() == 100
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Incident report: Mail server down") and "Secretname" not in text
    dialog.path_edit.setText(str(tmp_path / "missing" / "x.md"))
    qtbot.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialog.error), timeout=10_000)
    assert dialog.status.text() == f"Not written: The folder {tmp_path / 'missing'} does not exist."


def test_monthly_review_from_the_metrics_tab(qtbot, seeded_desk, qsettings, tmp_path):
    window = open_window(qtbot, seeded_desk, qsettings)
    try:
        window.tabs.setCurrentIndex(1)
        qtbot.waitUntil(lambda: window.metrics_tab is not None, timeout=5000)
        qtbot.waitUntil(lambda: window.metrics_tab.report is not None and not window.metrics_tab.is_busy(),
                        timeout=20_000)
        qtbot.mouseClick(window.metrics_tab.review_button, Qt.MouseButton.LeftButton)
        dialog = window.metrics_tab.review_dialog
        assert isinstance(dialog, MonthlyReviewDialog) and dialog.month() == "2026-10"  # the last complete month
        dialog.month_edit.setDate(dialog.month_edit.date().addMonths(1))
        dialog.set_format("html")
        target = tmp_path / "review.html"
        dialog.path_edit.setText(str(target))
        qtbot.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.written == [target], timeout=20_000)
        page = target.read_text(encoding="utf-8")
        assert "<h1>Monthly incident review: November 2026</h1>" in page and "<svg" in page
        dialog.close()
    finally:
        close_window(window)


def on_gui_thread(monkeypatch, service, name: str) -> list[bool]:
    """Record, for each call of ``service.name``, whether it ran on the GUI thread (writes must not)."""
    import threading
    calls: list[bool] = []
    real = getattr(service, name)

    def recording(*args, **kw):
        calls.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kw)

    monkeypatch.setattr(service, name, recording)
    return calls


def test_a_problem_from_the_tables_selection_and_the_closure_tabs(qtbot, seeded_desk, qsettings, monkeypatch):
    created = on_gui_thread(monkeypatch, seeded_desk.problems, "create")
    window = open_window(qtbot, seeded_desk, qsettings)
    try:
        table = window.table
        model = table.model()
        table.selectionModel().select(model.index(0, 0), QItemSelectionModel.SelectionFlag.Select
                                      | QItemSelectionModel.SelectionFlag.Rows)
        table.selectionModel().select(model.index(2, 0), QItemSelectionModel.SelectionFlag.Select
                                      | QItemSelectionModel.SelectionFlag.Rows)
        keys = window.closure.selected_keys()
        assert keys == [model.row_at(0).key, model.row_at(2).key]
        window.closure.act_problem.trigger()
        dialog = window.closure.dialog
        assert isinstance(dialog, ProblemDialog)
        qtbot.keyClicks(dialog.title_edit, "VPN concentrator overloaded")
        with write_threads(seeded_desk.store) as threads:
            dialog.accept()
        assert threads and "GUI" not in threads, threads  # on the desk's writer thread
        problem = seeded_desk.problems.get("PRB-000001")
        assert sorted(problem.incident_keys) == sorted(keys)
        assert window.statusBar().currentMessage() == "PRB-000001 now groups 2 incidents."
        assert created == [False]  # written on the desk's writer thread
        # A third incident joins the existing problem: the dialog offers it, and nothing new is made.
        linked = on_gui_thread(monkeypatch, seeded_desk.problems, "link")
        table.clearSelection()
        table.selectionModel().select(model.index(4, 0), QItemSelectionModel.SelectionFlag.Select
                                      | QItemSelectionModel.SelectionFlag.Rows)
        third = model.row_at(4).key
        window.closure.act_problem.trigger()
        dialog = window.closure.dialog
        dialog.choose("PRB-000001")
        assert dialog.existing() == "PRB-000001"
        dialog.accept()
        assert linked == [False] and created == [False]
        assert sorted(seeded_desk.problems.get("PRB-000001").incident_keys) == sorted([*keys, third])
        assert window.statusBar().currentMessage() == "PRB-000001 now groups 3 incidents."
        assert window.open_view("All")
        qtbot.waitUntil(lambda: window.model.rowCount() == 240, timeout=3000)
        table.selectAll()
        window.closure.act_problem.trigger()
        assert window.statusBar().currentMessage() == "240 incidents are selected; select at most 200."

        window.closure.act_show_problems.trigger()
        view = window.closure.problems_tab.content
        qtbot.waitUntil(lambda: view.table.rowCount() == 1, timeout=3000)
        assert view.table.item(0, 0).text() == "PRB-000001" and view.status_filter.itemText(0) == "All (1)"
        assert view.current.key == "PRB-000001"
        view.workaround_edit.setPlainText("Move users to the second concentrator")
        view.status_combo.setCurrentIndex(view.status_combo.findData("known_error"))
        assert view.save()
        assert seeded_desk.problems.get("PRB-000001").status.value == "known_error"

        seeded_desk.action_items.add(actor=seeded_desk.actor, title="Second concentrator", problem="PRB-000001",
                                     owner=seeded_desk.actor.username, due="2026-10-01")
        window.closure.act_show_actions.trigger()
        items = window.closure.actions_tab.content
        qtbot.waitUntil(lambda: items.table.rowCount() == 1, timeout=3000)
        assert items.mine_button.text() == "My action items (1, 1 overdue)"
        assert items.table.item(0, 4).text() == "Open (overdue)" and items.table.item(0, 5).text() == "PRB-000001"
        items.table.setCurrentCell(0, 0)

        def retitle(dialog) -> bool:
            dialog.title_edit.setText("Second concentrator in rack 4")
            return accept(dialog)
        items.run_dialog = Answers(retitle)
        with write_threads(seeded_desk.store) as threads:
            qtbot.mouseClick(items.edit_button, Qt.MouseButton.LeftButton)
        assert threads and "GUI" not in threads, threads
        assert rows(seeded_desk.store.path, "SELECT title FROM action_item") == [("Second concentrator in rack 4",)]
        qtbot.mouseClick(items.done_button, Qt.MouseButton.LeftButton)
        assert items.table.rowCount() == 0 and items.mine_button.text() == "My action items (0)"
    finally:
        close_window(window)


def test_the_log_dialog_offers_a_known_errors_workaround_and_links_to_it(qtbot, team_desk, tmp_path, monkeypatch):
    desk = team_desk
    linked = on_gui_thread(monkeypatch, desk.problems, "link")
    old = log(desk, "Outlook keeps asking for password")
    problem = desk.problems.create(actor=desk.actor, title="Modern auth token expires", incidents=[old.key],
                                   workaround="Sign out of Office and back in")
    desk.problems.set_status(actor=desk.actor, key=problem.key, status="known_error")
    dialog = LogIncidentDialog(desk, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.title_edit, "Outlook asking for password again")
    dialog.refresh_similar()
    panel = dialog.known_errors
    assert panel.isVisibleTo(dialog)
    assert panel.title.text() == "Known error PRB-000001: Modern auth token expires"
    assert panel.workaround.text() == "Workaround: Sign out of Office and back in"
    dialog.category_combo.setEditText("Email")
    with write_threads(desk.store) as threads:
        key = dialog.log_incident()
    assert len(threads) >= 2 and "GUI" not in threads, threads  # the incident, then its link to the problem
    assert key is not None and desk.problems.problem_of(key).key == "PRB-000001"
    assert linked == [False]  # written on the desk's writer thread


def test_the_window_and_its_closure_parts_are_freed_without_the_collector(qtbot, seeded_desk, qsettings):
    """A reference cycle through a widget Python owns is freed by the cyclic collector, on whatever thread it
    runs: a worker's, deleting the widgets there (a segmentation fault). The window must go by reference
    counting alone, taking its editor and closure tabs with it (what stays is at most dead wrappers)."""
    import gc
    import weakref

    import shiboken6

    from incident_desk.ui.bridge import DeskBridge
    from incident_desk.ui.widgets.main_window import MainWindow
    gc.collect()
    gc.disable()
    try:
        bridge = DeskBridge(seeded_desk)
        window = MainWindow(seeded_desk, bridge, qsettings)
        window.show()
        qtbot.waitExposed(window)
        window.closure.act_show_problems.trigger()
        window.closure.act_show_actions.trigger()
        window.select_incident("INC-000003")
        window.editor.tabs.setCurrentWidget(window.editor.postmortem_tab)
        window.editor.tabs.setCurrentWidget(window.editor.resolution_tab)
        qtbot.wait(50)
        window.shutdown()
        bridge.stop()
        refs = [weakref.ref(window), weakref.ref(window.editor), weakref.ref(window.closure)]
        window.close()
        del window
        assert refs[0]() is None
        assert all(r() is None or not shiboken6.isValid(r()) for r in refs[1:])
    finally:
        gc.enable()


def test_open_action_items_counts_everyones_and_an_edit_writes_off_the_gui_thread(qtbot, team_desk, db_path,
                                                                                    monkeypatch):
    """'Open action items' lists every open item (anyone's, unowned too) with its own counts beside 'My action
    items'; an edit from the view is written on the desk's writer thread, as every write of the window."""
    from incident_desk.ui.widgets.action_items_view import ActionItemsView
    desk = team_desk
    me = desk.actor.username
    inc = log(desk, "Disk full on the file server")
    today = desk.action_items.today()
    past, future = (today - timedelta(days=2)).isoformat(), (today + timedelta(days=9)).isoformat()
    desk.action_items.add(actor=desk.actor, title="Mine, later", owner=me, due=future, incident=inc.key)
    desk.action_items.add(actor=desk.actor, title="Sam's, late", owner="sam", due=past, incident=inc.key)
    desk.action_items.add(actor=desk.actor, title="Nobody's", due=future, incident=inc.key)
    done = desk.action_items.add(actor=desk.actor, title="Lena's, done", owner="lena", incident=inc.key)
    desk.action_items.update(actor=desk.actor, item_id=done.id, status="done")
    view = ActionItemsView(desk)
    qtbot.addWidget(view)
    view.show()
    view.refresh()
    assert view.mine_button.text() == "My action items (1)"
    assert view.open_button.text() == "Open action items (3, 1 overdue)"
    assert [view.table.item(r, 1).text() for r in range(view.table.rowCount())] == ["Mine, later"]
    qtbot.mouseClick(view.open_button, Qt.MouseButton.LeftButton)
    assert view.mode() == "open"
    shown = {view.table.item(r, 1).text(): (view.table.item(r, 2).text(), view.table.item(r, 4).text())
             for r in range(view.table.rowCount())}
    assert shown == {"Mine, later": (me, "Open"), "Sam's, late": ("sam", "Open (overdue)"),
                     "Nobody's": ("no owner", "Open")}
    assert view.summary.text().startswith("3 open, 1 overdue, 1 without an owner.")

    writers = on_gui_thread(monkeypatch, desk.action_items, "update")
    row = next(r for r in range(view.table.rowCount()) if view.table.item(r, 1).text() == "Nobody's")
    view.table.setCurrentCell(row, 0)

    def give_to_sam(dialog) -> bool:
        dialog.owner_combo.setCurrentIndex(dialog.owner_combo.findText("sam"))
        dialog.accept()
        return True

    view.run_dialog = give_to_sam
    qtbot.mouseClick(view.edit_button, Qt.MouseButton.LeftButton)
    assert writers == [False]
    assert rows(db_path, "SELECT u.username FROM action_item a JOIN \"user\" u ON u.id = a.owner_id "
                        "WHERE a.title = ?", "Nobody's") == [("sam",)]
    assert view.open_button.text() == "Open action items (3, 1 overdue)"
    assert view.summary.text().startswith("3 open, 1 overdue, 0 without an owner.")


def test_export_report_from_the_resolution_and_postmortem_tabs(qtbot, team_desk, editor, tmp_path):
    """Both tabs' "Export report…" open the export of the incident shown, which writes its report."""
    desk = team_desk
    inc = log(desk, "Mail server down", impact="high", urgency="high")
    desk.incidents.transition(actor=desk.actor, key=inc.key, to="resolved", resolution_code="fixed")
    assert editor.load_incident(inc.key)
    for tab in (editor.resolution_tab, editor.postmortem_tab):
        editor.tabs.setCurrentWidget(tab)
        qtbot.waitUntil(lambda t=tab: t.export_button.isVisible(), timeout=3000)
        qtbot.mouseClick(tab.export_button, Qt.MouseButton.LeftButton)
        dialog = tab.export_dialog
        assert isinstance(dialog, ExportReportDialog) and dialog.key == inc.key and dialog.isVisible()
        target = tmp_path / f"{type(tab).__name__}.md"
        dialog.set_format("md")
        dialog.path_edit.setText(str(target))
        qtbot.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda d=dialog, t=target: d.written == [t], timeout=10_000)
        assert target.read_text(encoding="utf-8").startswith(f"# Postmortem: {inc.key} Mail server down")
        dialog.close()
