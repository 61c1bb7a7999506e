"""The real `incident-desk intake` process on a free loopback port, spoken to over HTTP."""

from __future__ import annotations

import http.client
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from incident_desk.services.desk import Desk

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "intake"
TOKEN = "test-token-7f3a9c21d4e8b6a0"


def start(db: Path, token_file: Path) -> tuple[subprocess.Popen, int]:
    if not db.exists():
        Desk.open(str(db)).close()  # the intake serves a desk; it makes none at a path it is given
    proc = subprocess.Popen([sys.executable, "-m", "incident_desk", "--db", f"sqlite:///{db}", "intake",
                             "--listen", "127.0.0.1:0", "--token-file", str(token_file)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(ROOT),
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    line = proc.stdout.readline()
    assert line.startswith("Listening on http://127.0.0.1:"), line + proc.stderr.read()
    return proc, int(line.split("http://127.0.0.1:")[1].split()[0])


@pytest.fixture
def intake(tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    db = tmp_path / "desk.db"
    proc, port = start(db, token_file)
    yield proc, port, db
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def post(port: int, path: str, body: bytes, headers: dict | None = None) -> tuple[int, dict]:
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        con.request("POST", path, body, {"Content-Type": "application/json", **(headers or {})})
        resp = con.getresponse()
        return resp.status, json.loads(resp.read() or b"{}")
    finally:
        con.close()


def count(db: Path, sql: str = "SELECT COUNT(*) FROM incident") -> int:
    con = sqlite3.connect(str(db))
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


BEARER = {"Authorization": f"Bearer {TOKEN}"}


def fixture_bytes(name: str, **replace) -> bytes:
    data = json.loads((FIXTURES / name).read_text())
    data.update(replace)
    return json.dumps(data).encode()


def test_refused_requests_write_nothing_and_say_why(intake):
    proc, port, db = intake
    am = fixture_bytes("am_firing.json")
    assert post(port, "/alertmanager", am)[0] == 401
    assert post(port, "/alertmanager", am, {"Authorization": "Bearer wrong-token-000000000"})[0] == 401
    assert post(port, "/v2/enqueue", fixture_bytes("pd_trigger.json", routing_key="wrong"))[0] == 401
    assert post(port, "/v2/enqueue", b"{not json")[0] == 401      # no token in a body that does not parse
    status, answer = post(port, "/alertmanager", b"{not json", BEARER)
    assert status == 400 and answer["message"].startswith("The body is not JSON")
    status, answer = post(port, "/alertmanager", b'{"version": "4", "alerts": []}', BEARER)
    assert (status, answer["message"]) == (400, "alerts must be a non-empty list.")
    assert "\n" not in answer["message"]
    status, answer = post(port, "/alertmanager", b"[" + b" " * (1024 * 1024) + b"]", BEARER)
    assert status == 413
    assert count(db) == 0
    assert count(db, "SELECT COUNT(*) FROM alert_key") == 0


def test_both_shapes_over_http_and_a_clean_stop(intake):
    proc, port, db = intake
    status, answer = post(port, "/alertmanager", fixture_bytes("am_firing.json"), BEARER)
    assert status == 200 and [a["action"] for a in answer["alerts"]] == ["opened"]
    status, answer = post(port, "/v2/enqueue", fixture_bytes("pd_trigger.json", routing_key=TOKEN))
    assert (status, answer) == (202, {"status": "success", "message": "Event processed", "dedup_key": "srv-42/cpu"})
    status, _ = post(port, "/v2/enqueue", fixture_bytes("pd_trigger.json", routing_key=TOKEN))
    assert status == 202
    assert count(db) == 2
    assert count(db, "SELECT fired FROM alert_key WHERE dedup_key = 'pagerduty:srv-42/cpu'") == 2
    status, _ = post(port, "/alertmanager", fixture_bytes("am_resolved.json"), BEARER)
    assert status == 200
    assert count(db, "SELECT status FROM incident WHERE id = 1") == 50
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    assert "Stopped: 4 alerts taken" in proc.stderr.read()


def test_sigterm_answers_the_request_in_hand(intake):
    """A request whose body is still arriving when SIGTERM comes is read, committed and answered."""
    proc, port, db = intake
    body = fixture_bytes("pd_trigger.json", routing_key=TOKEN)
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    con.putrequest("POST", "/v2/enqueue")
    con.putheader("Content-Type", "application/json")
    con.putheader("Content-Length", str(len(body)))
    con.endheaders()
    con.send(body[:20])
    time.sleep(0.3)
    proc.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    con.send(body[20:])
    resp = con.getresponse()
    assert resp.status == 202
    assert proc.wait(timeout=30) == 0
    assert count(db) == 1


def test_sigkill_mid_load_loses_no_alert_answered_2xx(intake):
    proc, port, db = intake
    answered: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def sender(worker: int):
        n = 0
        while not stop.is_set():
            key = f"kill-{worker}-{n}"
            n += 1
            body = json.dumps({"routing_key": TOKEN, "event_action": "trigger", "dedup_key": key,
                               "payload": {"summary": f"alert {key}", "source": "load", "severity": "warning"}})
            try:
                status, _ = post(port, "/v2/enqueue", body.encode())
            except (OSError, http.client.HTTPException, ValueError):
                return   # the process is gone: this one was never answered
            if status == 202:
                with lock:
                    answered.append(key)

    threads = [threading.Thread(target=sender, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while len(answered) < 300 and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.kill()   # SIGKILL while the senders are still sending
    proc.wait()
    stop.set()
    for t in threads:
        t.join()
    assert len(answered) >= 300
    con = sqlite3.connect(str(db))
    try:
        stored = {k for (k,) in con.execute("SELECT dedup_key FROM alert_key")}
    finally:
        con.close()
    missing = [k for k in answered if f"pagerduty:{k}" not in stored]
    assert missing == []


def _search_segments(con: sqlite3.Connection) -> int:
    # FTS5 keeps each segment's pages under ids whose bits from 37 up are the segment's number.
    return len({row[0] >> 37 for row in con.execute("SELECT id FROM incident_fts_data WHERE id > 10")})


def test_the_writer_keeps_the_wal_short_and_the_search_index_folded(intake):
    # Each new incident is a commit of some forty pages and one search-index segment. The intake's writer
    # copies the WAL back and merges the segments itself between commits (the upkeep thread leaves it to
    # it): after 240 commits the WAL holds a few dozen commits' pages (5 MB measured) and the index six
    # segments; left to the upkeep thread, as before, they were 35 MB and 51 segments at this point.
    proc, port, db = intake
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for n in range(240):
        body = json.dumps({"routing_key": TOKEN, "event_action": "trigger", "dedup_key": f"upkeep-{n}",
                           "payload": {"summary": f"disk {n} full on db-{n % 7}", "source": f"db-{n % 7}",
                                       "severity": "warning"}}).encode()
        con.request("POST", "/v2/enqueue", body, {"Content-Type": "application/json"})
        resp = con.getresponse()
        resp.read()
        assert resp.status == 202
    con.close()
    time.sleep(0.2)  # the writer's last idle moment: its upkeep after the last commit
    wal = db.with_name(db.name + "-wal")
    raw = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        assert raw.execute("SELECT COUNT(*) FROM incident").fetchone()[0] == 240
        segments = _search_segments(raw)
        found = raw.execute("SELECT COUNT(*) FROM incident_fts WHERE incident_fts MATCH 'full'").fetchone()[0]
    finally:
        raw.close()
    assert wal.stat().st_size < 12 * 1024 * 1024
    assert segments <= 16
    assert found == 240
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
