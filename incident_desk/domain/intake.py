"""Alerts from monitoring: the two webhook shapes read into one value, and the mapping to an incident."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from incident_desk.domain.incident import TITLE_MAX, DomainError, Level, Priority
from incident_desk.domain.limits import check_instant
from incident_desk.domain.priority import PriorityMatrix
from incident_desk.domain.text import unsafe_characters

MAX_BODY = 1024 * 1024           # bytes a request may carry (larger: 413)
MAX_ALERTS = 1000                # alerts in one Alertmanager payload
KEY_MAX = 255                    # fingerprint, dedup key, group key
LABEL_NAME_MAX = 128
LABEL_VALUE_MAX = 2000
MAX_LABELS = 100
ANNOTATION_MAX = 10_000
SOURCE_URL_MAX = 2000
RECOVERED_CODE = "recovered (monitoring)"
FIRING, RESOLVED, ACKNOWLEDGED = "firing", "resolved", "acknowledged"
SEVERITIES = ("critical", "error", "warning", "info")
# Alertmanager writes this for an alert that has not ended yet.
_ZERO_TIME = "0001-01-01T00:00:00Z"
_KEY_RE = re.compile(r"^[\x21-\x7e]{1,255}$")
_LABEL_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,127}$")


class PayloadError(DomainError):
    """The request's body is not one of the accepted shapes; the message is the one-line reason."""


@dataclass(frozen=True)
class Alert:
    """One alert as both shapes describe it: firing, resolved, or (Events API) acknowledged."""

    source: str                      # "alertmanager" | "pagerduty"
    key: str                         # fingerprint / dedup key: one open incident per key
    status: str                      # firing | resolved | acknowledged
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    source_url: str = ""
    group_key: str = ""              # alerts of one group within minutes become one incident
    severity: str = ""               # PagerDuty's payload.severity; Alertmanager's comes from labels


def _fail(reason: str) -> None:
    raise PayloadError(reason)


def _text(value, what: str, limit: int, *, lines: bool = False, required: bool = False) -> str:
    if value is None:
        if required:
            _fail(f"{what} is missing.")
        return ""
    if not isinstance(value, str):
        _fail(f"{what} must be a string.")
    if len(value) > limit:
        _fail(f"{what} is {len(value)} characters long; the limit is {limit}.")
    bad = unsafe_characters(value, lines=lines)
    if bad:
        _fail(f"{what} holds control characters ({', '.join(bad[:3])}).")
    if required and not value.strip():
        _fail(f"{what} is empty.")
    return value


def _key(value, what: str) -> str:
    if not isinstance(value, str) or not _KEY_RE.match(value):
        _fail(f"{what} must be 1 to {KEY_MAX} printable ASCII characters without spaces.")
    return value


def _string_map(value, what: str, limit: int, *, lines: bool) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        _fail(f"{what} must be an object of strings.")
    if len(value) > MAX_LABELS:
        _fail(f"{what} has {len(value)} entries; the limit is {MAX_LABELS}.")
    out = {}
    for name, text in value.items():
        if not _LABEL_RE.match(name):
            _fail(f"{what} has an invalid name '{name[:40]}'.")
        out[name] = _text(text, f"{what}.{name}", limit, lines=lines)
    return out


def _instant(value, what: str) -> datetime | None:
    if value in (None, "", _ZERO_TIME):
        return None
    if not isinstance(value, str) or len(value) > 64:
        _fail(f"{what} must be an RFC 3339 time.")
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    # Go writes nanoseconds; Python reads at most microseconds.
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        _fail(f"{what} '{value[:40]}' is not an RFC 3339 time.")
    if parsed.tzinfo is None:
        _fail(f"{what} '{value[:40]}' has no time zone.")
    try:
        return check_instant(parsed, what)
    except DomainError as exc:
        raise PayloadError(str(exc)) from None


def parse_alertmanager(payload) -> list[Alert]:
    """Alertmanager's webhook (version 4), which Grafana's webhook contact point also sends."""
    if not isinstance(payload, dict):
        _fail("the body must be a JSON object.")
    version = payload.get("version", "4")
    if version != "4":
        _fail(f"webhook payload version '{str(version)[:10]}' is not supported; Alertmanager sends version 4.")
    alerts = payload.get("alerts")
    if not isinstance(alerts, list) or not alerts:
        _fail("alerts must be a non-empty list.")
    if len(alerts) > MAX_ALERTS:
        _fail(f"{len(alerts)} alerts in one request; the limit is {MAX_ALERTS}.")
    group_key = _text(payload.get("groupKey"), "groupKey", 4 * KEY_MAX)
    common = _string_map(payload.get("commonLabels"), "commonLabels", LABEL_VALUE_MAX, lines=False)
    out = []
    for n, item in enumerate(alerts):
        where = f"alerts[{n}]"
        if not isinstance(item, dict):
            _fail(f"{where} must be an object.")
        status = item.get("status", payload.get("status"))
        if status not in (FIRING, RESOLVED):
            _fail(f"{where}.status must be firing or resolved.")
        labels = {**common, **_string_map(item.get("labels"), f"{where}.labels", LABEL_VALUE_MAX, lines=False)}
        if not labels:
            _fail(f"{where}.labels is empty; an alert needs at least its alertname.")
        annotations = _string_map(item.get("annotations"), f"{where}.annotations", ANNOTATION_MAX, lines=True)
        fingerprint = item.get("fingerprint")
        key = _key(fingerprint, f"{where}.fingerprint") if fingerprint is not None else _label_key(labels)
        out.append(Alert(source="alertmanager", key=key, status=status, labels=labels, annotations=annotations,
                         starts_at=_instant(item.get("startsAt"), f"{where}.startsAt"),
                         ends_at=_instant(item.get("endsAt"), f"{where}.endsAt"),
                         source_url=_text(item.get("generatorURL"), f"{where}.generatorURL", SOURCE_URL_MAX),
                         group_key=group_key))
    return out


