"""Incidents a bulk load leaves unscheduled escalate exactly when incidents logged one by one do.

Two databases worked identically through the services: in one every open incident keeps the schedule
the services computed; in the other every schedule is wiped before every scan (next_escalation_at = 0,
as a bulk load or a policy change leaves it), so each scan first schedules them at their lower bounds.
Scanned at the same instants, both raise the same escalations at the same scans: a lower bound that
was too late would delay one.
"""

from __future__ import annotations

import random
from datetime import timedelta

from incident_desk.domain.incident import Status
from incident_desk.services.clock import ManualClock
from incident_desk.services.desk import Desk
from incident_desk.services.incidents import IncidentDraft
from tests.conftest import T0

LEVELS = ("high", "medium", "low")
STEPS = {"ack": Status.ACKNOWLEDGED, "work": Status.IN_PROGRESS, "hold": Status.ON_HOLD,
         "resolve": Status.RESOLVED, "reopen": Status.IN_PROGRESS}


def _plan(rng: random.Random) -> list[tuple]:
    """(instant, action, incident number, impact, urgency): 80 incidents logged over eight hours, each
    acknowledged, worked, held, resolved or reopened, or left alone."""
    actions = []
    for i in range(80):
        opened = T0 + timedelta(minutes=rng.randrange(0, 480))
        actions.append((opened, "log", i, rng.choice(LEVELS), rng.choice(LEVELS)))
        at = opened
        for step in rng.choice([[], ["ack"], ["ack", "work"], ["ack", "work", "hold"],
                                ["ack", "work", "hold", "work"], ["ack", "resolve"], ["ack", "resolve", "reopen"]]):
            at += timedelta(minutes=rng.randrange(1, 60))
            actions.append((at, step, i, None, None))
    return actions


def _apply(desk: Desk, keys: dict, action: tuple) -> None:
    _at, step, i, impact, urgency = action
    if step == "log":
        keys[i] = desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
            title=f"Bulk {i}", category="Network", impact=impact, urgency=urgency)).key
    else:
        desk.incidents.transition(actor=desk.actor, key=keys[i], to=STEPS[step], resolution_code="fixed",
                                  hold_reason="vendor")


def _raised(desk: Desk, at) -> list[tuple]:
    return sorted((r["incident"], r["rule"], r["cycle"], r["due_at"], r["fired_at"], tuple(r["recipients"]))
                  for r in desk.escalation.scan(at))


def test_wiped_schedules_escalate_exactly_like_computed_ones(backend, other_backend):
    actions = _plan(random.Random(13))
    # Every 5 minutes through the working day, then every 30 for three days: business-hours deadlines too.
    scans = [T0 + timedelta(minutes=5 * k) for k in range(1, 12 * 10)] + \
            [T0 + timedelta(hours=10, minutes=30 * k) for k in range(2 * 24 * 3)]
    timeline = sorted([(a[0], 0, a) for a in actions] + [(at, 1, None) for at in scans], key=lambda e: e[:2])
    clock = ManualClock(T0)
    computed, bulk = backend.open(clock=clock), other_backend.open(clock=clock)
    wipe = other_backend.connect()  # the plain driver, as a bulk load writes
    keys_a: dict = {}
    keys_b: dict = {}
    total = 0
    try:
        for at, kind, action in timeline:
            clock.set(at)
            if kind == 0:
                _apply(computed, keys_a, action)
                _apply(bulk, keys_b, action)
                continue
            wipe.execute("UPDATE incident SET next_escalation_at = 0 WHERE status IN (10, 20, 30, 40)")
            wipe.commit()
            want, have = _raised(computed, at), _raised(bulk, at)
            assert have == want, at
            total += len(want)
    finally:
        wipe.close()
        computed.close()
        bulk.close()
    assert total > 80  # the comparison is about something
