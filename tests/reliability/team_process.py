"""One signed-in desk of a team in its own process: edits, comments and escalation scans on a shared PostgreSQL.

Usage: python team_process.py DB USER PASSWORD KEYS(comma) N

Says "ready" once signed in and listening, waits for a line on stdin (the barrier), then makes N
read-modify-write edits (a token appended to a description, retried on conflicts), a comment every
third edit and an escalation scan every fifth; then waits up to 10 s for another process's change to
arrive through LISTEN/NOTIFY. Prints one JSON line: what it saved, its conflicts, the escalations it
raised, the tables it heard about from the others, and any other error.
"""

from __future__ import annotations

import json
import select
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from incident_desk.services.errors import ConflictError  # noqa: E402
from incident_desk.storage.listen import ChangeListener  # noqa: E402
from tests.team_tools import open_desk  # noqa: E402


def main(db: str, user: str, password: str, keys: list[str], n: int) -> None:
    desk = open_desk(db, user=user, password=password)
    listener = ChangeListener(desk.store)
    fileno = listener.connect()
    heard: set[str] = set()
    print("ready", flush=True)
    sys.stdin.readline()
    started = time.time()
    saved: dict[str, list[str]] = {k: [] for k in keys}
    conflicts, attempts, errors, raised = 0, 0, [], []
    for i in range(n):
        key = keys[i % len(keys)]
        token = f"[{user}:{i}]"
        for _attempt in range(300):
            current = desk.incidents.get_incident(key)
            attempts += 1
            try:
                desk.incidents.edit_incident(actor=desk.actor, key=key, expected_version=current.version,
                                             changes={"description": current.description + token})
            except ConflictError as exc:
                conflicts += 1
                if exc.current_version is None or exc.current_version <= current.version:
                    errors.append(f"conflict without a newer version: {exc}")
                continue
            except Exception:  # noqa: BLE001  (any other failure is what the test looks for)
                errors.append(traceback.format_exc(limit=3))
                break
            saved[key].append(token)
            break
        else:
            errors.append(f"{token} never got through")
        try:
            if i % 3 == 0:
                desk.incidents.comment(actor=desk.actor, key=key, text=f"note {token}")
            if i % 5 == 0:
                raised += [[r["incident"], r["rule"], r["cycle"]] for r in desk.escalation.scan(batch_size=7)]
        except Exception:  # noqa: BLE001
            errors.append(traceback.format_exc(limit=3))
        heard.update(listener.drain())
    ended = time.time()
    deadline = time.monotonic() + 10
    while "event" not in heard and time.monotonic() < deadline:
        if select.select([fileno], [], [], max(0.0, deadline - time.monotonic()))[0]:
            heard.update(listener.drain())
    listener.close()
    desk.close()
    print(json.dumps({"worker": user, "started": started, "ended": ended, "saved": saved, "attempts": attempts,
                      "conflicts": conflicts, "raised": raised, "heard": sorted(heard), "errors": errors}),
          flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(","), int(sys.argv[5]))
