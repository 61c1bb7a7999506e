"""The two backends the storage, service and CLI tests run on: a SQLite file, or a fresh PostgreSQL database."""

from __future__ import annotations

import functools
import itertools
import os
import shutil
import sqlite3
import uuid
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlparse

from incident_desk.services.desk import Desk
from tests.team_tools import TEAM_ADMIN, TEAM_PASSWORD, ensure_team

SQLITE, POSTGRESQL = "sqlite", "postgresql"
PASSWORD_ENV = "INCIDENT_DESK_PASSWORD"
NEW_PASSWORD_ENV = "INCIDENT_DESK_NEW_PASSWORD"
SIGN_IN = "auth.sign_in"  # the audit action of a successful sign-in (services/signin.py)
AUDIT_UP_TO = "(audit up to)"  # content(): the last audit record's id then


@functools.cache
def _shared_hash() -> str:
    """One scrypt hash of TEAM_PASSWORD for every account a test makes without a password (each hash costs
    ~50 ms; a test signs in as three people at most, so they share one)."""
    from incident_desk.services.passwords import hash_password
    return hash_password(TEAM_PASSWORD)


def _pg_connect(url: str):
    import psycopg2
    con = psycopg2.connect(url)
    con.autocommit = True
    return con


class PgDatabases:
    """Fresh PostgreSQL databases for tests: copies of a template made once per session (migrated, the
    team's admin initialised), ~30 ms each where migrating and initialising takes ~400 ms."""

    def __init__(self, server_url: str):
        self.server_url = server_url
        self.prefix = f"incident_desk_t{os.getpid()}"
        self.template = f"{self.prefix}_template"
        self._counter = itertools.count(1)
        self._made_template = False
        self._admin = None
        self._file_copy: bool | None = None

    def url_of(self, name: str) -> str:
        return urlparse(self.server_url)._replace(path="/" + name).geturl()

    def _cursor(self):
        if self._admin is None or self._admin.closed:
            self._admin = _pg_connect(self.server_url)
        return self._admin.cursor()

    def _ensure_template(self) -> None:
        if self._made_template:
            return
        with self._cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
            cur.execute(f'CREATE DATABASE "{self.template}"')
        ensure_team(self.url_of(self.template))  # migrations, then the admin with TEAM_PASSWORD
        self._made_template = True

    def _strategy(self) -> str:
        """PostgreSQL 15+ copies a database through the WAL by default (~1 s for a small one on two busy
        cores); copying its files takes ~0.2 s on the tests' server, whose fsync is off."""
        if self._file_copy is None:
            with self._cursor() as cur:
                cur.execute("SHOW server_version_num")
                self._file_copy = int(cur.fetchone()[0]) >= 150000
        return " STRATEGY FILE_COPY" if self._file_copy else ""

    def fresh(self) -> str:
        """The URL of a new database: the template's schema and admin, its own identity."""
        self._ensure_template()
        name = f"{self.prefix}_{next(self._counter)}"
        with self._cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cur.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"{self._strategy()}')
        url = self.url_of(name)
        con = _pg_connect(url)
        try:
            with con.cursor() as cur:
                # A copy keeps the template's desk_id; a new database never shares one (per-database settings).
                cur.execute("UPDATE schema_info SET value = %s WHERE key = 'desk_id'", (uuid.uuid4().hex,))
        finally:
            con.close()
        return url

    def replace_with_copy(self, url: str, source_url: str) -> None:
        """Make the database at ``url`` an exact copy of the one at ``source_url`` (nobody may be connected
        to either): what copying a SQLite file is to a file, identity included."""
        name, source = (urlparse(u).path.lstrip("/") for u in (url, source_url))
        with self._cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cur.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"{self._strategy()}')

    def drop(self, url: str) -> None:
        name = urlparse(url).path.lstrip("/")
        with self._cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        if self._made_template:
            try:
                with self._cursor() as cur:
                    cur.execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
            except Exception:  # noqa: BLE001  (the server is going away with the session anyway)
                pass
        if self._admin is not None:
            self._admin.close()


