"""Paged list queries (keyset and offset), counts and filters, written as SQL the planner likes."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from incident_desk.domain.incident import (
    OPEN_STATUSES,
    DomainError,
    HoldReason,
    IncidentFilter,
    IncidentRow,
    Priority,
    Sort,
    Status,
    format_key,
    key_in_text,
)
from incident_desk.domain.limits import EARLIEST_EPOCH, FIRST_YEAR, LAST_YEAR, LATEST_EPOCH, RANGE_TEXT, clamp_epoch
from incident_desk.storage import search
from incident_desk.storage.sql import fetch_all, fetch_one, marks, scalar

# Sortable columns -> (SQL expression, nullable, ties broken by opened_at). Columns with many equal
# values order their ties by opened_at so each walks its (column, opened_at) index with no sort step;
# the rest tie-break on id alone, which SQLite's single-column indexes already carry.
_SORT_SQL = {
    "key": ("i.id", False, False),
    "priority": ("i.priority", False, True),
    "status": ("i.status", False, True),
    "title": ("i.title", False, False),
    "category": ("i.category", False, True),
    "assignee": ("i.assignee_name", True, True),
    "team": ("i.team_name", True, True),
    "opened_at": ("i.opened_at", False, False),
    "updated_at": ("i.updated_at", False, False),
    "resolve_due_at": ("i.resolve_due_at", True, False),
    "resolved_at": ("i.resolved_at", True, False),
}

_ROW_COLUMNS = ("i.id, i.priority, i.status, i.title, i.category, i.assignee_name, i.team_name, i.opened_at, "
                "i.updated_at, i.acknowledged_at, i.resolved_at, i.response_due_at, i.resolve_due_at, "
                "i.sla_paused_remaining_s, i.escalation_level, i.hold_reason, i.closed_at")
_FROM = "FROM incident i"


def ts(value: int | None) -> datetime | None:
    """A stored instant as an aware UTC datetime. One outside the desk's years (written by an older
    release, or by hand) reads as the nearest bound: showing it, in any time zone, never overflows."""
    if value is None:
        return None
    if not EARLIEST_EPOCH <= value <= LATEST_EPOCH:
        value = clamp_epoch(value)
    return datetime.fromtimestamp(value, UTC)


def epoch(value: datetime | None) -> int | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to storage; pass an aware instant")
    if not FIRST_YEAR - 1 <= value.year <= LAST_YEAR + 1:
        # The services check every instant they are given (domain.limits); this is the backstop that
        # keeps year 1 or year 9999 out of the database whatever path it took.
        raise DomainError(f"The time {value.isoformat()} is outside {RANGE_TEXT} that the desk accepts.")
    return int(value.timestamp())


def _row(r) -> IncidentRow:
    return IncidentRow(
        id=r[0], key=format_key(r[0]), priority=Priority(r[1]), status=Status(r[2]), title=r[3],
        category=r[4], assignee=r[5], team=r[6], opened_at=ts(r[7]), updated_at=ts(r[8]),
        acknowledged_at=ts(r[9]), resolved_at=ts(r[10]), response_due_at=ts(r[11]),
        resolve_due_at=ts(r[12]), sla_paused_remaining_s=r[13], escalation_level=r[14] or 0,
        hold_reason=HoldReason[r[15].upper()] if r[15] else None, closed_at=ts(r[16]))


@dataclass
class Where:
    """WHERE clause parts with '?' placeholders (storage.sql runs them in the backend's style)."""

    parts: list
    params: list

    def add(self, sql: str, *values) -> None:
        self.parts.append(sql)
        self.params.extend(values)

    def sql(self) -> str:
        return (" WHERE " + " AND ".join(self.parts)) if self.parts else ""


def _in(where: Where, column: str, values) -> None:
    values = list(values)
    where.add(f"{column} IN ({marks(len(values))})", *values)


_PERIODS = (("opened", "i.opened_at"), ("resolved", "i.resolved_at"), ("acknowledged", "i.acknowledged_at"))


def build_where(store, filt: IncidentFilter, *, names_on_row: bool = True) -> Where:
    """``names_on_row=False`` filters teams and assignees by id (through the user and team tables),
    for queries that walk indexes carrying team_id and assignee_id (the metrics)."""
    where = Where(parts=[], params=[])
    if filt.statuses:
        _in(where, "i.status", sorted(int(s) for s in filt.statuses))
    # Open incidents are a few percent of a large desk: start from the status index and test the
    # rest row by row ('+' keeps the planner off the priority/category indexes, which made
    # "open P1/P2" read every P1 and P2 ever logged: count 125 ms -> 4 ms at 1M rows).
    only_open = bool(filt.statuses) and filt.statuses <= OPEN_STATUSES
    plus = "+" if only_open and store.is_sqlite else ""
    if filt.priorities:
        _in(where, f"{plus}i.priority", sorted(int(p) for p in filt.priorities))
    if filt.categories:
        _in(where, f"{plus}i.category", sorted(filt.categories))
    if filt.assignees:
        names = sorted(a for a in filt.assignees if a)
        column = "i.assignee_name" if names_on_row else "i.assignee_id"
        clauses = []
        if names:
            sql = f"i.assignee_name IN ({marks(len(names))})" if names_on_row else \
                f'i.assignee_id IN (SELECT id FROM "user" WHERE username IN ({marks(len(names))}))'
            clauses.append((sql, names))
        if "" in filt.assignees:
            clauses.append((f"{column} IS NULL", []))
        sql = " OR ".join(c for c, _ in clauses)
        where.add(f"({sql})" if len(clauses) > 1 else sql, *[v for _, vs in clauses for v in vs])
    if filt.teams:
        if names_on_row:
            _in(where, "i.team_name", sorted(filt.teams))
        else:
            where.add(f"i.team_id IN (SELECT id FROM team WHERE name IN ({marks(len(filt.teams))}))",
                      *sorted(filt.teams))
    for prefix, column in _PERIODS:  # half-open [from, to) on each instant
        start, end = getattr(filt, f"{prefix}_from"), getattr(filt, f"{prefix}_to")
        if start is not None:
            where.add(f"{column} >= ?", epoch(start))
        if end is not None:
            where.add(f"{column} < ?", epoch(end))
    if filt.open_at is not None:
        # Open from opening until the final resolution, or until closed/cancelled without one.
        at = epoch(filt.open_at)
        where.add("i.opened_at < ? AND (i.resolved_at IS NULL OR i.resolved_at >= ?) AND "
                  "(i.resolved_at IS NOT NULL OR i.closed_at IS NULL OR i.closed_at >= ?)", at, at, at)
    if filt.breaching:
        now = epoch(filt.breach_at or datetime.now(UTC))
        open_marks = ", ".join(str(int(s)) for s in sorted(OPEN_STATUSES))
        where.add(f"i.status IN ({open_marks}) AND ((i.acknowledged_at IS NULL AND i.response_due_at <= ?)"
                  " OR i.resolve_due_at <= ? OR (i.status = ? AND i.sla_paused_remaining_s < 0))",
                  now, now, int(Status.ON_HOLD))
    if filt.escalated:
        where.add("i.escalation_level > 0")
    if filt.keys:
        _in(where, "i.id", sorted(filt.keys))
    if filt.text.strip():
        clause = search.match_clause(store, filt.text)
        number = key_in_text(filt.text)
        if clause is None and number is None:
            where.add("1 = 0")  # only punctuation: nothing can match, and it is not an error
        elif clause is None:
            where.add("i.id = ?", number)
        else:
            sql, params = clause
            if number is None:
                where.parts.append(f"i.id IN ({sql})")
                where.params.extend(params)
            else:
                # A caller reads out their ticket: 'INC-099606', '99606' or '#99606' finds it too.
                where.parts.append(f"(i.id = ? OR i.id IN ({sql}))")
                where.params.extend([number, *params])
    return where


# Index that orders each sort column (SQLite), for dense full-text searches (see list_rows).
_SORT_INDEX = {
    "priority": "incident_priority_opened_at", "status": "incident_status_opened_at",
    "title": "incident_title", "category": "incident_category_opened_at",
    "assignee": "incident_assignee_name_opened_at", "team": "incident_team_name_opened_at",
    "opened_at": "incident_opened_at", "updated_at": "incident_updated_at",
    "resolve_due_at": "incident_resolve_due_at", "resolved_at": "incident_resolved_at",
}
DENSE_MATCHES = 2000


def _text_only(filt: IncidentFilter) -> bool:
    """A search and nothing else (not an incident key, which the search index does not hold)."""
    return bool(filt.text.strip()) and replace(filt, text="") == IncidentFilter() and key_in_text(filt.text) is None


def count_incidents(store, filt: IncidentFilter) -> int:
    if store.is_sqlite and _text_only(filt):
        # Every search row is an incident, so the index alone can count (0.6 ms, not 27 ms).
        query = search.fts5_query(filt.text)
        if query is None:
            return 0
        return scalar(store, "SELECT count(*) FROM incident_fts WHERE incident_fts MATCH ?", (query,))
    where = build_where(store, filt)
    return scalar(store, f"SELECT count(*) FROM incident i{where.sql()}", where.params)


def _dense_text(store, filt: IncidentFilter) -> bool:
    """True when a text-only search matches so many incidents that walking the sort index and
    testing membership beats sorting all matches (35 ms -> 4 ms for a common word at 1M rows)."""
    if not (store.is_sqlite and _text_only(filt)):
        return False
    query = search.fts5_query(filt.text)
    if query is None:
        return False
    probe = scalar(store, "SELECT count(*) FROM (SELECT rowid FROM incident_fts WHERE incident_fts "
                          f"MATCH ? LIMIT {DENSE_MATCHES})", (query,))
    return probe >= DENSE_MATCHES


def _order(store, sort: Sort, *, reverse: bool = False) -> str:
    expr, nullable, by_opened = _SORT_SQL[sort.column]
    desc = sort.descending != reverse
    direction = "DESC" if desc else "ASC"
    nulls = ""
    if nullable and not store.is_sqlite:
        # SQLite puts NULLs first ascending and last descending; make PostgreSQL agree.
        nulls = " NULLS LAST" if desc else " NULLS FIRST"
    if expr == "i.id":
        return f"i.id {direction}"
    middle = f", i.opened_at {direction}" if by_opened else ""
    return f"{expr} {direction}{nulls}{middle}, i.id {direction}"


def _keyset(store, where: Where, sort: Sort, after: tuple, *, reverse: bool) -> None:
    """Rows strictly after the row (value, id) in the order of ``sort`` (flipped when ``reverse``)."""
    expr, nullable, by_opened = _SORT_SQL[sort.column]
    value, row_id = after
    desc = sort.descending != reverse
    op = "<" if desc else ">"
    if expr == "i.id":
        where.add(f"i.id {op} ?", row_id)
        return
    if by_opened:
        # The cursor names the row; its opened_at (the middle sort key) is read by primary key.
        found = fetch_one(store, "SELECT opened_at FROM incident WHERE id = ?", (row_id,))
        tail_cols, tail_vals = "i.opened_at, i.id", [found[0] if found else 0, row_id]
    else:
        tail_cols, tail_vals = "i.id", [row_id]
    tail_marks = marks(len(tail_vals))
    if not nullable:
        where.add(f"({expr}, {tail_cols}) {op} (?, {tail_marks})", value, *tail_vals)
        return
    if value is None:
        # NULLs come first ascending and last descending.
        if desc:
            where.add(f"({expr} IS NULL AND ({tail_cols}) < ({tail_marks}))", *tail_vals)
        else:
            where.add(f"(({expr} IS NULL AND ({tail_cols}) > ({tail_marks})) OR {expr} IS NOT NULL)", *tail_vals)
    elif desc:
        where.add(f"(({expr}, {tail_cols}) < (?, {tail_marks}) OR {expr} IS NULL)", value, *tail_vals)
    else:
        where.add(f"({expr}, {tail_cols}) > (?, {tail_marks})", value, *tail_vals)


def _list_sql(store, filt: IncidentFilter, sort: Sort, *, limit: int, after: tuple | None, offset: int,
              reverse: bool) -> tuple[str, str, list]:
    """(page-of-ids query, whole statement, params). The page is chosen on ids alone, which the
    (column, opened_at) indexes cover, and only its rows are read: sorting a status filter's
    13,000 open incidents by their full rows took 8 ms on the 1M demo, the covered ids 0.7 ms."""
    where = build_where(store, filt)
    if after is not None:
        _keyset(store, where, sort, after, reverse=reverse)
    source = _FROM
    if sort.column in _SORT_INDEX and _dense_text(store, filt):
        source = f"{_FROM} INDEXED BY {_SORT_INDEX[sort.column]}"
    order = _order(store, sort, reverse=reverse)
    page = f"SELECT i.id {source}{where.sql()} ORDER BY {order} LIMIT ?"
    params = [*where.params, int(limit)]
    if offset:
        page += " OFFSET ?"
        params.append(int(offset))
    return page, f"SELECT {_ROW_COLUMNS} {_FROM} WHERE i.id IN ({page}) ORDER BY {order}", params


def list_rows(store, filt: IncidentFilter, sort: Sort, *, limit: int = 200, after: tuple | None = None,
              offset: int = 0, reverse: bool = False) -> list[IncidentRow]:
    """One page. ``after`` = (sort value, id) of the last row seen (keyset); ``offset`` is for
    random jumps; ``reverse`` reads from the far end (the model uses it near the bottom)."""
    if offset == 0:
        walked = _walk_sort_index(store, filt, sort, limit=limit, after=after, reverse=reverse)
        if walked is not None:
            return walked
    _page, sql, params = _list_sql(store, filt, sort, limit=limit, after=after, offset=offset, reverse=reverse)
    return [_row(r) for r in fetch_all(store, sql, params)]


# A filter matching at least one incident in DENSE_SHARE is paged by walking the sort column's
# index (see _walk_sort_index); the walk gives up WALK_SLACK times further than a page should need.
DENSE_SHARE = 50
WALK_SLACK = 3
# Filters on these columns are ordered by their own (column, opened_at) index when sorted by it.
_FILTER_COLUMN = {"priority": "priorities", "status": "statuses", "category": "categories",
                  "assignee": "assignees", "team": "teams"}
_density: OrderedDict = OrderedDict()  # (database, where, params) -> dense?; a stale answer only costs speed


def _walk_sort_index(store, filt: IncidentFilter, sort: Sort, *, limit: int, after: tuple | None,
                     reverse: bool) -> list[IncidentRow] | None:
    """The page found by walking the sort column's index and testing the filter on each entry, or
    None when the filter is sparse or the walk gives up before a page of matches.

    For a filter its own index does not order (a team, a category, an assignee over the whole
    history) SQLite otherwise reads and sorts every match: 150-470 ms for a team sorted by priority
    at 1M rows, ~2 ms this way, since the walk stops at the page's last match. Sparse filters
    (fewer than one incident in DENSE_SHARE) keep the sorted plan, which is cheap for few matches,
    and so do matches bunched far along the sort order, once the walk gives up.
    """
    if not store.is_sqlite or filt.text.strip() or sort.column == "opened_at" or \
            (sort.column not in _SORT_INDEX and sort.column != "key"):
        return None  # text has its own plan; (column, opened_at) indexes order every column filter
    if sort.column in _FILTER_COLUMN and getattr(filt, _FILTER_COLUMN[sort.column]):
        return None  # the sort column's own index range holds the matches, in order
    where = build_where(store, filt)
    if not where.parts:
        return None  # nothing to test: the plain list query already walks the index
    total = scalar(store, "SELECT max(id) FROM incident") or 0
    if not _is_dense(store, where, max(total // DENSE_SHARE, int(limit))):
        return None
    keyset = Where([], [])
    if after is not None:
        _keyset(store, keyset, sort, after, reverse=reverse)
    order = _order(store, sort, reverse=reverse)
    give_up = WALK_SLACK * int(limit) * DENSE_SHARE
    source = f"{_FROM} INDEXED BY {_SORT_INDEX[sort.column]}" if sort.column in _SORT_INDEX else _FROM
    walk = f"SELECT i.id AS id {source}{keyset.sql()} ORDER BY {order} LIMIT {give_up}"
    # CROSS JOIN keeps the walk as the outer loop and there is no outer ORDER BY, so SQLite stops at
    # the page's last match instead of reading the whole walk to sort it; the order is checked below.
    sql = (f"SELECT {_ROW_COLUMNS} FROM ({walk}) AS w CROSS JOIN incident i ON i.id = w.id{where.sql()} "
           f"LIMIT {int(limit)}")
    rows = [_row(r) for r in fetch_all(store, sql, [*keyset.params, *where.params])]
    if not _in_order(rows, sort, reverse=reverse):
        return None  # never seen; a different plan would only cost the sorted query
    if len(rows) < limit:
        # Fewer matches than a page: the answer only if the walk reached the end of the index.
        seen = scalar(store, f"SELECT count(*) FROM ({walk})", keyset.params)
        if seen >= give_up:
            return None  # the matches bunch further along this order: sort them
    return rows


def _in_order(rows: list[IncidentRow], sort: Sort, *, reverse: bool) -> bool:
    _expr, _nullable, by_opened = _SORT_SQL[sort.column]

    def key(r: IncidentRow) -> tuple:
        parts = [r.sort_value(sort.column)] + ([r.sort_value("opened_at")] if by_opened else []) + [r.id]
        return tuple((v is not None, v) for v in parts)  # SQLite puts NULLs first ascending

    keys = [key(r) for r in rows]
    descending = sort.descending != reverse
    return all((a >= b) if descending else (a <= b) for a, b in zip(keys, keys[1:]))


def _is_dense(store, where: Where, at_least: int) -> bool:
    """Whether ``where`` matches at least ``at_least`` incidents (counted up to that, then cached)."""
    key = (store.identity or store.url, where.sql(), tuple(where.params), at_least)
    dense = _density.get(key)
    if dense is None:
        probe = f"SELECT count(*) FROM (SELECT 1 FROM incident i{where.sql()} LIMIT {int(at_least)})"
        dense = scalar(store, probe, where.params) >= at_least
        _density[key] = dense
        if len(_density) > 64:
            _density.popitem(last=False)
    return dense


def explain_list(store, filt: IncidentFilter, sort: Sort, *, after: tuple | None = None,
                 whole: bool = False) -> str:
    """EXPLAIN QUERY PLAN of the list query's page of ids (where the indexes matter) or, with
    ``whole``, of the statement; for tests that guard the hot query shapes."""
    page, sql, params = _list_sql(store, filt, sort, limit=200, after=after, offset=0, reverse=False)
    plan = fetch_all(store, f"EXPLAIN QUERY PLAN {sql if whole else page}", params)
    return "\n".join(str(r[-1]) for r in plan)


def rows_by_ids(store, ids: list[int]) -> list[IncidentRow]:
    if not ids:
        return []
    sql = f"SELECT {_ROW_COLUMNS} {_FROM} WHERE i.id IN ({marks(len(ids))})"
    by_id = {r.id: r for r in (_row(x) for x in fetch_all(store, sql, ids))}
    return [by_id[i] for i in ids if i in by_id]


def position_of(store, filt: IncidentFilter, sort: Sort, row: IncidentRow) -> int:
    """How many rows of the view come before ``row`` (its index in the table)."""
    where = build_where(store, filt)
    _keyset(store, where, sort, (row.sort_value(sort.column), row.id), reverse=True)
    return scalar(store, f"SELECT count(*) FROM incident i{where.sql()}", where.params)
