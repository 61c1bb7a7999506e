"""Paged list queries (keyset and offset), counts and filters, written as SQL the planner likes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from incident_desk.domain.incident import (OPEN_STATUSES, HoldReason, IncidentFilter, IncidentRow,
                                           Priority, Sort, Status, format_key)
from incident_desk.storage import search

# Sortable columns -> SQL expression; nullable ones need NULL-aware keyset conditions.
_SORT_SQL = {
    "key": ("i.id", False),
    "priority": ("i.priority", False),
    "status": ("i.status", False),
    "title": ("i.title", False),
    "category": ("i.category", False),
    "assignee": ("u.username", True),
    "team": ("t.name", True),
    "opened_at": ("i.opened_at", False),
    "updated_at": ("i.updated_at", False),
    "resolve_due_at": ("i.resolve_due_at", True),
    "resolved_at": ("i.resolved_at", True),
}

_ROW_COLUMNS = ("i.id, i.priority, i.status, i.title, i.category, u.username, t.name, i.opened_at, "
                "i.updated_at, i.acknowledged_at, i.resolved_at, i.response_due_at, i.resolve_due_at, "
                "i.sla_paused_remaining_s, i.escalation_level, i.hold_reason")
_FROM = ('FROM incident i LEFT JOIN "user" u ON u.id = i.assignee_id '
         "LEFT JOIN team t ON t.id = i.team_id")


def ts(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, timezone.utc)


def epoch(value: datetime | None) -> int | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to storage; pass an aware instant")
    return int(value.timestamp())


def _row(r) -> IncidentRow:
    return IncidentRow(
        id=r[0], key=format_key(r[0]), priority=Priority(r[1]), status=Status(r[2]), title=r[3],
        category=r[4], assignee=r[5], team=r[6], opened_at=ts(r[7]), updated_at=ts(r[8]),
        acknowledged_at=ts(r[9]), resolved_at=ts(r[10]), response_due_at=ts(r[11]),
        resolve_due_at=ts(r[12]), sla_paused_remaining_s=r[13], escalation_level=r[14] or 0,
        hold_reason=HoldReason[r[15].upper()] if r[15] else None)


@dataclass
class Where:
    """WHERE clause parts and their parameters, in the backend's placeholder style."""

    param: str
    parts: list
    params: list

    def add(self, sql: str, *values) -> None:
        self.parts.append(sql.replace("?", self.param))
        self.params.extend(values)

    def sql(self) -> str:
        return (" WHERE " + " AND ".join(self.parts)) if self.parts else ""


def _in(where: Where, column: str, values) -> None:
    values = list(values)
    marks = ", ".join(["?"] * len(values))
    where.add(f"{column} IN ({marks})", *values)


def build_where(store, filt: IncidentFilter, *, user_ids: dict | None = None) -> Where:
    where = Where(param=store.db.param, parts=[], params=[])
    if filt.statuses:
        _in(where, "i.status", sorted(int(s) for s in filt.statuses))
    if filt.priorities:
        _in(where, "i.priority", sorted(int(p) for p in filt.priorities))
    if filt.categories:
        _in(where, "i.category", sorted(filt.categories))
    if filt.assignees:
        names = sorted(a for a in filt.assignees if a)
        clauses = []
        if names:
            marks = ", ".join(["?"] * len(names))
            clauses.append((f'i.assignee_id IN (SELECT id FROM "user" WHERE username IN ({marks}))', names))
        if "" in filt.assignees:
            clauses.append(("i.assignee_id IS NULL", []))
        sql = " OR ".join(c for c, _ in clauses)
        where.add(f"({sql})" if len(clauses) > 1 else sql, *[v for _, vs in clauses for v in vs])
    if filt.teams:
        names = sorted(filt.teams)
        marks = ", ".join(["?"] * len(names))
        where.add(f"i.team_id IN (SELECT id FROM team WHERE name IN ({marks}))", *names)
    if filt.opened_from is not None:
        where.add("i.opened_at >= ?", epoch(filt.opened_from))
    if filt.opened_to is not None:
        where.add("i.opened_at < ?", epoch(filt.opened_to))
    if filt.resolved_from is not None:
        where.add("i.resolved_at >= ?", epoch(filt.resolved_from))
    if filt.resolved_to is not None:
        where.add("i.resolved_at < ?", epoch(filt.resolved_to))
    if filt.breaching:
        now = epoch(filt.breach_at or datetime.now(timezone.utc))
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
        if clause is None:
            where.add("1 = 0")  # only punctuation: nothing can match, and it is not an error
        else:
            sql, params = clause
            where.parts.append(f"i.id IN ({sql})")
            where.params.extend(params)
    return where


