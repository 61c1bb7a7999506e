"""A SQLite path named by --db or $INCIDENT_DESK_DB that holds no desk is refused, not made into an empty
one; `init`, `demo` and `import` make one there, and the default desk is still made on first use."""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
from pathlib import Path

import pytest

from incident_desk.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "transfer"


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def _tables(path: Path) -> set[str]:
    con = sqlite3.connect(path)
    try:
        return {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        con.close()


@pytest.fixture(autouse=True)
def _no_env_database(monkeypatch, tmp_path):
    monkeypatch.delenv("INCIDENT_DESK_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.mark.parametrize("command", [
    ["list"], ["show", "INC-000001"], ["log", "--title", "Printer on fire", "--category", "Hardware"],
    ["users", "add", "alex", "--role", "agent"], ["metrics"], ["escalate", "--once"], ["export", "json", "out.json"],
    ["backup", "copy.db"],
], ids=lambda c: c[0] if c[0] != "users" else "users-add")
def test_a_command_on_a_mistyped_path_says_so_and_makes_nothing(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    typo = tmp_path / "dsek.db"
    code, out, err = _run("--db", typo, *command)
    assert (code, out) == (2, "")
    assert err == (f"incident-desk: There is no desk at {typo}: check the path, or make one there with `init`, "
                   "`demo` or `import`.\n")
    made = [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()]
    assert made == []  # no desk, no -wal or -shm, no copy, no export, no default desk instead


def test_the_environment_variable_and_a_sqlite_url_are_names_too(tmp_path, monkeypatch):
    typo = tmp_path / "dsek.db"
    monkeypatch.setenv("INCIDENT_DESK_DB", str(typo))
    code, _out, err = _run("list")
    assert code == 2 and f"There is no desk at {typo}:" in err
    monkeypatch.delenv("INCIDENT_DESK_DB")
    code, _out, err = _run("--db", f"sqlite:///{typo}", "list")
    assert code == 2 and f"There is no desk at {typo}:" in err
    assert not typo.exists()


def test_init_makes_an_empty_desk_once(tmp_path):
    path = tmp_path / "desk.db"
    assert _run("--db", path, "init") == (0, f"Made an empty desk at {path}.\n", "")
    assert {"incident", "event", "user"} <= _tables(path)
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT count(*) FROM incident").fetchone() == (0,)
    finally:
        con.close()
    before = path.read_bytes()
    code, out, err = _run("--db", path, "init")
    assert (code, out, err) == (2, "", f"incident-desk: There is already a desk at {path}; nothing was changed.\n")
    assert path.read_bytes() == before
    code, out, _err = _run("--db", path, "log", "--title", "Printer on fire", "--category", "Hardware")
    assert code == 0 and "INC-000001" in out


def test_init_with_an_admin_is_for_team_databases(tmp_path):
    path = tmp_path / "desk.db"
    code, out, err = _run("--db", path, "init", "--admin", "ann")
    assert (code, out) == (2, "")
    assert "a SQLite desk signs nobody in" in err and err.count("\n") == 1
    assert not path.exists()


def test_demo_and_import_make_the_desk_they_fill(tmp_path):
    demo = tmp_path / "demo.db"
    code, _out, err = _run("--db", demo, "demo", "--count", "5")
    assert code == 0, err
    con = sqlite3.connect(demo)
    try:
        assert con.execute("SELECT count(*) FROM incident").fetchone() == (5,)
    finally:
        con.close()
    imported = tmp_path / "imported.db"
    code, out, err = _run("--db", imported, "import", "pagerduty", FIXTURES / "pagerduty.csv", "--tz", "UTC",
                          "--value", "priority:=P3", "--json")
    assert code == 0, err
    assert json.loads(out)["counts"]["new"] == 4
    con = sqlite3.connect(imported)
    try:
        assert con.execute("SELECT count(*) FROM incident WHERE source = 'pagerduty'").fetchone() == (4,)
    finally:
        con.close()


def test_the_default_desk_is_still_made_on_first_use(tmp_path):
    """No --db, no $INCIDENT_DESK_DB and no choice remembered: the desk in the user's data folder, zero set-up."""
    code, out, err = _run("log", "--title", "Printer on fire", "--category", "Hardware")
    assert code == 0, err
    made = list((tmp_path / "data").rglob("*.db"))
    assert len(made) == 1 and "INC-000001" in out
