"""SLA targets, the business calendar, pause rules and clock arithmetic over a status history."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from incident_desk.domain.incident import DomainError, Priority, Status

UTC = UTC
_ZERO = timedelta(0)
_SECOND = timedelta(seconds=1)
# Spans longer than this many days add up their whole days from a running total per calendar.
_LONG_SPAN_DAYS = 14
_TOTALS_ORIGIN = date(1999, 12, 1)
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Clock states shown in the UI and stored by the engine.
STATE_NONE = "none"
STATE_OK = "ok"
STATE_WARNING = "warning"
STATE_BREACHED = "breached"
STATE_PAUSED = "paused"
STATE_MET = "met"
STATE_MISSED = "missed"
STATE_STOPPED = "stopped"
# What each state reads as, wherever a clock is shown (table, editor, tray, reports).
STATE_LABELS = {
    STATE_NONE: "No target", STATE_OK: "On track", STATE_WARNING: "At risk", STATE_BREACHED: "Breached",
    STATE_PAUSED: "Paused", STATE_MET: "Met", STATE_MISSED: "Missed", STATE_STOPPED: "Stopped",
}
# The resolution clock counts only in these; ON_HOLD pauses it, the rest stop it.
RESOLUTION_RUNNING = frozenset({Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS})
RESOLUTION_PAUSED = frozenset({Status.ON_HOLD})

PAUSE_POLICY_TEXT = (
    "The response clock runs from logging until the incident is first acknowledged "
    "(or moved on from New) and then stops for good. "
    "The resolution clock runs while the incident is New, Acknowledged or In progress, "
    "pauses while it is On hold and resumes when it leaves On hold; it stops at Resolved, "
    "Closed or Cancelled. A reopened incident resumes its resolution clock from where it "
    "stopped at resolution. Business-hours targets count only the working hours of the "
    "calendar; around-the-clock targets count every second.")


def describe_pause_policy() -> str:
    """The pause rules in one paragraph, for the UI and reports."""
    return PAUSE_POLICY_TEXT


def _aware_utc(value: datetime, what: str) -> datetime:
    if not isinstance(value, datetime):
        raise DomainError(f"The {what} must be a date and time, not {type(value).__name__}.")
    if value.tzinfo is None or value.utcoffset() is None:
        raise DomainError(f"The {what} has no time zone; pass an aware datetime (UTC for stored instants).")
    return value.astimezone(UTC)


def _zone(name: str) -> ZoneInfo:
    if not isinstance(name, str) or not name.strip():
        raise DomainError("The calendar time zone is empty; use an IANA name such as Europe/Berlin.")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise DomainError(f"'{name}' is not a known time zone; use an IANA name such as Europe/Berlin.") from None


def _parse_time(value, what: str) -> time:
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise DomainError(f"The {what} '{value}' is not a time; write it as HH:MM.") from None


def _parse_date(value) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DomainError(f"The holiday '{value}' is not a date; write it as YYYY-MM-DD.") from None


def _format_time(value: time) -> str:
    return value.strftime("%H:%M") if not (value.second or value.microsecond) else value.isoformat()


def _as_status(value) -> Status:
    if isinstance(value, Status):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return Status(value)
        except ValueError:
            raise DomainError(f"{value} is not a status number.") from None
    return Status.parse(value)


@dataclass(frozen=True)
class BusinessCalendar:
    """Working hours as local wall-clock times in one zone, or around the clock."""

    timezone: str = "UTC"
    work_days: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    start: time = time(8, 0)
    end: time = time(18, 0)
    holidays: frozenset[date] = frozenset()
    always_on: bool = False

    def __post_init__(self) -> None:
        # Accept lists from callers and JSON; store frozensets so the calendar stays hashable.
        object.__setattr__(self, "work_days", frozenset(self.work_days))
        object.__setattr__(self, "holidays", frozenset(_parse_date(d) for d in self.holidays))
        object.__setattr__(self, "start", _parse_time(self.start, "opening time"))
        object.__setattr__(self, "end", _parse_time(self.end, "closing time"))
        _zone(self.timezone)
        bad_days = [d for d in self.work_days if not isinstance(d, int) or not 0 <= d <= 6]
        if bad_days:
            raise DomainError(f"Work day {bad_days[0]!r} is not a weekday number; use 0 (Monday) to 6 (Sunday).")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise DomainError("Opening and closing times are local wall-clock times; give them without a time zone.")
        if self.end <= self.start:
            raise DomainError(
                f"The closing time {self.end:%H:%M} must be after the opening time {self.start:%H:%M}.")
        if not self.work_days and not self.always_on:
            raise DomainError("The calendar has no work days; pick at least one or make it around the clock.")

    @property
    def zone(self) -> ZoneInfo:
        return _zone(self.timezone)

    def business_day_seconds(self) -> int:
        """Nominal seconds in one working day (ignoring daylight-saving shifts); 86400 when always on."""
        if self.always_on:
            return 86_400
        wall = datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)
        return int(wall.total_seconds())

    def is_working_day(self, day: date) -> bool:
        return self.always_on or (day.weekday() in self.work_days and day not in self.holidays)

    def working_seconds(self, start: datetime, end: datetime) -> int:
        """Business seconds in [start, end), whole seconds rounded down; 0 when end <= start."""
        return self.working_delta(_aware_utc(start, "start"), _aware_utc(end, "end")) // _SECOND

    def add_working_seconds(self, start: datetime, seconds: int | float) -> datetime:
        """The UTC instant at which ``seconds`` business seconds have elapsed since ``start``."""
        if seconds < 0:
            raise DomainError(f"Cannot add {seconds} working seconds; the amount must not be negative.")
        return self.add_working_delta(_aware_utc(start, "start"), timedelta(seconds=seconds))

    # The two methods below work on exact timedeltas so the clock maths never loses microseconds;
    # the int-second API above is a thin rounding layer over them.

    def working_delta(self, start: datetime, end: datetime) -> timedelta:
        """Exact business time in [start, end) for aware instants."""
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        if end <= start:
            return _ZERO
        if self.always_on:
            return end - start
        zone = self.zone
        day = start.astimezone(zone).date()
        last = end.astimezone(zone).date()
        if (last - day).days > _LONG_SPAN_DAYS and day >= _TOTALS_ORIGIN:
            # The whole days in between come from a running total: a clock open for months would
            # otherwise walk each of its days (an import of open history, a scan of old incidents).
            return (self._clipped(day, zone, start, end) + self._clipped(last, zone, start, end)
                    + self._whole_days(day + timedelta(days=1), last, zone))
        total = _ZERO
        while day <= last:
            total += self._clipped(day, zone, start, end)
            day += timedelta(days=1)
        return total

    def _clipped(self, day: date, zone: ZoneInfo, start: datetime, end: datetime) -> timedelta:
        window = self._window(day, zone)
        if window is None:
            return _ZERO
        lo, hi = max(window[0], start), min(window[1], end)
        return hi - lo if hi > lo else _ZERO

    def _whole_days(self, first: date, stop: date, zone: ZoneInfo) -> timedelta:
        """Business time of the local days first .. stop - 1, whole."""
        totals = self._day_totals  # totals[k]: the days from _TOTALS_ORIGIN before day k
        need = (stop - _TOTALS_ORIGIN).days
        while len(totals) <= need:
            window = self._window(_TOTALS_ORIGIN + timedelta(days=len(totals) - 1), zone)
            totals.append(totals[-1] + (window[1] - window[0] if window is not None else _ZERO))
        return totals[need] - totals[(first - _TOTALS_ORIGIN).days]

    def add_working_delta(self, start: datetime, amount: timedelta) -> datetime:
        """Exact inverse of working_delta: the earliest instant with ``amount`` business time elapsed."""
        start = start.astimezone(UTC)
        if amount <= _ZERO:
            return start
        if self.always_on:
            return start + amount
        zone = self.zone
        remaining = amount
        day = start.astimezone(zone).date()
        # Holidays are finite, so a run of closed days longer than this means no day ever opens.
        idle_limit = len(self.holidays) + 8
        idle = 0
        while True:
            window = self._window(day, zone)
            if window is not None and window[1] > start:
                lo = max(window[0], start)
                available = window[1] - lo
                if remaining <= available:
                    return lo + remaining
                remaining -= available
                idle = 0
            else:
                idle += 1
                if idle > idle_limit:
                    raise DomainError("The calendar has no working hours to count; check its work days and holidays.")
            day += timedelta(days=1)

    def _window(self, day: date, zone: ZoneInfo) -> tuple[datetime, datetime] | None:
        """The working interval of one local date as UTC instants, or None if closed; remembered
        per calendar, because an escalation scan asks for the same few days a hundred thousand times."""
        windows = self._windows
        if day not in windows:
            windows[day] = _day_window(self, day, zone)
        return windows[day]

    @cached_property
    def _windows(self) -> dict:
        return {}  # lives in the instance's __dict__: no field, so equality and hashing ignore it

    @cached_property
    def _day_totals(self) -> list[timedelta]:
        return [_ZERO]

    def to_dict(self) -> dict:
        return {
            "timezone": self.timezone,
            "work_days": sorted(self.work_days),
            "start": _format_time(self.start),
            "end": _format_time(self.end),
            "holidays": [d.isoformat() for d in sorted(self.holidays)],
            "always_on": self.always_on,
        }

    @classmethod
    def from_dict(cls, data: dict) -> BusinessCalendar:
        if not isinstance(data, dict):
            raise DomainError("The calendar settings must be a JSON object.")
        defaults = cls()
        work_days = data.get("work_days", sorted(defaults.work_days))
        holidays = data.get("holidays", [])
        if not isinstance(work_days, (list, tuple)) or not isinstance(holidays, (list, tuple)):
            raise DomainError("The calendar's work days and holidays must be lists.")
        return cls(
            timezone=data.get("timezone", defaults.timezone),
            work_days=frozenset(work_days),
            start=_parse_time(data.get("start", "08:00"), "opening time"),
            end=_parse_time(data.get("end", "18:00"), "closing time"),
            holidays=frozenset(_parse_date(d) for d in holidays),
            always_on=bool(data.get("always_on", False)),
        )

    def describe(self) -> str:
        if self.always_on:
            return "Around the clock"
        days = ", ".join(_WEEKDAY_NAMES[d][:3] for d in sorted(self.work_days))
        holidays = f", {len(self.holidays)} holidays" if self.holidays else ""
        return f"{days} {self.start:%H:%M}-{self.end:%H:%M} {self.timezone}{holidays}"


def _day_window(calendar: BusinessCalendar, day: date, zone: ZoneInfo) -> tuple[datetime, datetime] | None:
    """The working interval of one local date as UTC instants, or None if closed.

    Wall times in a spring-forward gap resolve forward (PEP 495 fold=0), so an opening at a
    missing 02:30 opens at 03:30; an ambiguous fall-back time means its first occurrence.
    """
    if not calendar.is_working_day(day):
        return None
    lo = datetime.combine(day, calendar.start, tzinfo=zone).astimezone(UTC)
    hi = datetime.combine(day, calendar.end, tzinfo=zone).astimezone(UTC)
    if hi <= lo:
        return None
    return lo, hi


ALWAYS_ON = BusinessCalendar(always_on=True)
DEFAULT_CALENDAR = BusinessCalendar()
BUSINESS_DAY_S = DEFAULT_CALENDAR.business_day_seconds()  # 10 h with the 08-18 default


def _check_seconds(value, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise DomainError(f"The {what} must be a positive whole number of seconds, not {value!r}.")
    return value


@dataclass(frozen=True)
class SlaTarget:
    """Response and resolution targets in seconds; business_hours=False counts around the clock."""

    response_s: int | None = None
    resolve_s: int | None = None
    business_hours: bool = False

    def __post_init__(self) -> None:
        _check_seconds(self.response_s, "response target")
        _check_seconds(self.resolve_s, "resolution target")

    def to_dict(self) -> dict:
        return {"response_s": self.response_s, "resolve_s": self.resolve_s,
                "business_hours": self.business_hours}

    @classmethod
    def from_dict(cls, data: dict) -> SlaTarget:
        if not isinstance(data, dict):
            raise DomainError("Each SLA target must be a JSON object.")
        return cls(response_s=data.get("response_s"), resolve_s=data.get("resolve_s"),
                   business_hours=bool(data.get("business_hours", False)))


NO_TARGET = SlaTarget()


# The share of incidents a desk means to resolve within target: the SLA chart's target line. A policy
# saved before it had one reads as this (a common service-desk goal).
DEFAULT_COMPLIANCE_TARGET = 0.95


@dataclass(frozen=True)
class SlaPolicy:
    """A calendar plus per-priority targets; priorities without a target have no clock."""

    name: str
    calendar: BusinessCalendar = DEFAULT_CALENDAR
    targets: dict[Priority, SlaTarget] = field(default_factory=dict)
    warn_fraction: float = 0.75
    compliance_target: float = DEFAULT_COMPLIANCE_TARGET

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise DomainError("The SLA policy needs a name.")
        if not isinstance(self.calendar, BusinessCalendar):
            raise DomainError("The SLA policy's calendar must be a BusinessCalendar.")
        if isinstance(self.warn_fraction, bool) or not isinstance(self.warn_fraction, (int, float)) \
                or not 0 < self.warn_fraction < 1:
            raise DomainError(f"The warning point must be a fraction between 0 and 1, not {self.warn_fraction!r}.")
        if isinstance(self.compliance_target, bool) or not isinstance(self.compliance_target, (int, float)) \
                or not 0 < self.compliance_target <= 1:
            raise DomainError(f"The compliance target must be a share between 0 and 100 %, "
                              f"not {self.compliance_target!r}.")
        targets = {}
        for priority, target in self.targets.items():
            if not isinstance(target, SlaTarget):
                raise DomainError(f"The SLA target for {priority} must be an SlaTarget.")
            targets[Priority.parse(priority)] = target
        object.__setattr__(self, "targets", targets)

    def __hash__(self) -> int:
        # The targets dict would make the generated hash fail; services cache clocks per policy.
        return hash((self.name, self.calendar, tuple(sorted(self.targets.items())), self.warn_fraction,
                     self.compliance_target))

    def target_for(self, priority: Priority) -> SlaTarget:
        return self.targets.get(Priority.parse(priority), NO_TARGET)

    def calendar_for(self, target: SlaTarget) -> BusinessCalendar:
        """The calendar a target counts in: the policy's for business hours, else every second."""
        return self.calendar if target.business_hours else ALWAYS_ON

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "calendar": self.calendar.to_dict(),
            "warn_fraction": self.warn_fraction,
            "compliance_target": self.compliance_target,
            "targets": {p.label: t.to_dict() for p, t in sorted(self.targets.items())},
        }

    @classmethod
    def from_dict(cls, data: dict) -> SlaPolicy:
        if not isinstance(data, dict):
            raise DomainError("The SLA policy must be a JSON object.")
        targets = data.get("targets", {})
        if not isinstance(targets, dict):
            raise DomainError("The SLA policy's targets must map priorities such as P1 to targets.")
        return cls(
            name=data.get("name", ""),
            calendar=BusinessCalendar.from_dict(data.get("calendar", {})),
            targets={Priority.parse(p): SlaTarget.from_dict(t) for p, t in targets.items()},
            warn_fraction=data.get("warn_fraction", 0.75),
            compliance_target=data.get("compliance_target", DEFAULT_COMPLIANCE_TARGET),
        )


