"""Benchmark: the alert intake process at 500 alerts/s over HTTP, beside a bare HTTP server measured in the same run."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench import report
from bench.timing import percentile

GROUP = "intake"
RATE = 500                 # alerts per second, one alert per request (the worst case: no batching by the sender)
TOKEN = "bench-token-0123456789abcdef"
CLIENTS = 16               # concurrent senders (Alertmanager and Grafana send in parallel too)


def alert_body(n: int) -> bytes:
    """Four in five alerts are new, one in five fires again: most requests open an incident."""
    key = f"bench-{n}" if n % 5 else f"bench-{n - 1}"
    return json.dumps({"routing_key": TOKEN, "event_action": "trigger", "dedup_key": key,
                       "payload": {"summary": f"Latency high on api-{n % 97}", "source": f"api-{n % 97}",
                                   "severity": ("critical", "error", "warning", "info")[n % 4],
                                   "custom_details": {"service": "api", "team": "ops"}}}).encode()


def drive(port: int, seconds: float, rate: int = RATE) -> dict:
    """Open-loop load: request n is due at start + n / rate, whoever is free sends it; latency is from
    the moment it was due (so a server that falls behind is charged for the queue it builds)."""
    total = int(seconds * rate)
    lock = threading.Lock()
    state = {"next": 0}
    latencies: list[float] = []
    failures: list[str] = []
    start = time.perf_counter() + 0.2

    def worker():
        con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                n = state["next"]
                if n >= total:
                    return
                state["next"] += 1
            due = start + n / rate
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            try:
                # One kept-alive connection per sender, as Alertmanager holds its connections open.
                con.request("POST", "/v2/enqueue", alert_body(n), {"Content-Type": "application/json"})
                resp = con.getresponse()
                resp.read()
                if resp.status != 202:
                    failures.append(str(resp.status))
                    continue
            except (OSError, http.client.HTTPException) as exc:
                failures.append(type(exc).__name__)
                con.close()
                continue
            with lock:
                latencies.append((time.perf_counter() - due) * 1000)

    threads = [threading.Thread(target=worker) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    return {"latencies": latencies, "failures": failures, "rate": len(latencies) / elapsed if elapsed > 0 else 0}


class _Bare(BaseHTTPRequestHandler):
    """The floor: read the body, parse the JSON, answer 202. Everything but the desk."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        data = json.loads(body)
        out = json.dumps({"status": "success", "message": "Event processed", "dedup_key": data["dedup_key"]}).encode()
        self.send_response(202)
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


def start_intake(db: Path, token_file: Path) -> tuple[subprocess.Popen, int]:
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen([sys.executable, "-m", "incident_desk", "--db", f"sqlite:///{db}", "intake", "--listen",
                             "127.0.0.1:0", "--token-file", str(token_file)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=str(root),
                            env={**os.environ, "PYTHONPATH": str(root)})
    line = proc.stdout.readline()
    if "Listening on" not in line:
        proc.kill()
        raise RuntimeError(f"the intake did not start: {line or proc.stderr.read()}")
    return proc, int(line.split("http://127.0.0.1:")[1].split()[0])


def run_all(*, quick: bool = False) -> list[dict]:
    seconds = 5.0 if quick else 20.0
    with tempfile.TemporaryDirectory() as tmp:
        ThreadingHTTPServer.request_queue_size = 128
        bare = ThreadingHTTPServer(("127.0.0.1", 0), _Bare)
        threading.Thread(target=bare.serve_forever, daemon=True).start()
        floor = drive(bare.server_address[1], seconds)
        bare.shutdown()
        bare.server_close()
        token = Path(tmp) / "token"
        token.write_text(TOKEN)
        db = Path(tmp) / "intake.db"
        proc, port = start_intake(db, token)
        try:
            got = drive(port, seconds)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    p99 = percentile(got["latencies"], 99) if got["latencies"] else None
    floor_p99 = percentile(floor["latencies"], 99) if floor["latencies"] else None
    note = f"{len(got['latencies'])} alerts over {seconds:.0f} s, {CLIENTS} senders; {len(got['failures'])} failed"
    return [
        report.row(f"intake: p99 acceptance at {RATE} alerts/s (SQLite)", group=GROUP, median=p99,
                   min=min(got["latencies"], default=None), max=max(got["latencies"], default=None),
                   n=len(got["latencies"]), raw=floor_p99, target="p99 <= 50 ms",
                   checks={"max_median": 50}, note=note + "; raw = the same load on a bare HTTP server"),
        report.row("intake: alerts accepted per second", group=GROUP, unit="/s", median=got["rate"],
                   raw=floor["rate"], target=f">= {RATE * 0.98:.0f}/s", checks={"min_median": RATE * 0.98},
                   higher_is_better=True,
                   note=f"offered {RATE}/s; failures {len(got['failures'])}" if not got["failures"] else
                   f"failures: {', '.join(sorted(set(got['failures'])))}"),
    ]


if __name__ == "__main__":
    print(report.text_table(run_all(quick="--quick" in sys.argv)))
