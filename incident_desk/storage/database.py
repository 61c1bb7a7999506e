"""open_database(url): SQLite (WAL, foreign keys, busy timeout, IMMEDIATE writes) or PostgreSQL."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import peewee
from peewee import SqliteDatabase

from incident_desk.storage import tables
from incident_desk.storage.pg_driver import TeamPostgresqlDatabase
from incident_desk.storage.migrations import CURRENT_VERSION, apply_migrations, create_fresh_schema

SQLITE_HEADER = b"SQLite format 3\x00"
# Bytes that were not UTF-8 (a command line's Latin-1, say) reach us as lone surrogates, which the
# database cannot hold; the drivers then raise a bare UnicodeEncodeError.
NOT_UTF8_TEXT = "The input contains bytes that are not valid UTF-8 text; check the terminal's encoding."
BUSY_TIMEOUT_S = 5.0


class StorageError(RuntimeError):
    """A database problem explained in one sentence for the user (locked, read-only, not a database)."""


class ConflictError(StorageError):
    """An optimistic-lock conflict: the row changed since it was read."""

    def __init__(self, message: str, *, current_version: int | None = None, changes: list | None = None):
        super().__init__(message)
        self.current_version = current_version
        self.changes = changes or []


@dataclass
class Store:
    """An open database: the peewee handle plus what the layers above need to know about it."""

    db: peewee.Database
    url: str
    backend: str  # "sqlite" | "postgres"
    path: Path | None = None
    backup_path: Path | None = None  # written when an older schema was migrated on open

    @property
    def is_sqlite(self) -> bool:
        return self.backend == "sqlite"

    @property
    def display_name(self) -> str:
        if self.path is not None:
            return str(self.path)
        parsed = urlparse(self.url)
        return f"{parsed.hostname}:{parsed.port or 5432}{parsed.path}"

    @contextmanager
    def write(self):
        """A write transaction. SQLite starts it IMMEDIATE so concurrent desks queue, not fail."""
        try:
            if self.is_sqlite:
                with self.db.atomic("IMMEDIATE") as txn:
                    yield txn
            else:
                with self.db.atomic() as txn:
                    yield txn
        except peewee.OperationalError as exc:
            raise translate_error(_hidden_cause(exc), self) from exc
        except UnicodeEncodeError:
            raise StorageError(NOT_UTF8_TEXT) from None  # rolled back: nothing half-written

    @contextmanager
    def read(self):
        """A consistent read snapshot (one transaction) for multi-query reads."""
        try:
            with self.db.atomic():
                yield
        except peewee.OperationalError as exc:
            raise translate_error(_hidden_cause(exc), self) from exc
        except UnicodeEncodeError:
            raise StorageError(NOT_UTF8_TEXT) from None

    def data_version(self) -> int:
        """Changes when another connection commits (SQLite's PRAGMA data_version)."""
        if self.is_sqlite:
            return self.db.execute_sql("PRAGMA data_version").fetchone()[0]
        return 0

    checkpointer: "Checkpointer | None" = None

    def close(self) -> None:
        if self.checkpointer is not None:
            self.checkpointer.stop()
            self.checkpointer = None
        if not self.db.is_closed():
            self.db.close()


class Checkpointer:
    """Background upkeep on its own thread and connection: WAL checkpoints and search-index merges.

    SQLite's automatic checkpoint and FTS5's automatic merge both run inside whichever commit crosses
    their threshold, which put 20-50 ms on one write in forty to seventy at a million rows. Here a
    PASSIVE checkpoint never blocks writers, and a merge step of a few pages takes the write lock
    only when it is free (a busy desk simply skips a round)."""

    INTERVAL_S = 1.0
    MERGE_PAGES = 64

    def __init__(self, path: Path):
        self.path = path
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="db-upkeep", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        con = None
        try:
            while not self._stop.wait(self.INTERVAL_S):
                try:
                    if con is None:
                        con = sqlite3.connect(str(self.path), timeout=0.05, isolation_level=None,
                                              check_same_thread=False)
                    self._merge_search_index(con)
                    con.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                except sqlite3.Error:
                    pass  # busy or gone: the next round (or the backstops) will do it
        finally:
            if con is not None:
                con.close()

    def _merge_search_index(self, con: sqlite3.Connection) -> None:
        # Negative N: merge only when some level has enough segments; at most MERGE_PAGES pages.
        con.execute("BEGIN IMMEDIATE")
        try:
            con.execute(f"INSERT INTO incident_fts(incident_fts, rank) VALUES('merge', -{self.MERGE_PAGES})")
            con.execute("COMMIT")
        except sqlite3.Error:
            con.execute("ROLLBACK")
            raise

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)


