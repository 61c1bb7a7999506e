"""Closure rules on a real SQLite file: who closes, what resolving needs, children, auto-close, confirmation."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from incident_desk.domain.incident import Status
from incident_desk.services.clock import ManualClock
from incident_desk.services.errors import PermissionDenied, ValidationError
from incident_desk.services.incidents import IncidentDraft
from tests.conftest import T0


def log(desk, title="Printer on floor 3 jams", actor=None, **kw):
    draft = dict(title=title, category="Printing", impact="medium", urgency="medium")
    draft.update(kw)
    return desk.incidents.log_incident(actor=actor or desk.actor, draft=IncidentDraft(**draft))


def resolve(desk, key, actor=None, **kw):
    actor = actor or desk.actor
    if desk.incidents.get_incident(key).status == Status.NEW:
        desk.incidents.transition(actor=actor, key=key, to="acknowledged")
    kw.setdefault("resolution_code", "fixed")
    return desk.incidents.transition(actor=actor, key=key, to="resolved", **kw)


def rows(backend, sql, *params):
    con = backend.connect()
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


# ---------------------------------------------------------------- who closes, what resolving needs

def test_only_a_lead_closes_and_closing_is_final(team_desk):
    desk = team_desk
    alex, lena = desk.users.actor("alex"), desk.users.actor("lena")
    inc = log(desk, actor=alex)
    resolve(desk, inc.key, actor=alex)
    with pytest.raises(PermissionDenied, match="only a lead or above may close incidents"):
        desk.incidents.transition(actor=alex, key=inc.key, to="closed")
    assert desk.incidents.get_incident(inc.key).status == Status.RESOLVED
    closed = desk.incidents.transition(actor=lena, key=inc.key, to="closed")
    assert closed.status == Status.CLOSED and closed.closed_at == desk.clock()
    with pytest.raises(ValidationError, match="Closed is final"):
        desk.incidents.transition(actor=lena, key=inc.key, to="in_progress")


def test_resolving_needs_a_code_and_takes_a_known_root_cause(desk, backend):
    inc = log(desk)
    desk.incidents.transition(actor=desk.actor, key=inc.key, to="acknowledged")
    with pytest.raises(ValidationError, match="Choose a resolution code") as err:
        desk.incidents.transition(actor=desk.actor, key=inc.key, to="resolved")
    assert err.value.field == "resolution_code"
    with pytest.raises(ValidationError, match="Unknown root-cause category 'gremlins'; use one of: software "
                                              "defect, configuration") as err:
        desk.incidents.transition(actor=desk.actor, key=inc.key, to="resolved", resolution_code="fixed",
                                  root_cause="gremlins")
    assert err.value.field == "root_cause"
    with pytest.raises(ValidationError, match="recorded when resolving"):
        desk.incidents.transition(actor=desk.actor, key=inc.key, to="in_progress", root_cause="capacity")
    assert rows(backend, "SELECT status, root_cause FROM incident") == [(20, None)]  # nothing written
    done = desk.incidents.transition(actor=desk.actor, key=inc.key, to="resolved", resolution_code="fixed",
                                     root_cause="Change-or-Deployment")
    assert done.root_cause == "change or deployment"
    assert rows(backend, "SELECT root_cause FROM incident") == [("change or deployment",)]


def test_root_cause_after_closing_is_a_leads_change_and_is_on_the_timeline(team_desk):
    desk = team_desk
    alex, lena = desk.users.actor("alex"), desk.users.actor("lena")
    inc = log(desk, actor=alex)
    resolve(desk, inc.key, actor=alex)
    desk.incidents.set_root_cause(actor=alex, key=inc.key, category="configuration")
    desk.incidents.transition(actor=lena, key=inc.key, to="closed")
    with pytest.raises(PermissionDenied, match="close incidents"):
        desk.incidents.set_root_cause(actor=alex, key=inc.key, category="capacity")
    after = desk.incidents.set_root_cause(actor=lena, key=inc.key, category="capacity")
    assert after.root_cause == "capacity"
    changes = [(e.actor, e.old_value, e.new_value) for e in desk.incidents.timeline(inc.key, newest_first=False)
               if e.field == "root_cause"]
    assert changes == [("alex", None, "configuration"), ("lena", "configuration", "capacity")]


def test_a_reopen_before_closing_continues_the_same_incident(desk, clock):
    inc = log(desk)
    resolve(desk, inc.key)
    clock.advance(hours=2)
    again = desk.incidents.transition(actor=desk.actor, key=inc.key, to="in_progress", note="still jams")
    assert (again.key, again.reopen_count, again.resolved_at) == (inc.key, 1, None)
    clock.advance(hours=1)
    final = resolve(desk, inc.key)
    assert final.key == inc.key and final.resolved_at == clock() and final.reopen_count == 1


# ---------------------------------------------------------------- parents, children, duplicates

def test_resolving_a_parent_with_children_resolves_every_open_descendant(desk, clock, backend):
    parent = log(desk, "Mail server down", impact="high", urgency="high")
    child = log(desk, "Cannot send mail")               # New
    held = log(desk, "Calendar not syncing")             # On hold
    grandchild = log(desk, "Shared mailbox empty")       # child of child
    done = log(desk, "Outlook asks for password")        # already resolved: left as it is
    for other in (child, held, done):
        desk.incidents.link(actor=desk.actor, key=parent.key, other=other.key, kind="parent_of")
    desk.incidents.link(actor=desk.actor, key=child.key, other=grandchild.key, kind="parent_of")
    for status in ("acknowledged", "in_progress"):
        desk.incidents.transition(actor=desk.actor, key=held.key, to=status)
    desk.incidents.transition(actor=desk.actor, key=held.key, to="on_hold", hold_reason="vendor")
    resolve(desk, done.key, resolution_code="workaround")
    assert [r.key for r in desk.incidents.open_children(parent.key)] == [child.key, held.key, grandchild.key]
    clock.advance(hours=1)
    resolve(desk, parent.key, resolution_notes="Freed the disk", root_cause="capacity", with_children=True)
    got = rows(backend, "SELECT key, status, resolution_code, resolution_notes, root_cause, resolved_at, "
                        "hold_reason FROM incident ORDER BY id")
    at = int(clock().timestamp())
    first_resolution = int((clock() - timedelta(hours=1)).timestamp())
    assert got == [
        (parent.key, 50, "fixed", "Freed the disk", "capacity", at, None),
        (child.key, 50, "fixed", "Freed the disk", "capacity", at, None),
        (held.key, 50, "fixed", "Freed the disk", "capacity", at, None),
        (grandchild.key, 50, "fixed", "Freed the disk", "capacity", at, None),
        (done.key, 50, "workaround", None, None, first_resolution, None),
    ]
    notes = rows(backend, "SELECT i.key, e.old_value, e.note FROM event e JOIN incident i ON i.id = e.incident_id "
                          "WHERE e.kind = 'status' AND e.new_value = 'resolved' AND e.at = ? ORDER BY i.id", at)
    assert notes == [(parent.key, "acknowledged", None), (child.key, "new", f"Resolved with its parent {parent.key}"),
                     (held.key, "on_hold", f"Resolved with its parent {parent.key}"),
                     (grandchild.key, "new", f"Resolved with its parent {parent.key}")]
    # A child resolved from New was acknowledged by it (its response clock stops there).
    assert rows(backend, "SELECT acknowledged_at FROM incident WHERE key = ?", child.key) == [(at,)]


def test_children_go_along_only_with_a_plain_resolution(desk):
    parent, child, original = log(desk, "A"), log(desk, "B"), log(desk, "C")
    desk.incidents.link(actor=desk.actor, key=parent.key, other=child.key, kind="parent_of")
    with pytest.raises(ValidationError, match="Only a resolution"):
        desk.incidents.transition(actor=desk.actor, key=parent.key, to="acknowledged", with_children=True)
    with pytest.raises(ValidationError, match="Only a resolution"):
        desk.incidents.transition(actor=desk.actor, key=parent.key, to="resolved", duplicate_of=original.key,
                                  with_children=True)
    assert desk.incidents.get_incident(child.key).status == Status.NEW
    dup = desk.incidents.transition(actor=desk.actor, key=parent.key, to="resolved", duplicate_of=original.key)
    assert (dup.status, dup.resolution_code, dup.duplicate_of) == (Status.RESOLVED, "duplicate", original.key)
    assert desk.incidents.get_incident(child.key).status == Status.NEW  # without with_children it stays


# ---------------------------------------------------------------- auto-close

def close_events(backend):
    return rows(backend, "SELECT i.key, e.actor_id, e.actor_label, e.note, e.at FROM event e "
                         "JOIN incident i ON i.id = e.incident_id WHERE e.kind = 'status' AND e.new_value = 'closed' "
                         "ORDER BY e.id")


def test_auto_close_after_the_policys_days_once_as_the_system(desk, clock, backend):
    inc = log(desk)
    resolve(desk, inc.key)
    resolved_at = clock()
    desk.escalation.scan(resolved_at + timedelta(days=3) - timedelta(seconds=1))
    assert desk.escalation.last_closure == []
    due = resolved_at + timedelta(days=3)
    desk.escalation.scan(due)
    assert [c["incident"] for c in desk.escalation.last_closure] == [inc.key]
    assert close_events(backend) == [(inc.key, None, "system (auto-close)",
                                      "Closed automatically 3 days after resolution (due 2026-11-05 09:00 UTC)",
                                      int(due.timestamp()))]
    closed = desk.incidents.get_incident(inc.key)
    assert (closed.status, closed.closed_at) == (Status.CLOSED, due)
    assert desk.incidents.timeline(inc.key)[0].actor == "system (auto-close)"
    desk.escalation.scan(due + timedelta(days=30))
    assert desk.escalation.last_closure == [] and len(close_events(backend)) == 1


def test_auto_close_catches_up_after_downtime_with_each_due_time(desk, clock, backend):
    keys = []
    for hours in (0, 5, 30):
        clock.set(T0 + timedelta(hours=hours))
        inc = log(desk, f"Incident {hours}")
        resolve(desk, inc.key)
        keys.append(inc.key)
    clock.set(T0 + timedelta(days=12))   # the desk was closed for a week and more
    desk.escalation.scan()
    got = [(k, note) for k, _a, _l, note, _at in close_events(backend)]
    assert got == [(keys[0], "Closed automatically 3 days after resolution (due 2026-11-05 09:00 UTC)"),
                   (keys[1], "Closed automatically 3 days after resolution (due 2026-11-05 14:00 UTC)"),
                   (keys[2], "Closed automatically 3 days after resolution (due 2026-11-06 15:00 UTC)")]


def test_auto_close_counts_from_the_last_resolution_and_skips_reopened(desk, clock, backend):
    inc = log(desk)
    resolve(desk, inc.key)
    clock.advance(days=2)
    desk.incidents.transition(actor=desk.actor, key=inc.key, to="in_progress", note="back")
    desk.escalation.scan(T0 + timedelta(days=4))
    assert close_events(backend) == []                       # reopened: nothing to close
    clock.advance(days=1)
    resolve(desk, inc.key)
    second = clock()
    desk.escalation.scan(second + timedelta(days=2, hours=23))
    assert close_events(backend) == []                       # 3 days from the second resolution
    desk.escalation.scan(second + timedelta(days=3))
    assert [e[0] for e in close_events(backend)] == [inc.key]


def test_auto_close_days_are_a_policy_zero_means_never(team_desk, clock, backend):
    desk = team_desk
    alex, lena = desk.users.actor("alex"), desk.users.actor("lena")
    with pytest.raises(PermissionDenied, match="change the closure policy"):
        desk.settings.set_closure_policy(actor=alex, policy={"auto_close_days": 5})
    with pytest.raises(ValidationError, match="Auto-close days must be a whole number from 0"):
        desk.settings.set_closure_policy(actor=lena, policy={"auto_close_days": -1})
    desk.settings.set_closure_policy(actor=lena, policy={"auto_close_days": 0, "postmortem_priorities": ["P1"]})
    inc = log(desk)
    resolve(desk, inc.key)
    desk.escalation.scan(clock() + timedelta(days=400))
    assert close_events(backend) == []
    # Another desk on the same file reads the stored policy.
    other = backend.open(clock=ManualClock(T0))
    try:
        assert other.settings.closure_policy().auto_close_days == 0
        assert [p.label for p in other.settings.closure_policy().postmortem_priorities] == ["P1"]
    finally:
        other.close()


def test_two_desks_scanning_at_once_close_each_incident_once(backend, clock):
    setup = backend.open()
    for n in range(60):
        inc = log(setup, f"Incident {n}")
        resolve(setup, inc.key)
    setup.close()
    later = T0 + timedelta(days=4)
    desks = [backend.open(clock=ManualClock(later)) for _ in range(2)]
    results: list[list] = [[], []]

    def run(k):
        for _ in range(3):
            desks[k].escalation.scan()
            results[k] += desks[k].escalation.last_closure

    threads = [threading.Thread(target=run, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for d in desks:
        d.close()
    closed = [c["incident"] for r in results for c in r]
    assert sorted(closed) == sorted(f"INC-{n:06d}" for n in range(1, 61))
    assert rows(backend, "SELECT COUNT(*), COUNT(DISTINCT incident_id) FROM event WHERE new_value = 'closed'") \
        == [(60, 60)]


# ---------------------------------------------------------------- the caller's word

def test_caller_confirmation_is_recorded_or_reopens(desk, clock, backend):
    inc = log(desk)
    with pytest.raises(ValidationError, match="the caller can confirm only a resolution"):
        desk.incidents.confirm_resolution(actor=desk.actor, key=inc.key, note="ok")
    resolve(desk, inc.key)
    clock.advance(hours=3)
    confirmed = desk.incidents.confirm_resolution(actor=desk.actor, key=inc.key, note="Ann says printing works")
    assert (confirmed.caller_confirmed_at, confirmed.caller_confirmation) == (clock(), "Ann says printing works")
    assert confirmed.status == Status.RESOLVED
    assert rows(backend, "SELECT kind, new_value, note FROM event WHERE kind = 'confirmation'") == [
        ("confirmation", "confirmed", "Ann says printing works")]
    other = log(desk, "VPN drops")
    resolve(desk, other.key)
    with pytest.raises(ValidationError, match="still wrong"):
        desk.incidents.confirm_resolution(actor=desk.actor, key=other.key, confirmed=False)
    reopened = desk.incidents.confirm_resolution(actor=desk.actor, key=other.key, confirmed=False,
                                                 note="drops again at 3 pm")
    assert (reopened.status, reopened.reopen_count) == (Status.IN_PROGRESS, 1)
    assert desk.incidents.timeline(other.key)[0].note == \
        "Reopened: The caller says it is not fixed: drops again at 3 pm"


def test_the_auto_close_scan_has_its_partial_index(desk, backend):
    """Resolved incidents waiting to be closed are read through an index of those alone (schema 10)."""
    if backend.is_team:
        definition = backend.value("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_incident_resolved_waiting'")
        assert definition.endswith("ON public.incident USING btree (resolved_at) WHERE (status = 50)"), definition
    else:
        definition = backend.value("SELECT sql FROM sqlite_master WHERE name = 'ix_incident_resolved_waiting'")
        assert definition == "CREATE INDEX ix_incident_resolved_waiting ON incident (resolved_at) WHERE status = 50"
