"""The desk main window: views and counts, saved views and layout persistence, shortcuts, live updates."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from matplotlib.backend_bases import MouseEvent
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QInputDialog, QLabel, QLineEdit, QMessageBox

from incident_desk.domain.incident import IncidentFilter, Status
from incident_desk.services.desk import Desk
from incident_desk.services.incidents import IncidentDraft
from incident_desk.ui.bridge import DeskBridge
from incident_desk.ui.models.incident_table_model import column_index
from incident_desk.ui.models.saved_views import BUILTIN_NAMES
from incident_desk.ui.widgets.main_window import MainWindow
from tests.gui.gui_tools import count_rows, when_modal

ROOT = Path(__file__).resolve().parents[2]


def open_window(qtbot, desk, qsettings, *, poll_ms: int = 100) -> MainWindow:
    bridge = DeskBridge(desk, poll_ms=poll_ms)
    window = MainWindow(desk, bridge, qsettings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: not window.views.is_counting(), timeout=5000)
    return window


def close_window(window: MainWindow) -> None:
    window.save_settings()
    window.shutdown()
    window.bridge.stop()


@pytest.fixture
def window(qtbot, seeded_desk, qsettings):
    w = open_window(qtbot, seeded_desk, qsettings)
    yield w
    close_window(w)


def test_layout_and_status_bar(window, seeded_desk, seeded_path):
    assert window.current_view_name() == "All open"
    assert window.tabs.tabText(0) == "Incidents" and window.tabs.tabText(1) == "Metrics"
    assert window.splitter.widget(0) is window.tabs and window.splitter.widget(1) is window.detail_panel
    assert window.views_dock.widget() is window.views
    assert window.rows_label.text() == f"{count_rows(seeded_path, OPEN_SQL)} incidents"
    assert str(seeded_desk.store.path) in window.db_label.text()
    assert seeded_desk.actor.display_name in window.user_label.text()
    window.status_message("Hello")
    assert window.statusBar().currentMessage() == "Hello"
    for act in (window.act_log, window.act_search, window.act_save, window.act_ack, window.act_resolve,
                window.act_assign_me, window.act_refresh, window.act_save_view, window.act_columns):
        assert act.toolTip() and act in window.toolbar.actions()
    menu_actions = {a for m in window.menuBar().findChildren(type(window.menuBar().actions()[0].menu()))
                    for a in m.actions()}
    assert window.act_open in menu_actions and window.act_back in menu_actions


OPEN_SQL = "status IN (10, 20, 30, 40)"  # New, Acknowledged, In progress, On hold


def expected_counts(path, username: str) -> dict[str, int]:
    mine = 'assignee_id = (SELECT id FROM "user" WHERE username = ?)'
    return {"All": count_rows(path), "All open": count_rows(path, OPEN_SQL),
            "Unassigned": count_rows(path, f"{OPEN_SQL} AND assignee_id IS NULL"),
            "My open": count_rows(path, f"{OPEN_SQL} AND {mine}", username),
            "P1/P2 open": count_rows(path, f"{OPEN_SQL} AND priority IN (1, 2)"),
            "On hold": count_rows(path, "status = 40")}


def test_views_have_live_counts(qtbot, window, seeded_desk, seeded_path):
    names = [v.name for v in window.views.views()]
    assert tuple(names) == BUILTIN_NAMES
    expected = expected_counts(seeded_path, seeded_desk.actor.username)
    assert {name: window.views.counts[name] for name in expected} == expected
    assert expected["All"] == 240 and expected["On hold"] == 48
    # Another desk takes an assigned open incident off its assignee: the counts follow by themselves.
    con = sqlite3.connect(seeded_path)
    key = con.execute(f"SELECT key FROM incident WHERE {OPEN_SQL} AND assignee_id IS NOT NULL "
                      "ORDER BY id LIMIT 1").fetchone()[0]
    con.close()
    other = Desk.open(str(seeded_path), clock=seeded_desk.clock)
    try:
        other.incidents.assign(actor=other.actor, key=key, assignee=None)
    finally:
        other.close()
    expected["Unassigned"] += 1
    qtbot.waitUntil(lambda: window.views.counts.get("Unassigned") == expected["Unassigned"], timeout=5000)
    assert expected_counts(seeded_path, seeded_desk.actor.username) == expected
    qtbot.waitUntil(lambda: not window.views.is_counting(), timeout=5000)
    assert {name: window.views.counts[name] for name in expected} == expected


def test_choosing_a_view_filters_the_table(qtbot, window, seeded_desk):
    window.views.select_view("On hold")
    assert window.current_view_name() == "On hold"
    assert window.model.rowCount() == window.views.counts["On hold"] == 48
    assert all(window.model.row_at(i).status == Status.ON_HOLD for i in range(48))
    assert window.filter_bar.status.text() == "Status: On hold"
    window.views.select_view("All")
    assert window.model.rowCount() == 240


def test_saved_views_and_layout_persist(qtbot, seeded_desk, qsettings):
    first = open_window(qtbot, seeded_desk, qsettings)
    first.views.select_view("All")
    first.filter_bar.search.setText("kraken")
    first.filter_bar._on_search_now()
    first.model.sort(column_index("title"), Qt.SortOrder.AscendingOrder)
    first.table.set_column_visible(column_index("team"), True)
    first.table.horizontalHeader().resizeSection(column_index("assignee"), 177)
    saved = first.save_current_view("Kraken hunt")
    assert saved is not None and saved.filters.text == "kraken"
    assert first.save_current_view("All") is None  # a built-in name is refused with a message
    assert "built-in" in first.statusBar().currentMessage()
    total = sum(first.splitter.sizes())
    first.splitter.setSizes([total - 377, 377])
    assert first.splitter.sizes()[1] == 377
    first.close()
    second = open_window(qtbot, seeded_desk, qsettings)
    try:
        assert second.current_view_name() == "Kraken hunt"
        assert "Kraken hunt" in [v.name for v in second.views.views()]
        assert second.model.rowCount() == 6 and second.filter_bar.search.text() == "kraken"
        assert second.model.current_sort().column == "title"
        assert second.table.horizontalHeader().sectionSize(column_index("assignee")) == 177
        assert not second.table.horizontalHeader().isSectionHidden(column_index("team"))
        # The small offscreen screen clamps the restored width; the table absorbs that.
        assert second.splitter.sizes()[1] == 377
        second._on_delete_view("Kraken hunt")
        assert "Kraken hunt" not in [v.name for v in second.views.views()]
    finally:
        close_window(second)


def test_broken_saved_views_are_skipped(qtbot, seeded_desk, qsettings):
    qsettings.setValue("views/user", '[{"name": ""}, {"name": "ok", "filters": {"statuses": ["bogus"]}}, 7, "x"]')
    w = open_window(qtbot, seeded_desk, qsettings)
    try:
        assert [v.name for v in w.views.views()][-1] == "ok"
    finally:
        close_window(w)
    qsettings.setValue("views/user", "{not json")
    w = open_window(qtbot, seeded_desk, qsettings)
    close_window(w)


def test_search_shortcut_escape_and_enter(qtbot, window):
    window.table.setFocus()
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.filter_bar.search.hasFocus())
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.table.hasFocus())
    window.table.selectRow(3)
    key = window.table.current_key()
    assert key == window.model.row_at(3).key
    QTest.keyClick(window.table, Qt.Key.Key_Return)
    assert window.editor.current_key() == key


def test_enter_on_a_key_in_the_search_box_opens_that_incident(qtbot, window):
    key = window.model.row_at(10).key
    number = str(int(key.split("-")[1]))  # what a caller reads out: 'INC-000123' -> '123'
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.filter_bar.search.hasFocus())
    QTest.keyClicks(window.filter_bar.search, "#" + number)
    QTest.keyClick(window.filter_bar.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.editor.current_key() == key, timeout=5000)
    assert window.table.current_key() == key and window.table.hasFocus()
    assert key in [window.model.row_at(i).key for i in range(window.model.rowCount())]


def test_transition_and_assign_shortcuts(qtbot, window, seeded_desk):
    window.views.select_view("All open")
    target = next(window.model.row_at(i) for i in range(window.model.rowCount())
                  if window.model.row_at(i).status == Status.NEW)
    assert window.table.select_key(target.key)
    window.table.setFocus()
    QTest.keyClick(window.table, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: seeded_desk.incidents.get_incident(target.key).assignee == seeded_desk.actor.username)
    QTest.keyClick(window.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: seeded_desk.incidents.get_incident(target.key).status == Status.ACKNOWLEDGED)
    # The table follows: the row shows the new status and stays selected.
    qtbot.waitUntil(lambda: window.table.current_key() == target.key and
                    window.table.current_row() is not None and
                    window.table.current_row().status == Status.ACKNOWLEDGED, timeout=5000)


def test_a_click_on_a_chart_bar_drills_down_in_the_table_with_a_clearable_chip(qtbot, window, seeded_path):
    """Ctrl+2 shows the metrics tab; a click on a bar sends the window the drill-down signal and the
    table lists exactly the incidents behind the bar, under a chip that clears back to the view."""
    QTest.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.metrics_tab is not None and window.tabs.currentIndex() == 1)
    tab = window.metrics_tab
    qtbot.waitUntil(lambda: tab.report is not None and not tab.is_busy(), timeout=20_000)
    report = tab.report
    index = max(range(len(report.buckets)), key=lambda i: report.buckets[i].volume.get("Network", 0))
    bucket = report.buckets[index]
    expected = count_rows(seeded_path, "category = 'Network' AND opened_at >= ? AND opened_at < ?",
                          bucket.start, bucket.end)
    assert expected > 0
    chart = tab.charts["volume"]
    x, y = chart.bar_centre("Network", index)
    px, py = chart.artist_for("volume", "Network").axes.transData.transform((x, y))
    MouseEvent("button_press_event", chart, px, py, button=1)._process()
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is window.incidents_page, timeout=10_000)
    qtbot.waitUntil(lambda: window.model.rowCount() == expected and not window.model.is_loading(), timeout=10_000)
    assert {window.model.row_at(i).category for i in range(expected)} == {"Network"}
    assert window.filter_bar.chip.isVisible() and "Network" in window.filter_bar.chip.text()
    assert window.current_view_name() is None
    window.filter_bar.chip_clear.click()
    assert not window.filter_bar.chip.isVisible()
    qtbot.waitUntil(lambda: window.model.rowCount() == 240, timeout=5000)
    # Ctrl+1 goes back from the metrics tab (the drill-down above already showed the incidents).
    QTest.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 1
    QTest.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.incidents_page


def test_column_chooser(qtbot, window):
    menu = window.table.column_menu()
    titles = [a.text() for a in menu.actions() if a.isCheckable()]
    assert "SLA" in titles and "Updated" in titles
    updated = next(a for a in menu.actions() if a.text() == "Updated")
    assert not updated.isChecked()
    updated.setChecked(True)
    assert not window.table.horizontalHeader().isSectionHidden(column_index("updated"))
    assert next(a for a in menu.actions() if a.text() == "Key").isEnabled() is False


WRITER = """
import sys
from incident_desk.services.desk import Desk
from incident_desk.services.incidents import IncidentDraft
from incident_desk.services.incidents import IncidentDraft
desk = Desk.open(sys.argv[1])
inc = desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(title=sys.argv[2], category="Network"))
print(inc.key)
desk.close()
"""


def test_another_process_writing_updates_the_table(qtbot, window, seeded_path):
    window.views.select_view("All")
    window.table.selectRow(5)
    key = window.table.current_key()
    scroll = window.table.verticalScrollBar().value()
    before = window.model.rowCount()
    out = subprocess.run([sys.executable, "-c", WRITER, str(seeded_path), "Written by another desk"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    new_key = out.stdout.strip()
    qtbot.waitUntil(lambda: window.model.rowCount() == before + 1, timeout=5000)
    qtbot.waitUntil(lambda: not window.model.is_loading(), timeout=5000)
    assert window.table.current_key() == key  # the same incident stays selected
    assert window.table.verticalScrollBar().value() == scroll
    assert window.model.position_of(new_key) is not None
    qtbot.waitUntil(lambda: window.views.counts.get("All") == before + 1, timeout=5000)


def test_ctrl_n_logs_through_the_dialog_and_the_new_row_is_selected(qtbot, window, seeded_path):
    con = sqlite3.connect(seeded_path)
    new_key = f"INC-{con.execute('SELECT MAX(id) FROM incident').fetchone()[0] + 1:06d}"
    con.close()
    window.views.select_view("All")
    window.table.setFocus()
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.log_dialog is not None and window.log_dialog.isVisible())
    dialog = window.log_dialog
    assert dialog.focusWidget() is dialog.title_edit
    QTest.keyClicks(dialog.title_edit, "Fresh from the dialog")
    dialog.category_combo.setFocus()
    QTest.keyClicks(dialog.category_combo, "Email")
    QTest.keyClick(dialog.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.table.current_key() == new_key, timeout=5000)
    assert not dialog.isVisible()
    assert count_rows(seeded_path, "key = ? AND title = ? AND category = 'Email'", new_key,
                      "Fresh from the dialog") == 1
    assert window.table.current_row().title == "Fresh from the dialog"
    assert window.model.rowCount() == 241
    assert window.statusBar().currentMessage() == f"Logged {new_key}."


def test_quitting_with_a_half_typed_report_asks_and_keeps_it(qtbot, window):
    """Quit (the tray menu closes the window) while the log dialog holds text: nothing is lost unasked."""
    window.table.setFocus()
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.log_dialog is not None and window.log_dialog.isVisible())
    dialog = window.log_dialog
    QTest.keyClicks(dialog.title_edit, "Printer on floor 2 eats paper")
    asked = []
    dialog.ask = lambda *args: asked.append(args[1]) or "cancel"
    assert window.close() is False
    assert asked == ["Discard this report?"] and window.isVisible() and dialog.isVisible()
    assert "Printer on floor 2" in dialog.draft().title
    dialog.ask = lambda *args: "discard"
    dialog.close()


def test_view_counts_start_after_the_first_page_is_painted(qtbot, seeded_desk, qsettings):
    bridge = DeskBridge(seeded_desk, poll_ms=100)
    window = MainWindow(seeded_desk, bridge, qsettings)
    qtbot.addWidget(window)
    try:
        assert window.model.rowCount() > 0 and not window.first_page_painted
        assert window.views.is_counting() and window.views.counts == {}  # held, not running
        window.show()
        qtbot.waitUntil(lambda: window.first_page_painted, timeout=5000)
        qtbot.waitUntil(lambda: not window.views.is_counting(), timeout=5000)
        assert window.views.counts["All"] == 240
    finally:
        close_window(window)


def test_the_detail_editor_is_built_on_first_use_and_the_empty_panel_says_what_to_do(qtbot, window):
    assert window._editor is None
    labels = window.detail_panel.widget().findChildren(QLabel)
    assert "No incident selected" in " ".join(label.text() for label in labels)
    key = window.model.row_at(0).key
    window.table.select_key(key)
    qtbot.waitUntil(lambda: window._editor is not None and window.editor.current_key() == key, timeout=5000)
    assert window.detail_panel.widget() is window.editor


def test_the_notification_dock_keeps_its_place_between_sessions(qtbot, seeded_desk, qsettings):
    from incident_desk.ui.alerts import AlertsController

    def attach(win):
        alerts = AlertsController(seeded_desk, win, settings=qsettings, scan_interval_ms=3_600_000,
                                  poll_interval_ms=3_600_000, first_scan_ms=3_600_000, tray_available=lambda: False)
        win.attach_alerts(alerts)
        return alerts

    first = open_window(qtbot, seeded_desk, qsettings)
    alerts = attach(first)
    first.removeDockWidget(alerts.dock)
    first.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, alerts.dock)
    alerts.dock.show()
    close_window(first)
    alerts.shutdown()
    second = open_window(qtbot, seeded_desk, qsettings)
    alerts = attach(second)
    try:
        assert second.dockWidgetArea(alerts.dock) == Qt.DockWidgetArea.LeftDockWidgetArea
    finally:
        alerts.shutdown()
        close_window(second)


def test_the_status_bar_names_incidents_with_kept_unsaved_changes(qtbot, seeded_desk, qsettings):
    from incident_desk.config import EDITOR_DRAFTS_GROUP as DRAFT_GROUP
    qsettings.setValue(f"{DRAFT_GROUP}/INC-000012", '{"saved_at": "2026-11-02T09:00:00+00:00", "pending": {}}')
    window = open_window(qtbot, seeded_desk, qsettings)
    try:
        qtbot.waitUntil(lambda: "INC-000012" in window.statusBar().currentMessage(), timeout=5000)
    finally:
        close_window(window)


def test_an_empty_view_says_so_and_how_to_get_rows(qtbot, window):
    hint = window.table.findChild(QLabel, "emptyTableHint")
    assert hint is not None and not hint.isVisible()
    window.apply_filter(IncidentFilter(text="zebra-crossing-nowhere"))
    qtbot.waitUntil(lambda: window.model.rowCount() == 0 and hint.isVisible(), timeout=5000)
    assert "Ctrl+N" in hint.text()
    window.open_view("All")
    qtbot.waitUntil(lambda: window.model.rowCount() == 240 and not hint.isVisible(), timeout=5000)


# ---- the keyboard and the menus, as a person uses them -----------------------------------------------

def _db_row(path, key: str, columns: str) -> tuple:
    con = sqlite3.connect(path)
    try:
        return con.execute(f"SELECT {columns} FROM incident WHERE key = ?", (key,)).fetchone()
    finally:
        con.close()


def _first_key(path, where: str) -> str:
    con = sqlite3.connect(path)
    try:
        return con.execute(f"SELECT key FROM incident WHERE {where} ORDER BY id LIMIT 1").fetchone()[0]
    finally:
        con.close()


def _open_in_editor(qtbot, window, key: str) -> None:
    window.views.select_view("All")
    assert window.table.select_key(key)
    qtbot.waitUntil(lambda: window._editor is not None and window.editor.current_key() == key, timeout=5000)


def test_ctrl_s_in_the_table_or_the_editor_saves_the_incident(qtbot, window, seeded_path):
    key = _first_key(seeded_path, "status = 20")
    _open_in_editor(qtbot, window, key)
    window.editor.title_edit.selectAll()
    QTest.keyClicks(window.editor.title_edit, "Saved with Ctrl+S")
    assert window.editor.has_unsaved_changes()
    window.table.setFocus()
    QTest.keyClick(window.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: _db_row(seeded_path, key, "title, version") == ("Saved with Ctrl+S", 3), timeout=5000)
    qtbot.waitUntil(lambda: not window.editor.has_unsaved_changes(), timeout=5000)
    # And from inside the editor, where its own Ctrl+S answers (one shortcut, never an ambiguous pair).
    window.editor.title_edit.setFocus()
    QTest.keyClick(window.editor.title_edit, Qt.Key.Key_End)
    QTest.keyClicks(window.editor.title_edit, ", twice")
    QTest.keyClick(window.editor.title_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: _db_row(seeded_path, key, "title, version") == ("Saved with Ctrl+S, twice", 4),
                    timeout=5000)


def test_ctrl_shift_r_resolves_the_selected_incident_through_its_dialog(qtbot, window, seeded_path):
    from incident_desk.ui.dialogs.workflow import ResolveDialog
    key = _first_key(seeded_path, "status = 20")
    _open_in_editor(qtbot, window, key)
    window.table.setFocus()

    def fill(dialog) -> None:
        dialog.set_code("fixed")
        QTest.keyClicks(dialog.notes_edit, "Reseated the cable")
        dialog.accept()
    seen = when_modal(ResolveDialog, fill)
    QTest.keyClick(window.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: _db_row(seeded_path, key, "status, resolution_code, resolution_notes") ==
                    (50, "fixed", "Reseated the cable"), timeout=5000)
    assert len(seen) == 1 and key in seen[0].windowTitle()


def test_ctrl_shift_o_opens_the_incident_in_a_window_of_its_own(qtbot, window, seeded_path):
    key = _first_key(seeded_path, "status = 10")
    _open_in_editor(qtbot, window, key)
    window.table.setFocus()
    QTest.keyClick(window.table, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: len(window.detail_windows) == 1 and window.detail_windows[0].isVisible(), timeout=5000)
    detached = window.detail_windows[0]
    assert detached.editor.current_key() == key and key in detached.windowTitle()
    assert detached.close()
    qtbot.waitUntil(lambda: window.detail_windows == [], timeout=5000)


def test_ctrl_shift_s_saves_the_view_under_the_name_typed(qtbot, window, qsettings):
    window.views.select_view("On hold")

    def name_it(dialog) -> None:
        edit = dialog.findChild(QLineEdit)
        QTest.keyClicks(edit, "Night shift")
        QTest.keyClick(edit, Qt.Key.Key_Return)
    seen = when_modal(QInputDialog, name_it)
    QTest.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.current_view_name() == "Night shift", timeout=5000)
    assert len(seen) == 1
    assert [v.name for v in window.views.views()][-1] == "Night shift"
    qsettings.sync()
    stored = json.loads(qsettings.value("views/user"))
    assert [(v["name"], v["filters"]["statuses"]) for v in stored] == [("Night shift", ["on_hold"])]


def test_f5_rereads_what_another_desk_wrote(qtbot, seeded_desk, seeded_path, qsettings):
    window = open_window(qtbot, seeded_desk, qsettings, poll_ms=3_600_000)  # no polling: only F5 refreshes
    try:
        window.views.select_view("All")
        assert "F5" in [s.toString() for s in window.act_refresh.shortcuts()]
        other = Desk.open(str(seeded_path), clock=seeded_desk.clock)
        try:
            key = other.incidents.log_incident(actor=other.actor, draft=IncidentDraft(
                title="Logged elsewhere", category="Network")).key
        finally:
            other.close()
        qtbot.wait(600)  # four times the refresh delay: nothing refreshes on its own
        assert window.model.rowCount() == 240
        window.table.setFocus()
        QTest.keyClick(window, Qt.Key.Key_F5)
        qtbot.waitUntil(lambda: window.model.rowCount() == 241 and window.model.position_of(key) is not None,
                        timeout=5000)
        qtbot.waitUntil(lambda: window.views.counts.get("All") == 241, timeout=5000)
    finally:
        close_window(window)


def test_ctrl_d_hides_and_shows_the_detail_panel(qtbot, window):
    assert window.detail_panel.isVisible() and window.act_toggle_detail.isChecked()
    QTest.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert not window.detail_panel.isVisible() and not window.act_toggle_detail.isChecked()
    QTest.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert window.detail_panel.isVisible() and window.act_toggle_detail.isChecked()


def test_the_tools_menu_opens_the_policy_editor_and_a_save_reaches_the_database(qtbot, window, seeded_path):
    from incident_desk.domain.incident import Priority
    from incident_desk.ui.dialogs.policy_editor import PolicyEditorDialog
    [action] = [a for a in window.tools_menu.actions() if a.text().startswith("SLA")]
    action.trigger()
    qtbot.waitUntil(lambda: window.policy_dialog is not None and window.policy_dialog.isVisible(), timeout=5000)
    dialog = window.policy_dialog
    assert isinstance(dialog, PolicyEditorDialog) and dialog.parent() is window
    dialog.targets.item(list(Priority).index(Priority.P1), 0).setText("10 min")
    with qtbot.waitSignal(dialog.sig_saved, timeout=10_000):
        dialog.save_button.click()
    con = sqlite3.connect(seeded_path)
    stored = json.loads(con.execute("SELECT value FROM setting WHERE key = 'sla_policy'").fetchone()[0])
    con.close()
    assert stored["targets"]["P1"]["response_s"] == 600
    dialog.close()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)


def test_closing_with_unsaved_edits_asks_with_a_real_message_box(qtbot, seeded_desk, seeded_path, qsettings):
    """The real Save / Discard / Cancel box (no stand-in): Cancel keeps the window, Save saves and closes."""
    window = open_window(qtbot, seeded_desk, qsettings)
    key = _first_key(seeded_path, "status = 10")
    _open_in_editor(qtbot, window, key)
    window.editor.title_edit.selectAll()
    QTest.keyClicks(window.editor.title_edit, "Kept by the message box")
    asked = []

    def press(which):
        def act(box):
            asked.append(box.text())
            qtbot.mouseClick(box.button(which), Qt.MouseButton.LeftButton)
        return act
    when_modal(QMessageBox, press(QMessageBox.StandardButton.Cancel))
    assert window.close() is False
    assert window.isVisible() and _db_row(seeded_path, key, "title")[0] != "Kept by the message box"
    when_modal(QMessageBox, press(QMessageBox.StandardButton.Save))
    assert window.close() is True
    assert _db_row(seeded_path, key, "title")[0] == "Kept by the message box"
    assert len(asked) == 2 and all(f"{key} has unsaved changes (title)" in text for text in asked)
    window.shutdown()
    window.bridge.stop()
