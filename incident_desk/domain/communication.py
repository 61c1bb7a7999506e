"""Stakeholder communication rules: service states, public update states, templates and the cadence."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from incident_desk.domain.incident import DomainError, Priority, clean_line, clean_text

SERVICE_NAME_MAX = 200      # the incident's own free-text service field holds as much
DESCRIPTION_MAX = 2_000
MESSAGE_MAX = 5_000         # a public update is a paragraph or two, read on a phone
REMIND_BEFORE = timedelta(minutes=5)
HISTORY_DAYS = 14           # the status page shows this many days of history


class ServiceState(enum.Enum):
    """What a status page says about a service, best first (the order is the severity)."""

    OPERATIONAL = "operational"
    MAINTENANCE = "under_maintenance"
    DEGRADED = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"

    @property
    def label(self) -> str:
        return _SERVICE_LABELS[self]

    @property
    def severity(self) -> int:
        return list(ServiceState).index(self)

    @classmethod
    def parse(cls, text: str | ServiceState) -> ServiceState:
        if isinstance(text, ServiceState):
            return text
        norm = re.sub(r"[\s-]+", "_", str(text).strip().lower())
        for state in cls:
            if norm in (state.value, state.name.lower()):
                return state
        if norm in ("maintenance", "degraded"):
            return cls.MAINTENANCE if norm == "maintenance" else cls.DEGRADED
        raise DomainError(f"Unknown service state '{text}'; use operational, degraded_performance, partial_outage, "
                          "major_outage or under_maintenance.")


_SERVICE_LABELS = {
    ServiceState.OPERATIONAL: "Operational",
    ServiceState.MAINTENANCE: "Under maintenance",
    ServiceState.DEGRADED: "Degraded performance",
    ServiceState.PARTIAL_OUTAGE: "Partial outage",
    ServiceState.MAJOR_OUTAGE: "Major outage",
}

# The worst open incident on a service says how bad it is: a P1 takes it down, a P2 takes part of it.
_STATE_BY_PRIORITY = {Priority.P1: ServiceState.MAJOR_OUTAGE, Priority.P2: ServiceState.PARTIAL_OUTAGE,
                      Priority.P3: ServiceState.DEGRADED, Priority.P4: ServiceState.DEGRADED,
                      Priority.P5: ServiceState.DEGRADED}


def derived_state(open_priorities: Iterable[int | Priority]) -> ServiceState:
    """The state of a service from the priorities of the open incidents linked to it."""
    worst = min((Priority(int(p)) for p in open_priorities), default=None)
    return ServiceState.OPERATIONAL if worst is None else _STATE_BY_PRIORITY[worst]


def service_state(open_priorities: Iterable[int | Priority], override: str | None) -> ServiceState:
    """A lead's override wins over what the incidents say, until it is lifted."""
    return ServiceState.parse(override) if override else derived_state(open_priorities)


class UpdateState(enum.Enum):
    """Where a public update says the incident stands (the status-page vocabulary)."""

    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @classmethod
    def parse(cls, text: str | UpdateState) -> UpdateState:
        if isinstance(text, UpdateState):
            return text
        try:
            return cls(str(text).strip().lower())
        except ValueError:
            raise DomainError(f"Unknown update state '{text}'; use investigating, identified, monitoring or "
                              "resolved.") from None


TEMPLATES = {
    UpdateState.INVESTIGATING: "We are investigating reports of problems with {services}. "
                               "We will post an update as soon as we know more.",
    UpdateState.IDENTIFIED: "We have identified the cause of the problems with {services} and are working on a fix.",
    UpdateState.MONITORING: "A fix has been applied to {services}. We are monitoring the results.",
    UpdateState.RESOLVED: "The problems with {services} have been resolved. Thank you for your patience.",
}


def template_for(state: UpdateState | str, services: Iterable[str] = ()) -> str:
    names = [s for s in services if s]
    return TEMPLATES[UpdateState.parse(state)].format(services=", ".join(names) if names else "our services")


def clean_service_name(name: str | None) -> str:
    value = clean_line(name, what="service name", limit=SERVICE_NAME_MAX)
    if not value:
        raise DomainError("A service needs a name.")
    return value


def clean_message(text: str | None) -> str:
    value = clean_text(text, what="message", limit=MESSAGE_MAX).strip()
    if not value:
        raise DomainError("The update's message is empty.")
    return value


# Cadence of public updates on a major incident (P1 always is one; a lead may mark any other as major).
CADENCE = {Priority.P1: timedelta(minutes=30), Priority.P2: timedelta(hours=1), Priority.P3: timedelta(hours=2),
           Priority.P4: timedelta(hours=4), Priority.P5: timedelta(hours=8)}


@dataclass(frozen=True)
class CadenceFacts:
    """What the cadence needs of one open incident."""

    priority: Priority
    major: bool
    opened_at: datetime
    last_update_at: datetime | None
    last_state: UpdateState | None


def is_major(priority: Priority | int, marked: bool) -> bool:
    return marked or Priority(int(priority)) == Priority.P1


def next_update_due(facts: CadenceFacts) -> datetime | None:
    """When the next public update is due, or None: not a major incident, or its last update said resolved."""
    if not is_major(facts.priority, facts.major) or facts.last_state == UpdateState.RESOLVED:
        return None
    start = facts.last_update_at or facts.opened_at
    return start + CADENCE[Priority(int(facts.priority))]


def reminder_at(due: datetime) -> datetime:
    return due - REMIND_BEFORE
