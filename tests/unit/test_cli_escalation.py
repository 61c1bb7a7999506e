"""`incident-desk escalate` and `notifications`: headless runs, JSON output, clear errors on bad input."""

from __future__ import annotations

import json

import pytest

from incident_desk.cli import main
from incident_desk.services.incidents import IncidentDraft
from tests.backends import cli_argv


@pytest.fixture
def overdue_db(team_desk, backend):
    team_desk.incidents.log_incident(actor=team_desk.actor, draft=IncidentDraft(
        title="Printer on fire", category="Hardware", impact="high", urgency="high", assignee="alex"))
    team_desk.close()
    return backend


def run(capsys, *args):
    try:
        code = main(cli_argv(args))
    except SystemExit as exc:  # argparse refuses a bad option value itself (exit 2, one line)
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_escalate_once_with_now_prints_what_it_raised_once(overdue_db, capsys):
    # The test's instants are weeks from the real clock: an admin may scan at them when forced.
    code, out, _ = run(capsys, "--db", overdue_db, "escalate", "--once", "--now", "2026-11-02T09:06:00+00:00",
                       "--force", "--json")
    assert code == 0
    [item] = json.loads(out)
    assert (item["incident"], item["rule"], item["recipients"]) == ("INC-000001", "p1-unack-5m", ["lena"])
    assert item["due_at"] == "2026-11-02T09:05:00+00:00"
    code, out, _ = run(capsys, "--db", overdue_db, "escalate", "--now", "2026-11-02T09:06:00Z", "--force", "--json")
    assert (code, json.loads(out)) == (0, [])
    code, out, _ = run(capsys, "--db", overdue_db, "escalate", "--now", "2026-11-02T10:00:00Z", "--force")
    assert code == 0 and out.startswith("Raised 2 escalations:") and "p1-unack-15m" in out


def test_notifications_lists_a_users_inbox(overdue_db, capsys):
    run(capsys, "--db", overdue_db, "escalate", "--now", "2026-11-02T09:20:00+00:00", "--force")
    code, out, _ = run(capsys, "--db", overdue_db, "notifications", "--user", "lena", "--unread", "--json")
    assert code == 0
    items = json.loads(out)
    assert {i["title"] for i in items} == {"INC-000001 escalated: P1 not acknowledged after 5 minutes",
                                           "INC-000001 escalated: Response target breached"}
    assert all(i["incident"] == "INC-000001" and not i["read"] for i in items)
    code, out, _ = run(capsys, "--db", overdue_db, "notifications", "--user", "max")
    assert code == 0 and "P1 not acknowledged after 15 minutes" in out
    code, out, _ = run(capsys, "--db", overdue_db, "--user", "sam", "notifications", "--unread")
    assert (code, out.strip()) == (0, "No unread notifications.")


def test_watch_runs_until_told_to_stop(overdue_db, capsys):
    code, out, _ = run(capsys, "--db", overdue_db, "escalate", "--watch", "--interval", "0.01", "--max-runs", "2")
    assert code == 0
    assert out.count("Raised") == 1 and out.count("No escalations due.") == 1  # real clock: all due at once


@pytest.mark.parametrize("args,message", [
    (("escalate", "--now", "yesterday-ish"), "not a valid --now time"),
    (("escalate", "--now", "2026-13-45T99:00"), "not a valid --now time"),
    (("escalate", "--watch", "--now", "2026-11-02T09:00Z"), "--now works only with --once"),
    (("escalate", "--watch", "--interval", "0"), "--interval must be between 0.01 and 86400 seconds"),
    (("escalate", "--interval", "-1"), "--interval must be between 0.01 and 86400 seconds"),
    (("escalate", "--watch", "--interval", "inf"), "--interval must be between 0.01 and 86400 seconds"),
    (("notifications", "--user", "ghost"), "There is no user 'ghost'"),
    (("notifications", "--limit", "0"), "--limit must be between"),
    (("notifications", "--user", "'; DROP TABLE notification; --"), "There is no user"),
])
def test_bad_input_is_one_line_and_exit_2(overdue_db, capsys, args, message):
    code, out, err = run(capsys, "--db", overdue_db, *args)
    assert code == 2
    assert message in err and err.count("\n") == 1 and out == ""


def test_once_and_watch_exclude_each_other(overdue_db, capsys):
    with pytest.raises(SystemExit) as exc:
        main(cli_argv(["--db", overdue_db, "escalate", "--once", "--watch"]))
    assert exc.value.code == 2


def test_nothing_was_changed_by_a_failed_command(overdue_db, capsys):
    run(capsys, "--db", overdue_db, "escalate", "--now", "garbage")
    desk = overdue_db.open()
    try:
        assert desk.escalation.escalation_count() == 0
    finally:
        desk.close()
