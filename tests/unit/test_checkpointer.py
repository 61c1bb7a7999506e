"""The background checkpointer keeps checkpointing while a busy writer keeps it from merging the search index."""

from __future__ import annotations

import sqlite3
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
