"""Backup while another process writes, restore that checks before it replaces, daily rotation, private files."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import threading
import time
from datetime import UTC, datetime

import pytest

from incident_desk.services.clock import ManualClock
from incident_desk.services.desk import Desk
from incident_desk.services.transfer.backup import BackupService
from tests.reliability.reliability_tools import HERE, PYTHON, ROOT, cli_env, integrity, run_cli


def _count(db, sql="SELECT count(*) FROM incident"):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def _writer(db):
    proc = subprocess.Popen([PYTHON, str(HERE / "writer_process.py"), str(db), "7"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=cli_env(), cwd=str(ROOT))
    lines: list[dict] = []
    ready = threading.Event()

    def read():
        for line in proc.stdout:
            if line.strip() == "ready":
                ready.set()
            elif line.endswith("\n"):
                lines.append(json.loads(line))
        ready.set()

    threading.Thread(target=read, daemon=True).start()
    assert ready.wait(30), "the writer never became ready"
    return proc, lines


@pytest.mark.slow
def test_backup_while_another_process_writes_then_restore(tmp_path):
    db = tmp_path / "desk.db"
    Desk.open(str(db)).close()
    proc, reported = _writer(db)
    try:
        deadline = time.monotonic() + 30
        while len(reported) < 40 and time.monotonic() < deadline:
            time.sleep(0.05)
        committed_before = {r["key"]: r["version"] for r in list(reported)}
        result = run_cli(db, "backup", tmp_path / "copy.db", "--json")
        assert result.returncode == 0, result.stderr
        seen = len(reported)
        time.sleep(0.5)
        assert proc.poll() is None and len(reported) > seen, "the writer stopped while the backup ran"
    finally:
        proc.kill()
        proc.wait(10)
    copy = tmp_path / "copy.db"
    assert stat.S_IMODE(os.stat(copy).st_mode) == 0o600
    assert integrity(copy) == "ok"
    con = sqlite3.connect(str(copy))
    versions = dict(con.execute("SELECT key, version FROM incident"))
    con.close()
    # Every change committed before the backup started is in it, whole.
    for key, version in committed_before.items():
        assert versions[key] >= version
    live_count = _count(db)
    restored = run_cli(db, "restore", copy, "--json")
    assert restored.returncode == 0, restored.stderr
    facts = json.loads(restored.stdout)
    assert facts["incidents"] == len(versions) and _count(db) == len(versions)
    assert _count(facts["previous"]) == live_count  # the replaced database is kept aside, whole
    assert integrity(db) == "ok"


def test_restore_refuses_a_damaged_or_newer_backup_and_keeps_the_database(tmp_path, clock):
    db = tmp_path / "desk.db"
    desk = Desk.open(str(db), clock=clock)
    from incident_desk.services.incidents import IncidentDraft
    for n in range(300):
        desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(title=f"Printer {n}", category="Printing",
                                                                          description="x" * 400))
    good = BackupService(desk.store, clock=clock).backup(actor=desk.actor, path=tmp_path / "good.db")
    desk.close()
    damaged = tmp_path / "damaged.db"
    data = bytearray(good.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for offset in range(page * 3, page * 3 + 600):  # a b-tree page of the incident table overwritten
        data[offset] = 0x5A
    damaged.write_bytes(bytes(data))
    result = run_cli(db, "restore", damaged)
    assert result.returncode == 2 and "damaged" in result.stderr and "nothing was restored" in result.stderr
    newer = tmp_path / "newer.db"
    newer.write_bytes(good.read_bytes())
    con = sqlite3.connect(str(newer))
    con.execute("UPDATE schema_info SET value = '99' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    result = run_cli(db, "restore", newer)
    assert result.returncode == 2 and "made by a newer Incident Desk (schema 99" in result.stderr
    assert _count(db) == 300 and not list(tmp_path.glob("desk.before-restore-*"))


def test_restore_replaces_a_database_that_no_longer_opens(tmp_path, clock):
    db = tmp_path / "desk.db"
    desk = Desk.open(str(db), clock=clock)
    backup = BackupService(desk.store, clock=clock).backup(actor=desk.actor, path=tmp_path / "b.db")
    desk.close()
    db.write_bytes(b"this is not a database any more" * 100)
    result = run_cli(db, "restore", backup)
    assert result.returncode == 0, result.stderr
    kept = list(tmp_path.glob("desk.before-restore-*.db"))
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"this is not a database")
    assert integrity(db) == "ok"


def test_daily_backups_rotate(tmp_path):
    clock = ManualClock(datetime(2026, 11, 2, 9, tzinfo=UTC))
    desk = Desk.open(str(tmp_path / "desk.db"), clock=clock)
    service = BackupService(desk.store, clock=clock)
    folder = tmp_path / "backups"
    made = []
    for _day in range(5):
        made.append(service.daily(folder, keep=3))
        assert service.daily(folder, keep=3) is None  # one a day
        clock.advance(days=1)
    desk.close()
    kept = sorted(p.name for p in folder.iterdir())
    assert kept == sorted(p.name for p in made[-3:]) and all("2026-11-0" in k for k in kept)
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert all(stat.S_IMODE(os.stat(folder / k).st_mode) == 0o600 for k in kept)
