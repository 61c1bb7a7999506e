"""The intake run by the desk window in the background, and its line in the status bar."""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel, QWidget

from incident_desk.ui import theme
from incident_desk.ui.i18n import translate
from incident_desk.ui.plain import tooltip

log = logging.getLogger(__name__)
REFRESH_MS = 2000


class IntakeRunner(QObject):
    """Serves the intake on a thread of its own with a desk of its own (its own connection and writer),
    so alerts never wait for the window and the window never waits for alerts; it sees their incidents
    as it sees other desks' commits. Its status goes to ``label``."""

    # Emitted from the intake's thread when it is listening or has given up; queued into the GUI thread.
    sig_state_changed = Signal()

    def __init__(self, url: str, listen: str, token_file: str, parent: QWidget):
        super().__init__(parent)
        self.url, self.listen, self.token_file = url, listen, token_file
        self.label = QLabel(translate("IntakeStatus", "Intake: starting…"), parent)
        self.label.setContentsMargins(8, 0, 8, 0)
        self.server = None
        self.error = ""
        self._desk = None
        self._stopping = False
        self._guard = threading.Lock()  # stop() and a start still in progress never both touch the server
        self._thread = threading.Thread(target=self._serve, name="desk-intake", daemon=True)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._on_refresh)
        self.sig_state_changed.connect(self._on_refresh)

    def start(self) -> None:
        self._thread.start()
        self._timer.start()

    def _serve(self) -> None:
        from incident_desk.services.desk import Desk
        from incident_desk.services.intake_server import IntakeServer, parse_listen, read_token
        try:
            host, port = parse_listen(self.listen)
            token = read_token(self.token_file)
            self._desk = Desk.open(self.url)
            self._desk.intake.account()
            server = IntakeServer(self._desk, host=host, port=port, token=token)
        except Exception as exc:  # noqa: BLE001  (any reason not to serve is said in the status bar)
            self.error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            log.warning("the window's intake did not start: %s", self.error)
            if self._desk is not None:
                self._desk.close()
                self._desk = None
            self.sig_state_changed.emit()
            return
        with self._guard:
            if self._stopping:  # the window closed while the intake was starting
                server.stop()
                return
            self.server = server
        self.sig_state_changed.emit()  # listening is said as soon as it is, not at the next tick
        server.serve_forever()

    @Slot()
    def _on_refresh(self) -> None:
        self.label.setText(self.text())
        theme.style(self.label, "error" if self.error else None)
        self.label.setToolTip(tooltip(self.error or translate("IntakeStatus",
                "Alerts from monitoring: POST /alertmanager, POST /v2/enqueue")))

    def text(self) -> str:
        if self.error:
            return translate("IntakeStatus", "Intake: off (see tooltip)")
        if self.server is None:
            return translate("IntakeStatus", "Intake: starting…")
        stats = self.server.stats
        host, port = self.server.address
        if stats.refused:
            return self.tr("Intake: {address} · %n alerts · {refused} refused", "", stats.accepted).format(
                address=f"{host}:{port}", refused=stats.refused)
        return self.tr("Intake: {address} · %n alerts", "", stats.accepted).format(address=f"{host}:{port}")

    def stop(self) -> None:
        self._timer.stop()
        with self._guard:
            self._stopping = True
            server = self.server
        if server is not None:
            server.stop()
        self._thread.join(timeout=30)
        if self._desk is not None:
            self._desk.close()
            self._desk = None
