"""Metrics SQL: grouped sums per (period, priority, category) and nearest-rank values, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from incident_desk.domain.incident import OPEN_STATUSES, IncidentFilter
from incident_desk.storage.queries import build_where
from incident_desk.storage.sql import execute_many, fetch_all, fetch_one, marks

OPEN_SQL = ", ".join(str(int(s)) for s in sorted(OPEN_STATUSES))


@dataclass(frozen=True)
class Family:
    """One kind of event the metrics count: its instant column and the duration measured to it."""

    name: str
    instant: str          # column holding the instant that places a row in a period
    index: str            # the m003 covering index (priority, category, instant, ...)
    condition: str        # rows that belong to the family at all


RESOLVED = Family("resolved", "resolved_at", "ix_metrics_resolved",
                  "i.resolved_at IS NOT NULL AND i.ttr_s IS NOT NULL")
ACKED = Family("acked", "acknowledged_at", "ix_metrics_acked",
               "i.acknowledged_at IS NOT NULL AND i.tta_s IS NOT NULL")
OPENED = Family("opened", "opened_at", "ix_metrics_opened", "1 = 1")
# Closed or cancelled without a resolution time: they end an incident's open span but have no TTR.
# The condition repeats the partial index's WHERE word for word so SQLite may use it.
ENDED = Family("ended", "closed_at", "ix_metrics_closed",
               "i.resolved_at IS NULL AND i.closed_at IS NOT NULL AND (i.status = 60 OR i.status = 70)")


def ttr_sql(*, business_hours: bool, exclude_hold: bool) -> str:
    """The TTR expression in seconds for the chosen clock."""
    if business_hours:
        return "(i.ttr_bh_s - i.hold_bh_s)" if exclude_hold else "i.ttr_bh_s"
    return "(i.ttr_s - i.hold_s)" if exclude_hold else "i.ttr_s"


def tta_sql(*, business_hours: bool) -> str:
    return "i.tta_bh_s" if business_hours else "i.tta_s"


def scope_where(store, scope: IncidentFilter):
    """WHERE parts for who/what (teams, assignees, categories, priorities); periods are added per query."""
    return build_where(store, scope, names_on_row=False)  # the covering indexes carry the ids


@dataclass(frozen=True)
class Combos:
    """Every (range, priority, category) a report groups by, loaded once for all its families.

    On SQLite they are rows of a temp table whose rowid order the aggregate walks, so GROUP BY streams
    instead of sorting a million rows; PostgreSQL gets the ranges as a VALUES list and hashes the
    groups itself."""

    indexed: tuple[tuple[int, int, int], ...]      # (range index, lo, hi) of the ranges asked for
    priorities: tuple[int, ...]
    categories: tuple[str, ...]
    meta: dict = field(default_factory=dict, compare=False)  # SQLite combo id -> (range index, p, c)

    @property
    def empty(self) -> bool:
        return not self.indexed or not self.priorities or not self.categories


def load_combos(store, *, ranges: Sequence[tuple[int, int]], priorities: Sequence[int], categories: Sequence[str],
                within: tuple[int, int] | None = None) -> Combos:
    """The combos of half-open ``ranges`` (instants), ready for :func:`grouped`. ``within`` bounds where
    rows can be at all: ranges outside it (the empty decades of a period "from 1970") are left out."""
    indexed = tuple((r, lo, hi) for r, (lo, hi) in enumerate(ranges)
                    if within is None or (hi > within[0] and lo < within[1]))
    combos = Combos(indexed, tuple(priorities), tuple(categories))
    if combos.empty or not store.is_sqlite:
        return combos
    rows = []
    for r, lo, hi in indexed:
        for p in combos.priorities:
            for c in combos.categories:
                rows.append((len(rows) + 1, r, lo, hi, p, c))
                combos.meta[len(rows)] = (r, p, c)
    db = store.db
    db.execute_sql("CREATE TEMP TABLE IF NOT EXISTS metrics_combo "
                   "(id INTEGER PRIMARY KEY, r INTEGER, lo INTEGER, hi INTEGER, p INTEGER, c TEXT)")
    db.execute_sql("DELETE FROM temp.metrics_combo")
    execute_many(store, "INSERT INTO temp.metrics_combo VALUES (?, ?, ?, ?, ?, ?)", rows)
    # Without statistics SQLite guesses a huge combo table and scans the incidents for a Bloom filter.
    db.execute_sql("ANALYZE temp.metrics_combo")
    return combos


def grouped(store, family: Family, *, combos: Combos, scope: IncidentFilter, columns: Sequence[str],
            from_range: int = 0, durations: str | None = None, durations_from: int = 1) -> list[tuple]:
    """Aggregates of ``family`` rows per (range index, priority, category) of ``combos`` (the latest
    loaded on this store's connection), leaving out ranges before ``from_range``.

    ``columns`` are aggregate SQL expressions over alias ``i``. Returns (range index, priority,
    category, *aggregates) for non-empty groups only. With ``durations`` (an expression), a last
    column lists that expression's known values as text, for ranges from ``durations_from`` on (see
    :func:`durations`): every percentile of every period is picked from these, in the same walk as
    the sums, whatever the duration (ranking in SQL sorted every period's rows, twice).
    """
    if combos.empty:
        return []
    where = scope_where(store, scope)
    extra = (" AND " + " AND ".join(where.parts)) if where.parts else ""
    inst = f"i.{family.instant}"
    columns = list(columns)
    if durations is not None:
        known = f"CASE WHEN m.r >= {int(durations_from)} THEN {durations} END"
        columns.append(f"group_concat({known})" if store.is_sqlite else f"string_agg(CAST({known} AS TEXT), ',')")
    aggs = ", ".join(columns)
    if store.is_sqlite:
        # CROSS JOIN keeps the combo table outside: one index seek per combo, groups in rowid order.
        # INDEXED BY because the planner, seeing thousands of combos, builds an automatic index
        # instead (80x slower at a million incidents).
        sql = (f"SELECT m.id, {aggs} FROM temp.metrics_combo m CROSS JOIN incident i INDEXED BY {family.index} "
               f"WHERE m.r >= ? AND i.priority = m.p AND i.category = m.c AND {inst} >= m.lo AND {inst} < m.hi "
               f"AND {family.condition}{extra} GROUP BY m.id")
        rows = fetch_all(store, sql, [from_range, *where.params])
        meta = combos.meta
        return [(*meta[row[0]], *row[1:]) for row in rows]
    indexed = [row for row in combos.indexed if row[0] >= from_range]
    if not indexed:
        return []
    values = ", ".join("(?, ?, ?)" for _ in indexed)
    params: list = [v for row in indexed for v in row]
    prio_marks = marks(len(combos.priorities))
    cat_marks = marks(len(combos.categories))
    sql = (f"WITH m(r, lo, hi) AS (VALUES {values}) "
           f"SELECT m.r, i.priority, i.category, {aggs} FROM m JOIN incident i "
           f"ON {inst} >= m.lo AND {inst} < m.hi "
           f"WHERE i.priority IN ({prio_marks}) AND i.category IN ({cat_marks}) AND {family.condition}{extra} "
           f"GROUP BY m.r, i.priority, i.category")
    params += list(combos.priorities) + list(combos.categories) + where.params
    return [tuple(row) for row in fetch_all(store, sql, params)]


def durations(texts) -> np.ndarray:
    """The durations that :func:`grouped`'s ``durations`` column handed over as text, as one array."""
    joined = ",".join(t for t in texts if t)
    return np.fromstring(joined, dtype=np.int64, sep=",") if joined else np.zeros(0, dtype=np.int64)


def extent(store) -> tuple[int | None, int | None]:
    """(earliest opening, latest opening or resolution)."""
    # Acknowledgements and closings are stamped with the clock after the opening, so the latest
    # opening and resolution (both indexed) bound them for any clock that never ran backwards.
    sql = ("SELECT (SELECT MIN(opened_at) FROM incident), (SELECT MAX(opened_at) FROM incident), "
           "(SELECT MAX(resolved_at) FROM incident)")
    row = fetch_one(store, sql)
    latest = [v for v in row[1:] if v is not None]
    return row[0], (max(latest) if latest else None)


def categories_present(store) -> list[str]:
    """Every category name used by an incident (names outside today's category tree included)."""
    if store.is_sqlite:
        # A recursive skip-scan: one index seek per distinct category instead of a full walk.
        sql = ("WITH RECURSIVE c(name) AS (SELECT MIN(category) FROM incident UNION ALL "
               "SELECT (SELECT MIN(category) FROM incident WHERE category > c.name) FROM c "
               "WHERE c.name IS NOT NULL) SELECT name FROM c WHERE name IS NOT NULL")
    else:
        sql = "SELECT DISTINCT category FROM incident ORDER BY category"
    return [r[0] for r in fetch_all(store, sql)]


def age_counts(store, *, at: int, bounds: Sequence[int | None], scope: IncidentFilter,
               open_now: bool) -> list[int]:
    """Counts of incidents open at instant ``at`` by age (at - opened_at) in (bounds[k], bounds[k+1]]."""
    where = scope_where(store, scope)
    cases = []
    params: list = []
    for k in range(len(bounds) - 1):
        lo, hi = bounds[k], bounds[k + 1]
        cond = ["? - i.opened_at > ?"]
        params += [at, lo]
        if hi is not None:
            cond.append("? - i.opened_at <= ?")
            params += [at, hi]
        cases.append(f"SUM(CASE WHEN {' AND '.join(cond)} THEN 1 ELSE 0 END)")
    if open_now:
        # Nothing has a future opening, so "open at the end" is the status itself (indexed).
        parts = [f"i.status IN ({OPEN_SQL})", "i.opened_at < ?"]
    else:
        parts = ["i.opened_at < ?", OPEN_AT_SQL]
    sql = f"SELECT {', '.join(cases)} FROM incident i WHERE {' AND '.join(parts + where.parts)}"
    extra = [at] if open_now else [at, at, at]
    row = fetch_one(store, sql, [*params, *extra, *where.params])
    return [int(v or 0) for v in row]


# An incident still open at the instant given (twice): not finally resolved, closed or cancelled before it.
OPEN_AT_SQL = ("((i.resolved_at IS NULL OR i.resolved_at >= ?) AND "
               "(i.resolved_at IS NOT NULL OR i.closed_at IS NULL OR i.closed_at >= ?))")


def explain(store, sql: str, params: Sequence = ()) -> str:
    """EXPLAIN QUERY PLAN text (SQLite) for tests that guard the metrics query shapes."""
    return "\n".join(str(r[-1]) for r in fetch_all(store, "EXPLAIN QUERY PLAN " + sql, params))
