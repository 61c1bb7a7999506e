"""Postmortems: started (by hand, or as a draft when a required one's incident is resolved), written,
reviewed and published; their timeline is generated from the incident's events and edited apart from it."""

from __future__ import annotations

from datetime import datetime

from incident_desk.domain import postmortem as dp
from incident_desk.domain.incident import (
    EV_COMMENT,
    EV_POSTMORTEM,
    EV_WORK_NOTE,
    DomainError,
    Priority,
    Status,
    TimelineEvent,
    clean_text,
    format_key,
    parse_key,
)
from incident_desk.domain.postmortem import (
    KeyDurations,
    Milestone,
    Postmortem,
    PostmortemStatus,
    TimelineEntry,
)
from incident_desk.domain.sla import STATE_MET, STATE_MISSED, STATE_NONE, compute_clocks
from incident_desk.services.auth import Actor, active_user_id, require
from incident_desk.services.clock import Clock
from incident_desk.services.errors import NotFoundError, ValidationError
from incident_desk.services.events import Change, EventBus
from incident_desk.services.settings import SettingsService
from incident_desk.storage import closure_queries as cq
from incident_desk.storage import repository as repo
from incident_desk.storage.database import ConflictError, Store
from incident_desk.storage.queries import epoch, ts

MAX_IMPACT_COUNT = 10**12


def _as(fn, value, field: str):
    try:
        return fn(value)
    except DomainError as exc:
        raise ValidationError(str(exc), field=field) from None


def _entry(r) -> TimelineEntry:
    return TimelineEntry(id=r[0], at=ts(r[1]), kind=r[2], text=r[3], actor=r[4], source_event_id=r[5],
                         milestone=Milestone.parse(r[6]), hidden=bool(r[7]), edited=bool(r[8]))