def _needs_join(sort: Sort) -> bool:
    return sort.column in ("assignee", "team")


def count_incidents(store, filt: IncidentFilter) -> int:
    where = build_where(store, filt)
    sql = f"SELECT count(*) FROM incident i{where.sql()}"
    return store.db.execute_sql(sql, where.params).fetchone()[0]


def _order(store, sort: Sort, *, reverse: bool = False) -> str:
    expr, nullable = _SORT_SQL[sort.column]
    desc = sort.descending != reverse
    direction = "DESC" if desc else "ASC"
    nulls = ""
    if nullable and not store.is_sqlite:
        # SQLite puts NULLs first ascending and last descending; make PostgreSQL agree.
        nulls = " NULLS LAST" if desc else " NULLS FIRST"
    if expr == "i.id":
        return f"i.id {direction}"
    return f"{expr} {direction}{nulls}, i.id {direction}"


def _keyset(where: Where, sort: Sort, after: tuple, *, reverse: bool) -> None:
    """Rows strictly after (value, id) in the order of ``sort`` (flipped when ``reverse``)."""
    expr, nullable = _SORT_SQL[sort.column]
    value, row_id = after
    desc = sort.descending != reverse
    op = "<" if desc else ">"
    if expr == "i.id":
        where.add(f"i.id {op} ?", row_id)
        return
    if not nullable:
        where.add(f"({expr}, i.id) {op} (?, ?)", value, row_id)
        return
    if value is None:
        # NULLs come first ascending and last descending.
        if desc:
            where.add(f"({expr} IS NULL AND i.id < ?)", row_id)
        else:
            where.add(f"(({expr} IS NULL AND i.id > ?) OR {expr} IS NOT NULL)", row_id)
    elif desc:
        where.add(f"(({expr}, i.id) < (?, ?) OR {expr} IS NULL)", value, row_id)
    else:
        where.add(f"({expr}, i.id) > (?, ?)", value, row_id)


def list_rows(store, filt: IncidentFilter, sort: Sort, *, limit: int = 200, after: tuple | None = None,
              offset: int = 0, reverse: bool = False) -> list[IncidentRow]:
    """One page. ``after`` = (sort value, id) of the last row seen (keyset); ``offset`` is for
    random jumps; ``reverse`` reads from the far end (the model uses it near the bottom)."""
    where = build_where(store, filt)
    if after is not None:
        _keyset(where, sort, after, reverse=reverse)
    p = store.db.param
    sql = (f"SELECT {_ROW_COLUMNS} {_FROM}{where.sql()} ORDER BY {_order(store, sort, reverse=reverse)}"
           f" LIMIT {p}")
    params = [*where.params, int(limit)]
    if offset:
        sql += f" OFFSET {p}"
        params.append(int(offset))
    rows = [_row(r) for r in store.db.execute_sql(sql, params)]
    return rows


def explain_list(store, filt: IncidentFilter, sort: Sort, *, after: tuple | None = None) -> str:
    """EXPLAIN QUERY PLAN of the list query, for tests that guard the hot query shapes."""
    where = build_where(store, filt)
    if after is not None:
        _keyset(where, sort, after, reverse=False)
    sql = f"EXPLAIN QUERY PLAN SELECT {_ROW_COLUMNS} {_FROM}{where.sql()} ORDER BY {_order(store, sort)} LIMIT 200"
    return "\n".join(str(r[-1]) for r in store.db.execute_sql(sql, where.params))


def rows_by_ids(store, ids: list[int]) -> list[IncidentRow]:
    if not ids:
        return []
    marks = ", ".join([store.db.param] * len(ids))
    sql = f"SELECT {_ROW_COLUMNS} {_FROM} WHERE i.id IN ({marks})"
    by_id = {r.id: r for r in (_row(x) for x in store.db.execute_sql(sql, list(ids)))}
    return [by_id[i] for i in ids if i in by_id]


def position_of(store, filt: IncidentFilter, sort: Sort, row: IncidentRow) -> int:
    """How many rows of the view come before ``row`` (its index in the table)."""
    where = build_where(store, filt)
    _keyset(where, sort, (row.sort_value(sort.column), row.id), reverse=True)
    sql = f"SELECT count(*) {_FROM}{where.sql()}" if _needs_join(sort) else \
        f"SELECT count(*) FROM incident i{where.sql()}"
    return store.db.execute_sql(sql, where.params).fetchone()[0]
