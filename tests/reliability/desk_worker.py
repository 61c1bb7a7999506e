"""A second desk in its own process for race tests: escalation scans and alert claims started together.

Usage:
  python desk_worker.py escalate DB NOW BATCH PAUSE_MS [DELAY_MS]   scan(NOW) in batches of BATCH
  python desk_worker.py claim DB USER asc|desc PAUSE_MS  claim every pending alert of USER in that order

Each prints "ready" once its desk is open and its work is known, waits for one line on stdin (the
barrier: the test releases every worker at once), does the work and prints one JSON line with what
it did and the wall-clock interval it worked in, so the test can show the workers overlapped and
that each did some of the work. PAUSE_MS after each write transaction gives the other process
its turn at the lock (SQLite's busy handler sleeps up to 100 ms between tries); DELAY_MS after the
barrier puts one worker's batches between another's. A negative DELAY_MS starts the scan as soon as
another desk has committed its first escalation: then it runs in that desk's pause, whatever the load
(a fixed delay let a slow first batch keep the second desk one step behind, raising nothing).
"""

from __future__ import annotations

import json
import sys
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from incident_desk.services.desk import Desk  # noqa: E402
from tests.team_tools import open_desk


def _pause_after_writes(desk: Desk, pause_s: float) -> None:
    write = desk.store.write

    @contextmanager
    def write_then_pause():
        with write() as txn:
            yield txn
        time.sleep(pause_s)

    desk.store.write = write_then_pause


def _barrier() -> float:
    print("ready", flush=True)
    sys.stdin.readline()
    return time.time()


def escalate(db: str, now: str, batch: int, pause_s: float, delay_s: float = 0.0) -> dict:
    desk = open_desk(db)
    _pause_after_writes(desk, pause_s)
    started = _barrier()
    if delay_s < 0:
        deadline = time.monotonic() + 60
        while desk.store.db.execute_sql("SELECT COUNT(*) FROM escalation").fetchone()[0] == 0:
            assert time.monotonic() < deadline, "the other desk raised nothing in 60 s"
            time.sleep(0.005)
    else:
        time.sleep(delay_s)
    raised = desk.escalation.scan(datetime.fromisoformat(now), batch_size=batch)
    ended = time.time()
    desk.close()
    return {"started": started, "ended": ended,
            "raised": [[r["incident"], r["rule"], r["cycle"]] for r in raised]}


def claim(db: str, user: str, order: str, pause_s: float) -> dict:
    desk = open_desk(db)
    ids = sorted(n.id for n in desk.notifications.pending_alerts(user, limit=10_000))
    if order == "desc":
        ids.reverse()
    _pause_after_writes(desk, pause_s)
    started = _barrier()
    claimed = [i for i in ids if desk.notifications.claim_for_alert(i)]
    ended = time.time()
    desk.close()
    return {"started": started, "ended": ended, "seen": ids, "claimed": claimed}


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "escalate":
        out = escalate(args[0], args[1], int(args[2]), int(args[3]) / 1000, int((args[4:] or [0])[0]) / 1000)
    else:
        out = claim(args[0], args[1], args[2], int(args[3]) / 1000)
    print(json.dumps(out), flush=True)
