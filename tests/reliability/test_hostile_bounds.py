"""Extreme and malformed dates, numbers and intervals into every CLI command and the services.

Each command either does its job (exit 0) or refuses in one line with exit 2, and a refusal writes
nothing (a dump of every table, read with plain sqlite3, is the same before and after). Never an
internal error (exit 1), a traceback, an OverflowError or a negative year.
"""

from __future__ import annotations

import contextlib
import io
import shutil
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from incident_desk.cli import main
from incident_desk.domain.incident import DomainError, IncidentFilter
from incident_desk.domain.metrics import MetricsFilter
from incident_desk.services.clock import ManualClock
from incident_desk.services.demo import DemoGenerator
from incident_desk.services.desk import Desk
from incident_desk.services.incidents import IncidentDraft
from incident_desk.services.metrics import MetricsService
from incident_desk.storage.database import StorageError
from tests.reliability.reliability_tools import logical_dump, make_demo_db

KEY = "INC-000001"
FIXED = ["0001-01-01T00:00+14:00", "0001-01-01", "9999-12-31T23:59-14:00", "9999-12-31", "1969-12-31T23:59Z",
         "2201-01-01T00:00:01Z", "1970-01-01T00:00Z", "2200-12-31T23:59Z", "0000-00-00", "-0001-01-01",
         "10000-01-01", "2026-02-30", "2026-11-02T25:00", "2026-11-02T09:30+24:00", "nan", "inf", "-inf",
         "1e400", "", " ", "\x00", "２０２６-１１-０２", "2026-11-02T09:30:00.123456789Z", "99999999999"]
NUMBERS = ["0", "-1", "2147483647", "2147483648", "99999999999999999999999", "-99999999999999999999999",
           "1e9", "1e400", "inf", "-inf", "nan", "0x10", "1_000", " 7 ", "٣", "7.5", "", "--1", "9" * 5000]
INTERVALS = ["0", "-1", "-0", "0.001", "1e-300", "86401", "1e308", "inf", "-inf", "nan", "NaN", "infinity",
             "1e400", "abc", "", "0x1p-1074"]


def _instant_text(dt: datetime, offset_minutes: int, with_zone: bool, date_only: bool) -> str:
    if date_only:
        return dt.date().isoformat()
    if not with_zone:
        return dt.replace(tzinfo=None).isoformat()
    return dt.replace(tzinfo=timezone(timedelta(minutes=offset_minutes))).isoformat()


# Every year Python can hold, in every offset ISO 8601 allows, with and without a zone, and junk.
instants = st.one_of(
    st.sampled_from(FIXED),
    st.builds(_instant_text, st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59)),
              st.integers(-14 * 60, 14 * 60), st.booleans(), st.booleans()),
    st.text(max_size=30),
)
numbers = st.one_of(st.sampled_from(NUMBERS), st.integers(-(10**30), 10**30).map(str), st.text(max_size=12))
intervals = st.one_of(st.sampled_from(INTERVALS), st.floats(allow_nan=True, allow_infinity=True).map(repr),
                      st.text(max_size=12))


def _commands(t: str, n: str, i: str) -> list[list[str]]:
    """Every command and option that takes a time, a number or an interval, fed ``t``, ``n`` and ``i``."""
    return [
        ["log", "--title", "Bounds probe", "--category", "Network", "--opened-at", t],
        ["list", "--from", t], ["list", "--to", t], ["list", "--limit", n], ["list", "--from", t, "--to", t],
        ["show", n], ["show", f"INC-{n}"],
        ["edit", KEY, "--title", "Bounds probe", "--expect-version", n],
        ["transition", KEY, "acknowledged", "--expect-version", n],
        ["assign", n, "none"], ["comment", n, "probe"], ["link", KEY, "related", n], ["watch", n],
        ["metrics", "--from", t], ["metrics", "--to", t], ["metrics", "--from", t, "--by", "day"],
        ["escalate", "--once", "--now", t], ["escalate", "--once", "--now", t, "--force"],
        ["escalate", "--watch", "--interval", i, "--max-runs", "1"],
        ["notifications", "--limit", n], ["users", "audit", "--limit", n],
        # demo: only a one-incident demo can succeed here; every other count is refused before writing.
        ["demo", "--count", "1", "--until", t], ["demo", "--count", "1", "--days", n],
        ["demo", "--count", "1", "--seed", n], ["demo", "--count", n, "--days", "0"],
    ]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return make_demo_db(tmp_path_factory.mktemp("bounds") / "desk.db", count_=40)


