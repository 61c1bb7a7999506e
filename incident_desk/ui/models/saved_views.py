"""Saved views: the built-in ones with live counts and the user's own, persisted in QSettings."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QT_TRANSLATE_NOOP, QSettings

from incident_desk.domain.incident import (
    OPEN_STATUSES,
    SORT_COLUMNS,
    DomainError,
    IncidentFilter,
    Priority,
    Sort,
    Status,
)
from incident_desk.ui.i18n import translate

log = logging.getLogger(__name__)
SETTINGS_KEY = "views/user"
MAX_NAME = 60


@dataclass(frozen=True)
class SavedView:
    """A named filter + sort (+ visible columns); built-in views are rebuilt for 'now' and the user."""

    name: str
    filters: IncidentFilter = IncidentFilter()
    sort: Sort = Sort()
    columns: tuple[str, ...] = ()          # visible column ids in order; () = keep the table's
    builtin: bool = False
    tip: str = ""

    def to_dict(self) -> dict:
        return {"name": self.name, "filters": filter_to_dict(self.filters),
                "sort": {"column": self.sort.column, "descending": self.sort.descending},
                "columns": list(self.columns)}

    @classmethod
    def from_dict(cls, data: dict) -> SavedView:
        name = clean_view_name(str(data.get("name", "")))
        sort_data = data.get("sort") or {}
        column = sort_data.get("column", "opened_at")
        sort = Sort(column if column in SORT_COLUMNS else "opened_at", bool(sort_data.get("descending", True)))
        columns = tuple(str(c) for c in data.get("columns") or () if isinstance(c, str))
        return cls(name=name, filters=filter_from_dict(data.get("filters") or {}), sort=sort, columns=columns)


def clean_view_name(name: str) -> str:
    text = " ".join((name or "").split())
    if not text:
        raise DomainError(translate("SavedViews", "Give the view a name."))
    if len(text) > MAX_NAME:
        raise DomainError(translate("SavedViews",
                                    "The view name is {count} characters long; keep it under {max_name}.").format(
                count=len(text), max_name=MAX_NAME + 1))
    return text


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


def _parse_iso(value) -> datetime | None:
    if not value:
        return None
    dt = datetime.fromisoformat(str(value))
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def filter_to_dict(f: IncidentFilter) -> dict:
    """JSON-ready form; 'breach_at' is dropped because 'breaching' always means 'now'."""
    out: dict = {}
    if f.statuses:
        out["statuses"] = sorted(s.slug for s in f.statuses)
    if f.priorities:
        out["priorities"] = sorted(p.label for p in f.priorities)
    for name in ("categories", "assignees", "teams"):
        values = getattr(f, name)
        if values:
            out[name] = sorted(values)
    if f.text:
        out["text"] = f.text
    for name in ("opened_from", "opened_to", "resolved_from", "resolved_to"):
        if getattr(f, name) is not None:
            out[name] = _iso(getattr(f, name))
    if f.breaching:
        out["breaching"] = True
    if f.escalated:
        out["escalated"] = True
    if f.keys:
        out["keys"] = sorted(f.keys)
    return out


def filter_from_dict(data: dict) -> IncidentFilter:
    """Reads what filter_to_dict wrote; unknown or broken parts are skipped, never fatal."""
    kwargs: dict = {}
    try:
        kwargs["statuses"] = frozenset(Status.parse(s) for s in data.get("statuses", ()))
        kwargs["priorities"] = frozenset(Priority.parse(p) for p in data.get("priorities", ()))
    except DomainError as exc:
        log.warning("saved view filter skipped a value: %s", exc)
    for name in ("categories", "assignees", "teams"):
        kwargs[name] = frozenset(str(v) for v in data.get(name, ()) if isinstance(v, str))
    kwargs["text"] = str(data.get("text", ""))
    for name in ("opened_from", "opened_to", "resolved_from", "resolved_to"):
        try:
            kwargs[name] = _parse_iso(data.get(name))
        except ValueError:
            kwargs[name] = None
    kwargs["breaching"] = bool(data.get("breaching", False))
    kwargs["escalated"] = bool(data.get("escalated", False))
    kwargs["keys"] = frozenset(int(k) for k in data.get("keys", ()) if isinstance(k, int))
    return IncidentFilter(**kwargs)


OPEN = frozenset(OPEN_STATUSES)


def builtin_views(*, username: str, now: datetime) -> list[SavedView]:
    """The fixed views of the left panel, evaluated for ``username`` at ``now``."""
    return [
        SavedView("My open", IncidentFilter(statuses=OPEN, assignees=frozenset({username})), builtin=True,
                  tip=translate("SavedViews", "Open incidents assigned to {username}").format(username=username)),
        SavedView("Unassigned", IncidentFilter(statuses=OPEN, assignees=frozenset({""})),
                  builtin=True, tip=translate("SavedViews", "Open incidents nobody has taken yet")),
        SavedView("All open", IncidentFilter(statuses=OPEN), builtin=True,
                  tip=translate("SavedViews", "Every open incident")),
        SavedView("P1/P2 open", IncidentFilter(statuses=OPEN, priorities=frozenset({Priority.P1, Priority.P2})),
                  Sort("priority", False), builtin=True,
                  tip=translate("SavedViews", "Critical and high priority, open")),
        SavedView("Breaching SLA", IncidentFilter(breaching=True, breach_at=now), Sort("resolve_due_at", False),
                  builtin=True, tip=translate("SavedViews", "Open incidents past a response or resolution target")),
        SavedView("On hold", IncidentFilter(statuses=frozenset({Status.ON_HOLD})), builtin=True,
                  tip=translate("SavedViews", "Waiting for the caller, a vendor or a change")),
        SavedView("Resolved (7 days)",
                  IncidentFilter(statuses=frozenset({Status.RESOLVED, Status.CLOSED}),
                                 resolved_from=now - timedelta(days=7)),
                  Sort("resolved_at", True), builtin=True,
                  tip=translate("SavedViews", "Resolved or closed in the last 7 days")),
        SavedView("All", IncidentFilter(), builtin=True, tip=translate("SavedViews", "Every incident")),
    ]


# The built-in names are identities (--view, saved settings) in English; the views panel shows them
# translated: QT_TRANSLATE_NOOP puts them in the catalogue (it returns the text unchanged).
BUILTIN_NAMES = (
    QT_TRANSLATE_NOOP("SavedViews", "My open"), QT_TRANSLATE_NOOP("SavedViews", "Unassigned"),
    QT_TRANSLATE_NOOP("SavedViews", "All open"),
    QT_TRANSLATE_NOOP("SavedViews", "P1/P2 open"), QT_TRANSLATE_NOOP("SavedViews", "Breaching SLA"),
    QT_TRANSLATE_NOOP("SavedViews", "On hold"), QT_TRANSLATE_NOOP("SavedViews", "Resolved (7 days)"),
    QT_TRANSLATE_NOOP("SavedViews", "All"))


class ViewStore:
    """The user's own views in QSettings (one JSON list), ordered as saved."""

    def __init__(self, settings: QSettings):
        self._settings = settings

    def load(self) -> list[SavedView]:
        raw = self._settings.value(SETTINGS_KEY, "[]")
        try:
            items = json.loads(raw if isinstance(raw, str) else "[]")
        except ValueError:
            log.warning("saved views in %s were unreadable; starting with none", self._settings.fileName())
            return []
        views = []
        for item in items if isinstance(items, list) else []:
            try:
                views.append(SavedView.from_dict(item))
            except (DomainError, TypeError, ValueError, AttributeError) as exc:
                log.warning("skipped a saved view: %s", exc)
        return views

    def save_all(self, views: list[SavedView]) -> None:
        self._settings.setValue(SETTINGS_KEY, json.dumps([v.to_dict() for v in views if not v.builtin]))
        self._settings.sync()

    def upsert(self, view: SavedView) -> list[SavedView]:
        """Add ``view`` or replace the one with its name (names compare case-insensitively)."""
        name = clean_view_name(view.name)
        if name.lower() in (b.lower() for b in BUILTIN_NAMES):
            raise DomainError(translate("SavedViews",
                                        "'{name}' is a built-in view; choose another name.").format(name=name))
        view = replace(view, name=name, builtin=False)
        views = [v for v in self.load() if v.name.lower() != name.lower()]
        views.append(view)
        self.save_all(views)
        return views

    def remove(self, name: str) -> list[SavedView]:
        views = [v for v in self.load() if v.name.lower() != name.lower()]
        self.save_all(views)
        return views
