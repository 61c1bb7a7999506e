"""Status page measure: publishing with 1,000 public services and 10,000 public updates in the 14-day history,
against a floor of reading the same rows and writing them as one JSON file (same run, same database)."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import report

GROUP = "statuspage"
SERVICES, UPDATES, INCIDENTS = 1_000, 10_000, 2_500
TARGET_S = 2.0
STATES = ("investigating", "identified", "monitoring", "resolved")


def build(path: Path, now: datetime, *, seed: int = 18) -> None:
    """A desk whose whole history is on the page: every update falls in the last 14 days."""
    from incident_desk.services.desk import Desk
    Desk.open(str(path)).close()
    rng = random.Random(seed)
    con = sqlite3.connect(path)
    t_now = int(now.timestamp())
    con.executemany("INSERT INTO business_service (name, name_key, description, public, created_at, updated_at) "
                    "VALUES (?, ?, '', 1, ?, ?)",
                    [(f"Service {i:04d}", f"service {i:04d}", t_now, t_now) for i in range(SERVICES)])
    incidents = []
    for i in range(1, INCIDENTS + 1):
        opened = t_now - rng.randrange(60, 13 * 86400)
        priority = rng.randrange(1, 6)
        status = 30 if i % 10 == 0 else 50  # a tenth still open
        incidents.append((i, f"INC-{i:06d}", f"Incident {i}: something is slow for some callers", "Software",
                          f"Service {rng.randrange(SERVICES):04d}", "Reporter Name", "reporter@example.org", "phone",
                          2, 2, priority, status, opened, opened))
    con.executemany("INSERT INTO incident (id, key, title, description, category, service, reporter_name, "
                    "reporter_contact, channel, impact, urgency, priority, priority_overridden, status, opened_at, "
                    "updated_at, reopen_count, escalation_level, hold_s, hold_bh_s, response_breached, "
                    "resolve_breached, version) VALUES (?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, 0, 0, 0, 0, "
                    "0, 0, 1)", [(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
                                  r[13]) for r in incidents])
    updates = []
    for n in range(UPDATES):
        incident = incidents[n % INCIDENTS]
        at = incident[12] + (n // INCIDENTS) * 1800 + rng.randrange(600)
        updates.append((incident[0], min(at, t_now), STATES[min(n // INCIDENTS, 3)],
                        f"Update {n}: we are working on it and will post again within the hour. " * 2))
    con.executemany("INSERT INTO public_update (incident_id, at, state, message, author_id) VALUES (?, ?, ?, ?, 1)",
                    updates)
    con.executemany("INSERT INTO affected_service (incident_id, service_id) VALUES (?, ?)",
                    [(i, 1 + (i * 7) % SERVICES) for i in range(1, INCIDENTS + 1)])
    con.commit()
    con.close()


def floor(path: Path, out: Path) -> float:
    """The least any publisher must do: read services, incidents and updates, write them as one file."""
    t0 = time.perf_counter()
    con = sqlite3.connect(path)
    data = {"services": con.execute("SELECT name, public, override_state FROM business_service").fetchall(),
            "incidents": con.execute("SELECT id, key, title, status FROM incident WHERE id IN "
                                     "(SELECT incident_id FROM public_update)").fetchall(),
            "updates": con.execute("SELECT incident_id, id, at, state, message FROM public_update").fetchall()}
    con.close()
    (out / "floor.json").write_text(json.dumps(data), encoding="utf-8")
    return time.perf_counter() - t0


def run_all(*, quick: bool) -> list[dict]:
    """Two rows: the first publish into an empty folder (every page written), and publishing again after one
    new public update (the common case: pages whose incident did not change are left alone)."""
    from incident_desk.reports.statuspage import publish_desk
    from incident_desk.services.clock import ManualClock
    from incident_desk.services.desk import Desk
    repeats = 3 if quick else 5
    work = Path(tempfile.mkdtemp(prefix="bench-statuspage-"))
    try:
        now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
        db = work / "desk.db"
        build(db, now)
        floors, cold, warm = [], [], []
        result = None
        for k in range(repeats):
            floors.append(floor(db, work))
            clock = ManualClock(now + timedelta(minutes=k))
            desk = Desk.open(str(db), clock=clock)
            try:
                site = work / f"site-{k}"
                t0 = time.perf_counter()
                result = publish_desk(desk, site)
                cold.append(time.perf_counter() - t0)
                desk.communication.announce(actor=desk.actor, key=f"INC-{10 * (k + 1):06d}", state="monitoring",
                                            message=f"A fix is in place ({k}).")
                clock.advance(seconds=30)
                t0 = time.perf_counter()
                publish_desk(desk, site)
                warm.append(time.perf_counter() - t0)
            finally:
                desk.close()
        size = sum(p.stat().st_size for p in (work / "site-0").rglob("*") if p.is_file())
        med = statistics.median
        what = f"{SERVICES:,} public services, {UPDATES:,} updates"
        return [
            report.row(f"statuspage publish into an empty folder: {what}", group=GROUP, unit="s",
                       median=med(cold), min=min(cold), max=max(cold), n=repeats, raw=med(floors),
                       target=f"< {TARGET_S:g} s", checks={"max_median": TARGET_S},
                       note=f"{result.incidents:,} incident pages, status.json, feed.atom ({result.updates:,} "
                            f"entries), index: {size / 1e6:.1f} MB, each file written beside and renamed over; the "
                            "floor reads the same rows and writes them as one JSON file"),
            report.row(f"statuspage publish again after one new update: {what}", group=GROUP, unit="s",
                       median=med(warm), min=min(warm), max=max(warm), n=repeats, raw=med(floors),
                       target=f"< {TARGET_S:g} s", checks={"max_median": TARGET_S},
                       note="the same folder: only files whose text changed are replaced (the index, the JSON, "
                            "the feed and the one incident's page)"),
        ]
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    print(report.text_table(run_all(quick=True)))
