"""Postmortems: the timeline generated from events, computed durations, statuses with author and approver,
edits that leave the audit trail alone, and action items that must have owners."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from incident_desk.domain.incident import TimelineEvent
from incident_desk.domain.postmortem import (
    Milestone,
    PostmortemStatus,
    TimelineEntry,
    blame_hints,
    compute_durations,
    generate_timeline,
)
from incident_desk.services.errors import NotFoundError, PermissionDenied, ValidationError
from incident_desk.services.incidents import IncidentDraft
from tests.conftest import T0


def at(minutes=0, hours=0, days=0):
    return T0 + timedelta(minutes=minutes, hours=hours, days=days)


def ev(n, minutes, kind, *, field=None, old=None, new=None, note=None, actor="alex"):
    return TimelineEvent(id=n, incident_key="INC-000001", at=at(minutes), actor=actor, kind=kind, field=field,
                         old_value=old, new_value=new, note=note)


# ---------------------------------------------------------------- generation (pure)

def test_timeline_is_generated_from_the_events_that_matter():
    events = [
        ev(9, 200, "status", field="status", old="resolved", new="in_progress", note="Reopened: fan again"),
        ev(1, 0, "created", new="Mail server down", note="Logged from phone"),
        ev(2, 1, "watch", new="watching"),
        ev(3, 4, "status", field="status", old="new", new="acknowledged"),
        ev(4, 5, "escalation", field="level", old="0", new="level 1", actor=None,
           note="P1 not acknowledged after 5 minutes; due 2026-11-02 09:05 UTC; notified lena"),
        ev(5, 6, "field", field="priority", old="P2", new="P1", note="Override: all staff"),
        ev(6, 7, "comment", note="Caller: nothing since 08:55"),
        ev(7, 8, "work_note", note="Disk full on mx1"),
        ev(8, 60, "status", field="status", old="acknowledged", new="resolved"),
        ev(10, 230, "status", field="status", old="in_progress", new="on_hold", note="awaiting vendor"),
        ev(11, 300, "status", field="status", old="on_hold", new="resolved"),
        ev(12, 400, "field", field="title", old="a", new="b"),
        ev(13, 500, "status", field="status", old="resolved", new="closed", actor=None,
           note="Closed automatically 3 days after resolution (due x)"),
    ]
    got = [(d.at, d.kind, d.text, d.actor, d.source_event_id)
           for d in generate_timeline(events, key_event_ids={7}, resolution_code="workaround")]
    assert got == [
        (at(0), "opened", "Incident opened: Mail server down", "alex", 1),
        (at(4), "acknowledged", "Acknowledged", "alex", 3),
        (at(5), "escalation", "Escalated to level 1: P1 not acknowledged after 5 minutes", None, 4),
        (at(6), "priority", "Priority P2 → P1", "alex", 5),
        (at(8), "work_note", "Disk full on mx1", "alex", 7),   # marked key; the plain comment is not
        (at(60), "resolved", "Resolved", "alex", 8),
        (at(200), "reopened", "Reopened: fan again", "alex", 9),
        (at(230), "status", "Status In progress → On hold (awaiting vendor)", "alex", 10),
        (at(300), "resolved", "Resolved (workaround)", "alex", 11),   # the last resolution has the code
        (at(500), "closed", "Closed (Closed automatically 3 days after resolution (due x))", None, 13),
    ]


def test_durations_are_computed_from_instants_and_marked_milestones():
    entries = [TimelineEntry(1, at(-40), "note", "Disk filled up", milestone=Milestone.IMPACT_START),
               TimelineEntry(2, at(-45), "note", "hidden guess", milestone=Milestone.IMPACT_START, hidden=True),
               TimelineEntry(3, at(50), "note", "Failed over to mx2", milestone=Milestone.MITIGATED)]
    d = compute_durations(opened_at=at(0), acknowledged_at=at(4), resolved_at=at(180), entries=entries,
                          response_sla="met", resolution_sla="missed")
    assert (d.detect_s, d.acknowledge_s, d.mitigate_s, d.resolve_s, d.impact_s) == (
        40 * 60, 4 * 60, 50 * 60, 180 * 60, 90 * 60)
    assert (d.mitigation_marked, d.response_sla, d.resolution_sla) == (True, "met", "missed")
    plain = compute_durations(opened_at=at(0), acknowledged_at=None, resolved_at=None)
    assert (plain.detect_s, plain.acknowledge_s, plain.mitigate_s, plain.resolve_s, plain.impact_s) == (
        None, None, None, None, None)


def test_blame_hints_point_at_wording_that_names_a_culprit():
    assert blame_hints("Root cause: human error. Alex was careless; it was his fault.") == [
        "human error", "careless", "his fault"]
    assert blame_hints("The deploy script allowed an unreviewed change.") == []


# ---------------------------------------------------------------- the service, end to end

def log_p1(desk, actor=None, **kw):
    draft = dict(title="Mail server down", category="Email", impact="high", urgency="high")
    draft.update(kw)
    return desk.incidents.log_incident(actor=actor or desk.actor, draft=IncidentDraft(**draft))


def events_of(backend):
    con = backend.connect()
    try:
        return con.execute("SELECT id, at, actor_id, kind, field, old_value, new_value, note, version FROM event "
                           "ORDER BY id").fetchall()
    finally:
        con.close()


def test_resolving_a_p1_starts_its_required_draft_and_a_p3_needs_none(team_desk, clock):
    desk = team_desk
    alex = desk.users.actor("alex")
    inc = log_p1(desk, actor=alex, assignee="alex")
    low = log_p1(desk, actor=alex, title="Toner low", impact="low", urgency="medium")
    for key in (inc.key, low.key):
        desk.incidents.transition(actor=alex, key=key, to="acknowledged")
        clock.advance(minutes=30)
        desk.incidents.transition(actor=alex, key=key, to="resolved", resolution_code="fixed")
    pm = desk.postmortems.get(inc.key)
    assert (pm.status, pm.required, pm.author) == (PostmortemStatus.DRAFT, True, "alex")
    assert [e.kind for e in pm.entries] == ["opened", "acknowledged", "resolved"]
    assert desk.postmortems.get(low.key) is None
    started = desk.postmortems.start(actor=alex, key=low.key)
    assert (started.required, started.author) == (False, "alex")
    with pytest.raises(ValidationError, match="already has a postmortem"):
        desk.postmortems.start(actor=alex, key=low.key)
    notes = [e.note for e in desk.incidents.timeline(inc.key) if e.kind == "postmortem"]
    assert notes == ["Postmortem required for P1; draft started for alex"]


def test_a_postmortem_is_only_started_for_a_resolved_incident(desk):
    inc = log_p1(desk)
    with pytest.raises(ValidationError, match="written once the incident is resolved"):
        desk.postmortems.start(actor=desk.actor, key=inc.key)
    with pytest.raises(NotFoundError, match="has no postmortem yet"):
        desk.postmortems.update(actor=desk.actor, key=inc.key, expected_version=1, changes={"summary": "x"})


def test_editing_the_postmortem_timeline_leaves_the_audit_trail_alone(desk, clock, backend):
    inc = log_p1(desk)
    desk.incidents.transition(actor=desk.actor, key=inc.key, to="acknowledged")
    note = desk.incidents.comment(actor=desk.actor, key=inc.key, text="Failing over to mx2", work_note=True)
    clock.advance(hours=2)
    desk.incidents.transition(actor=desk.actor, key=inc.key, to="resolved", resolution_code="fixed")
    before = events_of(backend)
    pm = desk.postmortems.get(inc.key)
    version = desk.incidents.get_incident(inc.key).version
    ack = next(e for e in pm.entries if e.kind == "acknowledged")
    desk.postmortems.edit_entry(actor=desk.actor, key=inc.key, entry_id=ack.id, text="Acknowledged by the on-call")
    desk.postmortems.add_entry(actor=desk.actor, key=inc.key, at=at(-25), text="Disk on mx1 reached 100 %",
                               milestone="impact_start")
    opened = next(e for e in pm.entries if e.kind == "opened")
    desk.postmortems.remove_entry(actor=desk.actor, key=inc.key, entry_id=opened.id)   # generated: hidden
    desk.postmortems.mark_key_comment(actor=desk.actor, event_id=note.id)
    after = events_of(backend)
    # The incident's events and version are exactly as they were, apart from appended postmortem events.
    assert after[:len(before)] == before
    assert all(row[3] == "postmortem" for row in after[len(before):])
    assert desk.incidents.get_incident(inc.key).version == version
    pm = desk.postmortems.get(inc.key)
    visible = [(e.kind, e.text, e.milestone, e.edited) for e in pm.visible_entries()]
    assert visible == [("note", "Disk on mx1 reached 100 %", Milestone.IMPACT_START, False),
                       ("acknowledged", "Acknowledged by the on-call", None, True),
                       ("work_note", "Failing over to mx2", None, False),
                       ("resolved", "Resolved (fixed)", None, False)]
    # Regenerating brings back nothing the author hid or changed, and adds nothing twice.
    assert desk.postmortems.regenerate(actor=desk.actor, key=inc.key) == 0
    d = desk.postmortems.durations(inc.key)
    assert (d.detect_s, d.resolve_s, d.impact_s) == (25 * 60, 2 * 3600, 25 * 60 + 2 * 3600)


def test_review_and_publication_record_author_and_approver(team_desk, clock):
    desk = team_desk
    alex, lena = desk.users.actor("alex"), desk.users.actor("lena")
    inc = log_p1(desk, actor=alex, assignee="alex")
    desk.incidents.transition(actor=alex, key=inc.key, to="acknowledged")
    desk.incidents.transition(actor=alex, key=inc.key, to="resolved", resolution_code="fixed")
    pm = desk.postmortems.get(inc.key)
    item = desk.action_items.add(actor=alex, title="Alert at 80 % disk", incident=inc.key, due="2026-11-20")
    pm = desk.postmortems.update(actor=alex, key=inc.key, expected_version=pm.version, changes={
        "summary": "Mail was down for two hours.", "impact_who": "All staff", "impact_count": "1,200",
        "root_cause": "The log partition had no alert.", "went_well": "Fast failover."})
    assert pm.impact_count == 1200
    with pytest.raises(ValidationError, match="not a number"):
        desk.postmortems.update(actor=alex, key=inc.key, expected_version=pm.version,
                                changes={"impact_count": "lots"})
    desk.postmortems.move(actor=alex, key=inc.key, to="in_review")
    with pytest.raises(PermissionDenied, match="approve or reopen a postmortem"):
        desk.postmortems.move(actor=alex, key=inc.key, to="published")
    with pytest.raises(ValidationError, match="'Alert at 80 % disk' has no owner"):
        desk.postmortems.move(actor=lena, key=inc.key, to="published")
    desk.action_items.update(actor=alex, item_id=item.id, owner="sam")
    clock.advance(hours=1)
    pm = desk.postmortems.move(actor=lena, key=inc.key, to="published")
    assert (pm.status, pm.author, pm.approver, pm.published_at) == (PostmortemStatus.PUBLISHED, "alex", "lena",
                                                                   clock())
    history = [(e.actor, e.old_value, e.new_value, e.note) for e in desk.incidents.timeline(inc.key, newest_first=False)
               if e.kind == "postmortem" and e.field == "status"]
    assert history == [
        ("alex", None, "draft", "Postmortem required for P1; draft started for alex"),
        ("alex", "draft", "in_review", "submitted for review by alex"),
        ("lena", "in_review", "published", "approved by lena; written by alex")]
    with pytest.raises(ValidationError, match="is published; reopen it"):
        desk.postmortems.update(actor=lena, key=inc.key, expected_version=pm.version, changes={"summary": "x"})
    with pytest.raises(ValidationError, match="from Published it can go to: Draft"):
        desk.postmortems.move(actor=lena, key=inc.key, to="in_review")
    reopened = desk.postmortems.move(actor=lena, key=inc.key, to="draft", note="new facts from the vendor")
    assert (reopened.status, reopened.approver, reopened.published_at) == (PostmortemStatus.DRAFT, None, None)


def test_publishing_needs_the_parts_a_reader_needs(team_desk):
    desk = team_desk
    lena = desk.users.actor("lena")
    inc = log_p1(desk, actor=lena)
    desk.incidents.transition(actor=lena, key=inc.key, to="acknowledged")
    desk.incidents.transition(actor=lena, key=inc.key, to="resolved", resolution_code="fixed")
    desk.postmortems.move(actor=lena, key=inc.key, to="in_review")
    with pytest.raises(ValidationError) as err:
        desk.postmortems.move(actor=lena, key=inc.key, to="published")
    assert str(err.value) == ("The postmortem needs a summary. The postmortem needs who was affected. "
                              "The postmortem needs a root cause.")
    assert desk.postmortems.get(inc.key).status == PostmortemStatus.IN_REVIEW


def test_a_stale_editor_gets_a_conflict_not_a_lost_edit(desk):
    from incident_desk.services.errors import ConflictError
    inc = log_p1(desk)
    desk.incidents.transition(actor=desk.actor, key=inc.key, to="acknowledged")
    desk.incidents.transition(actor=desk.actor, key=inc.key, to="resolved", resolution_code="fixed")
    pm = desk.postmortems.get(inc.key)
    desk.postmortems.update(actor=desk.actor, key=inc.key, expected_version=pm.version, changes={"summary": "A"})
    with pytest.raises(ConflictError, match="changed by someone else"):
        desk.postmortems.update(actor=desk.actor, key=inc.key, expected_version=pm.version, changes={"summary": "B"})
    assert desk.postmortems.get(inc.key).text("summary") == "A"


# ---------------------------------------------------------------- action items

def test_overdue_items_notify_their_owner_once_per_due_date(team_desk, clock):
    desk = team_desk
    alex = desk.users.actor("alex")
    inc = log_p1(desk, actor=alex)
    item = desk.action_items.add(actor=alex, title="Add disk alert", owner="sam", due="2026-11-03", incident=inc.key)
    later = desk.action_items.add(actor=alex, title="Write runbook", owner="sam", due="2026-11-30", incident=inc.key)
    desk.action_items.add(actor=alex, title="Nobody's yet", due="2026-11-01", incident=inc.key)
    assigned = [n.title for n in desk.notifications.inbox("sam")]
    assert assigned == ["Action item for you: Write runbook", "Action item for you: Add disk alert"]
    assert desk.escalation.scan_closure(datetime(2026, 11, 3, 23, 59, tzinfo=UTC)) == []   # due today: not yet
    told = desk.escalation.scan_closure(datetime(2026, 11, 4, 0, 0, tzinfo=UTC))
    assert [(t["kind"], t["id"]) for t in told] == [("action_item_overdue", item.id)]
    assert desk.escalation.scan_closure(datetime(2026, 11, 9, tzinfo=UTC)) == []
    inbox = desk.notifications.inbox("sam", unread_only=True)
    assert inbox[0].title == "Action item overdue: Add disk alert" and inbox[0].kind == "action_item"
    assert inbox[0].body == f"Was due 2026-11-03 · {inc.key}"
    assert desk.action_items.counts(owner="sam") == {"open": 2, "overdue": 0, "unowned": 0}  # today is T0
    # A new due date deserves a new reminder when it passes too.
    desk.action_items.update(actor=alex, item_id=item.id, due="2026-11-10")
    assert desk.escalation.scan_closure(datetime(2026, 11, 10, 12, tzinfo=UTC)) == []
    assert [t["id"] for t in desk.escalation.scan_closure(datetime(2026, 11, 11, tzinfo=UTC))] == [item.id]
    desk.action_items.update(actor=alex, item_id=later.id, status="done")
    clock.set(datetime(2026, 12, 5, tzinfo=UTC))
    assert desk.escalation.scan_closure() == []
    assert desk.action_items.counts() == {"open": 2, "overdue": 2, "unowned": 1}
    assert [i.title for i in desk.action_items.list(owner="sam")] == ["Add disk alert"]


def test_action_items_need_a_title_and_a_link(desk):
    with pytest.raises(ValidationError, match="Link the action item to an incident or a problem"):
        desk.action_items.add(actor=desk.actor, title="Something")
    inc = log_p1(desk)
    with pytest.raises(ValidationError, match="title is empty"):
        desk.action_items.add(actor=desk.actor, title="  ", incident=inc.key)
    with pytest.raises(ValidationError, match="'31-12-2026' is not a date"):
        desk.action_items.add(actor=desk.actor, title="x", incident=inc.key, due="31-12-2026")
    with pytest.raises(ValidationError, match="There is no user 'zoe'"):
        desk.action_items.add(actor=desk.actor, title="x", incident=inc.key, owner="zoe")