def _label_key(labels: Mapping[str, str]) -> str:
    """A stable key for an alert sent without a fingerprint (Grafana's older webhook): its labels."""

    text = "\x00".join(f"{k}={v}" for k, v in sorted(labels.items()))
    return "labels-" + hashlib.sha256(text.encode()).hexdigest()[:32]


_PD_ACTIONS = {"trigger": FIRING, "acknowledge": ACKNOWLEDGED, "resolve": RESOLVED}


def parse_pagerduty(payload) -> tuple[Alert, str]:
    """PagerDuty Events API v2; returns the alert and the routing key the sender gave."""
    if not isinstance(payload, dict):
        _fail("the body must be a JSON object.")
    routing_key = payload.get("routing_key")
    if not isinstance(routing_key, str):
        routing_key = ""
    action = payload.get("event_action")
    if action not in _PD_ACTIONS:
        _fail("event_action must be trigger, acknowledge or resolve.")
    dedup = payload.get("dedup_key")
    body = payload.get("payload")
    if action != "trigger":
        if dedup is None:
            _fail(f"dedup_key is required to {action}.")
        return Alert(source="pagerduty", key=_key(dedup, "dedup_key"), status=_PD_ACTIONS[action]), routing_key
    if not isinstance(body, dict):
        _fail("payload must be an object with summary, source and severity.")
    summary = _text(body.get("summary"), "payload.summary", 1024, required=True)
    source = _text(body.get("source"), "payload.source", 255, required=True)
    severity = body.get("severity")
    if severity not in SEVERITIES:
        _fail("payload.severity must be critical, error, warning or info.")
    labels = {"source": source}
    for name in ("component", "group", "class"):
        value = _text(body.get(name), f"payload.{name}", LABEL_VALUE_MAX)
        if value:
            labels[name] = value
    details = body.get("custom_details")
    if isinstance(details, dict):
        for name, value in details.items():
            if isinstance(name, str) and _LABEL_RE.match(name) and isinstance(value, (str, int, float, bool)):
                labels.setdefault(name, _text(str(value), f"payload.custom_details.{name}", LABEL_VALUE_MAX))
    elif details is not None and not isinstance(details, (str, list)):
        _fail("payload.custom_details must be an object or a string.")
    if len(labels) > MAX_LABELS:
        _fail(f"payload.custom_details has too many entries; the limit is {MAX_LABELS}.")
    annotations = {"summary": summary}
    if isinstance(details, str):
        annotations["description"] = _text(details, "payload.custom_details", ANNOTATION_MAX, lines=True)
    links = payload.get("links")
    url = ""
    if isinstance(links, list) and links and isinstance(links[0], dict):
        url = _text(links[0].get("href"), "links[0].href", SOURCE_URL_MAX)
    if dedup is None:
        # PagerDuty makes one when none is sent; so do we, from what identifies the alert.
        dedup = _label_key({"summary": summary, "source": source})
    return Alert(source="pagerduty", key=_key(dedup, "dedup_key"), status=FIRING, labels=labels,
                 annotations=annotations, starts_at=_instant(body.get("timestamp"), "payload.timestamp"),
                 source_url=url, group_key=labels.get("group", ""), severity=severity), routing_key


# ---- mapping ----------------------------------------------------------------------------------------

DEFAULT_SEVERITY_PRIORITY = {"critical": "P1", "error": "P2", "warning": "P3", "info": "P4"}


@dataclass(frozen=True)
class RoutingRule:
    """Alerts whose labels hold every pair of ``match`` go to this team / service / category."""

    match: Mapping[str, str]
    team: str | None = None
    service: str | None = None
    category: str | None = None

    def matches(self, labels: Mapping[str, str]) -> bool:
        return all(labels.get(k) == v for k, v in self.match.items())

    def to_dict(self) -> dict:
        return {"match": dict(self.match), "team": self.team, "service": self.service, "category": self.category}

    @classmethod
    def from_dict(cls, data) -> RoutingRule:
        if not isinstance(data, dict) or not isinstance(data.get("match"), dict) or not data["match"]:
            raise DomainError("Each routing rule needs a non-empty 'match' object of label values.")
        match = {str(k): str(v) for k, v in data["match"].items()}
        out = {}
        for name in ("team", "service", "category"):
            value = data.get(name)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise DomainError(f"A routing rule's {name} must be a name.")
            out[name] = value
        if not any(out.values()):
            raise DomainError("A routing rule must set a team, a service or a category.")
        return cls(match=match, **out)


