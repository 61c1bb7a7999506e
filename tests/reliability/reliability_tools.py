"""Reliability test helpers: the CLI as a subprocess, logical dumps, lock holders, small disks."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

PYTHON = sys.executable
ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BUSY_TIMEOUT_S = 5.0


def cli_env(extra: dict | None = None) -> dict:
    env = dict(os.environ)
    env.pop("INCIDENT_DESK_DB", None)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra or {})
    return env


def _command(db, args, user: str | None, env: dict | None) -> tuple[list[str], dict]:
    """The command line and environment of a CLI run on ``db``: a path, or a tests.backends.Backend, whose
    ``--db`` signs in on PostgreSQL (as ``user``, or the ``--user`` that leads ``args``, else the admin)."""
    from tests.backends import Backend
    args = [str(a) for a in args]
    if isinstance(db, Backend):
        if args[:1] == ["--user"]:
            user, args = args[1], args[2:]
        return [PYTHON, "-m", "incident_desk", *db.cli_args(user), *args], db.cli_env(cli_env(env))
    return [PYTHON, "-m", "incident_desk", "--db", str(db), *(["--user", user] if user else []), *args], cli_env(env)


def run_cli(db, *args, timeout: float = 60, preexec_fn=None, env: dict | None = None,
            user: str | None = None) -> subprocess.CompletedProcess:
    """`python -m incident_desk --db DB ARGS...` in a real process; text output captured. ``db`` may be a
    tests.backends.Backend (see _command)."""
    cmd, env = _command(db, args, user, env)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, preexec_fn=preexec_fn,
                          env=env, cwd=str(ROOT))


def start_cli(db, *args, env: dict | None = None) -> subprocess.Popen:
    cmd, env = _command(db, args, None, env)
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            cwd=str(ROOT))


def assert_one_line_error(result, *needles: str, code: int = 2) -> str:
    """Exit status ``code``, exactly one line on stderr naming the problem, no traceback, nothing on stdout."""
    lines = result.stderr.splitlines()
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}:\n{result.stderr}"
    line = lines[0]
    assert line.startswith("incident-desk: "), line
    assert "Traceback" not in line and "internal error" not in line, line
    for needle in needles:
        assert needle.lower() in line.lower(), f"{needle!r} not in {line!r}"
    assert result.stdout == "", result.stdout
    return line


# ---- what the database holds ---------------------------------------------------------------------

def _connect_ro(path) -> sqlite3.Connection:
    path = Path(path).resolve()
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return con
    except sqlite3.OperationalError:
        # A read-only folder cannot hold the -shm file; an immutable open needs none.
        return sqlite3.connect(f"file:{path}?immutable=1", uri=True)


# FTS5's b-tree of segments: the desk's upkeep thread merges them whenever it finds the database idle,
# which rewrites these rows without changing what is indexed (the search table's own rows say that).
FTS_STRUCTURE = ("incident_fts_data", "incident_fts_idx")


def logical_dump(path) -> str:
    """A hash of every row of every table (incidents, timeline, search index, users, settings...)."""
    con = _connect_ro(path)
    try:
        names = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            if r[0] not in FTS_STRUCTURE]
        digest = hashlib.sha256()
        for name in names:
            rows = con.execute(f'SELECT * FROM "{name}"').fetchall()
            rows.sort(key=repr)
            digest.update(name.encode())
            digest.update(repr(rows).encode())
        return digest.hexdigest()
    finally:
        con.close()


def file_digest(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def integrity(path) -> str:
    con = sqlite3.connect(str(path))
    try:
        return "\n".join(r[0] for r in con.execute("PRAGMA integrity_check"))
    finally:
        con.close()


def count(path, sql: str, params=()) -> int:
    con = _connect_ro(path)
    try:
        return con.execute(sql, params).fetchone()[0]
    finally:
        con.close()


def make_demo_db(path, *, count_: int = 300, seed: int = 7):
    """A demo database at ``path`` (a file path, returned as a Path; or a tests.backends.Backend, returned)."""
    result = run_cli(path, "demo", "--count", count_, "--seed", seed, "--days", 60)
    assert result.returncode == 0, result.stderr
    return path if hasattr(path, "is_team") else Path(path)


# ---- another program holding the write lock --------------------------------------------------------

_HOLDER = r"""
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
con.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()          # hold until the test says so (or closes stdin)
for statement in sys.argv[2].split(";"):
    if statement.strip():
        con.execute(statement)
