"""Accessibility across the desk: the main window on a seeded desk (every panel that opens at start, each tab
of the detail editor, the Metrics tab) and every dialog of ui/ — each control named as Qt's accessibility
layer reports it, Tab reaching each one in reading order and coming back, no focus trap — and the daily
flows done with the keyboard alone. The settings pages and the first-run welcome have their own walks
(test_settings_dialog.py, test_first_run.py)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from incident_desk.ui.alerts import AlertsController
from incident_desk.ui.dialogs.settings import PAGES as SETTINGS_PAGES
from tests.gui.a11y import audit, focused
from tests.gui.test_main_window import close_window, open_window

TRANSFER_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "transfer"


@pytest.fixture
def desk_window(qtbot, seeded_desk, qsettings):
    """The desk window as a start leaves it (views, filter bar, table, the notification panel under the
    views), 1366x768, with the first incident open in the detail panel."""
    window = open_window(qtbot, seeded_desk, qsettings)
    alerts = AlertsController(seeded_desk, window, settings=qsettings, scan_interval_ms=3_600_000,
                              poll_interval_ms=3_600_000, first_scan_ms=3_600_000, tray_available=lambda: False)
    window.attach_alerts(alerts)
    window.resize(1366, 768)
    key = window.model.row_at(0).key
    window.table.select_key(key)
    qtbot.waitUntil(lambda: window._editor is not None and window.editor.current_key() == key, timeout=5000)
    yield window
    alerts.shutdown()
    close_window(window)


def _clean(problems: dict[str, list[str]]) -> dict[str, list[str]]:
    return {kind: found for kind, found in problems.items() if found}


def assert_accessible(problems: dict[str, list[str]]) -> None:
    found = _clean(problems)
    assert not found, "\n" + "\n".join(f"{kind}: {item}" for kind, items in found.items() for item in items)


# ---- the main window -------------------------------------------------------------------------------------

EDITOR_TABS = ("Details", "Timeline", "Links", "Resolution", "Postmortem")


@pytest.mark.parametrize("tab", EDITOR_TABS)
def test_the_desk_window_names_every_control_and_tab_walks_it_in_reading_order(qtbot, desk_window, tab):
    window = desk_window
    tabs = window.editor.tabs
    index = next(i for i in range(tabs.count()) if tabs.tabText(i).replace("&", "") == tab)
    tabs.setCurrentIndex(index)
    qtbot.wait(50)
    # The moves (Acknowledge, Resolve…) come after the fields on purpose: Enter on a row puts the keyboard in
    # the form, and Tab meets the fields before a button that changes the incident (workflow_bar.py).
    first_move = next(iter(window.editor.transition_buttons.values())).text().replace("&", "")
    assert_accessible(audit(window, window.views.tree, allowed_backwards=(f"-> QPushButton '{first_move}'",)))


def test_the_window_without_its_notification_panel_tabs_in_reading_order_too(qtbot, seeded_desk, qsettings):
    """A window whose alerts never started (a --screenshot start, a test): the same order without the panel."""
    window = open_window(qtbot, seeded_desk, qsettings)
    try:
        window.resize(1366, 768)
        key = window.model.row_at(0).key
        window.table.select_key(key)
        qtbot.waitUntil(lambda: window._editor is not None and window.editor.current_key() == key, timeout=5000)
        first_move = next(iter(window.editor.transition_buttons.values())).text().replace("&", "")
        assert_accessible(audit(window, window.views.tree, allowed_backwards=(f"-> QPushButton '{first_move}'",)))
    finally:
        close_window(window)


@pytest.mark.parametrize("page", ["Metrics", "Problems", "Action items"])
def test_the_other_tabs_name_every_control_and_tab_walks_them(qtbot, desk_window, page):
    window = desk_window
    index = next(i for i in range(window.tabs.count()) if window.tabs.tabText(i).replace("&", "") == page)
    window.tabs.setCurrentIndex(index)
    qtbot.waitUntil(lambda: window.tabs.currentWidget().isVisible() and (
        index != 1 or window.metrics_tab is not None), timeout=5000)
    qtbot.wait(100)
    first_move = next(iter(window.editor.transition_buttons.values())).text().replace("&", "")
    assert_accessible(audit(window, window.views.tree, allowed_backwards=(f"-> QPushButton '{first_move}'",)))


# ---- every dialog ----------------------------------------------------------------------------------------

def _log(window):
    from incident_desk.ui.dialogs.log_dialog import LogIncidentDialog
    return LogIncidentDialog(window.desk, window, settings=window.settings)


def _resolve(window):
    from incident_desk.ui.dialogs.workflow import ResolveDialog
    return ResolveDialog(window.editor.current_key(), window)


def _cancel(window):
    from incident_desk.ui.dialogs.workflow import CancelDialog
    return CancelDialog(window.editor.current_key(), window)


def _hold(window):
    from incident_desk.ui.dialogs.workflow import HoldDialog
    return HoldDialog(window.editor.current_key(), window)


def _reporter_update(window):
    from incident_desk.ui.dialogs.workflow import ReporterUpdateDialog
    return ReporterUpdateDialog(window.editor.current_key(), lambda message: f"Summary\n{message}", window)


def _conflict(window):
    from incident_desk.ui.dialogs.workflow import ConflictDialog
    key = window.editor.current_key()
    changes = [e for e in window.desk.incidents.timeline(key)][:3] if hasattr(window.desk.incidents, "timeline") \
        else []
    return ConflictDialog(key, changes, {"title": "Printer jam, floor 2"}, window)


def _note(window):
    from incident_desk.ui.dialogs.closure_dialogs import NoteDialog
    return NoteDialog("INC-1: the caller confirmed", "What the caller said:", "Confirm", window)


def _entry(window):
    from incident_desk.ui.dialogs.closure_dialogs import EntryDialog
    return EntryDialog("Add a timeline entry", window, at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC))


def _action_item(window):
    from incident_desk.ui.dialogs.closure_dialogs import ActionItemDialog
    return ActionItemDialog("Add an action item", window.desk.users.usernames(), window)


def _key_comments(window):
    from incident_desk.ui.dialogs.closure_dialogs import KeyCommentsDialog
    return KeyCommentsDialog([], window)


def _problem(window):
    from incident_desk.ui.dialogs.closure_dialogs import ProblemDialog
    return ProblemDialog([], [window.editor.current_key()], window)


def _export_report(window):
    from incident_desk.ui.dialogs.report_dialogs import ExportReportDialog
    return ExportReportDialog(window.desk, window.editor.current_key(), window)


def _monthly_review(window):
    from incident_desk.ui.dialogs.report_dialogs import MonthlyReviewDialog
    return MonthlyReviewDialog(window.desk, window)


def _picker(window):
    from incident_desk.ui.dialogs.incident_picker import IncidentPicker
    return IncidentPicker(window.desk, exclude_key=window.editor.current_key(), parent=window)


def _sign_in(window):
    from incident_desk.ui.dialogs.sign_in_dialog import SignInDialog
    return SignInDialog("db.example.org/incidents", lambda user, password: None, parent=window)


def _first_admin(window):
    from incident_desk.ui.dialogs.sign_in_dialog import SignInDialog
    return SignInDialog("db.example.org/incidents", lambda user, password: None, initialise=True, parent=window)


def _change_password(window):
    from incident_desk.ui.dialogs.sign_in_dialog import ChangePasswordDialog
    return ChangePasswordDialog(window.desk, window)


def _import_wizard(window):
    from incident_desk.ui.dialogs.import_wizard import ImportWizard
    return ImportWizard(window.desk, window)


def _definitions(window):
    from incident_desk.ui.dialogs.metric_definitions import DefinitionsDialog
    return DefinitionsDialog(window)


def _policy_editor(window):
    from incident_desk.ui.dialogs.policy_editor import PolicyEditorDialog
    return PolicyEditorDialog(window.desk, window)


def _recipients(window):
    from incident_desk.domain.escalation import Recipient
    from incident_desk.ui.dialogs.recipient_picker import Directory, RecipientsDialog
    return RecipientsDialog([Recipient("team", "Network")], Directory.of(window.desk), window, rule="P1")


def _public_update(window):
    from incident_desk.ui.dialogs.public_update_dialog import PublicUpdateDialog
    return PublicUpdateDialog(window.editor.current_key(), services=["Mail", "VPN"],
                              template_for=lambda state, services: "We are looking into it.", may_mark_major=True,
                              parent=window)


def _oncall(window):
    from incident_desk.ui.dialogs.oncall_dialog import OncallDialog
    return OncallDialog(window.desk, window)


def _rotation(window):
    from incident_desk.ui.dialogs.oncall_dialog import RotationDialog
    return RotationDialog("Network", None, window)


def _override(window):
    from incident_desk.ui.dialogs.oncall_dialog import OverrideDialog
    return OverrideDialog("Network", window.people, window)


def _about(window):
    from incident_desk.ui.dialogs.about_dialog import AboutDialog
    return AboutDialog(window.desk.store.safe_url, window)


def _audit(window):
    from incident_desk.ui.dialogs.audit_dialog import AuditDialog
    return AuditDialog(window.desk, window)


def _help(window):
    from PySide6.QtGui import QAction

    from incident_desk.ui.dialogs.help_window import HelpWindow
    return HelpWindow(window.findChildren(QAction), window)


def _switch(window):
    from incident_desk.ui.dialogs.switch_database import SwitchDatabaseDialog
    return SwitchDatabaseDialog(str(window.desk.store.path), window)


def _quiet_hours(window):
    from incident_desk.ui.widgets.notification_center import QuietHoursDialog
    return QuietHoursDialog(window.desk.notifications, window.desk.actor, window)


def _welcome(window):
    from incident_desk.ui.dialogs.welcome import WelcomeDialog
    return WelcomeDialog(window)


DIALOGS = {
    "log incident": _log, "resolve": _resolve, "cancel": _cancel, "hold": _hold, "reporter update": _reporter_update,
    "conflict": _conflict, "note": _note, "timeline entry": _entry, "action item": _action_item,
    "key comments": _key_comments, "problem": _problem, "export report": _export_report,
    "monthly review": _monthly_review, "incident picker": _picker, "sign in": _sign_in, "first admin": _first_admin,
    "change password": _change_password, "import wizard": _import_wizard, "metric definitions": _definitions,
    "policy editor": _policy_editor, "recipients": _recipients, "public update": _public_update,
    "on-call schedule": _oncall, "rotation": _rotation, "override": _override, "about": _about,
    "audit trail": _audit, "help": _help, "switch database": _switch, "quiet hours": _quiet_hours,
    "welcome": _welcome,
}
# Steps that read backwards on purpose, per dialog, and why.
ALLOWED_BACKWARDS: dict[str, tuple[str, ...]] = {}


@pytest.mark.parametrize("name", sorted(DIALOGS))
def test_every_dialog_names_every_control_and_tab_walks_it_in_reading_order(qtbot, desk_window, name):
    dialog = DIALOGS[name](desk_window)
    dialog.setWindowModality(Qt.WindowModality.NonModal)  # shown, not run: the test drives it
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)
    try:
        assert_accessible(audit(dialog, allowed_backwards=ALLOWED_BACKWARDS.get(name, ())))
    finally:
        if isinstance(dialog, QDialog):
            dialog.done(0)
        dialog.close()


def test_the_import_wizard_mapping_and_check_pages_name_their_controls(qtbot, desk_window):
    from incident_desk.ui.dialogs.import_wizard import PAGE_CHECK, PAGE_MAPPING, ImportWizard
    wizard = ImportWizard(desk_window.desk, desk_window)
    wizard.setWindowModality(Qt.WindowModality.NonModal)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    wizard.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is wizard, timeout=3000)
    try:
        wizard.file_page.path_edit.setText(str(TRANSFER_FIXTURES / "local_de.csv"))
        combo = wizard.file_page.format_combo
        combo.setCurrentIndex(next(i for i in range(combo.count()) if "csv" in str(combo.itemData(i)).lower()))
        wizard.next()
        assert wizard.currentId() == PAGE_MAPPING
        qtbot.waitUntil(lambda: wizard.mapping_page.preview is not None, timeout=5000)
        qtbot.wait(50)
        assert_accessible(audit(wizard))
        wizard.next()
        assert wizard.currentId() == PAGE_CHECK
        qtbot.wait(200)  # its dry run may still read: the page's controls are there already
        assert_accessible(audit(wizard))
    finally:
        wizard.done(0)


@pytest.mark.parametrize("page", range(len(SETTINGS_PAGES)))
def test_every_settings_page_names_its_controls_as_qt_reports_them(qtbot, desk_window, page):
    """The settings dialog's own walk (test_settings_dialog.py) reads accessibleName(); this reads what Qt's
    accessibility layer says, buddies and all, and checks order and Alt+letters too."""
    from incident_desk.ui.dialogs.settings import SettingsDialog, context_for
    dialog = SettingsDialog(context_for(desk_window), desk_window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)
    dialog.page_list.setCurrentRow(page)
    qtbot.wait(50)
    try:
        assert_accessible(audit(dialog, dialog.search))
    finally:
        dialog.done(0)


# ---- the daily flows with the keyboard alone ----------------------------------------------------------------

def _row(path, sql: str, *params):
    """One row read with plain sqlite3, not through the desk's code."""
    con = sqlite3.connect(path)
    try:
        return con.execute(sql, params).fetchone()
    finally:
        con.close()


