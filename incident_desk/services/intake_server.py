"""The intake over HTTP: Alertmanager's webhook and the PagerDuty Events API v2, answered after the commit."""

from __future__ import annotations

import errno
import hmac
import json
import logging
import queue
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from incident_desk.domain.incident import DomainError
from incident_desk.domain.intake import MAX_BODY, PayloadError, parse_alertmanager, parse_pagerduty

log = logging.getLogger(__name__)

MAX_BATCH = 32           # requests per transaction (group commit); more only delays the first answers
MERGE_AFTER = 4          # commits (each a search-index segment) before an idle writer tries a merge step
CHECKPOINT_AFTER = 32    # commits (some forty WAL pages each) before an idle writer copies the WAL back
ANSWER_WITHIN_S = 30.0   # a request not committed by then is answered 503 (the sender retries)
TOKEN_MIN = 16
DRAIN_MAX = 8 * MAX_BODY  # a refused body up to this size is read and dropped before the 413
DEFAULT_LISTEN = "127.0.0.1:9095"


class IntakeBusy(RuntimeError):
    """Another intake already runs on this database."""


class TokenError(ValueError):
    """The token file cannot serve: missing, unreadable, or too short."""


def read_token(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            token = handle.read().strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise TokenError(f"Cannot read the token file {path}: {getattr(exc, 'strerror', None) or exc}.") from None
    if len(token) < TOKEN_MIN or any(c.isspace() for c in token) or not token.isprintable():
        raise TokenError(f"The token in {path} must be one line of at least {TOKEN_MIN} characters without spaces.")
    return token


def parse_listen(text: str) -> tuple[str, int]:
    """'HOST:PORT' or '[v6]:PORT' -> (host, port); raises ValueError with one sentence."""
    raw = (text or "").strip()
    host, sep, port = raw.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"'{text}' is not HOST:PORT, such as 127.0.0.1:9095.")
    return host.strip("[]"), int(port)


def start_error(exc: BaseException, host: str, port: int) -> str:
    """Why an intake could not start (or stopped serving), in one sentence: the CLI's stderr line and the
    window's status bar."""
    if isinstance(exc, (IntakeBusy, TokenError, ValueError)):
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    if isinstance(exc, socket.gaierror):
        return f"The host name '{host}' cannot be resolved."
    if isinstance(exc, OSError):
        if exc.errno == errno.EADDRINUSE:
            return f"{where} is already in use by another program."
        if exc.errno == errno.EACCES:
            return f"No permission to listen on port {port} (ports below 1024 need privileges)."
        if exc.errno == errno.EADDRNOTAVAIL:
            return f"{host} is not an address of this computer."
        return f"Cannot listen on {where}: {exc.strerror or exc}."
    text = str(exc).splitlines()[0].strip() if str(exc) else ""
    return text if text.endswith(".") else f"{text or type(exc).__name__}."


class _Job:
    """One request's alerts on their way to the writer. ``done`` is a lock held until the result is in: the
    handler blocks acquiring it and the writer releases it (a C-level lock, not an Event's Python
    Condition: a few tens of microseconds per request on both threads)."""

    __slots__ = ("alerts", "done", "result")

    def __init__(self, alerts: list):
        self.alerts = alerts
        self.done = threading.Lock()
        self.done.acquire()
        self.result: object = None

    def finish(self, result: object) -> None:
        self.result = result
        self.done.release()

    def wait(self, timeout: float) -> bool:
        return self.done.acquire(timeout=timeout)


@dataclass
class IntakeStats:
    """What a status bar shows: counts since start and the last alert's outcome."""

    received: int = 0
    accepted: int = 0
    refused: int = 0
    last_action: str = ""
    last_incident: str | None = None


class _Server(ThreadingHTTPServer):
    # Not daemons: server_close() waits for every request in hand to be answered.
    daemon_threads = False
    block_on_close = True
    allow_reuse_address = True
    request_queue_size = 128  # senders opening many connections at once are not dropped (a 1 s SYN retry)


