"""Team sign-in on PostgreSQL: passwords, locks after failures, roles refused in the services, the audit trail."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from incident_desk.services.desk import Desk
from incident_desk.services.errors import PermissionDenied, ValidationError
from incident_desk.services.incidents import IncidentDraft
from incident_desk.services.signin import SessionExpired, SignInError
from tests.conftest import ROOT
from tests.team_tools import TEAM_ADMIN, TEAM_PASSWORD, open_desk
from tests.team_tools import pg_rows as _rows

pytestmark = pytest.mark.postgres
# Every refused sign-in says this, whatever the reason (the reason is on the audit trail).
REFUSED = ("Wrong user name or password, or the account is locked or disabled; "
           "try again later or ask an admin.")
PASSWORDS = {"vera": "viewer-pw-1", "alex": "agent-pw-1", "lena": "lead-pw-01"}


@pytest.fixture
def team(pg_url, clock):
    admin = open_desk(pg_url, clock=clock)
    for name, role in (("vera", "viewer"), ("alex", "agent"), ("lena", "lead")):
        admin.users.add_user(actor=admin.actor, username=name, role=role, password=PASSWORDS[name])
    admin.incidents.log_incident(actor=admin.actor, draft=IncidentDraft(title="Printer jams", category="Hardware"))
    yield admin
    admin.close()


def _as(url, clock, name) -> Desk:
    return Desk.open(url, clock=clock, username=name, password=PASSWORDS[name])


def test_passwords_are_scrypt_hashes_never_the_password(team, pg_url):
    [(stored,)] = _rows(pg_url, 'SELECT password_hash FROM "user" WHERE username = %s', "alex")
    assert PASSWORDS["alex"] not in stored
    scheme, n, r, p, salt, key = stored.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", 2**14, 8, 1)
    import base64
    import hashlib
    # The oracle: the standard library's scrypt with the stored salt and parameters.
    again = hashlib.scrypt(PASSWORDS["alex"].encode(), salt=base64.b64decode(salt), n=2**14, r=8, p=1, dklen=32,
                           maxmem=64 * 1024 * 1024)
    assert base64.b64decode(key) == again


def test_a_viewer_reads_but_cannot_write_and_each_refusal_is_audited(team, pg_url, clock):
    vera = _as(pg_url, clock, "vera")
    try:
        assert vera.actor.role == "viewer"
        assert vera.incidents.count_incidents() == 1  # reads work
        from incident_desk.services.metrics import MetricsService
        assert sum(b.volume_total for b in MetricsService.for_desk(vera).refresh().buckets) == 1  # charts too
        with pytest.raises(PermissionDenied, match="only an agent or above may log incidents"):
            vera.incidents.log_incident(actor=vera.actor, draft=IncidentDraft(title="x", category="Hardware"))
        with pytest.raises(PermissionDenied):
            vera.incidents.comment(actor=vera.actor, key="INC-000001", text="hello")
        inc = vera.incidents.get_incident("INC-000001")
        with pytest.raises(PermissionDenied):
            vera.incidents.edit_incident(actor=vera.actor, key="INC-000001", expected_version=inc.version,
                                         changes={"title": "mine"})
    finally:
        vera.close()
    assert _rows(pg_url, "SELECT count(*) FROM incident")[0][0] == 1
    assert _rows(pg_url, "SELECT title FROM incident")[0][0] == "Printer jams"
    assert _rows(pg_url, "SELECT count(*) FROM event WHERE kind = 'comment'")[0][0] == 0
    refused = _rows(pg_url, "SELECT actor_name, detail FROM audit WHERE action = 'auth.refused' ORDER BY id")
    assert [(who, detail.split(":")[0]) for who, detail in refused] == \
        [("vera", "incident.log"), ("vera", "incident.comment"), ("vera", "incident.edit")]


def test_an_agent_cannot_close_cancel_change_policies_or_manage_users(team, pg_url, clock):
    before = _rows(pg_url, "SELECT status, version FROM incident")
    settings_before = _rows(pg_url, "SELECT key, value FROM setting ORDER BY key")
    alex = _as(pg_url, clock, "alex")
    try:
        inc = alex.incidents.get_incident("INC-000001")
        with pytest.raises(PermissionDenied, match="only a lead or above may cancel"):
            alex.incidents.transition(actor=alex.actor, key="INC-000001", to="cancelled",
                                      expected_version=inc.version, note="dup")
        with pytest.raises(PermissionDenied, match="close"):
            alex.incidents.transition(actor=alex.actor, key="INC-000001", to="closed", expected_version=inc.version)
        with pytest.raises(PermissionDenied, match="SLA"):
            alex.settings.set_sla_policy(actor=alex.actor, policy=alex.settings.sla_policy())
        with pytest.raises(PermissionDenied, match="escalation"):
            alex.policies.set_escalation_policy(actor=alex.actor, policy=alex.policies.escalation_policy())
        with pytest.raises(PermissionDenied, match="manage users"):
            alex.users.add_user(actor=alex.actor, username="mallory", role="admin", password="whatever-1")
        with pytest.raises(PermissionDenied, match="manage users"):
            alex.signin.reset_password(actor=alex.actor, username=TEAM_ADMIN, new="taken-over-1")
        with pytest.raises(PermissionDenied, match="manage users"):
            alex.signin.set_role(actor=alex.actor, username="alex", role="admin")
        with pytest.raises(PermissionDenied, match="nobody acts as another"):
            alex.act_as(TEAM_ADMIN)
    finally:
        alex.close()
    assert _rows(pg_url, "SELECT status, version FROM incident") == before
    assert _rows(pg_url, "SELECT key, value FROM setting ORDER BY key") == settings_before
    assert _rows(pg_url, 'SELECT username, role FROM "user" ORDER BY username') == \
        [("admin", "admin"), ("alex", "agent"), ("lena", "lead"), ("vera", "viewer")]
    refused = [d.split(":")[0] for (d,) in _rows(pg_url, "SELECT detail FROM audit WHERE action = 'auth.refused' "
                                                        "ORDER BY id")]
    assert refused == ["incident.cancel", "incident.close", "settings.sla", "settings.escalation", "users.manage",
                       "users.manage", "users.manage"]


def test_wrong_passwords_are_refused_then_the_account_locks_across_processes(team, pg_url, clock):
    for n in range(4):
        with pytest.raises(SignInError, match="Wrong user name or password"):
            Desk.open(pg_url, clock=clock, username="alex", password=f"guess-{n}")
    # The fifth failure comes from another process: the count is in the database, not in this one.
    env = {**os.environ, "INCIDENT_DESK_PASSWORD": "guess-from-afar"}
    done = subprocess.run([sys.executable, "-m", "incident_desk", "--db", pg_url, "--user", "alex", "list"],
                          capture_output=True, text=True, timeout=120, env=env, cwd=str(ROOT))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip() == f"incident-desk: {REFUSED}"
    assert _rows(pg_url, 'SELECT failed_sign_ins, locked_until IS NOT NULL FROM "user" WHERE username = %s',
                 "alex") == [(5, True)]
    # Locked: even the right password is refused now, in the same words as a wrong one.
    with pytest.raises(SignInError) as locked:
        _as(pg_url, clock, "alex")
    assert str(locked.value) == REFUSED
    failed = _rows(pg_url, "SELECT actor_name, detail FROM audit WHERE action = 'auth.sign_in_failed' ORDER BY id")
    # (The lock was set by the CLI process on the real clock; this one's clock is the test's own.)
    assert [d.split(" (")[0] if d.startswith("refused") else d for _, d in failed] == \
        [f"wrong password ({n} in a row)" for n in range(1, 5)] + \
        ["wrong password (5 in a row); locked for 60 s", "refused: the account is locked"]
    assert {w for w, _ in failed} == {"alex"}
    # An admin's reset lifts the lock; the next sign-in succeeds and is on the trail.
    team.signin.reset_password(actor=team.actor, username="alex", new="fresh-pass-1")
    PASSWORDS["alex"] = "fresh-pass-1"
    try:
        _as(pg_url, clock, "alex").close()
    finally:
        PASSWORDS["alex"] = "agent-pw-1"
    assert _rows(pg_url, "SELECT count(*) FROM audit WHERE action = 'auth.sign_in' AND actor_name = 'alex'") == [(1,)]
    assert _rows(pg_url, 'SELECT failed_sign_ins, locked_until FROM "user" WHERE username = %s', "alex") == \
        [(0, None)]


def test_a_lock_ends_after_its_time(team, pg_url, clock):
    for n in range(5):
        with pytest.raises(SignInError):
            Desk.open(pg_url, clock=clock, username="lena", password=f"guess-{n}")
    clock.advance(seconds=59)
    with pytest.raises(SignInError):
        _as(pg_url, clock, "lena")
    assert _rows(pg_url, "SELECT detail FROM audit WHERE action = 'auth.sign_in_failed' ORDER BY id DESC LIMIT 1") \
        == [("refused: the account is locked (1 s left)",)]
    clock.advance(seconds=1)
    _as(pg_url, clock, "lena").close()


def test_unknown_names_and_missing_passwords(team, pg_url, clock):
    with pytest.raises(SignInError, match="Wrong user name or password"):
        Desk.open(pg_url, clock=clock, username="nobody", password="whatever-1")
    with pytest.raises(SignInError, match="No password given for alex"):
        Desk.open(pg_url, clock=clock, username="alex", password=None)
    with pytest.raises(SignInError, match="sign in with --user NAME"):
        Desk.open(pg_url, clock=clock)
    assert _rows(pg_url, "SELECT actor_name, detail FROM audit WHERE action = 'auth.sign_in_failed'") == \
        [("nobody", "nobody: no such account")]


def test_password_change_disable_and_idle_expiry(team, pg_url, clock):
    alex = _as(pg_url, clock, "alex")
    try:
        with pytest.raises(SignInError, match="current password is wrong"):
            alex.signin.change_password(actor=alex.actor, current="nope", new="new-pass-22")
        with pytest.raises(ValidationError, match="at least 8"):
            alex.signin.change_password(actor=alex.actor, current=PASSWORDS["alex"], new="short")
        alex.signin.change_password(actor=alex.actor, current=PASSWORDS["alex"], new="new-pass-22")
        with pytest.raises(SignInError):
            _as(pg_url, clock, "alex")  # the old password no longer works
        Desk.open(pg_url, clock=clock, username="alex", password="new-pass-22").close()
        # Idle expiry: measured on the session's ticker (monotonic seconds), which the test moves.
        ticks = [1000.0]
        session = alex.session
        session.ticker = lambda: ticks[0]
        session.renew()
        ticks[0] += 29 * 60
        alex.incidents.comment(actor=alex.actor, key="INC-000001", text="still here")  # resets the idle clock
        ticks[0] += 30 * 60 + 1
        with pytest.raises(SessionExpired, match="expired after 30 minutes idle"):
            alex.incidents.comment(actor=alex.actor, key="INC-000001", text="too late")
        session.renew()
        # An admin disables the account: the session ends at its next check.
        team.signin.set_active(actor=team.actor, username="alex", active=False)
        ticks[0] += 31  # past the recheck interval, well inside the idle time
        with pytest.raises(SessionExpired, match="disabled"):
            alex.incidents.comment(actor=alex.actor, key="INC-000001", text="disabled now")
    finally:
        alex.close()
    with pytest.raises(SignInError, match="disabled"):
        Desk.open(pg_url, clock=clock, username="alex", password="new-pass-22")
    notes = [n for (n,) in _rows(pg_url, "SELECT note FROM event WHERE kind = 'comment' ORDER BY id")]
    assert notes == ["still here"]
    with pytest.raises(ValidationError, match="last active admin"):
        team.signin.set_active(actor=team.actor, username=TEAM_ADMIN, active=False)
    team.signin.set_idle_limit(actor=team.actor, minutes=5)
    lena = _as(pg_url, clock, "lena")
    try:
        assert lena.session.idle.total_seconds() == 300
        ticks = [0.0]
        lena.session.ticker = lambda: ticks[0]
        lena.session.renew()
        # An admin resets lena's password (same business clock second): her open session ends at its next check.
        team.signin.reset_password(actor=team.actor, username="lena", new="reset-by-admin-1")
        ticks[0] += 31
        with pytest.raises(SessionExpired, match="password of lena was changed"):
            lena.incidents.comment(actor=lena.actor, key="INC-000001", text="after the reset")
    finally:
        lena.close()


def test_the_audit_trail_filters(team, pg_url, clock):
    with pytest.raises(SignInError):
        Desk.open(pg_url, clock=clock, username="vera", password="wrong-one-1")
    _as(pg_url, clock, "vera").close()
    auth = team.users.audit(actor=team.actor, action="auth.")
    expected = _rows(pg_url, "SELECT id FROM audit WHERE action LIKE 'auth.%%' ORDER BY id DESC")
    assert [e.id for e in auth] == [i for (i,) in expected]
    vera = team.users.audit(actor=team.actor, who="VERA")
    assert [(e.action, e.actor) for e in vera] == [("auth.sign_in", "vera"), ("auth.sign_in_failed", "vera")]
    exact = team.users.audit(actor=team.actor, action="auth.sign_in", limit=1)
    assert [(e.action, e.actor) for e in exact] == [("auth.sign_in", "vera")]
    lena = _as(pg_url, clock, "lena")
    try:
        with pytest.raises(PermissionDenied, match="only an admin may read the audit log"):
            lena.users.audit(actor=lena.actor)
    finally:
        lena.close()


def test_cli_init_and_sign_in(pg_url, tmp_path):
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path)}
    env.pop("INCIDENT_DESK_PASSWORD", None)

    def cli(*args, password=None):
        extra = {"INCIDENT_DESK_PASSWORD": password} if password else {}
        return subprocess.run([sys.executable, "-m", "incident_desk", "--db", pg_url, *args], capture_output=True,
                              text=True, timeout=120, env={**env, **extra}, cwd=str(ROOT), stdin=subprocess.DEVNULL)

    done = cli("init", "--admin", "root")
    assert done.returncode == 2 and "No password given for root" in done.stderr
    assert _rows(pg_url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [(0,)]  # nothing written
    done = cli("init", "--admin", "root", password="root-pass-1")
    assert done.returncode == 0, done.stderr
    assert cli("init", "--admin", "other", password="root-pass-1").returncode == 2
    done = cli("--user", "root", "log", "--title", "Disk full", "--category", "Hardware")
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "No password given for root" in done.stderr
    done = cli("--user", "root", "log", "--title", "Disk full", "--category", "Hardware", password="wrong-pass")
    assert (done.returncode, done.stderr) == (2, f"incident-desk: {REFUSED}\n")
    assert _rows(pg_url, "SELECT count(*) FROM incident") == [(0,)]
    done = cli("--user", "root", "log", "--title", "Disk full", "--category", "Hardware", password="root-pass-1")
    assert done.returncode == 0, done.stderr
    done = cli("--user", "root", "audit", "--json", "--action", "auth.", password=TEAM_PASSWORD)
    assert done.returncode == 2
    import json
    done = cli("--user", "root", "audit", "--json", "--action", "auth.", password="root-pass-1")
    entries = json.loads(done.stdout)
    expected = _rows(pg_url, "SELECT action, actor_name FROM audit WHERE action LIKE 'auth.%%' ORDER BY id DESC")
    assert [(e["action"], e["actor"]) for e in entries] == [tuple(r) for r in expected]
    assert [a for a, _ in expected[:4]] == ["auth.sign_in", "auth.sign_in_failed", "auth.sign_in",
                                            "auth.sign_in_failed"]
