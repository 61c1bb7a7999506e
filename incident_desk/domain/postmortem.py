"""Blameless postmortems: the template, statuses, a timeline generated from events, computed durations."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from incident_desk.domain.closure import ActionStatus, is_overdue, parse_choice
from incident_desk.domain.incident import (
    EV_COMMENT,
    EV_CREATED,
    EV_ESCALATION,
    EV_FIELD,
    EV_STATUS,
    EV_WORK_NOTE,
    DomainError,
    Status,
    TimelineEvent,
)


class PostmortemStatus(enum.Enum):
    """Written as a draft, reviewed, then published; a published one may be reopened for revision."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return {"draft": "Draft", "in_review": "In review", "published": "Published"}[self.value]

    @classmethod
    def parse(cls, text: str) -> PostmortemStatus:
        return parse_choice(cls, text, "postmortem status")


# (from, to) -> the verb the timeline and the buttons use.
POSTMORTEM_MOVES = {
    (PostmortemStatus.DRAFT, PostmortemStatus.IN_REVIEW): "submitted for review",
    (PostmortemStatus.IN_REVIEW, PostmortemStatus.DRAFT): "sent back to draft",
    (PostmortemStatus.IN_REVIEW, PostmortemStatus.PUBLISHED): "approved and published",
    (PostmortemStatus.PUBLISHED, PostmortemStatus.DRAFT): "reopened for revision",
}


def check_move(current: PostmortemStatus, target: PostmortemStatus) -> str:
    """The verb for current -> target, or a DomainError naming what is possible from ``current``."""
    verb = POSTMORTEM_MOVES.get((current, target))
    if verb is None:
        allowed = [t.label for (c, t) in POSTMORTEM_MOVES if c == current]
        raise DomainError(f"A postmortem cannot go from {current.label} to {target.label}; "
                          f"from {current.label} it can go to: {', '.join(allowed)}.")
    return verb


@dataclass(frozen=True)
class Section:
    """One part of the blameless template: the field, its heading and the question it answers."""

    name: str
    heading: str
    prompt: str


# The order is the document's order. The prompts steer towards systems and conditions, not people.
SECTIONS = (
    Section("summary", "Summary",
            "What happened and what it meant for the people who rely on the service, in two or three "
            "sentences, for a reader who was not there."),
    Section("customer_impact", "Customer impact",
            "What customers could not do, and how it showed (errors, delays, data). Who and how many are "
            "recorded above; how long is computed from the timeline."),
    Section("detection", "Detection",
            "How we found out (monitoring, a caller, a colleague) and what would have told us sooner."),
    Section("response", "Response",
            "What the responders did and in what order; what helped and what slowed them down."),
    Section("root_cause", "Root cause",
            "The conditions that made this possible. Keep asking why until the answer is a system, a "
            "process or a missing safeguard, never a person."),
    Section("contributing_factors", "Contributing factors",
            "Other conditions that made it worse or longer: load, timing, missing alerts, unclear runbooks."),
    Section("went_well", "What went well", "What worked and should be kept."),
    Section("went_badly", "What went badly", "What was harder than it should have been."),
)
SECTION_NAMES = tuple(s.name for s in SECTIONS)
TEXT_FIELDS = SECTION_NAMES + ("impact_who",)
SECTION_LIMIT = 20_000

# Wording that puts a person where a condition belongs. A hint, not a rule: the author decides.
_BLAME_PATTERNS = (
    r"human error", r"careless\w*", r"negligen\w*", r"should have known", r"(?:his|her|their) fault",
    r"fault of", r"blam\w+", r"incompeten\w+", r"lazy", r"sloppy", r"stupid\w*", r"idiot\w*",
)
_BLAME_RE = re.compile(r"\b(" + "|".join(_BLAME_PATTERNS) + r")\b", re.IGNORECASE)


def blame_hints(text: str | None) -> list[str]:
    """Phrases in ``text`` that name a culprit rather than a condition (each once, as written)."""
    seen: list[str] = []
    for match in _BLAME_RE.finditer(text or ""):
        phrase = match.group(1)
        if phrase.lower() not in (s.lower() for s in seen):
            seen.append(phrase)
    return seen


# ---- the postmortem timeline ---------------------------------------------------------------------

class Milestone(enum.Enum):
    """Instants the durations are measured between; the author marks them on timeline entries."""

    IMPACT_START = "impact_start"
    DETECTED = "detected"
    MITIGATED = "mitigated"

    @property
    def label(self) -> str:
        return {"impact_start": "Impact began", "detected": "Detected", "mitigated": "Mitigated"}[self.value]

    @classmethod
    def parse(cls, text: str | None) -> Milestone | None:
        norm = re.sub(r"[\s\-]+", "_", str(text or "").strip()).lower()
        if not norm or norm == "none":
            return None
        for m in cls:
            if m.value == norm:
                return m
        raise DomainError(f"Unknown milestone '{text}'; use impact_start, detected or mitigated.")


