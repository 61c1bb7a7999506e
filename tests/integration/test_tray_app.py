"""The real app under Xvfb with a StatusNotifierWatcher and dbusmock: tray icon up, overdue P1 -> Notify."""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

try:
    from .tray_harness import tray, tray_desktop  # noqa: F401  (fixtures)
except ImportError:  # tests/ is not a package: pytest put this folder on sys.path
    from tray_harness import tray, tray_desktop  # noqa: F401  (fixtures)

from incident_desk.services.clock import ManualClock
from incident_desk.services.desk import Desk
from incident_desk.services.incidents import IncidentDraft
from incident_desk.ui.alerts import POLL_INTERVAL_MS

pytestmark = pytest.mark.tray
ROOT = Path(__file__).resolve().parents[2]
TITLE = "Printer on fire in building 7"


def seed_overdue_p1(path: Path, title: str = TITLE) -> str:
    """One P1 opened six minutes ago: only the 5-minute rule is due when the app starts."""
    opened = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=6)
    desk = Desk.open(str(path), clock=ManualClock(opened))
    try:
        inc = desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
            title=title, category="Hardware", impact="high", urgency="high"))
        return inc.key
    finally:
        desk.close()


def test_running_app_shows_a_tray_icon_and_an_overdue_p1_reaches_notify(tray, tmp_path):
    db = tmp_path / "desk.db"
    key = seed_overdue_p1(db)
    env = {"PYTHONPATH": str(ROOT)}
    with tray.launch([sys.executable, "-m", "incident_desk", "--db", str(db)], env=env, cwd=ROOT, grace=1) as app:
        item = tray.wait_for_tray_item(process=app, timeout=30)
        call = tray.wait_for_notify(summary_contains=key, process=app, timeout=30)
        # Claimed once: the app keeps polling for alerts (every POLL_INTERVAL_MS); after more than two
        # polls the alert has still been shown exactly once.
        time.sleep(2.5 * POLL_INTERVAL_MS / 1000)
        assert app.returncode is None, "the app ended while we watched for a second alert"
        shown = [c["summary"] for c in tray.get_notify_calls()].count(call["summary"])
    props = item["properties"]
    assert props["Status"] in ("Active", "NeedsAttention")
    assert any(w > 0 and h > 0 for w, h, _ in props["IconPixmap"])
    assert "unread" in str(props.get("ToolTip", ""))
    assert call["app_name"] == "Incident Desk"
    assert key in call["summary"] and TITLE in call["summary"] + call["body"]
    assert "not acknowledged after 5 minutes" in call["summary"]
    assert call["hints"].get("urgency") == 2   # a P1 escalation is critical, not "normal" (a warning)
    assert shown == 1
