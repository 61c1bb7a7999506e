"""GUI composition root: open the desk, build the bridge and main window, connect, run or screenshot."""

from __future__ import annotations

import gc
import sys
import time

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtWidgets import QApplication

from incident_desk import config
from incident_desk.services.desk import Desk
from incident_desk.services.errors import DomainError, StorageError

SCREENSHOT_TIMEOUT_S = 15.0
STARTUP_FALLBACK_MS = 3000


def _application(argv: list[str] | None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(list(argv) if argv else [sys.argv[0] if sys.argv else "incident-desk"])
    app.setOrganizationName(config.SETTINGS_ORG)
    app.setApplicationName(config.SETTINGS_APP)
    app.setApplicationDisplayName(config.APP_DISPLAY_NAME)
    app.setDesktopFileName("incident-desk")
    if not app.property("incidentDeskTranslators"):
        # Before any window is built: texts are translated when widgets are made. The catalogues for
        # $INCIDENT_DESK_LANG or the system locale, and always the English one (its plural forms).
        from incident_desk.ui.i18n import install_translators
        install_translators(app)
        app.setProperty("incidentDeskTranslators", True)
    return app


def _fail(message: str, *, interactive: bool) -> int:
    print(f"incident-desk: {message}", file=sys.stderr)
    if interactive:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QMessageBox
        box = QMessageBox(QMessageBox.Icon.Critical, config.APP_DISPLAY_NAME, message)
        box.setTextFormat(Qt.TextFormat.PlainText)  # the message may quote a path or a name
        box.exec()
    return 2


def run_gui(db_url: str | None, *, screenshot: str | None = None, view: str | None = None, select: str | None = None,
            username: str | None = None, screenshot_at: str = "ready", as_started: bool = False,
            argv: list[str] | None = None) -> int:
    """Open the desk window on ``db_url``; with ``screenshot`` save a PNG once painted and return (with
    ``as_started``, once everything a normal start opens is open: the notification panel included).
    ``db_url`` None (nobody chose a database yet) first shows the welcome; File -> Switch database…
    closes the window and opens it again on the other desk."""
    import os
    if screenshot and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        # No screen (a server, CI): draw offscreen rather than fail to find a display.
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from incident_desk.ui import icons
    from incident_desk.ui.bridge import DeskBridge
    from incident_desk.ui.theme import ThemeWatcher
    from incident_desk.ui.widgets.main_window import MainWindow

    app = _application(argv)
    app.setWindowIcon(icons.app_icon())
    from incident_desk.ui.dialogs.settings.appearance import apply_stored_scheme
    apply_stored_scheme()  # the scheme chosen in Settings (INCIDENT_DESK_THEME still wins)
    if app.findChild(ThemeWatcher) is None:
        ThemeWatcher(app)
    interactive = screenshot is None
    signed_in = None
    chosen_at_welcome = db_url is None  # "Just me" names the default path: made without asking
    if db_url is None:
        chosen = _welcome(screenshot)
        if chosen is None:
            gc.enable()
            return 0
        db_url, signed_in = chosen
    try:
        # A team server's welcome already signed the person in: that desk, not a second sign-in.
        desk = signed_in or _open_desk(db_url, username=username, interactive=interactive,
                                       ask_to_make=interactive and not chosen_at_welcome)
    except (StorageError, DomainError) as exc:
        gc.enable()
        return _fail(str(exc), interactive=interactive)
    if desk is None:  # the sign-in was cancelled
        gc.enable()
        return 1
    if desk.store.read_only:
        # The CLI lists and shows a read-only database; the window saves as it is used (drafts, alerts).
        desk.close()
        gc.enable()
        return _fail(f"The database {desk.store.display_name} is read-only; the window needs a writable one "
                     f"(open a writable copy, or use `incident-desk list` and `show` to read it).",
                     interactive=interactive)
    from incident_desk.ui.desk_settings import desk_settings
    bridge = DeskBridge(desk)
    window = MainWindow(desk, bridge, desk_settings(desk.store.identity))
    if desk.session is not None:
        from incident_desk.ui.session_guard import SessionGuard
        window.session_guard = SessionGuard(desk, window)
    background = _AfterFirstPaint(desk, window, alerts=not screenshot or as_started, interactive=not screenshot)
    switch_to = None
    try:
        if view and not window.open_view(view):
            names = ", ".join(v.name for v in window.views.views())
            return _fail(f"There is no view '{view}'; views: {names}.", interactive=interactive)
        window.show()
        if select:
            try:
                window.select_incident(select)
            except DomainError as exc:
                return _fail(str(exc), interactive=interactive)
        if screenshot:
            return _save_screenshot(app, window, screenshot, at=screenshot_at,
                                    background=background if as_started else None)
        code = app.exec()
        switch_to = window.switch_to
    finally:
        from incident_desk.ui.ops import shutdown_all
        background.stop()
        if getattr(window, "session_guard", None) is not None:
            window.session_guard.stop()
        window.shutdown()
        bridge.stop()
        shutdown_all()  # the queued writes finish before the database closes
        if screenshot or switch_to:
            window.deleteLater()
        desk.close()
        gc.enable()
    if switch_to:
        # The other desk opens in a new window, as the local account there (--user named this one's).
        return run_gui(switch_to, argv=argv)
    return code


def _welcome(screenshot: str | None) -> tuple[str, Desk | None] | None:
    """The first run: the welcome chooses (and remembers) a database; with it the desk it signed in to
    on a team server (None for a local one, which the window opens itself). A screenshot never waits
    for a person: it shows the desk at the default path."""
    if screenshot:
        return str(config.default_db_path()), None
    from incident_desk.ui.dialogs.welcome import WelcomeDialog
    dialog = WelcomeDialog()
    if dialog.exec() != WelcomeDialog.DialogCode.Accepted:
        return None
    desk = dialog.signed_in_desk
    if desk is not None:
        _remember_user(desk)
    return dialog.chosen_url, desk


def _remember_user(desk: Desk) -> None:
    """The next sign-in to this team database offers this name (a name, never a password)."""
    from incident_desk.ui.desk_settings import desk_settings
    desk_settings(desk.store.identity).setValue("team/user", desk.actor.username)


def _ask_to_make(path) -> bool:
    """Whether the person wants a new, empty desk at ``path``, where there is none (Cancel is the default)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox
    box = QMessageBox(QMessageBox.Icon.Question, config.APP_DISPLAY_NAME, f"There is no desk at {path}.")
    box.setTextFormat(Qt.TextFormat.PlainText)  # a path may hold anything
    box.setInformativeText("Make a new, empty desk there? If the path has a typo, cancel and open the right one.")
    make = box.addButton("&Make a new desk", QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(box.addButton(QMessageBox.StandardButton.Cancel))
    box.exec()
    return box.clickedButton() is make


def _open_desk(db_url: str, *, username: str | None, interactive: bool, ask_to_make: bool = False) -> Desk | None:
    """The desk, signed in on a team database: by the sign-in dialog (which makes the first admin of
    an empty one), or for a screenshot from --user and $INCIDENT_DESK_PASSWORD. With ``ask_to_make``, a
    SQLite path that holds no desk is made only if the person says so. None when cancelled."""
    import os

    from incident_desk.cli.team import PASSWORD_ENV
    from incident_desk.services.errors import NoDatabase
    try:
        # A path named on the command line, in $INCIDENT_DESK_DB or by a switch that holds no desk is a
        # typo more often than a wish for a new one (the CLI refuses it). A screenshot asks nobody.
        store = Desk.open_store(db_url, create=not ask_to_make)
    except NoDatabase as exc:
        if not _ask_to_make(exc.path):
            return None
        store = Desk.open_store(db_url)
    try:
        if not store.is_team or not interactive:
            return Desk.on_store(store, username=username, password=lambda: os.environ.get(PASSWORD_ENV))
        from incident_desk.services.clock import system_clock
        from incident_desk.services.signin import SignInService
        from incident_desk.ui.desk_settings import desk_settings
        from incident_desk.ui.dialogs.sign_in_dialog import SignInDialog
        signin = SignInService(store, clock=system_clock)
        remembered = desk_settings(store.identity)
        state = {"empty": signin.needs_initialising()}

        def attempt(name: str, password: str) -> Desk:
            if state["empty"]:
                signin.initialise(admin=name, password=password)
                state["empty"] = False
            return Desk.on_store(store, username=name, password=password)

        dialog = SignInDialog(store.display_name, attempt, initialise=state["empty"],
                              username=username or str(remembered.value("team/user", "") or ""),
                              on_thread_exit=store.db.close)
        if dialog.exec() != dialog.DialogCode.Accepted:
            store.close()
            return None
        desk = dialog.result_value
        _remember_user(desk)
        return desk
    except BaseException:
        store.close()
        raise


class _AfterFirstPaint(QObject):
    """What the first painted page need not wait for: escalation scans, the inbox poll, the
    notification dock and the tray icon (ui.alerts), and the cyclic garbage collector."""

    def __init__(self, desk: Desk, window, *, alerts: bool, interactive: bool = True):
        super().__init__(window)
        self.desk, self.window = desk, window
        self.alerts = None
        self.intake = None
        self._want_alerts = alerts
        # A screenshot (even --as-started) writes no daily backup into the user's folder and listens on
        # no port: it shows the window, it does not run the desk.
        self._interactive = interactive
        self._done = False
        window.sig_first_page_painted.connect(self._on_start)
        # Also when the table is never painted (a minimised start, a window manager that delays it).
        QTimer.singleShot(STARTUP_FALLBACK_MS, self._on_start)

    @Slot()
    def _on_start(self) -> None:
        if self._done:
            return
        self._done = True
        if self._want_alerts:
            from incident_desk.ui.alerts import AlertsController
            from incident_desk.ui.desk_settings import app_settings
            self.alerts = AlertsController(self.desk, self.window, settings=app_settings())
            self.window.attach_alerts(self.alerts)
        if self._want_alerts and self._interactive:
            self.window.transfer.start_daily_backup()
            self._start_intake()
        # Everything built so far lives as long as the window: keep it out of the cyclic collector,
        # whose full passes over it were the longest GUI-thread stalls (~50 ms) during a refresh.
        # The collector was off while starting (cli.main): nothing built then is garbage.
        gc.freeze()
        gc.enable()

    def _start_intake(self) -> None:
        """The alert intake in the background, when this database is set to have its window run it."""
        try:
            wanted = self.desk.intake.window_intake()
        except (StorageError, DomainError):
            return
        if wanted is None:
            return
        from incident_desk.ui.intake_status import IntakeRunner
        self.intake = IntakeRunner(self.desk.store.url, wanted["listen"], wanted["token_file"], self.window)
        self.window.statusBar().insertPermanentWidget(0, self.intake.label)
        self.intake.start()

    def stop(self) -> None:
        self._done = True
        if self.intake is not None:
            self.intake.stop()
        if self.alerts is not None:
            self.alerts.shutdown()


def _save_screenshot(app: QApplication, window, path: str, *, at: str = "ready", background=None) -> int:
    """Grab the window once the first page is painted and, with ``at="ready"``, once the views'
    live counts (which start only after that paint, so as not to compete with it) are in too; with
    ``background``, also once the notification panel it starts is in the window with its inbox."""
    deadline = time.monotonic() + SCREENSHOT_TIMEOUT_S
    while time.monotonic() < deadline:
        app.processEvents()
        # A started window also shows its intake listening (or why it could not), not "starting".
        started = background is None or (background.alerts is not None and background.alerts.dock.isVisible()
                                         and (background.intake is None or background.intake.settled()))
        if window.isVisible() and window.first_page_painted and not window.model.is_loading() and \
                (at == "first-page" or window.views.counts_ready()) and started:
            break
        time.sleep(0.002)
    if at != "first-page":
        for _ in range(5):  # let the last dataChanged and layout passes paint
            app.processEvents()
    # At "first-page" the grab follows the paint at once: the work that waits for that paint
    # (filter lists, counts) is after it, as it is for someone looking at the window. grab()
    # renders the whole window itself, so no repaint() before it.
    if not window.grab().save(path, "PNG"):
        print(f"incident-desk: could not write the screenshot {path}.", file=sys.stderr)
        return 1
    return 0
