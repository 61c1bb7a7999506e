"""From mapped source rows to incidents as this desk keeps them: values translated, history rebuilt, nothing guessed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from incident_desk.domain.incident import (
    EV_ASSIGN,
    EV_COMMENT,
    EV_CREATED,
    EV_FIELD,
    EV_STATUS,
    TEXT_MAX,
    TITLE_MAX,
    Channel,
    DomainError,
    HoldReason,
    Level,
    Priority,
    Status,
)
from incident_desk.domain.priority import PriorityMatrix
from incident_desk.services.errors import ValidationError
from incident_desk.services.transfer.fields import EMPTY_MARK, VALUE_FIELDS, Mapping, fold
from incident_desk.services.transfer.report import Problem

LIMITS = {"category": 100, "subcategory": 100, "service": 200, "reporter": 200, "contact": 254,
          "resolution_code": 64, "key": 128, "team": 100, "assignee": 200}
OPEN = frozenset({Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.ON_HOLD})
FUTURE_TOLERANCE_S = 300


@dataclass
class SourceRow:
    """One CSV record after mapping: field -> text (None when empty or '?'), dates as epoch seconds."""

    line: int
    values: dict
    multi: dict = field(default_factory=dict)     # field -> every value of its repeated columns

    def get(self, name: str):
        return self.values.get(name)


@dataclass
class HistoryItem:
    """One timeline entry rebuilt from the source (``actor`` is the source's name for a person)."""

    at: int
    kind: str
    field: str | None = None
    old: str | None = None
    new: str | None = None
    note: str | None = None
    actor: str | None = None

    def identity(self) -> tuple:
        """What makes two entries the same change (re-importing a file appends nothing twice)."""
        return (self.at, self.kind, self.field, self.new, self.note if self.kind == EV_COMMENT else None)


@dataclass
class ImportedIncident:
    """An incident ready to be written: typed values, unknowns as None (impact/urgency 0, channel '')."""

    line: int
    lines: list[int]
    external_key: str
    title: str
    description: str
    category: str
    subcategory: str | None
    service: str | None
    reporter_name: str
    reporter_contact: str
    channel: str
    impact: int
    urgency: int
    priority: int
    priority_overridden: bool
    override_reason: str | None
    status: Status
    hold_reason: str | None
    assignee: str | None
    team: str | None
    opened_at: int
    acknowledged_at: int | None
    resolved_at: int | None
    closed_at: int | None
    updated_at: int
    reopen_count: int
    resolution_code: str | None
    resolution_notes: str | None
    cancel_reason: str | None
    history: list[HistoryItem]
    comments: list[str]
    labels: list[str]
    notes: list[str] = field(default_factory=list)
    existing: tuple | None = None   # the desk's row when this key was imported before


_MISSING = object()
_SLUG = {s: s.slug for s in Status}


class RowError(Exception):
    """Problems that make one incident unusable (collected, not raised past the importer)."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems[0].reason if problems else "invalid row")
        self.problems = problems


class Converter:
    """Translates source values with the format's and the user's value tables; unknown values become
    problems, and their distinct values are kept for the hint that says which `--value` maps them."""

    def __init__(self, mapping: Mapping, *, columns: dict[str, str], matrix: PriorityMatrix, source: str,
                 now: int):
        self.mapping = mapping
        self.columns = columns            # field -> header it came from (for problems)
        self.matrix = matrix
        self.source = source
        self.now = now
        self.unknown: dict[str, dict[str, list[int]]] = defaultdict(dict)   # field -> value -> rows
        self.missing_priority: list[int] = []
        self._known: dict[tuple[str, str | None], object] = {}
        self._derived: dict = {}
        self._check_targets()

    def _check_targets(self) -> None:
        """Every `--value` target must itself be a value of this desk: say so before reading a row."""
        for name, table in self.mapping.values.items():
            for source, target in table.items():
                try:
                    self._parse(name, target)
                except DomainError as exc:
                    shown = source or "(empty)"
                    raise ValidationError(f"--value {name}:{shown}={target}: {exc}", field="value") from None

    @staticmethod
    def _parse(name: str, text: str):
        if name == "status":
            status, _, hold = str(text).partition(":")
            parsed = Status.parse(status)
            return (parsed, HoldReason.parse(hold).name.lower() if hold.strip() else None)
        if name == "priority":
            return Priority.parse(text)
        if name in ("impact", "urgency"):
            return Level.parse(text)
        if name == "channel":
            return Channel.parse(text) if str(text).strip().lower() != "unknown" else None
        raise DomainError(f"no values for {name}")

    def value(self, name: str, raw: str | None, line: int, problems: list[Problem]):
        """The desk's value for a source value; None when unknown or unmappable (a problem is added
        for status, priority, impact and urgency; a channel with no equivalent stays unknown)."""
        known = self._known.get((name, raw), _MISSING)  # a file repeats a handful of values
        if known is not _MISSING:
            return known
        table = self.mapping.values.get(name, {})
        key = EMPTY_MARK if raw is None else fold(raw)
        target = table.get(key)
        if target is not None:
            result = self._known[(name, raw)] = self._parse(name, target)
            return result
        if raw is None:
            return None
        try:
            result = self._known[(name, raw)] = self._parse(name, raw)
            return result
        except DomainError:
            rows = self.unknown[name].setdefault(raw, [])
            rows.append(line)
            if name != "channel":
                problems.append(Problem(line, self.columns.get(name, name), raw,
                                        f"unknown {name} value; map it with --value '{name}:{raw}=...'"))
            return None

    def derived(self, impact: Level, urgency: Level) -> Priority:
        """The matrix's priority (asked of the matrix once per pair)."""
        found = self._derived.get((impact, urgency))
        if found is None:
            found = self._derived[(impact, urgency)] = self.matrix.priority(impact, urgency)
        return found

    def hints(self) -> list[str]:
        """For each field with unknown values: the distinct values found and the --value lines for them."""
        out = []
        for name in VALUE_FIELDS:
            found = self.unknown.get(name)
            if not found:
                continue
            choices = {"status": "new|acknowledged|in_progress|on_hold|resolved|closed|cancelled",
                       "priority": "P1..P5", "impact": "high|medium|low", "urgency": "high|medium|low",
                       "channel": "|".join(c.value for c in Channel)}[name]
            values = ", ".join(f"'{v}' ({len(rows)} row{'s' if len(rows) != 1 else ''})"
                               for v, rows in sorted(found.items()))
            what = ("have no equivalent and were recorded as unknown" if name == "channel"
                    else "have no equivalent here")
            out.append(f"{name}: the values {values} {what}. Map them with:")
            out.extend(f"  --value '{name}:{v}={choices}'" for v in sorted(found))
        if self.missing_priority:
            out.append(f"priority: {len(self.missing_priority)} rows give no priority and no impact and urgency to "
                       "derive it from; say what an empty priority means with --value 'priority:=P3' (or another).")
        return out


