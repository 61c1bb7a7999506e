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
    # 35 escalations and each P1's "public update due" reminder (issue 18's cadence): still one summary.
    assert alerts.fallback_messages[0] == "42 new notifications — 42 P1"
    assert alerts.dock.unread_count() == 42


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
                           "--now", (T0 + timedelta(minutes=6)).isoformat(), "--force"], cwd=ROOT, env=env,
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


# ---- severity, one time format, do-not-disturb, a narrow dock ---------------------------------------------

def test_a_p1_escalation_is_critical_end_to_end(desk, clock, alerts, qtbot):
    from PySide6.QtWidgets import QSystemTrayIcon

    from incident_desk.domain.escalation import EscalationPolicy, EscalationRule, Recipient
    from incident_desk.ui.tray import message_icon
    # Even a policy whose P1 rule still says "warning" (as the old default did) sends it as critical.
    desk.policies.set_escalation_policy(actor=desk.actor, policy=EscalationPolicy(name="Old", rules=(
        EscalationRule(key="p1-unack-5m", description="P1 not acknowledged after 5 minutes",
                       priorities=frozenset({"P1"}), trigger="unacknowledged_after", threshold=300,
                       recipients=(Recipient("team_lead"),), severity="warning"),
        EscalationRule(key="p3-unack-5m", description="P3 not acknowledged after 5 minutes",
                       priorities=frozenset({"P3"}), trigger="unacknowledged_after", threshold=300,
                       recipients=(Recipient("team_lead"),), severity="warning"))))
    p1 = log_p1(desk)
    p3 = desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
        title="Toner low", category="Hardware", impact="medium", urgency="medium"))
    clock.advance(minutes=6)
    scan_and_wait(qtbot, alerts, expected_alerts=1)
    inbox = {i.incident_key: i for i in desk.notifications.inbox(desk.actor) if i.kind == "escalation"}
    assert inbox[p1.key].severity == "critical" and inbox[p3.key].severity == "warning"
    assert message_icon([inbox[p1.key]]) == QSystemTrayIcon.MessageIcon.Critical   # tray urgency 2
    assert message_icon([inbox[p3.key], inbox[p1.key]]) == QSystemTrayIcon.MessageIcon.Critical
    assert message_icon([inbox[p3.key]]) == QSystemTrayIcon.MessageIcon.Warning
    dock = alerts.dock
    qtbot.waitUntil(lambda: dock.model.rowCount() == 2, timeout=5000)
    rows = {dock.model.index(r).data(NotificationRole.INCIDENT_KEY): dock.model.index(r) for r in range(2)}
    assert rows[p1.key].data(NotificationRole.BADGE).label == "P1"
    assert rows[p3.key].data(NotificationRole.BADGE) is None   # a P3 warning: nothing to shout about
    assert "critical P1" in rows[p1.key].data(Qt.ItemDataRole.AccessibleTextRole)


def test_the_default_policy_sends_p1_escalations_as_critical(desk, clock):
    inc = log_p1(desk)
    clock.advance(minutes=6)
    raised = desk.escalation.scan()
    assert [(r["rule"], r["severity"]) for r in raised] == [("p1-unack-5m", "critical")]
    assert [(i.incident_key, i.severity) for i in desk.notifications.inbox(desk.actor)] == [(inc.key, "critical")]


