"""Accessibility across the desk: the main window on a seeded desk (every panel that opens at start, each tab
of the detail editor, the Metrics tab) and every dialog of ui/ — each control named as Qt's accessibility
layer reports it, Tab reaching each one in reading order and coming back, no focus trap — and the daily
flows done with the keyboard alone. The settings pages and the first-run welcome have their own walks
(test_settings_dialog.py, test_first_run.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from incident_desk.ui.alerts import AlertsController
from tests.gui.a11y import audit, focused
from tests.gui.gui_tools import count_rows
from tests.gui.test_main_window import close_window, open_window


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


def test_the_metrics_tab_names_every_control_and_tab_walks_it(qtbot, desk_window):
    window = desk_window
    window.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: window.metrics_tab is not None and window.metrics_tab.isVisible(), timeout=5000)
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


def _keep_widget(widget: QWidget) -> QWidget:
    return widget


def _count(path, where: str, *params) -> int:
    return count_rows(path, where, *params)


def _focus_is(widget: QWidget) -> bool:
    return focused() is widget
