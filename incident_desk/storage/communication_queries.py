"""SQL of stakeholder communication: services, subscribers, public updates, cadence facts, the status page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from incident_desk.domain.incident import OPEN_STATUSES
from incident_desk.storage.database import Store
from incident_desk.storage.sql import bool_value, execute, execute_many, fetch_all, fetch_one, marks, scalar

_OPEN = ", ".join(str(int(s)) for s in sorted(OPEN_STATUSES))
_CHUNK = 500
SERVICE_COLUMNS = ("s.id, s.name, s.name_key, s.description, s.public, s.override_state, s.override_reason, "
                   "u.username, s.override_at, s.created_at, s.updated_at, t.name, s.retired_at")
_SELECT_SERVICES = (f'SELECT {SERVICE_COLUMNS} FROM business_service s LEFT JOIN "user" u ON u.id = s.override_by_id '
                    "LEFT JOIN team t ON t.id = s.team_id")


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


# ---- services -------------------------------------------------------------------------------------

def services(store: Store, *, public_only: bool = False) -> list[tuple]:
    # A retired service is no longer on the status page's list (its old incidents still name it).
    where = " WHERE s.public = ? AND s.retired_at IS NULL" if public_only else ""
    params = (bool_value(store, True),) if public_only else ()
    return fetch_all(store, f"{_SELECT_SERVICES}{where} ORDER BY s.name_key", params)


def service_by_key(store: Store, name_key: str) -> tuple | None:
    return fetch_one(store, f"{_SELECT_SERVICES} WHERE s.name_key = ?", (name_key,))


def insert_service(store: Store, *, name: str, name_key: str, description: str, public: bool, now: int) -> int:
    execute(store, "INSERT INTO business_service (name, name_key, description, public, created_at, updated_at) "
                   "VALUES (?, ?, ?, ?, ?, ?)", (name, name_key, description, bool_value(store, public), now, now))
    return scalar(store, "SELECT id FROM business_service WHERE name_key = ?", (name_key,))


def update_service(store: Store, service_id: int, fields: dict) -> None:
    cols = ", ".join(f"{name} = ?" for name in fields)
    values = [bool_value(store, v) if isinstance(v, bool) else v for v in fields.values()]
    execute(store, f"UPDATE business_service SET {cols} WHERE id = ?", (*values, service_id))


def active_service_names(store: Store) -> list[str]:
    """Names offered for new incidents: every service not retired."""
    return [r[0] for r in fetch_all(store, "SELECT name FROM business_service WHERE retired_at IS NULL "
                                           "ORDER BY name_key")]


def service_text_counts(store: Store) -> list[tuple[str, int]]:
    """(incident's own service text, incidents) for every text in use."""
    return fetch_all(store, "SELECT service, COUNT(*) FROM incident WHERE service IS NOT NULL GROUP BY service")


def affected_counts(store: Store) -> list[tuple[int, str | None, int]]:
    """(service id, the incident's own service text, incidents) over linked incidents."""
    return fetch_all(store, "SELECT a.service_id, i.service, COUNT(*) FROM affected_service a "
                            "JOIN incident i ON i.id = a.incident_id GROUP BY a.service_id, i.service")


def delete_service(store: Store, service_id: int) -> None:
    execute(store, "DELETE FROM service_subscriber WHERE service_id = ?", (service_id,))
    execute(store, "DELETE FROM business_service WHERE id = ?", (service_id,))


def distinct_incident_services(store: Store) -> list[str]:
    return [r[0] for r in fetch_all(store, "SELECT DISTINCT service FROM incident WHERE service IS NOT NULL")]


def link_incidents_with_service_text(store: Store, texts: Sequence[str], service_id: int) -> None:
    """Link to ``service_id`` every incident whose own service field is one of ``texts`` (not yet linked)."""
    for text in texts:
        execute(store, "INSERT INTO affected_service (incident_id, service_id) SELECT i.id, ? FROM incident i "
                       "WHERE i.service = ? AND NOT EXISTS (SELECT 1 FROM affected_service a "
                       "WHERE a.incident_id = i.id AND a.service_id = ?)", (service_id, text, service_id))


def subscribers(store: Store, service_ids: Sequence[int] | None = None) -> list[tuple[int, str]]:
    if service_ids is None:
        return fetch_all(store, "SELECT service_id, address FROM service_subscriber ORDER BY service_id, address")
    out: list[tuple[int, str]] = []
    for chunk in _chunks(list(service_ids)):
        out += fetch_all(store, f"SELECT service_id, address FROM service_subscriber WHERE service_id IN "
                                f"({marks(len(chunk))}) ORDER BY service_id, address", chunk)
    return out


def add_subscribers(store: Store, service_id: int, addresses: Iterable[str]) -> None:
    have = {a for _, a in subscribers(store, [service_id])}
    rows = [(service_id, a) for a in dict.fromkeys(addresses) if a not in have]
    if rows:
        execute_many(store, "INSERT INTO service_subscriber (service_id, address) VALUES (?, ?)", rows)


def remove_subscribers(store: Store, service_id: int, addresses: Iterable[str]) -> int:
    n = 0
    for address in addresses:
        n += execute(store, "DELETE FROM service_subscriber WHERE service_id = ? AND address = ?",
                     (service_id, address)).rowcount
    return n


def open_priorities_by_service_text(store: Store) -> list[tuple[str, int]]:
    """(incident's free-text service, its best priority) over open incidents."""
    return fetch_all(store, f"SELECT service, MIN(priority) FROM incident WHERE status IN ({_OPEN}) "
                            "AND service IS NOT NULL GROUP BY service")


def open_priorities_by_affected(store: Store) -> list[tuple[int, int]]:
    return fetch_all(store, f"SELECT a.service_id, MIN(i.priority) FROM affected_service a "
                            f"JOIN incident i ON i.id = a.incident_id WHERE i.status IN ({_OPEN}) "
                            "GROUP BY a.service_id")


def affected_of(store: Store, incident_ids: Sequence[int]) -> list[tuple[int, int]]:
    """(incident id, service id) for the services linked to these incidents."""
    out: list[tuple[int, int]] = []
    for chunk in _chunks(list(incident_ids)):
        out += fetch_all(store, f"SELECT incident_id, service_id FROM affected_service WHERE incident_id IN "
                                f"({marks(len(chunk))})", chunk)
    return out


def add_affected(store: Store, incident_id: int, service_ids: Iterable[int]) -> None:
    have = {s for _, s in affected_of(store, [incident_id])}
    rows = [(incident_id, s) for s in dict.fromkeys(service_ids) if s not in have]
    if rows:
        execute_many(store, "INSERT INTO affected_service (incident_id, service_id) VALUES (?, ?)", rows)


# ---- public updates -------------------------------------------------------------------------------

def insert_public_update(store: Store, *, incident_id: int, at: int, state: str, message: str,
                         author_id: int | None) -> int:
    execute(store, "INSERT INTO public_update (incident_id, at, state, message, author_id) VALUES (?, ?, ?, ?, ?)",
            (incident_id, at, state, message, author_id))
    return scalar(store, "SELECT MAX(id) FROM public_update WHERE incident_id = ?", (incident_id,))


def public_updates(store: Store, incident_ids: Sequence[int]) -> list[tuple]:
    """(incident id, update id, at, state, message, author username) oldest first per incident."""
    out: list[tuple] = []
    for chunk in _chunks(list(incident_ids)):
        out += fetch_all(store, f'SELECT p.incident_id, p.id, p.at, p.state, p.message, u.username '
                                f'FROM public_update p LEFT JOIN "user" u ON u.id = p.author_id '
                                f'WHERE p.incident_id IN ({marks(len(chunk))}) ORDER BY p.incident_id, p.at, p.id',
                         chunk)
    return out


def last_updates(store: Store, incident_ids: Sequence[int]) -> dict[int, tuple[int, str]]:
    """incident id -> (at, state) of its latest public update."""
    out: dict[int, tuple[int, str]] = {}
    for chunk in _chunks(list(incident_ids)):
        for incident_id, at, state in fetch_all(
                store, f"SELECT incident_id, at, state FROM public_update WHERE incident_id IN ({marks(len(chunk))}) "
                       "ORDER BY incident_id, at, id", chunk):
            out[incident_id] = (at, state)
    return out


def published_incident_ids(store: Store, since: int) -> list[int]:
    """Incidents with a public update: open ones, and any updated since ``since``."""
    recent = fetch_all(store, "SELECT DISTINCT incident_id FROM public_update WHERE at >= ?", (since,))
    still_open = fetch_all(store, f"SELECT DISTINCT p.incident_id FROM public_update p JOIN incident i "
                                  f"ON i.id = p.incident_id WHERE i.status IN ({_OPEN})")
    return sorted({r[0] for r in recent} | {r[0] for r in still_open})


def incident_facts(store: Store, incident_ids: Sequence[int]) -> list[tuple]:
    """(id, key, title, status, priority, opened_at, resolved_at, service, reporter_name, reporter_contact)."""
    out: list[tuple] = []
    for chunk in _chunks(list(incident_ids)):
        out += fetch_all(store, f"SELECT id, key, title, status, priority, opened_at, resolved_at, service, "
                                f"reporter_name, reporter_contact FROM incident WHERE id IN ({marks(len(chunk))})",
                         chunk)
    return out


def linked_reporter_contacts(store: Store, incident_id: int) -> list[str]:
    """The reporters' contacts of the incident and of every incident linked to it, either way."""
    rows = fetch_all(store, "SELECT reporter_contact FROM incident WHERE id = ? UNION "
                            "SELECT i.reporter_contact FROM incident_link l JOIN incident i ON i.id = l.target_id "
                            "WHERE l.source_id = ? UNION "
                            "SELECT i.reporter_contact FROM incident_link l JOIN incident i ON i.id = l.source_id "
                            "WHERE l.target_id = ?", (incident_id, incident_id, incident_id))
    return sorted({r[0] for r in rows if r[0]})


# ---- cadence --------------------------------------------------------------------------------------

def comms_of(store: Store, incident_id: int) -> tuple | None:
    """(major, marked_by username, marked_at, reminded_due_at) or None."""
    return fetch_one(store, 'SELECT c.major, u.username, c.marked_at, c.reminded_due_at FROM incident_comms c '
                            'LEFT JOIN "user" u ON u.id = c.marked_by_id WHERE c.incident_id = ?', (incident_id,))


def set_major(store: Store, incident_id: int, major: bool, actor_id: int | None, now: int) -> None:
    # One statement: two desks on a team server may both find no row and both insert (look-then-insert
    # failed the second with a unique violation).
    execute(store, "INSERT INTO incident_comms (incident_id, major, marked_by_id, marked_at) VALUES (?, ?, ?, ?) "
                   "ON CONFLICT (incident_id) DO UPDATE SET major = excluded.major, "
                   "marked_by_id = excluded.marked_by_id, marked_at = excluded.marked_at",
            (incident_id, bool_value(store, major), actor_id, now))


def claim_reminder(store: Store, incident_id: int, due_at: int) -> bool:
    """Mark the reminder for ``due_at`` as sent; False when it already was (by this desk or another).
    The database decides, whatever the timing: a second desk's INSERT waits for the first's commit and
    then does nothing, and its UPDATE finds the reminder already claimed."""
    made = execute(store, "INSERT INTO incident_comms (incident_id, major, reminded_due_at) VALUES (?, ?, ?) "
                          "ON CONFLICT (incident_id) DO NOTHING",
                   (incident_id, bool_value(store, False), due_at)).rowcount
    if made == 1:
        return True
    n = execute(store, "UPDATE incident_comms SET reminded_due_at = ? WHERE incident_id = ? "
                       "AND (reminded_due_at IS NULL OR reminded_due_at <> ?)", (due_at, incident_id, due_at)).rowcount
    return n == 1


def cadence_states(store: Store) -> list[tuple]:
    """Open major incidents (P1, or marked), as cheaply as they can be read: (id, version, priority,
    opened_at, major, reminded_due_at). The cadence recomputes only those whose version moved."""
    # Term for term the WHERE clause of the partial index ix_incident_open_p1 (m016): a few dozen rows, where
    # the priority index walks every P1 ever logged. SQLite is told; PostgreSQL's planner finds it itself.
    hint = " INDEXED BY ix_incident_open_p1" if store.is_sqlite else ""
    p1 = fetch_all(store, f"SELECT i.id, i.version, i.priority, i.opened_at, c.major, c.reminded_due_at "
                          f"FROM incident i{hint} LEFT JOIN incident_comms c ON c.incident_id = i.id "
                          f"WHERE i.priority = 1 AND i.status IN ({_OPEN})")
    # Marked ones are few: read them first, then their incidents by id (a join let SQLite scan every incident).
    marked = [r[0] for r in fetch_all(store, "SELECT incident_id FROM incident_comms WHERE major = ?",
                                      (bool_value(store, True),))]
    for chunk in _chunks(marked):
        p1 += fetch_all(store, f"SELECT i.id, i.version, i.priority, i.opened_at, c.major, c.reminded_due_at "
                               f"FROM incident i JOIN incident_comms c ON c.incident_id = i.id "
                               f"WHERE i.id IN ({marks(len(chunk))}) AND i.priority <> 1 AND i.status IN ({_OPEN})",
                        chunk)
    return p1


def cadence_details(store: Store, incident_ids: Sequence[int]) -> list[tuple]:
    """(id, key, title, priority, opened_at, assignee_id, team_id, major, reminded_due_at) of these incidents."""
    out: list[tuple] = []
    for chunk in _chunks(list(incident_ids)):
        out += fetch_all(store, f"SELECT i.id, i.key, i.title, i.priority, i.opened_at, i.assignee_id, i.team_id, "
                                f"c.major, c.reminded_due_at FROM incident i LEFT JOIN incident_comms c "
                                f"ON c.incident_id = i.id WHERE i.id IN ({marks(len(chunk))})", chunk)
    return out


def team_leads(store: Store, team_id: int | None) -> list[int]:
    if team_id is None:
        return []
    return [r[0] for r in fetch_all(store, 'SELECT lead_id FROM team WHERE id = ? AND lead_id IS NOT NULL', (team_id,))]


def active_user_ids(store: Store, *, role: str | None = None) -> list[int]:
    if role is None:
        return [r[0] for r in fetch_all(store, 'SELECT id FROM "user" WHERE active = ? ORDER BY id',
                                        (bool_value(store, True),))]
    return [r[0] for r in fetch_all(store, 'SELECT id FROM "user" WHERE active = ? AND role = ? ORDER BY id',
                                    (bool_value(store, True), role))]

