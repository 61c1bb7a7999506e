"""The notification centre dock, the alerts controller and the no-tray fallback, offscreen with real widgets."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt, QTime
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMainWindow

from incident_desk.services.incidents import IncidentDraft
from incident_desk.services.notifications import NotificationItem
from incident_desk.ui.alerts import NO_TRAY_NOTICE, AlertsController
from incident_desk.ui.models.notification_model import NotificationModel, NotificationRole
from incident_desk.ui.tray import summarize
from incident_desk.ui.widgets.notification_center import QuietHoursDialog
from tests.conftest import T0

ROOT = Path(__file__).resolve().parents[2]


def log_p1(desk, title="Printer on fire", assignee=None):
    return desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
        title=title, category="Hardware", impact="high", urgency="high", assignee=assignee))


@pytest.fixture
def window(qtbot):
    win = QMainWindow()
    win.setWindowTitle("Desk under test")
    win.resize(1100, 700)
    qtbot.addWidget(win)
    return win


@pytest.fixture
def alerts(desk, window, qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "alerts.ini"), QSettings.Format.IniFormat)
    controller = AlertsController(desk, window, settings=settings, scan_interval_ms=3_600_000,
                                  poll_interval_ms=100, first_scan_ms=3_600_000, tray_available=lambda: False)
    window.show()
    yield controller
    controller.shutdown()


def scan_and_wait(qtbot, controller, expected_alerts: int | None = None):
    """Run a scan; with ``expected_alerts``, wait until exactly that many alert messages were shown."""
    with qtbot.waitSignal(controller.sig_scan_finished, timeout=10_000):
        controller.scan_now()
    if expected_alerts:
        qtbot.waitUntil(lambda: len(controller.fallback_messages) == expected_alerts, timeout=10_000)


def item(id_, title="t", **kw):
    base = dict(id=id_, kind="escalation", severity="warning", priority=None, title=title, body="b",
                created_at=T0, due_at=None, read_at=None, snoozed_until=None, alerted_at=None,
                incident_key="INC-000001", escalation_id=None)
    base.update(kw)
    return NotificationItem(**base)


def test_model_passes_the_model_tester_through_inserts_moves_and_removals(qtmodeltester):
    model = NotificationModel()
    model.set_items([item(3), item(2), item(1)])
    qtmodeltester.check(model)
    model.set_items([item(5), item(3, read_at=T0), item(1)], now=T0)
    qtmodeltester.check(model)
    assert [model.index(r).data(NotificationRole.ID) for r in range(3)] == [5, 3, 1]
    assert model.index(1).data(NotificationRole.UNREAD) is False
    model.set_items([item(1), item(5)])
    assert [model.index(r).data(NotificationRole.ID) for r in range(2)] == [1, 5]
    model.set_items([])
    assert model.rowCount() == 0
    qtmodeltester.check(model)


def test_the_dock_lists_escalations_with_an_unread_badge_and_click_opens(desk, clock, alerts, qtbot, window):
    inc = log_p1(desk)
    clock.advance(minutes=6)
    scan_and_wait(qtbot, alerts, expected_alerts=1)
    dock = alerts.dock
    qtbot.waitUntil(lambda: dock.model.rowCount() == 1, timeout=5000)
    assert dock.windowTitle() == "Notifications (1)"
    index = dock.model.index(0)
    assert inc.key in index.data(Qt.ItemDataRole.DisplayRole)
    assert index.data(Qt.ItemDataRole.FontRole).bold()
    with qtbot.waitSignal(alerts.sig_open_incident, timeout=3000) as opened:
        rect = dock.list.visualRect(index)
        qtbot.mouseClick(dock.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [inc.key]
    assert dock.windowTitle() == "Notifications"
    assert desk.notifications.unread_count(desk.actor) == 0
    window.grab().save(str(Path(os.environ.get("INCIDENT_DESK_SHOTS", "/tmp")) / "notification_center.png"))


def test_no_tray_falls_back_to_the_dock_status_bar_and_nothing_is_lost(desk, clock, alerts, qtbot, window):
    inc = log_p1(desk)
    assert alerts.dock.notice.text() == NO_TRAY_NOTICE and not alerts.dock.notice.isHidden()
    clock.advance(minutes=6)
    scan_and_wait(qtbot, alerts, expected_alerts=1)
    assert alerts.fallback_messages == [f"{inc.key} escalated: P1 not acknowledged after 5 minutes"]
    assert inc.key in window.statusBar().currentMessage()
    # Claimed once: later polls do not alert again, and the item stays unread in the centre.
    qtbot.wait(600)  # several 100 ms polls
    assert len(alerts.fallback_messages) == 1
    assert desk.notifications.unread_count(desk.actor) == 1


def test_many_escalations_give_one_summary_not_a_popup_each(desk, clock, alerts, qtbot):
    for i in range(7):
        log_p1(desk, title=f"Outage {i}")
    clock.advance(hours=5)
    scan_and_wait(qtbot, alerts, expected_alerts=1)
    qtbot.wait(300)
    assert len(alerts.fallback_messages) == 1
    assert alerts.fallback_messages[0] == "35 new escalations — 35 P1"
    assert alerts.dock.unread_count() == 35


def test_snooze_and_mark_all_read_from_the_dock(desk, clock, alerts, qtbot):
    log_p1(desk)
    clock.advance(minutes=16)
    scan_and_wait(qtbot, alerts, expected_alerts=1)
    dock = alerts.dock
    qtbot.waitUntil(lambda: dock.model.rowCount() == 3, timeout=5000)
    dock.list.selectionModel().select(dock.model.index(0),
                                      dock.list.selectionModel().SelectionFlag.Select)
    assert dock.snooze_selected("1 h") == 1
    assert dock.unread_count() == 2
    assert dock.model.index(0).data(NotificationRole.SNOOZED) is True
    dock.unread_only.setChecked(True)
    assert dock.model.rowCount() == 2
    dock.mark_all_button.click()
    assert dock.unread_count() == 0 and dock.model.rowCount() == 0
    clock.advance(hours=1)
    dock.refresh()
    assert dock.unread_count() == 1  # the snoozed one came back


def test_alerts_from_another_process_arrive_by_the_poll(desk, clock, alerts, qtbot, db_path):
    log_p1(desk)
    env = dict(os.environ)
    env.pop("INCIDENT_DESK_DB", None)
    done = subprocess.run([sys.executable, "-m", "incident_desk", "--db", str(db_path), "escalate", "--once",
                           "--now", (T0 + timedelta(minutes=6)).isoformat()], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(lambda: len(alerts.fallback_messages) == 1, timeout=5000)
    assert "P1 not acknowledged after 5 minutes" in alerts.fallback_messages[0]


def test_summary_text():
    items = [item(1, priority=None), item(2, kind="assignment", incident_key="INC-000002")]
    assert summarize(items)[0] == "2 new notifications"
    one_incident = [item(1, title="INC-000001 escalated: A"), item(2, title="INC-000001 escalated: B")]
    summary, body = summarize(one_incident)
    assert summary == "INC-000001: 2 new alerts" and body.splitlines() == ["b", "A", "B"]


def _quiet_hours_row(db_path, username: str) -> tuple:
    con = sqlite3.connect(db_path)
    try:
        return con.execute('SELECT dnd_start, dnd_end, dnd_timezone, dnd_allow_p1 FROM "user" WHERE username = ?',
                           (username,)).fetchone()
    finally:
        con.close()


def _open_quiet_hours(qtbot, alerts) -> QuietHoursDialog:
    qtbot.mouseClick(alerts.dock.quiet_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QuietHoursDialog), timeout=3000)
    return QApplication.activeModalWidget()


def _save(qtbot, dialog) -> None:
    button = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_quiet_hours_set_in_their_dialog_keep_the_alert_path_silent(desk, clock, alerts, qtbot, db_path):
    """Quiet hours from the dock's dialog (a bad zone is refused beside the field); inside them an
    escalation reaches the inbox but no pop-up, even after several polls; allowing P1 lets the next through."""
    me = desk.actor.username
    dialog = _open_quiet_hours(qtbot, alerts)
    assert not dialog.enabled.isChecked() and dialog.allow_p1.isChecked()
    qtbot.mouseClick(dialog.enabled, Qt.MouseButton.LeftButton, pos=QPoint(5, dialog.enabled.height() // 2))
    dialog.start.setTime(QTime(8, 0))
    dialog.end.setTime(QTime(18, 0))
    dialog.zone.selectAll()
    qtbot.keyClicks(dialog.zone, "Mars/Olympus_Mons")
    qtbot.mouseClick(dialog.allow_p1, Qt.MouseButton.LeftButton, pos=QPoint(5, dialog.allow_p1.height() // 2))
    assert dialog.enabled.isChecked() and not dialog.allow_p1.isChecked()
    _save(qtbot, dialog)
    assert "not a known time zone" in dialog.error.text() and dialog.isVisible()
    assert _quiet_hours_row(db_path, me) == (None, None, "UTC", 1)
    dialog.zone.selectAll()
    qtbot.keyClicks(dialog.zone, "Europe/Berlin")
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
    assert _quiet_hours_row(db_path, me) == ("08:00", "18:00", "Europe/Berlin", 0)

    shown = []
    alerts.sig_alerts_shown.connect(shown.append)
    inc = log_p1(desk)  # Monday 10:00 in Berlin: inside the quiet hours
    clock.advance(minutes=6)
    scan_and_wait(qtbot, alerts)
    con = sqlite3.connect(db_path)
    claimed = lambda: con.execute("SELECT COUNT(*) FROM notification WHERE alerted_at IS NOT NULL").fetchone()[0]  # noqa: E731
    qtbot.waitUntil(lambda: claimed() == 1, timeout=5000)  # this desk took it ...
    qtbot.wait(5 * 100)  # ... and five more polls (100 ms each) pass without a pop-up
    assert shown == [] and alerts.fallback_messages == []
    assert [n.incident_key for n in desk.notifications.inbox(desk.actor)] == [inc.key]  # the inbox has it

    dialog = _open_quiet_hours(qtbot, alerts)
    qtbot.mouseClick(dialog.allow_p1, Qt.MouseButton.LeftButton, pos=QPoint(5, dialog.allow_p1.height() // 2))
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
    assert _quiet_hours_row(db_path, me) == ("08:00", "18:00", "Europe/Berlin", 1)
    second = log_p1(desk, title="Second printer on fire")
    clock.advance(minutes=6)
    scan_and_wait(qtbot, alerts)
    qtbot.waitUntil(lambda: shown == [1], timeout=5000)
    assert alerts.fallback_messages == [f"{second.key} escalated: P1 not acknowledged after 5 minutes"]
    assert claimed() == 2
    con.close()
