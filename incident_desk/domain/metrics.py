"""Metric definitions, nearest-rank percentiles, UTC bucket maths and the category trend rule."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from incident_desk.domain.incident import DomainError, Priority
from incident_desk.domain.limits import FIRST_YEAR, LAST_YEAR, RANGE_TEXT, check_instant

UTC = UTC
DAY_S = 86_400
GRANULARITIES = ("day", "week", "month")
# Percentiles shown next to every mean; integers so SQL can rank with integer maths.
P50, P90 = 50, 90
# Age buckets of open incidents: (label, lower bound in days, upper bound in days or None).
AGE_BUCKETS = (("up to 1 day", 0, 1), ("1-3 days", 1, 3), ("3-7 days", 3, 7),
               ("7-30 days", 7, 30), ("over 30 days", 30, None))
TOP_CATEGORIES = 6
OTHER = "Other"

# Trend rule: a category is rising when, in the latest complete week (Monday-Sunday UTC) before
# the reference instant, its count is at least TREND_RATIO times the mean of the 8 weeks before,
# and at least TREND_SIGMAS Poisson standard deviations above that mean, and at least
# TREND_MIN_COUNT incidents (so a jump from 1 to 3 is not news).
TREND_WEEKS = 8
TREND_RATIO = 1.5
TREND_SIGMAS = 3.0
TREND_MIN_COUNT = 5

TREND_RULE_TEXT = (
    f"A category is flagged as rising when its count in the latest complete week (Monday to Sunday, "
    f"UTC) is at least {TREND_RATIO:g} times its mean over the {TREND_WEEKS} weeks before, at least "
    f"{TREND_SIGMAS:g} standard deviations (square root of that mean) above it, and at least "
    f"{TREND_MIN_COUNT} incidents.")

DEFINITIONS = {
    "volume": "Volume: incidents opened in the period (counted by opening time), cancelled ones included.",
    "backlog": ("Open backlog: incidents New, Acknowledged, In progress or On hold at the end of the period; "
                "over time, an incident counts as open from opening until its final resolution "
                "(or cancellation), a reopened one for that whole span."),
    "tta": ("Time to acknowledge (TTA): opening to the first move out of New. MTTA is its mean over "
            "incidents acknowledged in the period (by acknowledgement time); On hold never applies."),
    "ttr": ("Time to resolve (TTR): opening to the final resolution. MTTR is its mean over incidents "
            "whose final resolution falls in the period; a reopened incident counts once, with its "
            "final resolution. Incidents closed or cancelled without a resolution time count in "
            "volumes but not in MTTR."),
    "percentiles": ("Median and p90 are nearest-rank: the value at rank ceil(p x n) of the n "
                    "durations sorted ascending (the median of an even count is the lower middle)."),
    "sla": ("SLA compliance: share of incidents resolved in the period whose resolution target was met, "
            "over priorities that have a resolution target (P5 usually has none); response compliance "
            "is the same for acknowledgements and response targets."),
    "sla_target": ("SLA target: the share of incidents the SLA policy means to resolve within target "
                   "(set in the policy; 95 % when it names none), drawn as a line on the compliance chart."),
    "reopen": "Reopen rate: share of the incidents resolved in the period that had been reopened at least once.",
    "change": ("Change: each headline figure against the previous period of equal length that ends where "
               "this one begins, with the same filters. Shares (SLA compliance, reopen rate) change in "
               "percentage points, other figures in per cent of the previous value. Better or worse: "
               "lower is better for backlog, MTTA, MTTR and reopen rate, higher for SLA compliance; "
               "volume is neither. \"All time\" has no previous period."),
    "buckets": ("Days, weeks (Monday to Sunday) and months are UTC. Durations are placed in the period "
                "in which they end (acknowledgement, resolution); volumes in the period of opening; "
                "backlog at the end of each period."),
    "business_hours": "Business hours: durations counted only in the SLA calendar's working hours.",
    "exclude_hold": "Excluding On hold: time spent On hold is subtracted from TTR.",
    "trend": TREND_RULE_TEXT,
}
# What each definition is called where it is listed (the definitions page, the PDF report).
DEFINITION_TITLES = {
    "volume": "Volume", "backlog": "Open backlog", "tta": "MTTA (time to acknowledge)",
    "ttr": "MTTR (time to resolve)", "percentiles": "Median and p90", "sla": "SLA compliance",
    "sla_target": "SLA target", "reopen": "Reopen rate", "change": "Change against the previous period",
    "buckets": "Days, weeks and months", "business_hours": "Business hours", "exclude_hold": "Excluding On hold",
    "trend": "Rising categories",
}

# The headline figures, and which way each should move: +1 higher is better, -1 lower is better,
# 0 neither (more incidents opened is news, not a verdict on the desk).
BETTER_WHEN = {"volume": 0, "backlog": -1, "mtta": -1, "mttr": -1, "sla": 1, "response_sla": 1, "reopen": -1}
# Shares change in percentage points; counts and durations in per cent of the previous value.
IN_POINTS = frozenset({"sla", "response_sla", "reopen"})
UP, DOWN, SAME = "up", "down", "same"
BETTER, WORSE = "better", "worse"
_ARROWS = {UP: "\u25b2", DOWN: "\u25bc", SAME: "="}


def period_text(seconds: float) -> str:
    """How long a period is, in the words a lead uses: '26 weeks', '30 days', '1 day' (days it touches)."""
    days = max(1, math.ceil(seconds / DAY_S - 1e-9))
    if days % 7 == 0 and days >= 14:
        return f"{days // 7} weeks"
    return "1 day" if days == 1 else f"{days} days"


@dataclass(frozen=True)
class Change:
    """One headline figure against the previous period of equal length (see DEFINITIONS["change"])."""

    key: str
    current: float | None
    previous: float | None

    def __post_init__(self) -> None:
        if self.key not in BETTER_WHEN:
            raise DomainError(f"There is no headline figure called '{self.key}'.")

    @property
    def in_points(self) -> bool:
        return self.key in IN_POINTS

    @property
    def amount(self) -> float | None:
        """Percentage points for shares, per cent of the previous value otherwise; None when a side is
        missing or the previous value is 0 (a per cent of nothing)."""
        if self.current is None or self.previous is None:
            return None
        if self.in_points:
            return self.current - self.previous
        if self.previous == 0:
            return None
        return 100.0 * (self.current - self.previous) / self.previous

    def amount_text(self) -> str:
        """'12 %', '0.4 %', '2.1 pts' (unsigned: the arrow gives the sign); '' without an amount."""
        value = self.amount
        if value is None:
            return ""
        if self.in_points:
            return f"{abs(value):.1f} pts"
        return f"{abs(value):.0f} %" if abs(value) >= 9.95 else f"{abs(value):.1f} %"

    @property
    def direction(self) -> str:
        """up, down or same as shown (an amount that rounds to nothing is the same); '' when unknown."""
        if self.current is None or self.previous is None:
            return ""
        if self.amount is None:  # from zero
            return SAME if self.current == 0 else (UP if self.current > 0 else DOWN)
        if self.amount_text().startswith(("0.0 ", "0 ")):
            return SAME
        return UP if self.amount > 0 else DOWN

    @property
    def verdict(self) -> str:
        """better or worse for the desk; '' when the figure has no better side or did not move."""
        sense = BETTER_WHEN[self.key]
        if not sense or self.direction not in (UP, DOWN):
            return ""
        return BETTER if (self.direction == UP) == (sense > 0) else WORSE

    def short(self) -> str:
        """'▲ 12 %', '▼ 2.1 pts', '▲ from 0', '= no change', or 'no earlier figure'."""
        direction = self.direction
        if not direction:
            return "no earlier figure"
        if direction == SAME:
            return f"{_ARROWS[SAME]} no change"
        if self.amount is None:
            return f"{_ARROWS[direction]} from 0"
        return f"{_ARROWS[direction]} {self.amount_text()}"

    def describe(self, period: str) -> str:
        """The whole sentence, colour-free: '▲ 12 % vs previous 26 weeks (worse)'."""
        if not self.direction:
            return f"no figure for the previous {period}"
        verdict = f" ({self.verdict})" if self.verdict else ""
        return f"{self.short()} vs previous {period}{verdict}"


@dataclass(frozen=True)
class MetricsFilter:
    """What a metrics view covers: a half-open UTC period [start, end) plus who and what."""

    start: datetime | None = None
    end: datetime | None = None
    teams: frozenset[str] = frozenset()
    assignees: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    priorities: frozenset[Priority] = frozenset()
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, check_instant(value, f"period {name}"))
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise DomainError("The period ends before it starts; swap the dates.")
        object.__setattr__(self, "priorities", frozenset(Priority.parse(p) for p in self.priorities))
        for name in ("teams", "assignees", "categories"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))


def nearest_rank(values: Sequence[float], percent: int) -> float | None:
    """The nearest-rank percentile: the value at rank ceil(percent/100 x n) of the sorted values."""
    if not values:
        return None
    if not 0 < percent <= 100:
        raise DomainError(f"A percentile must be between 1 and 100, not {percent}.")
    ordered = sorted(values)
    return ordered[rank_of(len(ordered), percent) - 1]


def rank_of(n: int, percent: int) -> int:
    """ceil(percent x n / 100) in integers, the same expression the SQL uses."""
    return (percent * n + 99) // 100


def mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None


def check_granularity(by: str) -> str:
    if by not in GRANULARITIES:
        raise DomainError(f"Cannot group by '{by}'; use day, week or month.")
    return by


def bucket_start(epoch_s: int, by: str) -> int:
    """UTC start (epoch seconds) of the day, Monday-week or month holding ``epoch_s``."""
    check_granularity(by)
    day = epoch_s // DAY_S
    if by == "day":
        return day * DAY_S
    if by == "week":
        # 1970-01-01 was a Thursday: shift by 3 days so weeks start on Mondays.
        return ((day + 3) // 7 * 7 - 3) * DAY_S
    d = datetime.fromtimestamp(epoch_s, UTC)
    return int(datetime(d.year, d.month, 1, tzinfo=UTC).timestamp())


def next_bucket(start_s: int, by: str) -> int:
    """Start of the bucket after the one starting at ``start_s``."""
    if by == "day":
        return start_s + DAY_S
    if by == "week":
        return start_s + 7 * DAY_S
    d = datetime.fromtimestamp(start_s, UTC)
    year, month = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
    return int(datetime(year, month, 1, tzinfo=UTC).timestamp())


def bucket_range(first_s: int, last_s: int, by: str) -> list[int]:
    """Every bucket start from the bucket of ``first_s`` to the bucket of ``last_s``, inclusive."""
    out = []
    b = bucket_start(first_s, by)
    stop = bucket_start(last_s, by)
    while b <= stop:
        out.append(b)
        b = next_bucket(b, by)
    return out


# A series has at most this many points: a chart cannot show more, and a period of decades grouped by
# day would cost seconds and gigabytes. A longer period is grouped more coarsely, and says so.
MAX_SERIES_POINTS = 3000
_COARSER = {"day": "week", "week": "month"}


def bucket_count(start_s: int, end_s: int, by: str) -> int:
    """How many buckets of ``by`` the half-open period [start_s, end_s) touches (arithmetic, no loop)."""
    check_granularity(by)
    last = max(start_s, end_s - 1)
    if by == "month":
        a, b = datetime.fromtimestamp(start_s, UTC), datetime.fromtimestamp(last, UTC)
        return (b.year - a.year) * 12 + b.month - a.month + 1
    step = DAY_S if by == "day" else 7 * DAY_S
    return (bucket_start(last, by) - bucket_start(start_s, by)) // step + 1


def fit_granularity(start_s: int, end_s: int, by: str) -> str:
    """``by``, or the next coarser grouping while the period would have more than MAX_SERIES_POINTS
    points (months always fit: the desk's years hold fewer)."""
    while by in _COARSER and bucket_count(start_s, end_s, by) > MAX_SERIES_POINTS:
        by = _COARSER[by]
    return by


def coarsened_text(asked: str, used: str, start_s: int, end_s: int) -> str:
    """Why a series is grouped by ``used`` when ``asked`` was asked for (empty when they agree)."""
    if asked == used:
        return ""
    return (f"Grouped by {used}: by {asked} this period would have {bucket_count(start_s, end_s, asked):,} "
            f"points, more than the {MAX_SERIES_POINTS:,} a series shows.")


def bucket_label(start_s: int, by: str) -> str:
    d = datetime.fromtimestamp(start_s, UTC)
    if by == "month":
        return d.strftime("%Y-%m")
    return d.date().isoformat()


@dataclass(frozen=True)
class Trend:
    """A category whose latest complete week stands out from its trailing baseline."""

    category: str
    week_start: date
    count: int
    baseline: float

    @property
    def ratio(self) -> float:
        return self.count / self.baseline if self.baseline else math.inf

    def describe(self) -> str:
        if self.baseline:
            return (f"{self.category} is rising: {self.count} incidents in the week of "
                    f"{self.week_start.isoformat()}, {self.ratio:.1f}x its {TREND_WEEKS}-week mean of "
                    f"{self.baseline:.1f}.")
        return (f"{self.category} is rising: {self.count} incidents in the week of "
                f"{self.week_start.isoformat()}, none in the {TREND_WEEKS} weeks before.")


def trend_week(reference_s: int) -> int:
    """Start of the latest complete Monday-week before ``reference_s`` (the week the rule judges)."""
    return bucket_start(reference_s, "week") - 7 * DAY_S


def is_rising(count: int, baseline: float) -> bool:
    """The trend rule (TREND_RULE_TEXT) for one category."""
    if count < TREND_MIN_COUNT:
        return False
    return count >= TREND_RATIO * baseline and count >= baseline + TREND_SIGMAS * math.sqrt(baseline)


def detect_trends(weekly: dict[str, Sequence[int]], week_start_s: int) -> list[Trend]:
    """``weekly`` maps category -> counts of the TREND_WEEKS baseline weeks then the judged week."""
    out = []
    for category, counts in weekly.items():
        counts = list(counts)
        if len(counts) != TREND_WEEKS + 1:
            raise DomainError(f"The trend rule needs {TREND_WEEKS + 1} weekly counts, got {len(counts)}.")
        baseline = sum(counts[:-1]) / TREND_WEEKS
        if is_rising(counts[-1], baseline):
            out.append(Trend(category, datetime.fromtimestamp(week_start_s, UTC).date(), counts[-1], baseline))
    out.sort(key=lambda t: (-t.count / max(t.baseline, 1e-9), t.category))
    return out


def top_categories(totals: dict[str, int], n: int = TOP_CATEGORIES) -> list[str]:
    """The n largest categories by count (ties by name); the rest are shown as Other."""
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
    if len(ranked) <= n + 1:  # an "Other" of a single category is just that category
        return [k for k, _ in ranked]
    return [k for k, _ in ranked[:n]]


def hours(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 3600.0


def parse_day(text: str, what: str) -> date:
    """A strict YYYY-MM-DD date."""
    value = str(text).strip()
    try:
        if len(value) != 10:
            raise ValueError
        day = date.fromisoformat(value)
    except ValueError:
        raise DomainError(f"The {what} '{text}' is not a date; write it as YYYY-MM-DD.") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise DomainError(f"The {what} {value} is outside {RANGE_TEXT} that the desk accepts.")
    return day


def day_start(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


def day_after(d: date) -> datetime:
    return day_start(d) + timedelta(days=1)