# Entry kinds generated from events; "note" is an entry the author added.
ENTRY_KINDS = ("opened", "acknowledged", "status", "priority", "escalation", "resolved", "reopened", "closed",
               "comment", "work_note", "note")
ENTRY_LIMIT = 2_000


@dataclass(frozen=True)
class EntryDraft:
    """A timeline line generated from one event of the incident's audit trail."""

    at: datetime
    kind: str
    text: str
    actor: str | None
    source_event_id: int


def _status_label(slug: str | None) -> str:
    try:
        return Status.parse(slug or "").label
    except DomainError:
        return slug or "?"


def generate_timeline(events: Iterable[TimelineEvent], key_event_ids: Iterable[int] = (), *,
                      resolution_code: str | None = None) -> list[EntryDraft]:
    """The postmortem timeline from the incident's events (any order in, oldest first out): the opening,
    the acknowledgement, escalations, priority and status changes, and the comments marked as key. The
    last resolution is told with ``resolution_code`` (the incident's final code)."""
    keys = set(key_event_ids)
    out: list[EntryDraft] = []
    for ev in sorted(events, key=lambda e: (e.at, e.id)):
        entry = _entry_for(ev, keys)
        if entry is not None:
            out.append(EntryDraft(at=ev.at, kind=entry[0], text=entry[1][:ENTRY_LIMIT], actor=ev.actor,
                                  source_event_id=ev.id))
    last = next((k for k in range(len(out) - 1, -1, -1) if out[k].kind == "resolved"), None)
    if resolution_code and last is not None and out[last].text == "Resolved":
        d = out[last]
        out[last] = EntryDraft(d.at, d.kind, f"Resolved ({resolution_code})", d.actor, d.source_event_id)
    return out


def _entry_for(ev: TimelineEvent, keys: set[int]) -> tuple[str, str] | None:
    note = f" ({ev.note})" if ev.note else ""
    if ev.kind == EV_CREATED:
        return "opened", f"Incident opened: {ev.new_value}" if ev.new_value else "Incident opened"
    if ev.kind == EV_STATUS:
        old, new = ev.old_value, ev.new_value
        if new == Status.ACKNOWLEDGED.slug:
            return "acknowledged", "Acknowledged"
        if new == Status.RESOLVED.slug:
            return "resolved", "Resolved" + note
        if old == Status.RESOLVED.slug and new == Status.IN_PROGRESS.slug:
            reason = _after_prefix(ev.note, "Reopened")
            return "reopened", "Reopened" + (f": {reason}" if reason else "")
        if new == Status.CLOSED.slug:
            return "closed", "Closed" + note
        return "status", f"Status {_status_label(old)} → {_status_label(new)}{note}"
    if ev.kind == EV_FIELD and ev.field == "priority":
        return "priority", f"Priority {ev.old_value or '?'} → {ev.new_value or '?'}"
    if ev.kind == EV_ESCALATION:
        reason = (ev.note or "").split(";")[0].strip()
        level = f" to {ev.new_value}" if ev.new_value else ""
        return "escalation", f"Escalated{level}" + (f": {reason}" if reason else "")
    if ev.kind in (EV_COMMENT, EV_WORK_NOTE) and ev.id in keys:
        return ("comment" if ev.kind == EV_COMMENT else "work_note"), ev.note or ""
    return None


def _after_prefix(note: str | None, prefix: str) -> str:
    text = (note or "").strip()
    if text.startswith(prefix):
        text = text[len(prefix):].lstrip(":").strip()
    return text


@dataclass(frozen=True)
class TimelineEntry:
    """A line of a postmortem's timeline as stored: generated from an event or added by the author.
    Editing or hiding one changes the postmortem only; the incident's own timeline stays as it was."""

    id: int
    at: datetime
    kind: str
    text: str
    actor: str | None = None
    source_event_id: int | None = None
    milestone: Milestone | None = None
    hidden: bool = False
    edited: bool = False

    def to_dict(self) -> dict:
        return {"id": self.id, "at": self.at.isoformat(), "kind": self.kind, "text": self.text,
                "actor": self.actor, "source_event_id": self.source_event_id,
                "milestone": self.milestone.value if self.milestone else None, "hidden": self.hidden,
                "edited": self.edited}


def milestone_at(entries: Sequence[TimelineEntry], milestone: Milestone) -> datetime | None:
    """The earliest visible entry marked ``milestone``."""
    found = [e.at for e in entries if e.milestone == milestone and not e.hidden]
    return min(found) if found else None


# ---- key durations -------------------------------------------------------------------------------

DURATION_DEFINITIONS = {
    "detect": "Time to detect: from the entry marked 'impact began' to the one marked 'detected' (the "
              "incident's opening when none is marked); unknown until the impact's start is marked.",
    "acknowledge": "Time to acknowledge: from the incident's opening to its first move out of New.",
    "mitigate": "Time to mitigate: from the opening to the entry marked 'mitigated' (the resolution when "
                "none is marked).",
    "resolve": "Time to resolve: from the opening to the final resolution.",
    "impact": "Impact duration: from the impact's start (the opening when unknown) to its mitigation (the "
              "resolution when none is marked).",
    "sla": "SLA: whether the response and resolution targets of the incident's priority were met.",
}


