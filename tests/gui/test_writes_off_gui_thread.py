"""Writes run on the desk's writer thread: a database locked by another program never freezes the window."""

from __future__ import annotations

import gc
import sqlite3
import subprocess
import sys
import threading
import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QTextCursor

from incident_desk.ui.detail.editor import IncidentDetailEditor
from incident_desk.ui.ops import WAITING_TEXT, ops_for

LOCK_SECONDS = 3.0
# Another program takes SQLite's write lock, says so, and keeps it for LOCK_SECONDS.
HOLDER = """
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
con.execute("ROLLBACK")
print("released", flush=True)
"""


class GapMeter:
    """Ticks every 5 ms on the GUI thread; the longest gap between ticks is the longest block."""

    def __init__(self):
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.last = None
        self.longest = 0.0
        self.gaps: list[tuple[float, float]] = []  # (gap, seconds after start) of the long ones

    def _tick(self):
        now = time.monotonic()
        if self.last is not None:
            gap = now - self.last
            self.longest = max(self.longest, gap)
            if gap > 0.02:
                self.gaps.append((round(gap * 1000), round(now - self.started, 2)))
        self.last = now

    def start(self):
        self.last = self.started = time.monotonic()
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return self.longest


def test_saving_against_a_held_write_lock_keeps_painting_and_keeps_what_was_typed(qtbot, seeded_desk,
                                                                                   seeded_path):
    editor = IncidentDetailEditor(seeded_desk)
    qtbot.addWidget(editor)
    editor.show()
    key = seeded_desk.incidents.list_incidents(limit=1)[0].key
    assert editor.load_incident(key)
    editor.title_edit.end(False)
    qtbot.keyClicks(editor.title_edit, " (typed before the save)")
    wanted_title = editor.title_edit.text()

    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(seeded_path), str(LOCK_SECONDS)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        released_at: list[float] = []
        threading.Thread(target=lambda: (holder.stdout.readline(), released_at.append(time.monotonic())),
                         daemon=True).start()
        waiting_texts: list[str] = []
        ops_for(seeded_desk).sig_waiting_changed.connect(waiting_texts.append)
        # While the save waits, the user goes on typing in another field.
        def type_more():
            editor.description_edit.moveCursor(QTextCursor.MoveOperation.End)
            qtbot.keyClicks(editor.description_edit, " Typed during the save.")

        QTimer.singleShot(600, type_more)
        meter = GapMeter()
        # As the app does once its first page is painted (app.py): what exists now is never collected,
        # so a full collection of the test session's garbage cannot pose as a blocked GUI thread.
        gc.collect()
        gc.freeze()
        meter.start()
        started = time.monotonic()
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)  # returns when the save is done
        finished = time.monotonic()
        longest_block = meter.stop()
    finally:
        gc.unfreeze()
        holder.wait(timeout=30)

    # The save waited for the lock, then went through.
    assert released_at and finished >= released_at[0] - 0.05
    assert finished - started >= LOCK_SECONDS - 0.5
    con = sqlite3.connect(seeded_path)
    stored_title, stored_description = con.execute("SELECT title, description FROM incident WHERE key = ?",
                                                   (key,)).fetchone()
    con.close()
    assert stored_title == wanted_title
    # What was typed during the save is still in the form, unsaved, and was not written.
    assert editor.description_edit.toPlainText().endswith(" Typed during the save.")
    assert editor.pending_changes() == {"description": editor.description_edit.toPlainText()}
    assert "Typed during the save." not in stored_description
    # The window said it was waiting, then that it no longer was; it never stopped painting.
    assert waiting_texts == [WAITING_TEXT, ""]
    assert longest_block < 0.050, f"the GUI thread was blocked for {longest_block * 1000:.0f} ms: {meter.gaps}"


def test_a_window_closed_while_its_write_waits_outlives_the_write(qtbot, seeded_desk, seeded_path):
    """The user closes the window while its save waits for another program's lock: Qt would delete it
    inside the wait, and the caller then shows the outcome in deleted widgets. It stays until the caller
    has returned, then goes."""
    import shiboken6
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QLabel

    window = QLabel("saving…")
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.show()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(seeded_path), "0.5"], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        key = seeded_desk.incidents.list_incidents(limit=1)[0].key
        QTimer.singleShot(0, window.close)
        ops_for(seeded_desk).run_write(lambda: seeded_desk.incidents.comment(
            actor=seeded_desk.actor, key=key, text="written while the window closed"))
        assert shiboken6.isValid(window) and window.isHidden()
        window.setText("saved")  # what a caller does next: no "already deleted"
    finally:
        holder.wait(timeout=30)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qtbot.waitUntil(lambda: not shiboken6.isValid(window), timeout=2000)
    raw = sqlite3.connect(str(seeded_path))
    try:
        assert raw.execute("SELECT COUNT(*) FROM event WHERE note = 'written while the window closed'"
                           ).fetchone()[0] == 1
    finally:
        raw.close()
