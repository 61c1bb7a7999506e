"""The bounds on what the desk accepts: one time range for every instant, one range for every whole number."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from incident_desk.domain.incident import DomainError

# Every instant the desk stores or is asked about lies in these years (UTC). Later than 2200 is a
# typo, earlier than 1970 predates every incident; both would otherwise overflow a conversion to
# local time or to epoch seconds somewhere (year 0 and year 10000 do not exist for Python).
FIRST_YEAR, LAST_YEAR = 1970, 2200
EARLIEST = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
# The instant the last accepted year ends: the exclusive end of a period "to 2200-12-31" is this one.
LATEST = datetime(LAST_YEAR + 1, 1, 1, tzinfo=UTC)
EARLIEST_EPOCH = 0
LATEST_EPOCH = int(LATEST.timestamp())
RANGE_TEXT = f"the years {FIRST_YEAR} to {LAST_YEAR}"

# Every whole number the desk accepts (versions, counts, limits, seeds, incident numbers) fits a
# signed 32-bit integer: PostgreSQL's integer columns hold no more, and SQLite none of it overflows.
WHOLE_MAX = 2**31 - 1
# Waits between repeated work (escalate --watch): a hundredth of a second to a day.
INTERVAL_MIN_S, INTERVAL_MAX_S = 0.01, 86_400.0

def _shown(text: str, limit: int = 40) -> str:
    text = str(text)
    return text if len(text) <= limit else text[:limit] + "…"


def check_instant(value: datetime, what: str = "time") -> datetime:
    """``value`` in UTC when it has a time zone and lies in the desk's years; else one sentence."""
    if not isinstance(value, datetime):
        raise DomainError(f"The {what} is not a date and time.")
    if value.tzinfo is None or value.utcoffset() is None:
        raise DomainError(f"The {what} has no time zone; add one such as +00:00 or Z.")
    # The year test first: converting year 1 or year 9999 across an offset is itself what overflows.
    if not FIRST_YEAR - 1 <= value.year <= LAST_YEAR + 1:
        raise DomainError(f"The {what} {value.isoformat()} is outside {RANGE_TEXT} that the desk accepts.")
    try:
        utc = value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise DomainError(f"The {what} {value.isoformat()} is outside {RANGE_TEXT} that the desk accepts.") from None
    if not EARLIEST <= utc <= LATEST:
        raise DomainError(f"The {what} {value.isoformat()} is outside {RANGE_TEXT} that the desk accepts.")
    return utc


def check_local_time(value: datetime, what: str = "time") -> datetime:
    """A time without an offset, read in this machine's zone (the caller's ``astimezone()``), in range."""
    if value.tzinfo is None and not FIRST_YEAR - 1 <= value.year <= LAST_YEAR + 1:
        raise DomainError(f"The {what} {value.isoformat()} is outside {RANGE_TEXT} that the desk accepts.")
    try:
        aware = value if value.tzinfo is not None else value.astimezone()
    except (OverflowError, ValueError, OSError):
        raise DomainError(f"The {what} {value.isoformat()} is outside {RANGE_TEXT} that the desk accepts.") from None
    return check_instant(aware, what)


def check_span(start: datetime, length: timedelta, what: str) -> datetime:
    """``start - length`` when that stays in range (a history reaching back from ``start``)."""
    if start - EARLIEST < length:
        raise DomainError(f"The {what} would begin before {FIRST_YEAR}; shorten it or end it later.")
    return start - length


def clamp_epoch(seconds: int) -> int:
    """A stored instant inside the desk's years, so reading one written by an older release (or by hand)
    can never overflow a conversion to a date or to a local time, in any time zone."""
    return min(max(int(seconds), EARLIEST_EPOCH), LATEST_EPOCH)


def check_whole(value, what: str, *, low: int = 0, high: int = WHOLE_MAX) -> int:
    """A whole number in [low, high]; the message names the range."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise DomainError(f"The {what} '{_shown(value)}' is not a whole number.")
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise DomainError(f"The {what} '{_shown(value)}' is not a whole number.") from None
    if not low <= value <= high:
        raise DomainError(f"The {what} must be between {low:,} and {high:,}, not {_shown(f'{value:,}')}.")
    return value


def check_interval(seconds, what: str, *, low: float = INTERVAL_MIN_S, high: float = INTERVAL_MAX_S) -> float:
    """A finite number of seconds in [low, high] (no inf, no NaN, no negative wait)."""
    try:
        value = float(seconds)
    except (TypeError, ValueError, OverflowError):
        raise DomainError(f"The {what} '{_shown(seconds)}' is not a number of seconds.") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise DomainError(f"The {what} must be between {low:g} and {high:g} seconds, not {_shown(seconds)}.")
    return value