print("released", flush=True)
"""


@contextlib.contextmanager
def lock_holder(db, *, finish: str = "ROLLBACK"):
    """Another process holds BEGIN EXCLUSIVE on ``db`` until the block ends; yields the Popen."""
    proc = subprocess.Popen([PYTHON, "-c", _HOLDER, str(db), finish], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "locked"
        yield proc
    finally:
        if proc.poll() is None:
            proc.stdin.write("\n")
            proc.stdin.flush()
            proc.stdin.close()
            proc.wait(timeout=10)


# ---- file systems --------------------------------------------------------------------------------------

def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


_MOUNT_OK: bool | None = None


def can_mount() -> bool:
    """True when this process may mount a tmpfs (root with CAP_SYS_ADMIN, as in this sandbox)."""
    global _MOUNT_OK
    if _MOUNT_OK is None:
        _MOUNT_OK = False
        if _is_root() and shutil.which("mount") and sys.platform.startswith("linux"):
            probe = Path(f"/tmp/incident-desk-mount-probe-{os.getpid()}")
            probe.mkdir(exist_ok=True)
            try:
                ok = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe)],
                                    capture_output=True).returncode == 0
                if ok:
                    subprocess.run(["umount", str(probe)], capture_output=True)
                _MOUNT_OK = ok
            finally:
                with contextlib.suppress(OSError):
                    probe.rmdir()
    return _MOUNT_OK


# A developer who cannot mount (not root, or a container without CAP_SYS_ADMIN) may run the rest of
# the suite with this set; .ci/run never sets it, so in CI these tests fail instead of skipping.
ALLOW_NO_MOUNT_ENV = "INCIDENT_DESK_ALLOW_NO_MOUNT"


def require_mount(what: str) -> None:
    """Fail the test (skip only with the opt-out) when this process may not mount a small tmpfs."""
    if can_mount():
        return
    from tests.conftest import allowed_to_miss
    message = (f"{what} needs to mount a small tmpfs (root with CAP_SYS_ADMIN, as in CI), and "
               f"`mount -t tmpfs` is refused here; set {ALLOW_NO_MOUNT_ENV}=1 to run without it.")
    if allowed_to_miss(ALLOW_NO_MOUNT_ENV):
        pytest.skip(message)
    pytest.fail(message, pytrace=False)


@contextlib.contextmanager
def small_tmpfs(where: Path, size: str = "4m"):
    """A real, size-limited file system mounted at ``where`` for the duration of the block."""
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs", str(where)], check=True,
                   capture_output=True)
    try:
        yield where
    finally:
        for _ in range(50):
            if subprocess.run(["umount", str(where)], capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        else:
            # Still busy (a file left open): detach it now so no mount outlives the test.
            subprocess.run(["umount", "-l", str(where)], capture_output=True)


def remount(where: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(where)], check=True, capture_output=True)


def fill_disk(where: Path) -> Path:
    """Write a filler file until the file system is full; returns it (delete it to free the space)."""
    filler = where / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        for size in (1 << 20, 65536, 4096, 512, 1):
            block = b"\0" * size
            try:
                while os.write(fd, block) == size:
                    pass
            except OSError:
                pass
    finally:
        os.close(fd)
    return filler


def file_size_limit(limit_bytes: int):
    """preexec_fn: the child may not grow any file beyond ``limit_bytes`` (writes fail with EFBIG).

    Python ignores SIGXFSZ, so the child sees an OSError instead of being killed: a real OS-level write
    failure, the same as a full disk from SQLite's point of view.
    """
    def apply():
        import resource
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))
    return apply


@contextlib.contextmanager
def read_only_database(path: Path):
    """Make ``path`` (and its folder) read-only in a way that binds root too; yields the method used.

    Root ignores file modes, so: a read-only tmpfs remount when mounting is allowed, else the immutable
    attribute (chattr +i), else, for a normal user, chmod 0444 on the file and 0555 on the folder.
    """
    path = Path(path)
    if can_mount():
        mnt = path.parent / "ro-mount"
        with small_tmpfs(mnt, "16m"):
            target = mnt / path.name
            shutil.copy2(path, target)
            remount(mnt, "ro")
            try:
                yield target, "read-only tmpfs remount"
            finally:
                with contextlib.suppress(subprocess.CalledProcessError):
                    remount(mnt, "rw")
        return
    if _is_root() and shutil.which("chattr") and subprocess.run(
            ["chattr", "+i", str(path)], capture_output=True).returncode == 0:
        try:
            yield path, "chattr +i"
        finally:
            subprocess.run(["chattr", "-i", str(path)], capture_output=True)
        return
    if _is_root():
        require_mount("Making a database read-only for root")  # fails: neither mount nor chattr works
    old_file, old_dir = path.stat().st_mode, path.parent.stat().st_mode
    path.chmod(0o444)
    path.parent.chmod(0o555)
    try:
        yield path, "chmod 0444"
    finally:
        path.parent.chmod(old_dir)
        path.chmod(old_file)


# ---- desks in other processes, started together -----------------------------------------------------

def _released_together(script: str, worker_args, timeout: float) -> tuple[list[str], list[dict]]:
    """Start ``script`` once per argument list; each says one line when it is ready and waits for one on
    stdin (the barrier); release them all at once; return (their first lines, their JSON reports)."""
    import json
    procs = [subprocess.Popen([PYTHON, str(HERE / script), *map(str, args)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env(),
                              cwd=str(ROOT)) for args in worker_args]
    try:
        first = []
        for proc in procs:
            first.append(proc.stdout.readline().strip())
            assert first[-1], proc.stderr.read() if proc.poll() is not None else "no first line"
        for proc in procs:
            proc.stdin.write("\n")
            proc.stdin.flush()
        reports = []
        for proc in procs:
            out, err = proc.communicate(timeout=timeout)
            assert proc.returncode == 0, err
            reports.append(json.loads(out.strip().splitlines()[-1]))
        return first, reports
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)


def run_together(*worker_args, timeout: float = 120) -> list[dict]:
    """tests/reliability/desk_worker.py once per argument list, released at once; each one's JSON report."""
    ready, reports = _released_together("desk_worker.py", worker_args, timeout)
    assert ready == ["ready"] * len(worker_args), ready
    return reports


def assert_overlapped(reports: list[dict]) -> None:
    """Every worker was still working when the last one started: they really ran at the same time."""
    last_start = max(r["started"] for r in reports)
    first_end = min(r["ended"] for r in reports)
    spans = [(r["started"], r["ended"]) for r in reports]
    assert last_start < first_end, f"the workers ran one after the other: {spans}"


def run_updaters(*worker_args, timeout: float = 180) -> tuple[list[str], list[dict]]:
    """tests/reliability/updater_process.py once per argument list, released at once after each has read;
    returns (their first lines, their JSON reports)."""
    return _released_together("updater_process.py", worker_args, timeout)


def run_team(*worker_args, timeout: float = 240) -> list[dict]:
    """tests/reliability/team_process.py once per argument list (signed-in desks of one team database),
    released at once; each one's JSON report."""
    ready, reports = _released_together("team_process.py", worker_args, timeout)
    assert ready == ["ready"] * len(worker_args), ready
    return reports
