"""The import use case: read and check the whole file, then write it in one transaction (or nothing at all)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

from incident_desk.domain.escalation import IncidentSnapshot, due_escalations
from incident_desk.domain.incident import EV_ASSIGN, EV_FIELD, EV_STATUS, Priority, Status, format_key
from incident_desk.services import sla_state
from incident_desk.services.auth import Actor, require
from incident_desk.services.clock import Clock
from incident_desk.services.errors import ValidationError
from incident_desk.services.escalation import schedule_value
from incident_desk.services.settings import SettingsService
from incident_desk.services.transfer.csv_format import CsvFormat
from incident_desk.services.transfer.csv_reading import UNKNOWN, read_table, zone_named
from incident_desk.services.transfer.fields import FIELDS, VALUE_FIELDS, Mapping, fold
from incident_desk.services.transfer.generic_csv import GenericCsv
from incident_desk.services.transfer.jira import Jira
from incident_desk.services.transfer.pagerduty import PagerDuty
from incident_desk.services.transfer.people import Directory
from incident_desk.services.transfer.records import Converter, HistoryItem, ImportedIncident, RowError, SourceRow
from incident_desk.services.transfer.report import ImportReport
from incident_desk.services.transfer.servicenow import ServiceNow
from incident_desk.services.transfer.sla_fast import StoppedClocks
from incident_desk.storage import bulk
from incident_desk.storage import transfer_queries as tq
from incident_desk.storage.database import Store
from incident_desk.storage.queries import epoch, ts

FORMATS: dict[str, type[CsvFormat]] = {"servicenow": ServiceNow, "jira": Jira, "pagerduty": PagerDuty,
                                       "csv": GenericCsv}
FORMAT_NAMES = (*FORMATS, "json")
WRITE_CHUNK = 2000
# Columns an update compares: a re-import that changes none of them leaves the incident as it is.
_COMPARED = ("title", "description", "category", "subcategory", "service", "reporter_name", "reporter_contact",
             "channel", "impact", "urgency", "priority", "status", "hold_reason", "assignee_name", "team_name",
             "opened_at", "acknowledged_at", "resolved_at", "closed_at", "reopen_count", "resolution_code",
             "resolution_notes", "cancel_reason")
_INDEX = {c: n for n, c in enumerate(tq.IMPORT_COLUMNS)}

Progress = Callable[[int, int, str], None]
_STATUS = {s.slug: s for s in Status}


class ImportCancelled(Exception):
    """The user cancelled; the transaction was rolled back and the database is as it was."""


@dataclass(frozen=True)
class ImportOptions:
    """What `incident-desk import` and the wizard ask for."""

    format: str
    path: Path
    mapping: Mapping = field(default_factory=Mapping)
    date_order: str | None = None
    tz: str | None = None
    dry_run: bool = False
    skip_invalid: bool = False
    source: str | None = None


@dataclass(frozen=True)
class Preview:
    headers: list[str]
    rows: list[list[str]]
    columns: dict[str, str | None]       # header -> the field it feeds (None: not read)
    unmapped: dict[str, list[str]]       # field -> source values with no meaning here yet
    described: str
    row_count: int


@dataclass
class Parsed:
    report: ImportReport
    incidents: list[ImportedIncident]


class ImportService:
    """Imports foreign incident exports; the JSON of this desk's own export has its own reader."""

    def __init__(self, store: Store, *, clock: Clock, settings: SettingsService, policies):
        self.store = store
        self.clock = clock
        self.settings = settings
        self.policies = policies

    # ---- reading and checking (no writes) ------------------------------------------------------------

    def preview(self, path: Path, format_name: str, user: Mapping, *, limit: int = 20) -> Preview:
        """What the wizard shows: the first rows, which column each field would read, and for the fields
        whose values must be known here, the distinct values found that nothing maps yet."""
        if format_name not in FORMATS:
            raise ValidationError(f"Unknown format '{format_name}'.", field="format")
        fmt = FORMATS[format_name]()
        table = read_table(path)
        mapping = fmt.mapping(user)
        folded = [fold(h) for h in table.headers]
        columns = {}
        for header, key in zip(table.headers, folded):
            target = mapping.columns.get(key) or (key if fmt.map_field_names and key in FIELDS else None)
            columns[header] = target
        conv = Converter(mapping, columns={}, matrix=self.settings.priority_matrix(), source=fmt.name, now=0)
        unmapped: dict[str, list[str]] = {}
        for index, header in enumerate(table.headers):
            field_name = columns.get(header)
            if field_name not in VALUE_FIELDS:
                continue
            seen: dict[str, None] = {}
            for _, record in table.rows:
                if index < len(record):
                    text = record[index].strip()
                    if text not in UNKNOWN and text not in seen and conv.value(field_name, text, 0, []) is None:
                        seen[text] = None
                if len(seen) >= 50:
                    break
            if seen:
                unmapped.setdefault(field_name, []).extend(v for v in seen if v not in unmapped.get(field_name, []))
        return Preview(headers=table.headers, rows=[r for _, r in table.rows[:limit]], columns=columns,
                       unmapped=unmapped, described=table.describe(), row_count=len(table.rows))

    def parse(self, options: ImportOptions, *, progress: Progress | None = None) -> Parsed:
        """The whole file read, mapped and checked; every problem is in the report."""
        if options.format not in FORMATS:
            raise ValidationError(f"Unknown format '{options.format}'; use one of: {', '.join(FORMAT_NAMES)}.",
                                  field="format")
        fmt = FORMATS[options.format]()
        source = (options.source or fmt.name).strip()
        if not source or len(source) > 32:
            raise ValidationError("--source must be 1 to 32 characters.", field="source")
        report = ImportReport(source=source, file=str(options.path), dry_run=options.dry_run,
                              skip_invalid=options.skip_invalid)
        step = progress or (lambda *_: None)
        step(0, 0, "reading")
        table = read_table(options.path)
        report.detected.update({"format": fmt.label, "encoding": table.encoding,
                                "delimiter": {",": "comma", ";": "semicolon", "\t": "tab"}[table.delimiter]})
        mapping = fmt.mapping(options.mapping)
        uses = fmt.column_uses(table, mapping, options.mapping)
        report.detected["columns"] = ", ".join(f"{u.header} -> {u.field}" for u in uses)
        zone = zone_named(options.tz)
        dates = fmt.date_formats(table, uses, zone=zone, date_order=options.date_order)
        if dates:
            report.detected["dates"] = ", ".join(f"{table.headers[i]} {f.describe()}" for i, f in dates.items())
            # Said, never silently assumed: the zone of every time written without an offset.
            report.detected["zone"] = f"{zone.key or 'this machine'} for times without an offset"
        columns = {}
        for use in uses:
            columns.setdefault(use.field, use.header)
        now = self.clock()
        conv = Converter(mapping, columns=columns, matrix=self.settings.priority_matrix(), source=source,
                         now=epoch(now))
        report.rows = len(table.rows)
        rows: list[SourceRow] = []
        for item in fmt.source_rows(table, uses, dates, report):
            if isinstance(item, RowError):
                self._reject(report, item)
            else:
                rows.append(item)
        incidents = []
        for item in fmt.incidents(rows, conv, report):
            if isinstance(item, RowError):
                self._reject(report, item)
            else:
                incidents.append(item)
        report.hints = conv.hints()
        report.problems.sort(key=lambda p: (p.row or 0))
        report.skipped = len(set(report.skipped_rows))
        report.incidents = len(incidents)
        return Parsed(report, incidents)

    @staticmethod
    def _reject(report: ImportReport, error: RowError) -> None:
        report.problems.extend(error.problems)
        report.skipped_rows.extend(p.row for p in error.problems if p.row is not None)

    # ---- the import -------------------------------------------------------------------------------------

    def run(self, *, actor: Actor, options: ImportOptions, progress: Progress | None = None,
            cancel: threading.Event | None = None) -> ImportReport:
        """Check everything; unless it is a dry run or a problem stops it, write all in one transaction."""
        require(actor, "data.import")
        parsed = self.parse(options, progress=progress)
        report, incidents = parsed.report, parsed.incidents
        if report.problems and not options.skip_invalid:
            report.incidents = 0
            return report
        step = progress or (lambda *_: None)
        if options.dry_run:
            with self.store.read():
                directory = self._plan(incidents, report)
                user_ids, team_ids = directory.known_ids()
                # Which keys seen before would change: the same comparison the import makes, no writes.
                _Writer(self, incidents, user_ids, team_ids, self.clock(), report, actor, step, cancel,
                        dry_run=True).compare_updates()
            return report
        now = self.clock()
        try:
            # Names are looked up inside the write lock: another desk may be importing too. The indexes
            # are kept row by row (rebuilding them all cost more at 100,000 rows); statistics after.
            with bulk.bulk_session(self.store, drop_indexes=False):
                directory = self._plan(incidents, report)
                user_ids, team_ids = directory.write_new(epoch(now))
                _Writer(self, incidents, user_ids, team_ids, now, report, actor, step, cancel).write()
        except ImportCancelled:
            report.cancelled = True
            return report
        report.written = True
        return report

    def _plan(self, incidents: list[ImportedIncident], report: ImportReport) -> Directory:
        """Names resolved against the desk (the missing ones planned), existing incidents found, counts."""
        directory = Directory(self.store)
        existing = tq.imported_incidents(self.store, report.source, [i.external_key for i in incidents])
        report.new = report.updated = report.left_out_of_mttr = report.unknown_acknowledgement = 0
        notes = {"untitled": 0, "title shortened": 0}
        for inc in incidents:
            inc.assignee = directory.user(inc.assignee)
            inc.team = directory.team(inc.team)
            inc.category, inc.subcategory = directory.category_names(inc.category, inc.subcategory)
            for item in inc.history:
                if item.kind == EV_ASSIGN:
                    resolve = directory.user if item.field == "assignee" else directory.team
                    item.old, item.new = resolve(item.old), resolve(item.new)
            inc.existing = existing.get(inc.external_key)
            if inc.existing is None:
                report.new += 1
            else:
                report.updated += 1
            if inc.status in (Status.RESOLVED, Status.CLOSED) and inc.resolved_at is None:
                report.left_out_of_mttr += 1
            if "acknowledgement unknown" in inc.notes:
                report.unknown_acknowledgement += 1
            for note in inc.notes:
                if note in notes:
                    notes[note] += 1
        report.created = directory.created()
        if report.left_out_of_mttr:
            report.notes.append(f"{report.left_out_of_mttr:,} incidents were closed without a resolution time: they "
                                "count in volumes, their resolution time is unknown and they are left out of MTTR.")
        if report.unknown_acknowledgement:
            report.notes.append(f"{report.unknown_acknowledgement:,} incidents give no acknowledgement time: it is "
                                "recorded as unknown and they are left out of MTTA.")
        if notes["untitled"]:
            report.notes.append(f"{notes['untitled']:,} incidents had no title; their source key is their title.")
        if notes["title shortened"]:
            report.notes.append(f"{notes['title shortened']:,} titles were longer than 200 characters: shortened, "
                                "with the whole title at the start of the description.")
        if report.merged_in_file:
            report.notes.append(f"{report.merged_in_file:,} rows repeated an earlier row's key and updated it.")
        return directory


