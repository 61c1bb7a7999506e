"""Who the single-user desk acts as: its account is made once, reads make none, --user is the admin's,
users add is all or nothing and audited, and escalating at another time is an admin's."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from incident_desk.services.desk import Desk
from incident_desk.services.errors import PermissionDenied
from incident_desk.services.incidents import IncidentDraft
from tests.reliability.reliability_tools import assert_one_line_error, logical_dump, run_cli

LOGIN = "deskowner"  # the login of whoever starts the desk first (getpass reads $LOGNAME first)


def rows(db, sql, params=()):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "desk.db"
    result = run_cli(path, "init", env={"LOGNAME": LOGIN, "USER": LOGIN})  # the first start
    assert result.returncode == 0, result.stderr
    return path


def test_the_first_start_makes_one_admin_and_remembers_it(db):
    assert rows(db, 'SELECT username, role FROM "user"') == [(LOGIN, "admin")]
    [(user_id,)] = rows(db, 'SELECT id FROM "user"')
    assert rows(db, "SELECT value FROM schema_info WHERE key = 'local_account'") == [(str(user_id),)]
    [(actor, action, detail)] = rows(db, "SELECT actor_name, action, detail FROM audit")
    assert (actor, action) == (LOGIN, "users.add") and "first start" in detail


def test_reads_never_make_accounts_whoever_runs_them(db):
    """getpass takes the login from $LOGNAME/$USER first: another name there must not become an admin."""
    before = logical_dump(db)
    for args in (["users", "list"], ["list"], ["metrics"], ["notifications"]):
        result = run_cli(db, *args, env={"USER": "mallory", "LOGNAME": "mallory"})
        assert result.returncode == 0, result.stderr
    assert logical_dump(db) == before
    assert rows(db, 'SELECT username FROM "user"') == [(LOGIN,)]
    # ...and what they write is the local account's.
    assert run_cli(db, "log", "--title", "Mine", "--category", "Network",
                   env={"USER": "mallory", "LOGNAME": "mallory"}).returncode == 0
    assert rows(db, 'SELECT u.username FROM event e JOIN "user" u ON u.id = e.actor_id') == [(LOGIN,)]


def test_user_add_that_is_refused_writes_nothing(db):
    before = logical_dump(db)
    assert_one_line_error(run_cli(db, "users", "add", "zed2", "--role", "admin", "--lead-of", "Nope"),
                          "There is no team 'Nope'")
    assert logical_dump(db) == before
    assert rows(db, "SELECT COUNT(*) FROM \"user\" WHERE username = 'zed2'") == [(0,)]


def test_user_add_is_audited_with_who_and_what(db):
    result = run_cli(db, "users", "add", "lena", "--role", "lead", "--team", "Network", "--lead-of", "Network")
    assert result.returncode == 0, result.stderr
    [(actor, detail)] = rows(db, "SELECT actor_name, detail FROM audit WHERE action = 'users.add' "
                                 "AND detail LIKE 'lena%'")
    assert actor == LOGIN and detail == "lena (lead), team Network, lead of Network"
    assert rows(db, "SELECT u.username FROM team t JOIN \"user\" u ON u.id = t.lead_id") == [("lena",)]
    listed = run_cli(db, "users", "audit", "--action", "users.add")
    assert listed.returncode == 0 and "lena (lead), team Network, lead of Network" in listed.stdout
    assert run_cli(db, "users", "add", "alex", "--role", "agent").returncode == 0
    assert_one_line_error(run_cli(db, "users", "audit", user="alex"), "alex is an agent; only an admin may read")


def test_the_admin_may_act_as_someone_else_an_agents_desk_may_not(db):
    assert run_cli(db, "users", "add", "alex", "--role", "agent").returncode == 0
    assert run_cli(db, "users", "add", "sam", "--role", "agent").returncode == 0
    assert run_cli(db, "log", "--title", "As Alex", "--category", "Network", user="alex").returncode == 0
    assert rows(db, "SELECT u.username FROM incident i JOIN \"user\" u ON u.id = i.created_by_id") == [("alex",)]
    # A desk whose own account is an agent (as a team member's copy might be) acts as that account only.
    [(alex_id,)] = rows(db, "SELECT id FROM \"user\" WHERE username = 'alex'")
    con = sqlite3.connect(db)
    con.execute("UPDATE schema_info SET value = ? WHERE key = 'local_account'", (str(alex_id),))
    con.commit()
    con.close()
    before = logical_dump(db)
    assert_one_line_error(run_cli(db, "log", "--title", "As Sam", "--category", "Network", user="sam"),
                          "Only an admin may act as another user", "alex is an agent")
    assert_one_line_error(run_cli(db, "list", user=LOGIN), "Only an admin may act as another user")
    assert logical_dump(db) == before
    assert run_cli(db, "list", user="alex").returncode == 0


def test_a_database_from_before_schema_9_adopts_its_earliest_admin(db):
    assert run_cli(db, "users", "add", "zara", "--role", "admin").returncode == 0
    con = sqlite3.connect(db)  # as release 8 left it: no audit table, no remembered account
    con.execute("DROP TABLE audit")
    con.execute("DELETE FROM schema_info WHERE key = 'local_account'")
    con.execute("UPDATE schema_info SET value = '8' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    result = run_cli(db, "users", "list", env={"USER": "zara", "LOGNAME": "zara"})
    assert result.returncode == 0, result.stderr
    [(first_admin,)] = rows(db, "SELECT id FROM \"user\" WHERE username = ?", (LOGIN,))
    assert rows(db, "SELECT value FROM schema_info WHERE key = 'local_account'") == [(str(first_admin),)]
    assert rows(db, "SELECT COUNT(*) FROM audit") == [(0,)]


def test_permission_messages_read_as_english(db):
    assert run_cli(db, "users", "add", "alex", "--role", "agent").returncode == 0
    assert run_cli(db, "users", "add", "lena", "--role", "lead").returncode == 0
    logged = run_cli(db, "log", "--title", "x", "--category", "Network")
    assert logged.returncode == 0
    assert_one_line_error(run_cli(db, "transition", "INC-000001", "cancelled", "--reason", "dup", user="alex"),
                          "alex is an agent; only a lead or above may cancel incidents")
    assert_one_line_error(run_cli(db, "users", "add", "x", user="lena"), "lena is a lead; only an admin may manage")


# ---- escalating at another instant, and whose escalations they are ---------------------------------------

@pytest.fixture
def overdue(db):
    for args in (["users", "add", "alex", "--role", "agent", "--team", "Service Desk"],
                 ["users", "add", "lena", "--role", "lead", "--team", "Service Desk", "--lead-of", "Service Desk"]):
        assert run_cli(db, *args).returncode == 0
    opened = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=20)
    desk = Desk.open(str(db), clock=lambda: opened)
    try:
        desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
            title="Printer on fire", category="Hardware", impact="high", urgency="high", assignee="alex"))
    finally:
        desk.close()
    return db


def test_escalate_now_is_an_admins_and_far_instants_need_force(overdue):
    before = logical_dump(overdue)
    assert_one_line_error(run_cli(overdue, "escalate", "--now", "2199-12-31T23:00Z", user="alex"),
                          "alex is an agent; only an admin may run escalations at another time")
    assert_one_line_error(run_cli(overdue, "escalate", "--now", "2199-12-31T23:00Z"), "must be forced",
                          "more than 24 hours from the clock")
    assert_one_line_error(run_cli(overdue, "escalate", "--now", "9999-12-31T23:00Z", "--force"),
                          "outside the years 1970 to 2200")
    assert_one_line_error(run_cli(overdue, "escalate", "--watch", "--interval", "inf"), "--interval must be between")
    assert logical_dump(overdue) == before  # and nothing was escalated by any of them


def test_an_escalation_someone_asked_for_is_theirs_on_the_timeline(overdue):
    result = run_cli(overdue, "escalate", "--once", "--json")
    assert result.returncode == 0 and "p1-unack" in result.stdout, result.stderr
    actors = rows(overdue, "SELECT DISTINCT u.username FROM event e LEFT JOIN \"user\" u ON u.id = e.actor_id "
                           "WHERE e.kind = 'escalation'")
    assert actors == [(LOGIN,)]
    shown = run_cli(overdue, "show", "INC-000001")
    assert f"{LOGIN:<12} escalation" in shown.stdout and "system" not in shown.stdout


def test_reading_another_persons_inbox_needs_an_admin(overdue):
    assert run_cli(overdue, "escalate", "--once").returncode == 0
    assert_one_line_error(run_cli(overdue, "notifications", "--user", "lena", user="alex"),
                          "only an admin may read another person's notifications")
    own = run_cli(overdue, "notifications", user="lena")
    admin = run_cli(overdue, "notifications", "--user", "lena")
    assert own.returncode == admin.returncode == 0 and own.stdout == admin.stdout and "escalated" in own.stdout


def test_the_services_refuse_too(overdue):
    [(alex_id,)] = rows(overdue, "SELECT id FROM \"user\" WHERE username = 'alex'")
    con = sqlite3.connect(overdue)  # a desk whose own account is an agent
    con.execute("UPDATE schema_info SET value = ? WHERE key = 'local_account'", (str(alex_id),))
    con.commit()
    con.close()
    desk = Desk.open(str(overdue))
    try:
        assert desk.actor.username == "alex"
        with pytest.raises(PermissionDenied, match="only an admin may read another person's notifications"):
            desk.notifications.inbox("lena", actor=desk.actor)
        with pytest.raises(PermissionDenied, match="Only an admin may act as another user"):
            desk.act_as("lena")
        with pytest.raises(PermissionDenied, match="only an admin may run escalations at another time"):
            desk.escalation.scan(datetime(2030, 1, 1, tzinfo=UTC), actor=desk.actor, force=True)
    finally:
        desk.close()
