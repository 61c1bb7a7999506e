"""The benchmark database: a demo database built once with `incident-desk demo` and cached under bench/cache/."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

CACHE_DIR = Path(__file__).resolve().parent / "cache"
SEED = 1


def schema_version() -> int:
    from incident_desk.storage.migrations import CURRENT_VERSION
    return CURRENT_VERSION


def cache_path(count: int, *, seed: int = SEED, version: int | None = None) -> Path:
    version = schema_version() if version is None else version
    return CACHE_DIR / f"demo-{count}-schema{version}-seed{seed}.db"


def _meta_path(db: Path) -> Path:
    return db.with_suffix(".json")


def _db_version(db: Path) -> int | None:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT value FROM schema_info WHERE key = 'schema_version'").fetchone()
            n = con.execute("SELECT max(id) FROM incident").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return None
    return int(row[0]) if row and n else None


def is_fresh(db: Path, count: int) -> bool:
    meta = _meta_path(db)
    if not db.exists() or not meta.exists():
        return False
    try:
        info = json.loads(meta.read_text())
    except ValueError:
        return False
    return info.get("count") == count and info.get("schema") == schema_version() and _db_version(db) == schema_version()


def ensure(count: int, *, seed: int = SEED, log=print) -> tuple[Path, dict]:
    """The cached database for ``count`` incidents, (re)built when missing or stale; and its build info."""
    db = cache_path(count, seed=seed)
    if is_fresh(db, count):
        info = json.loads(_meta_path(db).read_text())
        info["cached"] = True
        return db, info
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    for old in CACHE_DIR.glob(f"demo-{count}-*"):  # older schema versions of the same size
        old.unlink()
    tmp = db.with_name("building-" + db.name)
    for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        p.unlink(missing_ok=True)
    log(f"  building the {count:,}-incident demo database (seed {seed}, schema {schema_version()}) ...")
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "incident_desk", "--db", str(tmp), "demo", "--count", str(count),
                           "--seed", str(seed), "--json"], capture_output=True, text=True,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"demo build failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
    out = json.loads(proc.stdout)
    _checkpoint(tmp)
    os.replace(tmp, db)
    info = {"count": count, "seed": seed, "schema": schema_version(), "built_at": time.strftime("%Y-%m-%d %H:%M:%S"),
            "wall_s": round(wall, 2), "demo_reported_s": out.get("seconds"), "incidents": out.get("incidents"),
            "events": out.get("events"), "size_mb": round(db.stat().st_size / 1e6, 1)}
    _meta_path(db).write_text(json.dumps(info, indent=2))
    info["cached"] = False
    log(f"  built in {wall:.1f} s ({info['events']:,} events, {info['size_mb']:,} MB)")
    return db, info


def _checkpoint(db: Path) -> None:
    """Fold the WAL into the file so the cache is one file that copies cleanly."""
    con = sqlite3.connect(str(db))
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
    for p in (Path(str(db) + "-wal"), Path(str(db) + "-shm")):
        p.unlink(missing_ok=True)


def scratch_copy(db: Path, name: str) -> Path:
    """A throwaway copy of ``db`` for benchmarks that write, so the cache stays as built."""
    _checkpoint(db)
    target = CACHE_DIR / f"scratch-{name}.db"
    for p in (target, Path(str(target) + "-wal"), Path(str(target) + "-shm")):
        p.unlink(missing_ok=True)
    shutil.copyfile(db, target)
    # Write the copy out now: otherwise a gigabyte of dirty pages is flushed under the first
    # checkpoint's fsync, and the writes measured next stall behind it (seconds, not the app's fault).
    with open(target, "rb+") as fh:
        os.fsync(fh.fileno())
    return target


def remove(path: Path) -> None:
    for p in (path, Path(str(path) + "-wal"), Path(str(path) + "-shm")):
        p.unlink(missing_ok=True)
