"""What an import says when it ends: counts, what it created, every problem by row, column and value."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one row (line in the file), column and value, in one sentence."""

    row: int | None
    column: str | None
    value: str | None
    reason: str

    def to_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}

    def describe(self) -> str:
        where = f"row {self.row}" if self.row is not None else "file"
        if self.column:
            where += f", column '{self.column}'"
        value = f", value {self.value!r}" if self.value is not None else ""
        return f"{where}{value}: {self.reason}"


@dataclass
class ImportReport:
    """Filled while an import runs; ``written`` tells whether anything reached the database."""

    source: str
    file: str
    dry_run: bool = False
    skip_invalid: bool = False
    rows: int = 0
    incidents: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    merged_in_file: int = 0
    left_out_of_mttr: int = 0
    unknown_acknowledgement: int = 0
    escalations_suppressed: int = 0
    written: bool = False
    cancelled: bool = False
    detected: dict = field(default_factory=dict)
    created: dict = field(default_factory=lambda: {"users": [], "teams": [], "categories": []})
    problems: list[Problem] = field(default_factory=list)
    skipped_rows: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems or self.skip_invalid

    def to_dict(self) -> dict:
        return {
            "source": self.source, "file": self.file, "dry_run": self.dry_run, "written": self.written,
            "cancelled": self.cancelled,
            "counts": {"rows": self.rows, "incidents": self.incidents, "new": self.new, "updated": self.updated,
                       "unchanged": self.unchanged, "skipped": self.skipped, "merged_in_file": self.merged_in_file,
                       "left_out_of_mttr": self.left_out_of_mttr,
                       "unknown_acknowledgement": self.unknown_acknowledgement,
                       "escalations_suppressed": self.escalations_suppressed},
            "detected": self.detected, "created": self.created, "skipped_rows": self.skipped_rows,
            "problems": [p.to_dict() for p in self.problems], "notes": self.notes, "hints": self.hints,
        }

    def summary(self) -> str:
        """One line of counts."""
        verb = "Would import" if self.dry_run or not self.written else "Imported"
        if self.cancelled:
            return "Cancelled; the database is unchanged."
        if self.problems and not self.skip_invalid:
            return (f"Nothing was imported: {len(self.problems)} problem{'s' if len(self.problems) != 1 else ''} "
                    f"in {self.file}.")
        return (f"{verb} {_count(self.incidents, 'incident')} from {_count(self.rows, 'row')}: {self.new:,} new, "
                f"{self.updated:,} "
                f"updated, {self.unchanged:,} unchanged, {self.skipped:,} skipped, {self.left_out_of_mttr:,} left "
                f"out of MTTR.")

    def lines(self) -> list[str]:
        """The whole report for people, one fact a line (untrusted values shown quoted, as text)."""
        out = [self.summary()]
        if self.detected:
            out.append("Read as: " + "; ".join(f"{k} {v}" for k, v in self.detected.items()))
        for kind in ("categories", "teams", "users"):
            names = self.created.get(kind) or []
            if names:
                verb = "Would create" if not self.written else "Created"
                singular = {"categories": "category", "teams": "team", "users": "user"}[kind]
                out.append(f"{verb} {_count(len(names), singular)}: {', '.join(names)}")
        out.extend(self.notes)
        if self.skipped_rows and self.skip_invalid:
            out.append(f"Skipped rows: {_ranges(self.skipped_rows)}")
        for problem in self.problems:
            out.append("  " + problem.describe())
        out.extend(self.hints)
        return out


def _ranges(numbers: list[int]) -> str:
    """'2-5, 9, 12-13' for a sorted list of row numbers."""
    parts: list[str] = []
    numbers = sorted(set(numbers))
    start = prev = None
    for n in numbers:
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            parts.append(f"{start}-{prev}" if prev != start else str(start))
            start = prev = n
    if start is not None:
        parts.append(f"{start}-{prev}" if prev != start else str(start))
    return ", ".join(parts)


def _count(n: int, noun: str) -> str:
    """'1 incident', '2 incidents', '1 category', '3 categories'."""
    if n == 1:
        return f"1 {noun}"
    return f"{n:,} {noun[:-1] + 'ies' if noun.endswith('y') else noun + 's'}"