def text_of(row: SourceRow, name: str) -> str | None:
    value = row.values.get(name)
    return value if value is None or value.__class__ is str else str(value)


def _one_line(text: str) -> str:
    """One line of plain text: breaks, tabs and other control characters become single spaces."""
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split())


def build_incident(rows: list[SourceRow], conv: Converter, *, history: list[HistoryItem] | None = None,
                   latest: SourceRow | None = None) -> ImportedIncident:
    """One incident from its rows: the latest row (``latest``, default the last) gives its values;
    ``history`` (from an event log) replaces the history rebuilt from the row's own times."""
    row = latest or rows[-1]
    problems: list[Problem] = []
    line = row.line
    key = text_of(row, "key")
    if key is None:
        problems.append(Problem(line, conv.columns.get("key", "key"), None,
                                "no key: every imported incident needs the source's key (e.g. INC0010001)"))
    values = row.values
    for name, limit in LIMITS.items():
        value = values.get(name)
        if value is not None and len(value) > limit:
            problems.append(Problem(line, conv.columns.get(name, name), value[:40] + "…",
                                    f"longer than {limit} characters"))
    status_value = conv.value("status", text_of(row, "status"), line, problems)
    if status_value is None and not any(p.column == conv.columns.get("status", "status") for p in problems):
        problems.append(Problem(line, conv.columns.get("status", "status"), None,
                                "no status; map a column to status, or say what an empty one means with "
                                "--value 'status:=closed'"))
    status, hold_reason = status_value if status_value else (None, None)
    impact = conv.value("impact", text_of(row, "impact"), line, problems)
    urgency = conv.value("urgency", text_of(row, "urgency"), line, problems)
    priority = conv.value("priority", text_of(row, "priority"), line, problems)
    channel = conv.value("channel", text_of(row, "channel"), line, problems)
    overridden, reason = False, None
    if priority is None and impact is not None and urgency is not None:
        priority = conv.derived(impact, urgency)
    elif priority is not None and impact is not None and urgency is not None:
        derived = conv.derived(impact, urgency)
        if derived != priority:
            overridden = True
            reason = f"Priority as recorded in {conv.source}; the matrix gives {derived.label}"
    elif priority is None and text_of(row, "priority") is None and not any(
            p.column == conv.columns.get("priority", "priority") for p in problems):
        conv.missing_priority.append(line)
        problems.append(Problem(line, conv.columns.get("priority", "priority"), None,
                                "no priority, and no impact and urgency to derive it from"))
    opened = row.get("opened_at")
    if opened is None:
        problems.append(Problem(line, conv.columns.get("opened_at", "opened_at"), None,
                                "no opening time; every incident needs one"))
    times = {n: row.get(n) for n in ("acknowledged_at", "resolved_at", "closed_at", "updated_at")}
    for name, value in (("opened_at", opened), *times.items()):
        if value is not None and value > conv.now + FUTURE_TOLERANCE_S:
            problems.append(Problem(line, conv.columns.get(name, name), None, f"{name} is in the future"))
        if value is not None and opened is not None and name != "opened_at" and value < opened:
            problems.append(Problem(line, conv.columns.get(name, name), None, f"{name} is before opened_at"))
    resolved, closed = times["resolved_at"], times["closed_at"]
    if resolved is not None and closed is not None and closed < resolved:
        problems.append(Problem(line, conv.columns.get("closed_at", "closed_at"), None,
                                "closed_at is before resolved_at"))
    description = text_of(row, "description") or ""
    if len(description) > TEXT_MAX:
        problems.append(Problem(line, conv.columns.get("description", "description"), description[:40] + "…",
                                f"the description is longer than {TEXT_MAX:,} characters"))
    if problems:
        raise RowError(problems)
    notes: list[str] = []
    title = _one_line(text_of(row, "title") or "")
    if not title:
        title = key
        notes.append("untitled")
    elif len(title) > TITLE_MAX:
        description = f"{title}\n\n{description}".strip()
        title = title[:TITLE_MAX - 1] + "…"
        notes.append("title shortened")
    inc = ImportedIncident(
        line=line, lines=[r.line for r in rows], external_key=key, title=title, description=description,
        category=_one_line(text_of(row, "category") or ""), subcategory=_clean(text_of(row, "subcategory")),
        service=_clean(text_of(row, "service")), reporter_name=_one_line(text_of(row, "reporter") or ""),
        reporter_contact=_one_line(text_of(row, "contact") or ""), channel=channel.value if channel else "",
        impact=int(impact) if impact else 0, urgency=int(urgency) if urgency else 0, priority=int(priority),
        priority_overridden=overridden, override_reason=reason, status=status,
        hold_reason=hold_reason if status == Status.ON_HOLD else None,
        assignee=_clean(text_of(row, "assignee")), team=_clean(text_of(row, "team")), opened_at=opened,
        acknowledged_at=times["acknowledged_at"], resolved_at=None, closed_at=None,
        updated_at=max(t for t in (opened, *times.values()) if t is not None),
        reopen_count=_int(text_of(row, "reopen_count")),
        resolution_code=_clean(text_of(row, "resolution_code")),
        resolution_notes=_clean(text_of(row, "resolution_notes")),
        cancel_reason=None, history=[], comments=[c for c in row.multi.get("comment", []) if c],
        labels=[v for v in row.multi.get("labels", []) if v], notes=notes)
    if status not in (Status.NEW,) and inc.acknowledged_at is None and status != Status.CANCELLED:
        notes.append("acknowledgement unknown")
    _set_end_times(inc, times)
    if history is not None:
        if history and history[0].kind == EV_CREATED and history[0].new is None:
            history[0].new = title  # the event log has no title column of its own
        inc.history = history
    else:
        inc.history = rebuild_history(inc, times, conv.source)
    _add_comments(inc, row)
    if inc.status == Status.CANCELLED:
        inc.cancel_reason = inc.resolution_notes or f"Cancelled in {conv.source}"
    return inc


