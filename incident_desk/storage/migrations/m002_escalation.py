"""Schema 2: escalation level on incidents, fired escalations, notifications and watchers."""

from __future__ import annotations

from incident_desk.storage import tables


def upgrade(store) -> None:
    # Here, not at the top: playhouse.migrate pulls in peewee's PostgreSQL extensions and psycopg2,
    # which only creating or upgrading a database needs, not every start of the window.
    from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate

    migrator = SqliteMigrator(store.db) if store.is_sqlite else PostgresqlMigrator(store.db)
    columns = {c.name for c in store.db.get_columns("incident")}
    if "escalation_level" not in columns:
        migrate(migrator.add_column("incident", "escalation_level", tables.Incident.escalation_level))
    from incident_desk.storage.migrations import create_tables
    create_tables(store, (tables.Watcher, tables.Escalation, tables.Notification))