class IntakeServer:
    """Serve until stop(); one writer thread commits queued requests in batches (group commit)."""

    def __init__(self, desk, *, host: str, port: int, token: str):
        from incident_desk.storage.intake_queries import IntakeLock
        self.desk = desk
        self.token = token.encode()
        self.stats = IntakeStats()
        self._claim = IntakeLock(desk.store)
        if not self._claim.acquire():
            raise IntakeBusy(f"An intake already runs on {desk.store.display_name}; one per database.")
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        self.idle: set = set()   # keep-alive connections waiting for their next request
        try:
            self.httpd = _Server((host, port), _handler_for(self))
        except OSError:
            self._claim.release()
            raise
        self._writer = threading.Thread(target=self._write_loop, name="intake-writer", daemon=True)
        desk.intake.upkeep_in_writer(True)
        self._writer.start()
        self._serving = threading.Event()

    @property
    def address(self) -> tuple[str, int]:
        return self.httpd.server_address[:2]

    def url(self) -> str:
        host, port = self.address
        return f"http://{'[' + host + ']' if ':' in host else host}:{port}"

    def serve_forever(self) -> None:
        self._serving.set()
        try:
            self.httpd.serve_forever(poll_interval=0.2)
        finally:
            self._finish()

    def stop(self) -> None:
        """Stop taking connections, answer the requests in hand, then end the writer. Any thread."""
        self.stopping.set()
        with self._lock:
            idle = list(self.idle)
        for connection in idle:  # a connection between requests ends now; one mid-request is answered first
            try:
                connection.shutdown(socket.SHUT_RD)
            except OSError:
                pass
        if self._serving.is_set():
            threading.Thread(target=self.httpd.shutdown, daemon=True).start()
        else:
            self._finish()

    def _finish(self) -> None:
        self.httpd.server_close()  # joins the handler threads: every request in hand is answered
        self._queue.put(None)
        self._writer.join(timeout=ANSWER_WITHIN_S)
        self.desk.intake.upkeep_in_writer(False)
        self._claim.release()

    # ---- the one writer -----------------------------------------------------------------------------

    def submit(self, alerts: list) -> object:
        """Queue one request's alerts and wait until they are committed; returns its outcomes or an error."""
        job = _Job(alerts)
        self._queue.put(job)
        if not job.wait(ANSWER_WITHIN_S):
            return TimeoutError("the desk did not commit in time")
        return job.result

    def _write_loop(self) -> None:
        stop = False
        unmerged = 0       # commits since a merge step last found nothing to do
        uncheckpointed = 0  # commits since the last checkpoint
        while not stop:
            # Idle moments go to upkeep, one short piece at a time, checking for requests in between: a
            # request arriving meanwhile waits for one merge step or one checkpoint of 32 commits at most.
            if unmerged >= MERGE_AFTER and self._queue.empty():
                unmerged = unmerged if self._upkeep(self.desk.intake.merge_step) else 0
                continue
            if uncheckpointed >= CHECKPOINT_AFTER and self._queue.empty():
                self._upkeep(self.desk.intake.checkpoint)
                uncheckpointed = 0
                continue
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
                batch.append(nxt)
            try:
                results = self.desk.intake.accept_batch([job.alerts for job in batch])
            except Exception as exc:  # noqa: BLE001  (a failing database answers 503; the senders retry)
                log.error("the intake could not commit %d requests: %s", len(batch), exc)
                results = [exc] * len(batch)
            for job, result in zip(batch, results):
                job.finish(result)
            unmerged += 1
            uncheckpointed += 1

    def _upkeep(self, step):
        try:
            return step()
        except Exception as exc:  # noqa: BLE001  (upkeep only: the next idle moment, or the backstop, does it)
            log.warning("the intake's database upkeep failed: %s", exc)
            return False

    def note(self, outcomes=None, refused: bool = False) -> None:
        with self._lock:
            self.stats.received += 1
            if refused:
                self.stats.refused += 1
            elif outcomes:
                self.stats.accepted += len(outcomes)
                self.stats.last_action = outcomes[-1].action
                self.stats.last_incident = outcomes[-1].incident

    def authorised(self, header: str | None, routing_key: str | None = None) -> bool:
        if header and header.startswith("Bearer "):
            if hmac.compare_digest(header[7:].strip().encode(), self.token):
                return True
        return bool(routing_key) and hmac.compare_digest(routing_key.encode(), self.token)


def _handler_for(intake: IntakeServer):
    class Handler(_Handler):
        server_intake = intake
    return Handler


