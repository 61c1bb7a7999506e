"""The backend fixture itself: each id is the backend it says, every database is fresh and its own."""

from __future__ import annotations

import pytest

from incident_desk.services.incidents import IncidentDraft
from tests.team_tools import TEAM_ADMIN


def test_each_id_is_its_backend_fresh_with_the_admin_acting(backend, request):
    kind = request.node.callspec.params["backend"]
    assert backend.name == kind
    desk = backend.open()
    try:
        assert desk.store.backend == {"sqlite": "sqlite", "postgresql": "postgres"}[kind]
        assert desk.actor.role == "admin"
        assert desk.session is not None if kind == "postgresql" else desk.session is None
        desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(title="Mine alone", category="Email"))
    finally:
        desk.close()
    # Read back with the plain driver: exactly this test's one incident, nothing from another test.
    assert backend.rows("SELECT key, title FROM incident") == [("INC-000001", "Mine alone")]
    if kind == "postgresql":
        assert backend.value('SELECT role FROM "user" WHERE username = ?', (TEAM_ADMIN,)) == "admin"


@pytest.mark.parametrize("round_", [1, 2])
def test_databases_do_not_share_an_identity_or_rows(backend, round_):
    """Run twice per backend: a copy of the template gets an identity of its own (per-database settings)."""
    desk = backend.open()
    try:
        seen = desk.store.identity
        assert desk.incidents.count_incidents() == 0
        desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(title=f"Round {round_}", category="Email"))
    finally:
        desk.close()
    assert seen not in _IDENTITIES.setdefault(backend.name, set())
    _IDENTITIES[backend.name].add(seen)


_IDENTITIES: dict[str, set[str]] = {}


def test_another_persons_desk_signs_them_in(team_desk, backend):
    alex = backend.open("alex")
    try:
        assert (alex.actor.username, alex.actor.role) == ("alex", "agent")
    finally:
        alex.close()
