"""Schema 12: team sign-in (failed-attempt counter, lock, password age) and PostgreSQL change notifications."""

from __future__ import annotations

# Database defaults, not only peewee's: older rows get them, and raw INSERTs need not name the columns.
USER_COLUMNS = {
    "failed_sign_ins": 'ALTER TABLE "user" ADD COLUMN failed_sign_ins INTEGER NOT NULL DEFAULT 0',
    "locked_until": 'ALTER TABLE "user" ADD COLUMN locked_until INTEGER',
    "password_changed_at": 'ALTER TABLE "user" ADD COLUMN password_changed_at INTEGER',
}

# What other desks show: a commit to any of these tables is announced on the channel below.
NOTIFY_CHANNEL = "incident_desk"
NOTIFIED_TABLES = ("incident", "event", "incident_link", "watcher", "notification", "escalation", "setting",
                   "category", "team", "user", "problem", "problem_link", "postmortem", "postmortem_entry",
                   "key_event", "action_item", "audit")

# One statement-level trigger per table: NOTIFY is delivered only when the transaction commits, and
# equal payloads of one transaction are sent once, so a bulk import is one message per table, not
# one per row. The payload names the table and the writer's application_name (each desk sets its
# own), so a desk can skip what it wrote itself.
NOTIFY_FUNCTION = f"""
CREATE OR REPLACE FUNCTION incident_desk_notify() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('{NOTIFY_CHANNEL}',
                      TG_TABLE_NAME || ' ' || coalesce(current_setting('application_name', true), ''));
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


def install_change_triggers(store, table_names) -> None:
    """(Re)create the change-notification trigger on ``table_names`` (PostgreSQL only; a later
    migration adding a table calls this for it)."""
    if store.is_sqlite:
        return
    store.db.execute_sql(NOTIFY_FUNCTION)
    existing = set(store.db.get_tables())
    for name in table_names:
        if name not in existing:
            continue
        store.db.execute_sql(f'DROP TRIGGER IF EXISTS incident_desk_notify ON "{name}"')
        store.db.execute_sql(f'CREATE TRIGGER incident_desk_notify AFTER INSERT OR UPDATE OR DELETE ON "{name}" '
                             f"FOR EACH STATEMENT EXECUTE FUNCTION incident_desk_notify()")


def upgrade(store) -> None:
    columns = {c.name for c in store.db.get_columns("user")}
    for name, ddl in USER_COLUMNS.items():
        if name not in columns:  # a fresh database made the table from today's model already
            store.db.execute_sql(ddl)
    install_change_triggers(store, NOTIFIED_TABLES)
