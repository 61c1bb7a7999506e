"""Transfer measures: a 100,000-row CSV import against a raw executemany floor, and the full JSON export's memory."""

from __future__ import annotations

import csv
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import report

GROUP = "transfer"
IMPORT_ROWS = 100_000
ROOT = Path(__file__).resolve().parent.parent
HEADER = ["key", "title", "description", "category", "subcategory", "priority", "status", "assignee", "team",
          "opened_at", "acknowledged_at", "resolved_at", "closed_at"]
STATUS_SLUG = {"new": 10, "in_progress": 30, "resolved": 50, "closed": 60}


def make_csv(path: Path, n: int, *, seed: int = 7) -> None:
    """n incidents as another tool would export them: mostly closed, a few open, ISO times."""
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    people = [f"Agent {i}" for i in range(60)]
    teams = ["Service Desk", "Network", "Applications", "Field Services", "Infrastructure", "Security"]
    cats = [("Network", "VPN"), ("Email", "Mailbox"), ("Hardware", "Laptop"), ("Access", "Password reset"),
            ("Printing", "Printer"), ("Software", "Crash")]
    fmt = "%Y-%m-%d %H:%M:%S"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for i in range(n):
            opened = start + timedelta(seconds=i * 300 + rng.randrange(300))
            ack = opened + timedelta(minutes=rng.randrange(2, 240))
            resolved = ack + timedelta(hours=rng.randrange(1, 96))
            closed = resolved + timedelta(days=3)
            roll = rng.random()
            status = "closed" if roll < 0.8 else "resolved" if roll < 0.9 else "in_progress" if roll < 0.95 else "new"
            cat, sub = cats[i % len(cats)]
            out.writerow([
                f"EXT-{i:07d}", f"{cat} problem number {i} reported by a caller", "Imported from the old tool. " * 3,
                cat, sub, f"P{rng.randrange(1, 6)}", status, people[rng.randrange(len(people))], teams[i % len(teams)],
                opened.strftime(fmt), ack.strftime(fmt) if status != "new" else "",
                resolved.strftime(fmt) if status in ("resolved", "closed") else "",
                closed.strftime(fmt) if status == "closed" else ""])


def fresh_database(folder: Path, name: str) -> Path:
    from incident_desk.services.desk import Desk
    path = folder / name
    Desk.open(str(path)).close()
    return path


def _epoch(text: str) -> int | None:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()) if text else None


def raw_floor(db: Path, source: Path) -> float:
    """The same file written as the same rows (every incident column the import fills, the same timeline
    entries, the search index) with nothing but csv, fromisoformat and executemany in one transaction:
    no mapping, no checks, no business-hours clocks, no escalation schedule."""
    from incident_desk.storage.transfer_queries import EVENT_COLUMNS, IMPORT_COLUMNS
    t0 = time.perf_counter()
    con = sqlite3.connect(str(db), isolation_level=None)
    con.execute("PRAGMA synchronous = normal")
    con.execute("BEGIN IMMEDIATE")
    incidents, events, search = [], [], []
    with open(source, newline="", encoding="utf-8") as fh:
        rows = csv.reader(fh)
        next(rows)
        for n, r in enumerate(rows, 1):
            opened, ack, res, closed = (_epoch(r[9]), _epoch(r[10]), _epoch(r[11]), _epoch(r[12]))
            status = STATUS_SLUG[r[6]]
            incidents.append((
                n, f"INC-{n:06d}", r[1], r[2], r[3], r[4], None, "", "", "", 0, 0, int(r[5][1]), 0, None, status,
                None, None, None, r[7], r[8], opened, ack, res, closed, closed or res or ack or opened, 0, None, None,
                None, 0, None, None, None, 0, 0, ack - opened if ack else None, res - opened if res else None, 0,
                ack - opened if ack else None, res - opened if res else None, 0, 1, "csv", r[0], 1,
                None if status >= 50 else 0))
            events.append((n, opened, None, "created", None, None, r[1], "Imported from csv", 1))
            previous = "new"
            for at, slug in ((ack, "acknowledged"), (res, "resolved"), (closed, "closed")):
                if at is not None:
                    events.append((n, at, None, "status", "status", previous, slug, None, 1))
                    previous = slug
            events.append((n, opened, None, "assignment", "assignee", None, r[7], "as recorded in the source", 1))
            search.append((n, r[1], r[2], ""))
    con.executemany(f"INSERT INTO incident ({', '.join(IMPORT_COLUMNS)}) VALUES ({', '.join(['?'] * 47)})",
                    incidents)
    con.executemany(f"INSERT INTO event ({', '.join(EVENT_COLUMNS)}) VALUES ({', '.join(['?'] * 9)})", events)
    con.executemany("INSERT INTO incident_fts (rowid, title, description, comments) VALUES (?, ?, ?, ?)", search)
    con.execute("COMMIT")
    con.close()
    return time.perf_counter() - t0


