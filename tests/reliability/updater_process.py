"""Concurrency worker: read-modify-write updates on shared incidents with the optimistic lock.

Usage:
  python updater_process.py loop DB WORKER KEYS(comma) N   append N tokens, retrying on conflicts
  python updater_process.py race DB WORKER KEY             read, say "read", wait for a line, write once

The loop mode prints one JSON line at the end: the tokens it saved per key, its conflicts and any other
errors. A conflict must be a ConflictError; anything else is reported as an error.
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from incident_desk.services.errors import ConflictError  # noqa: E402
from tests.team_tools import open_desk  # noqa: E402


def loop(db: str, worker: str, keys: list[str], n: int) -> None:
    desk = open_desk(db)
    print("ready", flush=True)
    sys.stdin.readline()  # start together
    saved: dict[str, list[str]] = {k: [] for k in keys}
    conflicts, errors = 0, []
    for i in range(n):
        key = keys[i % len(keys)]
        token = f"[{worker}:{i}]"
        for _attempt in range(200):
            current = desk.incidents.get_incident(key)
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
    print(json.dumps({"worker": worker, "saved": saved, "conflicts": conflicts, "errors": errors}), flush=True)


def race(db: str, worker: str, key: str) -> None:
    desk = open_desk(db)
    current = desk.incidents.get_incident(key)
    print(f"read {current.version}", flush=True)
    sys.stdin.readline()
    try:
        desk.incidents.edit_incident(actor=desk.actor, key=key, expected_version=current.version,
                                     changes={"title": f"Won by {worker}"})
        outcome = {"worker": worker, "result": "saved"}
    except ConflictError as exc:
        outcome = {"worker": worker, "result": "conflict", "message": str(exc), "current": exc.current_version}
    except Exception as exc:  # noqa: BLE001
        outcome = {"worker": worker, "result": "error", "message": f"{type(exc).__name__}: {exc}"}
    print(json.dumps(outcome), flush=True)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "loop":
        loop(sys.argv[2], sys.argv[3], sys.argv[4].split(","), int(sys.argv[5]))
    else:
        race(sys.argv[2], sys.argv[3], sys.argv[4])
