"""GUI fixtures: a seeded SQLite desk copied per test, temp QSettings, and a watchdog for modal dialogs."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from PySide6.QtCore import QLocale, QSettings
from PySide6.QtWidgets import QDialog

from incident_desk.domain.incident import Status
from incident_desk.services.clock import ManualClock
from incident_desk.services.desk import Desk
from incident_desk.services.incidents import IncidentDraft
from tests.conftest import T0

SEED_COUNT = 240
CATEGORIES = ("Network", "Email", "Printing", "Hardware", "Access", "Software")
PEOPLE = ("alex", "sam", "lena")


def _seed(path) -> None:
    clock = ManualClock(T0)
    desk = Desk.open(str(path), clock=clock, username=None)
    admin = desk.actor
    desk.users.add_user(actor=admin, username="lena", display_name="Lena Lead", role="lead", team="Service Desk")
    desk.users.add_user(actor=admin, username="alex", display_name="Alex Agent", role="agent", team="Service Desk")
    desk.users.add_user(actor=admin, username="sam", display_name="Sam Agent", role="agent", team="Network")
    inc = desk.incidents
    levels = ("high", "medium", "low")
    for i in range(SEED_COUNT):
        title = f"Printer jam on floor {i}" if i % 3 == 0 else f"VPN drops for user {i}"
        if i % 40 == 7:
            title = f"Kraken alert number {i}"
        draft = IncidentDraft(
            title=title, category=CATEGORIES[i % len(CATEGORIES)], impact=levels[i % 3], urgency=levels[(i // 3) % 3],
            description=f"Reported by caller {i}. Quote: \"it's broken\"", reporter_name=f"Caller {i}",
            assignee=PEOPLE[i % 4] if i % 4 < 3 else None,
            opened_at=T0 - timedelta(hours=SEED_COUNT - i))
        key = inc.log_incident(actor=admin, draft=draft).key
        if i % 5 == 1:
            inc.transition(actor=admin, key=key, to=Status.ACKNOWLEDGED)
        elif i % 5 == 2:
            inc.transition(actor=admin, key=key, to=Status.ACKNOWLEDGED)
            inc.transition(actor=admin, key=key, to=Status.RESOLVED, resolution_code="fixed",
                           resolution_notes="Cleared the queue.")
        elif i % 5 == 3:
            inc.transition(actor=admin, key=key, to=Status.ACKNOWLEDGED)
            inc.transition(actor=admin, key=key, to=Status.IN_PROGRESS)
            inc.transition(actor=admin, key=key, to=Status.ON_HOLD, hold_reason="vendor")
        if i == 11:
            inc.comment(actor=admin, key=key, text="Zebra firmware suspected")
    desk.close()


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("seed") / "seed.db"
    _seed(path)
    return path


@pytest.fixture
def seeded_path(seeded_template, tmp_path):
    target = tmp_path / "desk.db"
    shutil.copyfile(seeded_template, target)
    return target


@pytest.fixture
def seeded_desk(seeded_path, clock):
    """A desk on a copy of the seeded database (240 incidents, users alex/sam/lena), as the admin."""
    desk = Desk.open(str(seeded_path), clock=clock)
    yield desk
    desk.close()


@pytest.fixture
def qsettings(tmp_path):
    """QSettings in an ini file of this test only."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    yield settings
    settings.sync()


# A modal dialog a test opens on purpose is answered by that test within this long; one still
# waiting after it would wait forever in a headless run.
MODAL_PATIENCE_S = 3.0


def _describe(widget) -> str:
    from PySide6.QtWidgets import QMessageBox
    text = widget.text() if isinstance(widget, QMessageBox) else ""
    return f"{type(widget).__name__} {widget.windowTitle()!r}" + (f": {text}" if text else "")


def _open_modals() -> list:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication
    return [w for w in QApplication.topLevelWidgets()
            if w.isVisible() and w.windowModality() != Qt.WindowModality.NonModal]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A test that returns with a modal dialog still open fails (checked before pytest-qt's teardown
    closes the test's widgets, which would hide it)."""
    result = yield
    left = _open_modals()
    for widget in left:
        if isinstance(widget, QDialog):
            widget.reject()
        widget.close()
    assert not left, f"the test ended with a modal dialog still open: {[_describe(w) for w in left]}"
    return result


@pytest.fixture(autouse=True)
def no_modal_dialog_left_open(qapp):
    """A real modal dialog (a message box, a file or input dialog, any QDialog run with exec() or
    open()) in a headless test would wait forever, and the CI run with it: one still waiting after
    MODAL_PATIENCE_S is closed with its Escape answer, and the test that let it wait fails; so does a
    test that ends with a modal dialog still open."""
    import time

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog

    shown: list[str] = []
    first_seen: dict[int, float] = {}

    def check() -> None:
        modal = QApplication.activeModalWidget()
        if modal is None:
            first_seen.clear()
            return
        since = first_seen.setdefault(id(modal), time.monotonic())
        if time.monotonic() - since >= MODAL_PATIENCE_S:
            shown.append(_describe(modal))
            first_seen.pop(id(modal), None)
            if isinstance(modal, QDialog):
                modal.reject()
            else:
                modal.close()

    watchdog = QTimer()
    watchdog.setInterval(250)
    watchdog.timeout.connect(check)  # timers fire inside the dialog's own event loop too
    watchdog.start()
    yield
    watchdog.stop()
    left = _open_modals()
    for widget in left:
        widget.close()
    assert not shown, f"a modal dialog waited for an answer nobody gives in a test: {shown}"
    assert not left, f"the test ended with a modal dialog still open: {[_describe(w) for w in left]}"


@pytest.fixture(scope="session", autouse=True)
def english_catalogue(qapp):
    """The English catalogue the app always installs (ui/i18n.py): plurals read "1 incident", as in the app."""
    from incident_desk.ui import i18n
    installed = i18n.install_translators(qapp, QLocale(QLocale.Language.English))
    yield
    i18n.remove_translators(qapp, installed)


@pytest.fixture(autouse=True)
def desk_ops_shut_down():
    """Each test's desks get their writer threads (ui/ops.py); stop them with the test."""
    yield
    from incident_desk.ui.ops import shutdown_all
    shutdown_all()
