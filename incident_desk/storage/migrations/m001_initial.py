"""Schema 1: people, teams, categories, incidents, the timeline, links, settings and search."""

from __future__ import annotations

from incident_desk.storage import tables
from incident_desk.storage.search import create_search_index

# Columns and tables that came with later steps are left out here, so a version-1 file is
# exactly what release 1 wrote.
LATER_COLUMNS = {tables.Incident: ("escalation_level", "assignee_name", "team_name")}
TABLES = [tables.SchemaInfo, tables.Team, tables.User, tables.Category, tables.Incident,
          tables.Event, tables.IncidentLink, tables.Setting]


def upgrade(store) -> None:
    db = store.db
    for model in TABLES:
        skip = LATER_COLUMNS.get(model, ())
        if not skip:
            model.create_table(safe=True)
            continue
        # Build the CREATE TABLE without the later columns (peewee has no "exclude" option).
        saved = model._meta.sorted_fields
        try:
            model._meta.sorted_fields = [f for f in saved if f.name not in skip]
            db.execute(model._schema._create_table(safe=True))
        finally:
            model._meta.sorted_fields = saved
        model._schema.create_indexes(safe=True)
    create_search_index(store)
