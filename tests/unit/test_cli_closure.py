"""Closure on the command line: children resolved along, postmortems, problems, action items, the policy."""

from __future__ import annotations

import json

from incident_desk.cli import main
from tests.backends import cli_argv


def run(capsys, db, *args):
    code = main(cli_argv(["--db", db, *args]))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_closure_from_the_command_line(team_desk, backend, capsys):
    team_desk.close()
    db = backend
    assert run(capsys, db, "log", "--title", "Mail server down", "--category", "Email", "--impact", "high",
               "--urgency", "high")[0] == 0
    assert run(capsys, db, "log", "--title", "Cannot send mail", "--category", "Email")[0] == 0
    assert run(capsys, db, "link", "INC-000001", "parent_of", "INC-000002")[0] == 0
    assert run(capsys, db, "transition", "INC-000001", "acknowledged")[0] == 0
    code, out, _ = run(capsys, db, "transition", "INC-000001", "resolved", "--code", "fixed", "--root-cause",
                       "capacity", "--with-children")
    assert (code, out) == (0, "INC-000001 is now Resolved.\n")
    assert db.rows("SELECT key, status, root_cause FROM incident ORDER BY id") == [
        ("INC-000001", 50, "capacity"), ("INC-000002", 50, "capacity")]
    code, out, _ = run(capsys, db, "postmortem", "show", "INC-000001", "--json")
    shown = json.loads(out)
    assert (code, shown["status"], shown["required"]) == (0, "draft", True)
    assert [e["text"] for e in shown["timeline"]] == ["Incident opened: Mail server down", "Acknowledged",
                                                      "Resolved (fixed)"]
    code, out, _ = run(capsys, db, "action", "add", "--title", "Disk alert", "--incident", "INC-000001", "--due",
                       "2026-11-30", "--json")
    item = json.loads(out)
    assert (code, item["owner"], item["due"]) == (0, None, "2026-11-30")
    assert run(capsys, db, "postmortem", "set", "INC-000001", "--summary", "Mail was down", "--impact-who", "Staff",
               "--root-cause", "Full disk", "--impact-count", "40")[0] == 0
    assert run(capsys, db, "--user", "alex", "postmortem", "submit", "INC-000001")[0] == 0
    code, out, err = run(capsys, db, "--user", "alex", "postmortem", "publish", "INC-000001")
    assert (code, err) == (2, "incident-desk: alex is an agent; only a lead or above may approve or reopen a "
                              "postmortem.\n")
    code, out, err = run(capsys, db, "--user", "lena", "postmortem", "publish", "INC-000001")
    assert (code, err) == (2, "incident-desk: The action item 'Disk alert' has no owner; every action item needs one "
                              "before the postmortem is published.\n")
    assert run(capsys, db, "action", "set", str(item["id"]), "--owner", "sam")[0] == 0
    code, out, _ = run(capsys, db, "--user", "lena", "postmortem", "publish", "INC-000001")
    assert (code, out) == (0, "The postmortem of INC-000001 is published (version 4).\n")
    code, out, _ = run(capsys, db, "--user", "sam", "action", "list", "--mine", "--json")
    assert [(i["title"], i["owner"]) for i in json.loads(out)] == [("Disk alert", "sam")]
    code, out, _ = run(capsys, db, "problem", "new", "--title", "Log partitions fill up", "--incident", "INC-000001",
                       "--workaround", "Delete rotated logs")
    assert (code, out) == (0, "PRB-000001 is open with 1 incidents: Log partitions fill up\n")
    assert run(capsys, db, "problem", "status", "PRB-000001", "known_error")[0] == 0
    code, out, err = run(capsys, db, "--user", "alex", "closure-policy", "--auto-close-days", "1")
    assert (code, err) == (2, "incident-desk: alex is an agent; only a lead or above may change the closure "
                              "policy.\n")
    code, out, _ = run(capsys, db, "--user", "lena", "closure-policy", "--auto-close-days", "1",
                       "--postmortem-priorities", "P1")
    assert (code, out) == (0, "Postmortem required for P1; resolved incidents are closed automatically 1 day after "
                              "resolution.\n")
    code, out, _ = run(capsys, db, "escalate", "--now", "2030-01-01T00:00:00Z", "--force")
    assert code == 0
    assert "Closed 2 resolved incidents automatically:" in out and "INC-000002" in out
    assert "Told the owners of 1 overdue action item:" in out


def test_closure_commands_explain_bad_input(desk, backend, capsys):
    desk.close()
    for args, message in (
            (["postmortem", "show", "INC-x"], "'INC-x' is not an incident key; keys look like INC-000123."),
            (["problem", "status", "PRB-000009", "open"], "There is no problem PRB-000009."),
            (["action", "add", "--title", "x"], "Link the action item to an incident or a problem."),
            (["closure-policy", "--auto-close-days", "999"],
             "Auto-close days must be a whole number from 0 (never) to 365, not 999."),
            (["root-cause", "INC-000001", "capacity"], "There is no incident INC-000001.")):
        code, out, err = run(capsys, backend, *args)
        assert (code, out, err) == (2, "", f"incident-desk: {message}\n")
