"""Crash-safety writer: logs and edits incidents in a loop, printing one JSON line per committed change.

Usage: python writer_process.py DB SEED

Each line is printed only after the service call returned, i.e. after the commit. The parent kills
this process with SIGKILL at a random moment and then checks that every reported change is there.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys

from incident_desk.domain.incident import Status
from incident_desk.services.desk import Desk
from incident_desk.services.incidents import IncidentDraft

WORDS = ("printer", "VPN", "Wi-Fi", "ошибка", "مرحبا", "打印机", "🔥", "timeout", "l'accès", "\"quoted\"",
         "DROP TABLE incident;", "NEAR(a b)", "x*", "tab\there", "line\nbreak")
# The status each incident moves to next (as its own admin may).
NEXT = {Status.NEW: "acknowledged", Status.ACKNOWLEDGED: "in_progress", Status.IN_PROGRESS: "on_hold",
        Status.ON_HOLD: "in_progress"}


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def main(db: str, seed: int) -> None:
    rng = random.Random(seed)
    desk = Desk.open(db)
    service = desk.incidents
    mine: dict[str, dict] = {}  # key -> what this process committed: version, event count, title, text

    def report(inc, events: int) -> None:
        state = {"key": inc.key, "version": inc.version, "events": events, "title": inc.title,
                 "desc": digest(inc.description), "status": inc.status.slug}
        mine[inc.key] = state
        sys.stdout.write(json.dumps(state) + "\n")
        sys.stdout.flush()

    print("ready", flush=True)
    n = 0
    while True:
        n += 1
        roll = rng.random()
        if roll < 0.4 or not mine:
            # Big descriptions make one commit span many pages (and cross WAL checkpoints).
            draft = IncidentDraft(title=f"crash {seed}-{n} {rng.choice(WORDS[:9])}", category="Network",
                                  subcategory="VPN", description=text(rng, rng.choice((0, 5, 200, 3000))),
                                  impact=rng.choice(("high", "medium", "low")), reporter_name="Writer")
            report(service.log_incident(actor=desk.actor, draft=draft), 1)
            continue
        key = rng.choice(sorted(mine))
        state = mine[key]
        if roll < 0.7:
            # The counter makes every value new, so each changed field writes exactly one event.
            changes = {"description": f"{text(rng, rng.choice((1, 50, 1500)))} #{n}"}
            if rng.random() < 0.5:
                changes["title"] = f"edited {seed}-{n}"
            inc = service.edit_incident(actor=desk.actor, key=key, expected_version=state["version"],
                                        changes=changes)
            report(inc, state["events"] + len(changes))
        elif roll < 0.85:
            service.comment(actor=desk.actor, key=key, text=text(rng, 20))
            report(service.get_incident(key), state["events"] + 1)
        else:
            status = Status[state["status"].upper()]
            if status not in NEXT:
                continue
            inc = service.transition(actor=desk.actor, key=key, to=NEXT[status], expected_version=state["version"],
                                     hold_reason="vendor")
            report(inc, state["events"] + 1)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
