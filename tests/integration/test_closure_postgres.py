"""Closure on PostgreSQL: schema 10, children, postmortems, action items, problems, auto-close and reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg2
import pytest

from incident_desk.domain.postmortem import PostmortemStatus
from incident_desk.reports.export import export_incident_report, export_review
from incident_desk.services.clock import ManualClock
from incident_desk.services.incidents import IncidentDraft
from tests.team_tools import open_desk

pytestmark = pytest.mark.postgres


def test_a_whole_closure_on_postgres(pg_url, tmp_path):
    clock = ManualClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    desk = open_desk(pg_url, clock=clock)
    try:
        a = desk.actor
        desk.users.add_user(actor=a, username="sam", display_name="Sam Agent", role="agent")
        parent = desk.incidents.log_incident(actor=a, draft=IncidentDraft(
            title="Mail server down", category="Email", impact="high", urgency="high", reporter_name="Pia Planted",
            reporter_contact="pia@example.net"))
        child = desk.incidents.log_incident(actor=a, draft=IncidentDraft(title="Cannot send mail", category="Email"))
        desk.incidents.link(actor=a, key=parent.key, other=child.key, kind="parent_of")
        desk.incidents.transition(actor=a, key=parent.key, to="acknowledged")
        note = desk.incidents.comment(actor=a, key=parent.key, text="Wnote7731 disk full", work_note=True)
        clock.advance(hours=2)
        desk.incidents.transition(actor=a, key=parent.key, to="resolved", resolution_code="fixed",
                                  root_cause="capacity", with_children=True)
        assert desk.incidents.get_incident(child.key).root_cause == "capacity"
        pm = desk.postmortems.get(parent.key)
        assert (pm.status, pm.required) == (PostmortemStatus.DRAFT, True)
        desk.postmortems.mark_key_comment(actor=a, event_id=note.id)
        entry = next(e for e in desk.postmortems.get(parent.key).entries if e.kind == "acknowledged")
        desk.postmortems.edit_entry(actor=a, key=parent.key, entry_id=entry.id, hidden=True)
        pm = desk.postmortems.update(actor=a, key=parent.key, expected_version=desk.postmortems.get(parent.key).version,
                                     changes={"summary": "Mail was down", "impact_who": "All staff",
                                              "root_cause": "No disk alert", "impact_count": 90})
        item = desk.action_items.add(actor=a, title="Disk alert", owner="sam", due="2026-11-03", incident=parent.key)
        desk.postmortems.move(actor=a, key=parent.key, to="in_review")
        pm = desk.postmortems.move(actor=a, key=parent.key, to="published")
        assert pm.approver == a.username and [e.kind for e in pm.visible_entries()] == [
            "opened", "work_note", "resolved"]
        problem = desk.problems.create(actor=a, title="Mail disk fills up", incidents=[parent.key],
                                       workaround="Delete rotated logs")
        desk.problems.set_status(actor=a, key=problem.key, status="known_error")
        assert [m.key for m in desk.problems.known_errors_for("mail server not responding")] == [problem.key]
        assert desk.problems.counts() == {"open": 0, "known_error": 1, "resolved": 0}

        later = clock() + timedelta(days=3, minutes=1)
        desk.escalation.scan(later)
        kinds = sorted((c["kind"], c["incident"]) for c in desk.escalation.last_closure)
        assert kinds == [("action_item_overdue", parent.key), ("auto_close", parent.key), ("auto_close", child.key)]
        assert [c["id"] for c in desk.escalation.last_closure if c["kind"] == "action_item_overdue"] == [item.id]
        desk.escalation.scan(later + timedelta(days=1))
        assert desk.escalation.last_closure == []
        assert desk.incidents.timeline(parent.key)[0].actor == "system (auto-close)"
        clock.set(later)
        assert desk.action_items.counts() == {"open": 1, "overdue": 1, "unowned": 0}

        out = tmp_path / "customer.md"
        export_incident_report(desk, parent.key, out, audience="customer")
        text = out.read_text(encoding="utf-8")
        assert "Pia" not in text and "pia@example.net" not in text and "Wnote7731" not in text
        review = tmp_path / "review.md"
        export_review(desk, "2026-11", review)
        assert "| INC-000001 | P1 | Mail server down | Email | 2.0 h | Published |" in review.read_text(
            encoding="utf-8")
    finally:
        desk.close()
    # The schema as PostgreSQL holds it: the partial index of the auto-close scan is there.
    con = psycopg2.connect(pg_url)
    try:
        with con.cursor() as cur:
            cur.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_incident_resolved_waiting'")
            [(definition,)] = cur.fetchall()
    finally:
        con.close()
    assert "WHERE (status = 50)" in definition
