"""Crash safety: a real writer process is SIGKILLed at random moments; every reported commit survives whole."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import threading
import time

import pytest

from tests.reliability.reliability_tools import HERE, PYTHON, ROOT, cli_env, integrity, run_cli

ROUNDS = int(os.environ.get("INCIDENT_DESK_CRASH_ROUNDS", "12"))
SEED = int(os.environ.get("INCIDENT_DESK_CRASH_SEED", str(int(time.time()) % 100_000)))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def run_round(db, seed: int, kill_after: float) -> tuple[list[dict], bool]:
    """Start the writer, let it run ``kill_after`` seconds after it is ready, SIGKILL it; return its reports."""
    proc = subprocess.Popen([PYTHON, str(HERE / "writer_process.py"), str(db), str(seed)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=cli_env(), cwd=str(ROOT))
    lines: list[str] = []
    ready = threading.Event()

    def read():
        for line in proc.stdout:
            if line.strip() == "ready":
                ready.set()
            elif line.endswith("\n"):  # a line cut by the kill was never fully reported
                lines.append(line)
        ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert ready.wait(30), "writer never became ready"
    time.sleep(kill_after)
    alive = proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    reader.join(10)
    err = proc.stderr.read()
    assert alive, f"the writer died on its own before the kill:\n{err}"
    assert proc.returncode == -signal.SIGKILL
    return [json.loads(line) for line in lines], alive


def check_database(db, reported: dict[str, dict]) -> None:
    assert integrity(db) == "ok"
    con = sqlite3.connect(str(db))
    try:
        incidents = {r[0]: r for r in con.execute(
            "SELECT key, id, version, title, description, status FROM incident")}
        # Every reported commit is present, with its timeline.
        for key, rep in reported.items():
            assert key in incidents, f"{key} was reported committed and is gone"
            _, inc_id, version, title, description, _ = incidents[key]
            events = con.execute("SELECT count(*) FROM event WHERE incident_id = ?", (inc_id,)).fetchone()[0]
            assert version >= rep["version"], (key, version, rep)
            assert events >= rep["events"], (key, events, rep)
            if version == rep["version"]:  # nothing newer committed after the report: exactly what was said
                assert events == rep["events"], (key, events, rep)
                assert title == rep["title"]
                assert _digest(description) == rep["desc"]
        # No half-written incident: key set, created event at version 1, one event set per version,
        # search index row present.
        for key, (_, inc_id, version, title, _, _) in incidents.items():
            assert key == f"INC-{inc_id:06d}", f"incident {inc_id} has key {key!r}: half-written insert"
            versions = [r[0] for r in con.execute(
                "SELECT DISTINCT version FROM event WHERE incident_id = ? ORDER BY version", (inc_id,))]
            assert versions == list(range(1, version + 1)), (key, version, versions)
            created = con.execute("SELECT count(*) FROM event WHERE incident_id = ? AND kind = 'created'",
                                  (inc_id,)).fetchone()[0]
            assert created == 1, key
            fts = con.execute("SELECT title FROM incident_fts WHERE rowid = ?", (inc_id,)).fetchone()
            assert fts is not None and fts[0] == title, (key, fts, title)
        orphans = con.execute("SELECT count(*) FROM event WHERE incident_id NOT IN (SELECT id FROM incident)"
                              ).fetchone()[0]
        assert orphans == 0
    finally:
        con.close()


@pytest.mark.slow
def test_sigkill_at_random_moments_never_loses_or_half_writes_an_incident(tmp_path):
    db = tmp_path / "crash.db"
    assert run_cli(db, "init").returncode == 0  # an empty desk
    rng = random.Random(SEED)
    reported: dict[str, dict] = {}
    commits = 0
    for round_no in range(ROUNDS):
        # Mostly early kills (mid-write of the first transactions), some late ones (WAL checkpoints).
        kill_after = rng.choice((rng.uniform(0.0, 0.15), rng.uniform(0.1, 0.6), rng.uniform(0.8, 1.4)))
        reports, _ = run_round(db, SEED * 100 + round_no, kill_after)
        commits += len(reports)
        for rep in reports:
            reported[rep["key"]] = rep
        try:
            check_database(db, reported)
        except AssertionError as exc:
            raise AssertionError(f"round {round_no} (seed {SEED}, killed after {kill_after:.3f} s): {exc}") from exc
    assert commits > ROUNDS, f"the writer committed only {commits} changes in {ROUNDS} rounds (seed {SEED})"
    # And the desk itself opens the crashed-into file and shows a survivor with its timeline.
    key = sorted(reported)[-1]
    shown = run_cli(db, "show", key, "--json")
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data["version"] >= reported[key]["version"]
    assert len(data["timeline"]) >= reported[key]["events"]
