"""Closure vocabulary: root-cause categories, the closure policy, problems, action items and redaction."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from incident_desk.domain.incident import DomainError, Priority

# Categories describe what failed or what the process allowed, never who: a postmortem is blameless.
ROOT_CAUSE_CATEGORIES = (
    "software defect", "configuration", "change or deployment", "capacity", "hardware failure",
    "network", "vendor or third party", "security", "data", "process gap", "documentation",
    "external event", "unknown",
)

DAY_S = 86_400
MAX_AUTO_CLOSE_DAYS = 365
DEFAULT_POSTMORTEM_PRIORITIES = frozenset({Priority.P1, Priority.P2})
DEFAULT_AUTO_CLOSE_DAYS = 3
# Who the timeline names when the desk itself closes an incident.
AUTO_CLOSE_ACTOR = "system (auto-close)"


def parse_root_cause(text: str | None) -> str | None:
    """A known root-cause category ('Software defect', 'software-defect'), or None for empty."""
    value = " ".join(str(text or "").replace("_", " ").replace("-", " ").split()).lower()
    if not value:
        return None
    for category in ROOT_CAUSE_CATEGORIES:
        if category == value or category.replace(" or ", " ") == value:
            return category
    raise DomainError(f"Unknown root-cause category '{text}'; use one of: {', '.join(ROOT_CAUSE_CATEGORIES)}.")


@dataclass(frozen=True)
class ClosurePolicy:
    """Which priorities need a postmortem once resolved, and after how many days the desk closes a
    resolved incident by itself (0: never)."""

    postmortem_priorities: frozenset[Priority] = DEFAULT_POSTMORTEM_PRIORITIES
    auto_close_days: int = DEFAULT_AUTO_CLOSE_DAYS

    def __post_init__(self) -> None:
        object.__setattr__(self, "postmortem_priorities",
                           frozenset(Priority.parse(p) for p in self.postmortem_priorities))
        days = self.auto_close_days
        if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_AUTO_CLOSE_DAYS:
            raise DomainError(f"Auto-close days must be a whole number from 0 (never) to {MAX_AUTO_CLOSE_DAYS}, "
                              f"not {days!r}.")

    def requires_postmortem(self, priority: Priority) -> bool:
        return Priority(priority) in self.postmortem_priorities

    def auto_close_at(self, resolved_at: datetime) -> datetime | None:
        """When a resolved incident falls due for closing, or None when the desk never closes by itself."""
        if not self.auto_close_days:
            return None
        return resolved_at + timedelta(days=self.auto_close_days)

    def describe(self) -> str:
        needs = ", ".join(p.label for p in sorted(self.postmortem_priorities)) or "no priority"
        close = (f"closed automatically {self.auto_close_days} day{'s' if self.auto_close_days != 1 else ''} "
                 f"after resolution" if self.auto_close_days else "never closed automatically")
        return f"Postmortem required for {needs}; resolved incidents are {close}."

    def to_dict(self) -> dict:
        return {"postmortem_priorities": [p.label for p in sorted(self.postmortem_priorities)],
                "auto_close_days": self.auto_close_days}

    @classmethod
    def from_dict(cls, data: dict) -> ClosurePolicy:
        if not isinstance(data, dict):
            raise DomainError("The closure policy must be a JSON object.")
        priorities = data.get("postmortem_priorities", [p.label for p in DEFAULT_POSTMORTEM_PRIORITIES])
        if isinstance(priorities, (str, bytes)) or not isinstance(priorities, (list, tuple)):
            raise DomainError("The postmortem priorities must be a list such as [\"P1\", \"P2\"].")
        return cls(postmortem_priorities=frozenset(priorities),
                   auto_close_days=data.get("auto_close_days", DEFAULT_AUTO_CLOSE_DAYS))


DEFAULT_CLOSURE_POLICY = ClosurePolicy()


def parse_choice(cls: type[enum.Enum], text: str, what: str):
    """The member of a string-valued enum that ``text`` names ('known error', 'Known-Error', 'known_error'),
    or a DomainError listing the choices."""
    norm = re.sub(r"[\s\-]+", "_", str(text).strip()).lower()
    for member in cls:
        if member.value == norm:
            return member
    choices = [m.value for m in cls]
    raise DomainError(f"Unknown {what} '{text}'; use {', '.join(choices[:-1])} or {choices[-1]}.")


class ProblemStatus(enum.Enum):
    """A problem is open while its cause is sought, a known error once a workaround is documented."""

    OPEN = "open"
    KNOWN_ERROR = "known_error"
    RESOLVED = "resolved"

    @property
    def label(self) -> str:
        return {"open": "Open", "known_error": "Known error", "resolved": "Resolved"}[self.value]

    @classmethod
    def parse(cls, text: str) -> ProblemStatus:
        return parse_choice(cls, text, "problem status")


class ActionStatus(enum.Enum):
    """Action items are open until done or dropped; only open ones can be overdue."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def is_open(self) -> bool:
        return self in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)

    @classmethod
    def parse(cls, text: str) -> ActionStatus:
        return parse_choice(cls, text, "action item status")


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)

PROBLEM_PREFIX = "PRB-"
_PROBLEM_RE = re.compile(r"^\s*(?:PRB-?)?0*(\d{1,12})\s*$", re.IGNORECASE)


def format_problem_key(number: int) -> str:
    return f"{PROBLEM_PREFIX}{number:06d}"


