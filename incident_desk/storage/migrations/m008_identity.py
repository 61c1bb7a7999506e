"""Schema 8: the database's own identity, which kept drafts, views and layouts are keyed by."""

from __future__ import annotations

import uuid

DESK_ID_KEY = "desk_id"


def upgrade(store) -> None:
    # Made once, stored in the database: a copy or a restored backup keeps it, a new database never
    # shares it, whatever their paths.
    p = store.db.param
    found = store.db.execute_sql(f"SELECT value FROM schema_info WHERE key = {p}", (DESK_ID_KEY,)).fetchone()
    if found is None:
        store.db.execute_sql(f"INSERT INTO schema_info (key, value) VALUES ({p}, {p})",
                             (DESK_ID_KEY, uuid.uuid4().hex))
