"""Schema 16: a partial index of the open P1 incidents, the rows every communication-cadence scan reads."""

from __future__ import annotations

# The cadence pass of every escalation scan asks for the open P1s. Without this index SQLite walks every
# P1 ever logged (20,045 of a million in the demo: 45-75 ms a scan) to keep the few dozen still open.
# The WHERE clause is the query's own, term for term (communication_queries.cadence_states), so
# PostgreSQL's planner takes it; SQLite's cost guesses wander between the priority and status indexes, so
# that query names it (INDEXED BY). Statuses: new, acknowledged, in progress, on hold.
INDEX = ("CREATE INDEX IF NOT EXISTS ix_incident_open_p1 ON incident (id) "
         "WHERE priority = 1 AND status IN (10, 20, 30, 40)")


def upgrade(store) -> None:
    store.db.execute_sql(INDEX)
