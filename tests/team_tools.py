"""Opening a desk on either backend in tests: a team (PostgreSQL) database is initialised once and signed in to."""

from __future__ import annotations

from incident_desk.services.clock import system_clock
from incident_desk.services.desk import Desk

TEAM_ADMIN = "admin"
TEAM_PASSWORD = "team-pass-1"


def is_team_url(url: str) -> bool:
    return str(url).startswith(("postgresql://", "postgres://"))


def ensure_team(url: str, *, clock=system_clock) -> None:
    """Make TEAM_ADMIN the first admin of a team database nobody can sign in to yet."""
    from incident_desk.services.signin import SignInService
    from incident_desk.storage.database import open_database
    store = open_database(url)
    try:
        signin = SignInService(store, clock=clock)
        if signin.needs_initialising():
            signin.initialise(admin=TEAM_ADMIN, password=TEAM_PASSWORD)
    finally:
        store.close()


def open_desk(url, *, clock=system_clock, user: str | None = None, password: str | None = None) -> Desk:
    """Desk.open on a SQLite file as before; on PostgreSQL signed in (as the team's admin by default)."""
    url = str(url)
    if not is_team_url(url):
        return Desk.open(url, clock=clock, username=user)
    ensure_team(url, clock=clock)
    return Desk.open(url, clock=clock, username=user or TEAM_ADMIN, password=password or TEAM_PASSWORD)


def pg_rows(url: str, sql: str, *params) -> list[tuple]:
    """Read back with psycopg2 directly (``%s`` placeholders), not through the desk's code: the oracle."""
    import psycopg2
    con = psycopg2.connect(url)
    try:
        with con.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()
    finally:
        con.close()
