"""The on-call schedule dialog (now, next, strip, edits by leads only) and the window's background intake."""

from __future__ import annotations

import http.client
import json
import sqlite3
from datetime import timedelta

import pytest
from PySide6.QtWidgets import QWidget

from incident_desk.ui.dialogs.oncall_dialog import OncallDialog
from incident_desk.ui.intake_status import IntakeRunner
from tests.conftest import T0

TOKEN = "gui-intake-token-0123456789"


@pytest.fixture
def rota(team_desk):
    """Service Desk: alex and lena take turns daily at 08:00 UTC, from the day before T0 (Mon 09:00 UTC)."""
    team_desk.oncall.set_rotation(actor=team_desk.users.actor("lena"), team="Service Desk", users=["alex", "lena"],
                                  every="1d", start=(T0 - timedelta(days=1)).strftime("%Y-%m-%dT08:00"), tz="UTC")
    team_desk.oncall.add_override(actor=team_desk.users.actor("lena"), team="Service Desk", user="alex",
                                  start=T0 + timedelta(days=2), end=T0 + timedelta(days=2, hours=4))
    return team_desk


def open_dialog(desk, qtbot, username):
    desk.act_as(username)
    dialog = OncallDialog(desk, team="Service Desk")
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_schedule_shows_now_next_and_the_coming_shifts(rota, qtbot):
    dialog = open_dialog(rota, qtbot, "lena")
    # Shift 0 (Sun 08:00 UTC) was alex's, shift 1 (Mon 08:00, T0 - 1 h) is lena's until Tue 08:00 UTC,
    # shown in this machine's zone.
    handoff = (T0 + timedelta(hours=23)).astimezone().strftime("%a %d %b %H:%M")
    assert dialog.now_label.text() == f"On call now: Lena Lead, until {handoff}"
    assert dialog.next_label.text() == f"Next: Alex Agent from {handoff}"
    whos = [dialog.shifts.item(r, 0).text() for r in range(dialog.shifts.rowCount())]
    hows = [dialog.shifts.item(r, 3).text() for r in range(dialog.shifts.rowCount())]
    assert whos[:4] == ["Lena Lead", "Alex Agent", "Lena Lead", "Alex Agent"]
    assert hows[2:5] == ["rotation primary", "override", "rotation primary"]
    assert dialog.overrides.rowCount() == 1 and dialog.overrides.item(0, 0).text() == "Alex Agent"
    assert len(dialog.strip.shifts) == dialog.shifts.rowCount()
    assert dialog.add_override.isEnabled() and dialog.remove_override.isEnabled()


def test_only_leads_edit_and_a_lead_removes_an_override(rota, qtbot, db_path):
    agent = open_dialog(rota, qtbot, "alex")
    assert not any(b.isEnabled() for b in (agent.add_rotation, agent.remove_rotation, agent.add_override,
                                           agent.remove_override))
    assert agent.hint.text() == "Only leads change rotations and overrides."
    agent.close()
    lead = open_dialog(rota, qtbot, "lena")
    lead.overrides.selectRow(0)
    lead.remove_override.click()
    qtbot.waitUntil(lambda: lead.overrides.rowCount() == 0)
    con = sqlite3.connect(str(db_path))
    assert con.execute("SELECT COUNT(*) FROM oncall_override").fetchone() == (0,)
    con.close()


def test_the_window_runs_the_intake_and_says_so(desk, db_path, tmp_path, qtbot):
    token = tmp_path / "token"
    token.write_text(TOKEN)
    host = QWidget()
    qtbot.addWidget(host)
    runner = IntakeRunner(f"sqlite:///{db_path}", "127.0.0.1:0", str(token), host)
    runner.start()
    try:
        qtbot.waitUntil(lambda: runner.server is not None, timeout=10_000)
        port = runner.server.address[1]
        qtbot.waitUntil(lambda: runner.label.text() == f"Intake: 127.0.0.1:{port} · 0 alerts", timeout=5000)
        con = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        con.request("POST", "/v2/enqueue", json.dumps({
            "routing_key": TOKEN, "event_action": "trigger", "dedup_key": "gui-1",
            "payload": {"summary": "Queue stuck", "source": "mq", "severity": "warning"}}))
        assert con.getresponse().status == 202
        con.close()
        qtbot.waitUntil(lambda: runner.label.text() == f"Intake: 127.0.0.1:{port} · 1 alert", timeout=5000)
        # One intake per database: a second one on the same file says why it is off.
        second = IntakeRunner(f"sqlite:///{db_path}", "127.0.0.1:0", str(token), host)
        second.start()
        qtbot.waitUntil(lambda: second.label.text() == "Intake: off (see tooltip)", timeout=10_000)
        assert "already runs" in second.error
        second.stop()
    finally:
        runner.stop()
    sq = sqlite3.connect(str(db_path))
    assert sq.execute("SELECT title, channel FROM incident").fetchall() == [("Queue stuck", "monitoring")]
    sq.close()
