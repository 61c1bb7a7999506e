"""Notification inboxes: watchers, assignments, read and snooze, once-only alert claims, quiet hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from incident_desk.domain.incident import Status
from incident_desk.services.errors import NotFoundError, PermissionDenied, ValidationError
from incident_desk.services.incidents import IncidentDraft
from incident_desk.services.notifications import in_quiet_hours, snooze_until
from tests.reliability.reliability_tools import assert_overlapped, run_together


def log(desk, actor=None, **kw):
    draft = dict(title="Mail down", category="Email", impact="medium", urgency="medium")
    draft.update(kw)
    return desk.incidents.log_incident(actor=actor or desk.actor, draft=IncidentDraft(**draft))


def kinds(desk, user):
    return [(n.kind, n.title) for n in reversed(desk.notifications.inbox(user))]


def test_assignment_and_watcher_notifications_skip_the_actor(team_desk):
    desk = team_desk
    lena, alex = desk.users.actor("lena"), desk.users.actor("alex")
    inc = log(desk, actor=lena, assignee="alex")
    assert kinds(desk, "alex") == [("assignment", f"{inc.key} assigned to you")]
    assert kinds(desk, "lena") == []                 # her own change
    desk.incidents.watch(actor=desk.users.actor("sam"), key=inc.key)
    desk.incidents.comment(actor=alex, key=inc.key, text="Looking at the mail relay")
    assert kinds(desk, "lena")[-1] == ("comment", f"{inc.key} has a new comment")
    assert kinds(desk, "sam")[-1] == ("comment", f"{inc.key} has a new comment")
    assert len(kinds(desk, "alex")) == 1              # not told of his own comment
    desk.incidents.transition(actor=alex, key=inc.key, to=Status.ACKNOWLEDGED)
    assert kinds(desk, "lena")[-1] == ("change", f"{inc.key} is now Acknowledged")
    desk.incidents.assign(actor=lena, key=inc.key, assignee="sam")
    assert kinds(desk, "sam")[-1] == ("assignment", f"{inc.key} assigned to you")
    assert kinds(desk, "alex")[-1][0] == "change"
    assert "Mail down (by lena)" in desk.notifications.inbox("sam")[0].body


def test_read_all_read_and_counts(team_desk):
    desk = team_desk
    for i in range(3):
        log(desk, actor=desk.users.actor("lena"), assignee="alex", title=f"Thing {i}")
    items = desk.notifications.inbox("alex")
    assert desk.notifications.unread_count("alex") == 3
    assert desk.notifications.mark_read("alex", [items[0].id]) == 1
    assert desk.notifications.mark_read("alex", [items[0].id]) == 0   # already read
    assert desk.notifications.mark_read("lena", [items[1].id]) == 0   # not hers
    assert desk.notifications.unread_count("alex") == 2
    assert [n.id for n in desk.notifications.inbox("alex", unread_only=True)] == [i.id for i in items[1:]]
    assert desk.notifications.mark_all_read("alex") == 2
    assert desk.notifications.unread_count("alex") == 0


def test_snooze_hides_then_returns_and_alerts_again(team_desk, clock):
    desk = team_desk
    log(desk, actor=desk.users.actor("lena"), assignee="alex")
    [item] = desk.notifications.pending_alerts("alex")
    assert desk.notifications.claim_for_alert(item.id)
    assert desk.notifications.pending_alerts("alex") == []
    desk.notifications.snooze("alex", [item.id], snooze_until("15 min", clock()))
    assert desk.notifications.unread_count("alex") == 0
    assert desk.notifications.inbox("alex", unread_only=True) == []
    assert desk.notifications.inbox("alex")[0].snoozed(clock())
    clock.advance(minutes=15)
    assert desk.notifications.unread_count("alex") == 1
    assert [n.id for n in desk.notifications.pending_alerts("alex")] == [item.id]
    with pytest.raises(ValidationError):
        desk.notifications.snooze("alex", [item.id], clock() - timedelta(seconds=1))
    with pytest.raises(ValidationError):
        desk.notifications.snooze("alex", [item.id], datetime(2030, 1, 1))  # naive


def test_snooze_choices():
    now = datetime(2026, 11, 2, 22, 30, tzinfo=UTC)
    assert snooze_until("15 min", now) == now + timedelta(minutes=15)
    assert snooze_until("1 h", now) == now + timedelta(hours=1)
    assert snooze_until("until tomorrow", now, zone="Europe/Berlin") == datetime(2026, 11, 3, 8, 0, tzinfo=UTC)
    with pytest.raises(ValidationError):
        snooze_until("forever", now)


def test_an_alert_is_claimed_once_across_two_processes_views(team_desk, backend):
    """Two desks of the same user, released together, claim the same pending alerts from opposite
    ends: they overlap, each shows some, none is shown twice and none is lost."""
    desk = team_desk
    lena = desk.users.actor("lena")
    for n in range(80):
        log(desk, actor=lena, title=f"Mail down on floor {n}", assignee="alex")
    pending = sorted(n.id for n in desk.notifications.pending_alerts("alex", limit=1000))
    assert len(pending) == 80
    reports = run_together(("claim", backend, "alex", "asc", 5), ("claim", backend, "alex", "desc", 5))
    assert_overlapped(reports)
    assert [sorted(r["seen"]) for r in reports] == [pending, pending]
    first, second = (set(r["claimed"]) for r in reports)
    assert first and second, (len(first), len(second))
    assert not first & second
    assert first | second == set(pending)
    con = backend.connect()
    assert con.execute("SELECT COUNT(*) FROM notification WHERE alerted_at IS NULL").fetchone()[0] == 0
    con.close()
    assert desk.notifications.claim_for_alert(pending[0]) is False
    assert desk.notifications.pending_alerts("alex") == []


def test_quiet_hours_wrap_midnight_and_let_p1_escalations_through(team_desk, clock):
    desk = team_desk
    assert in_quiet_hours("22:00", "07:00", "UTC", datetime(2026, 11, 2, 23, 30, tzinfo=UTC))
    assert in_quiet_hours("22:00", "07:00", "UTC", datetime(2026, 11, 2, 6, 59, tzinfo=UTC))
    assert not in_quiet_hours("22:00", "07:00", "UTC", datetime(2026, 11, 2, 7, 0, tzinfo=UTC))
    assert in_quiet_hours("09:00", "17:00", "Europe/Berlin", datetime(2026, 11, 2, 8, 30, tzinfo=UTC))
    assert not in_quiet_hours(None, None, "UTC", clock())
    alex = desk.users.actor("alex")
    desk.notifications.set_quiet_hours(actor=alex, start="08:00", end="18:00", timezone_name="UTC")
    desk.incidents.log_incident(actor=desk.users.actor("lena"), draft=IncidentDraft(
        title="Core switch down", category="Network", impact="high", urgency="high", assignee="alex"))
    assignment = desk.notifications.inbox("alex")[0]
    assert not desk.notifications.should_pop_up("alex", assignment)
    desk.escalation.scan(clock() + timedelta(hours=5))
    p1 = next(n for n in desk.notifications.inbox("alex") if n.kind == "escalation")
    assert desk.notifications.should_pop_up("alex", p1)
    desk.notifications.set_quiet_hours(actor=alex, start="08:00", end="18:00", timezone_name="UTC", allow_p1=False)
    assert not desk.notifications.should_pop_up("alex", p1)
    desk.notifications.set_quiet_hours(actor=alex, start=None, end=None)
    assert desk.notifications.should_pop_up("alex", assignment)
    desk.notifications.set_do_not_disturb("alex", True)
    assert not desk.notifications.should_pop_up("alex", assignment)
    desk.notifications.set_do_not_disturb("alex", False)
    assert desk.notifications.should_pop_up("alex", assignment)


@pytest.mark.parametrize("start,end,zone", [("25:00", "07:00", "UTC"), ("22:00", None, "UTC"),
                                            ("22:00", "22:00", "UTC"), ("22:00", "07:00", "Mars/Olympus"),
                                            ("'; DROP TABLE user; --", "07:00", "UTC")])
def test_quiet_hours_reject_bad_input(team_desk, start, end, zone):
    with pytest.raises(ValidationError):
        team_desk.notifications.set_quiet_hours(actor=team_desk.users.actor("alex"), start=start, end=end,
                                                timezone_name=zone)


def test_only_an_admin_sets_someone_elses_quiet_hours(team_desk):
    desk = team_desk
    with pytest.raises(PermissionDenied):
        desk.notifications.set_quiet_hours(actor=desk.users.actor("lena"), user="alex", start="22:00", end="06:00")
    desk.notifications.set_quiet_hours(actor=desk.actor, user="alex", start="22:00", end="06:00")
    assert desk.notifications.quiet_hours("alex")["start"] == "22:00"


def test_hostile_inbox_arguments(team_desk):
    desk = team_desk
    with pytest.raises(NotFoundError):
        desk.notifications.inbox("nobody' OR '1'='1")
    for limit in (0, -5, 10**9, True):
        with pytest.raises(ValidationError):
            desk.notifications.inbox("alex", limit=limit)
    weird = "Zürich 🔥 \u200f<script>alert(1)</script>"  # direction overrides are refused in titles
    log(desk, actor=desk.users.actor("lena"), assignee="alex", title=weird)
    assert weird in desk.notifications.inbox("alex")[0].body
