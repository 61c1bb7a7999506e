"""List model of one incident's timeline, newest first, with each event told as a readable sentence."""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

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

# Marked for the catalogue, translated where a sentence uses them.
_FIELD_LABELS = {"reporter_name": QT_TRANSLATE_NOOP("TimelineModel", "reporter name"),
                 "reporter_contact": QT_TRANSLATE_NOOP("TimelineModel", "reporter contact"),
                 "override_reason": QT_TRANSLATE_NOOP("TimelineModel", "override reason"),
                 "resolution_code": QT_TRANSLATE_NOOP("TimelineModel", "resolution code"),
                 "resolution_notes": QT_TRANSLATE_NOOP("TimelineModel", "resolution notes"),
                 "major": QT_TRANSLATE_NOOP("TimelineModel", "major incident")}
_LINK_LABELS = {"duplicate_of": QT_TRANSLATE_NOOP("TimelineModel", "as a duplicate of"),
                "duplicated_by": QT_TRANSLATE_NOOP("TimelineModel", "as duplicated by"),
                "related": QT_TRANSLATE_NOOP("TimelineModel", "as related to"),
                "parent_of": QT_TRANSLATE_NOOP("TimelineModel", "as parent of"),
                "child_of": QT_TRANSLATE_NOOP("TimelineModel", "as a child of")}
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
        return translate("TimelineModel", "(empty)")
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
    who = name(event.actor) if event.actor else translate("TimelineModel", "System")
    note = translate("TimelineModel", " ({note})").format(note=_short(event.note)) if event.note else ""
    kind = event.kind

    def said(with_who: str, alone: str, **values) -> str:
        """The sentence with its subject ("{who} commented") or, on a card that names who once, without
        ("Commented"): two whole sentences for translators, never a subject glued to a phrase."""
        return (with_who if with_actor else alone).format(who=who, note=note, **values)

    if kind == EV_CREATED:
        return said(translate("TimelineModel", "{who} logged the incident “{title}”{note}"),
                    translate("TimelineModel", "Logged the incident “{title}”{note}"),
                    title=_short(event.new_value)), ""
    if kind == EV_FIELD:
        field = translate("TimelineModel", _FIELD_LABELS.get(event.field or "", event.field)) if event.field \
            else translate("TimelineModel", "a field")
        return said(translate("TimelineModel", "{who} changed {field} {old} -> {new}{note}"),
                    translate("TimelineModel", "Changed {field} {old} -> {new}{note}"),
                    field=field, old=_short(event.old_value), new=_short(event.new_value)), ""
    if kind == EV_STATUS:
        return said(translate("TimelineModel", "{who} changed status {old} -> {new}{note}"),
                    translate("TimelineModel", "Changed status {old} -> {new}{note}"),
                    old=_status_label(event.old_value), new=_status_label(event.new_value)), ""
    if kind == EV_ASSIGN:
        team = event.field == "team"
        person = (lambda v: v) if team else name
        if event.new_value:
            was = translate("TimelineModel", " (was {previous})").format(previous=person(event.old_value)) \
                if event.old_value else ""
            if team:
                return said(translate("TimelineModel", "{who} moved it to team {new}{was}"),
                            translate("TimelineModel", "Moved it to team {new}{was}"),
                            new=event.new_value, was=was), ""
            return said(translate("TimelineModel", "{who} assigned it to {new}{was}"),
                        translate("TimelineModel", "Assigned it to {new}{was}"),
                        new=person(event.new_value), was=was), ""
        previous = person(event.old_value) if event.old_value else translate("TimelineModel", "nobody")
        if team:
            return said(translate("TimelineModel", "{who} cleared the team (was {previous})"),
                        translate("TimelineModel", "Cleared the team (was {previous})"),
                        previous=previous), ""
        return said(translate("TimelineModel", "{who} cleared the assignee (was {previous})"),
                    translate("TimelineModel", "Cleared the assignee (was {previous})"), previous=previous), ""
    if kind == EV_COMMENT:
        return said(translate("TimelineModel", "{who} commented"),
                    translate("TimelineModel", "Commented")), event.note or ""
    if kind == EV_WORK_NOTE:
        return said(translate("TimelineModel", "{who} added a work note"),
                    translate("TimelineModel", "Added a work note")), event.note or ""
    if kind == EV_LINK:
        relation = translate("TimelineModel", _LINK_LABELS.get(event.field or "", event.field or ""))
        if event.note == "unlinked" or (event.old_value and not event.new_value):
            return said(translate("TimelineModel", "{who} removed the link {relation} {key}"),
                        translate("TimelineModel", "Removed the link {relation} {key}"),
                        relation=relation, key=event.old_value or "").rstrip(), ""
        return said(translate("TimelineModel", "{who} linked this {relation} {key}"),
                    translate("TimelineModel", "Linked this {relation} {key}"),
                    relation=relation, key=event.new_value or "").rstrip(), ""
    if kind == EV_PUBLIC_UPDATE:
        state = (event.field or "").capitalize()
        if event.new_value:
            return said(translate("TimelineModel", "{who} posted a public update: {state} on {services}"),
                        translate("TimelineModel", "Posted a public update: {state} on {services}"),
                        state=state, services=event.new_value), event.note or ""
        return said(translate("TimelineModel", "{who} posted a public update: {state}"),
                    translate("TimelineModel", "Posted a public update: {state}"),
                    state=state), event.note or ""
    if kind == EV_REPORTER_UPDATE:
        if event.new_value:
            return said(translate("TimelineModel", "{who} sent the reporter an update at {address}"),
                        translate("TimelineModel", "Sent the reporter an update at {address}"),
                        address=event.new_value), event.note or ""
        return said(translate("TimelineModel", "{who} sent the reporter an update"),
                    translate("TimelineModel", "Sent the reporter an update")), event.note or ""
    if kind == EV_ESCALATION:
        by_whom = bool(event.actor and with_actor)
        if event.new_value and by_whom:
            text = translate("TimelineModel", "Escalated to {level}{note} by {who}")
        elif event.new_value:
            text = translate("TimelineModel", "Escalated to {level}{note}")
        elif by_whom:
            text = translate("TimelineModel", "Escalated{note} by {who}")
        else:
            text = translate("TimelineModel", "Escalated{note}")
        return text.format(level=event.new_value, note=note, who=who), ""
    if kind == EV_SLA:
        return translate("TimelineModel", "SLA: {detail}").format(detail=_short(event.new_value or event.note)), ""
    if kind == EV_WATCH:
        # The service stores the phrase ("started watching"): shown as it is stored.
        phrase = event.new_value or translate("TimelineModel", "changed watching")
        return (f"{who} {phrase}" if with_actor else phrase[:1].upper() + phrase[1:]), ""
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
            who = self.name(event.actor) if event.actor else translate("TimelineModel", "System")
            return f"{who}: {summary}: {body}" if body else f"{who}: {summary}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{format_time(event.at)} — {event.at.isoformat()}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            who = self.name(event.actor) if event.actor else translate("TimelineModel", "System")
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
            return self.name(event.actor) if event.actor else translate("TimelineModel", "System")
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
