"""How durations and instants read, the same in the table, the editor, the metrics, the CLI and reports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo

MINUTE, HOUR, DAY = 60, 3600, 86400


def duration(seconds: float) -> str:
    """An elapsed or remaining span: '40 s', '12 min', '2 h 10 min', '3 d 4 h', '177 d'. Two units at most,
    one from ten days on (the hours of a month-old deadline are noise); the sign is the caller's to say."""
    s = int(abs(seconds))
    if s < MINUTE:
        return f"{s} s"
    m = s // MINUTE
    if m < 60:
        return f"{m} min"
    h, m = divmod(m, 60)
    if h < 24:
        return f"{h} h {m} min" if m else f"{h} h"
    d, h = divmod(h, 24)
    if d >= 10 or not h:
        return f"{d} d"
    return f"{d} d {h} h"


def _stat_unit(value: float) -> tuple[str, float]:
    if value < HOUR:
        return "min", MINUTE
    if value < 2 * DAY:
        return "h", HOUR
    return "d", DAY


def stat_durations(values: Sequence[float | None]) -> list[str]:
    """Figures that are read side by side (a mean, its median and p90) in one unit, chosen by the first
    value: '3.2 d', '1.6 d', '5.1 d' — never '3.2 d' beside 'median 38.2 h'. None reads '-'."""
    first = next((v for v in values if v is not None), None)
    if first is None:
        return ["-" for _ in values]
    unit, size = _stat_unit(abs(first))
    digits = 0 if unit == "min" else 1
    return ["-" if v is None else f"{v / size:.{digits}f} {unit}" for v in values]


def stat_duration(value: float | None) -> str:
    """One statistic: '42 min', '5.3 h', '3.2 d', or '-' when there is none."""
    return stat_durations([value])[0]


def exact_duration(seconds: int | None, *, business_day_s: int | None = None) -> str:
    """A configured span written back exactly, so it parses to the same seconds: '4 h', '30 min', '2 bd'
    (business days, when ``business_day_s`` is given), '90 s'; '' for none."""
    if not seconds:
        return ""
    seconds = int(seconds)
    if business_day_s and seconds >= business_day_s and seconds % business_day_s == 0:
        return f"{seconds // business_day_s} bd"
    for unit, size in (("d", DAY), ("h", HOUR), ("min", MINUTE)):
        if unit == "d" and business_day_s:
            continue  # on a business calendar a day means a business day: say 'bd' or hours
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


# ---- instants ----------------------------------------------------------------------------------

def local(value: datetime, tz: tzinfo | None = None) -> datetime:
    """``value`` in ``tz`` (default: this machine's zone). Never raises: an instant at the edge of the
    calendar (year 1 or 9999) that has no local form is shown in UTC instead."""
    try:
        return value.astimezone(tz)
    except (OverflowError, ValueError, OSError):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def time_short(value: datetime | None, tz: tzinfo | None = None) -> str:
    """'2026-12-02 14:05' (lists, the CLI, tooltips); '-' for none."""
    if value is None:
        return "-"
    v = local(value, tz)
    return f"{v.year:04d}-{v:%m-%d %H:%M}"  # %Y is not zero-padded below year 1000 on every C library


def time_long(value: datetime | None, tz: tzinfo | None = None) -> str:
    """'Wed 02 Dec 2026 14:05' (timelines, conflict details); '-' for none."""
    if value is None:
        return "-"
    v = local(value, tz)
    return f"{v:%a %d %b} {v.year:04d} {v:%H:%M}"


def time_brief(value: datetime | None, tz: tzinfo | None = None) -> str:
    """'Wed 02 Dec 14:05' (a due time this week or next); '-' for none."""
    return "-" if value is None else local(value, tz).strftime("%a %d %b %H:%M")
