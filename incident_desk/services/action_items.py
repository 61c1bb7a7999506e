"""Action items: what is to be done so an incident does not recur, who does it, by when; overdue ones
notify their owner once (through the inbox and tray the escalations use)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from incident_desk.domain.closure import ActionStatus, clean_line, format_problem_key, parse_due_date, parse_problem_key
from incident_desk.domain.incident import EV_POSTMORTEM, DomainError, format_key, parse_key
from incident_desk.domain.postmortem import ActionItem
from incident_desk.services.auth import Actor, active_user_id, require
from incident_desk.services.clock import Clock
from incident_desk.services.errors import NotFoundError, ValidationError
from incident_desk.services.events import Change, EventBus
from incident_desk.storage import closure_queries as cq
from incident_desk.storage import notification_queries as nq
from incident_desk.storage import repository as repo
from incident_desk.storage.database import ConflictError, Store
from incident_desk.storage.queries import epoch, ts

OVERDUE_BATCH = 500
_UNSET = object()  # "not given": None means "clear it" for the owner and the due date


def _as(fn, value, field: str):
    try:
        return fn(value)
    except DomainError as exc:
        raise ValidationError(str(exc), field=field) from None


def _item(r, keys: dict[int, str]) -> ActionItem:
    return ActionItem(id=r[0], title=r[1], owner=r[2], due=date.fromisoformat(r[3]) if r[3] else None,
                      status=ActionStatus(r[4]), incident_key=keys.get(r[5]) if r[5] else None,
                      problem_key=format_problem_key(r[6]) if r[6] else None, created_at=ts(r[7]),
                      updated_at=ts(r[8]), done_at=ts(r[9]), version=r[10], owner_name=r[11])


def today_utc(now: datetime) -> date:
    return now.astimezone(UTC).date()


class ActionItemService:
    """Items hang off an incident (its postmortem) or a problem; every change is checked and versioned."""

    def __init__(self, store: Store, *, clock: Clock, bus: EventBus | None = None):
        self.store = store
        self.clock = clock
        self.bus = bus or EventBus()

    # ---- reads -------------------------------------------------------------------------------------

    def _items(self, rows) -> list[ActionItem]:
        keys = cq.incident_keys(self.store, [r[5] for r in rows])
        return [_item(r, keys) for r in rows]

    def get(self, item_id: int) -> ActionItem:
        r = cq.action_item(self.store, int(item_id))
        if r is None:
            raise NotFoundError(f"There is no action item {item_id}.")
        return self._items([r])[0]

    def for_incident(self, incident: str | int) -> list[ActionItem]:
        incident_id = incident if isinstance(incident, int) else _as(parse_key, incident, "incident")
        return self._items(cq.action_items(self.store, incident_id=incident_id))

    def for_problem(self, problem: str | int) -> list[ActionItem]:
        problem_id = _as(parse_problem_key, problem, "problem")
        return self._items(cq.action_items(self.store, problem_id=problem_id))

    def list(self, *, owner: str | Actor | None = None, open_only: bool = True, overdue: bool = False,
             limit: int = 2000) -> list[ActionItem]:
        """Open (or all) items, of one owner when given; overdue and soonest due first."""
        owner_id = self._owner_id(owner) if owner is not None else None
        before = today_utc(self.clock()).isoformat() if overdue else None
        return self._items(cq.action_items(self.store, owner_id=owner_id, open_only=open_only,
                                           overdue_before=before, limit=limit))

    def counts(self, *, owner: str | Actor | None = None) -> dict[str, int]:
        """Open, overdue and unowned counts (the views' badges)."""
        owner_id = self._owner_id(owner) if owner is not None else None
        n_open, n_overdue, n_unowned = cq.action_item_counts(self.store, today=today_utc(self.clock()).isoformat(),
                                                             owner_id=owner_id)
        return {"open": n_open, "overdue": n_overdue, "unowned": n_unowned}

    def today(self) -> date:
        return today_utc(self.clock())

    # ---- writes ------------------------------------------------------------------------------------

    def add(self, *, actor: Actor, title: str, owner: str | None = None, due: str | date | None = None,
            incident: str | int | None = None, problem: str | int | None = None) -> ActionItem:
        require(actor, "action.manage")
        text = _as(lambda v: clean_line(v, what="action item's title"), title, "title")
        due_date = _as(parse_due_date, due, "due")
        if incident is None and problem is None:
            raise ValidationError("Link the action item to an incident or a problem.", field="incident")
        now = self.clock()
        with self.store.write():
            incident_id = self._incident_id(incident) if incident is not None else None
            problem_id = self._problem_id(problem) if problem is not None else None
            owner_id = self._owner_id(owner) if owner else None
            item_id = cq.insert_action_item(self.store, {
                "title": text, "owner_id": owner_id, "due_date": due_date.isoformat() if due_date else None,
                "status": ActionStatus.OPEN.value, "incident_id": incident_id, "problem_id": problem_id,
                "created_by_id": actor.id or None, "created_at": epoch(now), "updated_at": epoch(now), "version": 1})
            if incident_id is not None:
                self._event(incident_id, actor, now, "action item added", text)
            self._tell_owner(owner_id, actor, item_id, text, incident_id, due_date, now)
        self._publish(incident_id)
        return self.get(item_id)

    def update(self, *, actor: Actor, item_id: int, expected_version: int | None = None, title: str | None = None,
               owner=_UNSET, due=_UNSET, status: ActionStatus | str | None = None) -> ActionItem:
        """Change what is given; ``owner=None`` or ``due=None`` clears them."""
        require(actor, "action.manage")
        fields: dict = {}
        if title is not None:
            fields["title"] = _as(lambda v: clean_line(v, what="action item's title"), title, "title")
        if due is not _UNSET:
            due_date = _as(parse_due_date, due, "due")
            fields["due_date"] = due_date.isoformat() if due_date else None
        new_status = None
        if status is not None:
            new_status = status if isinstance(status, ActionStatus) else _as(ActionStatus.parse, status, "status")
            fields["status"] = new_status.value
        now = self.clock()
        with self.store.write():
            raw = cq.action_item_raw(self.store, int(item_id))
            if raw is None:
                raise NotFoundError(f"There is no action item {item_id}.")
            owner_id, old_due, old_status, version, incident_id, _problem_id = raw
            if owner is not _UNSET:
                fields["owner_id"] = self._owner_id(owner) if owner else None
            if new_status is not None:
                fields["done_at"] = epoch(now) if new_status == ActionStatus.DONE else None
            # A new owner or a new due date deserves its own overdue notice when the time comes.
            if fields.get("owner_id", owner_id) != owner_id or fields.get("due_date", old_due) != old_due:
                fields["overdue_notified_at"] = None
            fields["updated_at"] = epoch(now)
            expected = version if expected_version is None else expected_version
            if cq.update_action_item(self.store, int(item_id), fields, expected_version=expected) != 1:
                raise ConflictError(f"Action item {item_id} was changed by someone else after you opened it "
                                    f"(version {expected} -> {version}); nothing was saved.", current_version=version)
            item_title = fields.get("title") or self.get(item_id).title
            if new_status is not None and new_status.value != old_status and incident_id is not None:
                self._event(incident_id, actor, now, f"action item {new_status.label.lower()}", item_title)
            if "owner_id" in fields and fields["owner_id"] != owner_id:
                due_text = fields.get("due_date", old_due)
                self._tell_owner(fields["owner_id"], actor, int(item_id), item_title, incident_id,
                                 date.fromisoformat(due_text) if due_text else None, now)
        self._publish(incident_id)
        return self.get(item_id)

    def notify_overdue(self, now: datetime | None = None, *, batch_size: int = OVERDUE_BATCH) -> list[dict]:
        """Tell each owner of an open item past its due date, once per item and due date (several desks
        may scan at once: the claim decides). Returns one dict per notice written."""
        now = now or self.clock()
        today = today_utc(now).isoformat()
        told: list[dict] = []
        while True:
            with self.store.write():
                rows = cq.overdue_unnotified(self.store, today=today, limit=batch_size)
                keys = cq.incident_keys(self.store, [r[4] for r in rows])
                notes = []
                for item_id, title, owner_id, due, incident_id, problem_id in rows:
                    if not cq.claim_overdue_notice(self.store, item_id, epoch(now)):
                        continue
                    where = keys.get(incident_id) or (format_problem_key(problem_id) if problem_id else "")
                    notes.append((owner_id, incident_id, "action_item", "warning", None,
                                  f"Action item overdue: {title}"[:300], f"Was due {due}" + (f" · {where}" if where
                                                                                              else ""),
                                  epoch(now), None, None))
                    told.append({"kind": "action_item_overdue", "id": item_id, "title": title, "due": due,
                                 "owner_id": owner_id, "incident": keys.get(incident_id),
                                 "problem": format_problem_key(problem_id) if problem_id else None})
                nq.insert_notifications(self.store, notes)
            if len(rows) < batch_size:
                return told

    # ---- helpers -----------------------------------------------------------------------------------

    def _tell_owner(self, owner_id: int | None, actor: Actor, item_id: int, title: str, incident_id: int | None,
                    due: date | None, now: datetime) -> None:
        if not owner_id or owner_id == actor.id:
            return
        where = f" · {format_key(incident_id)}" if incident_id else ""
        nq.insert_notifications(self.store, [(
            owner_id, incident_id, "action_item", "info", None, f"Action item for you: {title}"[:300],
            (f"Due {due.isoformat()}" if due else "No due date") + where + f" (by {actor.username})",
            epoch(now), None, None)])

    def _event(self, incident_id: int, actor: Actor, now: datetime, what: str, title: str) -> None:
        repo.insert_event(self.store, incident_id=incident_id, at=now, actor_id=actor.id or None,
                          actor_label=None if actor.id else actor.username, kind=EV_POSTMORTEM,
                          field="action_item", new_value=what, note=title)

    def _owner_id(self, owner: str | Actor) -> int:
        if isinstance(owner, Actor):
            return owner.id
        return active_user_id(self.store, owner, field="owner")

    def _incident_id(self, key: str | int) -> int:
        number = key if isinstance(key, int) else _as(parse_key, key, "incident")
        if repo.incident_record(self.store, number) is None:
            raise NotFoundError(f"There is no incident {format_key(number)}.")
        return number

    def _problem_id(self, key: str | int) -> int:
        number = _as(parse_problem_key, key, "problem")
        if cq.problem(self.store, number) is None:
            raise NotFoundError(f"There is no problem {format_problem_key(number)}.")
        return number

    def _publish(self, incident_id: int | None) -> None:
        self.bus.publish(Change("action_item", incident_id, format_key(incident_id) if incident_id else None, None,
                                ("action_item",)))