def _hidden_cause(exc: Exception) -> Exception:
    """SQLite rolls a transaction back by itself on a full disk or an I/O error; peewee's ROLLBACK
    then fails with "no transaction is active", which would hide the real reason from the user."""
    inner = exc
    while inner is not None and "no transaction is active" in str(inner):
        inner = inner.__context__
    return inner if isinstance(inner, (peewee.DatabaseError, sqlite3.DatabaseError)) else exc


def translate_error(exc: Exception, store: Store | None = None) -> StorageError:
    text = str(exc).lower()
    where = store.display_name if store else "the database"
    if "locked" in text or "busy" in text:
        return StorageError(
            f"The database {where} is locked by another program for longer than "
            f"{BUSY_TIMEOUT_S:.0f} s; try again when it has finished.")
    if "readonly" in text or "read-only" in text or "read only" in text:
        return StorageError(f"The database {where} is read-only; nothing was changed.")
    if "disk" in text and ("full" in text or "i/o" in text):
        return StorageError(f"The disk holding {where} is full or failing; nothing was changed.")
    if "not a database" in text or "malformed" in text:
        return StorageError(f"{where} is damaged or not an Incident Desk database.")
    return StorageError(f"Database error on {where}: {exc}")


def _sqlite_path(url: str) -> Path:
    if url.startswith("sqlite:///"):
        return Path(unquote(url[len("sqlite:///"):])).expanduser()
    if url.startswith("sqlite://"):
        raise StorageError(f"'{url}' is not a usable SQLite URL; write sqlite:///path/to/desk.db.")
    return Path(url).expanduser()


def _check_sqlite_file(path: Path) -> None:
    if path.is_dir():
        raise StorageError(f"{path} is a folder, not a database file.")
    if path.exists():
        if not os.access(path, os.R_OK):
            raise StorageError(f"The database {path} cannot be read (permission denied).")
        with open(path, "rb") as fh:
            head = fh.read(100)
        if head and head[:16] != SQLITE_HEADER:
            raise StorageError(f"{path} is not an Incident Desk database (it is not an SQLite file).")
        # SQLite only ever writes whole pages; a file cut inside a page reads back as zeros there, and
        # SQLite would open it and write on top of the damage.
        page_size = int.from_bytes(head[16:18], "big") if len(head) == 100 else 0
        page_size = 65536 if page_size == 1 else page_size
        if head and (page_size < 512 or path.stat().st_size % page_size):
            raise StorageError(f"{path} is damaged (the file is cut short); restore it from a backup.")
        if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
            raise StorageError(f"The database {path} is read-only; open a writable copy instead.")
    else:
        if not path.parent.exists():
            raise StorageError(f"The folder {path.parent} does not exist.")
        if not os.access(path.parent, os.W_OK):
            raise StorageError(f"Cannot create a database in {path.parent}: the folder is read-only.")


