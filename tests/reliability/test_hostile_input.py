"""Hostile input: random and malicious strings into every service entry point and the search box.

Nothing may crash: each call either succeeds or raises one of our own errors (DomainError and its
subclasses, StorageError) with a one-line message, and text that was stored comes back unchanged.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from incident_desk.cli import CliError, parse_time
from incident_desk.domain.incident import DomainError, IncidentFilter, Sort
from incident_desk.services.desk import Desk
from incident_desk.services.incidents import IncidentDraft
from incident_desk.storage import search
from incident_desk.storage.database import StorageError
from tests.reliability.reliability_tools import assert_one_line_error, logical_dump, run_cli

SQL = ["'; DROP TABLE incident; --", "\" OR 1=1 --", "Robert'); DROP TABLE event;--", "%", "_%_", "\\",
       "NULL", "' UNION SELECT password_hash FROM user --", "?", ":name", "$1", "/* */", "`", "[x]"]
FTS = ['"', '""', '*', 'NEAR(a b, 2)', 'title:foo', 'a OR b', 'NOT x', 'AND', '^start', '(', ')',
       '{title description}: x', '-x', '+y', 'x*', '"unterminated', 'incident_fts MATCH', "'"]
RTL = ["مرحبا بالعالم", "שלום עולם", "\u202eevil.exe\u202c", "\u200f", "\u061c"]
EMOJI = ["🔥", "👩\u200d💻", "🇩🇪", "😀😀😀", "\U0001f9d1\U0001f3fd\u200d\U0001f692", "\ufe0f"]
CONTROL = ["\x01", "\x07", "\x1b[31m", "\r\n", "\t", "\u2028", "\ufeff", "\x7f", "\x0b", "\u0085"]
COMBINING = ["e\u0301", "Z\u0351\u0352\u0353\u0354", "\u00df", "İ", "ﬁ"]
FRAGMENTS = SQL + FTS + RTL + EMOJI + CONTROL + COMBINING

fragment = st.sampled_from(FRAGMENTS)
# Everything Python can hold, lone surrogates included (non-UTF-8 bytes from a command line).
any_char_text = st.text(alphabet=st.characters(), max_size=40)
hostile = st.lists(st.one_of(fragment, any_char_text, st.text(max_size=20)), max_size=8).map("".join)
long_text = st.builds(lambda piece, n: (piece * (n // max(1, len(piece)) + 1))[:n],
                      st.sampled_from(FRAGMENTS + ["ab", "x"]), st.integers(5_000, 120_000))
texty = st.one_of(hostile, hostile, long_text)

OUR_ERRORS = (DomainError, StorageError)
COMMON = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                          HealthCheck.too_slow])


@pytest.fixture(scope="module")
def hostile_desk(tmp_path_factory):
    clock_now = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    path = tmp_path_factory.mktemp("hostile") / "desk.db"
    desk = Desk.open(str(path), clock=lambda: clock_now)
    desk.db_file = path
    desk.users.add_user(actor=desk.actor, username="alex", display_name="Alex", role="agent", team="Service Desk")
    base = desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
        title="Zebra printer jams", category="Printing", description="Quoted \"it's broken\""))
    desk.base_key = base.key  # edited by the tests below
    desk.search_key = desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
        title="Quokkaflux scanner offline", category="Printing")).key  # never edited
    yield desk
    desk.close()


@pytest.fixture
def d(hostile_desk):
    return hostile_desk


def attempt(fn, *args, **kwargs):
    """Run a service call; our own errors are fine (one line), anything else fails the test."""
    try:
        return fn(*args, **kwargs)
    except OUR_ERRORS as exc:
        message = str(exc)
        # One sentence; it may quote the input (line breaks and all): the CLI escapes those when printing.
        assert message.strip() and "Traceback" not in message, message
        return None


REFUSED = object()


def _row(d, key: str) -> tuple[dict, int]:
    """The incident's row and its number of timeline events, read with plain sqlite3."""
    con = sqlite3.connect(d.db_file)
    con.row_factory = sqlite3.Row
    try:
        row = con.execute("SELECT * FROM incident WHERE key = ?", (key,)).fetchone()
        events = con.execute("SELECT COUNT(*) FROM event e JOIN incident i ON i.id = e.incident_id "
                             "WHERE i.key = ?", (key,)).fetchone()[0]
        return dict(row), events
    finally:
        con.close()


def checked_write(d, target: str, fn, *args, **kwargs):
    """A write to incident ``target`` with hostile input: refused with our error and nothing changed, or
    done whole (a new version and a timeline event with it)."""
    before = _row(d, target)
    try:
        result = fn(*args, **kwargs)
    except OUR_ERRORS as exc:
        assert str(exc).strip() and "Traceback" not in str(exc)
        assert _row(d, target) == before, "a refused write changed the incident"
        return REFUSED
    row, events = _row(d, target)
    if row != before[0]:
        assert row["version"] == before[0]["version"] + 1 and events > before[1], (before, row)
    return result


