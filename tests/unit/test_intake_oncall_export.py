"""Alert keys, rotations, their members and overrides travel in the full JSON export and come back whole."""

from __future__ import annotations

import json
from datetime import timedelta

from incident_desk.domain.intake import parse_alertmanager
from incident_desk.services.transfer.importer import ImportOptions
from incident_desk.services.transfer.service import Transfer
from tests.backends import SQLITE, Backend
from tests.conftest import T0

QUERIES = {
    "alert_key": "SELECT a.dedup_key, i.key, a.fired FROM alert_key a JOIN incident i ON i.id = a.incident_id",
    "oncall_rotation": "SELECT t.name, r.name, r.every, r.unit, r.start_local, r.timezone, r.days, r.hours "
                       "FROM oncall_rotation r JOIN team t ON t.id = r.team_id",
    "oncall_member": "SELECT r.name, m.position, u.username FROM oncall_member m JOIN oncall_rotation r "
                     "ON r.id = m.rotation_id JOIN \"user\" u ON u.id = m.user_id ORDER BY r.name, m.position",
    "oncall_override": "SELECT t.name, u.username, o.starts_at, o.ends_at FROM oncall_override o JOIN team t "
                       "ON t.id = o.team_id JOIN \"user\" u ON u.id = o.user_id",
}


def snapshot(backend: Backend) -> dict:
    con = backend.connect()
    try:
        return {table: sorted(con.execute(sql).fetchall()) for table, sql in QUERIES.items()}
    finally:
        con.close()


def test_the_new_tables_round_trip_through_the_json_export(team_desk, backend, tmp_path, clock):
    desk = team_desk
    lena = desk.users.actor("lena")
    desk.oncall.set_rotation(actor=lena, team="Service Desk", users=["alex", "lena"], every="1d",
                             start="2026-11-01T08:00", tz="Europe/Berlin", days="mon-fri", hours="08:00-18:00")
    desk.oncall.add_override(actor=lena, team="Service Desk", user="lena", start=T0, end=T0 + timedelta(hours=3))
    payload = {"version": "4", "groupKey": "g", "alerts": [
        {"status": "firing", "labels": {"alertname": "A", "instance": "x"}, "fingerprint": "fp1"}]}
    desk.intake.accept(parse_alertmanager(payload))
    desk.intake.accept(parse_alertmanager(payload))
    before = snapshot(backend)
    assert all(before.values()), before
    Transfer(desk).export_json(tmp_path / "out.json")
    data = json.loads((tmp_path / "out.json").read_text())
    assert {"alert_keys", "oncall_rotations", "oncall_members", "oncall_overrides"} <= set(data)
    target_db = Backend(SQLITE, str(tmp_path / "b.db"), clock)  # from either backend into a SQLite file
    target = target_db.open()
    try:
        Transfer(target).import_file(ImportOptions(format="json", path=tmp_path / "out.json"))
    finally:
        target.close()
    assert snapshot(target_db) == before
