"""The communication commands through the real CLI: what they do, and bad input (exit 2, one line, nothing written)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.reliability.reliability_tools import assert_one_line_error, run_cli


def _build(template) -> None:
    steps = [
        ["users", "add", "alex", "--role", "agent", "--team", "Service Desk"],
        ["log", "--title", "Checkout fails", "--category", "Software", "--impact", "high", "--urgency", "high",
         "--service", "Web Shop", "--contact", "jane@example.com", "--assignee", "alex"],
        ["service", "add", "Web Shop", "--public", "--subscriber", "news@example.org"],
        ["service", "add", "Billing"],
    ]
    for args in steps:
        result = run_cli(template, *args)
        assert result.returncode == 0, (args, result.stderr)


@pytest.fixture
def db(backend, backend_templates):
    return backend.copy_of(backend_templates.get(backend, _build))


def test_announce_list_distribute_publish(db, tmp_path):
    result = run_cli(db, "announce", "INC-1", "--state", "investigating", "--message", "Payments fail.",
                     "--service", "billing", "--publish", tmp_path / "site", "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert (out["state"], out["message"], out["published"]["incidents"]) == ("investigating", "Payments fail.", 1)
    listed = json.loads(run_cli(db, "service", "list", "--json").stdout)
    assert {s["name"]: (s["public"], s["state"]) for s in listed} == {
        "Billing": (False, "major_outage"), "Web Shop": (True, "major_outage")}
    mailto = run_cli(db, "distribute", "INC-1").stdout.strip()
    query = parse_qs(urlsplit(mailto).query)
    assert sorted(query["bcc"][0].split(",")) == ["jane@example.com", "news@example.org"]
    status = json.loads((tmp_path / "site" / "status.json").read_text())
    assert [s["name"] for s in status["services"]] == ["Web Shop"]  # Billing is internal
    assert run_cli(db, "service", "override", "Billing", "--state", "under_maintenance", "--reason",
                   "planned").returncode == 0
    assert db.rows("SELECT override_state, override_reason FROM business_service WHERE name = 'Billing'") == [
        ("under_maintenance", "planned")]
    assert run_cli(db, "major", "INC-1", "--off").returncode == 0


AGENT_REFUSED = "alex is an agent; only a lead or above may manage business services."
BAD = [
    pytest.param(["announce", "INC-1", "--state", "fixed", "--message", "x"], "invalid choice: 'fixed'", id="state"),
    pytest.param(["announce", "INC-1", "--state", "resolved", "--message", "   "], "message is empty", id="empty"),
    pytest.param(["announce", "INC-1", "--state", "resolved", "--message", "x", "--service", "Ghost"],
                 "There is no service 'Ghost'", id="unknown-service"),
    pytest.param(["announce", "INC-999", "--state", "resolved", "--message", "x"], "There is no incident",
                 id="unknown-incident"),
    pytest.param(["service", "add", "web shop"], "already a service 'web shop'", id="duplicate"),
    pytest.param(["service", "add", "Mail", "--subscriber", "a@b.org\nbcc: c@d.org"], "is not one e-mail address",
                 id="subscriber-injection"),
    pytest.param(["service", "set", "Web Shop", "--subscribe", "two@a.org,three@b.org"], "is not one e-mail",
                 id="two-addresses"),
    pytest.param(["service", "override", "Web Shop", "--state", "major_outage"], "Say why", id="no-reason"),
    pytest.param(["service", "override", "Web Shop", "--state", "on_fire", "--reason", "x"],
                 "invalid choice: 'on_fire'", id="bad-state"),
    pytest.param(["--user", "alex", "service", "add", "Mail"], AGENT_REFUSED, id="agent-adds-service"),
    pytest.param(["distribute", "INC-1"], "has no public update", id="nothing-to-send"),
]


@pytest.mark.parametrize("args, message", BAD)
def test_bad_input_is_one_line_exit_2_and_changes_nothing(db, args, message):
    before = db.content()
    assert_one_line_error(run_cli(db, *args), message)
    # argparse refuses a bad choice before the database is opened: no sign-in to record.
    signs_in = "invalid choice" not in message
    # A team database audits a refusal (services/auth.py); the single-user desk writes nothing.
    audited = [("alex", "auth.refused", f"service.manage: {AGENT_REFUSED}")] if message == AGENT_REFUSED else []
    db.assert_unchanged(before, sign_ins=int(signs_in), audited=audited)