def test_rows_carry_no_marks_one_time_format_and_plain_tooltips():
    from datetime import UTC, datetime

    from incident_desk.domain.incident import Priority
    created = datetime(2026, 11, 2, 9, 5, tzinfo=UTC)
    local = created.astimezone()
    when = f"{local.year:04d}-{local:%m-%d %H:%M}"  # 2026-11-02 09:05 in this machine's zone
    model = NotificationModel()
    model.set_items([
        item(1, "INC-000001 escalated: <b>down</b>", priority=Priority.P1, severity="critical", created_at=created,
             body="Core switch — P1"),
        item(2, "INC-000002 assigned to you", kind="assignment", severity="info", priority=Priority.P1,
             created_at=created),
        item(3, "INC-000003 escalated: slow", priority=Priority.P4, severity="warning", created_at=created),
    ])
    texts = [model.index(r).data(Qt.ItemDataRole.DisplayRole) for r in range(3)]
    assert not any(mark in text for text in texts for mark in ("‼", "!", "◆"))
    assert texts[0] == f"INC-000001 escalated: <b>down</b>\n{when} · Core switch — P1"
    assert [model.index(r).data(NotificationRole.BADGE) for r in range(3)] == [Priority.P1, None, None]
    assert model.index(0).data(Qt.ItemDataRole.DecorationRole) is None  # no diamond on every row
    tip = model.index(0).data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;down&lt;/b&gt;" in tip and "<b>down" not in tip   # shown as typed, never as markup
    assert f"Received {when}" in tip


def test_do_not_disturb_shows_in_the_panel_and_the_window_and_goes_away(desk, alerts, qtbot, window):
    from incident_desk.ui.alerts import DoNotDisturbIndicator
    indicator = DoNotDisturbIndicator(alerts)
    window.statusBar().addPermanentWidget(indicator)
    dock = alerts.dock
    assert not dock.dnd_banner.isVisibleTo(dock) and not indicator.isVisibleTo(window)
    with qtbot.waitSignal(alerts.sig_do_not_disturb_changed, timeout=5000) as changed:
        dock.dnd_action.trigger()   # the panel's own switch
    assert changed.args[0] is True and changed.args[1].startswith("Do not disturb: pop-ups are held back")
    assert desk.notifications.quiet_hours(desk.actor)["manual"] is True
    assert dock.dnd_banner.isVisibleTo(dock) and dock.dnd_label.text() == changed.args[1]
    assert indicator.isVisibleTo(window) and indicator.text() == "Do not disturb"
    assert alerts.tray.dnd_action.isChecked()  # the tray menu says the same
    with qtbot.waitSignal(alerts.sig_do_not_disturb_changed, timeout=5000) as changed:
        dock.dnd_off_button.click()
    assert changed.args == [False, ""]
    assert not dock.dnd_banner.isVisibleTo(dock) and not indicator.isVisibleTo(window)
    assert desk.notifications.quiet_hours(desk.actor)["manual"] is False


def test_quiet_hours_show_until_when_and_end_by_themselves(desk, clock, alerts, qtbot, window):
    from datetime import UTC, datetime

    from incident_desk.ui.alerts import DoNotDisturbIndicator
    indicator = DoNotDisturbIndicator(alerts)
    window.statusBar().addPermanentWidget(indicator)
    # T0 is Monday 2 Nov 2026 09:00 UTC: quiet from 08:00 to 10:00 UTC holds pop-ups back until 10:00.
    desk.notifications.set_quiet_hours(actor=desk.actor, start="08:00", end="10:00", timezone_name="UTC",
                                       allow_p1=False)
    with qtbot.waitSignal(alerts.sig_do_not_disturb_changed, timeout=5000) as changed:
        alerts.poll_now()
    until = datetime(2026, 11, 2, 10, 0, tzinfo=UTC).astimezone().strftime("%a %d %b %H:%M")
    assert changed.args == [True, f"Quiet hours: pop-ups are held back until {until}."]
    assert indicator.text() == "Quiet hours" and indicator.isVisibleTo(window)
    assert not alerts.dock.dnd_off_button.isVisibleTo(alerts.dock)  # they end by themselves
    clock.advance(hours=1, minutes=1)
    with qtbot.waitSignal(alerts.sig_do_not_disturb_changed, timeout=5000) as changed:
        alerts.poll_now()
    assert changed.args == [False, ""] and not indicator.isVisibleTo(window)


