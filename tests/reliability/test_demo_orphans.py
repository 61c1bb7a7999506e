"""A killed `demo` takes its helper processes with it, and whoever reads its output sees the end of it.

A real demo large enough to start its row-making helper, in a session of its own so every process it
starts shares its process group; the parent is killed with SIGKILL (no clean-up runs) or SIGTERM.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.reliability.reliability_tools import PYTHON, ROOT, cli_env

# The process table is read from /proc (Linux, where CI runs): without it these tests fail, not skip.


def _alive_in_group(pgid: int) -> list[tuple[int, str]]:
    """(pid, command line) of the group's processes that are still running (zombies are dead)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        state, group = fields[0], int(fields[2])
        if group == pgid and state != "Z":
            found.append((int(entry.name), cmdline.strip()))
    return found


def _reaches_end_of_file(pipe, *, within_s: float) -> bool:
    """Read ``pipe`` until end of file (every writer gone) or the deadline; never blocks past it."""
    deadline = time.monotonic() + within_s
    fd = pipe.fileno()
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if ready and not os.read(fd, 65536):
            return True
    return False


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killing_demo_leaves_no_helper_and_closes_its_output(tmp_path, sig):
    proc = subprocess.Popen([PYTHON, "-m", "incident_desk", "--db", str(tmp_path / "desk.db"), "demo",
                             "--count", "400000"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env=cli_env(), cwd=str(ROOT), start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        # Wait for the row maker itself: multiprocessing's resource tracker starts a moment before it.
        while time.monotonic() < deadline and not any("spawn_main" in cmd and pid != proc.pid
                                                       for pid, cmd in _alive_in_group(proc.pid)):
            time.sleep(0.1)
        helpers = [(pid, cmd) for pid, cmd in _alive_in_group(proc.pid) if pid != proc.pid]
        assert any("spawn_main" in cmd for _, cmd in helpers), helpers  # the row maker is working
        time.sleep(1.0)  # well into making rows
        os.kill(proc.pid, sig)
        assert _reaches_end_of_file(proc.stdout, within_s=10), "a helper still holds demo's output open"
        proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _alive_in_group(proc.pid):
            time.sleep(0.1)
        assert _alive_in_group(proc.pid) == []
    finally:
        for pid, _ in _alive_in_group(proc.pid):
            os.kill(pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
