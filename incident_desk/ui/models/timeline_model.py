"""List model of one incident's timeline, newest first, with each event told as a readable sentence."""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from incident_desk.domain.formatting import time_long
from incident_desk.domain.incident import (
    EV_ASSIGN,
    EV_COMMENT,
    EV_CREATED,
    EV_ESCALATION,
    EV_FIELD,
    EV_LINK,
    EV_PUBLIC_UPDATE,
    EV_REPORTER_UPDATE,
    EV_SLA,
    EV_STATUS,
    EV_WATCH,
    EV_WORK_NOTE,
    DomainError,
    Status,
    TimelineEvent,
)
from incident_desk.ui.i18n import translate

_FIELD_LABELS = {"reporter_name": "reporter name", "reporter_contact": "reporter contact",
                 "override_reason": "override reason", "resolution_code": "resolution code",
                 "resolution_notes": "resolution notes", "major": "major incident"}
_LINK_LABELS = {"duplicate_of": "as a duplicate of", "duplicated_by": "as duplicated by", "related": "as related to",
                "parent_of": "as parent of", "child_of": "as a child of"}
_SHORT = 80


class TimelineRole(enum.IntEnum):
    EVENT = Qt.ItemDataRole.UserRole
    KIND = Qt.ItemDataRole.UserRole + 1
    SUMMARY = Qt.ItemDataRole.UserRole + 2
    BODY = Qt.ItemDataRole.UserRole + 3
    IS_WORK_NOTE = Qt.ItemDataRole.UserRole + 4
    AT = Qt.ItemDataRole.UserRole + 5
    ACTOR = Qt.ItemDataRole.UserRole + 6


def _short(value: str | None) -> str:
    if value is None or value == "":
        return "(empty)"
    text = " ".join(str(value).split())
    return text if len(text) <= _SHORT else text[:_SHORT - 1] + "…"


def _status_label(value: str | None) -> str:
    try:
        return Status.parse(value or "").label
    except DomainError:
        return _short(value)


def describe_event(event: TimelineEvent, *, name: Callable[[str], str] = str,
                   with_actor: bool = True) -> tuple[str, str]:
    """(summary sentence, body text) for an event; the body holds comment or message text. ``name`` turns
    an account name into what people read; without ``with_actor`` the sentence leaves out who did it
    (a timeline card says who in its header, once)."""
    who = name(event.actor) if event.actor else "System"
    note = f" ({_short(event.note)})" if event.note else ""
    kind = event.kind

    def said(verb_phrase: str) -> str:
        return f"{who} {verb_phrase}" if with_actor else verb_phrase[:1].upper() + verb_phrase[1:]

    if kind == EV_CREATED:
        return said(translate("TimelineModel", "logged the incident “{short}”{note}").format(short=_short(
                event.new_value), note=note)), ""
    if kind == EV_FIELD:
        label = _FIELD_LABELS.get(event.field or "", event.field or "a field")
        return said(translate("TimelineModel", "changed {label} {short} -> {short2}{note}").format(label=label,
                short=_short(event.old_value), short2=_short(event.new_value), note=note)), ""
    if kind == EV_STATUS:
        return said(translate("TimelineModel",
                              "changed status {status_label} -> {status_label2}{note}").format(
                status_label=_status_label(event.old_value), status_label2=_status_label(
                event.new_value), note=note)), ""
    if kind == EV_ASSIGN:
        target = "team" if event.field == "team" else "assignee"
        person = (lambda v: v) if target == "team" else name
        if event.new_value:
            was = f" (was {person(event.old_value)})" if event.old_value else ""
            verb = "moved it to team" if target == "team" else "assigned it to"
            return said(f"{verb} {person(event.new_value)}{was}"), ""
        return said(translate("TimelineModel", "cleared the {target} (was {value})").format(target=target, value=person(
                event.old_value) if event.old_value else 'nobody')), ""
    if kind == EV_COMMENT:
        return said("commented"), event.note or ""
    if kind == EV_WORK_NOTE:
        return said(translate("TimelineModel", "added a work note")), event.note or ""
    if kind == EV_LINK:
        relation = _LINK_LABELS.get(event.field or "", event.field or "")
        if event.note == "unlinked" or (event.old_value and not event.new_value):
            return said(f"removed the link {relation} {event.old_value or ''}".rstrip()), ""
        return said(f"linked this {relation} {event.new_value or ''}".rstrip()), ""
    if kind == EV_PUBLIC_UPDATE:
        state = (event.field or "").capitalize()
        about = f" on {event.new_value}" if event.new_value else ""
        return said(translate("TimelineModel", "posted a public update: {state}{about}").format(state=state,
                about=about)), event.note or ""
    if kind == EV_REPORTER_UPDATE:
        to = f" at {event.new_value}" if event.new_value else ""
        return said(translate("TimelineModel", "sent the reporter an update{to}").format(to=to)), event.note or ""
    if kind == EV_ESCALATION:
        level = f" to {event.new_value}" if event.new_value else ""
        by = f" by {name(event.actor)}" if event.actor and with_actor else ""
        return f"Escalated{level}{note}{by}", ""
    if kind == EV_SLA:
        return f"SLA: {_short(event.new_value or event.note)}", ""
    if kind == EV_WATCH:
        return said(f"{event.new_value or 'changed watching'}"), ""
    return (f"{who}: " if with_actor else "") + f"{kind} {_short(event.new_value or event.note)}", ""


