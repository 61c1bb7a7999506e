"""Service-level measures beside hand-written sqlite3: logging latency, keyset vs OFFSET pages, full-text search."""

from __future__ import annotations

import gc
import sqlite3
import time
from pathlib import Path

from bench import report
from bench.timing import Stats, measure, ms_since, percentile

GROUP = "service"
SEARCH_WORDS = ("printer jams", "replication lag", "vpn disconnects", "phishing")


class SqlCapture:
    """Records the SELECTs a piece of app code sends through the peewee handle, to replay them on
    bare sqlite3: the floor for exactly the work the app asked the database to do."""

    def __init__(self, db):
        self.db = db
        self.statements: list[tuple[str, tuple]] = []

    def __enter__(self):
        original = type(self.db).execute_sql
        log = self.statements

        def spy(this, sql, params=None, *args, **kwargs):
            if sql.lstrip()[:6].upper() in ("SELECT", "WITH  ") or sql.lstrip()[:5].upper() == "WITH ":
                log.append((sql, tuple(params or ())))
            return original(this, sql, params, *args, **kwargs)
        self.db.execute_sql = spy.__get__(self.db)
        return self

    def __exit__(self, *exc):
        del self.db.execute_sql
        return False

    def replay(self, con: sqlite3.Connection) -> None:
        for sql, params in self.statements:
            con.execute(sql, params).fetchall()


def replay_floor(con: sqlite3.Connection, capture: SqlCapture, *, repeats: int) -> float | None:
    """Median ms of the captured statements on bare sqlite3 (None when the op read nothing)."""
    if not capture.statements:
        return None
    return measure(lambda: capture.replay(con), repeats=repeats).median


def raw_connect(db: Path) -> sqlite3.Connection:
    """sqlite3 set up as the app sets up its connection (WAL, NORMAL, FKs, 64 MB cache)."""
    con = sqlite3.connect(str(db), isolation_level=None, timeout=5)
    for pragma in ("foreign_keys = 1", "synchronous = normal", "cache_size = -64000", "temp_store = memory",
                   "journal_mode = wal"):
        con.execute(f"PRAGMA {pragma}")
    return con