class _Handler(BaseHTTPRequestHandler):
    server_version = "IncidentDeskIntake/1"
    # Keep-alive, as Alertmanager and most senders use: no connection and thread per alert.
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the second waits for a delayed ACK (40 ms).
    disable_nagle_algorithm = True
    server_intake: IntakeServer
    timeout = 60  # an idle or stalled connection does not hold a thread forever

    def handle_one_request(self) -> None:
        intake = self.server_intake
        if intake.stopping.is_set():
            self.close_connection = True
            return
        with intake._lock:
            intake.idle.add(self.connection)
        try:
            self.raw_requestline = self.rfile.readline(65537)
        finally:
            with intake._lock:
                intake.idle.discard(self.connection)
        if not self.raw_requestline or len(self.raw_requestline) > 65536:
            self.close_connection = True
            return
        if not self.parse_request():
            return
        method = getattr(self, "do_" + self.command, None)
        if method is None:
            self.send_error(501, f"Unsupported method ({self.command!r})")
            return
        method()
        self.wfile.flush()
        if intake.stopping.is_set():
            self.close_connection = True

    def log_request(self, code="-", size="-") -> None:
        pass  # one line per alert would be most of the log; refusals are counted in the stats

    def log_message(self, format, *args):  # noqa: A002  (BaseHTTPRequestHandler's signature)
        log.debug("%s " + format, self.address_string(), *args)

    def _answer(self, code: int, data: dict) -> None:
        body = json.dumps(data).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if code >= 400 or self.server_intake.stopping.is_set():
            # A refused body may not have been read: the connection cannot carry another request.
            self.send_header("Connection", "close")
            self.close_connection = True
        # Headers and body leave in one write (end_headers() would send the headers alone first).
        self._headers_buffer.extend((b"\r\n", body))
        self.flush_headers()

    def _refuse(self, code: int, reason: str) -> None:
        self.server_intake.note(refused=True)
        status = {400: "invalid event", 401: "unauthorized", 413: "request too large"}.get(code, "error")
        self._answer(code, {"status": status, "message": reason.splitlines()[0][:300], "errors": [reason[:300]]})

    def do_GET(self) -> None:  # noqa: N802  (http.server's name)
        if urlsplit(self.path).path in ("/health", "/-/healthy"):
            self._answer(200, {"status": "ok"})
        else:
            self._answer(404, {"status": "not found", "message": "POST /alertmanager or /v2/enqueue."})

    def do_POST(self) -> None:  # noqa: N802
        path = urlsplit(self.path).path.rstrip("/")
        if path not in ("/alertmanager", "/v2/enqueue"):
            self._refuse(404, "Unknown path; POST /alertmanager or /v2/enqueue.")
            return
        raw_length = self.headers.get("Content-Length")
        if raw_length is None or not raw_length.strip().isdigit():
            self._refuse(411 if raw_length is None else 400, "A Content-Length header is required.")
            return
        length = int(raw_length)
        if length > MAX_BODY:
            if length <= DRAIN_MAX:  # read what was sent, so the sender sees the answer, not a reset
                left = length
                while left > 0:
                    chunk = self.rfile.read(min(65536, left))
                    if not chunk:
                        break
                    left -= len(chunk)
            self._refuse(413, f"The body is {length} bytes; the limit is {MAX_BODY} (1 MiB).")
            return
        body = self.rfile.read(length)
        intake = self.server_intake
        header = self.headers.get("Authorization")
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            if not intake.authorised(header):
                self._refuse(401, "A valid token is required (Authorization: Bearer TOKEN or routing_key).")
            else:
                self._refuse(400, f"The body is not JSON: {str(exc).splitlines()[0]}.")
            return
        routing_key = payload.get("routing_key") if isinstance(payload, dict) and path == "/v2/enqueue" else None
        if not intake.authorised(header, routing_key if isinstance(routing_key, str) else None):
            self._refuse(401, "A valid token is required (Authorization: Bearer TOKEN or routing_key).")
            return
        try:
            if path == "/alertmanager":
                alerts = parse_alertmanager(payload)
            else:
                alert, _ = parse_pagerduty(payload)
                alerts = [alert]
        except (PayloadError, DomainError) as exc:
            self._refuse(400, str(exc))
            return
        result = intake.submit(alerts)
        if isinstance(result, DomainError):
            self._refuse(400, str(result))
            return
        if isinstance(result, BaseException):
            self._refuse(503, "The desk could not store the alert now; try again.")
            return
        intake.note(result)
        if path == "/alertmanager":
            self._answer(200, {"status": "success", "alerts": [o.to_dict() for o in result]})
        else:
            self._answer(202, {"status": "success", "message": "Event processed", "dedup_key": alerts[0].key})