@dataclass(frozen=True)
class KeyDurations:
    """Seconds (None when not known yet); computed from instants, never typed."""

    detect_s: int | None
    acknowledge_s: int | None
    mitigate_s: int | None
    resolve_s: int | None
    impact_s: int | None
    mitigation_marked: bool
    response_sla: str      # met | missed | none | running
    resolution_sla: str

    def to_dict(self) -> dict:
        return {"time_to_detect_s": self.detect_s, "time_to_acknowledge_s": self.acknowledge_s,
                "time_to_mitigate_s": self.mitigate_s, "time_to_resolve_s": self.resolve_s,
                "impact_duration_s": self.impact_s, "response_sla": self.response_sla,
                "resolution_sla": self.resolution_sla}


def _span(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return max(0, int((end - start).total_seconds()))


def compute_durations(*, opened_at: datetime, acknowledged_at: datetime | None, resolved_at: datetime | None,
                      entries: Sequence[TimelineEntry] = (), response_sla: str = "none",
                      resolution_sla: str = "none") -> KeyDurations:
    """Key durations of an incident from its instants and the milestones marked on its postmortem."""
    impact_start = milestone_at(entries, Milestone.IMPACT_START)
    detected = milestone_at(entries, Milestone.DETECTED) or opened_at
    mitigated = milestone_at(entries, Milestone.MITIGATED)
    end_of_impact = mitigated or resolved_at
    return KeyDurations(
        detect_s=_span(impact_start, detected) if impact_start else None,
        acknowledge_s=_span(opened_at, acknowledged_at),
        mitigate_s=_span(opened_at, end_of_impact),
        resolve_s=_span(opened_at, resolved_at),
        impact_s=_span(impact_start or opened_at, end_of_impact),
        mitigation_marked=mitigated is not None,
        response_sla=response_sla, resolution_sla=resolution_sla)


# ---- what the rest of the desk reads ---------------------------------------------------------------

@dataclass(frozen=True)
class ActionItem:
    """Something to do so the incident does not happen again; linked to an incident or a problem."""

    id: int
    title: str
    owner: str | None
    due: date | None
    status: ActionStatus
    incident_key: str | None
    problem_key: str | None
    created_at: datetime
    updated_at: datetime
    done_at: datetime | None = None
    version: int = 1
    owner_name: str | None = None

    def overdue(self, today: date) -> bool:
        return is_overdue(self.due, self.status, today)

    def to_dict(self, today: date | None = None) -> dict:
        out = {"id": self.id, "title": self.title, "owner": self.owner,
               "due": self.due.isoformat() if self.due else None, "status": self.status.value,
               "incident": self.incident_key, "problem": self.problem_key,
               "created_at": self.created_at.isoformat(), "updated_at": self.updated_at.isoformat(),
               "done_at": self.done_at.isoformat() if self.done_at else None, "version": self.version}
        if today is not None:
            out["overdue"] = self.overdue(today)
        return out


@dataclass(frozen=True)
class Postmortem:
    """One incident's postmortem: the template's texts, who wrote and approved it, its timeline."""

    id: int
    incident_key: str
    status: PostmortemStatus
    required: bool
    author: str | None
    approver: str | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    published_at: datetime | None
    version: int
    texts: dict[str, str] = field(default_factory=dict)
    impact_count: int | None = None
    entries: tuple[TimelineEntry, ...] = ()

    def text(self, name: str) -> str:
        return self.texts.get(name) or ""

    def visible_entries(self) -> list[TimelineEntry]:
        return sorted((e for e in self.entries if not e.hidden), key=lambda e: (e.at, e.id))

    def to_dict(self) -> dict:
        return {"id": self.id, "incident": self.incident_key, "status": self.status.value,
                "required": self.required, "author": self.author, "approver": self.approver,
                "created_at": self.created_at.isoformat(), "updated_at": self.updated_at.isoformat(),
                "submitted_at": self.submitted_at.isoformat() if self.submitted_at else None,
                "published_at": self.published_at.isoformat() if self.published_at else None,
                "version": self.version, "impact_count": self.impact_count,
                **{name: self.text(name) for name in TEXT_FIELDS},
                "timeline": [e.to_dict() for e in sorted(self.entries, key=lambda e: (e.at, e.id))]}


def publish_blockers(pm: Postmortem, items: Sequence[ActionItem]) -> list[str]:
    """Why ``pm`` cannot be published yet (empty when it can): the parts a reader needs, and an owner for
    every action item still to be done."""
    problems = []
    for name, what in (("summary", "a summary"), ("impact_who", "who was affected"),
                       ("root_cause", "a root cause")):
        if not pm.text(name).strip():
            problems.append(f"The postmortem needs {what}.")
    for item in items:
        if item.owner is None and item.status.is_open:
            problems.append(f"The action item '{item.title}' has no owner; every action item needs one "
                            f"before the postmortem is published.")
    return problems
