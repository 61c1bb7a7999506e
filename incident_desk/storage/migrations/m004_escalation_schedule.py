"""Schema 4: when each open incident may next escalate, indexed so a scan reads only due rows."""

from __future__ import annotations

# 0 means "never evaluated": rows written by bulk loaders that do not know the column (demo data,
# imports, rows of older releases) are picked up by the next scan, which then stores the real
# instant. NULL means nothing can fall due until the incident changes.
COLUMN_SQL = "ALTER TABLE incident ADD COLUMN next_escalation_at INTEGER DEFAULT 0"
INDEXES = (
    # (status, instant): the scan is a few short range seeks, one per open status.
    "CREATE INDEX IF NOT EXISTS ix_incident_next_escalation ON incident (status, next_escalation_at)",
    # Belt and braces for "one notification per person per escalation", whatever the writer.
    "CREATE UNIQUE INDEX IF NOT EXISTS ix_notification_user_escalation "
    "ON notification (user_id, escalation_id) WHERE escalation_id IS NOT NULL",
    # The tray poll: a user's not yet alerted notifications.
    "CREATE INDEX IF NOT EXISTS ix_notification_user_pending ON notification (user_id, alerted_at, id)",
)


def upgrade(store) -> None:
    columns = {c.name for c in store.db.get_columns("incident")}
    if "next_escalation_at" not in columns:
        store.db.execute_sql(COLUMN_SQL)
    for sql in INDEXES:
        store.db.execute_sql(sql)
