"""Schema 13: alerts from monitoring (dedup keys) and on-call rotations with their members and overrides."""

from __future__ import annotations

from incident_desk.storage import tables


def upgrade(store) -> None:
    from incident_desk.storage.migrations import create_tables
    create_tables(store, (tables.AlertKey, tables.OncallRotation, tables.OncallMember, tables.OncallOverride))
