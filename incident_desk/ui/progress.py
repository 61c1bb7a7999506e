"""A progress dialog with Cancel for work running in a worker, and the relay that brings its progress back."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from incident_desk.ui.i18n import translate


class ProgressRelay(QObject):
    """Made on the GUI thread; a worker calls ``sig_progress.emit`` and the dialog hears it there (queued)."""

    sig_progress = Signal(int, int, str)
    """done, total, phase."""


def cancellable_progress(parent: QWidget, label: str, cancel: threading.Event) -> QProgressDialog:
    """A window-modal progress dialog (shown after 300 ms) whose Cancel sets ``cancel``; closed by its owner."""
    dialog = QProgressDialog(label, translate("Progress", "Cancel"), 0, 100, parent)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.canceled.connect(cancel.set)
    return dialog
