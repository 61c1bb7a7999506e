"""PagerDuty's incidents CSV export: triggered, acknowledged and resolved times, urgency, service, escalation policy."""

from __future__ import annotations

from incident_desk.services.transfer.csv_format import CsvFormat

COLUMNS = {
    "incident_number": "key", "Incident Number": "key", "#": "key", "title": "title", "Title": "title",
    "description": "description", "Description": "description", "status": "status", "Status": "status",
    "urgency": "urgency", "Urgency": "urgency", "priority": "priority", "Priority": "priority",
    "service": "service", "service_name": "service", "Service": "service",
    "created_on": "opened_at", "created_at": "opened_at", "Created": "opened_at", "Created On": "opened_at",
    "acknowledged_on": "acknowledged_at", "acknowledged_at": "acknowledged_at", "Acknowledged": "acknowledged_at",
    "first_acknowledged_on": "acknowledged_at", "Acknowledged On": "acknowledged_at",
    "resolved_on": "resolved_at", "resolved_at": "resolved_at", "Resolved": "resolved_at",
    "Resolved On": "resolved_at", "assigned_to": "assignee", "Assigned To": "assignee",
    "team": "team", "teams": "team", "Team": "team", "Teams": "team",
    "escalation_policy": "escalation_policy", "escalation_policy_name": "escalation_policy",
    "Escalation Policy": "escalation_policy",
}
VALUES = {
    "status": {"triggered": "new", "acknowledged": "acknowledged", "resolved": "resolved"},
    "urgency": {"high": "high", "low": "low"},
}


class PagerDuty(CsvFormat):
    """PagerDuty has no impact: priorities are kept as given, impact is recorded as unknown."""

    name = "pagerduty"
    label = "PagerDuty incidents"
    columns = COLUMNS
    values = VALUES