def _storable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


# ---- log / edit / comment: stored text comes back unchanged --------------------------------------

@COMMON
@given(title=texty, description=texty, reporter=hostile, contact=hostile, service=hostile)
@example(title="'; DROP TABLE incident; --", description='NEAR("x" y) OR title:*', reporter="مرحبا",
         contact="\u202eevil", service="🔥")
def test_log_stores_text_exactly_or_refuses_it(d, title, description, reporter, contact, service):
    draft = IncidentDraft(title=title, category="Network", description=description, reporter_name=reporter,
                          reporter_contact=contact, service=service)
    inc = attempt(d.incidents.log_incident, actor=d.actor, draft=draft)
    if inc is None:
        return
    stored = d.incidents.get_incident(inc.key)
    assert stored.title == title.strip()
    assert stored.description == description
    assert stored.reporter_name == reporter.strip()
    assert stored.reporter_contact == contact.strip()
    assert stored.service == (service.strip() or None)
    assert d.incidents.timeline(inc.key)[-1].kind == "created"


@COMMON
@given(description=texty, title=hostile, comment=texty, note=hostile)
def test_edit_and_comment_store_text_exactly_or_refuse_it(d, description, title, comment, note):
    key = d.base_key
    before = d.incidents.get_incident(key)
    inc = attempt(d.incidents.edit_incident, actor=d.actor, key=key, expected_version=before.version,
                  changes={"description": description, "title": title})
    after = d.incidents.get_incident(key)
    if inc is None:
        assert after.version == before.version and after.description == before.description
    else:
        assert after.description == description and after.title == title.strip()
    event = attempt(d.incidents.comment, actor=d.actor, key=key, text=comment, work_note=bool(len(comment) % 2))
    if event is not None:
        assert event.note == comment.strip()
        assert d.incidents.timeline(key)[0].note == comment.strip()
    attempt(d.incidents.record_reporter_update, actor=d.actor, key=key, message=note)


# ---- every other entry point: keys, names, kinds, statuses ---------------------------------------------

@COMMON
@given(value=st.one_of(hostile, st.sampled_from(["INC-000001", "inc-1", "1", "0", "INC-" + "9" * 40, "-1", "1e3"])))
@example(value="\ud800")  # a lone surrogate as a name or a reason once reached SQLite unchecked
def test_keys_names_and_choices_never_crash(d, value):
    key = d.base_key
    incidents = d.incidents
    for read in (incidents.get_incident, incidents.timeline, incidents.links, incidents.watchers):
        attempt(read, value)
    w = lambda fn, *a, **kw: checked_write(d, key, fn, *a, **kw)  # noqa: E731
    w(incidents.link, actor=d.actor, key=key, other=value, kind="related")
    w(incidents.link, actor=d.actor, key=key, other=key, kind=value)
    w(incidents.assign, actor=d.actor, key=key, assignee=value)
    w(incidents.assign, actor=d.actor, key=key, assignee="alex", team=value)
    for field in ("category", "subcategory", "channel", "impact", "urgency", "priority", "override_reason",
                  "resolution_code"):
        current = incidents.get_incident(key)
        w(incidents.edit_incident, actor=d.actor, key=key, expected_version=current.version,
          changes={field: value})
    assert w(incidents.edit_incident, actor=d.actor, key=key, expected_version=1, changes={value: "x"}) is REFUSED
    before = incidents.count_incidents()
    logged = attempt(incidents.log_incident, actor=d.actor, draft=IncidentDraft(
        title="Hostile choices", category=value, subcategory=value, impact=value, urgency=value, channel=value,
        assignee=value, team=value, priority=value, override_reason=value))
    assert incidents.count_incidents() == before + (logged is not None)
    inc = incidents.log_incident(actor=d.actor, draft=IncidentDraft(title="For transitions", category="Network"))
    t = lambda **kw: checked_write(d, inc.key, incidents.transition, actor=d.actor, key=inc.key, **kw)  # noqa: E731
    t(to=value)
    t(to="resolved", duplicate_of=value)
    t(to="resolved", resolution_code=value, resolution_notes=value)
    t(to="cancelled", cancel_reason=value, note=value)
    t(to="on_hold", hold_reason=value)
    attempt(d.users.actor, value)
    users = len(d.users.list_users())
    added = attempt(d.users.add_user, actor=d.actor, username=value, display_name=value, email=value, role=value,
                    team=value)
    assert len(d.users.list_users()) == users + (added is not None)
    attempt(d.settings.add_category, actor=d.actor, name=value, parent=value or None)
    attempt(Sort, column=value)
    con = sqlite3.connect(d.db_file)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


