"""The on-call schedule dialog (now, next, strip, edits by leads only) and the window's background intake."""

from __future__ import annotations

import http.client
import json
import socket
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
    assert runner.label.text() == "Intake: starting on 127.0.0.1:0…"   # until its thread listens
    runner.start()
    try:
        qtbot.waitUntil(lambda: runner.server is not None, timeout=10_000)
        port = runner.server.address[1]
        qtbot.waitUntil(lambda: runner.label.text() == f"Intake: listening on 127.0.0.1:{port} · 0 alerts",
                        timeout=5000)
        con = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        con.request("POST", "/v2/enqueue", json.dumps({
            "routing_key": TOKEN, "event_action": "trigger", "dedup_key": "gui-1",
            "payload": {"summary": "Queue stuck", "source": "mq", "severity": "warning"}}))
        assert con.getresponse().status == 202
        con.close()
        qtbot.waitUntil(lambda: runner.label.text() == f"Intake: listening on 127.0.0.1:{port} · 1 alert",
                        timeout=5000)
        # One intake per database: a second one on the same file says why it failed, in its status.
        second = IntakeRunner(f"sqlite:///{db_path}", "127.0.0.1:0", str(token), host)
        second.start()
        qtbot.waitUntil(lambda: second.label.text().startswith("Intake failed:"), timeout=10_000)
        # (The label may shorten the temporary folder's long path in the middle; the text is whole.)
        assert second.text() == f"Intake failed: An intake already runs on {db_path}; one per database."
        second.stop()
    finally:
        runner.stop()
    sq = sqlite3.connect(str(db_path))
    assert sq.execute("SELECT title, channel FROM incident").fetchall() == [("Queue stuck", "monitoring")]
    sq.close()


def test_the_window_says_when_its_intake_port_is_in_use(db_path, tmp_path, qtbot):
    token = tmp_path / "token"
    token.write_text(TOKEN)
    host = QWidget()
    qtbot.addWidget(host)
    taken = socket.socket()          # another program listening on the port the intake wants
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    runner = IntakeRunner(f"sqlite:///{db_path}", f"127.0.0.1:{port}", str(token), host)
    try:
        assert runner.label.text() == f"Intake: starting on 127.0.0.1:{port}…"
        runner.start()
        qtbot.waitUntil(lambda: runner.label.text() == f"Intake failed: 127.0.0.1:{port} is already in use by "
                                                       f"another program.", timeout=10_000)
        assert runner.server is None and runner.settled()
        assert "not running" in runner.label.toolTip() and f"{port}" in runner.label.toolTip()
    finally:
        runner.stop()
        taken.close()
    # Nothing was left holding the database: an intake may start on it now.
    again = IntakeRunner(f"sqlite:///{db_path}", "127.0.0.1:0", str(token), host)
    again.start()
    try:
        qtbot.waitUntil(lambda: again.label.text().startswith("Intake: listening on 127.0.0.1:"), timeout=10_000)
    finally:
        again.stop()


def test_a_missing_token_file_is_said_in_one_sentence(db_path, tmp_path, qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    missing = tmp_path / ("a-folder-with-a-long-name-" * 8) / "no-such-token"
    runner = IntakeRunner(f"sqlite:///{db_path}", "127.0.0.1:0", str(missing), host)
    runner.start()
    try:
        qtbot.waitUntil(lambda: runner.label.text().startswith("Intake failed:"), timeout=10_000)
        said = f"Cannot read the token file {missing}: No such file or directory."
        assert runner.error == said
        # The status bar shows its start and end (the middle of the long path elided); the tooltip all of it.
        text = runner.label.text()
        assert text.startswith("Intake failed: Cannot read the token file") and text.endswith(
            "no-such-token: No such file or directory.") and "…" in text
        assert runner.label.sizeHint().width() <= 600
        assert said in runner.label.toolTip()
    finally:
        runner.stop()


def test_the_window_does_not_run_a_team_servers_intake(qtbot, tmp_path):
    """A team's intake is a service of its own: it must not hang on one person's window (nor act as them)."""
    parent = QWidget()
    qtbot.addWidget(parent)
    runner = IntakeRunner("postgresql://desk@127.0.0.1:1/team", "127.0.0.1:0", str(tmp_path / "token"), parent)
    runner.start()
    try:
        expected = ("Intake failed: On a team server the intake runs as a service of its own (incident-desk intake), "
                    "not in a desk window.")
        qtbot.waitUntil(lambda: runner.label.toolTip() != "" and runner.text() == expected, timeout=5000)
        assert runner.server is None
    finally:
        runner.stop()
