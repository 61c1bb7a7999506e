"""Sign-in refusals tell a caller nothing about an account; CLI sign-ins are coalesced, failures never."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import timedelta

import pytest

from incident_desk.services.desk import Desk
from incident_desk.services.signin import SignInError
from tests.conftest import ROOT
from tests.team_tools import open_desk
from tests.team_tools import pg_rows as _rows

pytestmark = pytest.mark.postgres
# Written out here, not imported: the one sentence every refusal says.
REFUSED = ("Wrong user name or password, or the account is locked or disabled; "
           "try again later or ask an admin.")
PASSWORDS = {"alex": "agent-pw-1", "dora": "disabled-pw-1", "lena": "lead-pw-01"}


@pytest.fixture
def team(pg_url, clock):
    admin = open_desk(pg_url, clock=clock)
    for name, role in (("alex", "agent"), ("dora", "agent"), ("lena", "lead")):
        admin.users.add_user(actor=admin.actor, username=name, role=role, password=PASSWORDS[name])
    admin.users.add_user(actor=admin.actor, username="nopw", role="agent")  # no password set yet
    admin.signin.set_active(actor=admin.actor, username="dora", active=False)
    yield admin
    admin.close()


def _refusal(url, clock, name: str, password: str, counted: list) -> tuple[str, int]:
    """The sentence a refused sign-in says, and how many scrypt derivations it ran."""
    before = len(counted)
    with pytest.raises(SignInError) as refused:
        Desk.open(url, clock=clock, username=name, password=password)
    return str(refused.value), len(counted) - before


def test_wrong_password_unknown_name_locked_disabled_and_passwordless_are_refused_alike(team, pg_url, clock,
                                                                                         monkeypatch):
    for n in range(5):  # lena locks herself out (the fifth failure locks the account for a minute)
        with pytest.raises(SignInError):
            Desk.open(pg_url, clock=clock, username="lena", password=f"guess-{n}")
    assert _rows(pg_url, 'SELECT locked_until IS NOT NULL FROM "user" WHERE username = %s', "lena") == [(True,)]
    counted: list[int] = []
    real = hashlib.scrypt

    def counting(*args, **kw):
        counted.append(1)
        return real(*args, **kw)
    monkeypatch.setattr(hashlib, "scrypt", counting)
    first_audit_id = _rows(pg_url, "SELECT max(id) FROM audit")[0][0]
    outcomes = {
        "wrong password": _refusal(pg_url, clock, "alex", "not-the-password", counted),
        "unknown name": _refusal(pg_url, clock, "nobody-here", "not-the-password", counted),
        "locked, right password": _refusal(pg_url, clock, "lena", PASSWORDS["lena"], counted),
        "disabled, right password": _refusal(pg_url, clock, "dora", PASSWORDS["dora"], counted),
        "no password set": _refusal(pg_url, clock, "nopw", "not-the-password", counted),
    }
    # One sentence for all, and the same work: exactly one key derivation each.
    assert {text for text, _ in outcomes.values()} == {REFUSED}
    assert {case: runs for case, (_, runs) in outcomes.items()} == dict.fromkeys(outcomes, 1)
    # The trail (admins only) keeps each precise reason, one row per attempt.
    rows = _rows(pg_url, "SELECT actor_name, action, detail FROM audit WHERE id > %s ORDER BY id", first_audit_id)
    assert rows == [
        ("alex", "auth.sign_in_failed", "wrong password (1 in a row)"),
        ("nobody-here", "auth.sign_in_failed", "nobody-here: no such account"),
        ("lena", "auth.sign_in_failed", "refused: the account is locked (60 s left)"),
        ("dora", "auth.sign_in_failed", "refused: the account is disabled"),
        ("nopw", "auth.sign_in_failed", "the account has no password yet (1 in a row)"),
    ]
    # Nobody signed in by any of them.
    assert _rows(pg_url, "SELECT count(*) FROM audit WHERE id > %s AND action = 'auth.sign_in'", first_audit_id) == \
        [(0,)]


def _cli(url: str, *args: str, password: str):
    env = {**os.environ, "INCIDENT_DESK_PASSWORD": password}
    return subprocess.run([sys.executable, "-m", "incident_desk", "--db", url, *args], capture_output=True,
                          text=True, timeout=120, env=env, cwd=str(ROOT), stdin=subprocess.DEVNULL)


def _sign_ins(url: str, name: str) -> list[tuple[str, str]]:
    return _rows(url, "SELECT action, detail FROM audit WHERE actor_name = %s AND action LIKE 'auth.sign_in%%' "
                      "ORDER BY id", name)


def test_a_script_calling_the_cli_in_a_loop_adds_one_sign_in_row_but_every_failure(team, pg_url):
    for _ in range(3):
        done = _cli(pg_url, "--user", "alex", "list", password=PASSWORDS["alex"])
        assert done.returncode == 0, done.stderr
    assert _sign_ins(pg_url, "alex") == [("auth.sign_in", "signed in as agent (via cli)")]
    for _ in range(2):
        done = _cli(pg_url, "--user", "alex", "list", password="wrong-pass-1")
        assert (done.returncode, done.stderr) == (2, f"incident-desk: {REFUSED}\n")
    # The success that ends a run of failures is always recorded: it may be the guesser's.
    for _ in range(2):
        assert _cli(pg_url, "--user", "alex", "list", password=PASSWORDS["alex"]).returncode == 0
    assert _sign_ins(pg_url, "alex") == [
        ("auth.sign_in", "signed in as agent (via cli)"),
        ("auth.sign_in_failed", "wrong password (1 in a row)"),
        ("auth.sign_in_failed", "wrong password (2 in a row)"),
        ("auth.sign_in", "signed in as agent (via cli)"),
    ]
    # A write made from the CLI meanwhile is attributed on the incident's own timeline.
    done = _cli(pg_url, "--user", "alex", "log", "--title", "Disk full", "--category", "Hardware",
                password=PASSWORDS["alex"])
    assert done.returncode == 0, done.stderr
    assert _rows(pg_url, "SELECT u.username FROM event e JOIN \"user\" u ON u.id = e.actor_id "
                         "WHERE e.kind = 'created'") == [("alex",)]
    assert len(_sign_ins(pg_url, "alex")) == 4


def test_cli_sign_ins_are_recorded_again_once_the_window_has_passed_and_desks_always(team, pg_url, clock):
    def cli_sign_in() -> None:
        Desk.open(pg_url, clock=clock, username="lena", password=PASSWORDS["lena"], via="cli").close()

    cli_sign_in()
    clock.advance(minutes=14, seconds=59)
    cli_sign_in()
    assert len(_sign_ins(pg_url, "lena")) == 1
    clock.advance(seconds=1)  # 15 minutes after the recorded one
    cli_sign_in()
    assert len(_sign_ins(pg_url, "lena")) == 2
    # A desk (the window) records every sign-in, and does not open a window for the CLI's.
    for _ in range(2):
        Desk.open(pg_url, clock=clock, username="lena", password=PASSWORDS["lena"]).close()
    cli_sign_in()
    assert _sign_ins(pg_url, "lena") == [("auth.sign_in", "signed in as lead (via cli)")] * 2 + \
        [("auth.sign_in", "signed in as lead")] * 2
    at = [a for (a,) in _rows(pg_url, "SELECT at FROM audit WHERE actor_name = 'lena' AND action = 'auth.sign_in' "
                                      "ORDER BY id")]
    assert at[1] - at[0] == int(timedelta(minutes=15).total_seconds())
