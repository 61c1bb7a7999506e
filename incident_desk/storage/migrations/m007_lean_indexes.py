"""Schema 7: drop indexes no query uses any more; the import key becomes a partial unique index."""

from __future__ import annotations

# Since schema 5 the table filters and sorts by assignee/team name, so the id-led indexes only cost
# every write (and ~1.6 s of a million-incident bulk load). Only imported incidents have a source,
# so the uniqueness of (source, external_key) needs entries for those rows alone.
DROP = ("incident_assignee_id_status", "incident_team_id_status", "incident_source_external_key")
CREATE = ("CREATE UNIQUE INDEX IF NOT EXISTS incident_source_external_key_partial "
          "ON incident (source, external_key) WHERE source IS NOT NULL",)


def upgrade(store) -> None:
    for name in DROP:
        store.db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
    for sql in CREATE:
        store.db.execute_sql(sql)
