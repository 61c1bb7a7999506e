"""Two connections on one file: optimistic-lock conflicts, IMMEDIATE writes that queue, data_version."""

from __future__ import annotations

import sqlite3
import subprocess
import threading
import time

import pytest

from incident_desk.services.errors import ConflictError
from incident_desk.services.incidents import IncidentDraft
from tests.reliability.reliability_tools import PYTHON, ROOT, cli_env, integrity, run_cli

# One SQLite file's locking and data_version; PostgreSQL's concurrent desks: tests/integration/test_postgres_team.py.
pytestmark = pytest.mark.sqlite_only


def _log(desk, title="Printer queue stuck"):
    return desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(title=title, category="Printing"))


def test_stale_edit_after_another_process_saved_is_a_conflict_and_writes_nothing(desk, db_path):
    inc = _log(desk)
    mine = desk.incidents.get_incident(inc.key)  # the editor's copy, version 1
    other = run_cli(db_path, "edit", inc.key, "--title", "Printer queue stuck on floor 3")
    assert other.returncode == 0, other.stderr
    with pytest.raises(ConflictError) as caught:
        desk.incidents.edit_incident(actor=desk.actor, key=inc.key, expected_version=mine.version,
                                     changes={"description": "Mine, typed on a stale copy", "urgency": "high"})
    assert caught.value.current_version == 2
    assert "title" in str(caught.value) and "nothing was saved" in str(caught.value)
    assert [c.field for c in caught.value.changes] == ["title"]
    now = desk.incidents.get_incident(inc.key)
    assert (now.title, now.description, now.urgency.name, now.version) == \
        ("Printer queue stuck on floor 3", "", "MEDIUM", 2)
    # Re-applied on the fresh version, the same edit goes through.
    saved = desk.incidents.edit_incident(actor=desk.actor, key=inc.key, expected_version=2,
                                         changes={"description": "Mine, typed on a stale copy"})
    assert saved.version == 3 and saved.title == "Printer queue stuck on floor 3"


def test_stale_transition_and_comment_race(desk, db_path):
    inc = _log(desk)
    assert run_cli(db_path, "comment", inc.key, "Called the vendor").returncode == 0
    with pytest.raises(ConflictError):
        desk.incidents.transition(actor=desk.actor, key=inc.key, to="acknowledged", expected_version=1)
    assert desk.incidents.get_incident(inc.key).status.slug == "new"


def test_a_write_waits_for_another_connections_lock_instead_of_failing(desk, db_path):
    """A second sqlite3 connection holds the write lock for 1.5 s: the desk's write queues, then commits."""
    inc = _log(desk)
    other = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE user SET display_name = 'Held by the other connection'")
    released = threading.Event()

    def release():
        time.sleep(1.5)
        other.execute("COMMIT")
        released.set()

    threading.Thread(target=release, daemon=True).start()
    started = time.monotonic()
    desk.incidents.comment(actor=desk.actor, key=inc.key, text="Written after the wait")
    waited = time.monotonic() - started
    assert released.is_set() and waited >= 1.2
    assert desk.incidents.timeline(inc.key)[0].note == "Written after the wait"
    assert desk.store.db.execute_sql("SELECT display_name FROM user LIMIT 1").fetchone()[0] == \
        "Held by the other connection"
    other.close()


def test_data_version_moves_when_another_process_commits(desk, db_path):
    inc = _log(desk)
    before = desk.store.data_version()
    assert run_cli(db_path, "comment", inc.key, "From the other desk").returncode == 0
    assert desk.store.data_version() != before


_BURST = r"""
import sys
from incident_desk.services.desk import Desk
from incident_desk.services.incidents import IncidentDraft
desk = Desk.open(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()
for i in range(int(sys.argv[3])):
    inc = desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
        title=f"{sys.argv[2]} {i}", category="Network", description="x" * (i % 7) * 500))
    desk.incidents.comment(actor=desk.actor, key=inc.key, text=f"{sys.argv[2]} comment {i}")
    desk.incidents.transition(actor=desk.actor, key=inc.key, to="acknowledged")
print("done", flush=True)
"""


@pytest.mark.slow
def test_two_processes_writing_at_once_all_succeed(tmp_path):
    db = tmp_path / "busy.db"
    assert run_cli(db, "init").returncode == 0
    n = 150
    procs = [subprocess.Popen([PYTHON, "-c", _BURST, str(db), name, str(n)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env(),
                              cwd=str(ROOT)) for name in ("left", "right")]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
    for proc in procs:
        proc.stdin.write("\n")
        proc.stdin.flush()
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0 and out.strip() == "done", err  # no "locked", no BUSY_SNAPSHOT
        assert err == ""
    assert integrity(db) == "ok"
    con = sqlite3.connect(db)
    for name in ("left", "right"):
        assert con.execute("SELECT count(*) FROM incident WHERE title LIKE ? AND status = 20 AND version = 3",
                           (f"{name} %",)).fetchone()[0] == n
    assert con.execute("SELECT count(*) FROM event").fetchone()[0] == 2 * n * 3
    con.close()
