"""SQL of the full JSON export and its import: any table read in id order by keyset, rows written by executemany."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from peewee import AutoField, BooleanField, ForeignKeyField

from incident_desk.storage.sql import execute, execute_many, fetch_all, fetch_one, marks

_CHUNK = 500


@dataclass(frozen=True)
class TableInfo:
    """What the export needs to know of a table: its references, booleans and the names of its fields."""

    table: str
    references: dict[str, str]     # column -> referenced table
    field_names: dict[str, str]    # column -> model field name ('assignee' for assignee_id)
    booleans: frozenset[str]
    primary: str = "id"            # the primary key column: rows are read in its order
    sequence: bool = True          # the primary key is numbered by the database (a sequence on PostgreSQL)


def table_info(model) -> TableInfo:
    fields = model._meta.sorted_fields
    return TableInfo(
        table=model._meta.table_name,
        references={f.column_name: f.rel_model._meta.table_name for f in fields if isinstance(f, ForeignKeyField)},
        field_names={f.column_name: f.name for f in fields},
        booleans=frozenset(f.column_name for f in fields if isinstance(f, BooleanField)),
        primary=model._meta.primary_key.column_name,
        sequence=isinstance(model._meta.primary_key, AutoField))


@contextmanager
def consistent_read(store):
    """One snapshot for a whole export: rows written meanwhile by other desks are not half in it."""
    with store.read():
        if not store.is_sqlite:
            execute(store, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def columns_of(store, table: str) -> list[str]:
    """The table's columns as the database has them (columns added by raw SQL included), in order."""
    return [c.name for c in store.db.get_columns(table)]


def reference_names(store) -> dict[str, dict[int, str]]:
    """id -> name of users, teams and top-level categories (only those are referenced by name)."""
    return {
        "user": dict(fetch_all(store, 'SELECT id, username FROM "user"')),
        "team": dict(fetch_all(store, "SELECT id, name FROM team")),
        "category": dict(fetch_all(store, "SELECT id, name FROM category WHERE parent_id IS NULL")),
    }


def iter_rows(store, table: str, columns: Sequence[str], *, order: str = "id", batch: int = 5000) -> Iterator[tuple]:
    """Every row in ``order`` (an integer primary key), read in keyset batches: memory stays flat on any
    table size (and on PostgreSQL, whose driver would otherwise fetch a whole result at once)."""
    cols = ", ".join(f'"{c}"' for c in columns)
    last = None
    id_pos = list(columns).index(order)
    while True:
        if last is None:
            rows = fetch_all(store, f'SELECT {cols} FROM "{table}" ORDER BY "{order}" LIMIT ?', (batch,))
        else:
            rows = fetch_all(store, f'SELECT {cols} FROM "{table}" WHERE "{order}" > ? ORDER BY "{order}" LIMIT ?',
                             (last, batch))
        if not rows:
            return
        yield from rows
        last = rows[-1][id_pos]
        if len(rows) < batch:
            return


def all_rows(store, table: str, columns: Sequence[str]) -> list[tuple]:
    cols = ", ".join(f'"{c}"' for c in columns)
    return fetch_all(store, f'SELECT {cols} FROM "{table}"')


def count_rows(store, table: str) -> int:
    return fetch_one(store, f'SELECT count(*) FROM "{table}"')[0]


def insert_rows(store, table: str, columns: Sequence[str], rows: Sequence[Sequence]) -> None:
    if rows:
        cols = ", ".join(f'"{c}"' for c in columns)
        execute_many(store, f'INSERT INTO "{table}" ({cols}) VALUES ({marks(len(columns))})', rows)


def find_id(store, table: str, where: dict) -> int | None:
    """The id of the row whose columns equal ``where`` (None compares as IS NULL)."""
    parts, params = [], []
    for column, value in where.items():
        if value is None:
            parts.append(f'"{column}" IS NULL')
        else:
            parts.append(f'"{column}" = ?')
            params.append(value)
    row = fetch_one(store, f'SELECT id FROM "{table}" WHERE {" AND ".join(parts)}', params)
    return row[0] if row else None


def find_key(store, table: str, key_column: str, value) -> bool:
    return fetch_one(store, f'SELECT 1 FROM "{table}" WHERE "{key_column}" = ?', (value,)) is not None


def update_row(store, table: str, columns: Sequence[str], values: Sequence, *, where_column: str, where_value) -> None:
    sets = ", ".join(f'"{c}" = ?' for c in columns)
    execute(store, f'UPDATE "{table}" SET {sets} WHERE "{where_column}" = ?', [*values, where_value])


def existing_ids(store, table: str, ids: Sequence[int]) -> set[int]:
    found: set[int] = set()
    ids = list(ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        found.update(r[0] for r in fetch_all(store, f'SELECT id FROM "{table}" WHERE id IN ({marks(len(chunk))})',
                                             chunk))
    return found


def delete_where_in(store, table: str, column: str, values: Sequence) -> None:
    values = list(values)
    for start in range(0, len(values), _CHUNK):
        chunk = values[start:start + _CHUNK]
        execute(store, f'DELETE FROM "{table}" WHERE "{column}" IN ({marks(len(chunk))})', chunk)


def set_column(store, table: str, column: str, pairs: Sequence[tuple]) -> None:
    """(value, id) pairs."""
    if pairs:
        execute_many(store, f'UPDATE "{table}" SET "{column}" = ? WHERE id = ?', pairs)


def reset_sequences(store, table_names: Sequence[str]) -> None:
    """After rows were written with their own ids, PostgreSQL's sequences must start above them."""
    if store.is_sqlite:
        return
    for table in table_names:
        execute(store, f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                       f'COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)')


def rebuild_search(store, ids: Sequence[int]) -> None:
    """Index incidents (title, description, comments and work notes) after their rows were written."""
    agg = "group_concat(e.note, char(10))" if store.is_sqlite else "string_agg(e.note, ' ' ORDER BY e.id)"
    ids = list(ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        execute(store, f"DELETE FROM incident_fts WHERE rowid IN ({marks(len(chunk))})", chunk)
        execute(store, (
            f"INSERT INTO incident_fts (rowid, title, description, comments) SELECT i.id, i.title, i.description, "
            f"COALESCE((SELECT {agg} FROM event e WHERE e.incident_id = i.id AND e.kind IN ('comment', 'work_note')),"
            f" '') FROM incident i WHERE i.id IN ({marks(len(chunk))})"), chunk)


def schema_fact(store, key: str) -> str | None:
    row = fetch_one(store, "SELECT value FROM schema_info WHERE key = ?", (key,))
    return row[0] if row else None


def set_schema_fact(store, key: str, value: str) -> None:
    if fetch_one(store, "SELECT 1 FROM schema_info WHERE key = ?", (key,)):
        execute(store, "UPDATE schema_info SET value = ? WHERE key = ?", (value, key))
    else:
        execute(store, "INSERT INTO schema_info (key, value) VALUES (?, ?)", (key, value))
