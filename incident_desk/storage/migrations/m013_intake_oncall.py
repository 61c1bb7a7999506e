"""Schema 13: alerts from monitoring (dedup keys) and on-call rotations with their members and overrides."""

from __future__ import annotations

from incident_desk.storage import tables


def upgrade(store) -> None:
    from incident_desk.storage.migrations import create_tables
    models = (tables.AlertKey, tables.OncallRotation, tables.OncallMember, tables.OncallOverride)
    create_tables(store, models)
    # Other desks on a team server hear of changes to these tables too (LISTEN/NOTIFY, see m012).
    from incident_desk.storage.migrations.m012_team import install_change_triggers
    install_change_triggers(store, [model._meta.table_name for model in models])
