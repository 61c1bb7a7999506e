"""Schema 14: business services, their subscribers, public updates and incidents' communication facts."""

from __future__ import annotations

import time

from incident_desk.storage import tables

TABLES = (tables.BusinessService, tables.ServiceSubscriber, tables.AffectedService, tables.PublicUpdate,
          tables.IncidentComms)


def upgrade(store) -> None:
    from incident_desk.storage.migrations import create_tables
    create_tables(store, TABLES)
    # The free-text services already on incidents become entries (internal: nothing is published
    # until a lead makes a service public). Names differing only in case are one service.
    db = store.db
    known = {row[0] for row in db.execute_sql("SELECT name_key FROM business_service").fetchall()}
    names = [row[0] for row in db.execute_sql(
        "SELECT DISTINCT service FROM incident WHERE service IS NOT NULL ORDER BY service").fetchall()]
    now = int(time.time())
    param = db.param
    insert = (f"INSERT INTO business_service (name, name_key, description, public, created_at, updated_at) "
              f"VALUES ({param}, {param}, '', {param}, {param}, {param})")
    public = 0 if store.is_sqlite else False
    for name in names:
        name = " ".join(str(name).split())
        key = name.casefold()
        if not name or key in known:
            continue
        known.add(key)
        db.execute_sql(insert, (name[:200], key[:200], public, now, now))
