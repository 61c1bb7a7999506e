"""Escalation reaches the person on call: before the team lead, only for teams with a rotation, through quiet hours."""

from __future__ import annotations

from datetime import timedelta

import pytest

from incident_desk.services.incidents import IncidentDraft
from tests.intake_oncall_backends import BACKENDS, database_url, rows
from tests.team_tools import open_desk


# On SQLite and on PostgreSQL: ``db_path`` is a file or the test server's URL.
@pytest.fixture(params=BACKENDS)
def db_path(request, tmp_path) -> str:
    return database_url(request, tmp_path)


@pytest.fixture
def desk(db_path, clock):
    d = open_desk(db_path, clock=clock)
    yield d
    d.close()


@pytest.fixture
def on_call(team_desk, clock):
    """Service Desk (lead lena) has a weekly rotation of alex alone, begun a week before the clock."""
    start = (clock() - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    team_desk.oncall.set_rotation(actor=team_desk.users.actor("lena"), team="Service Desk", users=["alex"],
                                  every="1w", start=start, tz="UTC")
    return team_desk


def p1(desk, team: str) -> str:
    return desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
        title=f"Outage for {team}", category="Server", impact="high", urgency="high", team=team)).key


def told(db_path, key: str) -> list[tuple[str, str]]:
    return rows(db_path, "SELECT u.username, n.title FROM notification n JOIN \"user\" u ON u.id = n.user_id "
                         "JOIN incident i ON i.id = n.incident_id WHERE i.key = ? AND n.kind = 'escalation' "
                         "ORDER BY n.id", key)


def test_the_on_call_person_hears_first_then_the_team_lead(on_call, clock, db_path):
    desk = on_call
    key = p1(desk, "Service Desk")
    clock.advance(minutes=1)
    raised = desk.escalation.scan()
    assert [(r["rule"], r["recipients"]) for r in raised] == [("p1-oncall-1m", ["alex"])]
    clock.advance(minutes=4)
    desk.escalation.scan()
    assert told(db_path, key) == [
        ("alex", f"{key} escalated: P1 not acknowledged after 1 minute: paging on call"),
        ("lena", f"{key} escalated: P1 not acknowledged after 5 minutes")]


def test_a_team_without_a_rotation_escalates_as_before(on_call, clock, db_path):
    desk = on_call
    key = p1(desk, "Network")
    clock.advance(minutes=1)
    assert desk.escalation.scan() == []
    assert desk.escalation.next_escalation_of(int(key[4:])) == clock() + timedelta(minutes=4)
    clock.advance(minutes=4)
    assert [r["rule"] for r in desk.escalation.scan()] == ["p1-unack-5m"]
    assert [who for who, _ in told(db_path, key)] == ["max"]


def test_an_override_pages_whoever_covers(on_call, clock, db_path):
    desk = on_call
    desk.oncall.add_override(actor=desk.users.actor("lena"), team="Service Desk", user="lena",
                             start=clock() - timedelta(hours=1), end=clock() + timedelta(hours=1))
    key = p1(desk, "Service Desk")
    clock.advance(minutes=1)
    desk.escalation.scan()
    assert [who for who, _ in told(db_path, key)] == ["lena"]


def test_a_rotation_added_later_reschedules_the_teams_open_incidents(team_desk, clock, db_path):
    desk = team_desk
    key = p1(desk, "Service Desk")
    desk.oncall.set_rotation(actor=desk.users.actor("lena"), team="Service Desk", users=["alex"], every="1d",
                             start=(clock() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"), tz="UTC")
    clock.advance(minutes=2)
    assert [(r["rule"], r["recipients"]) for r in desk.escalation.scan()] == [("p1-oncall-1m", ["alex"])]
    assert told(db_path, key)[0][0] == "alex"


def test_p1_reaches_the_person_on_call_in_quiet_hours(on_call, clock):
    desk = on_call
    for name in ("alex", "lena"):
        desk.notifications.set_quiet_hours(actor=desk.actor, user=name, start="00:00", end="23:59",
                                           timezone_name="UTC", allow_p1=False)
    key = p1(desk, "Service Desk")
    clock.advance(minutes=5)
    desk.escalation.scan()
    [alex_item] = desk.notifications.inbox("alex")
    [lena_item] = desk.notifications.inbox("lena")
    assert alex_item.incident_key == lena_item.incident_key == key
    assert desk.notifications.should_pop_up("alex", alex_item) is True     # on call: through quiet hours
    assert desk.notifications.should_pop_up("lena", lena_item) is False    # the lead chose to hold P1s back
