"""open_database(url): SQLite (WAL, foreign keys, busy timeout, IMMEDIATE writes) or PostgreSQL."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

import peewee
from peewee import SqliteDatabase

from incident_desk.storage.intake_queries import intake_runs_on
from incident_desk.storage.migrations import CURRENT_VERSION, DESK_ID_KEY, apply_migrations, create_fresh_schema
from incident_desk.storage.pg_driver import TeamPostgresqlDatabase
from incident_desk.storage.search import merge_segments

SQLITE_HEADER = b"SQLite format 3\x00"
# Bytes that were not UTF-8 (a command line's Latin-1, say) reach us as lone surrogates, which the
# database cannot hold; the drivers then raise a bare UnicodeEncodeError.
NOT_UTF8_TEXT = "The input contains bytes that are not valid UTF-8 text; check the terminal's encoding."
BUSY_TIMEOUT_S = 5.0
CONNECT_TIMEOUT_S = 5


class StorageError(RuntimeError):
    """A database problem explained in one sentence for the user (locked, read-only, not a database)."""


class NoDatabase(StorageError):
    """Opened with ``create=False`` where there is no database file: ``path`` says where."""

    def __init__(self, path: Path):
        super().__init__(f"There is no desk at {path}.")
        self.path = path


class ConnectionLost(StorageError):
    """The team server cannot be reached, or dropped this connection: the desk reconnects on its own."""


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
    # The database's own identity, made when it was created and stored in it (not its path): what
    # kept drafts, saved views and window layouts are keyed by, so they never cross databases.
    identity: str = ""
    # Opened for reading only (the file or its folder cannot be written): lists and shows work,
    # every write fails with one sentence.
    read_only: bool = False
    # Who this store is among the connections of a team server: its connections' application_name,
    # which the change notifications carry, so a desk can tell its own commits from others'.
    client_id: str = ""

    @property
    def is_sqlite(self) -> bool:
        return self.backend == "sqlite"

    @property
    def is_team(self) -> bool:
        """A shared team server (PostgreSQL): everyone signs in. A SQLite file is one person's desk."""
        return self.backend == "postgres"

    @property
    def writing(self) -> bool:
        """This thread is inside ``write()`` (not only a read snapshot)."""
        return getattr(self._thread_state, "writing", 0) > 0

    def after_transaction(self, fn) -> None:
        """Run ``fn`` once this thread's outermost transaction has ended (committed or rolled back),
        or now when none is open: for records that must outlive a refusal that rolls back its
        transaction (the audit of a refused action)."""
        if not self.db.in_transaction():
            fn()
            return
        pending = getattr(self._thread_state, "pending", None)
        if pending is None:
            pending = self._thread_state.pending = []
        pending.append(fn)

    def _run_after_transaction(self) -> None:
        if self.db.in_transaction():
            return
        pending = getattr(self._thread_state, "pending", None)
        self._thread_state.pending = None
        for fn in pending or ():
            fn()

    def _lost_connection(self, reason: BaseException | None = None) -> None:
        """This thread's connection went away with the server: drop it, so the next use reconnects;
        with ``reason`` (a query failed on it) the watchers hear of it (the window's reconnecting state)."""
        try:
            self.db.close()
        except Exception:  # noqa: BLE001  (a dead connection may fail even to close)
            self.db._state.reset()
        if reason is not None:
            for watcher in list(self._connection_watchers):
                watcher(reason)

    def watch_connection(self, watcher: Callable[[BaseException], None]) -> Callable[[], None]:
        """Call ``watcher(error)`` (on whichever thread noticed) each time a query finds the team server
        gone; returns the function that stops it."""
        self._connection_watchers.append(watcher)

        def stop() -> None:
            if watcher in self._connection_watchers:
                self._connection_watchers.remove(watcher)
        return stop

    def _autocommit_error(self, exc: BaseException) -> StorageError | None:
        """A statement outside any transaction failed (TeamPostgresqlDatabase asks): a lost server becomes
        ConnectionLost, with this thread's connection dropped; anything else is left to the caller."""
        if error_kind(exc) != "connection":
            return None
        translated = translate_error(exc, self)
        # ping() is itself the check: its failure is raised to its caller, not told to the watchers.
        self._lost_connection(None if getattr(self._thread_state, "probing", False) else translated)
        return translated

    @property
    def display_name(self) -> str:
        if self.path is not None:
            return str(self.path)
        parsed = urlparse(self.url)
        return f"{parsed.hostname}:{parsed.port or 5432}{parsed.path}"

    @property
    def safe_url(self) -> str:
        """The URL with any password masked: what a tooltip or a message may show."""
        return redact_url(self.url)

    @contextmanager
    def write(self):
        """A write transaction. SQLite starts it IMMEDIATE so concurrent desks queue, not fail."""
        if self.read_only:
            raise StorageError(f"The database {self.display_name} is read-only; nothing was changed.")
        if not self.is_sqlite and not self.db.in_transaction():
            self._revive()
        state = self._thread_state
        gate = self._gate_for_outermost(state)
        state.writing = getattr(state, "writing", 0) + 1
        try:
            if getattr(state, "joined", False) and self.db.in_transaction():
                yield None  # inside write_joined(): no savepoint; an error rolls back the whole transaction
            elif self.is_sqlite:
                with self.db.atomic("IMMEDIATE") as txn:
                    yield txn
            else:
                with self.db.atomic() as txn:
                    yield txn
        except (peewee.OperationalError, peewee.InterfaceError) as exc:
            translated = translate_error(exc, self)
            if not self.is_sqlite and error_kind(exc) == "connection" and not self.db.in_transaction():
                self._lost_connection(translated)
            raise translated from exc
        except UnicodeEncodeError:
            raise StorageError(NOT_UTF8_TEXT) from None  # rolled back: nothing half-written
        finally:
            state.writing -= 1
            if gate is not None:
                gate.release()
            self._run_after_transaction()

    def _gate_for_outermost(self, state) -> threading.Lock | None:
        """The upkeep thread's gate, taken by this thread's outermost write transaction on SQLite (the
        nested ones are inside it already); None when there is nothing to take."""
        upkeep = self.checkpointer
        if upkeep is None or getattr(state, "writing", 0) or self.db.in_transaction():
            return None
        # Bounded like SQLite's own wait; past it the transaction tries anyway and SQLite decides.
        return upkeep.gate if upkeep.gate.acquire(timeout=BUSY_TIMEOUT_S) else None

    @contextmanager
    def write_joined(self):
        """A write transaction whose nested write() blocks join it instead of each opening a savepoint, so
        an error anywhere in it rolls back all of it. For many small writes committed together (the
        intake's group commit): a savepoint costs two statements, and on SQLite each release also flushes
        the search index's pending terms into a segment of its own."""
        state = self._thread_state
        outer = getattr(state, "joined", False)
        with self.write() as txn:
            state.joined = True
            try:
                yield txn
            finally:
                state.joined = outer

    @contextmanager
    def read(self):
        """A consistent read snapshot (one transaction) for multi-query reads."""
        if not self.is_sqlite and not self.db.in_transaction():
            self._revive()
        try:
            with self.db.atomic():
                yield
        except (peewee.OperationalError, peewee.InterfaceError) as exc:
            translated = translate_error(exc, self)
            if not self.is_sqlite and error_kind(exc) == "connection" and not self.db.in_transaction():
                self._lost_connection(translated)
            raise translated from exc
        except UnicodeEncodeError:
            raise StorageError(NOT_UTF8_TEXT) from None
        finally:
            self._run_after_transaction()

    def _revive(self) -> None:
        """A connection psycopg2 already knows is closed (the server went away since) is replaced
        before a transaction starts on it; a live one costs nothing here (no round trip)."""
        if self.db.is_closed():
            return
        conn = self.db._state.conn
        if conn is not None and getattr(conn, "closed", 0):
            self._lost_connection()

    def drop_connection(self) -> None:
        """Forget this thread's connection (the server dropped it): the next use connects afresh, with
        no round trip now. Not inside a transaction, which would lose its work."""
        if not self.db.in_transaction() and not self.db.is_closed():
            self._lost_connection()

    def ping(self) -> None:
        """One round trip on this thread's connection, reconnecting once when the server dropped it."""
        self._thread_state.probing = True
        try:
            self._ping()
        finally:
            self._thread_state.probing = False

    def _ping(self) -> None:
        for attempt in (1, 2):
            try:
                self._revive()
                self.db.execute_sql("SELECT 1").fetchone()
                return
            except ConnectionLost:
                if attempt == 2:
                    raise  # the statement's hook already dropped the connection
            except (peewee.OperationalError, peewee.InterfaceError) as exc:
                if error_kind(exc) != "connection" or attempt == 2:
                    raise translate_error(exc, self) from exc
                self._lost_connection()

    def checkpoint(self) -> int:
        """A PASSIVE WAL checkpoint on this thread's connection, outside any transaction; returns the
        frames the WAL held (0 on PostgreSQL). Done by a writer between its own commits, every frame is
        copied and its next transaction starts the WAL over from the beginning."""
        if not self.is_sqlite or self.read_only:
            return 0
        return self.db.execute_sql("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]

    def data_version(self) -> int:
        """Changes when another connection commits (SQLite's PRAGMA data_version)."""
        if self.is_sqlite:
            return self.db.execute_sql("PRAGMA data_version").fetchone()[0]
        return 0

    checkpointer: Checkpointer | None = None
    _thread_state: threading.local = field(default_factory=threading.local, repr=False)
    _connection_watchers: list = field(default_factory=list, repr=False)

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
    PASSIVE checkpoint never blocks writers, and the merge goes in small steps, each under ``gate``: the
    lock this process's own writers take around their transactions (Store.write), so a writer waits for
    at most one step and wakes the moment it ends. SQLite's busy handler would make it sleep 1, 2, 5,
    10, 15, 20, 25... ms between tries, which turned a 30 ms merge into 50-60 ms of waiting."""

    INTERVAL_S = 1.0        # between rounds while little is written
    BUSY_INTERVAL_S = 0.2   # between rounds while the last one had segments to merge or a long WAL
    BUSY_WAL_FRAMES = 1000  # frames (pages) in the WAL that make a round "busy": 4 MB
    MERGE_PAGES = 16      # pages written per step: about 2-4 ms
    MERGE_STEPS = 32      # steps per round at most; a round ends early once nothing is left to merge

    def __init__(self, path: Path):
        self.path = path
        self.gate = threading.Lock()
        # Set while a writer of this process does the upkeep itself between its own commits (the alert
        # intake: storage/search.merge_step, Store.checkpoint): a merge step here would hold the write lock
        # for as long as this thread waits to be scheduled, and a checkpoint here runs beside the writer's
        # commits, so the WAL is never all copied at once, never starts over, and reaches the backstop.
        self.upkeep_elsewhere = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="db-upkeep", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        con = None
        pause = self.INTERVAL_S
        try:
            while not self._stop.wait(pause):
                # Busy writers (hundreds of small commits a second, each some forty pages and a search-index
                # segment) get rounds five times as often: each round has less to fold and to copy, and the
                # WAL stays far from the wal_autocheckpoint backstop (16,000 pages, a second of such
                # commits), which would make one of their commits copy 64 MB itself.
                pause = self.INTERVAL_S
                try:
                    if con is None:
                        con = sqlite3.connect(str(self.path), timeout=0.05, isolation_level=None,
                                              check_same_thread=False)
                    if self._merge_search_index(con):
                        pause = self.BUSY_INTERVAL_S
                except sqlite3.Error:
                    pass  # the write lock stayed busy (or the file is gone): the next round merges
                # Whatever the merge did: a writer that kept the lock busy (the alert intake commits
                # hundreds of times a second) must not also cost the checkpoint its round, or the WAL
                # grows to the wal_autocheckpoint backstop and one of its commits copies it all itself.
                if con is not None and not self.upkeep_elsewhere and self._checkpoint(con) > self.BUSY_WAL_FRAMES:
                    pause = self.BUSY_INTERVAL_S
        finally:
            if con is not None:
                con.close()

    def _checkpoint(self, con: sqlite3.Connection) -> int:
        """A PASSIVE checkpoint (it never blocks a writer); returns the frames the WAL held."""
        try:
            return con.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]
        except sqlite3.Error:
            return 0  # gone: the next round (or the backstop) will do it

    def _merge_search_index(self, con: sqlite3.Connection) -> bool:
        """Merge steps until nothing is left or the round's steps are spent; True if any merged."""
        if self.upkeep_elsewhere or intake_runs_on(self.path):
            # An intake's writer merges between its own commits; a step here, even in another process,
            # would hold the write lock it waits for through SQLite's busy handler. (Checkpoints do not
            # take that lock: they go on.)
            return False
        merged = False
        for _ in range(self.MERGE_STEPS):
            if self._stop.is_set() or self.upkeep_elsewhere or not self._merge_step(con):
                break
            merged = True
            time.sleep(0.001)  # the gate is not fair: a writer waiting for it gets its turn first
        return merged

    def _merge_step(self, con: sqlite3.Connection) -> bool:
        """One step of at most MERGE_PAGES pages; False when there was nothing to merge."""
        if not self.gate.acquire(timeout=self.INTERVAL_S):
            return False  # this process writes without pause: the next round merges
        try:
            con.execute("BEGIN IMMEDIATE")
            try:
                merged = merge_segments(con, self.MERGE_PAGES)
                con.execute("COMMIT")
            except sqlite3.Error:
                con.execute("ROLLBACK")
                raise
            return merged
        finally:
            self.gate.release()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)


