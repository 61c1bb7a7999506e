"""Schema 9: the append-only audit table, and which account is the local desk's own."""

from __future__ import annotations

from incident_desk.storage import tables

# schema_info key holding the id of the account a desk acts as when no one is named: made once,
# at the first start of a new database, and never again.
LOCAL_ACCOUNT_KEY = "local_account"


def upgrade(store) -> None:
    from incident_desk.storage.migrations import create_tables
    create_tables(store, (tables.Audit,))
    p = store.db.param
    if store.db.execute_sql(f"SELECT 1 FROM schema_info WHERE key = {p}", (LOCAL_ACCOUNT_KEY,)).fetchone():
        return
    # Older releases made the first opener's login an admin on every open; the earliest admin is that
    # first start's account. A database without users gets its account at its first start instead.
    first = store.db.execute_sql(f'SELECT id FROM "user" WHERE role = {p} ORDER BY id LIMIT 1', ("admin",)).fetchone()
    if first is not None:
        store.db.execute_sql(f"INSERT INTO schema_info (key, value) VALUES ({p}, {p})",
                             (LOCAL_ACCOUNT_KEY, str(first[0])))
