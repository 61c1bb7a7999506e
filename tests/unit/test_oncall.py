"""On-call rotations: handoffs across DST, restricted hours, overrides, the CLI, the iCalendar export read back."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

import icalendar
import pytest

from incident_desk.cli import main
from incident_desk.services.errors import PermissionDenied, ValidationError
from tests.intake_oncall_backends import BACKENDS, database_url, rows
from tests.team_tools import open_desk


def z(text: str) -> datetime:
    """An instant written in UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# The rotation tests run on SQLite and on PostgreSQL (``db_path``: a file or the test server's URL); the
# CLI tests below keep to a SQLite file of their own.
@pytest.fixture(params=BACKENDS)
def db_path(request, tmp_path) -> str:
    return database_url(request, tmp_path)


@pytest.fixture
def desk(db_path, clock):
    d = open_desk(db_path, clock=clock)
    yield d
    d.close()


@pytest.fixture
def crew(team_desk):
    """Team Service Desk (lead lena) with ann, bob and carol as agents."""
    return add_crew(team_desk)


def add_crew(team_desk):
    admin = team_desk.actor
    for name in ("ann", "bob", "carol"):
        team_desk.users.add_user(actor=admin, username=name, display_name=f"{name.title()} Example", role="agent",
                                 team="Service Desk")
    return team_desk


def rotate(desk, **kw):
    args = dict(actor=desk.users.actor("lena"), team="Service Desk", users=["ann", "bob", "carol"], every="1w",
                start="2027-03-15T09:00", tz="Europe/Berlin")
    args.update(kw)
    return desk.oncall.set_rotation(**args)


def who(desk, at: str, team="Service Desk"):
    found = desk.oncall.who(team, z(at))
    return found.user, found.start, found.end


# ---------------------------------------------------------------- handoffs and DST

def test_weekly_handoffs_keep_their_local_time_across_both_dst_changes(crew):
    rotate(crew)
    # 09:00 in Berlin is 08:00 UTC in winter (CET) and 07:00 UTC in summer (CEST, from 28 March 2027).
    assert who(crew, "2027-03-15T08:00") == ("ann", z("2027-03-15T08:00"), z("2027-03-22T08:00"))
    assert who(crew, "2027-03-29T06:59") == ("bob", z("2027-03-22T08:00"), z("2027-03-29T07:00"))
    assert who(crew, "2027-03-29T07:00") == ("carol", z("2027-03-29T07:00"), z("2027-04-05T07:00"))
    # Autumn: summer time ends on 31 October 2027; 33 weeks after the start is 1 November.
    assert who(crew, "2027-10-28T12:00")[1:] == (z("2027-10-25T07:00"), z("2027-11-01T08:00"))
    assert who(crew, "2027-11-01T08:00")[0] == ["ann", "bob", "carol"][33 % 3]


def test_daily_handoffs_in_new_york_across_the_spring_change(crew):
    rotate(crew, every="1d", start="2027-03-12T09:00", tz="America/New_York")
    # EST is UTC-5 until 14 March 2027, then EDT is UTC-4: 09:00 local stays 09:00 local.
    assert who(crew, "2027-03-13T15:00") == ("bob", z("2027-03-13T14:00"), z("2027-03-14T13:00"))
    assert who(crew, "2027-03-14T13:00") == ("carol", z("2027-03-14T13:00"), z("2027-03-15T13:00"))


def test_hourly_handoffs_count_real_hours_across_dst(crew):
    rotate(crew, users=["ann", "bob"], every="12h", start="2027-03-27T21:00")
    # 21:00 CET = 20:00 UTC; twelve real hours later is 08:00 UTC, 10:00 in summer time.
    assert who(crew, "2027-03-28T07:59") == ("ann", z("2027-03-27T20:00"), z("2027-03-28T08:00"))
    assert who(crew, "2027-03-28T08:00") == ("bob", z("2027-03-28T08:00"), z("2027-03-28T20:00"))


