"""Schema 10: closure. Root cause and caller confirmation on incidents, problems, postmortems, action items."""

from __future__ import annotations

from incident_desk.storage import tables

# Added to existing tables with ALTER TABLE (cheap on both backends: no rewrite of a million rows).
COLUMNS = (
    ("incident", "root_cause", "VARCHAR(64)"),
    ("incident", "caller_confirmed_at", "INTEGER"),
    ("incident", "caller_confirmation", "TEXT"),
    ("event", "actor_label", "VARCHAR(64)"),
)
TABLES = (tables.Problem, tables.ProblemLink, tables.Postmortem, tables.PostmortemEntry, tables.KeyEvent,
          tables.ActionItem)
INDEXES = (
    # The auto-close scan: only Resolved incidents are in it (a few per cent), ordered by resolution.
    "CREATE INDEX IF NOT EXISTS ix_incident_resolved_waiting ON incident (resolved_at) WHERE status = 50",
    # Overdue action items of owners: the scan reads open items by due date.
    "CREATE INDEX IF NOT EXISTS ix_action_item_incident ON action_item (incident_id)",
    "CREATE INDEX IF NOT EXISTS ix_action_item_problem ON action_item (problem_id)",
)


def upgrade(store) -> None:
    from incident_desk.storage.migrations import create_tables
    for table, column, kind in COLUMNS:
        present = {c.name for c in store.db.get_columns(table)}
        if column not in present:
            store.db.execute_sql(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
    create_tables(store, TABLES)
    for sql in INDEXES:
        store.db.execute_sql(sql)
