"""Backups and restores of the desk's SQLite database, the GUI's rotating daily backup, and pg_dump advice."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from incident_desk.config import BACKUP_KEEP_DEFAULT
from incident_desk.services.auth import Actor, require
from incident_desk.services.clock import Clock
from incident_desk.services.errors import ValidationError
from incident_desk.services.transfer.private_files import check_target
from incident_desk.storage import backup as storage_backup
from incident_desk.storage.database import Store

DEFAULT_KEEP = BACKUP_KEEP_DEFAULT


class UsePgTools(ValidationError):
    """A team database is backed up and restored with PostgreSQL's own tools; ``command`` says how."""

    def __init__(self, message: str, command: str):
        super().__init__(message, field="db")
        self.command = command


@dataclass(frozen=True)
class RestoreResult:
    database: Path
    backup: Path
    schema_version: int
    incidents: int
    previous: Path | None


class BackupService:
    """Makes backups of one open database."""

    def __init__(self, store: Store, *, clock: Clock):
        self.store = store
        self.clock = clock

    def backup(self, *, actor: Actor, path: str | Path) -> Path:
        require(actor, "data.backup")
        advice = pg_advice(self.store.url, path, restoring=False)
        if advice is not None:
            raise advice
        target = check_target(path)
        if self.store.path is not None and target.resolve() == self.store.path:
            raise ValidationError("The backup cannot replace the database itself; choose another file.", field="file")
        return storage_backup.backup_to(self.store, target)

    def daily(self, folder: Path, *, keep: int = DEFAULT_KEEP) -> Path | None:
        """Today's backup in ``folder`` unless there is one; older ones beyond ``keep`` are removed.
        Returns the file written, or None when today's was already there (or the desk is a team one)."""
        if not self.store.is_sqlite:
            return None
        if keep < 1:
            raise ValidationError("Keep at least one daily backup.", field="keep")
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)
        prefix = backup_prefix(self.store)
        today = folder / f"{prefix}{self.clock().astimezone():%Y-%m-%d}.db"
        written = None
        if not today.exists():
            written = storage_backup.backup_to(self.store, today)
        for old in daily_backups(folder, prefix)[keep:]:
            old.unlink(missing_ok=True)
        return written


def backup_prefix(store: Store) -> str:
    """Daily backups of different desks share a folder: each desk's carry its name and identity."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", store.path.stem if store.path else "desk")[:40]
    return f"{stem}-{(store.identity or 'x')[:8]}-"


def daily_backups(folder: Path, prefix: str) -> list[Path]:
    """One desk's daily backups, newest first."""
    found = [p for p in folder.glob(f"{prefix}*.db") if re.fullmatch(r"\d{4}-\d{2}-\d{2}", p.stem[len(prefix):])]
    return sorted(found, reverse=True)


def pg_advice(url: str, file: str | Path, *, restoring: bool) -> UsePgTools | None:
    """For a team database: what to run instead (PostgreSQL's own tools do its backups)."""
    if not url.startswith(("postgresql://", "postgres://")):
        return None
    if restoring:
        return UsePgTools("A team database on PostgreSQL is restored with pg_restore; run:",
                          storage_backup.pg_restore_command(url, str(file)))
    return UsePgTools("A team database on PostgreSQL is backed up with pg_dump; run:",
                      storage_backup.pg_dump_command(url, str(file)))


def restore_database(url: str, backup: str | Path, *, actor_check=None) -> RestoreResult:
    """Replace the database at ``url`` by ``backup`` after checking the backup's integrity and schema version;
    the previous database is kept beside it. ``actor_check`` runs first when the current database opens."""
    advice = pg_advice(url, backup, restoring=True)
    if advice is not None:
        raise advice
    live = Path(url[len("sqlite:///"):] if url.startswith("sqlite:///") else url).expanduser()
    if actor_check is not None:
        actor_check()
    source = Path(backup).expanduser()
    facts = storage_backup.inspect(source)
    storage_backup.check_version(facts)
    if live.exists() and live.resolve() == source.resolve():
        raise ValidationError("The backup is the database itself; choose a backup file.", field="file")
    if not live.parent.exists():
        raise ValidationError(f"The folder {live.parent} does not exist.", field="db")
    previous = storage_backup.restore(source, live)
    return RestoreResult(database=live, backup=source, schema_version=facts.schema_version,
                         incidents=facts.incidents, previous=previous)