def test_nobody_is_on_call_before_a_rotation_starts_or_for_a_team_without_one(crew):
    rotate(crew)
    assert who(crew, "2027-03-15T07:59")[0] is None
    assert who(crew, "2027-03-20T12:00", team="Network") == (None, None, None)


# ---------------------------------------------------------------- restrictions and overrides

def test_days_and_hours_restrict_the_rotation(crew):
    rotate(crew, users=["ann", "bob"], every="1d", days="mon-fri", hours="09:00-17:00")
    # Monday 15 March 2027 10:00 Berlin = 09:00 UTC: ann from 09:00 to 17:00 local.
    assert who(crew, "2027-03-15T09:00") == ("ann", z("2027-03-15T08:00"), z("2027-03-15T16:00"))
    assert who(crew, "2027-03-15T17:00")[0] is None          # 18:00 local
    assert who(crew, "2027-03-16T09:00")[0] == "bob"          # Tuesday
    assert who(crew, "2027-03-20T11:00")[0] is None          # Saturday


def test_overrides_win_and_an_all_day_rotation_covers_the_restricted_ones_gaps(crew):
    # Made first, the all-day rotation still leaves the business hours to the restricted one.
    rotate(crew, users=["carol"], every="1w", start="2027-03-01T00:00", name="night")
    rotate(crew, users=["ann", "bob"], every="1d", days="mon-fri", hours="09:00-17:00", name="day")
    assert who(crew, "2027-03-16T09:00")[0] == "bob"
    assert who(crew, "2027-03-16T20:00") == ("carol", z("2027-03-16T16:00"), z("2027-03-17T08:00"))
    crew.oncall.add_override(actor=crew.users.actor("lena"), team="Service Desk", user="ann",
                             start=z("2027-03-16T12:00"), end=z("2027-03-16T14:00"))
    found = crew.oncall.who("Service Desk", z("2027-03-16T13:00"))
    assert (found.user, found.start, found.end, found.override) == ("ann", z("2027-03-16T12:00"),
                                                                    z("2027-03-16T14:00"), True)
    assert who(crew, "2027-03-16T14:30") == ("bob", z("2027-03-16T14:00"), z("2027-03-16T16:00"))


def test_only_leads_change_rotations_and_bad_input_is_refused(crew, db_path):
    with pytest.raises(PermissionDenied):
        rotate(crew, actor=crew.users.actor("ann"))
    for bad, match in ((dict(tz="Mars/Olympus"), "time zone"), (dict(every="3x"), "handoff interval"),
                       (dict(days="mon-funday"), "days"), (dict(hours="9-5"), "hours"),
                       (dict(users=["ann", "ann"]), "twice"), (dict(users=["nobody"]), "no user"),
                       (dict(start="2027-03-15T09:00+01:00"), "without an offset")):
        with pytest.raises(ValidationError, match=match):
            rotate(crew, **bad)
    with pytest.raises(ValidationError, match="ends before"):
        crew.oncall.add_override(actor=crew.users.actor("lena"), team="Service Desk", user="ann",
                                 start=z("2027-03-16T14:00"), end=z("2027-03-16T12:00"))
    assert rows(db_path, "SELECT (SELECT COUNT(*) FROM oncall_rotation) + (SELECT COUNT(*) FROM oncall_member) "
                         "+ (SELECT COUNT(*) FROM oncall_override)") == [(0,)]


# ---------------------------------------------------------------- CLI and iCalendar

def run(capsys, *args):
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def crew_db(tmp_path, clock):
    """The crew on a SQLite file, closed, for the CLI to open."""
    path = tmp_path / "cli.db"
    desk = open_desk(path, clock=clock)
    try:
        desk.users.add_user(actor=desk.actor, username="lena", display_name="Lena Lead", role="lead",
                            team="Service Desk")
        desk.users.set_team_lead(actor=desk.actor, team="Service Desk", username="lena")
        add_crew(desk)
    finally:
        desk.close()
    return str(path)