def open_database(url: str | os.PathLike, *, create: bool = True, migrate: bool = True,
                  background_checkpoint: bool = True) -> Store:
    """Open (creating or migrating as needed) the database named by a path or URL."""
    url = str(url)
    if url.startswith(("postgresql://", "postgres://")):
        store = _open_postgres(url)
    else:
        path = _sqlite_path(url)
        _check_sqlite_file(path)
        if not path.exists() and not create:
            raise StorageError(f"There is no database at {path}.")
        db = SqliteDatabase(
            str(path),
            # journal_mode=wal is set in _prepare_schema, once the file is known to be ours: it is
            # persistent, and would rewrite another program's SQLite file that we then refuse.
            pragmas={"foreign_keys": 1, "synchronous": "normal",
                     "cache_size": -16_000, "temp_store": "memory",
                     # backstop only: the Checkpointer thread normally keeps the WAL far below this
                     "wal_autocheckpoint": 16_000},
            timeout=BUSY_TIMEOUT_S,
        )
        store = Store(db=db, url=url, backend="sqlite", path=path.resolve())
    tables.database_proxy.initialize(store.db)
    try:
        store.db.connect(reuse_if_open=True)
        _prepare_schema(store, migrate=migrate)
    except peewee.DatabaseError as exc:
        store.close()
        raise translate_error(exc, store) from exc
    except StorageError:
        store.close()
        raise
    if store.is_sqlite and background_checkpoint:
        store.checkpointer = Checkpointer(store.path)
    return store


def _open_postgres(url: str) -> Store:
    parsed = urlparse(url)
    if not parsed.path.strip("/"):
        raise StorageError(f"'{url}' names no database; write postgresql://user@host:5432/dbname.")
    try:
        import psycopg2  # noqa: F401  (only needed in team mode)
    except ImportError:
        raise StorageError("PostgreSQL support needs psycopg2; install incident-desk[postgres].") from None
    db = TeamPostgresqlDatabase(
        unquote(parsed.path.lstrip("/")), user=unquote(parsed.username or "") or None,
        password=unquote(parsed.password or "") or None, host=parsed.hostname or "localhost",
        port=parsed.port or 5432)
    return Store(db=db, url=url, backend="postgres")


def schema_version(store: Store) -> int:
    if not store.db.table_exists("schema_info"):
        return 0
    row = tables.SchemaInfo.get_or_none(tables.SchemaInfo.key == "schema_version")
    return int(row.value) if row else 0


def _prepare_schema(store: Store, *, migrate: bool) -> None:
    version = schema_version(store)
    has_tables = bool(store.db.get_tables())
    if version == 0 and has_tables:
        raise StorageError(f"{store.display_name} holds tables that are not an Incident Desk database.")
    if version > CURRENT_VERSION:
        raise StorageError(
            f"{store.display_name} was written by a newer Incident Desk (schema {version}, this "
            f"release reads up to {CURRENT_VERSION}); upgrade Incident Desk to open it.")
    if store.is_sqlite:
        store.db.execute_sql("PRAGMA journal_mode = wal")
    if version == CURRENT_VERSION:
        return
    if version == 0:
        with store.write():
            create_fresh_schema(store)
        return
    if not migrate:
        raise StorageError(f"{store.display_name} needs an upgrade from schema {version}.")
    if store.is_sqlite and store.path is not None:
        store.backup_path = backup_sqlite(store, suffix=f"schema{version}")
    with store.write():
        apply_migrations(store, version)


def backup_sqlite(store: Store, *, suffix: str) -> Path:
    """Copy the live database with SQLite's online backup (consistent even under WAL)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = store.path.with_name(f"{store.path.stem}.{suffix}-backup-{stamp}{store.path.suffix}")
    n = 1
    while target.exists():
        target = target.with_name(f"{target.stem}-{n}{target.suffix}")
        n += 1
    source = store.db.connection()
    dest = sqlite3.connect(str(target))
    try:
        source.backup(dest)
    finally:
        dest.close()
    return target



def is_database_error(exc: BaseException) -> bool:
    return isinstance(exc, (peewee.DatabaseError, sqlite3.DatabaseError))