def parse_problem_key(text: str | int) -> int:
    """'PRB-000007', 'prb-7' and '7' all name problem 7."""
    match = _PROBLEM_RE.match(str(text))
    if not match or int(match.group(1)) == 0:
        raise DomainError(f"'{text}' is not a problem key; keys look like PRB-000007.")
    return int(match.group(1))


def parse_due_date(text: str | date | None) -> date | None:
    """A strict YYYY-MM-DD due date, or None for no date."""
    if text is None or isinstance(text, date):
        return text
    value = str(text).strip()
    if not value:
        return None
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError(f"The due date '{text}' is not a date; write it as YYYY-MM-DD.") from None


def is_overdue(due: date | None, status: ActionStatus, today: date) -> bool:
    """An open item is overdue from the day after its due date (UTC)."""
    return due is not None and status.is_open and due < today


def clean_line(text: str | None, *, what: str, limit: int = 200, required: bool = True) -> str:
    """One line of text (titles, names of who is affected): trimmed, no control characters."""
    value = str(text or "").strip()
    if required and not value:
        raise DomainError(f"The {what} is empty.")
    if len(value) > limit:
        raise DomainError(f"The {what} is {len(value)} characters long; keep it under {limit + 1}.")
    if any(ord(c) < 32 for c in value):
        raise DomainError(f"The {what} contains control characters such as line breaks; use one line.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise DomainError(f"The {what} contains bytes that are not valid UTF-8 text.") from None
    return value


# ---- what a customer may read ------------------------------------------------------------------------

REDACTED = "[redacted]"
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Phone numbers: a run of 7+ digits with the usual separators, optionally with a leading +.
_PHONE_RE = re.compile(r"(?<![\w.])\+?\d[\d ()./-]{5,}\d(?![\w.])")
_DATEISH_RE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def redact(text: str | None, names: Iterable[str]) -> str:
    """``text`` with e-mail addresses, phone numbers and the given people's names replaced by
    [redacted]: a customer report must not carry anyone's name or contact, whoever typed it."""
    if not text:
        return ""
    out = _EMAIL_RE.sub(REDACTED, str(text))
    out = _PHONE_RE.sub(lambda m: m.group(0) if _DATEISH_RE.match(m.group(0)) or _digits(m.group(0)) < 7
                        else REDACTED, out)
    # Longest first, so "Ann Example" goes before "Ann"; whole words only, any case.
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        out = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", REDACTED, out, flags=re.IGNORECASE)
    return out


def redactor(names: Iterable[str]) -> Callable[[str | None], str]:
    """:func:`redact` for many texts and one list of names: the names are one pattern, built once
    (a status page redacts thousands of updates against every account's names)."""
    ordered = sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True)
    pattern = (re.compile("(?<!\\w)(?:" + "|".join(re.escape(n) for n in ordered) + ")(?!\\w)", re.IGNORECASE)
               if ordered else None)

    def apply(text: str | None) -> str:
        if not text:
            return ""
        out = _EMAIL_RE.sub(REDACTED, str(text))
        out = _PHONE_RE.sub(lambda m: m.group(0) if _DATEISH_RE.match(m.group(0)) or _digits(m.group(0)) < 7
                            else REDACTED, out)
        return pattern.sub(REDACTED, out) if pattern is not None else out

    return apply


def _digits(text: str) -> int:
    return sum(c.isdigit() for c in text)


@dataclass(frozen=True)
class Problem:
    """A problem record as the upper floors see it; ``incident_keys`` newest first."""

    id: int
    key: str
    title: str
    description: str
    status: ProblemStatus
    workaround: str
    root_cause: str | None
    owner: str | None
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    version: int
    incident_count: int = 0
    open_incident_count: int = 0
    incident_keys: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"key": self.key, "title": self.title, "description": self.description, "status": self.status.value,
                "workaround": self.workaround, "root_cause": self.root_cause, "owner": self.owner,
                "created_by": self.created_by, "created_at": self.created_at.isoformat(),
                "updated_at": self.updated_at.isoformat(),
                "resolved_at": self.resolved_at.isoformat() if self.resolved_at else None, "version": self.version,
                "incidents": self.incident_count, "open_incidents": self.open_incident_count,
                "incident_keys": list(self.incident_keys)}


@dataclass(frozen=True)
class KnownErrorMatch:
    """A known error whose words a new report shares: shown with its workaround while logging."""

    key: str
    title: str
    workaround: str
    shared_words: tuple[str, ...]


_WORD_RE = re.compile(r"\w+", re.UNICODE)
# Words too common in reports to say two of them are about the same thing.
_STOP_WORDS = frozenset("""
    the and for not with but from this that have has had are was were will can cannot could would should
    does did doing done all any our out off its it's into onto over under again still when then than
    there their they them you your yours she him her his who what which why how very just also only some
    after before since while every each other more most less much many too
    work works working doesn't don't isn't won't can't cant dont doesnt isnt wont
    """.split())


def words(text: str | None) -> set[str]:
    """Meaningful lowercase words of ``text`` (three letters or more, common words left out)."""
    return {w for w in (m.group(0).lower() for m in _WORD_RE.finditer(text or ""))
            if len(w) >= 3 and w not in _STOP_WORDS and not w.isdigit()}


def match_known_error(report_words: set[str], title_words: set[str], all_words: set[str]) -> tuple[str, ...]:
    """The shared words when a report matches a known error, else (): at least two shared words (one
    when the report has only one), one of them in the problem's or its incidents' titles."""
    shared = report_words & all_words
    needed = min(2, len(report_words))
    if not shared or len(shared) < needed or not shared & title_words:
        return ()
    return tuple(sorted(shared))