def test_cli_rotation_override_who_json(crew_db, capsys):
    code, out, err = run(capsys, "--db", crew_db, "--user", "lena", "oncall", "rotation", "Service Desk",
                         "--users", "ann,bob,carol", "--every", "1w", "--start", "2027-03-15T09:00",
                         "--tz", "Europe/Berlin")
    assert code == 0, err
    code, out, err = run(capsys, "--db", crew_db, "--user", "lena", "oncall", "override", "Service Desk",
                         "--user", "carol", "--from", "2027-03-16T00:00Z", "--to", "2027-03-17T00:00Z")
    assert code == 0, err
    code, out, _ = run(capsys, "--db", crew_db, "oncall", "who", "Service Desk", "--at", "2027-03-16T12:00Z",
                       "--json")
    assert json.loads(out) == {"team": "Service Desk", "user": "carol", "from": "2027-03-16T00:00:00+00:00",
                               "to": "2027-03-17T00:00:00+00:00"}
    code, out, _ = run(capsys, "--db", crew_db, "oncall", "who", "Service Desk", "--at", "2027-03-23T12:00Z",
                       "--json")
    assert json.loads(out) == {"team": "Service Desk", "user": "bob", "from": "2027-03-22T08:00:00+00:00",
                               "to": "2027-03-29T07:00:00+00:00"}


def test_cli_bad_input_is_one_line_exit_2_and_writes_nothing(crew_db, capsys):
    code, out, err = run(capsys, "--db", crew_db, "--user", "lena", "oncall", "rotation", "Service Desk",
                         "--users", "ann", "--every", "1w", "--start", "2027-03-15T09:00", "--tz", "Nowhere/Land")
    assert code == 2 and err.count("\n") == 1 and "time zone" in err
    code, _, err = run(capsys, "--db", crew_db, "oncall", "who", "No Such Team")
    assert code == 2 and "no team" in err
    con = sqlite3.connect(crew_db)
    assert con.execute("SELECT COUNT(*) FROM oncall_rotation").fetchone() == (0,)
    con.close()


def test_ics_export_reads_back_one_event_per_shift(crew_db, capsys, tmp_path):
    run(capsys, "--db", crew_db, "--user", "lena", "oncall", "rotation", "Service Desk", "--users",
        "ann,bob,carol", "--every", "1w", "--start", "2027-03-15T09:00", "--tz", "Europe/Berlin")
    run(capsys, "--db", crew_db, "--user", "lena", "oncall", "override", "Service Desk", "--user", "carol",
        "--from", "2027-03-16T00:00Z", "--to", "2027-03-17T00:00Z")
    target = tmp_path / "oncall.ics"
    code, out, err = run(capsys, "--db", crew_db, "oncall", "export", "Service Desk", "--ics", str(target),
                         "--from", "2027-03-15T08:00Z", "--weeks", "3")
    assert code == 0, err
    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    events = [(str(e["SUMMARY"]), e.decoded("DTSTART"), e.decoded("DTEND")) for e in calendar.walk("VEVENT")]
    # ann's week is cut by carol's day; then bob, then carol from the summer-time handoff.
    assert events == [
        ("Ann Example on call for Service Desk", z("2027-03-15T08:00"), z("2027-03-16T00:00")),
        ("Carol Example covering for Service Desk", z("2027-03-16T00:00"), z("2027-03-17T00:00")),
        ("Ann Example on call for Service Desk", z("2027-03-17T00:00"), z("2027-03-22T08:00")),
        ("Bob Example on call for Service Desk", z("2027-03-22T08:00"), z("2027-03-29T07:00")),
        ("Carol Example on call for Service Desk", z("2027-03-29T07:00"), z("2027-04-05T07:00")),
        # The three weeks asked for end at 08:00 UTC; ann's next week has begun an hour before.
        ("Ann Example on call for Service Desk", z("2027-04-05T07:00"), z("2027-04-05T08:00")),
    ]
    assert len({str(e["UID"]) for e in calendar.walk("VEVENT")}) == 6
    assert out.strip() == f"Wrote 6 shifts of Service Desk to {target}."