# SQLite's primary result codes (the low byte of an extended code) and PostgreSQL's SQLSTATEs that
# mean something a user can act on; anything else is reported with the driver's own words.
_SQLITE_KINDS = {5: "locked", 6: "locked", 8: "read-only", 10: "disk", 13: "disk", 11: "damaged", 26: "damaged",
                 14: "cannot-open"}
_PG_KINDS = {"40P01": "locked", "55P03": "locked", "55006": "locked", "57014": "locked", "25006": "read-only",
             "53100": "disk", "53200": "disk", "22001": "too-long", "XX001": "damaged", "XX002": "damaged"}


def _driver_errors(exc: BaseException):
    """The exception and the driver errors behind it: peewee wraps the driver's error (as its first
    argument and its context), and SQLite's own rollback after a full disk adds another layer."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo.extend(a for a in getattr(current, "args", ()) if isinstance(a, BaseException))
        todo.extend((current.__cause__, current.__context__))


def error_kind(exc: BaseException) -> str | None:
    """What a database error means, from SQLite's result code or PostgreSQL's SQLSTATE (never its text):
    locked, read-only, disk, damaged, cannot-open, too-long, connection, or None for anything else."""
    for err in _driver_errors(exc):
        code = getattr(err, "sqlite_errorcode", None)
        if code is not None and (code & 0xFF) in _SQLITE_KINDS:
            return _SQLITE_KINDS[code & 0xFF]
        pgcode = getattr(err, "pgcode", None)
        if pgcode:
            if pgcode in _PG_KINDS:
                return _PG_KINDS[pgcode]
            if pgcode.startswith("08"):
                return "connection"
        elif type(err).__module__.startswith("psycopg2") and type(err).__name__ in ("OperationalError",
                                                                                      "InterfaceError"):
            return "connection"  # psycopg2 gives no SQLSTATE when the server is unreachable or went away
    return None


def translate_error(exc: BaseException, store: Store | None = None) -> StorageError:
    if isinstance(exc, StorageError):
        return exc
    where = store.display_name if store else "the database"
    # "The database /path/desk.db is ..." when the store is known, "The database is ..." otherwise.
    subject = f"The database {store.display_name}" if store else "The database"
    kind = error_kind(exc)
    if kind == "locked":
        return StorageError(
            f"{subject} is locked by another program for longer than "
            f"{BUSY_TIMEOUT_S:.0f} s; try again when it has finished.")
    if kind == "read-only":
        return StorageError(f"{subject} is read-only; nothing was changed.")
    if kind == "disk":
        return StorageError(f"The disk holding {where} is full or failing; nothing was changed.")
    if kind == "damaged":
        return StorageError(f"{where[0].upper() + where[1:]} is damaged or not an Incident Desk database.")
    if kind == "cannot-open":
        return StorageError(f"{subject} cannot be opened (missing folder or permission denied).")
    if kind == "too-long":
        return StorageError(f"A value is too long for {where}; shorten it and try again.")
    if kind == "connection":
        return ConnectionLost(f"The connection to {where} failed or was lost; check the server and try again.")
    first_line = " ".join(str(exc).split())  # the driver's message, on one line
    return StorageError(f"Database error on {where}: {first_line}")


def redact_url(url: str) -> str:
    """``url`` with the password of its user part replaced by ***; anything else unchanged."""
    try:
        parsed = urlparse(url)
        password = parsed.password
    except ValueError:
        return url
    if password is None:
        return url
    user, _, host = parsed.netloc.rpartition("@")
    name = user.split(":", 1)[0]
    return parsed._replace(netloc=f"{name}:***@{host}").geturl()


_IN_MEMORY = (":memory:", "sqlite://", "sqlite:///:memory:", "file::memory:")


def _sqlite_path(url: str) -> Path:
    if url in _IN_MEMORY or url.startswith("file::memory:") or "mode=memory" in url:
        raise StorageError(f"'{url}' is an in-memory database that keeps nothing once the command ends; "
                           f"give a file path (or a postgresql:// URL) instead.")
    if url.startswith("sqlite:///"):
        return Path(unquote(url[len("sqlite:///"):])).expanduser()
    if url.startswith("sqlite://"):
        raise StorageError(f"'{url}' is not a usable SQLite URL; write sqlite:///path/to/desk.db.")
    return Path(url).expanduser()


def _check_sqlite_file(path: Path) -> bool:
    """Refuse what cannot be an Incident Desk file; True when it exists but cannot be written."""
    if path.is_dir():
        raise StorageError(f"{path} is a folder, not a database file.")
    if path.exists() and not path.is_file():
        # /dev/null, a pipe, a terminal: SQLite would "write" into it and report a full disk.
        raise StorageError(f"{path} is a device or other special file, not a database file.")
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
        return not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK)
    if not path.parent.exists():
        raise StorageError(f"The folder {path.parent} does not exist.")
    if not os.access(path.parent, os.W_OK):
        raise StorageError(f"Cannot create a database in {path.parent}: the folder is read-only.")
    return False


# What people type is in these files: readable and writable by their owner only. SQLite gives its
# -wal and -shm files the database file's own mode, so a private database keeps them private too.
PRIVATE_FILE = 0o600
_COMPANIONS = ("", "-wal", "-shm", "-journal")


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with owner-only rights (before SQLite or anyone writes into it)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    os.close(fd)


def _make_private(path: Path) -> None:
    """An existing database (written 0644 by an older release) and its companions become owner-only,
    when they are ours; a file owned by someone else is left as it is."""
    for suffix in _COMPANIONS:
        target = Path(f"{path}{suffix}")
        try:
            info = target.stat()
            if info.st_mode & 0o077 and info.st_uid == os.geteuid():
                target.chmod(PRIVATE_FILE)
        except (FileNotFoundError, PermissionError, AttributeError):
            pass


def _sqlite_handle(path: Path, *, read_only: bool, immutable: bool = False) -> SqliteDatabase:
    target, extra = str(path), {}
    if read_only:
        # A URI opens it read-only, so nothing (not even a pragma) can write; with the folder read-only
        # too the -shm file cannot be made, and an immutable open needs none.
        mode = "immutable=1" if immutable else "mode=ro"
        target, extra = f"file:{quote(str(path))}?{mode}", {"uri": True}
    return SqliteDatabase(
        target,
        # journal_mode=wal is set in _prepare_schema, once the file is known to be ours: it is
        # persistent, and would rewrite another program's SQLite file that we then refuse.
        pragmas={"foreign_keys": 1, "synchronous": "normal",
                 "cache_size": -16_000, "temp_store": "memory",
                 # backstop only: the Checkpointer thread normally keeps the WAL far below this
                 "wal_autocheckpoint": 16_000},
        timeout=BUSY_TIMEOUT_S, **extra,
    )


def open_database(url: str | os.PathLike, *, create: bool = True, migrate: bool = True,
                  background_checkpoint: bool = True) -> Store:
    """Open (creating or migrating as needed) the database named by a path or URL."""
    url = str(url)
    if url.startswith(("postgresql://", "postgres://")):
        store = _open_postgres(url)
    else:
        path = _sqlite_path(url)
        read_only = _check_sqlite_file(path)
        if not path.exists():
            if not create:
                raise NoDatabase(path)
            try:
                create_private_file(path)
            except FileExistsError:
                pass  # another desk created it a moment ago
        elif not read_only:
            _make_private(path)
        store = Store(db=_sqlite_handle(path, read_only=read_only), url=url, backend="sqlite",
                      path=path.resolve(), read_only=read_only)
    try:
        _connect(store)
        _prepare_schema(store, migrate=migrate)
    except peewee.DatabaseError as exc:
        store.close()
        raise translate_error(exc, store) from exc
    except StorageError:
        store.close()
        raise
    if store.is_sqlite and background_checkpoint and not store.read_only:
        store.checkpointer = Checkpointer(store.path)
    return store


def _connect(store: Store) -> None:
    if not store.read_only:
        store.db.connect(reuse_if_open=True)
        return
    try:
        store.db.connect(reuse_if_open=True)
        store.db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
    except peewee.OperationalError as exc:
        if error_kind(exc) != "cannot-open":
            raise
        # WAL needs a -shm file, which a read-only folder cannot hold: read the file as it is.
        store.db.close()
        store.db = _sqlite_handle(store.path, read_only=True, immutable=True)
        store.db.connect()


def _open_postgres(url: str) -> Store:
    parsed = urlparse(url)
    if not parsed.path.strip("/"):
        raise StorageError(f"'{redact_url(url)}' names no database; write postgresql://user@host:5432/dbname.")
    try:
        import psycopg2  # noqa: F401  (only needed in team mode)
    except ImportError:
        raise StorageError("PostgreSQL support needs psycopg2; install incident-desk[postgres].") from None
    client_id = f"incident-desk {uuid.uuid4().hex[:12]}"
    db = TeamPostgresqlDatabase(
        unquote(parsed.path.lstrip("/")), user=unquote(parsed.username or "") or None,
        password=unquote(parsed.password or "") or None, host=parsed.hostname or "localhost",
        port=parsed.port or 5432, application_name=client_id, connect_timeout=CONNECT_TIMEOUT_S,
        # SQLite's busy timeout on a team database: a write that another session's lock holds up fails
        # after the same 5 s, as "locked ... try again" (translate_error), instead of waiting forever.
        options=f"-c lock_timeout={int(BUSY_TIMEOUT_S * 1000)}",
        # A server that vanished without closing the socket (a cable, a VM paused) is noticed in ~10 s.
        keepalives=1, keepalives_idle=5, keepalives_interval=2, keepalives_count=3)
    store = Store(db=db, url=url, backend="postgres", client_id=client_id)
    # A read outside any transaction (most single-statement reads) that finds the server gone raises
    # ConnectionLost, not the driver's error, and leaves no dead connection behind for the next one.
    db.on_connection_error = store._autocommit_error
    return store


def _schema_info(store: Store, key: str) -> str | None:
    row = store.db.execute_sql(f"SELECT value FROM schema_info WHERE key = {store.db.param}", (key,)).fetchone()
    return row[0] if row else None


def schema_version(store: Store) -> int:
    if not store.db.table_exists("schema_info"):
        return 0
    value = _schema_info(store, "schema_version")
    return int(value) if value else 0


def _prepare_schema(store: Store, *, migrate: bool) -> None:
    version = schema_version(store)
    has_tables = bool(store.db.get_tables())
    if version == 0 and has_tables:
        raise StorageError(f"{store.display_name} holds tables that are not an Incident Desk database.")
    if store.read_only and version < CURRENT_VERSION:
        what = "is empty" if version == 0 else f"needs an upgrade from schema {version}"
        raise StorageError(f"The database {store.display_name} {what} but is read-only; "
                           f"open a writable copy instead.")
    if version > CURRENT_VERSION:
        raise StorageError(
            f"{store.display_name} was written by a newer Incident Desk (schema {version}, this "
            f"release reads up to {CURRENT_VERSION}); upgrade Incident Desk to open it.")
    if store.is_sqlite and not store.read_only:
        store.db.execute_sql("PRAGMA journal_mode = wal")
    if version == 0:
        with store.write():
            create_fresh_schema(store)
    elif version < CURRENT_VERSION:
        if not migrate:
            raise StorageError(f"{store.display_name} needs an upgrade from schema {version}.")
        if store.is_sqlite and store.path is not None:
            store.backup_path = backup_sqlite(store, suffix=f"schema{version}")
        with store.write():
            apply_migrations(store, version)
    store.identity = _schema_info(store, DESK_ID_KEY) or ""


def backup_sqlite(store: Store, *, suffix: str) -> Path:
    """Copy the live database with SQLite's online backup (consistent even under WAL)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = store.path.with_name(f"{store.path.stem}.{suffix}-backup-{stamp}{store.path.suffix}")
    n = 1
    while target.exists():
        target = target.with_name(f"{target.stem}-{n}{target.suffix}")
        n += 1
    source = store.db.connection()
    create_private_file(target)  # a backup holds everything the database does
    dest = sqlite3.connect(str(target))
    try:
        source.backup(dest)
    finally:
        dest.close()
    return target



def is_database_error(exc: BaseException) -> bool:
    """A driver or peewee database error (as opposed to our own StorageError)."""
    return isinstance(exc, (peewee.DatabaseError, sqlite3.DatabaseError))