def _clean(text: str | None) -> str | None:
    text = _one_line(text) if text is not None else None
    return text or None


def _int(text: str | None) -> int:
    try:
        return max(0, int(float(text))) if text is not None else 0
    except ValueError:
        return 0


def _set_end_times(inc: ImportedIncident, times: dict) -> None:
    resolved, closed = times["resolved_at"], times["closed_at"]
    if inc.status in (Status.RESOLVED, Status.CLOSED):
        inc.resolved_at = resolved
    if inc.status in (Status.CLOSED, Status.CANCELLED):
        inc.closed_at = closed
    if inc.status in OPEN and resolved is not None:
        inc.reopen_count = max(inc.reopen_count, 1)  # resolved once, open again: reopened


def _status_event(at: int, status: Status, old: str, note: str | None = None) -> HistoryItem:
    return HistoryItem(at=at, kind=EV_STATUS, field="status", old=old, new=_SLUG[status], note=note)


def rebuild_history(inc: ImportedIncident, times: dict, source: str) -> list[HistoryItem]:
    """The timeline a single row implies: created, acknowledged, (resolved and reopened,) the final
    status, each at its real time; a change whose time the source lacks is placed at the last known
    time and says so."""
    items = [HistoryItem(at=inc.opened_at, kind=EV_CREATED, new=inc.title, note=f"Imported from {source}")]
    current = Status.NEW
    last = inc.opened_at
    unknown_time = "the source gives no time for this change; shown at the last time it gives"
    if inc.acknowledged_at is not None and inc.status != Status.NEW:
        items.append(_status_event(inc.acknowledged_at, Status.ACKNOWLEDGED, _SLUG[current]))
        current, last = Status.ACKNOWLEDGED, inc.acknowledged_at
    final = inc.status
    if final in OPEN and times["resolved_at"] is not None:
        items.append(_status_event(times["resolved_at"], Status.RESOLVED, _SLUG[current]))
        current, last = Status.RESOLVED, times["resolved_at"]
        at = max(times["updated_at"] or last, last)
        items.append(_status_event(at, Status.IN_PROGRESS, _SLUG[current], "Reopened"))
        current, last = Status.IN_PROGRESS, at
    if final in (Status.RESOLVED, Status.CLOSED) and inc.resolved_at is not None:
        items.append(_status_event(inc.resolved_at, Status.RESOLVED, _SLUG[current]))
        current, last = Status.RESOLVED, inc.resolved_at
    if final != current:
        end = inc.closed_at if final in (Status.CLOSED, Status.CANCELLED) else None
        note = None
        if end is None:
            end = max(times["updated_at"] or last, last)
            note = unknown_time
            if final in (Status.CLOSED, Status.CANCELLED) and inc.closed_at is None:
                inc.closed_at = end
        if final == Status.ON_HOLD and inc.hold_reason:
            note = HoldReason[inc.hold_reason.upper()].value + (f"; {note}" if note else "")
        items.append(_status_event(end, final, _SLUG[current], note))
    if inc.assignee or inc.team:
        who = inc.assignee or inc.team
        items.append(HistoryItem(at=inc.opened_at, kind=EV_ASSIGN, field="assignee" if inc.assignee else "team",
                                 new=who, note="as recorded in the source"))
    return items


