"""A real Prometheus Alertmanager (Debian's prometheus-alertmanager) delivering to the real intake process."""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
import subprocess
import time
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest

from tests.integration.test_intake_http import TOKEN, start

AM_BINARY = "prometheus-alertmanager"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what: str, fn, expected, timeout: float = 60.0):
    """Poll until ``fn()`` returns exactly ``expected``; fail naming the last value seen."""
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        value = fn()
        if value == expected:
            return value
        time.sleep(0.2)
    raise AssertionError(f"{what}: expected {expected!r}, last saw {value!r}")


def query(db, sql):
    con = sqlite3.connect(str(db))
    try:
        return con.execute(sql).fetchall()
    except sqlite3.OperationalError:
        return None   # the intake has not made its schema yet
    finally:
        con.close()


@pytest.fixture
def alertmanager(tmp_path):
    """The intake process and an Alertmanager whose webhook receiver points at it with the bearer token."""
    binary = shutil.which(AM_BINARY) or shutil.which("alertmanager")
    assert binary, "prometheus-alertmanager is not installed (apt-get install prometheus-alertmanager)"
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    db = tmp_path / "desk.db"
    intake, port = start(db, token_file)
    am_port = free_port()
    config = tmp_path / "alertmanager.yml"
    config.write_text(f"""
route:
  receiver: incident-desk
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: incident-desk
    webhook_configs:
      - url: http://127.0.0.1:{port}/alertmanager
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials_file: {token_file}
""")
    am = subprocess.Popen([binary, f"--config.file={config}", f"--storage.path={tmp_path / 'am-data'}",
                           f"--web.listen-address=127.0.0.1:{am_port}", "--cluster.listen-address=",
                           "--log.level=warn"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{am_port}"
    wait_for("Alertmanager ready", lambda: _ready(base), True, timeout=30)
    yield base, db
    for proc in (am, intake):
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _ready(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/-/ready", timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False


def push(base: str, alerts: list[dict]) -> None:
    req = urllib.request.Request(f"{base}/api/v2/alerts", data=json.dumps(alerts).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200


def test_alertmanager_opens_groups_and_resolves_an_incident(alertmanager):
    base, db = alertmanager
    now = datetime.now(UTC)
    alerts = [{"labels": {"alertname": "InstanceDown", "instance": f"web-{i}", "severity": "critical",
                          "job": "node"},
               "annotations": {"summary": f"web-{i} is down", "description": "No scrape for 1 minute."},
               "startsAt": now.isoformat(), "generatorURL": "http://prometheus.example/graph"} for i in range(3)]
    push(base, alerts)
    # One group (alertname) of three alerts: one incident, three alert keys, P1 from the monitoring channel.
    wait_for("alerts stored", lambda: query(db, "SELECT COUNT(*) FROM alert_key"), [(3,)])
    assert query(db, "SELECT COUNT(*), MIN(priority), MIN(channel), MIN(status) FROM incident") == [
        (1, 1, "monitoring", 10)]
    # All three recover: Alertmanager sends them resolved and the incident is resolved by monitoring.
    ended = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    push(base, [{**a, "endsAt": ended} for a in alerts])
    wait_for("incident resolved by monitoring", lambda: query(db, "SELECT status, resolution_code FROM incident"),
             [(50, "recovered (monitoring)")])
