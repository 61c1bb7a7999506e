"""Jira (Service Management) CSV exports: repeated Labels and Comment columns, dates like 30/Jul/18 11:33 PM."""

from __future__ import annotations

from collections.abc import Iterator

from incident_desk.domain.incident import EV_COMMENT
from incident_desk.services.transfer.csv_format import ColumnUse, CsvFormat
from incident_desk.services.transfer.csv_reading import CsvTable, DateFormat, DateProblem
from incident_desk.services.transfer.records import Converter, HistoryItem, ImportedIncident, RowError, SourceRow
from incident_desk.services.transfer.report import ImportReport

COLUMNS = {
    "Summary": "title", "Issue key": "key", "Status": "status", "Priority": "priority", "Resolution": "resolution_code",
    "Assignee": "assignee", "Reporter": "reporter", "Created": "opened_at", "Updated": "updated_at",
    "Resolved": "resolved_at", "Description": "description", "Labels": "labels", "Comment": "comment",
}
VALUES = {
    "status": {"open": "new", "to do": "new", "waiting for support": "new", "waiting for customer": "on_hold:caller",
               "pending": "on_hold", "in progress": "in_progress", "work in progress": "in_progress",
               "escalated": "in_progress", "reopened": "in_progress", "resolved": "resolved", "done": "closed",
               "closed": "closed", "canceled": "cancelled", "cancelled": "cancelled", "declined": "cancelled"},
    # Both of Jira's priority schemes, in their own order.
    "priority": {"highest": "P1", "high": "P2", "medium": "P3", "low": "P4", "lowest": "P5",
                 "blocker": "P1", "critical": "P2", "major": "P3", "minor": "P4", "trivial": "P5"},
}


class Jira(CsvFormat):
    """A comment cell reads 'date;author;text': each becomes a timeline comment at its own time."""

    name = "jira"
    label = "Jira (Service Management)"
    columns = COLUMNS
    values = VALUES

    def __init__(self):
        self._comment_dates: DateFormat | None = None

    def date_formats(self, table: CsvTable, uses: list[ColumnUse], **kw) -> dict[int, DateFormat]:
        formats = super().date_formats(table, uses, **kw)
        created = next((u for u in uses if u.field == "opened_at"), None)
        self._comment_dates = formats.get(created.index) if created else None
        return formats

    def incidents(self, rows: list[SourceRow], conv: Converter,
                  report: ImportReport) -> Iterator[ImportedIncident | RowError]:
        for row in rows:
            items = []
            for cell in row.multi.get("comment", []):
                items.append(self._comment(cell))
            if items:
                row.multi["comment"] = [i.note for i in items]
                row.multi["comment_items"] = items
        yield from super().incidents(rows, conv, report)

    def _comment(self, cell: str) -> HistoryItem:
        when, sep, rest = cell.partition(";")
        author, sep2, text = rest.partition(";")
        if sep and sep2 and self._comment_dates is not None:
            try:
                at = self._comment_dates.parse(when)
            except DateProblem:
                at = None
            if at is not None:
                return HistoryItem(at=at, kind=EV_COMMENT, note=text.strip(), actor=author.strip() or None)
        return HistoryItem(at=0, kind=EV_COMMENT, note=cell.strip())