def _add_comments(inc: ImportedIncident, row: SourceRow) -> None:
    """Comments join the timeline at their own time when the format gives one (Jira), else at the
    incident's last known time; a PagerDuty escalation policy is kept as a note."""
    items = row.multi.get("comment_items")
    if items is None:
        items = [HistoryItem(at=0, kind=EV_COMMENT, note=text) for text in inc.comments]
    for item in items:
        if item.at == 0 or item.at < inc.opened_at:
            item.at = inc.updated_at
        inc.history.append(item)
    policy = text_of(row, "escalation_policy")
    if policy:
        inc.history.append(HistoryItem(at=inc.opened_at, kind=EV_FIELD, field="escalation_policy", new=policy,
                                       note="escalation policy in the source"))
    if inc.labels:
        inc.history.append(HistoryItem(at=inc.opened_at, kind=EV_FIELD, field="labels", new=", ".join(inc.labels),
                                       note="labels in the source"))


def history_from_updates(updates: list[SourceRow], conv: Converter, problems: list[Problem],
                         opened: int) -> list[HistoryItem]:
    """ServiceNow's event log: one row per update, in order; changes of state, assignment, group and
    priority between consecutive updates become timeline entries at the update's time."""
    first = updates[0]
    items = [HistoryItem(at=opened, kind=EV_CREATED, new=None, note=f"Imported from {conv.source} (event log)",
                         actor=text_of(first, "updated_by"))]
    previous = {"status": Status.NEW.slug, "assignee": None, "team": None, "priority": None}
    for update in updates:
        at = update.get("updated_at") or opened
        who = text_of(update, "updated_by")
        value = conv.value("status", text_of(update, "status"), update.line, problems)
        if value is not None:
            status, hold = value
            if status.slug != previous["status"]:
                note = None
                if previous["status"] == Status.RESOLVED.slug and status == Status.IN_PROGRESS:
                    note = "Reopened"
                elif status == Status.ON_HOLD and hold:
                    note = HoldReason[hold.upper()].value
                items.append(HistoryItem(at=at, kind=EV_STATUS, field="status", old=previous["status"],
                                         new=status.slug, note=note, actor=who))
                previous["status"] = status.slug
        for name in ("assignee", "team"):
            now_value = _clean(text_of(update, name))
            if now_value != previous[name]:
                items.append(HistoryItem(at=at, kind=EV_ASSIGN, field=name, old=previous[name], new=now_value,
                                         actor=who))
                previous[name] = now_value
        prio = conv.value("priority", text_of(update, "priority"), update.line, [])
        if prio is not None and prio.label != previous["priority"]:
            if previous["priority"] is not None:
                items.append(HistoryItem(at=at, kind=EV_FIELD, field="priority", old=previous["priority"],
                                         new=prio.label, actor=who))
            previous["priority"] = prio.label
    return items


def group_rows(rows: list[SourceRow]) -> tuple[dict[str, list[SourceRow]], list[SourceRow]]:
    """Rows by key in first-seen order, and the rows without a key."""
    groups: dict[str, list[SourceRow]] = {}
    keyless = []
    for row in rows:
        key = row.get("key")
        if key is None:
            keyless.append(row)
        else:
            groups.setdefault(key, []).append(row)
    return groups, keyless


