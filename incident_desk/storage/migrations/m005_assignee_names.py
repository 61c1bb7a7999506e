"""Schema 5: assignee and team names on the incident row, indexed for sorting and filtering."""

from __future__ import annotations

INDEXES = (
    "CREATE INDEX IF NOT EXISTS incident_assignee_name_opened_at ON incident (assignee_name, opened_at)",
    "CREATE INDEX IF NOT EXISTS incident_team_name_opened_at ON incident (team_name, opened_at)",
)


def upgrade(store) -> None:
    columns = {c.name for c in store.db.get_columns("incident")}
    for name, size in (("assignee_name", 64), ("team_name", 100)):
        if name not in columns:
            store.db.execute_sql(f"ALTER TABLE incident ADD COLUMN {name} VARCHAR({size})")
    store.db.execute_sql('UPDATE incident SET assignee_name = (SELECT username FROM "user" u '
                         "WHERE u.id = incident.assignee_id) WHERE assignee_id IS NOT NULL")
    store.db.execute_sql("UPDATE incident SET team_name = (SELECT name FROM team t WHERE t.id = incident.team_id) "
                         "WHERE team_id IS NOT NULL")
    for sql in INDEXES:
        store.db.execute_sql(sql)