def _press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> QWidget:
    """A key to whatever has the keyboard, as a person would press it; the widget that has it after."""
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)
    return focused()


def _comes_up(qtbot, cls: type) -> QWidget:
    """The dialog of ``cls`` a key opened, once it is up and has the keyboard (a window manager activates a
    new dialog; the offscreen platform of the tests has none, so the test does that much)."""
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), cls), timeout=3000)
    dialog = QApplication.activeModalWidget()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)
    return dialog


def _tab_to(qtbot, widget: QWidget, limit: int = 60) -> None:
    for _ in range(limit):
        if focused() is widget:
            return
        _press(qtbot, Qt.Key.Key_Tab)
    pytest.fail(f"Tab never reached {widget!r}")


CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
TITLE = "Badge reader at door 3 rejects every card"


def test_log_open_acknowledge_comment_and_save_with_the_keyboard_alone(qtbot, desk_window, seeded_path):
    from incident_desk.ui.dialogs.log_dialog import LogIncidentDialog
    window = desk_window
    before = _row(seeded_path, "SELECT COUNT(*) FROM incident")[0]
    window.table.setFocus()
    # Ctrl+N opens the log dialog with the keyboard in the title; Tab walks the form; Ctrl+Enter logs.
    _press(qtbot, Qt.Key.Key_N, CTRL)
    dialog = _comes_up(qtbot, LogIncidentDialog)
    assert focused() is dialog.title_edit
    qtbot.keyClicks(focused(), TITLE)
    assert _press(qtbot, Qt.Key.Key_Tab) is dialog.description_edit
    qtbot.keyClicks(focused(), "Since 8 am nobody gets in.")
    assert _press(qtbot, Qt.Key.Key_Tab) is dialog.category_combo
    qtbot.keyClicks(focused(), "Hardware")
    _press(qtbot, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: _row(seeded_path, "SELECT COUNT(*) FROM incident")[0] == before + 1, timeout=5000)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=3000)
    window.activateWindow()  # the window manager's part once the dialog is gone
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    key, status, category = _row(seeded_path, "SELECT key, status, category FROM incident WHERE title = ?", TITLE)
    assert (status, category) == (10, "Hardware")  # New
    qtbot.waitUntil(lambda: window.table.current_key() == key, timeout=5000)

    # The keyboard is back on the table, on the new row: Enter opens it with the keyboard in the title field.
    qtbot.waitUntil(lambda: focused() is window.table, timeout=3000)
    _press(qtbot, Qt.Key.Key_Return)
    editor = window.editor
    qtbot.waitUntil(lambda: editor.current_key() == key and focused() is editor.title_edit, timeout=5000)

    # Ctrl+Shift+A acknowledges it.
    _press(qtbot, Qt.Key.Key_A, CTRL | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: _row(seeded_path, "SELECT status FROM incident WHERE key = ?", key)[0] == 20,
                    timeout=5000)

    # Alt+M shows the Timeline; Tab reaches the comment box and its button; Space presses it.
    _press(qtbot, Qt.Key.Key_M, ALT)
    qtbot.waitUntil(lambda: editor.tabs.currentWidget() is editor.timeline_view, timeout=3000)
    _tab_to(qtbot, editor.timeline_view.note_edit)
    qtbot.keyClicks(focused(), "Called the vendor; a technician comes at 10.")
    _tab_to(qtbot, editor.timeline_view.comment_button)
    _press(qtbot, Qt.Key.Key_Space)
    comment_sql = ("SELECT COUNT(*) FROM event WHERE kind = 'comment' AND note = ? AND incident_id = "
                   "(SELECT id FROM incident WHERE key = ?)")
    qtbot.waitUntil(lambda: _row(seeded_path, comment_sql, "Called the vendor; a technician comes at 10.", key)[0]
                    == 1, timeout=5000)

    # Alt+D back to the details, Tab to the service field, type, Ctrl+S saves.
    _press(qtbot, Qt.Key.Key_D, ALT)
    qtbot.waitUntil(lambda: editor.tabs.currentWidget() is editor.form, timeout=3000)
    _tab_to(qtbot, editor.service_edit)
    qtbot.keyClicks(focused(), "Building access")
    _press(qtbot, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: _row(seeded_path, "SELECT service FROM incident WHERE key = ?", key)[0]
                    == "Building access", timeout=5000)
    assert not editor.has_unsaved_changes()


