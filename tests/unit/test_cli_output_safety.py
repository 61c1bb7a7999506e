"""What people typed reaches the terminal as text: escape sequences are shown escaped, a line break in a
one-line field cannot forge a row, and --json still carries the exact text."""

from __future__ import annotations

import json

import pytest

from tests.reliability.reliability_tools import make_demo_db, run_cli

# A window-title change, clear-screen, hidden text, a C1 CSI, a bidi override and a forged row.
TITLE_OSC = "\x1b]0;pwned\x07Printer"
DESCRIPTION = "Line one\n\x1b[2J\x1b[8mhidden\x1b[0m\nLine \u202eevil"
CONTACT = "ann@example.org\r\nINC-999999  P1   New     -             2026-01-01 00:00  Forged row"
NOTE = "Rebooted\x9b31mred\nTimeline (newest first):"
NAME = "Evil \x1b[1;31mAdmin\x07"
ESCAPES = ("\x1b", "\x07", "\x9b", "\u202e", "\r")


def _build(template) -> None:
    """Rows as an older release or an import could have stored them (the services refuse most of this now)."""
    make_demo_db(template, count_=5)
    assert run_cli(template, "comment", "INC-000001", "placeholder").returncode == 0
    con = template.connect()
    try:
        con.execute("UPDATE incident SET title = ?, description = ?, reporter_contact = ?, reporter_name = ? "
                    "WHERE id = 1", (TITLE_OSC, DESCRIPTION, CONTACT, NAME))
        con.execute("UPDATE event SET note = ? WHERE incident_id = 1 AND kind = 'comment'", (NOTE,))
        # The first account: the local desk's own on SQLite, the team's admin on PostgreSQL.
        con.execute('UPDATE "user" SET display_name = ? WHERE id = (SELECT MIN(id) FROM "user")', (NAME,))
        con.commit()
    finally:
        con.close()


@pytest.fixture
def db(backend, backend_templates):
    return backend.copy_of(backend_templates.get(backend, _build))


def _clean(text: str) -> None:
    for ch in ESCAPES:
        assert ch not in text, f"{ch!r} reached the terminal"


def test_show_prints_every_field_escaped_and_one_row_per_field(db):
    out = run_cli(db, "show", "INC-000001").stdout
    _clean(out)
    assert "\\x1b]0;pwned\\x07Printer" in out
    [reporter] = [line for line in out.splitlines() if line.startswith("Reporter")]
    assert reporter.endswith("<ann@example.org\\r\\nINC-999999  P1   New     -             2026-01-01 00:00  "
                             "Forged row>")
    assert not any(line.startswith("INC-999999") for line in out.splitlines())
    # The description stays a block of its own lines, each indented, control characters escaped.
    assert "    Line one\n    \\x1b[2J\\x1b[8mhidden\\x1b[0m\n    Line \\u202eevil" in out
    # A line break in a comment cannot start a fake section.
    assert "Rebooted\\x9b31mred\\nTimeline (newest first):" in out
    assert [line for line in out.splitlines() if line.startswith("Timeline")] == ["Timeline (newest first):"]


def test_list_and_users_list_escape_too(db):
    listed = run_cli(db, "list", "--limit", "10").stdout
    _clean(listed)
    assert "\\x1b]0;pwned\\x07Printer" in listed
    users = run_cli(db, "users", "list").stdout
    _clean(users)
    assert "Evil \\x1b[1;31mAdmin\\x07" in users


def test_json_carries_the_exact_text(db):
    data = json.loads(run_cli(db, "show", "INC-000001", "--json").stdout)
    assert (data["title"], data["description"], data["reporter_contact"]) == (TITLE_OSC, DESCRIPTION, CONTACT)
    assert NOTE in [e["note"] for e in data["timeline"]]
    assert NAME in [u["display_name"] for u in json.loads(run_cli(db, "users", "list", "--json").stdout)]


def test_problems_postmortems_and_action_items_escape_too(tmp_path):
    """The closure commands print titles, descriptions, workarounds and postmortem text people typed:
    the same escapes as show (problem show printed a workaround's clear-screen raw)."""
    import sqlite3
    db = make_demo_db(tmp_path / "desk.db", count_=5)
    resolved = "INC-000001"  # closed in the five-incident demo
    for args in (["problem", "new", "--title", "Disk fills", "--incident", resolved, "--workaround", "Move it"],
                 ["postmortem", "start", resolved], ["action", "add", "--title", "Fix it", "--incident", resolved]):
        result = run_cli(db, *args)
        assert result.returncode == 0, (args, result.stderr)
    con = sqlite3.connect(db)
    with con:
        con.execute("UPDATE problem SET title = ?, description = ?, workaround = ?", (TITLE_OSC, DESCRIPTION, CONTACT))
        con.execute("UPDATE postmortem SET summary = ?, impact_who = ?", (DESCRIPTION, CONTACT))
        con.execute("UPDATE postmortem_entry SET text = ?", (NOTE,))
        con.execute("UPDATE action_item SET title = ?", (TITLE_OSC,))
        con.execute("UPDATE incident SET title = ? WHERE key = ?", (TITLE_OSC, resolved))
    con.close()
    for args in (["problem", "list"], ["problem", "show", "PRB-000001"], ["postmortem", "list"],
                 ["postmortem", "show", resolved], ["action", "list"]):
        result = run_cli(db, *args)
        assert result.returncode == 0, (args, result.stderr)
        _clean(result.stdout)
        assert "\\x1b]0;pwned\\x07Printer" in result.stdout or "\\x1b[2J" in result.stdout, (args, result.stdout)
        assert not any(line.startswith("INC-999999") for line in result.stdout.splitlines()), args


def test_an_import_report_quotes_the_files_values_escaped(tmp_path):
    """A refused import lists the values it could not map and the --value lines that would: a value
    carrying a clear-screen or a window title reached the terminal raw in those lines."""
    db = make_demo_db(tmp_path / "desk.db", count_=2)
    csv = tmp_path / "evil.csv"
    csv.write_text("key,title,status,opened_at,category\n"
                   f"X-1,\"{TITLE_OSC}\",bogus\x1b[2Jstatus,2026-11-01T10:00Z,Network\n", encoding="utf-8")
    result = run_cli(db, "import", "csv", str(csv), "--map", "key=key", "--map", "title=title", "--map",
                     "status=status", "--map", "opened_at=opened_at", "--map", "category=category", "--dry-run")
    assert result.returncode == 2
    _clean(result.stdout + result.stderr)
    assert "bogus\\x1b[2Jstatus" in result.stderr