def test_the_dock_is_narrow_whatever_it_shows(desk, clock, alerts, qtbot):
    dock = alerts.dock
    # Every action, the do-not-disturb banner, the no-tray notice and a very long title shown at once.
    desk.notifications.set_do_not_disturb(desk.actor, True)
    log_p1(desk, title="Core switch down " + "and everything behind it " * 7)
    clock.advance(minutes=6)
    scan_and_wait(qtbot, alerts, expected_alerts=1)
    qtbot.waitUntil(lambda: dock.model.rowCount() == 1 and dock.dnd_banner.isVisibleTo(dock), timeout=5000)
    assert not dock.notice.isHidden()
    for button in (dock.mark_read_button, dock.mark_all_button, dock.snooze_button, dock.quiet_button):
        assert not button.isHidden()
    assert dock.minimumSizeHint().width() <= 300
    assert dock.widget().minimumSizeHint().width() <= 260
    # Narrow, the actions take two rows instead of widening the panel, and nothing is cut off.
    from PySide6.QtWidgets import QLabel
    central = QLabel("the desk")
    alerts.window.setCentralWidget(central)
    qtbot.waitUntil(lambda: central.isVisible() and central.width() > 0, timeout=3000)
    alerts.window.resizeDocks([dock], [240], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: dock.width() == 240, timeout=3000)
    body = dock.widget()
    for button in (dock.unread_only, dock.mark_read_button, dock.mark_all_button, dock.snooze_button,
                   dock.quiet_button):
        geometry = button.geometry()
        assert geometry.right() <= body.width() and button.isVisible(), button.text()
    rows = {dock.mark_all_button.geometry().top(), dock.unread_only.geometry().top()}
    assert len(rows) == 2  # wrapped onto a second row
    assert dock.list.horizontalScrollBar().maximum() == 0


def test_the_quiet_hours_dialog_picks_a_zone_and_refuses_an_unknown_one(desk, qtbot):
    from incident_desk.ui.widgets.notification_center import QuietHoursDialog
    dialog = QuietHoursDialog(desk.notifications, desk.actor)
    qtbot.addWidget(dialog)
    dialog.enabled.setChecked(True)
    dialog.zone.setEditText("Mars/Olympus_Mons")
    dialog._on_save()
    assert dialog.error.text() == ("'Mars/Olympus_Mons' is not a known time zone; pick one from the list, "
                                   "such as Europe/Berlin.")
    assert desk.notifications.quiet_hours(desk.actor)["start"] is None   # nothing saved
    dialog.zone.setEditText("europe/berlin")   # typed in any case: the listed name is saved
    dialog._on_save()
    hours = desk.notifications.quiet_hours(desk.actor)
    assert hours["timezone"] == "Europe/Berlin" and hours["start"] == "22:00"
def _quiet_hours_row(db_path, username: str) -> tuple:
    con = sqlite3.connect(db_path)
    try:
        return con.execute('SELECT dnd_start, dnd_end, dnd_timezone, dnd_allow_p1 FROM "user" WHERE username = ?',
                           (username,)).fetchone()
    finally:
        con.close()


def _open_quiet_hours(qtbot, alerts) -> QuietHoursDialog:
    alerts.dock.quiet_action.trigger()  # "Quiet hours…" in the Do-not-disturb button's menu
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
    dialog.zone.lineEdit().selectAll()
    qtbot.keyClicks(dialog.zone.lineEdit(), "Mars/Olympus_Mons")
    qtbot.mouseClick(dialog.allow_p1, Qt.MouseButton.LeftButton, pos=QPoint(5, dialog.allow_p1.height() // 2))
    assert dialog.enabled.isChecked() and not dialog.allow_p1.isChecked()
    _save(qtbot, dialog)
    assert "not a known time zone" in dialog.error.text() and dialog.isVisible()
    assert _quiet_hours_row(db_path, me) == (None, None, "UTC", 1)
    dialog.zone.lineEdit().selectAll()
    qtbot.keyClicks(dialog.zone.lineEdit(), "Europe/Berlin")
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
