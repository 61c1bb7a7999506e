"""`export csv`: a view's incidents (its filters, its sort) as CSV that spreadsheets open and `import csv` reads."""

from __future__ import annotations

import csv
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from incident_desk.domain.incident import IncidentFilter, Level, Priority, Sort, Status, format_key
from incident_desk.services.auth import Actor, require
from incident_desk.services.incidents import IncidentService
from incident_desk.services.transfer.private_files import private_writer
from incident_desk.storage import transfer_queries as tq

PAGE = 2000
# Headers are the import's field names, so `incident-desk import csv` reads an export back without --map.
HEADERS = ("key", "title", "description", "category", "subcategory", "service", "priority", "impact", "urgency",
           "status", "reporter", "contact", "channel", "assignee", "team", "opened_at", "acknowledged_at",
           "resolved_at", "closed_at", "resolution_code", "resolution_notes", "updated_at", "reopen_count",
           "hold_reason", "escalation_level", "response_due_at", "resolve_due_at", "cancel_reason", "source",
           "external_key")
_TIMES = frozenset({"opened_at", "acknowledged_at", "resolved_at", "closed_at", "updated_at", "response_due_at",
                    "resolve_due_at"})
# A cell starting with one of these is a formula to a spreadsheet: it is written with a leading quote.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Progress = Callable[[int, int, str], None]


class ExportCancelled(Exception):
    """The user cancelled; no file was left behind."""


def _cell(column: str, value) -> str:
    if value is None:
        return ""
    if column in _TIMES:
        return datetime.fromtimestamp(value, UTC).isoformat()
    if column == "priority":
        return Priority(value).label
    if column in ("impact", "urgency"):
        return Level(value).name.lower() if value else ""
    if column == "status":
        return Status(value).slug
    text = str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def export_csv(incidents: IncidentService, *, actor: Actor, path: str | Path,
               filters: IncidentFilter = IncidentFilter(), sort: Sort = Sort(), progress: Progress | None = None,
               cancel: threading.Event | None = None) -> int:
    """Write the view's incidents in its order, a page at a time; returns how many were written."""
    require(actor, "data.export_view")
    step = progress or (lambda *_: None)
    store = incidents.store
    written = 0
    with store.read():
        total = incidents.count_incidents(filters=filters)
        with private_writer(path, newline="") as out:
            out.write("\ufeff")  # spreadsheets read UTF-8 only with its byte-order mark
            writer = csv.writer(out)
            writer.writerow(HEADERS)
            after = None
            while True:
                rows = incidents.list_incidents(filters=filters, sort=sort, limit=PAGE, after=after)
                if not rows:
                    break
                for record in tq.export_rows(store, [r.id for r in rows]):
                    cells = [format_key(record[0])]
                    cells += [_cell(c, v) for c, v in zip(tq.EXPORT_COLUMNS[1:], record[1:])]
                    writer.writerow(cells)
                written += len(rows)
                step(written, total, "exporting")
                if cancel is not None and cancel.is_set():
                    raise ExportCancelled()
                if len(rows) < PAGE:
                    break
                after = (rows[-1].sort_value(sort.column), rows[-1].id)
    return written
