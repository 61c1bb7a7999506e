"""The intake run by the desk window in the background, and its line in the status bar."""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel, QWidget

from incident_desk.ui import theme
from incident_desk.ui.i18n import translate
from incident_desk.ui.plain import tooltip

log = logging.getLogger(__name__)
REFRESH_MS = 2000
MAX_LABEL_PX = 560


STARTING, LISTENING, FAILED = "starting", "listening", "failed"


class IntakeRunner(QObject):
    """Serves the intake on a thread of its own with a desk of its own (its own connection and writer),
    so alerts never wait for the window and the window never waits for alerts; it sees their incidents
    as it sees other desks' commits. Its status goes to ``label``: what is true at each moment
    (starting, listening on HOST:PORT with its counts, or failed with the reason in one sentence)."""

    # Emitted from the intake's thread when it is listening or has given up; queued into the GUI thread.
    sig_state_changed = Signal()

    def __init__(self, url: str, listen: str, token_file: str, parent: QWidget):
        super().__init__(parent)
        self.url, self.listen, self.token_file = url, listen, token_file
        self.state = STARTING
        self.server = None
        self.error = ""
        self.label = QLabel(self.text(), parent)
        self.label.setContentsMargins(8, 0, 8, 0)
        self.label.setToolTip(tooltip(self._tip()))
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

    def settled(self) -> bool:
        """True once the intake listens or has failed (a screenshot of a started window waits for it)."""
        return self.state != STARTING

    def _fail(self, exc: BaseException, host: str, port: int) -> None:
        from incident_desk.services.intake_server import start_error
        self.error = start_error(exc, host, port)
        self.state = FAILED
        log.warning("the window's intake is off: %s", self.error)
        self.sig_state_changed.emit()

    def _serve(self) -> None:
        from incident_desk.services.desk import Desk
        from incident_desk.services.intake_server import IntakeServer, parse_listen, read_token
        host, port = self.listen, 0
        try:
            host, port = parse_listen(self.listen)
            if self.url.startswith(("postgresql://", "postgres://")):
                # A team's intake must not depend on one person's window being open (nor run as them).
                raise ValueError(translate("IntakeStatus", "On a team server the intake runs as a service of its "
                                                           "own (incident-desk intake), not in a desk window."))
            token = read_token(self.token_file)
            self._desk = Desk.open(self.url)
            self._desk.intake.ready()
            server = IntakeServer(self._desk, host=host, port=port, token=token)
        except Exception as exc:  # noqa: BLE001  (any reason not to serve is said in the status bar)
            if self._desk is not None:
                self._desk.close()
                self._desk = None
            self._fail(exc, host, port)
            return
        with self._guard:
            if self._stopping:  # the window closed while the intake was starting
                server.stop()
                return
            self.server = server
        self.state = LISTENING
        self.sig_state_changed.emit()  # listening is said as soon as it is, not at the next tick
        try:
            server.serve_forever()
        except Exception as exc:  # noqa: BLE001  (a server that stops by itself is said, not left "listening")
            if not self._stopping:
                self._fail(exc, host, port)

    @Slot()
    def _on_refresh(self) -> None:
        # A long reason (a token file's path) is shortened in the middle, not allowed to widen the
        # window past the screen; the tooltip holds all of it.
        self.label.setText(self.label.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideMiddle,
                                                                MAX_LABEL_PX))
        theme.style(self.label, "error" if self.state == FAILED else None)
        self.label.setToolTip(tooltip(self._tip()))

    def text(self) -> str:
        if self.state == FAILED:
            return translate("IntakeStatus", "Intake failed: {reason}").format(reason=self.error)
        if self.state == STARTING or self.server is None:
            return translate("IntakeStatus", "Intake: starting on {address}…").format(address=self.listen)
        stats = self.server.stats
        if stats.refused:
            return self.tr("Intake: listening on {address} · %n alerts · {refused} refused", "",
                           stats.accepted).format(address=self.address(), refused=stats.refused)
        return self.tr("Intake: listening on {address} · %n alerts", "", stats.accepted).format(
            address=self.address())

    def address(self) -> str:
        host, port = self.server.address
        return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

    def _tip(self) -> str:
        if self.state == FAILED:
            return translate("IntakeStatus", "The alert intake is not running: {reason} Change it in Settings › "
                                             "Alert intake.").format(reason=self.error)
        return translate("IntakeStatus", "Alerts from monitoring: POST /alertmanager, POST /v2/enqueue")

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
