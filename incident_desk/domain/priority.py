"""The impact x urgency matrix that turns two levels into a priority (editable, ITIL default)."""

from __future__ import annotations

from dataclasses import dataclass, field

from incident_desk.domain.incident import DomainError, Level, Priority

# ITIL default, symmetric: High/High=P1, High/Med=P2, High/Low=P3, Med/Med=P3, Med/Low=P4, Low/Low=P5.
_ITIL = {
    (Level.HIGH, Level.HIGH): Priority.P1,
    (Level.HIGH, Level.MEDIUM): Priority.P2,
    (Level.HIGH, Level.LOW): Priority.P3,
    (Level.MEDIUM, Level.MEDIUM): Priority.P3,
    (Level.MEDIUM, Level.LOW): Priority.P4,
    (Level.LOW, Level.LOW): Priority.P5,
}


def _symmetric(cells: dict) -> dict:
    full = dict(cells)
    for (a, b), p in cells.items():
        full.setdefault((b, a), p)
    return full


@dataclass(frozen=True)
class PriorityMatrix:
    """Maps (impact, urgency) to a priority; every one of the nine cells must be set."""

    cells: dict = field(default_factory=lambda: _symmetric(_ITIL))

    def __post_init__(self):
        missing = [(i, u) for i in Level for u in Level if (i, u) not in self.cells]
        if missing:
            i, u = missing[0]
            raise DomainError(f"The priority matrix has no value for impact {i.label} / urgency {u.label}.")

    def priority(self, impact: Level, urgency: Level) -> Priority:
        return self.cells[(Level(impact), Level(urgency))]

    def explain(self, impact: Level, urgency: Level) -> str:
        return (f"Impact {Level(impact).label} x Urgency {Level(urgency).label} = "
                f"{self.priority(impact, urgency).label}")

    def to_dict(self) -> dict:
        return {f"{i.name.lower()}/{u.name.lower()}": p.label for (i, u), p in self.cells.items()}

    @classmethod
    def from_dict(cls, data: dict) -> PriorityMatrix:
        cells = {}
        for name, value in data.items():
            impact, _, urgency = name.partition("/")
            cells[(Level.parse(impact), Level.parse(urgency))] = Priority.parse(value)
        return cls(cells=cells)


DEFAULT_MATRIX = PriorityMatrix()


def ordering_problem(matrix: PriorityMatrix) -> str | None:
    """One sentence when a more severe impact or urgency would give a less urgent priority (a matrix
    nobody means: an outage of everyone ranked below one person's), else None."""
    for impact in Level:
        for urgency in Level:
            here = matrix.priority(impact, urgency)
            for name, worse in (("impact", (Level(impact - 1), urgency) if impact > Level.HIGH else None),
                                ("urgency", (impact, Level(urgency - 1)) if urgency > Level.HIGH else None)):
                if worse is None:
                    continue
                above = matrix.priority(*worse)
                if above > here:
                    return (f"Impact {worse[0].label} / urgency {worse[1].label} gives {above.label}, less urgent "
                            f"than {here.label} for impact {impact.label} / urgency {urgency.label}: a higher "
                            f"{name} may not lower the priority.")
    return None


def derive_priority(impact: Level, urgency: Level, matrix: PriorityMatrix = DEFAULT_MATRIX) -> Priority:
    return matrix.priority(impact, urgency)
