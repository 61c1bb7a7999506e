"""The background checkpointer keeps checkpointing while a busy writer keeps it from merging the search index."""

from __future__ import annotations

import sqlite3
import threading
import time

from incident_desk.storage import database


def test_a_held_write_lock_skips_the_merge_but_not_the_checkpoint(tmp_path, monkeypatch):
    monkeypatch.setattr(database.Checkpointer, "INTERVAL_S", 0.05)
    path = tmp_path / "desk.db"
    store = database.open_database(str(path))
    try:
        assert store.checkpointer is not None
        raw = sqlite3.connect(str(path), isolation_level=None)
        raw.execute("CREATE TABLE filler (x BLOB)")
        time.sleep(0.3)  # a round or more: the table's page is in the file now
        before = path.stat().st_size
        # Some 400 KiB committed to the WAL, then the write lock held as a busy writer holds it (the merge
        # needs it and gives up after 50 ms; a PASSIVE checkpoint does not need it).
        raw.execute("BEGIN IMMEDIATE")
        raw.executemany("INSERT INTO filler VALUES (?)", [(b"x" * 4000,) for _ in range(100)])
        raw.execute("COMMIT")
        raw.execute("BEGIN IMMEDIATE")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and path.stat().st_size < before + 400_000:
            time.sleep(0.05)
        # The file itself grew: its pages were copied out of the WAL while the lock was held.
        assert path.stat().st_size >= before + 400_000
        raw.execute("ROLLBACK")
        raw.close()
    finally:
        store.close()


def test_a_write_in_this_process_waits_for_the_merge_step_and_goes_when_it_ends(tmp_path):
    # The gate is what a merge step holds: while it is held, this process's writers queue behind it
    # (and wake the moment it is released, not after SQLite's busy handler's next sleep).
    path = tmp_path / "desk.db"
    store = database.open_database(str(path))
    try:
        raw = sqlite3.connect(str(path))
        raw.execute("CREATE TABLE probe (value TEXT)")
        raw.commit()
        gate = store.checkpointer.gate
        assert gate.acquire(timeout=5)
        done = threading.Event()

        def write():
            with store.write():
                store.db.execute_sql("INSERT INTO probe (value) VALUES ('1')")
            done.set()

        writer = threading.Thread(target=write)
        writer.start()
        assert not done.wait(0.3)  # held: the write has not begun
        gate.release()
        assert done.wait(5)
        writer.join(5)
        assert raw.execute("SELECT value FROM probe").fetchall() == [("1",)]
        raw.close()
        # Nested writes do not take it again (a thread holding it would wait for itself).
        with store.write(), store.write():
            store.db.execute_sql("UPDATE probe SET value = '2'")
        assert gate.acquire(timeout=0)  # and the outermost released it
        gate.release()
    finally:
        store.close()


def _segments(con) -> int:
    # FTS5 keeps each segment's pages under ids whose bits from 37 up are the segment's number.
    return len({row[0] >> 37 for row in con.execute("SELECT id FROM incident_fts_data WHERE id > 10")})


def test_a_merge_round_folds_the_small_segments_and_search_finds_the_same(tmp_path, monkeypatch):
    monkeypatch.setattr(database.Checkpointer, "INTERVAL_S", 3600)  # rounds only when the test calls one
    path = tmp_path / "desk.db"
    store = database.open_database(str(path))
    try:
        raw = sqlite3.connect(str(path), isolation_level=None)
        # Forty commits of one row each: forty segments, as the intake's group commits make them.
        for n in range(40):
            raw.execute("INSERT INTO incident_fts (rowid, title, description, comments) VALUES (?, ?, ?, '')",
                        (n + 1, f"printer {n} jammed", "tray two" if n % 2 else "toner"))
        assert _segments(raw) == 40
        found = [r[0] for r in raw.execute("SELECT rowid FROM incident_fts WHERE incident_fts MATCH 'tray' "
                                           "ORDER BY rowid")]
        assert found == list(range(2, 41, 2))
        assert store.checkpointer._merge_search_index(raw) is True
        assert _segments(raw) < 10
        # Nothing left: the next round says so (it would otherwise come back every 0.2 s, and the intake's
        # writer would spend every idle moment on steps that merge nothing).
        assert store.checkpointer._merge_search_index(raw) is False
        assert [r[0] for r in raw.execute("SELECT rowid FROM incident_fts WHERE incident_fts MATCH 'tray' "
                                          "ORDER BY rowid")] == found
        assert raw.execute("INSERT INTO incident_fts(incident_fts) VALUES('integrity-check')").fetchall() == []
        raw.close()
    finally:
        store.close()


def test_no_merge_while_an_intake_runs_on_the_database_in_another_process(tmp_path, monkeypatch):
    """The intake's writer merges between its own commits. A window's upkeep thread on the same file must
    not take the write lock for merge steps meanwhile (the writer would wait for them through SQLite's busy
    handler); once the intake is gone, it merges again."""
    import fcntl
    import subprocess
    import sys
    monkeypatch.setattr(database.Checkpointer, "INTERVAL_S", 3600)  # rounds only when the test calls one
    path = tmp_path / "desk.db"
    store = database.open_database(str(path))
    holder = None
    try:
        raw = sqlite3.connect(str(path), isolation_level=None)
        for n in range(40):
            raw.execute("INSERT INTO incident_fts (rowid, title, description, comments) VALUES (?, ?, '', '')",
                        (n + 1, f"alert {n}"))
        # Another process holds the intake's lock, as `incident-desk intake` does while it runs.
        holder = subprocess.Popen([sys.executable, "-c", (
            "import fcntl, sys, time\n"
            f"f = open({str(path) + '-intake.lock'!r}, 'w')\n"
            "fcntl.flock(f, fcntl.LOCK_EX)\nprint('held', flush=True)\nsys.stdin.read()\n")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert holder.stdout.readline().strip() == "held"
        assert store.checkpointer._merge_search_index(raw) is False
        assert _segments(raw) == 40
        holder.communicate("", timeout=30)  # the intake stops: its lock goes with it
        assert store.checkpointer._merge_search_index(raw) is True
        assert _segments(raw) < 10
        # The lock file stays behind; an unheld one stops nothing.
        with open(str(path) + "-intake.lock") as handle:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        raw.close()
    finally:
        if holder is not None and holder.poll() is None:
            holder.kill()
        store.close()