DEFAULT_POLICY = SlaPolicy(
    name="Standard",
    calendar=DEFAULT_CALENDAR,
    targets={
        Priority.P1: SlaTarget(response_s=15 * 60, resolve_s=4 * 3600, business_hours=False),
        Priority.P2: SlaTarget(response_s=30 * 60, resolve_s=8 * 3600, business_hours=False),
        Priority.P3: SlaTarget(response_s=4 * 3600, resolve_s=3 * BUSINESS_DAY_S, business_hours=True),
        Priority.P4: SlaTarget(response_s=BUSINESS_DAY_S, resolve_s=5 * BUSINESS_DAY_S, business_hours=True),
    },
)

Interval = tuple[datetime, datetime]
StatusChange = tuple[datetime, Status]


@dataclass(frozen=True)
class Clock:
    """One SLA clock as of ``as_of``; ``segments`` are the real intervals during which it counted."""

    target_s: int | None
    elapsed_s: int
    remaining_s: int | None
    due_at: datetime | None
    state: str
    running: bool
    breached_at: datetime | None
    warn_at: datetime | None
    as_of: datetime
    stopped_at: datetime | None = None
    business_hours: bool = False
    segments: tuple[Interval, ...] = field(default=(), repr=False)
    calendar: BusinessCalendar = field(default=ALWAYS_ON, repr=False, compare=False)
    # Business time of each segment and their sum, computed once: every threshold asked of the
    # clock (warning, breach, each escalation rule) would otherwise walk the calendar again.
    segment_time: tuple[timedelta, ...] = field(default=(), repr=False, compare=False)
    counted: timedelta | None = field(default=None, repr=False, compare=False)

    @property
    def fraction(self) -> float | None:
        """Elapsed share of the target (1.0 = breached); None without a target."""
        if not self.target_s:
            return None
        return self.elapsed_s / self.target_s

    def reached_at(self, fraction: float) -> datetime | None:
        """The real instant the clock counted ``fraction`` of its target, if it had by as_of."""
        if self.target_s is None:
            return None
        return _reached_at(self.calendar, self.segments, _threshold(self.target_s, fraction),
                           lengths=self.segment_time or None)

    def projected_at(self, fraction: float) -> datetime | None:
        """When the clock reaches ``fraction`` of its target: the past instant if it has, the future
        one if it keeps running from as_of, None if it is stopped or paused short of it."""
        reached = self.reached_at(fraction)
        if reached is not None or self.target_s is None or not self.running:
            return reached
        counted = self.counted
        if counted is None:
            counted = sum((self.calendar.working_delta(s, e) for s, e in self.segments), _ZERO)
        return self.calendar.add_working_delta(self.as_of, _threshold(self.target_s, fraction) - counted)


