"""Pytest fixtures that stand up a private little desktop for real system-tray tests.

What one ``TrayDesktop`` owns (all private to the test run, all stopped at the end):

* an X display: ``$DISPLAY`` if set (``xvfb-run -a``), otherwise an ``Xvfb`` it starts;
* a private D-Bus session bus (its own ``dbus-daemon`` with no service activation, so a
  developer's real notification daemon or tray is never touched, even when the run is
  already inside ``dbus-run-session`` or a desktop session);
* ``fake_sni_watcher.py``: owns ``org.kde.StatusNotifierWatcher`` and says a host is
  registered, which makes Qt use its StatusNotifierItem tray backend (``QDBusTrayIcon``);
* python-dbusmock's ``notification_daemon`` template: owns
  ``org.freedesktop.Notifications`` and records every ``Notify`` call.

The D-Bus services run under Debian's system Python (``/usr/bin/python3`` with the
``python3-dbusmock``, ``python3-dbus`` and ``python3-gi`` packages), never in the venv;
``INCIDENT_DESK_SYSTEM_PYTHON`` overrides the interpreter. The Qt code under test must run
in a subprocess with ``QT_QPA_PLATFORM=xcb`` (``TrayDesktop.env`` / ``TrayDesktop.launch``),
because other tests run the pytest process itself on the ``offscreen`` platform, which has
no tray at all.

Use from a test module::

    from tray_harness import tray, tray_desktop  # noqa: F401  (fixtures)

    @pytest.mark.tray
    def test_something(tray):
        with tray.launch([sys.executable, "-m", "incident_desk"]) as app:
            tray.wait_for_tray_item(process=app)
            call = tray.wait_for_notify(summary_contains="INC-000042", process=app)

Off Linux the fixtures skip; on Linux a missing tool is an error, never a skip, so CI
cannot pass without really running the test.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
WATCHER_SCRIPT = HERE / "fake_sni_watcher.py"
SYSTEM_PYTHON = os.environ.get("INCIDENT_DESK_SYSTEM_PYTHON", "/usr/bin/python3")
KEEP_LOGS = os.environ.get("INCIDENT_DESK_KEEP_TRAY_LOGS", "") not in ("", "0")

NOTIFY_NAME = "org.freedesktop.Notifications"
NOTIFY_PATH = "/org/freedesktop/Notifications"
WATCHER_NAME = "org.kde.StatusNotifierWatcher"
NOTIFY_FIELDS = ("app_name", "replaces_id", "app_icon", "summary", "body", "actions",
                 "hints", "expire_timeout")

# The apt packages each missing piece comes from, for error messages.
APT_HINT = ("apt-get install -y xvfb xauth dbus python3-dbusmock python3-dbus python3-gi "
            "libglib2.0-bin libxcb-cursor0 libxkbcommon-x11-0 (see .ci/run)")

# Runs under the system Python: small D-Bus chores the venv cannot do (no dbus-python).
_BUS_TOOL = r'''
import json, sys, time
import dbus

def plain(v):
    if isinstance(v, (dbus.ByteArray, bytes)):
        return {"bytes": len(v)}
    if isinstance(v, dbus.Boolean):
        return bool(v)
    if isinstance(v, (dbus.Byte, dbus.Int16, dbus.Int32, dbus.Int64,
                      dbus.UInt16, dbus.UInt32, dbus.UInt64)):
        return int(v)
    if isinstance(v, dbus.Double):
        return float(v)
    if isinstance(v, str):
        return str(v)
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    return v

command, args = sys.argv[1], sys.argv[2:]
bus = dbus.SessionBus()
if command == "wait-names":
    deadline = time.monotonic() + float(args[0])
    names = args[1:]
    while True:
        missing = [n for n in names if not bus.name_has_owner(n)]
        if not missing:
            sys.exit(0)
        if time.monotonic() > deadline:
            print("not on the bus: " + " ".join(missing))
            sys.exit(1)
        time.sleep(0.05)
elif command == "calls":
    dest, path, method = args
    mock = dbus.Interface(bus.get_object(dest, path), "org.freedesktop.DBus.Mock")
    calls = mock.GetMethodCalls(method, byte_arrays=True)
    print(json.dumps([{"timestamp": int(ts), "args": plain(a)} for ts, a in calls]))
elif command == "clear":
    dest, path = args
    dbus.Interface(bus.get_object(dest, path), "org.freedesktop.DBus.Mock").ClearCalls()
else:
    sys.exit("unknown command " + command)
'''

_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={socket_dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


class TrayHarnessError(RuntimeError):
    """The private desktop could not be started or did not answer."""


def _require_tool(path_or_name: str, what: str) -> str:
    found = shutil.which(path_or_name)
    if not found:
        raise TrayHarnessError(f"{what}: {path_or_name!r} not found; {APT_HINT}")
    return found


def _read_line(stream, timeout: float, what: str) -> str:
    """One line from a pipe, or an error after ``timeout`` seconds."""
    ready, _, _ = select.select([stream], [], [], timeout)
    if not ready:
        raise TrayHarnessError(f"{what}: no answer within {timeout:.0f}s")
    line = stream.readline()
    if isinstance(line, bytes):
        line = line.decode()
    if not line:
        raise TrayHarnessError(f"{what}: exited before answering")
    return line.strip()


def _stop(process: subprocess.Popen | None, timeout: float = 5.0) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout)


def _tail(path: Path, limit: int = 4000) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return text[-limit:]


class QtProcess:
    """A Qt program under test, started inside the private desktop; stop it with ``stop()``.

    Its stdin is a pipe: closing it (what ``stop()`` does first) is a polite "please quit"
    for test scripts that wait on stdin; the real app simply gets SIGTERM after a grace.
    """

    def __init__(self, args: Sequence[str], *, env: dict, workdir: Path, name: str,
                 cwd: str | os.PathLike | None = None):
        self.args = list(args)
        self.grace = 5.0
        self.stdout_path = workdir / f"{name}.stdout"
        self.stderr_path = workdir / f"{name}.stderr"
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.popen = subprocess.Popen(self.args, env=env, cwd=cwd, stdin=subprocess.PIPE,
                                          stdout=out, stderr=err)

    @property
    def returncode(self) -> int | None:
        return self.popen.poll()

    def output(self) -> str:
        return (f"--- stdout of {self.args}\n{_tail(self.stdout_path)}"
                f"--- stderr\n{_tail(self.stderr_path)}")

    def stop(self, grace: float = 5.0) -> int:
        """Close stdin, wait ``grace`` seconds, then SIGTERM, then SIGKILL."""
        if self.popen.stdin and not self.popen.stdin.closed:
            try:
                self.popen.stdin.close()
            except BrokenPipeError:
                pass
        try:
            return self.popen.wait(grace)
        except subprocess.TimeoutExpired:
            _stop(self.popen)
            return self.popen.returncode

    def __enter__(self) -> QtProcess:
        return self

    def __exit__(self, *exc) -> None:
        self.stop(self.grace)


@dataclass
class TrayDesktop:
    """A running private desktop; see the module docstring."""

    workdir: Path
    address: str
    display: str
    env: dict
    _processes: list = field(default_factory=list)
    _since: float = 0.0
    _launched: int = 0

    # --- starting and stopping ----------------------------------------------------------

    @classmethod
    def start(cls, workdir: Path) -> TrayDesktop:
        desktop = cls(workdir=workdir, address="", display="", env={})
        try:
            desktop._start()
        except BaseException:
            desktop.close()
            raise
        return desktop

    def _spawn(self, name: str, args: list, env: dict | None = None, **kwargs):
        out = open(self.workdir / f"{name}.log", "wb")
        process = subprocess.Popen(args, stdout=kwargs.pop("stdout", out), stderr=out,
                                   stdin=subprocess.DEVNULL, env=env, **kwargs)
        out.close()
        self._processes.append((name, process))
        return process

    def _start(self) -> None:
        system_python = _require_tool(SYSTEM_PYTHON, "system Python for dbusmock")
        dbus_daemon = _require_tool("dbus-daemon", "D-Bus daemon")
        check = subprocess.run([system_python, "-c", "import dbus, dbusmock, gi"],
                               capture_output=True, text=True)
        if check.returncode != 0:
            raise TrayHarnessError(f"{system_python} lacks dbus/dbusmock/gi "
                                   f"({check.stderr.strip().splitlines()[-1:]}); {APT_HINT}")

        # X display: reuse xvfb-run's, otherwise start our own Xvfb on a free display.
        self.display = os.environ.get("DISPLAY", "")
        if not self.display:
            xvfb = _require_tool("Xvfb", "X virtual framebuffer")
            read_fd, write_fd = os.pipe()
            self._spawn("xvfb", [xvfb, "-displayfd", str(write_fd), "-screen", "0",
                                 "1280x800x24", "-nolisten", "tcp", "-noreset"],
                        pass_fds=(write_fd,))
            os.close(write_fd)
            with os.fdopen(read_fd) as pipe:
                self.display = ":" + _read_line(pipe, 15, "Xvfb -displayfd")

        # Private session bus: our own config, a socket in our temp dir, no activation.
        socket_dir = self.workdir / "bus"
        socket_dir.mkdir()
        config = self.workdir / "session-bus.conf"
        config.write_text(_BUS_CONFIG.format(socket_dir=socket_dir))
        bus = self._spawn("dbus-daemon", [dbus_daemon, f"--config-file={config}",
                                          "--nofork", "--print-address=1"],
                          stdout=subprocess.PIPE)
        self.address = _read_line(bus.stdout, 15, "dbus-daemon --print-address")
        bus.stdout.close()

        runtime_dir = self.workdir / "runtime"
        runtime_dir.mkdir(mode=0o700)
        env = dict(os.environ)
        env.pop("WAYLAND_DISPLAY", None)
        env.update({
            "DBUS_SESSION_BUS_ADDRESS": self.address,
            "DISPLAY": self.display,
            "QT_QPA_PLATFORM": "xcb",
            "XDG_RUNTIME_DIR": str(runtime_dir),
            "NO_AT_BRIDGE": "1",
        })
        self.env = env

        self._spawn("fake-sni-watcher", [system_python, str(WATCHER_SCRIPT),
                                         "--state-file", str(self.state_file)], env=env)
        self._spawn("dbusmock-notifications",
                    [system_python, "-m", "dbusmock", "--template", "notification_daemon",
                     "-l", str(self.workdir / "notifications-calls.log")], env=env)
        self._bus_tool("wait-names", "20", WATCHER_NAME, NOTIFY_NAME, timeout=30)

    def close(self) -> None:
        for _name, process in reversed(self._processes):
            _stop(process)
        self._processes.clear()
        if not KEEP_LOGS:
            shutil.rmtree(self.workdir, ignore_errors=True)

    # --- plumbing -------------------------------------------------------------------------

    @property
    def state_file(self) -> Path:
        return self.workdir / "sni-watcher.json"

    def _bus_tool(self, *args: str, timeout: float = 15) -> str:
        for name, process in self._processes:
            if process.poll() is not None:
                raise TrayHarnessError(
                    f"{name} exited with {process.returncode}\n{self.diagnostics()}")
        try:
            result = subprocess.run([SYSTEM_PYTHON, "-c", _BUS_TOOL, *args], env=self.env,
                                    capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise TrayHarnessError(f"D-Bus helper {args[0]} hung\n{self.diagnostics()}") from None
        if result.returncode != 0:
            raise TrayHarnessError(f"D-Bus helper {args[0]} failed: {result.stdout}"
                                   f"{result.stderr}\n{self.diagnostics()}")
        return result.stdout

    def diagnostics(self) -> str:
        """Logs of the helper processes, for assertion messages."""
        parts = [f"workdir={self.workdir} DISPLAY={self.display} bus={self.address}"]
        for log in sorted(self.workdir.glob("*.log")) + sorted(self.workdir.glob("*.std*")):
            parts.append(f"--- {log.name}\n{_tail(log, 2000)}")
        return "\n".join(parts)

    # --- what tests use ---------------------------------------------------------------

    def reset(self) -> None:
        """Forget recorded Notify calls and tray items (start of each test)."""
        self._bus_tool("clear", NOTIFY_NAME, NOTIFY_PATH)
        self._since = time.time()

    def get_notify_calls(self) -> list[dict]:
        """Every org.freedesktop.Notifications.Notify call since ``reset()``, oldest first.

        Each is ``{"timestamp", "app_name", "replaces_id", "app_icon", "summary", "body",
        "actions", "hints", "expire_timeout"}``; byte arrays in hints (image data) are
        given as ``{"bytes": length}``.
        """
        raw = json.loads(self._bus_tool("calls", NOTIFY_NAME, NOTIFY_PATH, "Notify"))
        return [{"timestamp": call["timestamp"], **dict(zip(NOTIFY_FIELDS, call["args"]))}
                for call in raw]

    def registered_tray_items(self, *, current_only: bool = False) -> list[dict]:
        """Items that registered with the watcher since ``reset()``.

        Each record has ``entry`` ("service/path"), ``service``, ``sender``,
        ``registered_at``, ``unregistered_at`` (None while the item is alive) and
        ``properties``: the item's own org.kde.StatusNotifierItem properties (Id, Title,
        Status, IconPixmap as ``[width, height, {"bytes": n}]``, ToolTip, ...), read back
        the way a tray host would, or None if they could not be read yet.
        """
        try:
            state = json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return []
        items = [item for item in state["items"] if item["registered_at"] >= self._since]
        if current_only:
            items = [item for item in items if item["unregistered_at"] is None]
        return items

    def wait_for(self, probe: Callable[[], object], *, timeout: float, what: str,
                 process: QtProcess | None = None, interval: float = 0.1):
        """Poll ``probe`` until it returns something truthy; fail with logs otherwise.

        With ``process``, stop early (and show its output) if that process dies first.
        """
        deadline = time.monotonic() + timeout
        while True:
            value = probe()
            if value:
                return value
            if process is not None and process.returncode is not None:
                value = probe()  # it may have sent the last message just before exiting
                if value:
                    return value
                raise AssertionError(f"{what}: process exited with {process.returncode} "
                                     f"first\n{process.output()}\n{self.diagnostics()}")
            if time.monotonic() > deadline:
                extra = process.output() if process is not None else ""
                raise AssertionError(f"{what}: not seen within {timeout:.0f}s\n{extra}\n"
                                     f"{self.diagnostics()}")
            time.sleep(interval)

    def wait_for_tray_item(self, *, timeout: float = 15.0, with_icon: bool = True,
                           process: QtProcess | None = None) -> dict:
        """The first item that registered and (by default) exported a non-empty icon."""
        def probe():
            for item in self.registered_tray_items():
                props = item.get("properties") or {}
                if not with_icon or props.get("IconPixmap") or props.get("IconName"):
                    return item
            return None
        return self.wait_for(probe, timeout=timeout, what="tray item registration",
                             process=process)

    def wait_for_notify(self, *, summary: str | None = None, body: str | None = None,
                        summary_contains: str | None = None, timeout: float = 15.0,
                        process: QtProcess | None = None) -> dict:
        """The first Notify call matching every given condition."""
        def matches(call):
            return ((summary is None or call["summary"] == summary)
                    and (body is None or call["body"] == body)
                    and (summary_contains is None or summary_contains in call["summary"]))

        def probe():
            return next((call for call in self.get_notify_calls() if matches(call)), None)
        return self.wait_for(probe, timeout=timeout, process=process,
                             what=f"Notify(summary={summary or summary_contains!r}, "
                                  f"body={body!r})")

    def launch(self, args: Sequence[str], *, env: dict | None = None,
               cwd: str | os.PathLike | None = None, grace: float = 5.0) -> QtProcess:
        """Start a Qt program on this desktop (xcb, private bus); use as a context manager.

        The program gets fresh XDG config/data/cache/state dirs of its own (so it never
        reads or writes a developer's real settings or database) unless ``env`` names
        others. On leaving the ``with`` block its stdin is closed, then after ``grace``
        seconds it gets SIGTERM.
        """
        self._launched += 1
        name = f"qt-{self._launched}"
        home = self.workdir / name
        merged = dict(self.env)
        for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"),
                         ("XDG_CACHE_HOME", "cache"), ("XDG_STATE_HOME", "state")):
            (home / sub).mkdir(parents=True, exist_ok=True)
            merged[var] = str(home / sub)
        merged.update(env or {})
        process = QtProcess(args, env=merged, workdir=self.workdir, cwd=cwd, name=name)
        process.grace = grace
        return process


_ACTIVE: TrayDesktop | None = None


def _active() -> TrayDesktop:
    if _ACTIVE is None:
        raise RuntimeError("no tray desktop is running; use the `tray` fixture")
    return _ACTIVE


def get_notify_calls() -> list[dict]:
    """Notify calls recorded by the running test's dbusmock daemon (see TrayDesktop)."""
    return _active().get_notify_calls()


def registered_tray_items() -> list[dict]:
    """Tray items the running test's fake watcher has seen (see TrayDesktop)."""
    return _active().registered_tray_items()


@pytest.fixture(scope="session")
def tray_desktop() -> Iterator[TrayDesktop]:
    """One private desktop (display, bus, watcher, notification daemon) per test session."""
    if not sys.platform.startswith("linux"):
        pytest.skip("tray tests need Linux (Xvfb, D-Bus StatusNotifierItem, dbusmock)")
    workdir = Path(tempfile.mkdtemp(prefix="incident-desk-tray-"))
    problem = None
    try:
        desktop = TrayDesktop.start(workdir)
    except TrayHarnessError as error:
        problem = str(error)
    if problem is not None:  # outside `except`, so pytest shows one clean message
        if not KEEP_LOGS:
            shutil.rmtree(workdir, ignore_errors=True)
        pytest.fail(f"tray test environment did not start: {problem}", pytrace=False)
    try:
        yield desktop
    finally:
        desktop.close()


@pytest.fixture
def tray(tray_desktop: TrayDesktop, monkeypatch: pytest.MonkeyPatch) -> Iterator[TrayDesktop]:
    """The session's desktop with call/item records cleared and the private bus exported."""
    global _ACTIVE
    tray_desktop.reset()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", tray_desktop.address)
    _ACTIVE = tray_desktop
    try:
        yield tray_desktop
    finally:
        _ACTIVE = None
