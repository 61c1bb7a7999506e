"""The full JSON export: export, import into an empty database, export again gives the same content."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from incident_desk.domain.incident import IncidentFilter, Status
from incident_desk.services.clock import ManualClock
from incident_desk.services.desk import Desk
from incident_desk.services.errors import PermissionDenied, ValidationError
from incident_desk.services.incidents import IncidentDraft
from incident_desk.services.transfer.fields import parse_map
from incident_desk.services.transfer.importer import ImportOptions
from incident_desk.services.transfer.service import Profile, Transfer
from tests.team_tools import TEAM_ADMIN, open_desk

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "transfer"
T = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
VOLATILE = ("exported_at", "origin")


def _fill(desk: Desk) -> None:
    """A desk with a bit of everything: people and a lead, imported history, work, links, escalations."""
    admin = desk.actor
    desk.users.add_user(actor=admin, username="lena", display_name="Lena Lead", role="lead", team="Service Desk")
    desk.users.add_user(actor=admin, username="alex", display_name="Alex Agent", role="agent", team="Network")
    desk.users.set_team_lead(actor=admin, team="Service Desk", username="lena")
    desk.settings.add_category(actor=admin, name="Kiosk")
    desk.settings.add_category(actor=admin, name="Screen", parent="Kiosk")
    transfer = Transfer(desk)
    transfer.import_file(ImportOptions(format="jira", path=FIXTURES / "jira.csv", tz="UTC"))
    transfer.save_profile(Profile(name="German tool", format="csv", mapping=parse_map(["Nummer=key"]),
                                  tz="Europe/Berlin"))
    inc = desk.incidents
    first = inc.log_incident(actor=admin, draft=IncidentDraft(title="Kiosk screen black \"again\"", category="Kiosk",
                                                              subcategory="Screen", impact="high", urgency="high",
                                                              assignee="alex", description="Zeile 1\nZeile 2 ✓"))
    second = inc.log_incident(actor=admin, draft=IncidentDraft(title="Same kiosk", category="Kiosk"))
    inc.comment(actor=admin, key=first.key, text="Vendor called back")
    key_note = inc.comment(actor=admin, key=second.key, text="Power strip was off", work_note=True)
    inc.transition(actor=admin, key=second.key, to=Status.RESOLVED, duplicate_of=first.key)
    inc.link(actor=admin, key=first.key, other="INC-000001", kind="related")
    # Closure: a postmortem with an entry of its own and a key note, a problem, action items.
    desk.postmortems.start(actor=admin, key=second.key, author="lena")
    desk.postmortems.add_entry(actor=admin, key=second.key, at=T, text="Screen went black")
    desk.postmortems.mark_key_comment(actor=admin, event_id=key_note.id)
    problem = desk.problems.create(actor=admin, title="Kiosk screens go black", incidents=[first.key],
                                   workaround="Check the power strip", owner="lena")
    desk.action_items.add(actor=admin, title="Label the power strip", owner="alex", due="2026-12-20",
                          incident=second.key)
    desk.action_items.add(actor=admin, title="Replace kiosk PSUs", owner="lena", problem=problem.key)
    comm = desk.communication
    comm.add_service(actor=admin, name="Kiosks", public=True, subscribers=["ops@example.org"])
    comm.override(actor=admin, name="Kiosks", state="degraded_performance", reason="vendor")
    comm.announce(actor=admin, key=first.key, state="investigating", message="Screens black.", services=["Kiosks"])
    comm.set_major(actor=admin, key=second.key)
    desk.clock.advance(hours=2)
    assert desk.escalation.scan()  # P1 unacknowledged: escalations and notifications to export


@pytest.fixture
def source(other_backend):
    """The filled desk exported from; the tests' own ``backend`` (and ``desk``) is where it goes."""
    desk = other_backend.open(clock=ManualClock(T))
    _fill(desk)
    yield desk
    desk.close()


def _export(desk, path) -> dict:
    Transfer(desk).export_json(path)
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _content(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in VOLATILE}


def test_round_trip_gives_identical_content(source, backend, tmp_path):
    first = _export(source, tmp_path / "a.json")
    assert stat.S_IMODE(os.stat(tmp_path / "a.json").st_mode) == 0o600
    assert len(first["incidents"]) == 6 and first["escalations"] and first["notifications"] and first["links"]
    assert first["import_profiles"][0]["name"] == "German tool"
    # Closure and the audit trail travel too, with the references that tie them together.
    assert [len(first[k]) for k in ("problems", "problem_links", "postmortems", "key_events", "action_items")] == \
        [1, 1, 1, 1, 2]
    assert "Screen went black" in [e["text"] for e in first["postmortem_entries"]]
    assert first["key_events"][0]["event"] in {e["id"] for e in first["events"] if e["note"] == "Power strip was off"}
    assert {"lena", "alex"} <= {name for a in first["audit"] for name in ("lena", "alex") if name in a["detail"]}
    assert first["public_updates"][0]["message"] == "Screens black." and first["service_subscribers"]
    assert len(first["incident_comms"]) == 2 and first["business_services"][0]["override_by"] == source.actor.username
    target = backend.open(clock=ManualClock(T + timedelta(days=1)))
    try:
        report = Transfer(target).import_file(ImportOptions(format="json", path=tmp_path / "a.json"))
        assert report.written and report.new == 6
        second = _export(target, tmp_path / "b.json")
        # The restored desk works: its search index, its keys, the duplicate link, the team lead.
        hits = target.incidents.list_incidents(filters=IncidentFilter(text="vendor called"))
        assert [h.key for h in hits] == ["INC-000005"]
        assert target.incidents.get_incident("INC-000006").duplicate_of == "INC-000005"
        assert {t["name"]: t["lead"] for t in target.users.list_teams()}["Service Desk"] == "lena"
        assert [row[0] for row in target.problems.incidents("PRB-000001")] == ["INC-000005"]
        assert [e.note for e, key in target.postmortems.comments("INC-000006") if key] == ["Power strip was off"]
        logged = target.incidents.log_incident(actor=target.actor, draft=IncidentDraft(title="New", category="Kiosk"))
        assert logged.key == "INC-000007"
    finally:
        target.close()
    assert _content(second) == _content(first)
    assert [k for k in second if k not in VOLATILE] == [k for k in first if k not in VOLATILE]