class Backend:
    """One fresh database of one kind and how a test reaches it: as a desk (``open``), through the CLI
    (``cli_args``, ``cli_env``) or with raw SQL for oracles that must not go through our own storage
    (``rows``, ``value``; statements written with '?' placeholders)."""

    def __init__(self, name: str, url: str, clock, databases: PgDatabases | None = None):
        self.name, self.url, self.clock = name, url, clock
        self.databases = databases  # PostgreSQL: where copy_of makes its copies

    def __str__(self) -> str:
        return self.url

    def __repr__(self) -> str:
        return f"Backend({self.name}, {self.url})"

    @property
    def is_team(self) -> bool:
        return self.name == POSTGRESQL

    @property
    def path(self) -> Path | None:
        """The SQLite file; None on PostgreSQL."""
        return None if self.is_team else Path(self.url)

    def open(self, user: str | None = None, *, clock=None) -> Desk:
        """A desk acting as ``user`` (default the admin). SQLite acts as the named account as the local
        admin may; PostgreSQL signs it in. An account a test made without a password gets the shared
        test password first, as the team's admin would give it one."""
        clock = clock or self.clock
        if not self.is_team:
            return Desk.open(self.url, clock=clock, username=user)
        user = user or TEAM_ADMIN
        self.give_password(user)
        return Desk.open(self.url, clock=clock, username=user, password=TEAM_PASSWORD)

    def give_password(self, user: str) -> None:
        if self.is_team:
            self.execute('UPDATE "user" SET password_hash = ? WHERE lower(username) = lower(?) '
                         'AND password_hash IS NULL', (_shared_hash(), user))

    def cli_args(self, user: str | None = None) -> list[str]:
        """``--db`` (and on PostgreSQL ``--user``, the admin by default) for a CLI call."""
        if not self.is_team:
            return ["--db", self.url, *(["--user", user] if user else [])]
        self.give_password(user or TEAM_ADMIN)
        return ["--db", self.url, "--user", user or TEAM_ADMIN]

    def cli_env(self, base: dict | None = None) -> dict:
        """The environment of a CLI subprocess: the password every test account signs in with (and the
        first password of an account a command adds)."""
        env = dict(os.environ if base is None else base)
        if self.is_team:
            env[PASSWORD_ENV] = TEAM_PASSWORD
            env.setdefault(NEW_PASSWORD_ENV, TEAM_PASSWORD)  # `users add` gives a team account its first one
        return env

    def copy_of(self, template: Backend) -> Backend:
        """This database becomes a copy of ``template`` (one of the same kind that a module built once,
        closed): a file copy on SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL."""
        assert template.name == self.name, (template, self)
        if self.is_team:
            self.databases.replace_with_copy(self.url, template.url)
        else:
            shutil.copyfile(template.url, self.url)
        return self

    # ---- raw SQL for oracles ---------------------------------------------------------------------

    def connect(self):
        """A connection of its own, with sqlite3's ``execute(sql, params)`` on both backends."""
        if self.is_team:
            return _PgConnection(_pg_connect(self.url))
        return sqlite3.connect(self.url)

    def rows(self, text: str, params: Sequence = ()) -> list[tuple]:
        con = self.connect()
        try:
            return [tuple(r) for r in con.execute(text, tuple(params)).fetchall()]
        finally:
            con.close()

    def value(self, text: str, params: Sequence = ()):
        found = self.rows(text, params)
        return found[0][0] if found else None

    def record(self, text: str, params: Sequence = ()) -> dict | None:
        """The first row as {column: value}."""
        con = self.connect()
        try:
            cur = con.execute(text, tuple(params))
            row = cur.fetchone()
            return None if row is None else dict(zip([d[0] for d in cur.description], row))
        finally:
            con.close()

    def dump(self) -> dict[str, list[str]]:
        """Every table's rows (sorted, as text): equal dumps mean nothing was written. SQLite's search
        index is read through its table (what is indexed); its shadow tables are left out (their rows
        change with merges, not content)."""
        if self.is_team:
            listing = ("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                       "AND table_type = 'BASE TABLE'")
        else:
            listing = ("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                       "AND name NOT LIKE 'incident_fts_%'")
        # FTS5's rowid is no column of SELECT *; PostgreSQL's incident_fts has it as one.
        columns = {} if self.is_team else {"incident_fts": "rowid, *"}
        con = self.connect()
        try:
            tables = [name for (name,) in con.execute(listing).fetchall()]
            return {name: sorted(repr(tuple(r)) for r in
                                 con.execute(f'SELECT {columns.get(name, "*")} FROM "{name}"').fetchall())
                    for name in tables}
        finally:
            con.close()

    def content(self) -> dict[str, list[str]]:
        """``dump()`` less the audit records a team database writes for what a command is, not what it
        changes: its sign-in and its refusals (see ``assert_unchanged``)."""
        found = self.dump()
        found[AUDIT_UP_TO] = [str(self.value("SELECT coalesce(max(id), 0) FROM audit"))]
        return found

    def assert_unchanged(self, before: dict[str, list[str]], *, sign_ins: int = 1,
                         audited: Sequence[tuple[str, str, str]] = ()) -> None:
        """Nothing written since ``before`` (a ``content()``) but, on PostgreSQL, the audit trail's records
        of the CLI runs' sign-ins (at most ``sign_ins``: a CLI sign-in is recorded once per account and
        window, services/signin.py) and exactly the records ``audited`` ((actor_name, action, detail): a
        refusal, say). A SQLite desk signs nobody in and audits no refusal, so there nothing at all."""
        up_to = int(before[AUDIT_UP_TO][0])
        added = self.rows("SELECT actor_name, action, detail FROM audit WHERE id > ? ORDER BY id", (up_to,))
        if self.is_team:
            assert sum(a[1] == SIGN_IN for a in added) <= sign_ins, f"sign-ins recorded: {added}"
            assert [a for a in added if a[1] != SIGN_IN] == [tuple(a) for a in audited], added
        else:
            assert added == [], added
        after = self.dump()
        after["audit"] = sorted(row for row in after["audit"] if int(row[1:].split(",")[0]) <= up_to)
        before = {t: rows for t, rows in before.items() if t != AUDIT_UP_TO}
        written = {t: {"added": sorted(set(after.get(t, ())) - set(before.get(t, ())))[:5],
                       "gone": sorted(set(before.get(t, ())) - set(after.get(t, ())))[:5]}
                   for t in sorted(set(before) | set(after)) if before.get(t) != after.get(t)}
        assert written == {}, f"written: {written}"

    def execute(self, text: str, params: Sequence = ()) -> None:
        con = self.connect()
        try:
            con.execute(text, tuple(params))
            con.commit()
        finally:
            con.close()


class _PgConnection:
    """A psycopg2 connection (autocommit) that takes sqlite3-style statements: '?' placeholders."""

    def __init__(self, con):
        self.con = con

    def execute(self, text: str, params: Sequence = ()):
        cur = self.con.cursor()
        if params:
            cur.execute(text.replace("%", "%%").replace("?", "%s"), tuple(params))
        else:
            cur.execute(text)  # no parameters: a '%' in a LIKE pattern stays itself
        return cur

    def commit(self) -> None:
        self.con.commit()

    def close(self) -> None:
        self.con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def cli_argv(args: Sequence) -> list[str]:
    """A command line whose ``--db`` value is a Backend: that database's ``--db`` and, on PostgreSQL, a
    sign-in as the ``--user`` given right after it (the admin when none is)."""
    args = list(args)
    if "--db" in args:
        at = args.index("--db")
        db = args[at + 1]
        if isinstance(db, Backend):
            user = None
            if args[at + 2:at + 3] == ["--user"]:
                user = args[at + 3]
                del args[at + 2:at + 4]
            args[at:at + 2] = db.cli_args(user)
    return [str(a) for a in args]
