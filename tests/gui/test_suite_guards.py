"""The suite's own guards can fail: the modal-dialog watchdog and the per-test timeout, run on planted tests."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PLANTED = '''
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget
from PySide6.QtCore import Qt

KEPT = []  # as a window keeps its dialogs: nothing is collected when the test returns


def test_returns_with_a_modal_dialog_open(qapp):
    dialog = QDialog()
    dialog.setModal(True)
    dialog.show()
    KEPT.append(dialog)


def test_returns_with_an_application_modal_widget_open(qapp):
    widget = QWidget()
    widget.setWindowModality(Qt.WindowModality.ApplicationModal)
    widget.show()
    KEPT.append(widget)


def test_waits_on_a_file_dialog_nobody_answers(qapp):
    dialog = QFileDialog()
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.exec()


def test_answers_its_dialog(qapp):
    dialog = QDialog()
    QTimer.singleShot(100, dialog.accept)
    assert dialog.exec() == QDialog.DialogCode.Accepted


def test_hangs():
    time.sleep(60)
'''


def _run_planted(tmp_path: Path) -> tuple[dict[str, set[str]], str]:
    """Run the planted tests under the project's pytest configuration and the GUI conftest's guards (a
    8 s timeout instead of the project's, so the hang ends soon); each test's outcomes (a failure in the
    call, ERROR in the teardown), and the output."""
    (tmp_path / "test_planted.py").write_text(PLANTED, encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(tmp_path),
         "-p", "tests.gui.conftest", "-p", "no:randomly", "-o", "timeout=8", "-rA", str(tmp_path / "test_planted.py")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180)
    outcomes = {}
    for line in done.stdout.splitlines():
        for verdict in ("PASSED", "FAILED", "ERROR"):
            if line.startswith(verdict + " ") and "::" in line:
                name = line.split("::", 1)[1].split(" ", 1)[0]
                outcomes.setdefault(name, set()).add(verdict)
    return outcomes, done.stdout + done.stderr


def test_the_project_sets_a_per_test_timeout():
    options = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    assert 0 < int(options["timeout"]) <= 600


def test_a_modal_dialog_left_open_or_unanswered_fails_its_test_and_a_hang_ends_with_a_stack_dump(tmp_path):
    outcomes, out = _run_planted(tmp_path)
    assert outcomes == {
        "test_returns_with_a_modal_dialog_open": {"FAILED"},
        "test_returns_with_an_application_modal_widget_open": {"FAILED"},
        # The watchdog closes the dialog so the run goes on, then fails the test at its teardown.
        "test_waits_on_a_file_dialog_nobody_answers": {"PASSED", "ERROR"},
        "test_answers_its_dialog": {"PASSED"},
        "test_hangs": {"FAILED"},
    }, out
    assert "the test ended with a modal dialog still open: [\"QDialog ''\"]" in out, out
    assert "the test ended with a modal dialog still open: [\"QWidget ''\"]" in out, out
    assert "a modal dialog waited for an answer nobody gives in a test: [\"QFileDialog 'Open'\"]" in out, out
    # pytest-timeout's dump: every thread's stack, down to the line that hung.
    assert "Timeout" in out and "time.sleep(60)" in out, out
