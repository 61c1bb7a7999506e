"""Demo data: reproducible by seed, and every frozen duration agrees with the services' own SLA maths."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pytest

from incident_desk.services import sla_state
from incident_desk.services.demo import DemoGenerator
from incident_desk.services.desk import Desk
from incident_desk.services.errors import ValidationError
from incident_desk.storage import repository as repo
from tests.backends import cli_argv

COLUMNS = ("tta_s", "ttr_s", "hold_s", "tta_bh_s", "ttr_bh_s", "hold_bh_s", "response_breached",
           "resolve_breached", "response_due_at", "resolve_due_at", "sla_paused_remaining_s")


def _generate(desk, **kw):
    gen = DemoGenerator(desk.store, clock=desk.clock, settings=desk.settings)
    return gen.generate(actor=desk.actor, until=desk.clock(), **kw)


def _digest(desk) -> str:
    rows = desk.store.db.execute_sql("SELECT * FROM incident ORDER BY id").fetchall()
    events = desk.store.db.execute_sql("SELECT incident_id, at, kind, old_value, new_value FROM event "
                                       "ORDER BY id").fetchall()
    return hashlib.sha256(repr((rows, events)).encode()).hexdigest()


def test_same_seed_same_data(tmp_path, clock):
    digests = []
    for name in ("a.db", "b.db"):
        desk = Desk.open(str(tmp_path / name), clock=clock)
        _generate(desk, count=500, seed=11)
        digests.append(_digest(desk))
        desk.close()
    assert digests[0] == digests[1]


def test_demo_durations_match_the_services(desk):
    result = _generate(desk, count=2500, seed=5, days=120)
    assert result.incidents == 2500 and result.events > 2500 * 3
    policy = desk.settings.sla_policy()
    mismatches = []
    statuses = set()
    for incident_id in range(1, 2501):
        row = repo.incident_record(desk.store, incident_id)
        history = repo.status_history(desk.store, incident_id)
        assert [at for at, _ in history] == sorted(at for at, _ in history), f"timeline out of order: {row.key}"
        statuses.add(row.status)
        want = sla_state.sla_columns(policy, row, history, desk.clock())
        for column in COLUMNS:
            if column in want and (want[column] or 0) != (getattr(row, column) or 0):
                mismatches.append((row.key, column, getattr(row, column), want[column]))
    assert mismatches == []
    assert statuses >= {10, 20, 30, 40, 50, 60, 70} - {20}  # every lifecycle state shows up (Ack is brief)


def test_bad_counts_are_refused(desk):
    with pytest.raises(ValidationError, match="between 1 and"):
        _generate(desk, count=0)
    assert desk.incidents.count_incidents() == 0


def test_the_demo_command_fills_either_backend_and_later_incidents_follow_on(backend):
    """`incident-desk demo` through the real CLI (on PostgreSQL it once failed: flags bulk-inserted as 0/1)."""
    def cli(*args):
        proc = subprocess.run([sys.executable, "-m", "incident_desk", *cli_argv(["--db", backend, *args])],
                              capture_output=True, text=True, timeout=120, env=backend.cli_env())
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    backend.open().close()
    made = json.loads(cli("demo", "--count", "300", "--days", "30", "--json"))
    assert (made["incidents"], made["first_key"], made["last_key"]) == (300, "INC-000001", "INC-000300")
    assert backend.value("SELECT count(*) FROM incident") == 300
    flags = backend.rows("SELECT priority_overridden, response_breached, resolve_breached FROM incident")
    assert {type(v) for row in flags for v in row} == ({bool} if backend.is_team else {int})
    assert any(row[1] or row[2] for row in flags)  # some demo incidents breached their targets
    logged = json.loads(cli("log", "--title", "After the demo", "--category", "Email", "--json"))
    assert logged["key"] == "INC-000301"
