"""The detail editor in a window of its own (Ctrl+Shift+O); closing it asks about unsaved edits."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow, QWidget

from incident_desk.ui.detail.editor import IncidentDetailEditor
from incident_desk.ui.i18n import translate


class DetailWindow(QMainWindow):
    """One incident in its own window; its writes share the desk's queue with the main window's."""

    def __init__(self, desk, key: str, parent: QWidget | None = None, *, settings: QSettings | None = None,
                 choices=None):
        super().__init__(parent)
        self.editor = IncidentDetailEditor(desk, self, settings=settings, choices=choices)
        self.setCentralWidget(self.editor)
        self.resize(900, 700)
        self.editor.sig_close_requested.connect(self.close)
        self.editor.sig_incident_saved.connect(self._on_incident_saved)
        self.editor.load_incident(key)
        self._update_title()

    def _update_title(self) -> None:
        inc = self.editor.current_incident()
        self.setWindowTitle(f"{inc.key} — {inc.title}" if inc else translate("Window", "Incident"))

    @Slot(str)
    def _on_incident_saved(self, _key: str) -> None:
        self._update_title()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.editor.confirm_discard():
            event.accept()
        else:
            event.ignore()
