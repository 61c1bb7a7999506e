"""Numbered schema steps; the schema version lives in the database (table schema_info)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from incident_desk.storage import tables
from incident_desk.storage.migrations import (
    m001_initial,
    m002_escalation,
    m003_metrics_indexes,
    m004_escalation_schedule,
    m005_assignee_names,
    m006_search_merging,
    m007_lean_indexes,
    m008_identity,
    m009_audit,
    m010_closure,
    m011_transfer,
    m012_team,
    m013_intake_oncall,
    m014_communication,
    m015_service_catalog,
    m016_open_p1_index,
)

if TYPE_CHECKING:
    from incident_desk.storage.database import Store

# Each step takes a database at version N-1 to version N inside the caller's transaction.
STEPS = {1: m001_initial.upgrade, 2: m002_escalation.upgrade, 3: m003_metrics_indexes.upgrade,
         4: m004_escalation_schedule.upgrade, 5: m005_assignee_names.upgrade, 6: m006_search_merging.upgrade,
         7: m007_lean_indexes.upgrade, 8: m008_identity.upgrade, 9: m009_audit.upgrade,
         10: m010_closure.upgrade, 11: m011_transfer.upgrade,
         12: m012_team.upgrade,
         13: m013_intake_oncall.upgrade,
         14: m014_communication.upgrade,
         15: m015_service_catalog.upgrade,
         16: m016_open_p1_index.upgrade}
CURRENT_VERSION = max(STEPS)
DESK_ID_KEY = m008_identity.DESK_ID_KEY
LOCAL_ACCOUNT_KEY = m009_audit.LOCAL_ACCOUNT_KEY


def set_version(store: Store, version: int) -> None:
    (tables.SchemaInfo.insert(key="schema_version", value=str(version))
     .on_conflict(conflict_target=[tables.SchemaInfo.key], update={tables.SchemaInfo.value: str(version)})
     .execute(store.db))


def create_tables(store: Store, models) -> None:
    """CREATE TABLE (and indexes) IF NOT EXISTS for ``models`` on this store's database."""
    from peewee import SchemaManager
    for model in models:
        SchemaManager(model, store.db).create_all(safe=True)


def create_fresh_schema(store: Store) -> None:
    """A new database gets every step in order, so fresh and migrated files end up identical."""
    apply_migrations(store, 0)


def apply_migrations(store: Store, from_version: int) -> None:
    # Steps are numbered per change and may arrive out of order; a number not (yet) here is skipped.
    for version in sorted(v for v in STEPS if v > from_version):
        STEPS[version](store)
        set_version(store, version)