def test_importing_the_same_export_again_updates(source, backend, tmp_path):
    _export(source, tmp_path / "a.json")
    target = backend.open(clock=ManualClock(T))
    try:
        transfer = Transfer(target)
        transfer.import_file(ImportOptions(format="json", path=tmp_path / "a.json"))
        again = transfer.import_file(ImportOptions(format="json", path=tmp_path / "a.json"))
        assert (again.new, again.updated) == (0, 6)
        assert backend.value("SELECT count(*) FROM event") == len(json.load(open(tmp_path / "a.json"))["events"])
    finally:
        target.close()


def test_a_desk_with_other_incidents_is_not_merged_into(source, tmp_path, desk):
    _export(source, tmp_path / "a.json")
    desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(title="Mine", category="Network"))
    with pytest.raises(ValidationError, match="already holds incidents that did not come from this export"):
        Transfer(desk).import_file(ImportOptions(format="json", path=tmp_path / "a.json"))


def test_layout_does_not_matter_but_a_cut_file_is_refused(source, tmp_path, desk, backend):
    data = _export(source, tmp_path / "a.json")
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(data, indent=3), encoding="utf-8")
    dry = Transfer(desk).import_file(ImportOptions(format="json", path=pretty, dry_run=True))
    assert (dry.written, dry.new) == (False, 6)
    whole = (tmp_path / "a.json").read_text(encoding="utf-8")
    cut = tmp_path / "cut.json"
    cut.write_text(whole[: len(whole) * 2 // 3], encoding="utf-8")
    before = backend.content()
    with pytest.raises(ValidationError, match="not a complete Incident Desk export"):
        Transfer(desk).import_file(ImportOptions(format="json", path=cut))
    backend.assert_unchanged(before, sign_ins=0)
    newer = tmp_path / "newer.json"
    newer.write_text(whole.replace('"schema_version": ', '"schema_version": 9', 1), encoding="utf-8")
    with pytest.raises(ValidationError, match="comes from a newer Incident Desk"):
        Transfer(desk).import_file(ImportOptions(format="json", path=newer))


def test_only_an_admin_exports_everything(source, other_backend, tmp_path):
    alex = other_backend.open("alex")  # signed in as alex on PostgreSQL; acting as alex on SQLite
    try:
        with pytest.raises(PermissionDenied, match="export the whole database"):
            Transfer(alex).export_json(tmp_path / "x.json")
    finally:
        alex.close()
    assert not (tmp_path / "x.json").exists()


def test_moving_a_desk_to_the_other_backend_keeps_its_content(source, other_backend, tmp_path, pg_url):
    """SQLite to PostgreSQL, and PostgreSQL to a SQLite file."""
    first = _export(source, tmp_path / "a.json")
    if other_backend.is_team:
        moved = Desk.open(str(tmp_path / "moved.db"), clock=ManualClock(T))
    else:
        moved = open_desk(pg_url, clock=ManualClock(T))
    try:
        report = Transfer(moved).import_file(ImportOptions(format="json", path=tmp_path / "a.json"))
        assert report.written
        second = _export(moved, tmp_path / "moved.json")
        logged = moved.incidents.log_incident(actor=moved.actor, draft=IncidentDraft(title="Next", category="Kiosk"))
        assert logged.key == "INC-000007"  # the id sequence starts above the restored ids
        # Each end has an account of its own the other did not: the team database's admin (made to
        # sign in), the new SQLite file's local desk account (made at its first start).
        own = {TEAM_ADMIN, moved.actor.username}
    finally:
        moved.close()
    first["users"] = [u for u in first["users"] if u["username"] not in own]
    second["users"] = [u for u in second["users"] if u["username"] not in own]
    assert _content(second) == _content(first)


def test_every_table_of_the_desk_is_in_the_export(source, other_backend):
    """A table added later and forgotten in services/transfer/sections.py would be lost by a move."""
    from incident_desk.services.transfer.sections import SECTIONS
    if other_backend.is_team:
        tables = {name for (name,) in other_backend.rows(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE'")}
    else:
        tables = {name for (name,) in other_backend.rows("SELECT name FROM sqlite_master WHERE type = 'table'")}
    internal = {"schema_info", "migratehistory"} | {t for t in tables if t.startswith(("sqlite_", "incident_fts"))}
    assert tables - internal == {s.table for s in SECTIONS}
