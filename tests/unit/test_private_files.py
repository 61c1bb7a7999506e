"""Private by default: databases, their -wal/-shm, backups and settings are 0600 in 0700 folders; odd --db
values are named for what they are; a read-only database can still be read."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from incident_desk import config
from incident_desk.services.desk import Desk
from incident_desk.services.incidents import IncidentDraft
from incident_desk.storage.database import redact_url
from tests.reliability.reliability_tools import (
    assert_one_line_error,
    file_digest,
    make_demo_db,
    read_only_database,
    run_cli,
)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_database_and_its_wal_and_shm_are_owner_only(tmp_path, clock):
    path = tmp_path / "desk.db"
    desk = Desk.open(str(path), clock=clock)
    try:
        desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(title="Private", category="Network"))
        # While it is open, SQLite's own files exist beside it.
        assert {p.name: mode(p) for p in tmp_path.iterdir()} == {
            "desk.db": 0o600, "desk.db-wal": 0o600, "desk.db-shm": 0o600}
    finally:
        desk.close()


def test_an_old_world_readable_database_becomes_owner_only(tmp_path):
    path = make_demo_db(tmp_path / "desk.db", count_=3)
    os.chmod(path, 0o644)  # as releases before schema 9 created it
    assert run_cli(path, "list").returncode == 0
    assert mode(path) == 0o600


def test_the_backup_made_before_an_upgrade_is_owner_only(tmp_path):
    path = make_demo_db(tmp_path / "desk.db", count_=3)
    con = sqlite3.connect(path)
    with con:  # as release 8 left it
        con.execute("DROP TABLE audit")
        con.execute("UPDATE schema_info SET value = '8' WHERE key = 'schema_version'")
    con.close()
    desk = Desk.open(str(path))
    try:
        assert desk.store.backup_path is not None and mode(desk.store.backup_path) == 0o600
    finally:
        desk.close()


def test_the_default_data_folder_is_owner_only(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    path = config.default_db_path()
    assert path.parent == tmp_path / "data" / "incident-desk"
    assert mode(path.parent) == 0o700


def test_odd_db_values_are_named_for_what_they_are(tmp_path):
    # Were /dev/null missing, the desk would rightly create a database there: check the machine first.
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode), "/dev/null is not a device on this machine"
    assert_one_line_error(run_cli("/dev/null", "list"), "/dev/null is a device or other special file")
    assert_one_line_error(run_cli("/dev/null", "log", "--title", "x", "--category", "Network"),
                          "not a database file")
    for value in (":memory:", "sqlite:///:memory:", "file::memory:?cache=shared"):
        assert_one_line_error(run_cli(value, "list"), "in-memory database that keeps nothing")


def test_a_read_only_database_lists_and_shows_but_writes_nothing(tmp_path):
    db = make_demo_db(tmp_path / "desk.db", count_=5)
    with read_only_database(db) as (path, method):
        before = file_digest(path)
        listed = run_cli(path, "list")
        shown = run_cli(path, "show", "INC-000001")
        assert listed.returncode == 0 and "INC-000005" in listed.stdout, (method, listed.stderr)
        assert shown.returncode == 0 and "INC-000001" in shown.stdout, (method, shown.stderr)
        assert_one_line_error(run_cli(path, "comment", "INC-000001", "hello"), "read-only", "nothing was changed")
        assert file_digest(path) == before, method


@pytest.mark.parametrize("url, shown", [
    ("postgresql://desk:s3cr3t-pw@db.example.org:5432/incidents", "postgresql://desk:***@db.example.org:5432/incidents"),
    ("postgresql://desk:p%40ss@localhost/x", "postgresql://desk:***@localhost/x"),
    ("postgresql://desk@localhost/x", "postgresql://desk@localhost/x"),
    ("/home/ann/desk.db", "/home/ann/desk.db"),
])
def test_a_password_in_a_url_is_never_shown(url, shown):
    assert redact_url(url) == shown


def test_a_url_naming_no_database_keeps_its_password_to_itself(tmp_path):
    result = run_cli("postgresql://desk:s3cr3t-pw@127.0.0.1:1/", "list")
    assert result.returncode == 2 and "s3cr3t-pw" not in result.stderr and "***" in result.stderr


def test_tests_keep_their_databases_and_backups_out_of_the_users_data_folder():
    """Every window a test opens makes its daily backup in the data folder: under the tests it is a folder
    of theirs, never the user's own (~/.local/share/incident-desk)."""
    real = Path(os.path.expanduser("~")) / ".local" / "share"
    folder = config.data_dir(create=False)
    assert real not in folder.parents, f"the tests' data folder is the user's: {folder}"
    assert config.backups_dir().is_relative_to(folder)
