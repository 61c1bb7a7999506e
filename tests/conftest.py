"""Shared fixtures: a real SQLite desk in a temp folder, a manual clock, offscreen Qt."""

from __future__ import annotations

import os
import sys
from datetime import datetime, timezone
from pathlib import Path

# Qt tests run offscreen unless a test (tray, real window) asks for a real X screen itself.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")
# Keep QSettings of tests away from the user's real settings.
os.environ.setdefault("XDG_CONFIG_HOME", str(Path(os.environ.get("TMPDIR", "/tmp")) / "incident-desk-test-config"))

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from incident_desk.services.clock import ManualClock  # noqa: E402
from incident_desk.services.desk import Desk  # noqa: E402

# A Monday morning, so business-hours clocks start inside working hours.
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "desk.db"


@pytest.fixture
def desk(db_path, clock):
    """A fresh desk on a real SQLite file, acting as the local admin."""
    d = Desk.open(str(db_path), clock=clock)
    yield d
    d.close()


@pytest.fixture
def team_desk(desk):
    """The desk with a small team: a lead, two agents and an on-duty manager."""
    admin = desk.actor
    users = desk.users
    users.add_user(actor=admin, username="lena", display_name="Lena Lead", role="lead", team="Service Desk")
    users.add_user(actor=admin, username="alex", display_name="Alex Agent", role="agent", team="Service Desk")
    users.add_user(actor=admin, username="sam", display_name="Sam Agent", role="agent", team="Network")
    users.add_user(actor=admin, username="max", display_name="Max Manager", role="lead", team="Network",
                   manager_on_duty=True)
    users.set_team_lead(actor=admin, team="Service Desk", username="lena")
    users.set_team_lead(actor=admin, team="Network", username="max")
    return desk
