"""Every user's notification inbox: watchers' change notes, read/snooze, once-only alert claims, quiet hours."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from incident_desk.domain.formatting import time_brief
from incident_desk.domain.incident import Priority, Status
from incident_desk.services.auth import Actor, require
from incident_desk.services.clock import Clock
from incident_desk.services.errors import NotFoundError, PermissionDenied, ValidationError
from incident_desk.services.events import Change
from incident_desk.storage import notification_queries as nq
from incident_desk.storage import repository as repo
from incident_desk.storage.database import Store
from incident_desk.storage.queries import epoch, ts

SNOOZE_CHOICES = ("15 min", "1 h", "until tomorrow")
TOMORROW_AT = time(9, 0)  # "until tomorrow" means the start of the next working morning
MAX_INBOX = 1000
_MANUAL_DND_KEY = "dnd_manual.{}"


@dataclass(frozen=True)
class NotificationItem:
    """One inbox entry as the dock, the tray and the CLI show it."""

    id: int
    kind: str
    severity: str
    priority: Priority | None
    title: str
    body: str
    created_at: datetime
    due_at: datetime | None
    read_at: datetime | None
    snoozed_until: datetime | None
    alerted_at: datetime | None
    incident_key: str | None
    escalation_id: int | None

    @property
    def unread(self) -> bool:
        return self.read_at is None

    def snoozed(self, now: datetime) -> bool:
        return self.snoozed_until is not None and self.snoozed_until > now

    def to_dict(self) -> dict:
        def iso(v):
            return v.isoformat() if v else None
        return {"id": self.id, "kind": self.kind, "severity": self.severity,
                "priority": self.priority.label if self.priority else None, "incident": self.incident_key,
                "title": self.title, "body": self.body, "created_at": iso(self.created_at),
                "due_at": iso(self.due_at), "read": self.read_at is not None,
                "snoozed_until": iso(self.snoozed_until), "alerted": self.alerted_at is not None}


def _item(r) -> NotificationItem:
    priority = None
    if r[3] is not None:
        try:
            priority = Priority(r[3])
        except ValueError:
            priority = None
    return NotificationItem(id=r[0], kind=r[1], severity=r[2], priority=priority, title=r[4], body=r[5] or "",
                            created_at=ts(r[6]), due_at=ts(r[7]), read_at=ts(r[8]), snoozed_until=ts(r[9]),
                            alerted_at=ts(r[10]), incident_key=r[11], escalation_id=r[12])


def _parse_hhmm(value: str | None, what: str) -> str | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        parsed = time.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(f"The {what} '{value}' is not a time; write it as HH:MM.", field=what) from None
    return parsed.strftime("%H:%M")


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValidationError(f"'{name}' is not a known time zone; use an IANA name such as Europe/Berlin.",
                              field="timezone") from None


def in_quiet_hours(start: str | None, end: str | None, zone: str, now: datetime) -> bool:
    """True when ``now`` (aware) falls in [start, end) local time; a window may wrap past midnight."""
    if not start or not end or start == end:
        return False
    try:
        local = now.astimezone(ZoneInfo(zone or "UTC")).time()
    except (ZoneInfoNotFoundError, ValueError, OSError):
        local = now.astimezone(UTC).time()
    lo, hi = time.fromisoformat(start), time.fromisoformat(end)
    if lo < hi:
        return lo <= local < hi
    return local >= lo or local < hi


def quiet_hours_end(end: str, zone: str, now: datetime) -> datetime:
    """The next instant after ``now`` at which local time ``end`` (HH:MM in ``zone``) comes round."""
    try:
        tz = ZoneInfo(zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError, OSError):
        tz = UTC
    local = now.astimezone(tz)
    at = datetime.combine(local.date(), time.fromisoformat(end), tzinfo=tz)
    if at <= local:
        at = datetime.combine(local.date() + timedelta(days=1), time.fromisoformat(end), tzinfo=tz)
    return at.astimezone(UTC)


@dataclass(frozen=True)
class DoNotDisturb:
    """Whether pop-ups are held back now, and why: the manual switch, or quiet hours running until ``until``."""

    manual: bool = False
    quiet_hours: bool = False
    until: datetime | None = None
    allow_p1: bool = True

    @property
    def on(self) -> bool:
        return self.manual or self.quiet_hours

    def label(self) -> str:
        """A few words for a status bar: 'Do not disturb', 'Quiet hours', or '' when off."""
        return "Do not disturb" if self.manual else "Quiet hours" if self.quiet_hours else ""

    def describe(self) -> str:
        """One or two sentences for the notification panel and tooltips; '' when off."""
        if not self.on:
            return ""
        if self.manual:
            text = "Do not disturb: pop-ups are held back until you switch it off"
        else:
            text = f"Quiet hours: pop-ups are held back until {time_brief(self.until)}"
        return text + ("; P1 escalations still pop up." if self.allow_p1 else ".")


def snooze_until(choice: str, now: datetime, *, zone: str | None = None) -> datetime:
    """The instant a snooze choice ends: 15 min, 1 h, or tomorrow 09:00 in the user's zone."""
    if choice == "15 min":
        return now + timedelta(minutes=15)
    if choice == "1 h":
        return now + timedelta(hours=1)
    if choice == "until tomorrow":
        tz = ZoneInfo(zone) if zone else UTC
        local = now.astimezone(tz)
        return datetime.combine(local.date() + timedelta(days=1), TOMORROW_AT, tzinfo=tz).astimezone(UTC)
    raise ValidationError(f"Unknown snooze '{choice}'; use one of: {', '.join(SNOOZE_CHOICES)}.", field="snooze")


