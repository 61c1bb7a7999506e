"""The one SQL helper: statements in the backend's placeholder style, run on one store's connection."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from incident_desk.storage.database import Store

# Statements are written once with '?' placeholders; PostgreSQL's driver wants '%s'. No statement
# here carries a literal '?' or '%', so the rewrite is a plain replace.


def sql(store: Store, text: str) -> str:
    """``text`` with its '?' placeholders in the store's style."""
    param = store.db.param
    return text if param == "?" else text.replace("?", param)


def marks(n: int) -> str:
    """``n`` placeholders for an ``IN (...)`` list or a VALUES row, before :func:`sql` rewrites them."""
    return ", ".join(["?"] * n)


def execute(store: Store, text: str, params: Sequence[Any] = ()):
    """Run one statement on the store's connection for this thread; returns the cursor."""
    return store.db.execute_sql(sql(store, text), tuple(params))


def fetch_one(store: Store, text: str, params: Sequence[Any] = ()) -> tuple | None:
    return execute(store, text, params).fetchone()


def fetch_all(store: Store, text: str, params: Sequence[Any] = ()) -> list[tuple]:
    return execute(store, text, params).fetchall()


def scalar(store: Store, text: str, params: Sequence[Any] = ()):
    row = fetch_one(store, text, params)
    return None if row is None else row[0]


def execute_many(store: Store, text: str, rows) -> None:
    store.db.cursor().executemany(sql(store, text), rows)


def bound(store: Store, query):
    """A peewee query bound to this store: models carry no database of their own, so one process
    can hold any number of open databases without one's queries reaching another."""
    return query.bind(store.db)


def bool_value(store: Store, value: bool):
    """Booleans as the backend stores them (SQLite: 0/1 integers)."""
    return int(value) if store.is_sqlite else bool(value)
