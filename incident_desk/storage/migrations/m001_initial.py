"""Schema 1: people, teams, categories, incidents, the timeline, links, settings and search."""

from __future__ import annotations

import threading

from incident_desk.storage import tables
from incident_desk.storage.search import create_search_index

# Columns and tables that came with later steps are left out here, so a version-1 file is
# exactly what release 1 wrote.
LATER_COLUMNS = {tables.Incident: ("escalation_level", "assignee_name", "team_name", "root_cause",
                                   "caller_confirmed_at", "caller_confirmation"),
                 tables.Event: ("actor_label",)}
_SHARED_MODEL = threading.Lock()  # two databases created at once on two threads take turns
TABLES = [tables.SchemaInfo, tables.Team, tables.User, tables.Category, tables.Incident,
          tables.Event, tables.IncidentLink, tables.Setting]


def upgrade(store) -> None:
    from peewee import SchemaManager
    db = store.db
    for model in TABLES:
        schema = SchemaManager(model, db)
        skip = LATER_COLUMNS.get(model, ())
        if not skip:
            schema.create_all(safe=True)
            continue
        # Build the CREATE TABLE without the later columns (peewee has no "exclude" option). The
        # model is shared by every open database: the fields are put back before anything else runs.
        with _SHARED_MODEL:
            saved = model._meta.sorted_fields
            try:
                model._meta.sorted_fields = [f for f in saved if f.name not in skip]
                create = schema._create_table(safe=True)
            finally:
                model._meta.sorted_fields = saved
        db.execute(create)
        schema.create_indexes(safe=True)
    create_search_index(store)