class NotificationService:
    """Inboxes per user; the escalation engine writes into them, watchers' hooks too."""

    def __init__(self, store: Store, *, clock: Clock):
        self.store = store
        self.clock = clock

    # ---- who ---------------------------------------------------------------------------------

    def _user_id(self, user: str | Actor) -> int:
        if isinstance(user, Actor):
            return user.id
        row = repo.user_by_name(self.store, str(user or ""))
        if row is None:
            raise NotFoundError(f"There is no user '{user}'; see `incident-desk users list`.")
        return row.id

    # ---- reading -----------------------------------------------------------------------------

    def inbox(self, user: str | Actor, *, unread_only: bool = False, limit: int = 200,
              actor: Actor | None = None) -> list[NotificationItem]:
        """Newest first. With ``actor`` (who asks), another person's inbox is read only by an admin."""
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_INBOX:
            raise ValidationError(f"The limit must be between 1 and {MAX_INBOX}.", field="limit")
        user_id = self._user_id(user)
        if actor is not None and user_id != actor.id:
            require(actor, "notifications.others")
        rows = nq.inbox(self.store, user_id, now_epoch=epoch(self.clock()), unread_only=unread_only,
                        limit=limit)
        return [_item(r) for r in rows]

    def unread_count(self, user: str | Actor) -> int:
        """Unread and not snoozed: the number on the badges."""
        return nq.unread_count(self.store, self._user_id(user), epoch(self.clock()))

    # ---- changing ----------------------------------------------------------------------------

    def mark_read(self, user: str | Actor, ids: Sequence[int]) -> int:
        ids = [int(i) for i in ids]
        with self.store.write():
            return nq.mark_read(self.store, self._user_id(user), ids, epoch(self.clock()))

    def mark_all_read(self, user: str | Actor) -> int:
        with self.store.write():
            return nq.mark_all_read(self.store, self._user_id(user), epoch(self.clock()))

    def snooze(self, user: str | Actor, ids: Sequence[int], until: datetime) -> int:
        """Hide until ``until`` (aware, in the future); it then counts as unread and alerts again."""
        if not isinstance(until, datetime) or until.tzinfo is None:
            raise ValidationError("A snooze needs an aware end time.", field="snooze")
        if until <= self.clock():
            raise ValidationError("A snooze must end in the future.", field="snooze")
        ids = [int(i) for i in ids]
        with self.store.write():
            return nq.snooze(self.store, self._user_id(user), ids, epoch(until))

    # ---- desktop alerts ------------------------------------------------------------------------

    def pending_alerts(self, user: str | Actor, *, limit: int = 100) -> list[NotificationItem]:
        """Notifications no desk window has alerted yet (claim each before showing it)."""
        return [_item(r) for r in nq.pending_alerts(self.store, self._user_id(user), epoch(self.clock()), limit)]

    def claim_for_alert(self, notification_id: int) -> bool:
        """True for exactly one caller per notification, across windows and processes."""
        with self.store.write():
            return nq.claim_for_alert(self.store, int(notification_id), epoch(self.clock()))

    # ---- do not disturb ------------------------------------------------------------------------

    def quiet_hours(self, user: str | Actor) -> dict:
        row = nq.user_quiet_hours(self.store, self._user_id(user))
        manual = repo.get_setting(self.store, _MANUAL_DND_KEY.format(self._user_id(user))) or {}
        return {"start": row[0], "end": row[1], "timezone": row[2] or "UTC", "allow_p1": bool(row[3]),
                "manual": bool(manual.get("on", False))}

    def set_quiet_hours(self, *, actor: Actor, user: str | None = None, start: str | None, end: str | None,
                        timezone_name: str = "UTC", allow_p1: bool = True) -> None:
        """Quiet hours of ``user`` (default: the actor); someone else's only as an admin."""
        target = self._user_id(user) if user else actor.id
        if target != actor.id and actor.role != "admin":
            raise PermissionDenied(f"{actor.username} may set only their own quiet hours.")
        start_s, end_s = _parse_hhmm(start, "start"), _parse_hhmm(end, "end")
        if (start_s is None) != (end_s is None):
            raise ValidationError("Give both the start and the end of the quiet hours, or neither.", field="end")
        if start_s is not None and start_s == end_s:
            raise ValidationError("The quiet hours start and end at the same time.", field="end")
        _zone(timezone_name)
        with self.store.write():
            nq.set_quiet_hours(self.store, target, start_s, end_s, timezone_name, bool(allow_p1))

    def set_do_not_disturb(self, user: str | Actor, on: bool) -> None:
        """The tray's switch: quiet now, whatever the hours, until switched off."""
        with self.store.write():
            repo.put_setting(self.store, _MANUAL_DND_KEY.format(self._user_id(user)), {"on": bool(on)},
                             now=self.clock())

    def do_not_disturb(self, user: str | Actor, now: datetime | None = None) -> DoNotDisturb:
        """Whether ``user``'s pop-ups are held back at ``now`` (default: the clock), and until when."""
        hours = self.quiet_hours(user)
        now = now or self.clock()
        quiet = in_quiet_hours(hours["start"], hours["end"], hours["timezone"], now)
        return DoNotDisturb(manual=hours["manual"], quiet_hours=quiet, allow_p1=hours["allow_p1"],
                            until=quiet_hours_end(hours["end"], hours["timezone"], now) if quiet else None)

    def should_pop_up(self, user: str | Actor, item: NotificationItem, now: datetime | None = None) -> bool:
        """False inside the user's quiet hours, except P1 escalations when the user allows them, and
        always for a P1 escalation reaching the person on call for the incident's team."""
        state = self.do_not_disturb(user, now)
        if not state.on:
            return True
        if item.kind != "escalation" or item.priority != Priority.P1:
            return False
        return state.allow_p1 or self._on_call_for(user, item, now or self.clock())

    def _on_call_for(self, user: str | Actor, item: NotificationItem, now: datetime) -> bool:
        from incident_desk.services.oncall import OncallService
        team_id = nq.incident_team(self.store, item.incident_key) if item.incident_key else None
        if team_id is None:
            return False
        on_call = OncallService(self.store, clock=self.clock).on_call_user(team_id, now)
        name = user.username if isinstance(user, Actor) else str(user)
        return on_call is not None and on_call.lower() == name.lower()

    # ---- writing (inside other services' transactions) -------------------------------------------

    def write(self, rows: Sequence[Sequence]) -> None:
        """Rows in storage.notification_queries.NOTIFICATION_COLUMNS order; call inside a write."""
        nq.insert_notifications(self.store, rows)

    def on_incident_written(self, service, incident_id: int, change: Change, actor: Actor, now: datetime) -> None:
        """IncidentService write hook: assignment and watcher notifications commit with the change."""
        if change.kind not in ("logged", "edited", "transitioned", "commented"):
            return
        brief = nq.incident_brief(self.store, incident_id)
        if brief is None:
            return
        key, title, priority, assignee_id = brief
        rows = []
        told: set[int] = {actor.id}
        at = epoch(now)
        assigned = change.kind == "logged" or (change.kind == "edited" and "assignee" in change.fields)
        if assigned and assignee_id and assignee_id not in told:
            rows.append((assignee_id, incident_id, "assignment", "info", priority,
                         f"{key} assigned to you", f"{title} (by {actor.username})", at, None, None))
            told.add(assignee_id)
        if change.kind != "logged":
            kind, text = self._describe(change, incident_id)
            for user_id in nq.watcher_ids(self.store, incident_id):
                if user_id not in told:
                    rows.append((user_id, incident_id, kind, "info", priority, f"{key} {text}",
                                 f"{title} (by {actor.username})", at, None, None))
                    told.add(user_id)
        self.write(rows)

    def _describe(self, change: Change, incident_id: int) -> tuple[str, str]:
        if change.kind == "commented":
            return "comment", "has a new work note" if "work_note" in change.fields else "has a new comment"
        if change.kind == "transitioned":
            row = repo.incident_record(self.store, incident_id)
            return "change", f"is now {Status(row.status).label}"
        fields = ", ".join(f.replace("_", " ") for f in change.fields) or "details"
        return "change", f"changed: {fields}"
