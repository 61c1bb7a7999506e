"""Incident vocabulary: statuses, levels, the transition table and plain value objects."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from incident_desk.domain.text import unsafe_characters


class DomainError(ValueError):
    """Input that breaks a business rule; the message is one sentence for the user."""


class Status(enum.IntEnum):
    """Lifecycle states; the numbers give the workflow order used for sorting."""

    NEW = 10
    ACKNOWLEDGED = 20
    IN_PROGRESS = 30
    ON_HOLD = 40
    RESOLVED = 50
    CLOSED = 60
    CANCELLED = 70

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]

    @property
    def slug(self) -> str:
        return self.name.lower()

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES

    @classmethod
    def parse(cls, text: str) -> Status:
        """Accept 'in_progress', 'In progress', 'in-progress' or 'IN PROGRESS'."""
        norm = re.sub(r"[\s\-]+", "_", str(text).strip()).lower()
        for status in cls:
            if status.slug == norm:
                return status
        names = ", ".join(s.slug for s in cls)
        raise DomainError(f"Unknown status '{text}'; use one of: {names}.")


_STATUS_LABELS = {
    Status.NEW: "New",
    Status.ACKNOWLEDGED: "Acknowledged",
    Status.IN_PROGRESS: "In progress",
    Status.ON_HOLD: "On hold",
    Status.RESOLVED: "Resolved",
    Status.CLOSED: "Closed",
    Status.CANCELLED: "Cancelled",
}

OPEN_STATUSES = frozenset({Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.ON_HOLD})
TERMINAL_STATUSES = frozenset({Status.CLOSED, Status.CANCELLED})


class Level(enum.IntEnum):
    """Impact and urgency share one three-step scale; 1 is the most severe."""

    HIGH = 1
    MEDIUM = 2
    LOW = 3

    @property
    def label(self) -> str:
        return self.name.capitalize()

    @classmethod
    def parse(cls, text: str | int) -> Level:
        if isinstance(text, Level):
            return text
        norm = str(text).strip().lower()
        aliases = {"high": cls.HIGH, "h": cls.HIGH, "1": cls.HIGH,
                   "medium": cls.MEDIUM, "med": cls.MEDIUM, "m": cls.MEDIUM, "2": cls.MEDIUM,
                   "low": cls.LOW, "l": cls.LOW, "3": cls.LOW}
        if norm not in aliases:
            raise DomainError(f"Unknown level '{text}'; use high, medium or low.")
        return aliases[norm]


Impact = Level
Urgency = Level


class Priority(enum.IntEnum):
    """P1 (critical) to P5 (planning)."""

    P1 = 1
    P2 = 2
    P3 = 3
    P4 = 4
    P5 = 5

    @property
    def label(self) -> str:
        return self.name

    @classmethod
    def parse(cls, text: str | int) -> Priority:
        if isinstance(text, Priority):
            return text
        norm = str(text).strip().upper()
        if norm.isdigit():
            norm = "P" + norm
        try:
            return cls[norm]
        except KeyError:
            raise DomainError(f"Unknown priority '{text}'; use P1, P2, P3, P4 or P5.") from None


class Channel(enum.Enum):
    """How the report reached the desk."""

    PHONE = "phone"
    EMAIL = "email"
    WALK_IN = "walk-in"
    CHAT = "chat"
    MONITORING = "monitoring"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @classmethod
    def parse(cls, text: str) -> Channel:
        norm = str(text).strip().lower().replace("_", "-").replace(" ", "-")
        if norm == "walkin":
            norm = "walk-in"
        for ch in cls:
            if ch.value == norm:
                return ch
        raise DomainError(
            f"Unknown contact channel '{text}'; use one of: {', '.join(c.value for c in cls)}.")


class HoldReason(enum.Enum):
    """Why an incident waits; each pauses the resolution clock."""

    CALLER = "awaiting caller"
    VENDOR = "awaiting vendor"
    CHANGE = "awaiting change"

    @classmethod
    def parse(cls, text: str) -> HoldReason:
        norm = str(text).strip().lower().replace("awaiting", "").strip()
        for reason in cls:
            if reason.name.lower() == norm:
                return reason
        raise DomainError(f"Unknown hold reason '{text}'; use caller, vendor or change.")


class LinkKind(enum.Enum):
    """Relations between incidents; parent_of is read from the other side as child_of."""

    DUPLICATE_OF = "duplicate_of"
    RELATED = "related"
    PARENT_OF = "parent_of"

    @classmethod
    def parse(cls, text: str) -> LinkKind:
        norm = str(text).strip().lower().replace("-", "_").replace(" ", "_")
        for kind in cls:
            if kind.value == norm:
                return kind
        raise DomainError(f"Unknown link kind '{text}'; use duplicate_of, related or parent_of.")


RESOLUTION_CODES = ("fixed", "workaround", "no fault found", "user error", "duplicate",
                    "vendor fix", "change implemented", "not reproducible", "recovered (monitoring)")

# The only allowed moves. Resolving from New / On hold is allowed only as a duplicate.
_TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset({Status.ACKNOWLEDGED, Status.CANCELLED, Status.RESOLVED}),
    Status.ACKNOWLEDGED: frozenset({Status.IN_PROGRESS, Status.RESOLVED, Status.CANCELLED}),
    Status.IN_PROGRESS: frozenset({Status.ON_HOLD, Status.RESOLVED}),
    Status.ON_HOLD: frozenset({Status.IN_PROGRESS, Status.RESOLVED}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.IN_PROGRESS}),
    Status.CLOSED: frozenset(),
    Status.CANCELLED: frozenset(),
}
# New -> Resolved is a fix at first contact (the caller's problem solved on the call): one move, which
# also stamps the acknowledgement. From On hold only a duplicate resolves without resuming work first.
_DUPLICATE_ONLY = frozenset({(Status.ON_HOLD, Status.RESOLVED)})


def allowed_transitions(current: Status, *, as_duplicate: bool = False) -> list[Status]:
    """Statuses reachable from ``current`` in workflow order."""
    targets = []
    for target in sorted(_TRANSITIONS[current]):
        if (current, target) in _DUPLICATE_ONLY and not as_duplicate:
            continue
        targets.append(target)
    if as_duplicate and current in OPEN_STATUSES and Status.RESOLVED not in targets:
        targets.append(Status.RESOLVED)
    return targets


def check_transition(current: Status, target: Status, *, as_duplicate: bool = False) -> None:
    """Raise DomainError naming the allowed moves when current -> target is not one."""
    if target in allowed_transitions(current, as_duplicate=as_duplicate):
        return
    allowed = allowed_transitions(current)
    extra = " (or Resolved as a duplicate)" if current in OPEN_STATUSES and Status.RESOLVED not in allowed else ""
    if allowed:
        names = ", ".join(s.label for s in allowed)
        raise DomainError(
            f"Cannot move an incident from {current.label} to {target.label}; "
            f"allowed from {current.label}: {names}{extra}.")
    raise DomainError(
        f"Cannot move an incident from {current.label} to {target.label}; "
        f"{current.label} is final.")


def is_reopen(current: Status, target: Status) -> bool:
    return current == Status.RESOLVED and target == Status.IN_PROGRESS


def sets_acknowledged(current: Status, target: Status) -> bool:
    """The first move out of New, other than cancelling, acknowledges the incident."""
    return current == Status.NEW and target != Status.CANCELLED


KEY_PREFIX = "INC-"
_KEY_RE = re.compile(r"^\s*(?:INC-?)?0*(\d{1,12})\s*$", re.IGNORECASE)
_KEY_MAX = 2**31 - 1  # limits.WHOLE_MAX: the largest number PostgreSQL's integer id holds


def format_key(number: int) -> str:
    return f"{KEY_PREFIX}{number:06d}"


def parse_key(text: str) -> int:
    """'INC-000123', 'inc-123' and '123' all name incident number 123."""
    match = _KEY_RE.match(str(text))
    if not match or not 0 < int(match.group(1)) <= _KEY_MAX:
        raise DomainError(f"'{text}' is not an incident key; keys look like INC-000123.")
    return int(match.group(1))


def key_in_text(text: str) -> int | None:
    """The incident number a whole search text names ('INC-000123', 'inc-123', '#123', '123'), or None."""
    try:
        return parse_key(str(text).strip().lstrip("#"))
    except DomainError:
        return None


TITLE_MAX = 200
TEXT_MAX = 100_000
# One-line fields, as long as their columns (storage.tables): checked here so SQLite refuses what
# PostgreSQL would, with a sentence instead of a driver error.
NAME_MAX = 200          # reporter name, service
CONTACT_MAX = 254       # an e-mail address at most
REASON_MAX = 2_000      # override and cancel reasons: a sentence or a paragraph, not a document


def _check_encodable(text: str, what: str) -> None:
    # Bytes that are not UTF-8 reach us from a command line as lone surrogates; SQLite cannot store them.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise DomainError(f"The {what} contains bytes that are not valid UTF-8 text; "
                          f"check the terminal's encoding.") from None


def clean_title(title: str | None) -> str:
    text = (title or "").strip()
    _check_encodable(text, "title")
    if not text:
        raise DomainError("The title is empty; say in a few words what is wrong.")
    if len(text) > TITLE_MAX:
        raise DomainError(f"The title is {len(text)} characters long; keep it under {TITLE_MAX + 1}.")
    _check_one_line(text, "title")
    return text


def clean_line(text: str | None, *, what: str, limit: int) -> str:
    """A one-line field (a name, a contact, a service, a reason): stripped, at most ``limit``
    characters, no control or direction-changing characters."""
    value = (text or "").strip()
    if len(value) > limit:
        raise DomainError(f"The {what} is {len(value):,} characters long; the limit is {limit:,}.")
    _check_encodable(value, what)
    _check_one_line(value, what)
    return value


def _check_one_line(text: str, what: str) -> None:
    bad = unsafe_characters(text)
    if bad:
        raise DomainError(f"The {what} contains control characters such as line breaks, or characters that "
                          f"reverse the text's direction ({', '.join(bad[:3])}); use one plain line.")


def clean_text(text: str | None, *, what: str = "text", limit: int = TEXT_MAX) -> str:
    value = text or ""
    if len(value) > limit:
        raise DomainError(f"The {what} is {len(value)} characters long; the limit is {limit}.")
    if "\x00" in value:
        raise DomainError(f"The {what} contains a NUL character, which cannot be stored.")
    _check_encodable(value, what)
    return value


@dataclass(frozen=True)
class Incident:
    """One incident as the upper floors see it (no database objects)."""

    id: int
    key: str
    title: str
    description: str
    category: str
    subcategory: str | None
    service: str | None
    reporter_name: str
    reporter_contact: str
    channel: Channel | None      # None: unknown (imported history that did not record it)
    impact: Level | None
    urgency: Level | None
    priority: Priority
    priority_overridden: bool
    override_reason: str | None
    status: Status
    hold_reason: HoldReason | None
    assignee: str | None
    team: str | None
    opened_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    updated_at: datetime
    reopen_count: int
    resolution_code: str | None
    resolution_notes: str | None
    cancel_reason: str | None
    duplicate_of: str | None
    escalation_level: int
    response_due_at: datetime | None
    resolve_due_at: datetime | None
    sla_paused_remaining_s: int | None
    version: int
    created_by: str | None = None
    source: str | None = None
    external_key: str | None = None
    root_cause: str | None = None
    caller_confirmed_at: datetime | None = None
    caller_confirmation: str | None = None

    def to_dict(self) -> dict:
        """JSON-ready dict with ISO-8601 times carrying their UTC offset."""
        out = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, datetime):
                value = value.isoformat()
            elif isinstance(value, (Status, Channel, HoldReason)):
                value = value.slug if isinstance(value, Status) else value.value
            elif isinstance(value, Priority):
                value = value.label
            elif isinstance(value, Level):
                value = value.name.lower()
            out[name] = value
        return out


@dataclass(frozen=True)
class TimelineEvent:
    """One append-only timeline entry."""

    id: int
    incident_key: str
    at: datetime
    actor: str | None
    kind: str
    field: str | None = None
    old_value: str | None = None
    new_value: str | None = None
    note: str | None = None

    def to_dict(self) -> dict:
        return {"id": self.id, "at": self.at.isoformat(), "actor": self.actor, "kind": self.kind,
                "field": self.field, "old_value": self.old_value, "new_value": self.new_value,
                "note": self.note}


@dataclass(frozen=True)
class Link:
    kind: LinkKind
    from_key: str
    to_key: str
    to_title: str = ""
    to_status: Status | None = None


# Event kinds written to the timeline.
EV_CREATED = "created"
EV_FIELD = "field"
EV_STATUS = "status"
EV_ASSIGN = "assignment"
EV_COMMENT = "comment"
EV_WORK_NOTE = "work_note"
EV_LINK = "link"
EV_ESCALATION = "escalation"
EV_REPORTER_UPDATE = "reporter_update"
EV_SLA = "sla"
EV_WATCH = "watch"
EV_CONFIRMATION = "confirmation"   # the caller confirmed (or disputed) the resolution
EV_POSTMORTEM = "postmortem"       # started, submitted, sent back, approved, reopened
EV_PROBLEM = "problem"             # linked to or unlinked from a problem record
EV_PUBLIC_UPDATE = "public_update"  # an update for stakeholders and the status page (never a comment)
EV_ALERT = "alert"                 # monitoring: an alert fired again, joined, recovered

EDITABLE_FIELDS = ("title", "description", "category", "subcategory", "service", "reporter_name",
                   "reporter_contact", "channel", "impact", "urgency", "priority",
                   "override_reason", "assignee", "team", "resolution_code", "resolution_notes")


@dataclass(frozen=True)
class IncidentFilter:
    """What the table, the CLI and the metrics drill-down ask for; every part is optional."""

    statuses: frozenset[Status] = frozenset()
    priorities: frozenset[Priority] = frozenset()
    categories: frozenset[str] = frozenset()
    assignees: frozenset[str] = frozenset()      # usernames; "" means unassigned
    teams: frozenset[str] = frozenset()
    text: str = ""
    opened_from: datetime | None = None
    opened_to: datetime | None = None
    resolved_from: datetime | None = None
    resolved_to: datetime | None = None
    acknowledged_from: datetime | None = None
    acknowledged_to: datetime | None = None
    open_at: datetime | None = None                # open at this instant (backlog drill-down)
    breaching: bool = False                       # response or resolution target passed
    breach_at: datetime | None = None             # "now" for the breaching test
    escalated: bool = False
    keys: frozenset[int] = frozenset()            # explicit incident numbers (drill-down)

    def __post_init__(self):
        # Every instant a list is asked about lies in the desk's years (the GUI's date pickers, the
        # CLI's --from/--to, a drill-down): none can reach the database as an overflow.
        from incident_desk.domain.limits import check_instant
        for name in _FILTER_INSTANTS:
            value = getattr(self, name)
            if value is not None:
                check_instant(value, name.replace("_", " "))


_FILTER_INSTANTS = ("opened_from", "opened_to", "resolved_from", "resolved_to", "acknowledged_from",
                    "acknowledged_to", "open_at", "breach_at")


SORT_COLUMNS = ("key", "priority", "status", "title", "category", "assignee", "team",
                "opened_at", "updated_at", "resolve_due_at", "resolved_at")


@dataclass(frozen=True)
class Sort:
    column: str = "opened_at"
    descending: bool = True

    def __post_init__(self):
        if self.column not in SORT_COLUMNS:
            raise DomainError(
                f"Cannot sort by '{self.column}'; use one of: {', '.join(SORT_COLUMNS)}.")


class IncidentRow(NamedTuple):
    """The slim row the incident table and `list` show; cheap to build by the page (a named tuple:
    building one is a tuple's cost, where a frozen dataclass sets each of its 17 fields in turn)."""

    id: int
    key: str
    priority: Priority
    status: Status
    title: str
    category: str
    assignee: str | None
    team: str | None
    opened_at: datetime
    updated_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    response_due_at: datetime | None
    resolve_due_at: datetime | None
    sla_paused_remaining_s: int | None
    escalation_level: int
    hold_reason: HoldReason | None
    closed_at: datetime | None = None

    @property
    def ended_at(self) -> datetime | None:
        """When the incident stopped being open: resolved, or closed or cancelled without a resolution."""
        if self.status.is_open:
            return None
        return self.resolved_at or self.closed_at or self.updated_at

    def sort_value(self, column: str):
        """The value a keyset cursor needs for ``column`` (see storage.queries)."""
        if column == "key":
            return self.id
        value = getattr(self, column)
        if isinstance(value, datetime):
            return int(value.timestamp())
        if isinstance(value, enum.Enum):
            return value.value
        return value