def _threshold(target_s: int, fraction: float) -> timedelta:
    if fraction < 0:
        raise DomainError(f"A clock fraction must not be negative, not {fraction!r}.")
    return timedelta(seconds=target_s * fraction)


def _reached_at(calendar: BusinessCalendar, segments: Sequence[Interval], threshold: timedelta, *,
                lengths: Sequence[timedelta] | None = None) -> datetime | None:
    counted = _ZERO
    for k, (seg_start, seg_end) in enumerate(segments):
        length = lengths[k] if lengths is not None else calendar.working_delta(seg_start, seg_end)
        if counted + length >= threshold:
            return calendar.add_working_delta(seg_start, threshold - counted)
        counted += length
    return None


@dataclass(frozen=True)
class SlaClocks:
    """Both clocks of one incident, plus the start of its current cycle (opening or last reopen)."""

    response: Clock
    resolution: Clock
    cycle_started_at: datetime
    reopen_count: int = 0

    @property
    def response_due_at(self) -> datetime | None:
        return self.response.due_at

    @property
    def resolve_due_at(self) -> datetime | None:
        return self.resolution.due_at

    @property
    def paused_remaining_s(self) -> int | None:
        """Resolution seconds left while On hold (negative if it was already breached)."""
        return self.resolution.remaining_s if self.resolution.state == STATE_PAUSED else None

    def storage_columns(self) -> SlaColumns:
        return SlaColumns(self.response_due_at, self.resolve_due_at, self.paused_remaining_s)


