"""Two desks on two databases in one process: each sees and writes only its own data."""

from __future__ import annotations

import threading

import pytest

from incident_desk.domain.incident import IncidentFilter
from incident_desk.services.desk import Desk
from incident_desk.services.incidents import IncidentDraft
from tests.team_tools import open_desk


def _check_alone(desk, tag: str, other_tag: str) -> None:
    assert desk.incidents.count_incidents() == 2
    titles = sorted(r.title for r in desk.incidents.list_incidents())
    assert titles == [f"{tag} VPN drops", f"{tag} printer jams"]
    assert [r.title for r in desk.incidents.list_incidents(filters=IncidentFilter(text=f"{tag}word"))] == \
        [f"{tag} VPN drops"]
    assert desk.incidents.count_incidents(filters=IncidentFilter(text=f"{other_tag}word")) == 0
    timeline = desk.incidents.timeline("INC-000002")
    notes = [e.note for e in timeline if e.note]
    assert f"{tag}word firmware suspected" in notes
    assert not any(other_tag in (e.note or "") + (e.new_value or "") for e in timeline)
    assert desk.incidents.get_incident("INC-000001").description == f"{tag} toner smudges"
    assert [link.to_key for link in desk.incidents.links("INC-000002")] == ["INC-000001"]


def _interleave(a: Desk, b: Desk) -> None:
    # Interleaved, so a write through one desk that landed in the other would show.
    for desk, tag in ((a, "alpha"), (b, "bravo")):
        desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(title=f"{tag} printer jams",
                                                                          category="Printing"))
    for desk, tag in ((a, "alpha"), (b, "bravo")):
        desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(title=f"{tag} VPN drops",
                                                                          category="Network"))
    for desk, tag in ((a, "alpha"), (b, "bravo")):
        inc = desk.incidents.get_incident("INC-000001")
        desk.incidents.edit_incident(actor=desk.actor, key=inc.key, expected_version=inc.version,
                                     changes={"description": f"{tag} toner smudges"})
        desk.incidents.comment(actor=desk.actor, key="INC-000002", text=f"{tag}word firmware suspected")
        desk.incidents.link(actor=desk.actor, key="INC-000002", other="INC-000001", kind="related")


def test_two_desks_of_one_backend_in_one_process_keep_apart(backend, other_backend):
    a = backend.open()
    b = other_backend.open()  # opened second: the old global proxy pointed here
    try:
        _interleave(a, b)
        _check_alone(a, "alpha", "bravo")
        _check_alone(b, "bravo", "alpha")
        assert a.store.identity and b.store.identity and a.store.identity != b.store.identity
    finally:
        a.close()
        b.close()
    # Read back with the plain driver (not our code): each database holds only its own desk's rows.
    for db, tag, other in ((backend, "alpha", "bravo"), (other_backend, "bravo", "alpha")):
        texts = " ".join(str(v) for row in db.rows("SELECT title, description FROM incident") for v in row)
        notes = " ".join(str(r[0]) for r in db.rows("SELECT note FROM event WHERE note IS NOT NULL"))
        assert tag in texts and other not in texts and other not in notes


def test_desks_on_two_threads_write_their_own_databases(backend, other_backend):
    desks = [backend.open(), other_backend.open()]
    errors: list[BaseException] = []

    def work(desk, tag):
        try:
            for n in range(20):
                desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
                    title=f"{tag} report {n}", category="Network"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(d, f"desk{n}")) for n, d in enumerate(desks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    try:
        assert errors == []
        for n, desk in enumerate(desks):
            titles = {r.title for r in desk.incidents.list_incidents(limit=100)}
            assert titles == {f"desk{n} report {k}" for k in range(20)}
    finally:
        for desk in desks:
            desk.close()
    for n, db in enumerate((backend, other_backend)):
        assert sorted(t for (t,) in db.rows("SELECT title FROM incident")) == sorted(
            f"desk{n} report {k}" for k in range(20))


def test_identity_is_the_one_stored_in_the_database(backend):
    desk = backend.open()
    try:
        identity = desk.store.identity
    finally:
        desk.close()
    assert backend.rows("SELECT value FROM schema_info WHERE key = 'desk_id'") == [(identity,)]
    assert len(identity) == 32


def test_a_sqlite_identity_is_stored_in_the_file_not_its_path(tmp_path, clock):
    desk = Desk.open(str(tmp_path / "a.db"), clock=clock)
    identity = desk.store.identity
    desk.close()
    (tmp_path / "a.db").rename(tmp_path / "moved.db")
    moved = Desk.open(str(tmp_path / "moved.db"), clock=clock)
    try:
        assert moved.store.identity == identity and len(identity) == 32
    finally:
        moved.close()
    fresh = Desk.open(str(tmp_path / "a.db"), clock=clock)  # a new file at the old path
    try:
        assert fresh.store.identity != identity
    finally:
        fresh.close()


@pytest.mark.postgres
def test_sqlite_and_postgres_desks_in_one_process_keep_apart(tmp_path, pg_url, clock):
    a = open_desk(pg_url, clock=clock)
    b = Desk.open(str(tmp_path / "b.db"), clock=clock)
    try:
        _interleave(a, b)
        _check_alone(a, "alpha", "bravo")
        _check_alone(b, "bravo", "alpha")
    finally:
        a.close()
        b.close()
