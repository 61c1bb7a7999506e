"""GUI fixtures for the desk window and incident table: a seeded SQLite desk copied per test, temp QSettings."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from PySide6.QtCore import QSettings

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


@pytest.fixture(autouse=True)
def no_message_box_left_open(qapp):
    """A real modal message box in a headless test would wait forever (and the CI run with it): close
    any that opens, with its Escape answer, and fail the test that let it open."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    shown: list[str] = []

    def check() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            shown.append(box.text())
            box.reject()

    watchdog = QTimer()
    watchdog.setInterval(250)
    watchdog.timeout.connect(check)  # timers fire inside the box's own event loop too
    watchdog.start()
    yield
    watchdog.stop()
    assert not shown, f"a message box waited for an answer nobody gives in a test: {shown}"


@pytest.fixture(autouse=True)
def desk_ops_shut_down():
    """Each test's desks get their writer threads (ui/ops.py); stop them with the test."""
    yield
    from incident_desk.ui.ops import shutdown_all
    shutdown_all()