def test_settings_open_with_ctrl_comma_and_close_with_esc(qtbot, desk_window):
    from incident_desk.ui.dialogs.settings import SettingsDialog
    window = desk_window
    window.table.setFocus()
    _press(qtbot, Qt.Key.Key_Comma, CTRL)
    dialog = _comes_up(qtbot, SettingsDialog)
    _press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
    assert QApplication.activeModalWidget() is None


def test_the_metrics_tab_opens_from_the_keyboard(qtbot, desk_window):
    window = desk_window
    window.table.setFocus()
    _press(qtbot, Qt.Key.Key_2, CTRL)  # View → Metrics
    qtbot.waitUntil(lambda: window.tabs.currentIndex() == 1 and window.metrics_tab is not None, timeout=5000)
    _press(qtbot, Qt.Key.Key_1, CTRL)
    qtbot.waitUntil(lambda: window.tabs.currentIndex() == 0, timeout=3000)
    # Or from the views list: Tab to the Incidents/Metrics tabs, then the arrow.
    window.views.tree.setFocus()
    _tab_to(qtbot, window.tabs.tabBar())
    _press(qtbot, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: window.tabs.currentIndex() == 1, timeout=3000)
    # …and Tab goes from the tab bar straight into the tab's own controls.
    qtbot.waitUntil(lambda: window.metrics_tab.isVisible(), timeout=3000)
    qtbot.wait(50)
    assert _press(qtbot, Qt.Key.Key_Tab) is window.metrics_tab.period
