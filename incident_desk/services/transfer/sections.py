"""The parts of a full JSON export, one entry per table: a table added later joins the export with one line."""

from __future__ import annotations

from dataclasses import dataclass

from incident_desk.domain.incident import format_key, parse_key
from incident_desk.storage import tables
from incident_desk.storage.export_queries import TableInfo, table_info

# Each section is a table of storage.tables. References to users, teams, categories and incidents are
# written as their names and keys (so a file means the same in any database); other references stay
# ids, and the sections they point to keep their ids. Booleans are true/false, instants integer epoch
# seconds (UTC), as stored. Sections are written and read in the order of SECTIONS, so the rows a row
# refers to are always in before it (or, for cycles, listed in `later`).


@dataclass(frozen=True)
class Section:
    """One table in the export.

    key: columns that find the same row in another database (natural key), or () for rows that are
    only ever replaced with their owner; keep_ids: rows keep their ids (the incident, whose key is its
    id, and rows other rows point to by id); owner: the column naming the incident a row belongs to
    (its rows are replaced when that incident is imported again); later: references set once every
    section is in (cycles: a team's lead is a user, a user's team is a team)."""

    name: str
    model: type
    key: tuple[str, ...] = ()
    keep_ids: bool = False
    owner: str | None = None
    later: tuple[str, ...] = ()

    @property
    def table(self) -> str:
        return self.model._meta.table_name

    @property
    def info(self) -> TableInfo:
        return table_info(self.model)


SECTIONS: tuple[Section, ...] = (
    Section("teams", tables.Team, key=("name",), later=("lead_id",)),
    Section("users", tables.User, key=("username",)),
    Section("categories", tables.Category, key=("parent_id", "name")),
    Section("settings", tables.Setting, key=("key",)),
    Section("import_profiles", tables.ImportProfile, key=("name",)),
    Section("incidents", tables.Incident, keep_ids=True, later=("duplicate_of_id",)),
    # Events keep their ids: key events and postmortem entries point to them.
    Section("events", tables.Event, keep_ids=True, owner="incident_id"),
    Section("links", tables.IncidentLink, owner="source_id"),
    Section("watchers", tables.Watcher, owner="incident_id"),
    Section("escalations", tables.Escalation, keep_ids=True, owner="incident_id"),
    Section("notifications", tables.Notification, keep_ids=True),
    Section("problems", tables.Problem, keep_ids=True),
    Section("problem_links", tables.ProblemLink, owner="incident_id"),
    Section("postmortems", tables.Postmortem, keep_ids=True, owner="incident_id"),
    Section("postmortem_entries", tables.PostmortemEntry, keep_ids=True),
    Section("key_events", tables.KeyEvent, owner="incident_id"),
    Section("action_items", tables.ActionItem, keep_ids=True),
    Section("audit", tables.Audit, keep_ids=True),
    Section("business_services", tables.BusinessService, keep_ids=True),
    Section("service_subscribers", tables.ServiceSubscriber, key=("service_id", "address")),
    Section("affected_services", tables.AffectedService, owner="incident_id"),
    Section("public_updates", tables.PublicUpdate, owner="incident_id"),
    Section("incident_comms", tables.IncidentComms, key=("incident_id",)),
    Section("alert_keys", tables.AlertKey, owner="incident_id"),
    Section("oncall_rotations", tables.OncallRotation, keep_ids=True),
    Section("oncall_members", tables.OncallMember, key=("rotation_id", "position")),
    Section("oncall_overrides", tables.OncallOverride, keep_ids=True),
)


def section_named(name: str) -> Section | None:
    return next((s for s in SECTIONS if s.name == name), None)


class References:
    """Ids to names and back for one database (users, teams, categories; incidents by key)."""

    def __init__(self, names: dict[str, dict[int, str]]):
        self.names = names   # table -> id -> name
        self.ids = {table: {name: i for i, name in by_id.items()} for table, by_id in names.items()}
        self.remapped: dict[str, dict[int, int]] = {}   # table -> the file's id -> this database's id

    def name_of(self, table: str, row_id: int | None):
        if row_id is None:
            return None
        if table == "incident":
            return format_key(row_id)
        if table in self.names:
            return self.names[table].get(row_id)
        return row_id

    def id_of(self, table: str, name):
        if name is None:
            return None
        if table == "incident":
            return parse_key(name)
        if table in self.remapped:
            return self.remapped[table].get(name, name)
        if table in self.ids:
            found = self.ids[table].get(name)
            if found is None:
                raise KeyError(f"{table} '{name}'")
            return found
        return name

    def remap_id(self, table: str, file_id: int, row_id: int) -> None:
        """A row of the file that is an existing row under another id here (a service of the same name)."""
        self.remapped.setdefault(table, {})[file_id] = row_id

    def add(self, table: str, row_id: int, name: str) -> None:
        if table in self.names:
            self.names[table][row_id] = name
            self.ids[table][name] = row_id
