"""Schema 11: saved import mappings, and escalations marked as fallen due before their incident was imported."""

from __future__ import annotations

from incident_desk.storage import tables

# A database default, not only peewee's: the escalation engine's own INSERT does not name the column.
ADD_IMPORTED = "ALTER TABLE escalation ADD COLUMN imported BOOLEAN NOT NULL DEFAULT FALSE"


def upgrade(store) -> None:
    from incident_desk.storage.migrations import create_tables
    columns = {c.name for c in store.db.get_columns("escalation")}
    if "imported" not in columns:  # a fresh database made the table from today's model already
        store.db.execute_sql(ADD_IMPORTED)
    create_tables(store, (tables.ImportProfile,))
