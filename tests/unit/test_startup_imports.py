"""Opening a SQLite desk loads neither the PostgreSQL driver, the migration toolkit nor the escalation
engine (cold start); the engine still runs inside the first write."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
from incident_desk.services.desk import Desk
Desk.open(sys.argv[1]).close()          # creates the file: migrations run
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('psycopg2', 'psycopg', 'playhouse', 'ssl'))))
"""

REOPEN = """
import json, sys
from incident_desk.services.desk import Desk
Desk.open(sys.argv[1]).close()
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('psycopg2', 'psycopg', 'playhouse', 'ssl')
                        or m in ('incident_desk.services.escalation', 'incident_desk.services.policies'))))
"""


def _loaded(code: str, db: Path) -> list[str]:
    out = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True, cwd=str(REPO),
                         timeout=60, check=True)
    return json.loads(out.stdout)


def test_opening_an_existing_sqlite_desk_loads_no_postgresql_driver(tmp_path):
    db = tmp_path / "desk.db"
    _loaded(PROBE, db)  # first open creates the schema (may use playhouse.migrate)
    assert _loaded(REOPEN, db) == []



def test_the_first_write_builds_the_escalation_engine_inside_its_transaction(desk, backend):
    from incident_desk.services.incidents import IncidentDraft
    assert desk._escalation is None
    inc = desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
        title="Core switch down", category="Network", impact="high", urgency="high"))
    assert desk._escalation is not None
    # Scheduled in the same commit as the incident (read on a connection of its own).
    assert backend.value("SELECT next_escalation_at FROM incident WHERE key = ?", (inc.key,)) is not None
