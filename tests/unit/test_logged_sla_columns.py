"""A new incident's SLA columns are written with its row: from its opening time, also when logged late."""

from __future__ import annotations

from datetime import timedelta

from incident_desk.services.incidents import IncidentDraft
from tests.conftest import T0


def test_a_p1_logged_two_hours_late_is_due_from_when_it_opened(desk, backend, clock):
    clock.advance(hours=3)
    opened = T0 + timedelta(hours=1)     # the phone call came in two hours before it was logged
    key = desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
        title="Core switch down", category="Network", impact="high", urgency="high", opened_at=opened)).key
    [row] = backend.rows("SELECT priority, opened_at, response_due_at, resolve_due_at, hold_s, ttr_s "
                         "FROM incident WHERE key = ?", (key,))
    # The standard policy: P1 answered within 15 minutes and resolved within 4 hours, around the clock.
    start = int(opened.timestamp())
    assert row == (1, start, start + 15 * 60, start + 4 * 3600, 0, None)
