"""Schema 15: a business service's owning team and its retirement (the Settings → Services page)."""

from __future__ import annotations

# Nullable columns: ALTER TABLE adds them without rewriting the table on either backend.
SERVICE_COLUMNS = {
    "team_id": "ALTER TABLE business_service ADD COLUMN team_id INTEGER REFERENCES team (id) ON DELETE SET NULL",
    "retired_at": "ALTER TABLE business_service ADD COLUMN retired_at INTEGER",
}


def upgrade(store) -> None:
    columns = {c.name for c in store.db.get_columns("business_service")}
    for name, ddl in SERVICE_COLUMNS.items():
        if name not in columns:  # a fresh database made the table from today's model already
            store.db.execute_sql(ddl)
    # No new table: business_service already has its change trigger (m014).
