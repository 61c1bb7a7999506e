"""ServiceNow CSV exports, both shapes: the incident list (a row per incident) and the event log (a row per update)."""

from __future__ import annotations

from collections.abc import Iterator

from incident_desk.services.transfer import records
from incident_desk.services.transfer.csv_format import CsvFormat
from incident_desk.services.transfer.records import Converter, ImportedIncident, RowError, SourceRow
from incident_desk.services.transfer.report import ImportReport, Problem

# Field names (what a CSV export writes) and the list's column labels (what an Excel export writes).
COLUMNS = {
    "number": "key", "state": "status", "incident_state": "status", "opened_at": "opened_at",
    "short_description": "title", "description": "description", "caller_id": "reporter", "caller": "reporter",
    "category": "category", "subcategory": "subcategory", "impact": "impact", "urgency": "urgency",
    "priority": "priority", "assignment_group": "team", "assigned_to": "assignee", "resolved_at": "resolved_at",
    "closed_at": "closed_at", "close_code": "resolution_code", "closed_code": "resolution_code",
    "close_notes": "resolution_notes", "sys_updated_on": "updated_at", "sys_updated_at": "updated_at",
    "sys_updated_by": "updated_by", "sys_mod_count": "update_order", "reopen_count": "reopen_count",
    "contact_type": "channel", "business_service": "service", "cmdb_ci": "service", "resolved_by": "resolved_by",
    "Number": "key", "State": "status", "Incident state": "status", "Opened": "opened_at",
    "Short description": "title", "Description": "description", "Caller": "reporter", "Category": "category",
    "Subcategory": "subcategory", "Impact": "impact", "Urgency": "urgency", "Priority": "priority",
    "Assignment group": "team", "Assigned to": "assignee", "Resolved": "resolved_at", "Closed": "closed_at",
    "Resolution code": "resolution_code", "Close code": "resolution_code", "Resolution notes": "resolution_notes",
    "Close notes": "resolution_notes", "Updated": "updated_at", "Contact type": "channel",
    "Business service": "service", "Service": "service", "Configuration item": "service",
    "Reopen count": "reopen_count",
}
_HOLD = {"on hold": "on_hold", "awaiting user info": "on_hold:caller", "awaiting caller": "on_hold:caller",
         "awaiting evidence": "on_hold:caller", "awaiting problem": "on_hold:change",
         "awaiting change": "on_hold:change", "awaiting vendor": "on_hold:vendor"}
VALUES = {
    "status": {"new": "new", "active": "in_progress", "in progress": "in_progress",
               "work in progress": "in_progress", **_HOLD, "resolved": "resolved", "closed": "closed",
               "canceled": "cancelled", "cancelled": "cancelled",
               # the state's number, as a raw export gives it
               "1": "new", "2": "in_progress", "3": "on_hold", "6": "resolved", "7": "closed", "8": "cancelled"},
    "priority": {"1 - critical": "P1", "2 - high": "P2", "3 - moderate": "P3", "4 - low": "P4",
                 "5 - planning": "P5"},
    "impact": {"1 - high": "high", "2 - medium": "medium", "3 - low": "low"},
    "urgency": {"1 - high": "high", "2 - medium": "medium", "3 - low": "low"},
    "channel": {"e-mail": "email", "virtual agent": "chat", "ivr": "phone", "alert": "monitoring",
                "event": "monitoring"},
}


class ServiceNow(CsvFormat):
    """The plain incident list; the event-log shape is recognised by its sys_mod_count column."""

    name = "servicenow"
    label = "ServiceNow (incident list or event log)"
    columns = COLUMNS
    values = VALUES

    def incidents(self, rows: list[SourceRow], conv: Converter,
                  report: ImportReport) -> Iterator[ImportedIncident | RowError]:
        if "update_order" not in conv.columns:
            yield from super().incidents(rows, conv, report)
            return
        report.detected["shape"] = "event log (one row per update)"
        groups, keyless = records.group_rows(rows)
        for row in keyless:
            yield RowError([Problem(row.line, conv.columns.get("key"), None, "no incident number")])
        for updates in groups.values():
            # The latest update is the one with the highest sys_mod_count, then the latest sys_updated_at;
            # updates with the same count and time keep the file's order.
            updates.sort(key=lambda r: (_count(r), r.get("updated_at") or 0))
            latest = updates[-1]
            problems: list[Problem] = []
            opened = latest.get("opened_at") or updates[0].get("opened_at") or updates[0].get("updated_at")
            try:
                if opened is None:
                    raise RowError([Problem(latest.line, conv.columns.get("opened_at"), None, "no opening time")])
                history = records.history_from_updates(updates, conv, problems, opened)
                if problems:
                    raise RowError(problems)
                yield records.build_incident(updates, conv, history=history, latest=latest)
            except RowError as exc:
                yield exc


def _count(row: SourceRow) -> int:
    try:
        return int(row.get("update_order") or 0)
    except ValueError:
        return 0
