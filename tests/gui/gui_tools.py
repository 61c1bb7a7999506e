"""Helpers for GUI tests: answer the next modal dialog from inside its loop; count rows with plain sqlite3;
see on which thread the window's writes and reads run."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def when_modal(cls: type, act: Callable, poll_ms: int = 30) -> list:
    """Run ``act(dialog)`` on the next modal dialog of type ``cls`` once it is up (a timer fires inside
    the dialog's own event loop); returns the list the dialog is appended to when it is seen."""
    seen: list = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, cls):
            QTimer.singleShot(poll_ms, look)
            return
        seen.append(dialog)
        act(dialog)
    QTimer.singleShot(poll_ms, look)
    return seen


def count_rows(path, where: str = "1 = 1", *params) -> int:
    """Incidents matching ``where``, counted with plain sqlite3, not through the desk's code."""
    con = sqlite3.connect(path)
    try:
        return con.execute(f"SELECT COUNT(*) FROM incident WHERE {where}", params).fetchone()[0]
    finally:
        con.close()


@contextlib.contextmanager
def write_threads(store) -> Iterator[list[str]]:
    """The thread name of every write transaction ``store`` opens inside the block (a GUI-thread write
    freezes the window while another program holds the lock; every window write belongs on the desk's
    writer thread)."""
    seen: list[str] = []
    original = store.write

    @contextlib.contextmanager
    def write(*args, **kwargs):
        current = threading.current_thread()
        seen.append("GUI" if current is threading.main_thread() else current.name)
        with original(*args, **kwargs):
            yield
    store.write = write
    try:
        yield seen
    finally:
        del store.write  # the class's method again


@contextlib.contextmanager
def read_threads(store) -> Iterator[list[tuple[str, str]]]:
    """(thread name, statement) of every SQL statement ``store`` runs inside the block, reads included
    (on PostgreSQL each is a network round trip: one on the GUI thread stalls the window for it; such
    reads belong on the desk's network reader, "desk-net-read")."""
    seen: list[tuple[str, str]] = []
    db = store.db
    original = db.execute_sql

    def execute_sql(sql, params=None, *args, **kwargs):
        current = threading.current_thread()
        seen.append(("GUI" if current is threading.main_thread() else current.name, " ".join(str(sql).split())))
        return original(sql, params, *args, **kwargs)
    db.execute_sql = execute_sql
    try:
        yield seen
    finally:
        del db.execute_sql  # the class's method again
