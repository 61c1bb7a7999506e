"""Metrics SQL: grouped sums per (period, priority, category) and nearest-rank values, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
    week_index: bool      # a (week, duration) index exists for the plain duration


RESOLVED = Family("resolved", "resolved_at", "ix_metrics_resolved",
                  "i.resolved_at IS NOT NULL AND i.ttr_s IS NOT NULL", True)
ACKED = Family("acked", "acknowledged_at", "ix_metrics_acked",
               "i.acknowledged_at IS NOT NULL AND i.tta_s IS NOT NULL", True)
OPENED = Family("opened", "opened_at", "ix_metrics_opened", "1 = 1", False)
# Closed or cancelled without a resolution time: they end an incident's open span but have no TTR.
# The condition repeats the partial index's WHERE word for word so SQLite may use it.
ENDED = Family("ended", "closed_at", "ix_metrics_closed",
               "i.resolved_at IS NULL AND i.closed_at IS NOT NULL AND (i.status = 60 OR i.status = 70)",
               False)


def ttr_sql(*, business_hours: bool, exclude_hold: bool) -> str:
    """The TTR expression in seconds for the chosen clock."""
    if business_hours:
        return "(i.ttr_bh_s - i.hold_bh_s)" if exclude_hold else "i.ttr_bh_s"
    return "(i.ttr_s - i.hold_s)" if exclude_hold else "i.ttr_s"


def tta_sql(*, business_hours: bool) -> str:
    return "i.tta_bh_s" if business_hours else "i.tta_s"


def week_key(column: str) -> str:
    """Monday-week number of an epoch column (1970-01-01 was a Thursday); matches m003's index."""
    return f"((i.{column} / 86400 + 3) / 7)"


def scope_where(store, scope: IncidentFilter):
    """WHERE parts for who/what (teams, assignees, categories, priorities); periods are added per query."""
    return build_where(store, scope, names_on_row=False)  # the covering indexes carry the ids


def _load_combos(store, rows: list[tuple]) -> None:
    """SQLite: (id, lo, hi, priority, category) rows into a temp table whose rowid order the
    aggregate walks, so GROUP BY streams instead of sorting a million rows."""
    db = store.db
    db.execute_sql("CREATE TEMP TABLE IF NOT EXISTS metrics_combo "
                   "(id INTEGER PRIMARY KEY, lo INTEGER, hi INTEGER, p INTEGER, c TEXT)")
    db.execute_sql("DELETE FROM temp.metrics_combo")
    execute_many(store, "INSERT INTO temp.metrics_combo VALUES (?, ?, ?, ?, ?)", rows)
    # Without statistics SQLite guesses a huge combo table and scans the incidents for a Bloom filter.
    db.execute_sql("ANALYZE temp.metrics_combo")