def app_import(db: Path, source: Path) -> float:
    from incident_desk.services.desk import Desk
    from incident_desk.services.transfer.importer import ImportOptions
    from incident_desk.services.transfer.service import Transfer
    t0 = time.perf_counter()
    desk = Desk.open(str(db))
    try:
        result = Transfer(desk).import_file(ImportOptions(format="csv", path=source, tz="UTC"))
    finally:
        desk.close()
    seconds = time.perf_counter() - t0
    if not result.written or result.new != IMPORT_ROWS:
        raise RuntimeError(f"the import did not write the file: {result.summary()}")
    return seconds


def csv_import(*, repeats: int = 3) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        folder = Path(tmp)
        source = folder / "incidents.csv"
        make_csv(source, IMPORT_ROWS)
        floors, runs = [], []
        for n in range(repeats):
            floors.append(raw_floor(fresh_database(folder, f"floor{n}.db"), source))
            runs.append(app_import(fresh_database(folder, f"import{n}.db"), source))
        con = sqlite3.connect(str(folder / "import0.db"))
        events = con.execute("SELECT count(*) FROM event").fetchone()[0]
        con.close()
    floors.sort()
    runs.sort()
    return [report.row(f"import {IMPORT_ROWS:,} CSV rows (import csv into an empty desk)", group=GROUP, unit="s",
                       median=runs[len(runs) // 2], min=runs[0], max=runs[-1], n=len(runs),
                       raw=floors[len(floors) // 2], target="< 30 s and <= 2x raw executemany",
                       checks={"max_median": 30.0, "max_ratio": 2.0},
                       note=f"read, map, check every row, SLA clocks and escalation schedule, {events:,} timeline "
                            "events, search index, one transaction; the floor writes the same rows with bare "
                            "csv + sqlite3 executemany")]


def export_memory(db: Path) -> list[dict]:
    """The whole database to JSON in a process of its own; its peak resident memory is the measure."""
    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        out = Path(tmp) / "desk.json"
        # VmHWM, not getrusage's ru_maxrss: on Linux that keeps the forking parent's peak across exec.
        code = ("import sys, time; from incident_desk.cli import main; t = time.perf_counter(); "
                "rc = main(['--db', sys.argv[1], 'export', 'json', sys.argv[2]]); "
                "hwm = next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')); "
                "print('BENCH', rc, time.perf_counter() - t, hwm)")
        proc = subprocess.run([sys.executable, "-c", code, str(db), str(out)], capture_output=True, text=True,
                              cwd=str(ROOT), env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=1800)
        line = next((x for x in proc.stdout.splitlines() if x.startswith("BENCH ")), None)
        if proc.returncode != 0 or line is None:
            raise RuntimeError(f"export failed: {proc.stderr.strip()[-300:]}")
        _, rc, seconds, rss_kb = line.split()
        if rc != "0":
            raise RuntimeError(f"export exited {rc}: {proc.stderr.strip()[-300:]}")
        size = out.stat().st_size
    rss_mb = int(rss_kb) / 1024
    return [
        report.row("export the whole database to JSON: peak memory", group=GROUP, unit="MB", median=rss_mb,
                   target="< 300 MB", checks={"max_median": 300.0},
                   note=f"streams every section; {size / 1e9:.2f} GB written in {float(seconds):.0f} s"),
        report.row("export the whole database to JSON: time", group=GROUP, unit="s", median=float(seconds),
                   note="incidents, timelines, people, settings, escalations, notifications; file mode 0600"),
    ]


def run_all(db: Path, *, quick: bool) -> list[dict]:
    return csv_import(repeats=1 if quick else 3) + export_memory(db)
