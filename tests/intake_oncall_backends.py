"""The intake's and on-call's service tests on both backends: where the desk lives, and a raw oracle query."""

from __future__ import annotations

import sqlite3

import pytest

# SQLite file and the session's PostgreSQL (team database, signed in as its admin: tests/team_tools.open_desk).
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def database_url(request, tmp_path) -> str:
    """For a fixture parametrized over BACKENDS: a fresh SQLite file, or the empty test PostgreSQL."""
    if request.param == "sqlite":
        return str(tmp_path / "desk.db")
    return request.getfixturevalue("pg_url")


def rows(url, text: str, *params) -> list[tuple]:
    """``text`` (with '?' placeholders) on a connection of the driver's own, not the desk's: the oracle."""
    url = str(url)
    if not url.startswith(("postgresql://", "postgres://")):
        con = sqlite3.connect(url)
        try:
            return con.execute(text, params).fetchall()
        finally:
            con.close()
    import psycopg2
    con = psycopg2.connect(url)
    try:
        with con.cursor() as cur:
            cur.execute(text.replace("%", "%%").replace("?", "%s"), params)
            return [tuple(r) for r in cur.fetchall()]
    finally:
        con.close()