def _run(db, args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["--db", str(db), *args])
        except SystemExit as exc:  # argparse refuses a bad option value itself
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def _check(db, args: list[str]) -> None:
    before = logical_dump(db)
    code, _out, err = _run(db, args)
    assert code in (0, 2), (args, code, err)
    assert "Traceback" not in err and "internal error" not in err, (args, err)
    if code == 2:
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("incident-desk: "), (args, err)
        assert logical_dump(db) == before, f"{args} was refused but wrote: {err}"


# Each example runs some 25 commands: no shrinking (minutes per failure); the message names the command.
@settings(max_examples=25, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(t=instants, n=numbers, i=intervals)
@example(t="0001-01-01T00:00+14:00", n="99999999999999999999999", i="inf")
@example(t="9999-12-31T23:59-14:00", n="-1", i="nan")
@example(t="9999-12-31T23:00Z", n="2147483648", i="1e400")
def test_every_command_refuses_extreme_input_in_one_line_and_writes_nothing(template, tmp_path, t, n, i):
    db = tmp_path / "desk.db"
    if not db.exists():
        shutil.copyfile(template, db)
    for args in _commands(t, n, i):
        _check(db, args)


# ---- the services, for the GUI and importers that do not go through the CLI ------------------------------

datetimes = st.one_of(
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59),
                 timezones=st.builds(lambda m: timezone(timedelta(minutes=m)), st.integers(-14 * 60, 14 * 60))),
    st.datetimes(),  # no time zone at all
)
whole = st.one_of(st.integers(-(10**30), 10**30), st.sampled_from([True, 2**31, 2**31 - 1, 0, -1]))
OUR_ERRORS = (DomainError, StorageError)


@pytest.fixture(scope="module")
def service_desk(tmp_path_factory, template):
    path = tmp_path_factory.mktemp("bounds-services") / "desk.db"
    shutil.copyfile(template, path)
    desk = Desk.open(str(path), clock=ManualClock(datetime.now(UTC).replace(microsecond=0)))
    yield desk
    desk.close()


def _refused_or_done(fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except OUR_ERRORS as exc:
        assert str(exc).strip() and "\n" not in str(exc), str(exc)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(when=datetimes, number=whole)
@example(when=datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))), number=10**23)
@example(when=datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-14))), number=-1)
def test_services_take_any_instant_and_number_without_an_overflow(service_desk, when, number):
    desk = service_desk
    before = logical_dump(desk.store.path)
    _refused_or_done(desk.incidents.edit_incident, actor=desk.actor, key=KEY, expected_version=number,
                     changes={"title": "Bounds probe"})
    _refused_or_done(desk.escalation.scan, when, actor=desk.actor, force=True)
    _refused_or_done(lambda: desk.incidents.list_incidents(filters=IncidentFilter(opened_from=when)))
    _refused_or_done(lambda: MetricsService.for_desk(desk).refresh(MetricsFilter(start=when)))
    demo = DemoGenerator(desk.store, clock=desk.clock, settings=desk.settings)
    _refused_or_done(demo.generate, actor=desk.actor, count=1, days=number, until=when)
    # A valid count would write that many incidents (up to the demo's 5,000,000): only counts every desk
    # must refuse go here. "Not 1 to 100" let a drawn 270,000 write 270,000 rows into the module's desk, and
    # each example's dump then read them all: a run that never ended.
    if number < 1 or number > 10**9:
        _refused_or_done(demo.generate, actor=desk.actor, count=number, days=1, until=when)
    _refused_or_done(desk.incidents.log_incident, actor=desk.actor, draft=IncidentDraft(
        title="Bounds probe", category="Network", opened_at=when))
    in_range = when.tzinfo is not None and datetime(1970, 1, 1, tzinfo=UTC) <= when <= datetime(2201, 1, 1,
                                                                                                 tzinfo=UTC)
    if not in_range and not 0 < number < 2**31:
        # Nothing here was acceptable: nothing may have been written.
        assert logical_dump(desk.store.path) == before