def grouped(store, family: Family, *, ranges: Sequence[tuple[int, int]], priorities: Sequence[int],
            categories: Sequence[str], scope: IncidentFilter, columns: Sequence[str]) -> list[tuple]:
    """Aggregates of ``family`` rows per (range index, priority, category).

    ``ranges`` are half-open [lo, hi) instants on the family's column; ``columns`` are aggregate SQL
    expressions over alias ``i``. Returns (range index, priority, category, *aggregates) for
    non-empty groups only.
    """
    if not ranges or not priorities or not categories:
        return []
    where = scope_where(store, scope)
    extra = (" AND " + " AND ".join(where.parts)) if where.parts else ""
    aggs = ", ".join(columns)
    inst = f"i.{family.instant}"
    if store.is_sqlite:
        combos, meta, n = [], {}, 0
        for r, (lo, hi) in enumerate(ranges):
            for p in priorities:
                for c in categories:
                    n += 1
                    combos.append((n, lo, hi, p, c))
                    meta[n] = (r, p, c)
        _load_combos(store, combos)
        # CROSS JOIN keeps the combo table outside: one index seek per combo, groups in rowid order.
        # INDEXED BY because the planner, seeing thousands of combos, builds an automatic index
        # instead (80x slower at a million incidents).
        sql = (f"SELECT m.id, {aggs} FROM temp.metrics_combo m CROSS JOIN incident i INDEXED BY {family.index} "
               f"WHERE i.priority = m.p AND i.category = m.c AND {inst} >= m.lo AND {inst} < m.hi "
               f"AND {family.condition}{extra} GROUP BY m.id")
        rows = fetch_all(store, sql, where.params)
        return [(*meta[row[0]], *row[1:]) for row in rows]
    # PostgreSQL hashes the groups itself; the ranges travel as a VALUES list.
    values = ", ".join("(?, ?, ?)" for _ in ranges)
    params: list = []
    for r, (lo, hi) in enumerate(ranges):
        params.extend((r, lo, hi))
    prio_marks = marks(len(priorities))
    cat_marks = marks(len(categories))
    sql = (f"WITH m(r, lo, hi) AS (VALUES {values}) "
           f"SELECT m.r, i.priority, i.category, {aggs} FROM m JOIN incident i "
           f"ON {inst} >= m.lo AND {inst} < m.hi "
           f"WHERE i.priority IN ({prio_marks}) AND i.category IN ({cat_marks}) AND {family.condition}{extra} "
           f"GROUP BY m.r, i.priority, i.category")
    params += list(priorities) + list(categories) + where.params
    return [tuple(row) for row in fetch_all(store, sql, params)]


ORDERED_INDEX = {("resolved", "i.ttr_s"): "ix_metrics_ttr", ("acked", "i.tta_s"): "ix_metrics_tta"}
INSTANT_INDEX = {"resolved": "ix_metrics_resolved_at", "acked": "ix_metrics_acked_at"}


def nth_value(store, family: Family, duration: str, *, lo: int, hi: int, rank: int, scope: IncidentFilter,
              week: int | None = None, whole: bool = False, count: int | None = None) -> int | None:
    """The ``rank``-th smallest duration (1-based) of the family's rows in [lo, hi).

    With ``week`` given (the Monday-week number of [lo, hi)), the condition names the week expression so
    SQLite can walk the (week, duration) index in order instead of sorting; ``whole`` says [lo, hi) is
    the whole report period (walk the duration-ordered index). ``count``, the number of those rows
    with a non-NULL duration, lets a rank past the middle (a p90) be read from the top: a tenth of
    the walk or of the sort, not nine tenths.
    """
    if rank < 1:
        return None
    descending = count is not None and (count + 1) // 2 < rank <= count
    if descending:
        rank = count - rank + 1  # the k-th smallest of n is the (n - k + 1)-th largest
    where = scope_where(store, scope)
    inst = f"i.{family.instant}"
    parts = [family.condition, f"{inst} >= ?", f"{inst} < ?", f"{duration} IS NOT NULL"]
    params: list = [lo, hi]
    if week is not None:
        parts.append(f"{week_key(family.instant)} = ?")
        params.append(week)
    parts += where.parts
    params += where.params
    source = "incident i"
    ordered = ORDERED_INDEX.get((family.name, duration))
    if store.is_sqlite and week is None:
        if ordered and whole:
            # Walking the duration-ordered index to the rank reads at most one index, never sorts; the
            # planner would rather sort the period's rows, which costs ten times more at a million.
            source = f"incident i INDEXED BY {ordered}"
        elif family.name in INSTANT_INDEX:
            # One period's rows sorted; the planner otherwise walks the ordered index once per period.
            source = f"incident i INDEXED BY {INSTANT_INDEX[family.name]}"
    sql = (f"SELECT {duration} FROM {source} WHERE {' AND '.join(parts)} "
           f"ORDER BY {duration}{' DESC' if descending else ''} LIMIT 1 OFFSET ?")
    row = fetch_one(store, sql, [*params, rank - 1])
    return None if row is None else row[0]


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
