"""Bad input through the real CLI: exit status 2, one clear line on stderr, and the database unchanged, on
SQLite and PostgreSQL; what only a SQLite file can be (a text file, a folder, read-only, locked) on SQLite."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import time

import pytest

from tests.reliability.reliability_tools import (
    BUSY_TIMEOUT_S,
    PYTHON,
    ROOT,
    assert_one_line_error,
    cli_env,
    file_digest,
    lock_holder,
    make_demo_db,
    read_only_database,
    run_cli,
    start_cli,
)

FRESH = "INC-000301"  # logged by the template below: status New, version 2


def _build(template) -> None:
    make_demo_db(template)
    assert run_cli(template, "users", "add", "alex", "--role", "agent", "--team", "Service Desk").returncode == 0
    result = run_cli(template, "log", "--title", "Fresh incident", "--category", "Network", "--subcategory", "VPN")
    assert result.returncode == 0 and FRESH in result.stdout, result.stderr
    assert run_cli(template, "edit", FRESH, "--urgency", "high").returncode == 0  # now at version 2


@pytest.fixture
def db(backend, backend_templates):
    """A copy of the module's demo database (300 incidents, alex, FRESH) of this test's backend."""
    return backend.copy_of(backend_templates.get(backend, _build))


def bad(args, message, *, id, signs_in=True, audited=()):
    """A case: its arguments, the error's words, whether the command gets as far as signing in (argparse
    refuses first) and what a team database puts on its audit trail besides the sign-in."""
    return pytest.param(args, message, signs_in, audited, id=id)


BAD_INPUT = [
    bad(["log", "--title", "Printer on fire", "--category", "Plumbing"], "Unknown category 'Plumbing'",
        id="unknown-category"),
    bad(["log", "--title", "Printer on fire", "--category", "Printing", "--subcategory", "Toaster"],
        "Unknown subcategory 'Toaster'", id="unknown-subcategory"),
    bad(["log", "--title", "   ", "--category", "Network"], "title is empty", id="empty-title"),
    bad(["log", "--title", "x" * 201, "--category", "Network"], "keep it under 201", id="long-title"),
    bad(["log", "--title", "Bad\nbreak", "--category", "Network"], "control characters",
        id="title-with-line-break"),
    bad(["log", "--title", "VPN down", "--category", "Network", "--impact", "huge"], "Unknown level 'huge'",
        id="unknown-level"),
    bad(["log", "--title", "VPN down", "--category", "Network", "--channel", "pigeon"],
        "Unknown contact channel 'pigeon'", id="unknown-channel"),
    bad(["log", "--title", "VPN down", "--category", "Network", "--assignee", "ghost"],
        "There is no user 'ghost'", id="unknown-assignee"),
    bad(["log", "--title", "VPN down", "--category", "Network", "--opened-at", "2026-13-45"],
        "'2026-13-45' is not a valid --opened-at time", id="bad-date"),
    bad(["log", "--title", "VPN down", "--category", "Network", "--opened-at", "yesterday"],
        "not a valid --opened-at time", id="bad-date-words"),
    bad(["log", "--title", "VPN down", "--category", "Network", "--opened-at", "2199-01-01T00:00Z"],
        "in the future", id="future-date"),
    bad(["log", "--title", "VPN down", "--category", "Network", "--opened-at", "1969-12-31T00:00Z"],
        "outside the years 1970 to 2200", id="ancient-date"),
    bad(["list", "--from", "2026-02-30"], "not a valid --from date", id="bad-list-date"),
    bad(["list", "--from", "2026-03-01", "--to", "2026-02-01"], "--to must be later", id="reversed-range"),
    bad(["list", "--status", "sleeping"], "Unknown status 'sleeping'", id="unknown-list-status"),
    bad(["list", "--sort", "colour"], "Cannot sort by 'colour'", id="unknown-sort"),
    bad(["list", "--limit", "0"], "--limit must be between", id="bad-limit", signs_in=False),
    bad(["show", "INC-999999"], "There is no incident INC-999999", id="unknown-key"),
    bad(["show", "banana"], "'banana' is not an incident key", id="malformed-key"),
    bad(["show", "INC\n1\x1b[31m"], "'INC\\n1\\x1b[31m' is not an incident key",
        id="key-with-line-break-stays-one-escaped-line"),
    bad(["edit", "INC-999999", "--title", "x"], "There is no incident INC-999999", id="edit-unknown-key"),
    bad(["comment", "INC-999999", "hello"], "There is no incident INC-999999", id="comment-unknown-key"),
    bad(["comment", FRESH, "   "], "The comment is empty", id="empty-comment"),
    bad(["transition", "INC-999999", "acknowledged"], "There is no incident INC-999999",
        id="transition-unknown-key"),
    bad(["transition", FRESH, "closed"], "Cannot move an incident from New to Closed",
        id="illegal-transition"),
    bad(["transition", FRESH, "flying"], "Unknown status 'flying'", id="unknown-status"),
    bad(["transition", FRESH, "resolved", "--duplicate-of", FRESH], "duplicate of itself",
        id="duplicate-of-itself"),
    bad(["link", FRESH, "related", FRESH], "cannot be linked to itself", id="link-to-itself"),
    bad(["link", FRESH, "sibling_of", "INC-000001"], "Unknown link kind 'sibling_of'",
        id="unknown-link-kind"),
    bad(["assign", FRESH, "ghost"], "There is no user 'ghost'", id="assign-unknown-user"),
    bad(["edit", FRESH, "--title", "Changed meanwhile", "--expect-version", "1"],
        "was changed by", id="conflict-edit"),
    bad(["transition", FRESH, "acknowledged", "--expect-version", "1"], "was changed by",
        id="conflict-transition"),
    bad(["edit", FRESH], "Nothing to change", id="edit-nothing"),
    bad(["--user", "alex", "transition", FRESH, "cancelled", "--reason", "dup"],
        "only a lead or above may cancel incidents", id="permission-denied",
        audited=[("alex", "auth.refused", "incident.cancel: alex is an agent; only a lead or above may cancel "
                                 "incidents.")]),
    bad(["log", "--category", "Network"], "the following arguments are required: --title",
        id="missing-argument", signs_in=False),
    bad(["frobnicate"], "invalid choice", id="unknown-command", signs_in=False),
]


@pytest.mark.parametrize("args, message, signs_in, audited", BAD_INPUT)
def test_bad_input_is_one_line_exit_2_and_changes_nothing(db, args, message, signs_in, audited):
    before = db.content()
    result = run_cli(db, *args)
    assert_one_line_error(result, message, code=2)
    db.assert_unchanged(before, sign_ins=int(signs_in), audited=audited)


def test_an_unknown_acting_user_is_refused_and_only_the_refusal_recorded(db):
    """A SQLite desk acts as a named account that exists; a team database signs the name in, refuses it
    without saying whether the account exists, and keeps the attempt on its audit trail."""
    before = db.content()
    result = run_cli(db, "--user", "ghost", "show", FRESH)
    if not db.is_team:
        assert_one_line_error(result, "There is no user 'ghost'", code=2)
        db.assert_unchanged(before)
        return
    assert_one_line_error(result, "Wrong user name or password", code=2)
    db.assert_unchanged(before, sign_ins=0, audited=[("ghost", "auth.sign_in_failed", "ghost: no such account")])


def test_the_conflict_line_names_who_changed_what(db):
    line = assert_one_line_error(run_cli(db, "edit", FRESH, "--title", "Stale", "--expect-version", "1"))
    assert FRESH in line and "urgency" in line and "after you read it" in line and "nothing was saved" in line


def test_good_input_on_the_same_database_still_works(db):
    """The bad-input cases above fail for their reason, not because the database is unusable."""
    assert run_cli(db, "edit", FRESH, "--title", "Changed", "--expect-version", "2").returncode == 0
    assert run_cli(db, "transition", FRESH, "acknowledged").returncode == 0
    assert run_cli(db, "show", FRESH).returncode == 0


# ---- the database itself is the problem -------------------------------------------------------------

def test_a_text_file_is_not_a_database(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("Shopping list\n- milk\n- eggs\n")
    before = file_digest(path)
    for args in (["list"], ["log", "--title", "x", "--category", "Network"]):
        assert_one_line_error(run_cli(path, *args), "not an Incident Desk database")
    assert file_digest(path) == before


def test_another_programs_sqlite_file_is_refused_untouched(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE recipe (id INTEGER PRIMARY KEY, name TEXT)")
    con.execute("INSERT INTO recipe (name) VALUES ('pancakes')")
    con.commit()
    con.close()
    before = file_digest(path)
    assert_one_line_error(run_cli(path, "log", "--title", "x", "--category", "Network"),
                          "not an Incident Desk database")
    assert file_digest(path) == before


def test_a_folder_is_not_a_database(tmp_path):
    assert_one_line_error(run_cli(tmp_path, "list"), "is a folder")


def test_a_missing_folder_is_named(tmp_path):
    assert_one_line_error(run_cli(tmp_path / "nope" / "desk.db", "list"), "does not exist")


READ_ONLY_WRITES = (["log", "--title", "x", "--category", "Network"], ["comment", FRESH, "hello"],
                    ["edit", FRESH, "--title", "y"])


def test_read_only_database_is_refused_and_unchanged(db):
    """A read-only file (and folder) on SQLite; on PostgreSQL a database whose sessions are read-only
    (default_transaction_read_only, as a standby's are)."""
    if not db.is_team:
        with read_only_database(db.path) as (path, method):
            before = file_digest(path)
            for args in READ_ONLY_WRITES:
                assert_one_line_error(run_cli(path, *args), "read-only")
            assert file_digest(path) == before, method
        return
    argv = db.cli_args()  # gives the admin a password if need be: before the database turns read-only
    name = db.url.rsplit("/", 1)[1]
    db.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
    before = db.content()
    for args in READ_ONLY_WRITES:
        result = subprocess.run([PYTHON, "-m", "incident_desk", *argv, *args], capture_output=True, text=True,
                                timeout=60, env=db.cli_env(cli_env()), cwd=str(ROOT))
        assert_one_line_error(result, "The database is read-only; nothing was changed.")
    # Not even a sign-in record: a read-only team database cannot keep one, so it signs nobody in.
    db.assert_unchanged(before, sign_ins=0)


@contextlib.contextmanager
def _write_lock_held(db):
    """Another program holds the write lock: BEGIN EXCLUSIVE on SQLite; on PostgreSQL a session locking
    the incident table against every writer (readers pass, as WAL lets them on SQLite)."""
    if not db.is_team:
        with lock_holder(db.path):
            yield
        return
    con = db.connect()
    try:
        con.execute("BEGIN")
        con.execute("LOCK TABLE incident IN EXCLUSIVE MODE")
        yield
    finally:
        con.execute("ROLLBACK")
        con.close()


@pytest.mark.slow
def test_locked_database_waits_for_the_busy_timeout_then_says_so(db):
    """Another program holds the write lock for longer than 5 s: writers wait, then fail in one line."""
    before = db.content()
    writes = (["log", "--title", "Blocked", "--category", "Network"], ["comment", FRESH, "blocked"],
              ["edit", FRESH, "--title", "Blocked"], ["transition", FRESH, "acknowledged"])
    with _write_lock_held(db):
        started = time.monotonic()
        procs = [start_cli(db, *args) for args in writes]
        # A reader is not a writer: show works while the lock is held.
        reader = start_cli(db, "show", FRESH)
        out, err = reader.communicate(timeout=30)
        assert reader.returncode == 0, err
        assert "Fresh incident" in out
        results = []
        for proc in procs:
            out, err = proc.communicate(timeout=30)
            results.append(type("R", (), {"returncode": proc.returncode, "stdout": out, "stderr": err}))
        elapsed = time.monotonic() - started
    assert elapsed >= BUSY_TIMEOUT_S - 0.5  # they waited instead of failing at once
    for result in results:
        assert_one_line_error(result, "is locked by another program", "try again")
    db.assert_unchanged(before, sign_ins=len(writes) + 1)
    # Once the other program is done, the same command goes through.
    assert run_cli(db, "comment", FRESH, "now it works").returncode == 0
