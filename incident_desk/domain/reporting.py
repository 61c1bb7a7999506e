"""Report arithmetic: calendar months, changes against the previous month, and plain wording of durations."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from incident_desk.domain.incident import DomainError

AUDIENCES = ("internal", "customer")
FORMATS = ("pdf", "html", "md")
_MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{2})\s*$")


@dataclass(frozen=True)
class Month:
    """A calendar month in UTC: [start, end)."""

    year: int
    month: int

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        return self.next().start

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def name(self) -> str:
        return self.start.strftime("%B %Y")

    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def back(self, n: int) -> Month:
        m = self
        for _ in range(n):
            m = m.previous()
        return m


def parse_month(text: str) -> Month:
    """A strict YYYY-MM month."""
    match = _MONTH_RE.match(str(text or ""))
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1970:
        raise DomainError(f"The month '{text}' is not a month; write it as YYYY-MM, e.g. 2026-10.")
    return Month(int(match.group(1)), int(match.group(2)))


def month_of(instant: datetime) -> Month:
    d = instant.astimezone(UTC)
    return Month(d.year, d.month)


def parse_audience(text: str) -> str:
    value = str(text or "").strip().lower()
    if value not in AUDIENCES:
        raise DomainError(f"Unknown audience '{text}'; use internal or customer.")
    return value


def parse_format(text: str) -> str:
    value = str(text or "").strip().lower().lstrip(".")
    value = {"markdown": "md", "htm": "html"}.get(value, value)
    if value not in FORMATS:
        raise DomainError(f"Unknown report format '{text}'; use pdf, html or md.")
    return value


def change_text(current: float | None, previous: float | None, *, unit: str = "%",
                lower_is_better: bool | None, points: bool = False) -> str:
    """'+12 % (worse)', '-3.0 pts (worse)', 'no change' or '-' against the previous month. ``points``
    compares percentages by their difference (percentage points) instead of their ratio; with
    ``lower_is_better=None`` (volumes) a change is neither better nor worse."""
    if current is None or previous is None:
        return "-"
    if points:
        delta = current - previous
        if abs(delta) < 0.05:
            return "no change"
        text = f"{delta:+.1f} pts"
    else:
        if previous == 0:
            return "new" if current else "no change"
        delta = (current - previous) / previous * 100.0
        if abs(delta) < 0.5:
            return "no change"
        text = f"{delta:+.0f} {unit}"
    if lower_is_better is None:
        return text
    better = (delta < 0) if lower_is_better else (delta > 0)
    return f"{text} ({'better' if better else 'worse'})"


def hours_text(seconds: float | None) -> str:
    """Durations for reports, always with their unit: '42 min', '5.3 h', '3.2 d'."""
    if seconds is None:
        return "-"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86_400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86_400:.1f} d"


def pct_text(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} %"


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 incident', '2 incidents', '1,204 known errors'."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"
