"""Business calendar arithmetic, SLA policy storage and clock computation from status histories."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incident_desk.domain.incident import DomainError, Priority, Status
from incident_desk.domain.sla import (
    ALWAYS_ON,
    BUSINESS_DAY_S,
    DEFAULT_CALENDAR,
    DEFAULT_POLICY,
    NO_TARGET,
    BusinessCalendar,
    SlaPolicy,
    SlaTarget,
    business_duration,
    compute_clocks,
    describe_pause_policy,
    hold_intervals,
    hold_seconds,
)

UTC = UTC
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
EVERY_DAY = frozenset(range(7))

H = 3600
M = 60


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# ---------------------------------------------------------------- calendar: basics

def test_defaults_are_weekdays_eight_to_six_utc():
    cal = BusinessCalendar()
    assert cal.timezone == "UTC"
    assert cal.work_days == frozenset({0, 1, 2, 3, 4})
    assert (cal.start, cal.end) == (time(8), time(18))
    assert cal.business_day_seconds() == 10 * H == BUSINESS_DAY_S


def test_friday_17_plus_two_business_hours_is_monday_09():
    friday = utc(2024, 6, 7, 17)
    assert DEFAULT_CALENDAR.add_working_seconds(friday, 2 * H) == utc(2024, 6, 10, 9)
    assert DEFAULT_CALENDAR.working_seconds(friday, utc(2024, 6, 10, 9)) == 2 * H


def test_target_landing_on_closing_time_is_that_evening_not_next_morning():
    assert DEFAULT_CALENDAR.add_working_seconds(utc(2024, 6, 7, 17), H) == utc(2024, 6, 7, 18)


def test_weekend_counts_nothing():
    assert DEFAULT_CALENDAR.working_seconds(utc(2024, 6, 8, 0), utc(2024, 6, 10, 0)) == 0


@pytest.mark.parametrize("start, seconds, expected", [
    (utc(2024, 6, 8, 12), H, utc(2024, 6, 10, 9)),          # Saturday -> Monday opening
    (utc(2024, 6, 10, 6), 30 * M, utc(2024, 6, 10, 8, 30)),  # before opening
    (utc(2024, 6, 11, 19), H, utc(2024, 6, 12, 9)),          # after closing
    (utc(2024, 6, 11, 18), 1, utc(2024, 6, 12, 8, 0, 1)),    # exactly at closing
])
def test_clock_starts_at_next_opening_when_started_outside_hours(start, seconds, expected):
    assert DEFAULT_CALENDAR.add_working_seconds(start, seconds) == expected


def test_zero_seconds_is_the_start_itself():
    saturday = utc(2024, 6, 8, 12)
    assert DEFAULT_CALENDAR.add_working_seconds(saturday, 0) == saturday


def test_end_before_start_counts_zero():
    assert DEFAULT_CALENDAR.working_seconds(utc(2024, 6, 10, 12), utc(2024, 6, 10, 9)) == 0
    assert DEFAULT_CALENDAR.working_seconds(utc(2024, 6, 10, 12), utc(2024, 6, 10, 12)) == 0


def test_partial_days_at_both_ends():
    # Mon 16:00 -> Wed 10:00 = 2 h + 10 h + 2 h.
    assert DEFAULT_CALENDAR.working_seconds(utc(2024, 6, 10, 16), utc(2024, 6, 12, 10)) == 14 * H


def test_holiday_is_skipped():
    cal = BusinessCalendar(holidays=frozenset({date(2024, 6, 7)}))  # a Friday
    assert cal.add_working_seconds(utc(2024, 6, 6, 17), 2 * H) == utc(2024, 6, 10, 9)
    assert cal.working_seconds(utc(2024, 6, 6, 17), utc(2024, 6, 10, 9)) == 2 * H


def test_five_business_days_from_monday_morning_end_friday_evening():
    monday = utc(2024, 6, 3, 8)
    assert DEFAULT_CALENDAR.add_working_seconds(monday, 5 * BUSINESS_DAY_S) == utc(2024, 6, 7, 18)
    assert DEFAULT_CALENDAR.add_working_seconds(monday, 5 * BUSINESS_DAY_S + 1) == utc(2024, 6, 10, 8, 0, 1)


def test_long_targets_are_computed_a_day_at_a_time():
    # No timing here (that is bench/'s job): a per-second loop would take hours and trip the test timeout.
    due = DEFAULT_CALENDAR.add_working_seconds(utc(2024, 1, 1, 8), 2 * 261 * BUSINESS_DAY_S)
    # 2024 has 262 weekdays, so the 522nd ends on Tuesday 30 December 2025.
    assert due == utc(2025, 12, 30, 18)
    assert DEFAULT_CALENDAR.working_seconds(utc(2024, 1, 1, 8), due) == 2 * 261 * BUSINESS_DAY_S


def test_result_is_utc_even_for_local_inputs():
    start = datetime(2024, 6, 7, 19, tzinfo=BERLIN)  # 17:00 UTC
    due = DEFAULT_CALENDAR.add_working_seconds(start, 2 * H)
    assert due.utcoffset() == timedelta(0)
    assert due == utc(2024, 6, 10, 9)


def test_local_calendar_uses_local_wall_hours():
    cal = BusinessCalendar(timezone="Europe/Berlin")
    # Summer: Berlin is UTC+2, so 08:00-18:00 local is 06:00-16:00 UTC.
    assert cal.add_working_seconds(utc(2024, 6, 10, 5), 0) == utc(2024, 6, 10, 5)
    assert cal.add_working_seconds(utc(2024, 6, 10, 5), 1) == utc(2024, 6, 10, 6, 0, 1)
    assert cal.working_seconds(utc(2024, 6, 10, 0), utc(2024, 6, 11, 0)) == 10 * H


def test_always_on_counts_every_second():
    assert ALWAYS_ON.working_seconds(utc(2024, 6, 8, 0), utc(2024, 6, 10, 0)) == 48 * H
    assert ALWAYS_ON.add_working_seconds(utc(2024, 6, 8, 23), 2 * H) == utc(2024, 6, 9, 1)
    assert ALWAYS_ON.business_day_seconds() == 86_400


def test_always_on_counts_real_seconds_across_a_dst_change():
    # Same-tzinfo subtraction in Python is wall-clock; the calendar must not fall for it.
    start = datetime(2024, 3, 31, 0, tzinfo=BERLIN)
    end = datetime(2024, 4, 1, 0, tzinfo=BERLIN)
    assert ALWAYS_ON.working_seconds(start, end) == 23 * H


def test_naive_datetimes_are_rejected():
    with pytest.raises(DomainError, match="time zone"):
        DEFAULT_CALENDAR.working_seconds(datetime(2024, 6, 10, 9), utc(2024, 6, 10, 10))
    with pytest.raises(DomainError, match="time zone"):
        DEFAULT_CALENDAR.add_working_seconds(datetime(2024, 6, 10, 9), 10)


def test_negative_seconds_are_rejected():
    with pytest.raises(DomainError, match="negative"):
        DEFAULT_CALENDAR.add_working_seconds(utc(2024, 6, 10, 9), -1)


def test_calendar_without_working_days_cannot_loop_forever():
    cal = BusinessCalendar()
    object.__setattr__(cal, "work_days", frozenset())  # bypass validation, as corrupt data might
    with pytest.raises(DomainError, match="no working hours"):
        cal.add_working_seconds(utc(2024, 6, 10, 9), 60)


def test_holidays_only_delay_the_clock():
    holidays = frozenset(date(2024, 6, 10) + timedelta(days=i) for i in range(30))
    cal = BusinessCalendar(holidays=holidays)
    assert cal.add_working_seconds(utc(2024, 6, 10, 9), 60) == utc(2024, 7, 10, 8, 1)


# ---------------------------------------------------------------- calendar: daylight saving

@pytest.mark.parametrize("zone, day", [
    ("Europe/Berlin", date(2024, 3, 31)),      # spring forward
    ("Europe/Berlin", date(2024, 10, 27)),     # fall back
    ("America/New_York", date(2024, 3, 10)),
    ("America/New_York", date(2024, 11, 3)),
])
def test_dst_day_still_has_ten_working_hours(zone, day):
    cal = BusinessCalendar(timezone=zone, work_days=EVERY_DAY)
    tz = ZoneInfo(zone)
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    assert cal.working_seconds(start, end) == 10 * H
    assert cal.add_working_seconds(start, 10 * H) == datetime.combine(day, time(18), tzinfo=tz)


@pytest.mark.parametrize("zone, day, real_hours", [
    ("Europe/Berlin", date(2024, 3, 31), 3),    # 01:00-05:00 loses the 02:00 hour
    ("Europe/Berlin", date(2024, 10, 27), 5),   # ... or repeats the 02:00 hour
    ("America/New_York", date(2024, 3, 10), 3),
    ("America/New_York", date(2024, 11, 3), 5),
])
def test_hours_spanning_the_switch_count_real_time(zone, day, real_hours):
    cal = BusinessCalendar(timezone=zone, work_days=EVERY_DAY, start=time(1), end=time(5))
    tz = ZoneInfo(zone)
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day, time(12), tzinfo=tz)
    assert cal.working_seconds(start, end) == real_hours * H
    assert cal.add_working_seconds(start, real_hours * H) == datetime.combine(day, time(5), tzinfo=tz)


def test_new_york_weekend_target_across_spring_forward():
    cal = BusinessCalendar(timezone="America/New_York")
    friday = datetime(2024, 3, 8, 17, tzinfo=NEW_YORK)     # 22:00 UTC (EST)
    due = cal.add_working_seconds(friday, 2 * H)
    assert due == datetime(2024, 3, 11, 9, tzinfo=NEW_YORK)  # Monday 09:00 EDT
    assert due == utc(2024, 3, 11, 13)


def test_berlin_multi_day_target_across_fall_back():
    cal = BusinessCalendar(timezone="Europe/Berlin")
    friday = datetime(2024, 10, 25, 16, tzinfo=BERLIN)    # CEST
    due = cal.add_working_seconds(friday, 3 * BUSINESS_DAY_S)
    assert due == datetime(2024, 10, 30, 16, tzinfo=BERLIN)  # CET
    assert cal.working_seconds(friday, due) == 3 * BUSINESS_DAY_S


# ---------------------------------------------------------------- calendar: properties

CALENDARS = [
    DEFAULT_CALENDAR,
    BusinessCalendar(timezone="Europe/Berlin", holidays=frozenset({date(2024, 12, 25), date(2024, 12, 26)})),
    BusinessCalendar(timezone="America/New_York", work_days=EVERY_DAY, start=time(1, 30), end=time(3, 15)),
    BusinessCalendar(timezone="Europe/Berlin", work_days=frozenset({5, 6}), start=time(0), end=time(23, 59)),
    ALWAYS_ON,
]
instants = st.datetimes(min_value=datetime(2023, 1, 1), max_value=datetime(2026, 12, 31),
                        timezones=st.just(UTC))
whole_second_instants = instants.map(lambda d: d.replace(microsecond=0))


@settings(max_examples=300, deadline=None)
@given(cal=st.sampled_from(CALENDARS), start=instants, seconds=st.integers(0, 40 * BUSINESS_DAY_S))
def test_add_then_count_round_trips(cal, start, seconds):
    due = cal.add_working_seconds(start, seconds)
    assert due >= start
    assert cal.working_seconds(start, due) == seconds


@settings(max_examples=200, deadline=None)
@given(cal=st.sampled_from(CALENDARS), start=instants, seconds=st.integers(1, 10 * BUSINESS_DAY_S))
def test_due_instant_is_the_earliest_one(cal, start, seconds):
    due = cal.add_working_seconds(start, seconds)
    assert cal.working_seconds(start, due - timedelta(seconds=1)) == seconds - 1


@settings(max_examples=200, deadline=None)
@given(cal=st.sampled_from(CALENDARS), points=st.lists(whole_second_instants, min_size=3, max_size=3))
def test_counting_is_additive(cal, points):
    a, b, c = sorted(points)
    assert cal.working_seconds(a, c) == cal.working_seconds(a, b) + cal.working_seconds(b, c)


@settings(max_examples=100, deadline=None)
@given(start=instants, end=instants)
def test_business_time_never_exceeds_wall_time(start, end):
    cal = CALENDARS[1]
    wall = max(0, int((end - start).total_seconds()))
    assert 0 <= cal.working_seconds(start, end) <= wall


# ---------------------------------------------------------------- calendar: validation and storage

@pytest.mark.parametrize("kwargs, message", [
    ({"timezone": "Mars/Olympus"}, "not a known time zone"),
    ({"timezone": ""}, "time zone is empty"),
    ({"start": time(18), "end": time(8)}, "must be after the opening time"),
    ({"start": time(9), "end": time(9)}, "must be after the opening time"),
    ({"work_days": frozenset()}, "no work days"),
    ({"work_days": frozenset({7})}, "not a weekday number"),
    ({"start": "8 o'clock"}, "not a time"),
])
def test_calendar_validation(kwargs, message):
    with pytest.raises(DomainError, match=message):
        BusinessCalendar(**kwargs)


def test_always_on_calendar_needs_no_work_days():
    assert BusinessCalendar(work_days=frozenset(), always_on=True).always_on


def test_calendar_messages_are_one_sentence():
    with pytest.raises(DomainError) as info:
        BusinessCalendar(timezone="Nowhere/City")
    message = str(info.value)
    assert message.endswith(".") and "\n" not in message


def test_calendar_round_trips_through_json():
    cal = BusinessCalendar(timezone="Europe/Berlin", work_days=frozenset({0, 2, 4}), start=time(7, 30),
                           end=time(16, 45, 30), holidays=frozenset({date(2024, 12, 24)}))
    data = json.loads(json.dumps(cal.to_dict()))
    assert data["start"] == "07:30" and data["holidays"] == ["2024-12-24"]
    assert BusinessCalendar.from_dict(data) == cal


def test_calendar_accepts_lists_and_stays_hashable():
    cal = BusinessCalendar(work_days=[0, 1], holidays=["2024-12-25"])
    assert cal.work_days == frozenset({0, 1}) and date(2024, 12, 25) in cal.holidays
    assert hash(cal) == hash(BusinessCalendar(work_days=frozenset({0, 1}), holidays=frozenset({date(2024, 12, 25)})))


@pytest.mark.parametrize("data, message", [
    ({"holidays": ["Christmas"]}, "not a date"),
    ({"work_days": "weekdays"}, "must be lists"),
    ({"end": "25:00"}, "not a time"),
    ("UTC", "JSON object"),
])
def test_calendar_from_dict_errors(data, message):
    with pytest.raises(DomainError, match=message):
        BusinessCalendar.from_dict(data)


# ---------------------------------------------------------------- policy

def test_default_policy_targets():
    p = DEFAULT_POLICY
    assert p.target_for(Priority.P1) == SlaTarget(15 * M, 4 * H, business_hours=False)
    assert p.target_for(Priority.P2) == SlaTarget(30 * M, 8 * H, business_hours=False)
    assert p.target_for(Priority.P3) == SlaTarget(4 * H, 3 * 10 * H, business_hours=True)
    assert p.target_for(Priority.P4) == SlaTarget(10 * H, 5 * 10 * H, business_hours=True)
    assert p.target_for(Priority.P5) == NO_TARGET
    assert p.warn_fraction == 0.75


def test_target_for_accepts_text():
    assert DEFAULT_POLICY.target_for("p1") == DEFAULT_POLICY.target_for(Priority.P1)


def test_policy_round_trips_through_json():
    policy = SlaPolicy(name="Gold", calendar=BusinessCalendar(timezone="America/New_York"),
                       targets={Priority.P1: SlaTarget(600, 7200), Priority.P4: SlaTarget(None, 3600, True)},
                       warn_fraction=0.8)
    data = json.loads(json.dumps(policy.to_dict()))
    assert set(data["targets"]) == {"P1", "P4"}
    assert SlaPolicy.from_dict(data) == policy
    assert SlaPolicy.from_dict(DEFAULT_POLICY.to_dict()) == DEFAULT_POLICY
    assert hash(SlaPolicy.from_dict(DEFAULT_POLICY.to_dict())) == hash(DEFAULT_POLICY)


@pytest.mark.parametrize("build, message", [
    (lambda: SlaPolicy(name=""), "needs a name"),
    (lambda: SlaPolicy(name="x", warn_fraction=1.0), "fraction between 0 and 1"),
    (lambda: SlaPolicy(name="x", warn_fraction=0), "fraction between 0 and 1"),
    (lambda: SlaTarget(response_s=-5), "positive whole number"),
    (lambda: SlaTarget(resolve_s=1.5), "positive whole number"),
    (lambda: SlaPolicy.from_dict({"name": "x", "targets": {"P9": {}}}), "Unknown priority"),
    (lambda: SlaPolicy.from_dict({"name": "x", "targets": [1]}), "map priorities"),
    (lambda: SlaPolicy.from_dict({"name": "x", "calendar": {"timezone": "Bad/Zone"}}), "time zone"),
])
def test_policy_validation(build, message):
    with pytest.raises(DomainError, match=message):
        build()


def test_pause_policy_text_names_the_rules():
    text = describe_pause_policy()
    assert "On hold" in text and "reopened" in text and "acknowledged" in text


# ---------------------------------------------------------------- clocks: response

OPENED = utc(2024, 6, 3, 10)  # a Monday, inside business hours


def at(minutes: float = 0, hours: float = 0) -> datetime:
    return OPENED + timedelta(minutes=minutes, hours=hours)


def clocks(priority=Priority.P1, history=(), now=None, policy=DEFAULT_POLICY, opened_at=OPENED):
    return compute_clocks(policy, priority=priority, opened_at=opened_at, history=list(history),
                          now=now or opened_at)


def test_new_p1_response_clock_runs():
    r = clocks(now=at(5)).response
    assert (r.state, r.running, r.target_s, r.elapsed_s, r.remaining_s) == ("ok", True, 900, 300, 600)
    assert r.due_at == at(15)
    assert r.breached_at is None and r.warn_at is None


def test_response_warning_at_three_quarters():
    assert clocks(now=at(11)).response.state == "ok"
    r = clocks(now=at(12)).response
    assert r.state == "warning"
    assert r.warn_at == at(11.25)


def test_response_breached_with_exact_instant():
    r = clocks(now=at(20)).response
    assert r.state == "breached"
    assert r.breached_at == at(15)
    assert r.remaining_s == -300
    assert r.due_at == at(15)  # stays on the breach instant so "overdue" sorts and filters work


def test_response_breached_exactly_at_due_instant():
    assert clocks(now=at(15)).response.state == "breached"


def test_acknowledgement_meets_the_response_target():
    r = clocks(history=[(at(10), Status.ACKNOWLEDGED)], now=at(60)).response
    assert (r.state, r.running, r.elapsed_s, r.due_at) == ("met", False, 600, None)
    assert r.stopped_at == at(10)


def test_acknowledging_on_the_deadline_still_meets_it():
    assert clocks(history=[(at(15), Status.ACKNOWLEDGED)], now=at(60)).response.state == "met"


def test_late_acknowledgement_misses_the_response_target():
    r = clocks(history=[(at(20), Status.ACKNOWLEDGED)], now=at(60)).response
    assert r.state == "missed"
    assert r.breached_at == at(15)
    assert r.remaining_s == -300


def test_resolving_a_new_duplicate_stops_the_response_clock_too():
    r = clocks(history=[(at(3), Status.RESOLVED)], now=at(60)).response
    assert r.state == "met"


def test_cancelled_incident_has_stopped_clocks():
    c = clocks(history=[(at(3), Status.CANCELLED)], now=at(60))
    assert c.response.state == "stopped" and not c.response.running
    assert c.resolution.state == "stopped" and c.resolution.due_at is None
    assert c.resolution.stopped_at == at(3)


def test_cancelling_after_acknowledgement_keeps_the_response_result():
    c = clocks(history=[(at(20), Status.ACKNOWLEDGED), (at(30), Status.CANCELLED)], now=at(60))
    assert c.response.state == "missed"
    assert c.resolution.state == "stopped"


# ---------------------------------------------------------------- clocks: resolution

WORKING = [(at(1), Status.ACKNOWLEDGED), (at(hours=1), Status.IN_PROGRESS)]


def test_resolution_runs_from_opening_through_ack_and_work():
    res = clocks(history=WORKING, now=at(hours=2)).resolution
    assert (res.state, res.running, res.elapsed_s, res.remaining_s) == ("ok", True, 2 * H, 2 * H)
    assert res.due_at == at(hours=4)


def test_hold_pauses_and_resume_continues():
    held = WORKING + [(at(hours=2), Status.ON_HOLD)]
    res = clocks(history=held, now=at(hours=5)).resolution
    assert (res.state, res.running, res.elapsed_s, res.remaining_s, res.due_at) == ("paused", False, 2 * H, 2 * H, None)

    resumed = held + [(at(hours=6), Status.IN_PROGRESS)]
    res = clocks(history=resumed, now=at(hours=6, minutes=30)).resolution
    assert (res.state, res.elapsed_s, res.due_at) == ("ok", 2.5 * H, at(hours=8))

    res = clocks(history=resumed, now=at(hours=7)).resolution
    assert res.state == "warning" and res.warn_at == at(hours=7)

    res = clocks(history=resumed, now=at(hours=9)).resolution
    assert res.state == "breached" and res.breached_at == at(hours=8) and res.remaining_s == -H


def test_paused_after_breach_keeps_the_breach_instant():
    history = WORKING + [(at(hours=5), Status.ON_HOLD)]
    c = clocks(history=history, now=at(hours=9))
    assert c.resolution.state == "paused"
    assert c.resolution.breached_at == at(hours=4)
    assert c.paused_remaining_s == -H


def test_resolved_in_time_is_met_and_late_is_missed():
    met = clocks(history=WORKING + [(at(hours=3), Status.RESOLVED)], now=at(hours=9)).resolution
    assert (met.state, met.elapsed_s, met.due_at, met.breached_at) == ("met", 3 * H, None, None)
    assert met.warn_at == at(hours=3)
    missed = clocks(history=WORKING + [(at(hours=5), Status.RESOLVED)], now=at(hours=9)).resolution
    assert (missed.state, missed.breached_at, missed.remaining_s) == ("missed", at(hours=4), -H)


def test_closing_keeps_the_result():
    history = WORKING + [(at(hours=3), Status.RESOLVED), (at(hours=30), Status.CLOSED)]
    assert clocks(history=history, now=at(hours=40)).resolution.state == "met"


def test_reopen_resumes_the_resolution_clock_where_it_stopped():
    history = WORKING + [(at(hours=2), Status.RESOLVED), (at(hours=10), Status.IN_PROGRESS)]
    c = clocks(history=history, now=at(hours=11))
    res = c.resolution
    assert (res.state, res.running, res.elapsed_s) == ("warning", True, 3 * H)
    assert res.due_at == at(hours=12)
    assert c.cycle_started_at == at(hours=10) and c.reopen_count == 1
    assert c.response.state == "met"  # the response result belongs to the first cycle


def test_cycle_start_is_opening_without_reopens():
    c = clocks(history=WORKING, now=at(hours=1))
    assert c.cycle_started_at == OPENED and c.reopen_count == 0


def test_resolution_breach_after_reopen_uses_counted_time():
    history = WORKING + [(at(hours=3), Status.RESOLVED), (at(hours=20), Status.IN_PROGRESS)]
    res = clocks(history=history, now=at(hours=22)).resolution
    assert res.breached_at == at(hours=21)


def test_p5_has_no_targets_but_counts_time():
    c = clocks(priority=Priority.P5, history=WORKING, now=at(hours=3))
    for clock in (c.response, c.resolution):
        assert clock.state == "none"
        assert clock.target_s is None and clock.remaining_s is None and clock.due_at is None
        assert clock.breached_at is None and clock.reached_at(1.0) is None
    assert c.resolution.elapsed_s == 3 * H and c.resolution.running
    assert c.storage_columns() == (None, None, None)


# ---------------------------------------------------------------- clocks: business hours

FRIDAY_4PM = utc(2024, 6, 7, 16)


def test_p3_business_targets_skip_the_weekend():
    c = clocks(priority=Priority.P3, opened_at=FRIDAY_4PM, now=utc(2024, 6, 8, 12))
    assert c.response.elapsed_s == 2 * H  # Friday 16-18 only
    assert c.response.due_at == utc(2024, 6, 10, 10)
    assert c.resolution.due_at == utc(2024, 6, 12, 16)  # 2 + 10 + 10 + 8 hours
    assert c.response.state == "ok" and c.response.business_hours


def test_p4_one_and_five_business_days():
    monday = utc(2024, 6, 3, 8)
    c = clocks(priority=Priority.P4, opened_at=monday, now=monday)
    assert c.response.due_at == utc(2024, 6, 3, 18)
    assert c.resolution.due_at == utc(2024, 6, 7, 18)


def test_p1_counts_around_the_clock_even_with_a_business_calendar():
    c = clocks(priority=Priority.P1, opened_at=FRIDAY_4PM, now=utc(2024, 6, 8, 12))
    assert c.resolution.breached_at == FRIDAY_4PM + timedelta(hours=4)
    assert not c.resolution.business_hours


def test_business_breach_instant_with_hold_and_nights():
    opened = utc(2024, 6, 3, 9)
    history = [(utc(2024, 6, 3, 9, 30), Status.ACKNOWLEDGED), (utc(2024, 6, 3, 10), Status.IN_PROGRESS),
               (utc(2024, 6, 3, 11), Status.ON_HOLD), (utc(2024, 6, 4, 9), Status.IN_PROGRESS)]
    res = clocks(priority=Priority.P3, opened_at=opened, history=history, now=utc(2024, 6, 5, 15)).resolution
    # Mon 9-11 (2 h) + Tue 9-18 (9 h) + Wed 8-15 (7 h) = 18 h of 30 h.
    assert res.elapsed_s == 18 * H
    assert res.reached_at(0.25) == utc(2024, 6, 4, 14, 30)  # 7.5 h
    assert res.warn_at is None
    assert res.due_at == utc(2024, 6, 6, 17)                # 12 h more: Wed 15-18, Thu 8-17
    assert res.projected_at(0.75) == utc(2024, 6, 6, 9, 30)   # 4.5 h more: Wed 15-18, Thu 8-9:30
    assert res.projected_at(0.25) == res.reached_at(0.25)


def test_business_breach_computed_much_later_is_the_real_instant():
    res = clocks(priority=Priority.P3, opened_at=FRIDAY_4PM, now=utc(2024, 7, 1, 12)).resolution
    assert res.state == "breached"
    assert res.breached_at == utc(2024, 6, 12, 16)
    assert res.warn_at == utc(2024, 6, 12, 8, 30)  # 22.5 h: 2 + 10 + 10 + 0.5


def test_paused_clock_has_no_projection():
    history = WORKING + [(at(hours=2), Status.ON_HOLD)]
    res = clocks(history=history, now=at(hours=3)).resolution
    assert res.projected_at(1.0) is None
    assert res.reached_at(0.25) == at(hours=1)


# ---------------------------------------------------------------- clocks: inputs

def test_history_in_local_time_and_out_of_order_is_normalised():
    history = [(at(hours=1).astimezone(BERLIN), "in_progress"), (at(1).astimezone(NEW_YORK), Status.ACKNOWLEDGED)]
    c = clocks(history=history, now=at(hours=2))
    assert c.response.stopped_at == at(1)
    assert c.resolution.elapsed_s == 2 * H


def test_changes_after_now_have_not_happened_yet():
    history = WORKING + [(at(hours=5), Status.RESOLVED)]
    res = clocks(history=history, now=at(hours=3)).resolution
    assert res.running and res.state == "warning"


def test_naive_now_is_rejected():
    with pytest.raises(DomainError, match="time zone"):
        compute_clocks(DEFAULT_POLICY, priority=Priority.P1, opened_at=OPENED, history=[],
                       now=datetime(2024, 6, 3, 11))


def test_unknown_status_in_history_is_a_domain_error():
    with pytest.raises(DomainError, match="Unknown status"):
        clocks(history=[(at(1), "sleeping")], now=at(2))


# ---------------------------------------------------------------- storage columns

def test_storage_columns_for_running_paused_and_resolved():
    running = clocks(now=at(5)).storage_columns()
    assert running == (at(15), at(hours=4), None)
    assert running.response_due_at == at(15)

    held = clocks(history=WORKING + [(at(hours=1, minutes=30), Status.ON_HOLD)], now=at(hours=2))
    assert held.storage_columns() == (None, None, int(2.5 * H))
    assert held.resolve_due_at is None and held.paused_remaining_s == 2.5 * H

    done = clocks(history=WORKING + [(at(hours=3), Status.RESOLVED)], now=at(hours=4))
    assert done.storage_columns() == (None, None, None)


# ---------------------------------------------------------------- metrics helpers

def test_hold_seconds_counts_wall_time_on_hold():
    history = WORKING + [(at(hours=2), Status.ON_HOLD), (at(hours=5), Status.IN_PROGRESS),
                         (at(hours=6), Status.ON_HOLD)]
    assert hold_seconds(history, OPENED, at(hours=6, minutes=30)) == 3.5 * H
    assert hold_intervals(history, OPENED, at(hours=7)) == [(at(hours=2), at(hours=5)), (at(hours=6), at(hours=7))]
    assert hold_seconds([], OPENED, at(hours=7)) == 0


def test_business_duration_subtracts_pauses_once():
    start, end = utc(2024, 6, 7, 9), utc(2024, 6, 10, 12)  # Fri 9 -> Mon 12: 9 h + 4 h
    assert business_duration(DEFAULT_CALENDAR, start, end) == 13 * H
    pauses = [(utc(2024, 6, 7, 10), utc(2024, 6, 7, 12)), (utc(2024, 6, 7, 11), utc(2024, 6, 7, 13)),
              (utc(2024, 6, 8, 0), utc(2024, 6, 9, 0)), (utc(2024, 6, 10, 11), utc(2024, 6, 10, 15))]
    # 3 h Friday (overlapping pauses merged), weekend free anyway, 1 h Monday (clipped at end).
    assert business_duration(DEFAULT_CALENDAR, start, end, pauses) == 9 * H
    assert business_duration(ALWAYS_ON, start, end, pauses) == (75 - 3 - 24 - 1) * H
    assert business_duration(DEFAULT_CALENDAR, end, start) == 0
