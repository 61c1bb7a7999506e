"""The incident use cases through the real services: on a real SQLite file and a signed-in PostgreSQL database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from incident_desk.domain.incident import IncidentFilter, Priority, Sort, Status, allowed_transitions
from incident_desk.services.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from incident_desk.services.incidents import IncidentDraft


def log(desk, actor=None, **kw):
    draft = dict(title="Printer on floor 3 jams", category="Printing", impact="medium", urgency="medium",
                 reporter_name="Ann Example", reporter_contact="ann@example.org")
    draft.update(kw)
    return desk.incidents.log_incident(actor=actor or desk.actor, draft=IncidentDraft(**draft))


def test_log_writes_row_event_and_search_index(desk):
    inc = log(desk, description="Paper jam in tray 2")
    assert inc.key == "INC-000001" and inc.status == Status.NEW and inc.priority == Priority.P3
    assert inc.version == 1 and inc.opened_at == desk.clock()
    events = desk.incidents.timeline(inc.key)
    assert [e.kind for e in events] == ["created"]
    found = desk.incidents.list_incidents(filters=IncidentFilter(text="tray"))
    assert [r.key for r in found] == [inc.key]


def test_report_taken_earlier_is_recorded_as_such(desk, clock):
    earlier = clock() - timedelta(hours=2)
    inc = log(desk, opened_at=earlier)
    assert inc.opened_at == earlier
    created = desk.incidents.timeline(inc.key)[-1]
    assert "reported at" in created.note and earlier.isoformat() in created.note


@pytest.mark.parametrize("field,kw,message", [
    ("title", {"title": "   "}, "title is empty"),
    ("title", {"title": "x" * 201}, "under 201"),
    ("title", {"title": "two\nlines"}, "control characters"),
    ("category", {"category": "Plumbing"}, "Unknown category"),
    ("subcategory", {"subcategory": "Toaster"}, "Unknown subcategory"),
    ("impact", {"impact": "huge"}, "Unknown level"),
    ("channel", {"channel": "pigeon"}, "Unknown contact channel"),
    ("assignee", {"assignee": "ghost"}, "no user"),
    ("team", {"team": "Nobody"}, "no team"),
])
def test_bad_drafts_name_the_field_and_write_nothing(desk, field, kw, message):
    with pytest.raises(ValidationError, match=message) as err:
        log(desk, **kw)
    assert err.value.field == field
    assert desk.incidents.count_incidents() == 0


def test_future_opening_time_is_refused(desk, clock):
    with pytest.raises(ValidationError, match="future"):
        log(desk, opened_at=clock() + timedelta(days=1))


def test_full_lifecycle_sets_times_once(desk, clock):
    inc = log(desk)
    clock.advance(minutes=5)
    desk.incidents.transition(actor=desk.actor, key=inc.key, to="acknowledged")
    ack_time = clock()
    clock.advance(minutes=5)
    desk.incidents.transition(actor=desk.actor, key=inc.key, to="in_progress")
    desk.incidents.transition(actor=desk.actor, key=inc.key, to="on_hold", hold_reason="vendor")
    assert desk.incidents.get_incident(inc.key).hold_reason.name == "VENDOR"
    clock.advance(hours=1)
    desk.incidents.transition(actor=desk.actor, key=inc.key, to="in_progress")
    clock.advance(hours=1)
    with pytest.raises(ValidationError, match="resolution code") as err:
        desk.incidents.transition(actor=desk.actor, key=inc.key, to="resolved")
    assert err.value.field == "resolution_code"
    first = desk.incidents.transition(actor=desk.actor, key=inc.key, to="resolved", resolution_code="fixed")
    clock.advance(hours=1)
    reopened = desk.incidents.transition(actor=desk.actor, key=inc.key, to="in_progress", note="back again")
    assert reopened.reopen_count == 1 and reopened.resolved_at is None
    assert reopened.acknowledged_at == ack_time  # set once, never moved
    clock.advance(hours=1)
    final = desk.incidents.transition(actor=desk.actor, key=inc.key, to="resolved", resolution_code="workaround")
    assert final.resolved_at == clock() and final.resolved_at > first.resolved_at
    closed = desk.incidents.transition(actor=desk.actor, key=inc.key, to="closed")
    assert closed.closed_at == clock() and closed.status == Status.CLOSED
    kinds = [(e.old_value, e.new_value) for e in desk.incidents.timeline(inc.key, newest_first=False)
             if e.kind == "status"]
    assert kinds == [("new", "acknowledged"), ("acknowledged", "in_progress"), ("in_progress", "on_hold"),
                     ("on_hold", "in_progress"), ("in_progress", "resolved"), ("resolved", "in_progress"),
                     ("in_progress", "resolved"), ("resolved", "closed")]


def test_illegal_transition_names_allowed_ones_and_changes_nothing(desk):
    inc = log(desk)
    with pytest.raises(ValidationError, match="allowed from New: Acknowledged, Resolved, Cancelled"):
        desk.incidents.transition(actor=desk.actor, key=inc.key, to="closed")
    assert desk.incidents.get_incident(inc.key).version == 1


def test_cancel_needs_a_reason_and_a_lead(team_desk):
    desk = team_desk
    inc = log(desk)
    alex = desk.users.actor("alex")
    with pytest.raises(PermissionDenied, match="only a lead or above may cancel"):
        desk.incidents.transition(actor=alex, key=inc.key, to="cancelled", cancel_reason="dup call")
    lena = desk.users.actor("lena")
    with pytest.raises(ValidationError, match="reason"):
        desk.incidents.transition(actor=lena, key=inc.key, to="cancelled")
    done = desk.incidents.transition(actor=lena, key=inc.key, to="cancelled", cancel_reason="caller fixed it")
    assert done.status == Status.CANCELLED and done.acknowledged_at is None and done.cancel_reason


def test_permissions_are_enforced_in_services(team_desk):
    desk = team_desk
    alex = desk.users.actor("alex")
    inc = log(desk, actor=alex)
    desk.incidents.transition(actor=alex, key=inc.key, to="acknowledged")
    desk.incidents.transition(actor=alex, key=inc.key, to="resolved", resolution_code="fixed")
    with pytest.raises(PermissionDenied, match="close"):
        desk.incidents.transition(actor=alex, key=inc.key, to="closed")
    with pytest.raises(PermissionDenied, match="manage users"):
        desk.users.add_user(actor=alex, username="eve")
    with pytest.raises(PermissionDenied, match="override a priority"):
        log(desk, actor=alex, priority="P1", override_reason="VIP")
    desk.incidents.transition(actor=desk.users.actor("lena"), key=inc.key, to="closed")
    with pytest.raises(PermissionDenied, match="closed or cancelled"):
        desk.incidents.edit_incident(actor=alex, key=inc.key, expected_version=99, changes={"title": "x y z"})


def test_priority_follows_the_matrix_until_overridden(team_desk):
    desk = team_desk
    lena = desk.users.actor("lena")
    inc = log(desk)
    inc = desk.incidents.edit_incident(actor=lena, key=inc.key, expected_version=inc.version,
                                       changes={"impact": "high", "urgency": "high"})
    assert inc.priority == Priority.P1 and not inc.priority_overridden
    with pytest.raises(ValidationError, match="reason") as err:
        desk.incidents.edit_incident(actor=lena, key=inc.key, expected_version=inc.version, changes={"priority": "P4"})
    assert err.value.field == "override_reason"
    inc = desk.incidents.edit_incident(actor=lena, key=inc.key, expected_version=inc.version,
                                       changes={"priority": "P4", "override_reason": "Known issue, workaround given"})
    assert inc.priority == Priority.P4 and inc.priority_overridden and inc.override_reason
    inc = desk.incidents.edit_incident(actor=lena, key=inc.key, expected_version=inc.version,
                                       changes={"urgency": "low"})
    assert inc.priority == Priority.P4  # the override holds against matrix changes
    note = [e for e in desk.incidents.timeline(inc.key) if e.field == "priority"][0].note
    assert note == "Override: Known issue, workaround given"


def test_conflict_names_who_changed_what_and_writes_nothing(team_desk, backend):
    desk = team_desk
    inc = log(desk)
    other = backend.open("alex")  # alex's own desk
    try:
        other.incidents.edit_incident(actor=other.actor, key=inc.key, expected_version=inc.version,
                                      changes={"title": "Printer jams on every job"})
    finally:
        other.close()
    with pytest.raises(ConflictError) as err:
        desk.incidents.edit_incident(actor=desk.actor, key=inc.key, expected_version=inc.version,
                                     changes={"description": "mine"})
    assert "alex" in str(err.value) and "title" in str(err.value)
    assert err.value.current_version == 2
    assert [c.new_value for c in err.value.changes] == ["Printer jams on every job"]
    current = desk.incidents.get_incident(inc.key)
    assert current.description == "" and current.version == 2


def test_comments_are_searchable_and_bump_the_version(desk):
    inc = log(desk)
    desk.incidents.comment(actor=desk.actor, key=inc.key, text="Vendor ticket 4711 opened")
    desk.incidents.comment(actor=desk.actor, key=inc.key, text="Internal: check toner", work_note=True)
    kinds = [e.kind for e in desk.incidents.timeline(inc.key)]
    assert kinds[:2] == ["work_note", "comment"]
    assert desk.incidents.get_incident(inc.key).version == 3
    assert [r.key for r in desk.incidents.list_incidents(filters=IncidentFilter(text="4711"))] == [inc.key]
    with pytest.raises(ValidationError, match="empty"):
        desk.incidents.comment(actor=desk.actor, key=inc.key, text="  ")


def test_links_and_duplicates(desk):
    a, b, c = log(desk), log(desk, title="Printer jams again"), log(desk, title="Floor 3 printers")
    desk.incidents.link(actor=desk.actor, key=c.key, other=a.key, kind="parent_of")
    with pytest.raises(ValidationError, match="loop"):
        desk.incidents.link(actor=desk.actor, key=a.key, other=c.key, kind="parent_of")
    with pytest.raises(ValidationError, match="itself"):
        desk.incidents.link(actor=desk.actor, key=a.key, other=a.key, kind="related")
    dup = desk.incidents.transition(actor=desk.actor, key=b.key, to="resolved", duplicate_of=a.key)
    assert dup.status == Status.RESOLVED and dup.resolution_code == "duplicate" and dup.duplicate_of == a.key
    assert dup.acknowledged_at is not None  # leaving New other than by cancelling acknowledges
    kinds = {(link.kind.value, link.from_key, link.to_key) for link in desk.incidents.links(a.key)}
    assert kinds == {("parent_of", c.key, a.key), ("duplicate_of", b.key, a.key)}
    desk.incidents.link(actor=desk.actor, key=c.key, other=a.key, kind="parent_of", remove=True)
    with pytest.raises(NotFoundError):
        desk.incidents.link(actor=desk.actor, key=c.key, other=a.key, kind="parent_of", remove=True)


def test_assignment_takes_the_assignees_team_and_watches(team_desk):
    desk = team_desk
    inc = log(desk)
    inc = desk.incidents.assign(actor=desk.actor, key=inc.key, assignee="sam")
    assert inc.assignee == "sam" and inc.team == "Network"
    assert "sam" in desk.incidents.watchers(inc.key)
    inc = desk.incidents.assign(actor=desk.actor, key=inc.key, assignee=None)
    assert inc.assignee is None


def test_a_failing_step_rolls_back_the_whole_write(desk):
    def broken_hook(*_):
        raise RuntimeError("disk on fire")
    desk.incidents.write_hooks.append(broken_hook)
    with pytest.raises(RuntimeError):
        log(desk)
    assert desk.incidents.count_incidents() == 0
    assert desk.store.db.execute_sql("SELECT count(*) FROM event").fetchone()[0] == 0
    assert desk.store.db.execute_sql("SELECT count(*) FROM incident_fts").fetchone()[0] == 0


def test_unknown_keys(desk):
    with pytest.raises(NotFoundError, match="no incident INC-000042"):
        desk.incidents.get_incident("INC-000042")
    with pytest.raises(ValidationError, match="not an incident key"):
        desk.incidents.get_incident("'; DROP TABLE incident; --")


def test_list_filters_and_sorts_in_sql(team_desk, clock):
    desk = team_desk
    keys = []
    for n, (impact, assignee) in enumerate([("high", "alex"), ("low", None), ("medium", "sam"), ("high", None)]):
        keys.append(log(desk, title=f"Report {n}", impact=impact, urgency=impact, assignee=assignee).key)
        clock.advance(minutes=1)
    rows = desk.incidents.list_incidents(sort=Sort("opened_at", descending=False))
    assert [r.key for r in rows] == keys
    p1 = desk.incidents.list_incidents(filters=IncidentFilter(priorities=frozenset({Priority.P1})))
    assert {r.key for r in p1} == {keys[0], keys[3]}
    unassigned = desk.incidents.list_incidents(filters=IncidentFilter(assignees=frozenset({""})))
    assert {r.key for r in unassigned} == {keys[1], keys[3]}
    by_team = desk.incidents.list_incidents(filters=IncidentFilter(teams=frozenset({"Network"})))
    assert [r.key for r in by_team] == [keys[2]]
    by_assignee = desk.incidents.list_incidents(sort=Sort("assignee", descending=False))
    assert [r.assignee for r in by_assignee] == [None, None, "alex", "sam"]
    assert desk.incidents.count_incidents(filters=IncidentFilter(text="Report")) == 4


def test_a_fix_at_first_contact_is_logged_resolved_in_one_call(desk, clock):
    draft = IncidentDraft(title="Outlook asks for the password again", category="Email",
                          resolution_code="fixed", resolution_notes="Cleared the cached credentials")
    inc = desk.incidents.log_incident(actor=desk.actor, draft=draft)
    assert inc.status == Status.RESOLVED
    assert inc.acknowledged_at == inc.resolved_at == clock()
    assert (inc.resolution_code, inc.resolution_notes) == ("fixed", "Cleared the cached credentials")
    kinds = [(e.kind, e.new_value) for e in desk.incidents.timeline(inc.key, newest_first=False)]
    assert kinds[0][0] == "created" and kinds[-1] == ("status", "resolved")
    # New -> Resolved by hand is one move too.
    other = log(desk)
    assert Status.RESOLVED in allowed_transitions(Status.NEW)
    moved = desk.incidents.transition(actor=desk.actor, key=other.key, to=Status.RESOLVED,
                                      resolution_code="workaround", resolution_notes="Restarted the spooler")
    assert moved.status == Status.RESOLVED and moved.acknowledged_at == moved.resolved_at


def test_a_first_contact_fix_with_a_bad_code_logs_nothing(desk):
    before = desk.incidents.count_incidents()
    with pytest.raises(ValidationError, match="Unknown resolution code 'magic'"):
        desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
            title="Printer offline", category="Printing", resolution_code="magic", resolution_notes="?"))
    assert desk.incidents.count_incidents() == before