class PostmortemService:
    """One incident, one postmortem. Its own edits never bump the incident's version (nothing of the
    incident changes); what happens to it is appended to the incident's timeline all the same."""

    def __init__(self, store: Store, *, clock: Clock, settings: SettingsService, bus: EventBus | None = None):
        self.store = store
        self.clock = clock
        self.settings = settings
        self.bus = bus or EventBus()

    # ---- reads -------------------------------------------------------------------------------------

    def _incident(self, key: str | int):
        number = key if isinstance(key, int) else _as(parse_key, key, "key")
        row = repo.incident_record(self.store, number)
        if row is None:
            raise NotFoundError(f"There is no incident {format_key(number)}.")
        return row

    def _load(self, incident_id: int) -> Postmortem | None:
        r = cq.postmortem_of(self.store, incident_id)
        if r is None:
            return None
        texts = dict(zip(cq.PM_TEXT_COLUMNS, r[12:]))
        entries = tuple(_entry(e) for e in cq.entries_of(self.store, r[0]))
        return Postmortem(id=r[0], incident_key=format_key(r[1]), status=PostmortemStatus(r[2]), required=bool(r[3]),
                          author=r[4], approver=r[5], created_at=ts(r[6]), updated_at=ts(r[7]),
                          submitted_at=ts(r[8]), published_at=ts(r[9]), version=r[10], impact_count=r[11],
                          texts={k: v or "" for k, v in texts.items()}, entries=entries)

    def get(self, key: str | int) -> Postmortem | None:
        """The incident's postmortem, or None when none was started."""
        return self._load(self._incident(key).id)

    def _require_pm(self, row) -> Postmortem:
        pm = self._load(row.id)
        if pm is None:
            raise NotFoundError(f"{row.key} has no postmortem yet; start one first.")
        return pm

    def is_required(self, key: str | int) -> bool:
        return self.settings.closure_policy().requires_postmortem(Priority(self._incident(key).priority))

    def durations(self, key: str | int, pm: Postmortem | None = None) -> KeyDurations:
        """Key durations of the incident, with the milestones its postmortem marks (computed, never typed)."""
        row = self._incident(key)
        if pm is None:
            pm = self._load(row.id)
        response, resolution = self._sla_states(row)
        return dp.compute_durations(opened_at=ts(row.opened_at), acknowledged_at=ts(row.acknowledged_at),
                                    resolved_at=ts(row.resolved_at), entries=pm.entries if pm else (),
                                    response_sla=response, resolution_sla=resolution)

    def _sla_states(self, row) -> tuple[str, str]:
        """(response, resolution) as met / missed / running / none, from the incident's status history."""
        history = repo.status_history(self.store, row.id)
        clocks = compute_clocks(self.settings.sla_policy(), priority=Priority(row.priority),
                                opened_at=ts(row.opened_at), history=history, now=self.clock())

        def word(clock) -> str:
            if clock.state in (STATE_MET, STATE_MISSED, STATE_NONE):
                return clock.state
            return "running"
        return word(clocks.response), word(clocks.resolution)

    def comments(self, key: str | int) -> list[tuple[TimelineEvent, bool]]:
        """The incident's comments and work notes, oldest first, each with whether it is marked key."""
        row = self._incident(key)
        keys = cq.key_event_ids(self.store, row.id)
        events = repo.timeline(self.store, row.id, newest_first=False)
        return [(e, e.id in keys) for e in events if e.kind in (EV_COMMENT, EV_WORK_NOTE)]

    def generated_timeline(self, key: str | int) -> list[dp.EntryDraft]:
        """What the timeline generator makes of the incident's events today (no postmortem needed)."""
        row = self._incident(key)
        return dp.generate_timeline(repo.timeline(self.store, row.id, newest_first=False),
                                    cq.key_event_ids(self.store, row.id), resolution_code=row.resolution_code)

    def list(self, *, statuses: tuple[str, ...] = (), limit: int = 500) -> list[dict]:
        wanted = [_as(PostmortemStatus.parse, s, "status").value for s in statuses]
        return [{"incident": r[0], "title": r[1], "priority": Priority(r[2]).label, "status": r[3],
                 "required": bool(r[4]), "author": r[5], "updated_at": ts(r[6]).isoformat()}
                for r in cq.postmortem_list(self.store, statuses=wanted, limit=limit)]

    # ---- writes ------------------------------------------------------------------------------------

    def _event(self, row, actor: Actor, now: datetime, what: str, old: str | None, new: str | None,
               note: str | None = None) -> None:
        # Appended without a version bump: the incident's fields did not change, so an editor holding
        # it must not be told of a conflict (the watch events do the same).
        repo.insert_event(self.store, incident_id=row.id, at=now, actor_id=actor.id or None,
                          actor_label=None if actor.id else actor.username, kind=EV_POSTMORTEM, field=what,
                          old_value=old, new_value=new, note=note)

    def _bump(self, pm: Postmortem, fields: dict, now: datetime, expected_version: int | None) -> None:
        fields = {**fields, "updated_at": epoch(now)}
        if cq.update_postmortem(self.store, pm.id, fields,
                                expected_version=pm.version if expected_version is None else expected_version) != 1:
            current = cq.postmortem_version(self.store, pm.id)
            raise ConflictError(f"The postmortem of {pm.incident_key} was changed by someone else after you opened "
                                f"it (version {expected_version} -> {current}); nothing was saved.",
                                current_version=current)

    def _create(self, row, actor: Actor, now: datetime, *, required: bool, author_id: int | None) -> int:
        pm_id = cq.insert_postmortem(self.store, {
            "incident_id": row.id, "status": PostmortemStatus.DRAFT.value, "required": required,
            "author_id": author_id, "created_at": epoch(now), "updated_at": epoch(now), "version": 1,
            # peewee's defaults live in Python, not in the table: raw inserts name every column.
            **{name: "" for name in cq.PM_TEXT_COLUMNS}})
        self._add_generated(pm_id, row.id, set())
        return pm_id

    def _add_generated(self, pm_id: int, incident_id: int, present: set[int]) -> int:
        row = repo.incident_record(self.store, incident_id)
        drafts = dp.generate_timeline(repo.timeline(self.store, incident_id, newest_first=False),
                                      cq.key_event_ids(self.store, incident_id), resolution_code=row.resolution_code)
        added = 0
        for d in drafts:
            if d.source_event_id in present:
                continue
            cq.insert_entry(self.store, pm_id, at=epoch(d.at), kind=d.kind, text=d.text, actor=d.actor,
                            source_event=d.source_event_id)
            added += 1
        return added

    def start(self, *, actor: Actor, key: str | int, author: str | None = None) -> Postmortem:
        """Start the postmortem of a resolved or closed incident: a draft with its timeline generated."""
        require(actor, "postmortem.write")
        now = self.clock()
        with self.store.write():
            row = self._incident(key)
            if Status(row.status) not in (Status.RESOLVED, Status.CLOSED):
                raise ValidationError(f"{row.key} is {Status(row.status).label.lower()}; a postmortem is written "
                                      f"once the incident is resolved.", field="status")
            if cq.postmortem_of(self.store, row.id) is not None:
                raise ValidationError(f"{row.key} already has a postmortem.", field="key")
            author_id = self._user_id(author) if author else actor.id
            required = self.settings.closure_policy().requires_postmortem(Priority(row.priority))
            self._create(row, actor, now, required=required, author_id=author_id)
            self._event(row, actor, now, "status", None, PostmortemStatus.DRAFT.value,
                        f"Postmortem started; author {self._username(author_id)}")
        self._publish(row)
        return self._load(row.id)

    def on_incident_written(self, service, incident_id: int, change: Change, actor: Actor, now: datetime) -> None:
        """IncidentService write hook: resolving an incident whose priority needs a postmortem starts its
        draft in the same transaction (author: the assignee, else whoever resolved it)."""
        if change.kind != "transitioned":
            return
        row = repo.incident_record(self.store, incident_id)
        if row is None or Status(row.status) != Status.RESOLVED:
            return
        if not self.settings.closure_policy().requires_postmortem(Priority(row.priority)):
            return
        if cq.postmortem_of(self.store, incident_id) is not None:
            return
        author_id = row.assignee_id or actor.id or None
        self._create(row, actor, now, required=True, author_id=author_id)
        self._event(row, actor, now, "status", None, PostmortemStatus.DRAFT.value,
                    f"Postmortem required for {Priority(row.priority).label}; draft started for "
                    f"{self._username(author_id)}")

    def update(self, *, actor: Actor, key: str | int, expected_version: int, changes: dict) -> Postmortem:
        """Change the template's texts, who was affected and how many, or the author."""
        require(actor, "postmortem.write")
        allowed = set(dp.TEXT_FIELDS) | {"impact_count", "author"}
        unknown = sorted(set(changes) - allowed)
        if unknown:
            raise ValidationError(f"'{unknown[0]}' is not a part of a postmortem.", field=unknown[0])
        fields: dict = {}
        for name, value in changes.items():
            if name == "impact_count":
                fields[name] = self._count(value)
            elif name == "author":
                continue
            elif name == "impact_who":
                fields[name] = _as(lambda v: clean_text(v, what="'who was affected'", limit=300), value or "",
                                   name).strip()
            else:
                fields[name] = _as(lambda v, n=name: clean_text(v, what=n.replace("_", " "), limit=dp.SECTION_LIMIT),
                                   value or "", name)
        now = self.clock()
        with self.store.write():
            row = self._incident(key)
            pm = self._require_pm(row)
            self._check_editable(pm)
            if "author" in changes:
                fields["author_id"] = self._user_id(changes["author"], field="author")
            self._bump(pm, fields, now, expected_version)
            if "author_id" in fields and self._username(fields["author_id"]) != pm.author:
                self._event(row, actor, now, "author", pm.author, self._username(fields["author_id"]))
        self._publish(row)
        return self._load(row.id)

    def move(self, *, actor: Actor, key: str | int, to: PostmortemStatus | str, expected_version: int | None = None,
             note: str | None = None) -> Postmortem:
        """Submit for review, send back, approve and publish (a lead, every action item owned) or reopen."""
        require(actor, "postmortem.write")
        target = to if isinstance(to, PostmortemStatus) else _as(PostmortemStatus.parse, to, "status")
        text = _as(lambda v: clean_text(v, what="note", limit=2000), note or "", "note").strip() or None
        now = self.clock()
        with self.store.write():
            row = self._incident(key)
            pm = self._require_pm(row)
            verb = _as(lambda _: dp.check_move(pm.status, target), None, "status")
            if target == PostmortemStatus.PUBLISHED or pm.status == PostmortemStatus.PUBLISHED \
                    or (pm.status, target) == (PostmortemStatus.IN_REVIEW, PostmortemStatus.DRAFT):
                require(actor, "postmortem.approve")
            fields: dict = {"status": target.value}
            if target == PostmortemStatus.IN_REVIEW:
                fields["submitted_at"] = epoch(now)
            if target == PostmortemStatus.PUBLISHED:
                from incident_desk.services.action_items import ActionItemService
                items = ActionItemService(self.store, clock=self.clock).for_incident(row.id)
                blockers = dp.publish_blockers(pm, items)
                if blockers:
                    raise ValidationError(" ".join(blockers), field="status")
                fields.update(published_at=epoch(now), approver_id=actor.id or None)
            if target == PostmortemStatus.DRAFT and pm.status == PostmortemStatus.PUBLISHED:
                fields.update(published_at=None, approver_id=None)
            self._bump(pm, fields, now, expected_version)
            who = f"approved by {actor.username}" if target == PostmortemStatus.PUBLISHED else \
                f"{verb} by {actor.username}"
            if target == PostmortemStatus.PUBLISHED and pm.author:
                who += f"; written by {pm.author}"
            self._event(row, actor, now, "status", pm.status.value, target.value, who + (f": {text}" if text else ""))
        self._publish(row)
        return self._load(row.id)

    def regenerate(self, *, actor: Actor, key: str | int) -> int:
        """Add timeline entries for events since the timeline was made (and comments marked key since);
        what the author edited or hid stays as it is. Returns how many were added."""
        require(actor, "postmortem.write")
        now = self.clock()
        with self.store.write():
            row = self._incident(key)
            pm = self._require_pm(row)
            self._check_editable(pm)
            added = self._add_generated(pm.id, row.id, cq.entry_sources(self.store, pm.id))
            if added:
                self._bump(pm, {}, now, None)
        self._publish(row)
        return added

    def add_entry(self, *, actor: Actor, key: str | int, at: datetime, text: str,
                  milestone: Milestone | str | None = None) -> TimelineEntry:
        """An entry of the author's own (what the events do not show: 'disk filled up at 08:12')."""
        require(actor, "postmortem.write")
        body = self._entry_text(text)
        mark = milestone if isinstance(milestone, Milestone) or milestone is None else \
            _as(Milestone.parse, milestone, "milestone")
        if at.tzinfo is None:
            raise ValidationError("The entry's time needs a time zone.", field="at")
        now = self.clock()
        with self.store.write():
            row = self._incident(key)
            pm = self._require_pm(row)
            self._check_editable(pm)
            entry_id = cq.insert_entry(self.store, pm.id, at=epoch(at), kind="note", text=body,
                                       actor=actor.username if actor.id else None, source_event=None,
                                       milestone=mark.value if mark else None)
            self._bump(pm, {}, now, None)
        self._publish(row)
        return next(e for e in self._load(row.id).entries if e.id == entry_id)

    def edit_entry(self, *, actor: Actor, key: str | int, entry_id: int, text: str | None = None,
                   at: datetime | None = None, milestone: Milestone | str | None | bool = False,
                   hidden: bool | None = None) -> TimelineEntry:
        """Reword, re-time, mark a milestone on (milestone=None clears it; False leaves it) or hide an entry.
        Only the postmortem changes: the incident's own timeline keeps what really happened."""
        require(actor, "postmortem.write")
        fields: dict = {}
        if text is not None:
            fields.update(text=self._entry_text(text), edited=True)
        if at is not None:
            if at.tzinfo is None:
                raise ValidationError("The entry's time needs a time zone.", field="at")
            fields.update(at=epoch(at), edited=True)
        if milestone is not False:
            mark = milestone if isinstance(milestone, Milestone) or milestone is None else \
                _as(Milestone.parse, milestone, "milestone")
            fields["milestone"] = mark.value if mark else None
        if hidden is not None:
            fields["hidden"] = bool(hidden)
        now = self.clock()
        with self.store.write():
            row, pm, _source = self._editable_entry(key, entry_id)
            if fields:
                cq.update_entry(self.store, int(entry_id), fields)
                self._bump(pm, {}, now, None)
        self._publish(row)
        return next(e for e in self._load(row.id).entries if e.id == int(entry_id))

    def remove_entry(self, *, actor: Actor, key: str | int, entry_id: int) -> None:
        """Delete an entry the author added; generated ones are hidden instead (so they do not come back)."""
        require(actor, "postmortem.write")
        now = self.clock()
        with self.store.write():
            row, pm, source = self._editable_entry(key, entry_id)
            if source is None:
                cq.delete_entry(self.store, int(entry_id))
            else:
                cq.update_entry(self.store, int(entry_id), {"hidden": True})
            self._bump(pm, {}, now, None)
        self._publish(row)

    def mark_key_comment(self, *, actor: Actor, event_id: int, key_comment: bool = True) -> None:
        """Mark a comment or work note as key (the postmortem timeline shows it), or unmark it."""
        require(actor, "postmortem.write")
        now = self.clock()
        with self.store.write():
            found = cq.event_kind(self.store, int(event_id))
            if found is None:
                raise NotFoundError(f"There is no timeline event {event_id}.")
            incident_id, kind = found
            if kind not in (EV_COMMENT, EV_WORK_NOTE):
                raise ValidationError("Only comments and work notes can be marked as key.", field="event")
            row = self._incident(incident_id)
            pm = self._load(row.id)
            if key_comment:
                cq.mark_key_event(self.store, event_id=int(event_id), incident_id=row.id, user_id=actor.id or None,
                                  at=epoch(now))
                if pm is not None and pm.status != PostmortemStatus.PUBLISHED:
                    self._add_generated(pm.id, row.id, cq.entry_sources(self.store, pm.id))
            else:
                cq.unmark_key_event(self.store, int(event_id))
                if pm is not None and pm.status != PostmortemStatus.PUBLISHED:
                    for entry in pm.entries:
                        if entry.source_event_id == int(event_id) and not entry.edited:
                            cq.delete_entry(self.store, entry.id)
            if pm is not None and pm.status != PostmortemStatus.PUBLISHED:
                self._bump(pm, {}, now, None)
        self._publish(row)

    # ---- helpers -----------------------------------------------------------------------------------

    def _editable_entry(self, key: str | int, entry_id: int):
        """(incident row, postmortem, the entry's source event) for an entry that may be changed now."""
        row = self._incident(key)
        pm = self._require_pm(row)
        self._check_editable(pm)
        found = cq.entry(self.store, int(entry_id))
        if found is None or found[0] != pm.id:
            raise NotFoundError(f"The postmortem of {row.key} has no timeline entry {entry_id}.")
        return row, pm, found[1]

    @staticmethod
    def _check_editable(pm: Postmortem) -> None:
        if pm.status == PostmortemStatus.PUBLISHED:
            raise ValidationError(f"The postmortem of {pm.incident_key} is published; reopen it for revision "
                                  f"to change it.", field="status")

    @staticmethod
    def _entry_text(text: str) -> str:
        body = _as(lambda v: clean_text(v, what="entry", limit=dp.ENTRY_LIMIT), text or "", "text").strip()
        if not body:
            raise ValidationError("The timeline entry is empty.", field="text")
        return body

    @staticmethod
    def _count(value) -> int | None:
        if value is None or str(value).strip() == "":
            return None
        try:
            number = int(str(value).strip().replace(",", "").replace("_", ""))
        except ValueError:
            raise ValidationError(f"'{value}' is not a number of people or customers.", field="impact_count") from None
        if not 0 <= number <= MAX_IMPACT_COUNT:
            raise ValidationError("The number affected must be between 0 and a trillion.", field="impact_count")
        return number

    def _user_id(self, username: str | None, field: str = "author") -> int | None:
        if username is None or str(username).strip() == "":
            return None
        return active_user_id(self.store, username, field=field)

    def _username(self, user_id: int | None) -> str:
        if not user_id:
            return "nobody"
        row = repo.user_by_id(self.store, user_id)
        return row.username if row else "nobody"

    def _publish(self, row) -> None:
        self.bus.publish(Change("postmortem", row.id, row.key, None, ("postmortem",)))