class _Writer:
    """Writes one planned import inside the caller's transaction: new incidents by executemany,
    updated ones with their changes on the timeline, SLA clocks and the escalation schedule."""

    def __init__(self, service: ImportService, incidents: list[ImportedIncident], user_ids: dict, team_ids: dict,
                 now: datetime, report: ImportReport, actor: Actor, progress: Progress, cancel: threading.Event | None,
                 *, dry_run: bool = False):
        self.store = service.store
        self.incidents = incidents
        self.user_ids, self.team_ids = user_ids, team_ids
        self.now, self.now_e = now, epoch(now)
        self.report = report
        self.actor = actor
        self.progress = progress
        self.cancel = cancel
        self.sla = service.settings.sla_policy()
        self.stopped = StoppedClocks(self.sla)
        self.escalation = service.policies.escalation_policy()
        self.dry_run = dry_run
        self.suppressed: list[tuple] = []
        self.schedule: list[tuple[int | None, int]] = []

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise ImportCancelled()

    def write(self) -> None:
        new = [inc for inc in self.incidents if inc.existing is None]
        updates = [(inc, inc.existing) for inc in self.incidents if inc.existing is not None]
        total = len(self.incidents)
        ids = tq.allocate_incident_ids(self.store, len(new))
        done = 0
        for rows, events, search in _ahead(self._new_rows(ids, new)):
            self._check_cancel()
            tq.insert_incidents(self.store, rows)
            tq.insert_events(self.store, events)
            tq.index_search(self.store, search, replace=False)
            done += len(rows)
            self.progress(done, total, "writing")
        for start in range(0, len(updates), WRITE_CHUNK):
            self._check_cancel()
            self._update(updates[start:start + WRITE_CHUNK])
            done += len(updates[start:start + WRITE_CHUNK])
            self.progress(done, total, "writing")
        self._check_cancel()
        tq.insert_suppressed_escalations(self.store, self.suppressed)
        self.report.escalations_suppressed = len(self.suppressed)
        self._check_cancel()

    def compare_updates(self) -> None:
        """Count the incidents seen before as updated or unchanged (a dry run)."""
        updates = [(inc, inc.existing) for inc in self.incidents if inc.existing is not None]
        for start in range(0, len(updates), WRITE_CHUNK):
            self._check_cancel()
            self._update(updates[start:start + WRITE_CHUNK])

    def _new_rows(self, ids: list[int], new: list[ImportedIncident]) -> Iterator[tuple[list, list, list]]:
        """(incident rows, timeline rows, search rows) of the new incidents, a chunk at a time."""
        for start in range(0, len(new), WRITE_CHUNK):
            rows, events, search = [], [], []
            for incident_id, inc in zip(ids[start:start + WRITE_CHUNK], new[start:start + WRITE_CHUNK]):
                rows.append(self._row(incident_id, inc, version=1, level=0, fired=set()))
                events.extend(self._events(incident_id, inc.history, version=1))
                search.append((incident_id, inc.title, inc.description, "\n".join(inc.comments)))
            yield rows, events, search

    def _actor_id(self, name: str | None) -> int | None:
        return self.user_ids.get(name) if name else None

    def _events(self, incident_id: int, items: list[HistoryItem], *, version: int) -> list[tuple]:
        out = []
        for item in items:
            actor_id = None
            note = item.note
            if item.actor:
                actor_id = self.user_ids.get(item.actor)
                if actor_id is None:
                    note = f"{note} (by {item.actor})" if note else f"by {item.actor}"
            out.append((incident_id, item.at, actor_id, item.kind, item.field, item.old, item.new, note, version))
        return out

    def _row(self, incident_id: int, inc: ImportedIncident, *, version: int, level: int, fired: set) -> tuple:
        """The incident's row in IMPORT_COLUMNS order, SLA columns and schedule derived from its history."""
        changes = sorted(((i.at, _STATUS[i.new]) for i in inc.history if i.kind == EV_STATUS), key=lambda c: c[0])
        cols = self.stopped.columns(priority=inc.priority, status=inc.status, opened=inc.opened_at,
                                    acknowledged=inc.acknowledged_at, resolved=inc.resolved_at, history=changes,
                                    now=self.now_e)
        next_at = None
        if cols is None:  # open, held or reopened: the clocks in full, as the services keep them
            history = [(ts(at), status) for at, status in changes]
            fake = SimpleNamespace(priority=inc.priority, opened_at=inc.opened_at,
                                   acknowledged_at=inc.acknowledged_at, resolved_at=inc.resolved_at,
                                   status=int(inc.status))
            clocks = sla_state.clocks_for(self.sla, fake, history, self.now)
            cols = sla_state.sla_columns(self.sla, fake, history, self.now, clocks=clocks)
            if inc.status.is_open:
                next_at = self._schedule(incident_id, inc, clocks, level, fired)
        return (
            incident_id, format_key(incident_id), inc.title, inc.description, inc.category, inc.subcategory,
            inc.service, inc.reporter_name, inc.reporter_contact, inc.channel, inc.impact, inc.urgency, inc.priority,
            _bool(self.store, inc.priority_overridden), inc.override_reason, int(inc.status), inc.hold_reason,
            self.user_ids.get(inc.assignee), self.team_ids.get(inc.team), inc.assignee, inc.team, inc.opened_at,
            inc.acknowledged_at, inc.resolved_at, inc.closed_at, max(inc.updated_at, inc.opened_at),
            inc.reopen_count, inc.resolution_code, inc.resolution_notes, inc.cancel_reason, level,
            cols.get("response_due_at"), cols.get("resolve_due_at"), cols.get("sla_paused_remaining_s"),
            _bool(self.store, cols.get("response_breached", False)),
            _bool(self.store, cols.get("resolve_breached", False)), cols.get("tta_s"), cols.get("ttr_s"),
            cols.get("hold_s", 0), cols.get("tta_bh_s"), cols.get("ttr_bh_s"), cols.get("hold_bh_s", 0),
            self.actor.id, self.report.source, inc.external_key, version, next_at)

    def _schedule(self, incident_id: int, inc: ImportedIncident, clocks, level: int, fired: set) -> int | None:
        """Escalations that fell due before the import are recorded as fired (nobody is notified);
        the incident is scheduled for the next one still ahead."""
        snapshot = IncidentSnapshot(id=incident_id, key=format_key(incident_id), priority=Priority(inc.priority),
                                    status=inc.status, opened_at=ts(inc.opened_at), reopen_count=inc.reopen_count,
                                    assignee=inc.assignee, team=inc.team, escalation_level=level)
        fired = set(fired)
        for due in due_escalations(self.escalation, snapshot, clocks, self.now, already_fired=fired):
            self.suppressed.append((incident_id, due.rule.key, due.cycle, level, epoch(due.due_at), self.now_e))
            fired.add((due.rule.key, due.cycle))
        return schedule_value(self.escalation, snapshot, clocks, self.now, fired)

    def _update(self, pairs: list[tuple[ImportedIncident, tuple]]) -> None:
        ids = [old[0] for _, old in pairs]
        known = tq.events_of(self.store, ids)
        fired = tq.fired_escalations(self.store, ids)
        rows, events, search = [], [], []
        for inc, old in pairs:
            incident_id, version = old[0], old[_INDEX["version"]]
            seen = {(at, kind, fld, new, note if kind == "comment" else None)
                    for at, kind, fld, _old, new, note in known[incident_id]}
            fresh = [item for item in inc.history if item.identity() not in seen and item.kind != "created"]
            # The timeline keeps everything it had; the history the source adds joins it in time order.
            merged = [HistoryItem(at=at, kind=kind, field=fld, old=o, new=n, note=note)
                      for at, kind, fld, o, n, note in known[incident_id]] + fresh
            probe = ImportedIncident(**{**inc.__dict__, "history": merged})
            row = self._row(incident_id, probe, version=version + 1, level=old[_INDEX["escalation_level"]] or 0,
                            fired=fired[incident_id])
            changed = [c for c in _COMPARED if row[_INDEX[c]] != old[_INDEX[c]]]
            if not changed and not fresh:
                self.report.unchanged += 1
                self.report.updated -= 1
                continue
            rows.append(row)
            note = f"Updated from {self.report.source} import of {Path(self.report.file).name}"
            change_events = [HistoryItem(at=self.now_e, kind=EV_FIELD, field=c, old=_text(old[_INDEX[c]]),
                                         new=_text(row[_INDEX[c]]), note=note)
                             for c in changed if c not in ("status", "assignee_name", "team_name")]
            events.extend(self._events(incident_id, [*fresh, *change_events], version=version + 1))
            search.append((incident_id, inc.title, inc.description, "\n".join(inc.comments)))
        if rows and not self.dry_run:
            tq.update_incidents(self.store, rows)
            tq.insert_events(self.store, events)
            tq.index_search(self.store, search, replace=True)


def _ahead(chunks: Iterator, depth: int = 2) -> Iterator:
    """The chunks, made on a thread of their own while the caller writes the previous ones: SQLite lets
    go of the interpreter while it inserts, so on two cores preparing and writing overlap. Only pure
    Python runs on that thread; the database stays on the caller's (its transaction's) thread."""
    found: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def make() -> None:
        try:
            for chunk in chunks:
                while not stop.is_set():
                    try:
                        found.put(chunk, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            found.put(done)
        except BaseException as exc:  # noqa: BLE001  (raised again on the writing thread)
            found.put(exc)

    maker = threading.Thread(target=make, name="import-rows", daemon=True)
    maker.start()
    try:
        while True:
            item = found.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        maker.join(timeout=10)


def _bool(store: Store, value: bool):
    return bool(value) if not store.is_sqlite else int(bool(value))


def _text(value) -> str | None:
    return None if value is None else str(value)