@dataclass(frozen=True)
class IntakeMapping:
    """How an alert becomes an incident; kept in the desk's settings, editable by leads."""

    severity_priority: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_SEVERITY_PRIORITY))
    severity_label: str = "severity"
    default_severity: str = "warning"
    team_label: str = "team"
    service_label: str = "service"
    category_label: str = "category"
    default_category: str = "Server"
    routes: tuple[RoutingRule, ...] = ()
    storm_minutes: int = 10

    def __post_init__(self) -> None:
        for severity, label in self.severity_priority.items():
            Priority.parse(label)
            if not isinstance(severity, str) or not severity:
                raise DomainError("Severity names must be non-empty text.")
        if self.default_severity not in self.severity_priority:
            raise DomainError(f"The default severity '{self.default_severity}' has no priority.")
        if isinstance(self.storm_minutes, bool) or not isinstance(self.storm_minutes, int) \
                or not 0 <= self.storm_minutes <= 1440:
            raise DomainError("The storm window must be 0 to 1440 minutes.")
        if not isinstance(self.default_category, str) or not self.default_category.strip():
            raise DomainError("The intake needs a default category.")
        object.__setattr__(self, "routes", tuple(self.routes))

    def to_dict(self) -> dict:
        return {"severity_priority": dict(self.severity_priority), "severity_label": self.severity_label,
                "default_severity": self.default_severity, "team_label": self.team_label,
                "service_label": self.service_label, "category_label": self.category_label,
                "default_category": self.default_category, "routes": [r.to_dict() for r in self.routes],
                "storm_minutes": self.storm_minutes}

    @classmethod
    def from_dict(cls, data) -> IntakeMapping:
        if not isinstance(data, dict):
            raise DomainError("The intake mapping must be a JSON object.")
        base = cls()
        known = set(base.to_dict())
        unknown = set(data) - known
        if unknown:
            raise DomainError(f"Unknown intake setting '{sorted(unknown)[0]}'.")
        values = {**base.to_dict(), **data}
        routes = values.pop("routes")
        if not isinstance(routes, list):
            raise DomainError("The routing rules must be a list.")
        if not isinstance(values["severity_priority"], dict):
            raise DomainError("severity_priority must map severities to priorities.")
        return cls(routes=tuple(RoutingRule.from_dict(r) for r in routes), **values)


@dataclass(frozen=True)
class MappedAlert:
    """The incident fields an alert asks for."""

    title: str
    description: str
    priority: Priority
    team: str | None
    service: str | None
    category: str


def alert_title(alert: Alert) -> str:
    title = alert.annotations.get("summary", "").strip()
    if not title:
        labels = alert.labels
        title = " on ".join(p for p in (labels.get("alertname", ""), labels.get("instance", "")) if p) \
            or labels.get("source", "") or f"Alert {alert.key}"
    title = " ".join(title.split())
    return title if len(title) <= TITLE_MAX else title[:TITLE_MAX - 1] + "…"


def map_alert(alert: Alert, mapping: IntakeMapping) -> MappedAlert:
    labels = alert.labels
    severity = (alert.severity or labels.get(mapping.severity_label, "") or mapping.default_severity).lower()
    priority = Priority.parse(mapping.severity_priority.get(severity,
                                                            mapping.severity_priority[mapping.default_severity]))
    team = labels.get(mapping.team_label) or None
    service = labels.get(mapping.service_label) or None
    category = labels.get(mapping.category_label) or None
    for rule in mapping.routes:
        if rule.matches(labels):
            team = rule.team or team
            service = rule.service or service
            category = rule.category or category
            break
    return MappedAlert(title=alert_title(alert), description=alert_description(alert), priority=priority,
                       team=team, service=service[:200] if service else None,
                       category=category or mapping.default_category)


def alert_description(alert: Alert) -> str:
    parts = []
    text = alert.annotations.get("description", "").strip()
    if text:
        parts.append(text)
    if alert.labels:
        parts.append("Labels:\n" + "\n".join(f"  {k}={v}" for k, v in sorted(alert.labels.items())))
    others = {k: v for k, v in alert.annotations.items() if k not in ("summary", "description")}
    if others:
        parts.append("Annotations:\n" + "\n".join(f"  {k}={v}" for k, v in sorted(others.items())))
    if alert.source_url:
        parts.append(f"Source: {alert.source_url}")
    if alert.starts_at:
        parts.append(f"Firing since {alert.starts_at.astimezone(UTC).strftime('%Y-%m-%d %H:%M:%S UTC')}")
    return "\n\n".join(parts)


def levels_for(priority: Priority, matrix: PriorityMatrix) -> tuple[Level, Level] | None:
    """The impact and urgency whose cell gives ``priority`` (highest impact first), or None."""
    for impact in (Level.HIGH, Level.MEDIUM, Level.LOW):
        for urgency in (Level.HIGH, Level.MEDIUM, Level.LOW):
            if matrix.priority(impact, urgency) == priority:
                return impact, urgency
    return None
