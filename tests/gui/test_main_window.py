"""The desk main window: views and counts, saved views and layout persistence, shortcuts, live updates."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel

from incident_desk.domain.incident import IncidentFilter, Status
from incident_desk.ui.bridge import DeskBridge
from incident_desk.ui.models.incident_table_model import column_index
from incident_desk.ui.models.saved_views import BUILTIN_NAMES, builtin_views
from incident_desk.ui.widgets.main_window import MainWindow

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


def test_layout_and_status_bar(window, seeded_desk):
    assert window.current_view_name() == "All open"
    assert window.tabs.tabText(0) == "Incidents" and window.tabs.tabText(1) == "Metrics"
    assert window.splitter.widget(0) is window.tabs and window.splitter.widget(1) is window.detail_panel
    assert window.views_dock.widget() is window.views
    n = seeded_desk.incidents.count_incidents(filters=builtin_views(username="x", now=seeded_desk.clock())[2].filters)
    assert window.rows_label.text() == f"{n} incidents"
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


def test_views_have_live_counts(qtbot, window, seeded_desk):
    names = [v.name for v in window.views.views()]
    assert tuple(names) == BUILTIN_NAMES
    for view in builtin_views(username=seeded_desk.actor.username, now=seeded_desk.clock()):
        assert window.views.counts[view.name] == seeded_desk.incidents.count_incidents(filters=view.filters)
    assert window.views.counts["All"] == 240
    before = window.views.counts["Unassigned"]
    key = window.model.row_at(0).key
    seeded_desk.incidents.assign(actor=seeded_desk.actor, key=key, assignee=None)
    qtbot.waitUntil(lambda: window.views.counts["Unassigned"] != before or
                    seeded_desk.incidents.get_incident(key).assignee is None and before == window.views.counts[
                        "Unassigned"] and not window.views.is_counting(), timeout=5000)


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


def test_drill_down_filter_shows_a_clearable_chip(qtbot, window):
    window.apply_filter(IncidentFilter(keys=frozenset({1, 2, 3}), statuses=frozenset()), label="3 slowest")
    assert window.model.rowCount() == 3
    assert window.filter_bar.chip.isVisible() and "3 slowest" in window.filter_bar.chip.text()
    assert window.current_view_name() is None
    window.filter_bar.chip_clear.click()
    assert not window.filter_bar.chip.isVisible()
    assert window.model.rowCount() == 240


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


def test_ctrl_n_opens_the_log_dialog_and_the_new_row_is_selected(qtbot, window, seeded_desk):
    from incident_desk.services.incidents import IncidentDraft
    window.table.setFocus()
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: getattr(window, "log_dialog", None) is not None and window.log_dialog.isVisible())
    dialog = window.log_dialog
    key = seeded_desk.incidents.log_incident(
        actor=seeded_desk.actor, draft=IncidentDraft(title="Fresh from the dialog", category="Email")).key
    dialog.sig_incident_logged.emit(key)  # what the dialog says after its own log_incident call
    assert window.table.current_key() == key
    assert window.table.current_row().title == "Fresh from the dialog"
    dialog.reject()


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
    qtbot.waitUntil(lambda: window.model.rowCount() > 0 and not hint.isVisible(), timeout=5000)
