"""The CLI's happy paths on both backends: --json shapes, acting as another user, assign/unassign, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime

import pytest

from tests.backends import cli_argv


def run(db, *args, ok=True):
    """The real CLI in a process of its own; on PostgreSQL signed in (as the admin unless --user names one)."""
    proc = subprocess.run([sys.executable, "-m", "incident_desk", *cli_argv(["--db", db, *args])],
                          capture_output=True, text=True, timeout=60, env=db.cli_env())
    if ok:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture
def db(desk, backend):
    desk.users.add_user(actor=desk.actor, username="alex", role="agent", team="Service Desk")
    desk.close()
    return backend


def test_log_list_show_json(db):
    logged = json.loads(run(db, "log", "--title", "VPN drops", "--category", "network", "--impact", "high",
                            "--urgency", "medium", "--reporter", "Ann", "--contact", "ann@example.org",
                            "--opened-at", "2026-01-05T08:30+01:00", "--json").stdout)
    assert logged["key"] == "INC-000001" and logged["priority"] == "P2" and logged["status"] == "new"
    assert logged["category"] == "Network"
    assert datetime.fromisoformat(logged["opened_at"]).isoformat() == "2026-01-05T07:30:00+00:00"
    for field in ("acknowledged_at", "resolved_at", "closed_at"):
        assert logged[field] is None
    run(db, "transition", "INC-000001", "acknowledged")
    run(db, "log", "--title", "Printer jam", "--category", "Printing")
    run(db, "transition", "INC-000002", "cancelled", "--reason", "fixed by caller")
    listed = json.loads(run(db, "list", "--json").stdout)
    assert [i["key"] for i in listed] == ["INC-000002", "INC-000001"]  # every status, newest first
    assert listed[1]["acknowledged_at"].endswith("+00:00")
    shown = json.loads(run(db, "show", "INC-000001", "--json").stdout)
    assert [e["kind"] for e in shown["timeline"]] == ["status", "created"]
    assert "reported at 2026-01-05T07:30:00+00:00" in shown["timeline"][-1]["note"]
    assert json.loads(run(db, "list", "--status", "cancelled", "--json").stdout)[0]["key"] == "INC-000002"
    assert json.loads(run(db, "list", "--limit", "1", "--sort", "key", "--json").stdout)[0]["key"] == "INC-000001"


def test_acting_user_and_assignment(db):
    run(db, "log", "--title", "Mail bounce", "--category", "Email")
    out = run(db, "assign", "INC-000001", "alex").stdout
    assert "assigned to alex (Service Desk)" in out
    assert "assigned to nobody" in run(db, "assign", "INC-000001", "none").stdout
    run(db, "--user", "alex", "transition", "INC-000001", "acknowledged")
    refused = run(db, "--user", "alex", "transition", "INC-000001", "cancelled", "--reason", "x", ok=False)
    assert refused.returncode == 2 and "only a lead or above may cancel" in refused.stderr
    shown = json.loads(run(db, "show", "INC-000001", "--json").stdout)
    assert shown["timeline"][0]["actor"] == "alex"
    watched = json.loads(run(db, "--user", "alex", "watch", "INC-000001", "--json").stdout)
    assert "alex" in watched["watchers"]
    stopped = json.loads(run(db, "--user", "alex", "watch", "INC-000001", "--stop", "--json").stdout)
    assert "alex" not in stopped["watchers"]


def test_help_and_version():
    for args in (["--help"], ["log", "--help"], ["list", "--help"], ["metrics", "--help"], ["escalate", "--help"]):
        proc = subprocess.run([sys.executable, "-m", "incident_desk", *args], capture_output=True, text=True)
        assert proc.returncode == 0 and "usage:" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "incident_desk", "--version"], capture_output=True, text=True)
    assert proc.stdout.startswith("incident-desk ")


def _links(db) -> list[tuple]:
    """(from key, kind, to key) rows read with the plain driver (sqlite3 or psycopg2)."""
    query = ("SELECT s.key, l.kind, t.key FROM incident_link l JOIN incident s ON s.id = l.source_id "
             "JOIN incident t ON t.id = l.target_id ORDER BY l.id")
    return db.rows(query)


def test_link_and_unlink(db):
    for title in ("Mail down for finance", "Mail down", "Mail relay queue full"):
        run(db, "log", "--title", title, "--category", "Email")
    done = run(db, "link", "INC-000002", "duplicate_of", "INC-000001")
    assert done.stdout.strip() == "Linked INC-000002 duplicate_of INC-000001." and done.stderr == ""
    data = json.loads(run(db, "link", "INC-000001", "parent_of", "INC-000003", "--json").stdout)
    assert {"kind": "parent_of", "from": "INC-000001", "to": "INC-000003"} in data
    assert _links(db) == [("INC-000002", "duplicate_of", "INC-000001"), ("INC-000001", "parent_of", "INC-000003")]
    shown = json.loads(run(db, "show", "INC-000002", "--json").stdout)
    assert shown["timeline"][0]["kind"] == "link" and "INC-000001" in json.dumps(shown["timeline"][0])
    assert run(db, "link", "INC-000002", "duplicate_of", "INC-000001", "--remove").stdout.strip() == \
        "Unlinked INC-000002 duplicate_of INC-000001."
    assert _links(db) == [("INC-000001", "parent_of", "INC-000003")]