def _drafts(n: int, desk):
    from incident_desk.services.incidents import IncidentDraft
    cats = list(desk.settings.categories())
    users = desk.users.usernames()[:20] or [None]
    levels = ("high", "medium", "low")
    out = []
    for i in range(n):
        out.append(IncidentDraft(
            title=f"Bench incident {i}: printer on floor {i % 9} jams", category=cats[i % len(cats)],
            impact=levels[i % 3], urgency=levels[(i // 3) % 3],
            description="Paper jam in tray 2 after the toner change; the queue holds 14 jobs.",
            reporter_name="Bench Reporter", reporter_contact="bench@example.org",
            assignee=users[i % len(users)] if i % 2 else None))
    return out


def logging(db: Path, *, count: int, log=print) -> list[dict]:
    """log_incident latency at the service (one commit each) vs the raw insert of the same rows."""
    from incident_desk.services.desk import Desk
    desk = Desk.open(str(db))
    try:
        drafts = _drafts(count + 50, desk)
        for d in drafts[:50]:  # warm caches and prepared statements
            desk.incidents.log_incident(actor=desk.actor, draft=d)
        gc.collect()
        samples = []
        for d in drafts[50:]:
            t0 = time.perf_counter()
            desk.incidents.log_incident(actor=desk.actor, draft=d)
            samples.append(ms_since(t0))
        actor_id = desk.actor.id
    finally:
        desk.close()
    con = raw_connect(db)
    try:
        raw = _raw_logging(con, count, actor_id)
    finally:
        con.close()
    svc = Stats(samples)
    p50, p99 = percentile(samples, 50), percentile(samples, 99)
    r50, r99 = percentile(raw, 50), percentile(raw, 99)
    note = (f"{count} commits on a copy of the cached database; "
            "raw = BEGIN IMMEDIATE, incident + event + FTS row, COMMIT")
    return [
        report.row("logging one incident, p50", group=GROUP, median=p50, min=svc.min, max=svc.max, n=count, raw=r50,
                   target="< 1 ms", checks={"max_median": 1.0}, note=note),
        report.row("logging one incident, p99", group=GROUP, median=p99, min=svc.min, max=svc.max, n=count, raw=r99,
                   target="< 5 ms", checks={"max_median": 5.0}),
    ]


def _raw_logging(con: sqlite3.Connection, count: int, actor_id: int) -> list[float]:
    next_id = con.execute("SELECT max(id) FROM incident").fetchone()[0] + 1
    now = int(time.time())
    ins_inc = ("INSERT INTO incident (id, key, title, description, category, reporter_name, reporter_contact, channel, "
               "impact, urgency, priority, priority_overridden, status, opened_at, updated_at, created_by_id, version, "
               "reopen_count, escalation_level, response_breached, resolve_breached, hold_s, hold_bh_s) "
               "VALUES (?, ?, ?, ?, 'Printing', 'Raw Reporter', 'raw@example.org', 'phone', 2, 2, 3, 0, 10, ?, ?, ?, 1,"
               " 0, 0, 0, 0, 0, 0)")
    ins_ev = ("INSERT INTO event (incident_id, at, actor_id, kind, new_value, note, version) "
              "VALUES (?, ?, ?, 'created', ?, 'Logged from phone', 1)")
    ins_fts = "INSERT INTO incident_fts (rowid, title, description, comments) VALUES (?, ?, ?, '')"
    samples = []
    for i in range(count + 50):
        iid = next_id + i
        title = f"Raw incident {i}: printer on floor {i % 9} jams"
        desc = "Paper jam in tray 2 after the toner change; the queue holds 14 jobs."
        t0 = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        con.execute(ins_inc, (iid, f"INC-{iid:06d}", title, desc, now, now, actor_id))
        con.execute(ins_ev, (iid, now, actor_id, title))
        con.execute(ins_fts, (iid, title, desc))
        con.execute("COMMIT")
        if i >= 50:
            samples.append(ms_since(t0))
    return samples


def reads(db: Path, *, repeats: int, log=print) -> list[dict]:
    """Paging deep into the list (keyset vs OFFSET) and full-text search: service vs raw sqlite3."""
    from incident_desk.domain.incident import IncidentFilter, Sort
    from incident_desk.services.desk import Desk
    desk = Desk.open(str(db))
    con = raw_connect(db)
    rows: list[dict] = []
    try:
        svc = desk.incidents
        total = svc.count_incidents()
        deep = int(total * 0.9)
        sort = Sort()  # opened_at descending, the table's default
        anchor = con.execute("SELECT opened_at, id FROM incident ORDER BY opened_at DESC, id DESC LIMIT 1 OFFSET ?",
                             (deep - 1,)).fetchone()
        with SqlCapture(desk.store.db) as cap_keyset:
            svc.list_incidents(sort=sort, limit=200, after=anchor)
        with SqlCapture(desk.store.db) as cap_offset:
            svc.list_incidents(sort=sort, limit=200, offset=deep)
        raw_keyset = measure(lambda: cap_keyset.replay(con), repeats=repeats * 3)
        raw_offset = measure(lambda: cap_offset.replay(con), repeats=repeats)
        s_keyset = measure(lambda: svc.list_incidents(sort=sort, limit=200, after=anchor), repeats=repeats * 3)
        s_offset = measure(lambda: svc.list_incidents(sort=sort, limit=200, offset=deep), repeats=repeats)
        rows.append(report.from_stats(f"page of 200 at row {deep:,} by keyset", s_keyset, group=GROUP,
                                      raw=raw_keyset.median,
                                      note="raw floor = the app's own SQL replayed on bare sqlite3"))
        rows.append(report.from_stats(f"page of 200 at row {deep:,} by OFFSET", s_offset, group=GROUP,
                                      raw=raw_offset.median,
                                      note=f"keyset is {s_offset.median / s_keyset.median:.0f}x faster than OFFSET "
                                           "at this depth"))
        # Full text: count + first page, as the table does on a search.
        samples_s, samples_r = [], []
        for _ in range(repeats):
            for words in SEARCH_WORDS:
                filt = IncidentFilter(text=words)
                t0 = time.perf_counter()
                svc.count_incidents(filters=filt)
                svc.list_incidents(filters=filt, sort=sort, limit=200)
                samples_s.append(ms_since(t0))
                with SqlCapture(desk.store.db) as cap:
                    svc.count_incidents(filters=filt)
                    svc.list_incidents(filters=filt, sort=sort, limit=200)
                t0 = time.perf_counter()
                cap.replay(con)
                samples_r.append(ms_since(t0))
        rows.append(report.from_stats("full-text search, count + first page (service)", Stats(samples_s), group=GROUP,
                                      raw=Stats(samples_r).median,
                                      note=f"median over the searches {', '.join(SEARCH_WORDS)}"))
    finally:
        con.close()
        desk.close()
    return rows
