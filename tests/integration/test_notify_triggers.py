"""On a team server every table a desk shows tells the other desks when it changes (LISTEN/NOTIFY)."""

from __future__ import annotations

import psycopg2

from incident_desk.storage.database import open_database

# Tables no other desk shows live: the schema's own facts, the saved import mappings, and the search
# index (written with the incident, whose own trigger fires).
NOT_SHOWN = {"schema_info", "import_profile", "incident_fts"}


def test_every_table_a_desk_shows_has_the_change_trigger(pg_url):
    open_database(pg_url).close()  # a fresh database, migrated
    con = psycopg2.connect(pg_url)
    try:
        with con.cursor() as cur:
            cur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                        "AND table_type = 'BASE TABLE'")
            tables = {r[0] for r in cur.fetchall()}
            cur.execute("SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                        "WHERE t.tgname = 'incident_desk_notify'")
            notified = {r[0] for r in cur.fetchall()}
    finally:
        con.close()
    assert tables - NOT_SHOWN - notified == set()
    assert {"business_service", "public_update", "incident_comms"} <= notified