def format_time(at: datetime) -> str:
    return time_long(at)


class TimelineModel(QAbstractListModel):
    """Rows are TimelineEvents newest first; refreshing with newer events inserts rows at the top."""

    def __init__(self, parent=None, *, name: Callable[[str], str] = str):
        super().__init__(parent)
        self._events: list[TimelineEvent] = []
        self._texts: list[tuple[str, str]] = []
        self.name = name  # account name -> what people read (ui/people.py)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._events)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._events) or index.column() != 0:
            return None
        event = self._events[index.row()]
        summary, body = self._texts[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            who = self.name(event.actor) if event.actor else "System"
            return f"{who}: {summary}: {body}" if body else f"{who}: {summary}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{format_time(event.at)} — {event.at.isoformat()}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            who = self.name(event.actor) if event.actor else "System"
            return f"{format_time(event.at)}, {who}: {summary}. {body}"
        if role == TimelineRole.EVENT:
            return event
        if role == TimelineRole.KIND:
            return event.kind
        if role == TimelineRole.SUMMARY:
            return summary
        if role == TimelineRole.BODY:
            return body
        if role == TimelineRole.IS_WORK_NOTE:
            return event.kind == EV_WORK_NOTE
        if role == TimelineRole.AT:
            return event.at
        if role == TimelineRole.ACTOR:
            return self.name(event.actor) if event.actor else "System"
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def roleNames(self) -> dict:
        names = dict(super().roleNames())
        for role in TimelineRole:
            names[int(role)] = role.name.lower().encode()
        return names

    def _describe(self, event: TimelineEvent) -> tuple[str, str]:
        return describe_event(event, name=self.name, with_actor=False)

    def event_at(self, row: int) -> TimelineEvent:
        return self._events[row]

    def events(self) -> list[TimelineEvent]:
        return list(self._events)

    def set_events(self, events: list[TimelineEvent]) -> None:
        """Show ``events`` (newest first); only new ones are inserted when the old list is their tail."""
        events = list(events)
        old_ids = [e.id for e in self._events]
        new_ids = [e.id for e in events]
        fresh = len(new_ids) - len(old_ids)
        if old_ids and fresh > 0 and new_ids[fresh:] == old_ids:
            self.beginInsertRows(QModelIndex(), 0, fresh - 1)
            self._events = events
            self._texts = [self._describe(e) for e in events[:fresh]] + self._texts
            self.endInsertRows()
            return
        if new_ids == old_ids:
            return
        self.beginResetModel()
        self._events = events
        self._texts = [self._describe(e) for e in events]
        self.endResetModel()
