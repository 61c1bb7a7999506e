"""SQLite backups with the online backup API, and checked restores; the files are private (0600)."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from incident_desk.storage.database import SQLITE_HEADER, StorageError, Store
from incident_desk.storage.migrations import CURRENT_VERSION, DESK_ID_KEY

PRIVATE = 0o600
SIDE_FILES = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class BackupFacts:
    """What a backup file holds, read without changing it."""

    path: Path
    schema_version: int
    identity: str
    incidents: int
    size: int


def _part(path: Path) -> Path:
    return path.with_name(f".{path.name}.part")


def _remove(path: Path) -> None:
    for p in (path, *(Path(f"{path}{s}") for s in SIDE_FILES)):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def backup_to(store: Store, target: Path) -> Path:
    """A consistent copy of the open database at ``target``, made while desks go on writing: one backup
    step holds a read snapshot (WAL lets writers continue) and copies every page of it. The copy is a
    single self-contained file (rollback journal, not WAL), mode 0600, moved into place when complete."""
    if not store.is_sqlite:
        raise StorageError("A PostgreSQL database is backed up with pg_dump.")
    part = _part(target)
    _remove(part)
    os.close(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE))
    dest = sqlite3.connect(str(part))
    try:
        store.db.connection().backup(dest, pages=-1)
        dest.execute("PRAGMA journal_mode = DELETE")
        dest.commit()
    except BaseException:
        dest.close()
        _remove(part)
        raise
    dest.close()
    os.chmod(part, PRIVATE)
    os.replace(part, target)
    return target


def inspect(path: Path) -> BackupFacts:
    """Read a backup's schema version and identity after a full integrity check; a damaged file, or not
    an Incident Desk database, is refused with the reason."""
    path = Path(path)
    if not path.is_file():
        raise StorageError(f"There is no backup file {path}.")
    with open(path, "rb") as fh:
        head = fh.read(100)
    if head[:16] != SQLITE_HEADER:
        raise StorageError(f"{path} is not an Incident Desk backup (it is not an SQLite database).")
    page_size = int.from_bytes(head[16:18], "big") if len(head) == 100 else 0
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or path.stat().st_size % page_size:
        raise StorageError(f"{path} is damaged (the file is cut short); nothing was restored.")
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise StorageError(f"{path} cannot be opened ({exc}); nothing was restored.") from None
    try:
        problems = [r[0] for r in con.execute("PRAGMA integrity_check(5)")]
        if problems != ["ok"]:
            raise StorageError(f"{path} is damaged ({problems[0]}); nothing was restored.")
        facts = dict(con.execute("SELECT key, value FROM schema_info"))
        incidents = con.execute("SELECT count(*) FROM incident").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"{path} is damaged or not an Incident Desk backup ({exc}); nothing was restored.") from None
    finally:
        con.close()
    version = int(facts.get("schema_version") or 0)
    if version < 1:
        raise StorageError(f"{path} is not an Incident Desk backup (it has no schema version).")
    return BackupFacts(path=path, schema_version=version, identity=facts.get(DESK_ID_KEY, ""), incidents=incidents,
                       size=path.stat().st_size)


def check_version(facts: BackupFacts) -> None:
    if facts.schema_version > CURRENT_VERSION:
        raise StorageError(f"{facts.path} was made by a newer Incident Desk (schema {facts.schema_version}; this "
                           f"release reads up to {CURRENT_VERSION}); upgrade Incident Desk to restore it.")


def restore(backup: Path, live: Path) -> Path | None:
    """Put ``backup`` in place of the database at ``live``; the database that was there is kept aside
    (returned). Into a healthy database the pages are copied with the backup API, so desks that have it
    open see the restored content; a damaged one is moved aside whole and the backup copied in."""
    facts = inspect(backup)
    check_version(facts)
    aside = None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    if live.exists():
        aside = live.with_name(f"{live.stem}.before-restore-{stamp}{live.suffix}")
        n = 1
        while aside.exists():
            aside = aside.with_name(f"{live.stem}.before-restore-{stamp}-{n}{live.suffix}")
            n += 1
        if _copy_live(live, aside) and _pages_into(backup, live):
            return aside
        # Damaged or not a database at all: move it (and its WAL) aside as it is.
        for suffix in ("", *SIDE_FILES):
            source = Path(f"{live}{suffix}")
            if source.exists():
                os.replace(source, Path(f"{aside}{suffix}"))
    part = _part(live)
    shutil.copyfile(backup, part)
    os.chmod(part, PRIVATE)
    os.replace(part, live)
    return aside


def _copy_live(live: Path, aside: Path) -> bool:
    """Back the live database up to ``aside`` (False when it cannot be read as a database)."""
    try:
        src = sqlite3.connect(str(live), timeout=5)
        try:
            src.execute("SELECT count(*) FROM sqlite_master").fetchone()
            os.close(os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE))
            dest = sqlite3.connect(str(aside))
            try:
                src.backup(dest, pages=-1)
                dest.execute("PRAGMA journal_mode = DELETE")
            finally:
                dest.close()
        finally:
            src.close()
    except sqlite3.DatabaseError:
        with contextlib.suppress(FileNotFoundError):
            aside.unlink()
        return False
    return True


def _pages_into(backup: Path, live: Path) -> bool:
    """Copy the backup's pages into the live database (False when the live file is too damaged to take them)."""
    src = sqlite3.connect(f"file:{backup}?mode=ro&immutable=1", uri=True)
    dest = sqlite3.connect(str(live), timeout=30)
    try:
        src.backup(dest, pages=-1)
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode & 0xFF in (5, 6):  # SQLITE_BUSY, SQLITE_LOCKED
            raise StorageError(f"The database {live} stayed busy for 30 s; close the desks writing to it and try "
                               "again. Nothing was restored.") from None
        return False
    except sqlite3.DatabaseError:
        return False
    finally:
        dest.close()
        src.close()
    return True


def pg_dump_command(url: str, target: str) -> str:
    """The pg_dump line for a team database (the password stays out: pg_dump asks, or reads ~/.pgpass)."""
    return " ".join(["pg_dump", "--format=custom", f"--file={_quote(target)}", *_pg_server(url),
                     _quote(_pg_database(url))])


def pg_restore_command(url: str, source: str) -> str:
    return " ".join(["pg_restore", "--clean", "--if-exists", "--no-owner", *_pg_server(url),
                     f"--dbname={_quote(_pg_database(url))}", _quote(source)])


def _pg_server(url: str) -> list[str]:
    from urllib.parse import unquote, urlparse
    parsed = urlparse(url)
    parts = []
    if parsed.hostname:
        parts.append(f"--host={parsed.hostname}")
    if parsed.port:
        parts.append(f"--port={parsed.port}")
    if parsed.username:
        parts.append(f"--username={_quote(unquote(parsed.username))}")
    return parts


def _pg_database(url: str) -> str:
    from urllib.parse import unquote, urlparse
    return unquote(urlparse(url).path.lstrip("/"))


def _quote(text: str) -> str:
    import shlex
    return shlex.quote(text)