# ---- the search box ------------------------------------------------------------------------------------

@COMMON
@given(text=texty)
@example(text='"')
@example(text="NEAR(quokkaflux scanner)")
@example(text="quokkaflux* OR 1=1")
@example(text="title:quokkaflux")
def test_search_box_never_crashes_and_finds_real_words(d, text):
    filters = IncidentFilter(text=text)
    rows = attempt(d.incidents.list_incidents, filters=filters, sort=Sort(), limit=50)
    assert rows is not None, "search raised an error for plain text"
    attempt(d.incidents.count_incidents, filters=filters)
    attempt(d.incidents.similar_open, text)
    # FTS syntax in the box is only ever words: the stored incident with a typed word is found.
    query = search.fts5_query(text)
    assert query is None or all(part.startswith('"') for part in query.replace(" OR ", " ").split(" "))
    found = d.incidents.list_incidents(filters=IncidentFilter(text=f"{text} quokkaflux"), limit=50)
    if not search.search_terms(text):
        assert d.search_key in {r.key for r in found}


# ---- dates --------------------------------------------------------------------------------------------

@COMMON
@given(raw=st.one_of(hostile, st.sampled_from(["2026-02-30", "2026-13-01", "24:00", "2026-11-02T25:61",
                                                "0000-00-00", "9999-12-31T23:59:59+14:00", "1970-01-01T00:00Z",
                                                "2026-11-02T09:00+24:00", "yesterday", "", "  ", "Z"])))
def test_cli_dates_parse_or_refuse_in_one_sentence(raw):
    try:
        value = parse_time(raw, what="--opened-at time")
    except CliError as exc:
        assert "is not a valid --opened-at time" in str(exc) or "outside the years 1970 to 2200" in str(exc)
        return
    assert value.tzinfo is not None


@COMMON
@given(when=st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30),
                         timezones=st.one_of(st.none(), st.timezones())))
def test_any_opening_time_is_stored_to_the_second_or_refused(d, when):
    inc = attempt(d.incidents.log_incident, actor=d.actor,
                  draft=IncidentDraft(title="Dated report", category="Network", opened_at=when))
    if inc is not None:
        # Compare instants: Python never calls a time in a repeated (fall-back) hour equal to one in
        # another zone, even when both name the same instant (PEP 495).
        assert inc.opened_at.timestamp() == when.replace(microsecond=0).timestamp()
        assert datetime(1970, 1, 1, tzinfo=UTC) <= inc.opened_at <= \
            datetime(2026, 11, 2, 9, 5, tzinfo=UTC)


# ---- the same through the real CLI: a few nasty ones end to end -----------------------------------

NASTY = ["'; DROP TABLE incident; --", 'NEAR("a" b) OR title:*', "\u202eevil.exe\u202c 🔥 مرحبا",
         "tab\there", "x" * 199]


@pytest.mark.parametrize("text", NASTY)
def test_cli_round_trip_of_nasty_text(tmp_path, text):
    db = tmp_path / "desk.db"
    assert run_cli(db, "init").returncode == 0
    logged = run_cli(db, "log", "--title", text, "--category", "Network", "--description", text + "\n" + text,
                     "--json")
    if "\t" in text or "\u202e" in text:  # a title is one plain line: refused in one sentence, nothing written
        assert_one_line_error(logged, "control characters")
        return
    assert logged.returncode == 0, logged.stderr
    import json
    key = json.loads(logged.stdout)["key"]
    assert run_cli(db, "comment", key, text).returncode == 0
    shown = json.loads(run_cli(db, "show", key, "--json").stdout)
    assert shown["title"] == text and shown["description"] == text + "\n" + text
    assert shown["timeline"][0]["note"] == text
    listed = run_cli(db, "list", "--text", text, "--json")
    assert listed.returncode == 0, listed.stderr


def test_cli_text_that_is_not_utf8_is_bad_input(tmp_path):
    db = tmp_path / "desk.db"
    assert run_cli(db, "init").returncode == 0
    assert run_cli(db, "log", "--title", "Fine", "--category", "Network").returncode == 0
    before = logical_dump(db)
    bad = b"caf\xe9 \xff".decode("utf-8", "surrogateescape")  # what Python makes of Latin-1 bytes in argv
    for args in (["log", "--title", bad, "--category", "Network"], ["comment", "INC-000001", bad],
                 ["assign", "INC-000001", bad], ["edit", "INC-000001", "--description", bad]):
        assert_one_line_error(run_cli(db, *args), "not valid UTF-8")
    assert logical_dump(db) == before
