"""Hostile environment: full disk, truncated or foreign files, read-only and locked databases, for the CLI and the app.

Full disk is tested two ways: a real 4 MiB tmpfs filled to the last byte (this process must be able to
mount, as root here and in CI; elsewhere the test fails unless INCIDENT_DESK_ALLOW_NO_MOUNT=1), and a
per-process file-size limit (RLIMIT_FSIZE), which makes the kernel fail the writes with EFBIG: a real
OS-level write error.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess

import pytest

from tests.reliability.reliability_tools import (
    PYTHON,
    ROOT,
    assert_one_line_error,
    cli_env,
    file_digest,
    file_size_limit,
    fill_disk,
    integrity,
    lock_holder,
    logical_dump,
    make_demo_db,
    read_only_database,
    require_mount,
    run_cli,
    small_tmpfs,
)

BIG = "Log excerpt: " + "timeout while rekeying the tunnel; " * 2800  # ~100 KB, near the description limit


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return make_demo_db(tmp_path_factory.mktemp("hostile-template") / "desk.db")


@pytest.fixture
def db(template, tmp_path):
    target = tmp_path / "desk.db"
    shutil.copyfile(template, target)
    return target


WRITES = (["log", "--title", "Disk full test", "--category", "Network", "--description", BIG],
          ["comment", "INC-000001", BIG],
          ["edit", "INC-000002", "--description", BIG])


def run_app(db, tmp_path) -> subprocess.CompletedProcess:
    """The GUI entry point, headless: open the window on ``db``, save a screenshot, exit."""
    shot = tmp_path / "shot.png"
    return subprocess.run([PYTHON, "-m", "incident_desk", "--db", str(db), "--screenshot", str(shot)],
                          capture_output=True, text=True, timeout=60, env=cli_env(), cwd=str(ROOT))


def _app_error(result) -> str:
    """The app's refusal: exit 2 and one line, ignoring Qt's own platform chatter on stderr."""
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("incident-desk:") or "Traceback" in ln
             or "Error" in ln]
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1, result.stderr
    return lines[0]


# ---- full disk ---------------------------------------------------------------------------------------

def test_full_disk_on_a_real_small_file_system(template, tmp_path):
    require_mount("The full-disk test")
    with small_tmpfs(tmp_path / "small", "4m") as mnt:
        db = mnt / "desk.db"
        shutil.copyfile(template, db)
        before = logical_dump(db)
        filler = fill_disk(mnt)
        assert shutil.disk_usage(mnt).free < 8192
        for args in WRITES:
            assert_one_line_error(run_cli(db, *args), "disk", "full", "nothing was changed")
        filler.unlink()
        # Nothing half-written, nothing lost, and the desk works again once there is room.
        assert integrity(db) == "ok"
        assert logical_dump(db) == before
        for args in WRITES:
            result = run_cli(db, *args)
            assert result.returncode == 0, result.stderr
        assert integrity(db) == "ok"


def test_full_disk_as_a_file_size_limit(db):
    before = logical_dump(db)
    limit = file_size_limit(96 * 1024)  # the -shm fits (reads work), no big transaction fits in the WAL
    for args in WRITES:
        assert_one_line_error(run_cli(db, *args, preexec_fn=limit), "disk", "full", "nothing was changed")
    shown = run_cli(db, "show", "INC-000001", preexec_fn=limit)
    assert shown.returncode == 0, shown.stderr
    assert integrity(db) == "ok"
    assert logical_dump(db) == before
    for args in WRITES:
        assert run_cli(db, *args).returncode == 0
    assert integrity(db) == "ok"


# ---- damaged or foreign files -------------------------------------------------------------------------

@pytest.mark.parametrize("cut", ["half", "last page", "inside a page", "header only", "a few bytes"])
def test_truncated_database_is_refused_and_left_as_it_is(db, tmp_path, cut):
    size = db.stat().st_size
    new_size = {"half": size // 2, "last page": size - 4096, "inside a page": size - 1000,
                "header only": 100, "a few bytes": 20}[cut]
    os.truncate(db, new_size)
    before = file_digest(db)
    for args in (["list"], ["show", "INC-000001"], ["log", "--title", "After the crash", "--category", "Network"],
                 ["comment", "INC-000001", "still there?"]):
        assert_one_line_error(run_cli(db, *args), "damaged")
    assert "damaged" in _app_error(run_app(db, tmp_path))
    assert file_digest(db) == before


@pytest.mark.parametrize("content", [b"Meeting notes\n" * 50, os.urandom(8192), b"\x89PNG\r\n\x1a\n" + b"\0" * 500,
                                     b"SQLite format 2\x00" + b"\0" * 200])
def test_files_that_are_not_a_database(tmp_path, content):
    path = tmp_path / "desk.db"
    path.write_bytes(content)
    for args in (["list"], ["log", "--title", "x", "--category", "Network"]):
        assert_one_line_error(run_cli(path, *args), "not an")
    assert "not an" in _app_error(run_app(path, tmp_path))
    assert path.read_bytes() == content


def test_a_newer_desk_file_is_refused_untouched(db):
    con = sqlite3.connect(db)
    con.execute("UPDATE schema_info SET value = '999' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    before = file_digest(db)
    assert_one_line_error(run_cli(db, "log", "--title", "x", "--category", "Network"), "newer Incident Desk")
    assert file_digest(db) == before


# ---- read-only and locked: the app ------------------------------------------------------------------

def test_app_on_a_read_only_database_exits_with_one_line(db, tmp_path):
    with read_only_database(db) as (path, method):
        before = file_digest(path)
        assert "read-only" in _app_error(run_app(path, tmp_path)), method
        assert file_digest(path) == before


def test_app_opens_and_paints_while_another_program_holds_the_write_lock(db, tmp_path):
    """Opening the desk only reads, so a long write elsewhere (an import) does not keep the window shut."""
    before = logical_dump(db)
    with lock_holder(db):
        result = run_app(db, tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "shot.png").stat().st_size > 10_000
    assert logical_dump(db) == before


@pytest.mark.slow
def test_locked_longer_than_the_timeout_the_other_writers_commit_survives(db):
    """Our write gives up after the busy timeout; the lock holder's own commit is kept, ours left no trace."""
    finish = "UPDATE incident SET description = 'written by the lock holder' WHERE id = 3; COMMIT"
    with lock_holder(db, finish=finish) as holder:
        assert_one_line_error(run_cli(db, "edit", "INC-000003", "--title", "Should not land"),
                              "locked by another program", "try again")
    assert holder.returncode == 0
    con = sqlite3.connect(db)
    title, description, version = con.execute(
        "SELECT title, description, version FROM incident WHERE id = 3").fetchone()
    edits = con.execute("SELECT count(*) FROM event WHERE incident_id = 3 AND new_value = 'Should not land'"
                        ).fetchone()[0]
    con.close()
    assert description == "written by the lock holder"
    assert title != "Should not land" and edits == 0
    assert integrity(db) == "ok"
    # Retried once the lock is gone, the same edit lands on top of the holder's change.
    assert run_cli(db, "edit", "INC-000003", "--title", "Lands now").returncode == 0