class SlaColumns(NamedTuple):
    """The denormalized SLA columns the storage layer keeps on an incident row."""

    response_due_at: datetime | None
    resolve_due_at: datetime | None
    paused_remaining_s: int | None


def _normalized_history(history: Iterable[StatusChange], opened_at: datetime,
                        now: datetime) -> list[StatusChange]:
    """UTC, chronological, clipped to [opened_at, now]; later entries have not happened yet."""
    out = []
    for at, status in history:
        at = max(_aware_utc(at, "status change time"), opened_at)
        if at <= now:
            out.append((at, _as_status(status)))
    out.sort(key=lambda item: item[0])  # stable: same-instant changes keep their order
    return out


def _status_spans(opened_at: datetime, history: list[StatusChange],
                  now: datetime) -> list[tuple[datetime, datetime, Status]]:
    """(start, end, status) spans covering [opened_at, now], starting in NEW."""
    spans = []
    current, since = Status.NEW, opened_at
    for at, status in history:
        spans.append((since, at, current))
        current, since = status, at
    spans.append((since, now, current))
    return spans


def _build_clock(*, target_s: int | None, calendar: BusinessCalendar, business_hours: bool,
                 segments: list[Interval], running: bool, paused: bool, cancelled: bool,
                 stopped_at: datetime | None, warn_fraction: float, now: datetime) -> Clock:
    segments = [(s, e) for s, e in segments if e > s]
    lengths = tuple(calendar.working_delta(s, e) for s, e in segments)
    counted = sum(lengths, _ZERO)
    elapsed_s = counted // _SECOND
    common = dict(elapsed_s=elapsed_s, running=running, as_of=now, stopped_at=stopped_at,
                  business_hours=business_hours, segments=tuple(segments), calendar=calendar,
                  segment_time=lengths, counted=counted)
    if target_s is None:
        return Clock(target_s=None, remaining_s=None, due_at=None, state=STATE_NONE,
                     breached_at=None, warn_at=None, **common)
    target = timedelta(seconds=target_s)
    breached_at = _reached_at(calendar, segments, target, lengths=lengths)
    warn_at = _reached_at(calendar, segments, _threshold(target_s, warn_fraction), lengths=lengths)
    # Rounded up so a clock one microsecond into its last second still shows a second left.
    remaining_s = -((counted - target) // _SECOND)
    due_at = None
    if running:
        due_at = breached_at or calendar.add_working_delta(now, target - counted)
    if cancelled:
        state = STATE_STOPPED
    elif paused:
        state = STATE_PAUSED
    elif not running:
        # Stopping exactly on the deadline still meets it; a running clock is breached from it on.
        state = STATE_MET if counted <= target else STATE_MISSED
    elif counted >= target:
        state = STATE_BREACHED
    elif warn_at is not None:
        state = STATE_WARNING
    else:
        state = STATE_OK
    return Clock(target_s=target_s, remaining_s=remaining_s, due_at=due_at, state=state,
                 breached_at=breached_at, warn_at=warn_at, **common)


def compute_clocks(policy: SlaPolicy, *, priority: Priority, opened_at: datetime,
                   history: Sequence[StatusChange], now: datetime) -> SlaClocks:
    """Both SLA clocks of an incident from its status changes after opening, as of ``now``."""
    opened_at = _aware_utc(opened_at, "opening time")
    now = max(_aware_utc(now, "current time"), opened_at)
    changes = _normalized_history(history, opened_at, now)
    spans = _status_spans(opened_at, changes, now)
    target = policy.target_for(priority)
    calendar = policy.calendar_for(target)
    current = spans[-1][2]
    common = dict(calendar=calendar, business_hours=target.business_hours,
                  warn_fraction=policy.warn_fraction, now=now)

    # Response: counts only the initial New span; whatever ends it stops it for good.
    exit_at, exit_status = _first_exit_from_new(changes)
    response = _build_clock(
        target_s=target.response_s, segments=[(opened_at, exit_at or now)],
        running=exit_status is None, paused=False, cancelled=exit_status == Status.CANCELLED,
        stopped_at=exit_at, **common)

    running_spans = [(s, e) for s, e, st in spans if st in RESOLUTION_RUNNING]
    stopped_at = spans[-1][0] if current not in RESOLUTION_RUNNING | RESOLUTION_PAUSED else None
    resolution = _build_clock(
        target_s=target.resolve_s, segments=running_spans,
        running=current in RESOLUTION_RUNNING, paused=current in RESOLUTION_PAUSED,
        cancelled=current == Status.CANCELLED, stopped_at=stopped_at, **common)

    reopens = _reopen_instants(changes)
    return SlaClocks(response=response, resolution=resolution,
                     cycle_started_at=reopens[-1] if reopens else opened_at,
                     reopen_count=len(reopens))


def _first_exit_from_new(changes: list[StatusChange]) -> tuple[datetime | None, Status | None]:
    for at, status in changes:
        if status != Status.NEW:
            return at, status
    return None, None


def _reopen_instants(changes: list[StatusChange]) -> list[datetime]:
    reopens, previous = [], Status.NEW
    for at, status in changes:
        if previous == Status.RESOLVED and status == Status.IN_PROGRESS:
            reopens.append(at)
        previous = status
    return reopens


def hold_intervals(history: Sequence[StatusChange], opened_at: datetime,
                   end: datetime) -> list[Interval]:
    """Real intervals spent On hold between opening and ``end``."""
    opened_at = _aware_utc(opened_at, "opening time")
    end = max(_aware_utc(end, "end"), opened_at)
    spans = _status_spans(opened_at, _normalized_history(history, opened_at, end), end)
    return [(s, e) for s, e, status in spans if status in RESOLUTION_PAUSED and e > s]


def hold_seconds(history: Sequence[StatusChange], opened_at: datetime, end: datetime) -> int:
    """Wall-clock seconds spent On hold between opening and ``end``."""
    held = sum((e - s for s, e in hold_intervals(history, opened_at, end)), _ZERO)
    return held // _SECOND


def business_duration(calendar: BusinessCalendar, start: datetime, end: datetime,
                      pauses: Iterable[Interval] = ()) -> int:
    """Business seconds in [start, end) minus those inside ``pauses`` (overlaps counted once)."""
    start, end = _aware_utc(start, "start"), _aware_utc(end, "end")
    if end <= start:
        return 0
    total = calendar.working_delta(start, end)
    for lo, hi in _merge_intervals(pauses, start, end):
        total -= calendar.working_delta(lo, hi)
    return total // _SECOND


def _merge_intervals(intervals: Iterable[Interval], start: datetime, end: datetime) -> list[Interval]:
    clipped = sorted((max(_aware_utc(s, "pause start"), start), min(_aware_utc(e, "pause end"), end))
                     for s, e in intervals)
    merged: list[list[datetime]] = []
    for lo, hi in clipped:
        if hi <= lo:
            continue
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return [(lo, hi) for lo, hi in merged]



class BusinessSecondsIndex:
    """Business seconds of one calendar from a fixed origin to any whole-second instant, so that
    ``at(b) - at(a)`` equals ``business_duration(calendar, a, b)`` for a <= b. Each local day's window
    is looked up once: for bulk work (an import of many incidents) where the same days recur."""

    _ORIGIN = date(1969, 12, 31)  # the local date of epoch 0 in any zone west of UTC

    def __init__(self, calendar: BusinessCalendar):
        self.calendar = calendar
        self.zone = calendar.zone
        self._before: list[int] = [0]          # business seconds before each day since the origin
        self._windows: list[tuple[int, int]] = []

    def at(self, epoch_s: int) -> int:
        if self.calendar.always_on:
            return epoch_s
        day = datetime.fromtimestamp(epoch_s, self.zone).date()
        n = (day - self._ORIGIN).days
        if n < 0:
            raise DomainError("Business time is counted from 1970 on.")
        while len(self._windows) <= n:
            window = self.calendar._window(self._ORIGIN + timedelta(days=len(self._windows)), self.zone)
            lo, hi = (int(window[0].timestamp()), int(window[1].timestamp())) if window else (0, 0)
            self._windows.append((lo, hi))
            self._before.append(self._before[-1] + hi - lo)
        lo, hi = self._windows[n]
        return self._before[n] + (min(max(epoch_s - lo, 0), hi - lo) if hi else 0)
