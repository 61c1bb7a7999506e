"""On-call rotations as pure functions: handoffs at a local time in a named zone, restrictions, overrides."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from incident_desk.domain.incident import DomainError
from incident_desk.domain.limits import check_instant

UNITS = {"h": "hours", "d": "days", "w": "weeks"}
EVERY_MAX = {"hours": 24 * 365, "days": 365, "weeks": 52}
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_PEOPLE = 100
MAX_SEGMENTS = 10_000  # a schedule asked for longer than this many shifts is refused, not computed
_EVERY_RE = re.compile(r"^\s*(\d{1,4})\s*(h|d|w|hours?|days?|weeks?)\s*$", re.IGNORECASE)


def parse_every(text: str) -> tuple[int, str]:
    """'1w', '12h', '2 days' -> (count, unit)."""
    match = _EVERY_RE.match(str(text or ""))
    if not match:
        raise DomainError(f"'{text}' is not a handoff interval; write e.g. 12h, 1d or 1w.")
    count, unit = int(match.group(1)), UNITS[match.group(2)[0].lower()]
    if not 1 <= count <= EVERY_MAX[unit]:
        raise DomainError(f"A handoff every {count} {unit} is out of range (1 to {EVERY_MAX[unit]}).")
    return count, unit


def zone(name: str) -> ZoneInfo:
    try:
        if not name or "/" not in name and name != "UTC":
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise DomainError(f"'{name}' is not a known time zone; use an IANA name such as Europe/Berlin.") from None


def parse_days(text: str | None) -> frozenset[int] | None:
    """'mon-fri', 'sat,sun', 'fri-mon' -> weekday numbers (Monday 0); None or '' -> every day."""
    if text is None or not str(text).strip():
        return None
    days: set[int] = set()
    for part in str(text).lower().replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first[:3] not in DAY_NAMES or (last and last[:3] not in DAY_NAMES):
            raise DomainError(f"'{text}' is not a list of days; write e.g. mon-fri or sat,sun.")
        a = DAY_NAMES.index(first[:3])
        b = DAY_NAMES.index(last[:3]) if last else a
        n = a
        while True:
            days.add(n)
            if n == b:
                break
            n = (n + 1) % 7
    return frozenset(days)


def format_days(days: frozenset[int] | None) -> str | None:
    return None if days is None else ",".join(DAY_NAMES[d] for d in sorted(days))


def parse_hours(text: str | None) -> tuple[time, time] | None:
    """'09:00-17:00' (or '22:00-06:00', past midnight) -> (start, end); None or '' -> all day."""
    if text is None or not str(text).strip():
        return None
    first, sep, last = str(text).strip().partition("-")
    try:
        if not sep:
            raise ValueError
        start = time.fromisoformat(first.strip())
        end = time(0) if last.strip() == "24:00" else time.fromisoformat(last.strip())
    except ValueError:
        raise DomainError(f"'{text}' is not a span of hours; write e.g. 09:00-17:00.") from None
    if start == end:
        raise DomainError(f"The hours '{text}' start and end at the same time.")
    return start, end


def format_hours(hours: tuple[time, time] | None) -> str | None:
    return None if hours is None else f"{hours[0]:%H:%M}-{hours[1]:%H:%M}"


def parse_local_start(text: str) -> datetime:
    """'2027-03-15T09:00' -> a wall-clock time without a zone (the rotation's zone gives it meaning)."""
    try:
        value = datetime.fromisoformat(str(text).strip())
    except ValueError:
        raise DomainError(f"'{text}' is not a start time; write e.g. 2027-03-15T09:00.") from None
    if value.tzinfo is not None:
        raise DomainError("Give the start as local time without an offset; --tz names its zone.")
    check_instant(value.replace(tzinfo=UTC), "start")
    return value.replace(second=0, microsecond=0)


def _localize(naive: datetime, tz: ZoneInfo) -> datetime:
    """Wall time in ``tz`` as an instant. A time a spring-forward skips reads with the offset before the
    change (02:30 becomes 03:30 summer time); a time a fall-back repeats is its first occurrence."""
    return naive.replace(tzinfo=tz, fold=0).astimezone(UTC)


@dataclass(frozen=True)
class Shift:
    """Who is on call from ``start`` to ``end`` (UTC instants); ``override`` when someone covers."""

    user: str
    start: datetime
    end: datetime
    override: bool = False
    rotation: str | None = None


@dataclass(frozen=True)
class Rotation:
    """Ordered people handing over every ``every`` ``unit`` at the start's local time in ``tz``."""

    name: str
    users: tuple[str, ...]
    every: int
    unit: str
    start: datetime          # naive wall time in tz
    tz: str
    days: frozenset[int] | None = None
    hours: tuple[time, time] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "users", tuple(self.users))
        if not self.users:
            raise DomainError("A rotation needs at least one person.")
        if len(self.users) > MAX_PEOPLE:
            raise DomainError(f"A rotation holds at most {MAX_PEOPLE} people.")
        if self.unit not in EVERY_MAX or not 1 <= self.every <= EVERY_MAX[self.unit]:
            raise DomainError("The handoff interval is out of range.")
        if self.days is not None and not self.days:
            raise DomainError("A rotation restricted to days needs at least one day.")
        zone(self.tz)

    @property
    def zone(self) -> ZoneInfo:
        return zone(self.tz)

    def handoff(self, n: int) -> datetime:
        """The instant the n-th shift begins (n may be negative). Day and week handoffs keep their local
        time across daylight-saving changes; hour handoffs are every N real hours."""
        if self.unit == "hours":
            return _localize(self.start, self.zone) + timedelta(hours=self.every * n)
        days = self.every * n * (7 if self.unit == "weeks" else 1)
        return _localize(self.start + timedelta(days=days), self.zone)

    def shift_number(self, at: datetime) -> int:
        """The n with handoff(n) <= at < handoff(n + 1)."""
        first = self.handoff(0)
        if self.unit == "hours":
            return int((at - first) // timedelta(hours=self.every))
        period = timedelta(days=self.every * (7 if self.unit == "weeks" else 1))
        n = int((at - first) // period)
        while self.handoff(n) > at:
            n -= 1
        while self.handoff(n + 1) <= at:
            n += 1
        return n

    def person(self, n: int) -> str:
        return self.users[n % len(self.users)]

    def _windows(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """The restricted spans (UTC) that overlap [start, end)."""
        if self.days is None and self.hours is None:
            return [(start, end)]
        tz = self.zone
        out = []
        day = start.astimezone(tz).date() - timedelta(days=1)
        last = end.astimezone(tz).date()
        while day <= last:
            if self.days is None or day.weekday() in self.days:
                lo, hi = self._window_of(day, tz)
                if lo < end and hi > start:
                    out.append((max(lo, start), min(hi, end)))
            day += timedelta(days=1)
        return out

    def _window_of(self, day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
        if self.hours is None:
            return (_localize(datetime.combine(day, time(0)), tz),
                    _localize(datetime.combine(day + timedelta(days=1), time(0)), tz))
        lo_t, hi_t = self.hours
        hi_day = day + timedelta(days=1) if hi_t <= lo_t else day
        return _localize(datetime.combine(day, lo_t), tz), _localize(datetime.combine(hi_day, hi_t), tz)

    def shifts(self, start: datetime, end: datetime) -> list[Shift]:
        """Every on-call span of this rotation overlapping [start, end), cut to it."""
        out: list[Shift] = []
        n = max(self.shift_number(start), 0)  # nobody is on call from a rotation before it starts
        while True:
            lo, hi = self.handoff(n), self.handoff(n + 1)
            if lo >= end:
                return out
            for a, b in self._windows(max(lo, start), min(hi, end)):
                out.append(Shift(self.person(n), a, b, rotation=self.name))
                if len(out) > MAX_SEGMENTS:
                    raise DomainError("That span holds too many shifts; ask for a shorter one.")
            n += 1


@dataclass(frozen=True)
class Override:
    user: str
    start: datetime
    end: datetime


def schedule(rotations: Sequence[Rotation], overrides: Sequence[Override], start: datetime,
             end: datetime) -> list[Shift]:
    """Who is on call over [start, end): overrides first (the latest added wins), then rotations
    restricted to days or hours (they take their hours from an all-day one), then the rest, each group
    in the order given (the first that covers an instant has it). Gaps are left out; neighbouring spans
    of one person from one source are merged."""
    start, end = check_instant(start, "start"), check_instant(end, "end")
    if end <= start:
        return []
    layers: list[list[Shift]] = [[Shift(o.user, max(o.start, start), min(o.end, end), override=True)]
                                 for o in reversed(overrides) if o.start < end and o.end > start]
    ordered = sorted(rotations, key=lambda r: r.days is None and r.hours is None)  # stable: keeps the order
    layers += [r.shifts(start, end) for r in ordered]
    cuts = sorted({start, end} | {s.start for layer in layers for s in layer}
                  | {s.end for layer in layers for s in layer})
    out: list[Shift] = []
    for a, b in zip(cuts, cuts[1:]):
        owner = None
        for layer in layers:
            owner = next((s for s in layer if s.start <= a < s.end), None)
            if owner is not None:
                break
        if owner is None:
            continue
        prev = out[-1] if out else None
        if prev and prev.end == a and prev.user == owner.user and prev.override == owner.override \
                and prev.rotation == owner.rotation and not _is_handoff(rotations, owner, a):
            out[-1] = Shift(prev.user, prev.start, b, prev.override, prev.rotation)
        else:
            out.append(Shift(owner.user, a, b, owner.override, owner.rotation))
    return out


def _is_handoff(rotations: Sequence[Rotation], shift: Shift, at: datetime) -> bool:
    """A one-person rotation still hands over to itself: each shift stays its own calendar event."""
    if shift.override:
        return False
    rotation = next((r for r in rotations if r.name == shift.rotation), None)
    return rotation is not None and rotation.handoff(rotation.shift_number(at)) == at


def on_call_at(rotations: Sequence[Rotation], overrides: Sequence[Override], at: datetime) -> Shift | None:
    """The person on call at ``at`` and the span they hold it over (up to four weeks either side)."""
    at = check_instant(at, "time")
    span = timedelta(weeks=4)
    for shift in schedule(rotations, overrides, at - span, at + span):
        if shift.start <= at < shift.end:
            return shift
    return None


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545: lines longer than 75 octets continue on the next line after a space."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, current = [], b""
    for ch in line:
        enc = ch.encode("utf-8")
        if len(current) + len(enc) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += enc
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def to_ics(team: str, shifts: Sequence[Shift], names: dict[str, str], *, stamp: datetime, uid_base: str) -> str:
    """An iCalendar file with one event per shift, the person's name in the summary."""
    def at(value: datetime) -> str:
        return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Incident Desk//On call//EN", "CALSCALE:GREGORIAN",
             f"X-WR-CALNAME:{_ics_text(f'On call: {team}')}"]
    for shift in shifts:
        name = names.get(shift.user, shift.user)
        what = "covering" if shift.override else "on call"
        lines += ["BEGIN:VEVENT", f"UID:{uid_base}-{shift.user}-{at(shift.start)}@incident-desk",
                  f"DTSTAMP:{at(stamp)}", f"DTSTART:{at(shift.start)}", f"DTEND:{at(shift.end)}",
                  f"SUMMARY:{_ics_text(f'{name} {what} for {team}')}",
                  f"DESCRIPTION:{_ics_text(f'{name} ({shift.user}) is {what} for team {team}.')}",
                  "TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
