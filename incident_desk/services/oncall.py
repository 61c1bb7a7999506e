"""On-call rotations per team: set by leads, read by everyone, asked by the escalation engine who is on call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from incident_desk.domain import oncall as dom
from incident_desk.domain.incident import DomainError
from incident_desk.domain.limits import check_instant, check_whole
from incident_desk.services.auth import Actor, require
from incident_desk.services.clock import Clock
from incident_desk.services.errors import NotFoundError, ValidationError
from incident_desk.storage import oncall_queries as oq
from incident_desk.storage import repository as repo
from incident_desk.storage.database import Store
from incident_desk.storage.queries import epoch, ts

NAME_MAX = 100
EXPORT_WEEKS_MAX = 104


def _as(parse, value, field: str):
    try:
        return parse(value)
    except DomainError as exc:
        raise ValidationError(str(exc), field=field) from None


@dataclass(frozen=True)
class OnCall:
    """Who is on call for a team at an instant, and the span they hold it (None: nobody)."""

    team: str
    user: str | None
    start: datetime | None
    end: datetime | None
    override: bool = False

    def to_dict(self) -> dict:
        return {"team": self.team, "user": self.user,
                "from": self.start.isoformat() if self.start else None,
                "to": self.end.isoformat() if self.end else None}


class OncallService:
    """Rotations and overrides of teams; times are instants (UTC), handoffs wall times in a named zone."""

    def __init__(self, store: Store, *, clock: Clock):
        self.store = store
        self.clock = clock

    # ---- reading ------------------------------------------------------------------------------------

    def _team(self, name: str):
        row = repo.team_by_name(self.store, str(name or ""))
        if row is None:
            raise NotFoundError(f"There is no team '{name}'.")
        return row

    def _user_id(self, username: str, field: str) -> int:
        row = repo.user_by_name(self.store, str(username or ""))
        if row is None:
            raise ValidationError(f"There is no user '{username}'.", field=field)
        if not row.active:
            raise ValidationError(f"The user '{username}' is deactivated.", field=field)
        return row.id

    def rotations(self, team: str) -> list[dom.Rotation]:
        return self._rotations_of(self._team(team).id)

    def _rotations_of(self, team_id: int) -> list[dom.Rotation]:
        out = []
        for _, name, every, unit, start, tz, days, hours, people in oq.rotations(self.store, team_id):
            if not people:
                continue
            try:
                out.append(dom.Rotation(name=name, users=tuple(people), every=every, unit=unit,
                                        start=dom.parse_local_start(start), tz=tz, days=dom.parse_days(days),
                                        hours=dom.parse_hours(hours)))
            except DomainError:
                continue  # a row written by hand that no longer reads is skipped, not fatal
        return out

    def overrides(self, team: str, *, start: datetime | None = None, end: datetime | None = None) -> list[dict]:
        """Overrides overlapping [start, end) (default: from now on), oldest added first."""
        team_id = self._team(team).id
        start = start or self.clock()
        end = end or start + timedelta(days=3650)
        return [{"id": i, "user": u, "from": ts(a), "to": ts(b)}
                for i, u, a, b in oq.overrides(self.store, team_id, epoch(start), epoch(end))]

    def _overrides_of(self, team_id: int, start: datetime, end: datetime) -> list[dom.Override]:
        return [dom.Override(u, ts(a), ts(b)) for _, u, a, b in oq.overrides(self.store, team_id, epoch(start),
                                                                             epoch(end))]

    def schedule(self, team: str, start: datetime, end: datetime) -> list[dom.Shift]:
        start = _as(partial(check_instant, what="start"), start, "from")
        end = _as(partial(check_instant, what="end"), end, "to")
        row = self._team(team)
        return _as(lambda _: dom.schedule(self._rotations_of(row.id), self._overrides_of(row.id, start, end),
                                          start, end), None, "span")

    def who(self, team: str, at: datetime | None = None) -> OnCall:
        at = _as(partial(check_instant, what="time"), at or self.clock(), "at")
        row = self._team(team)
        return self._who(row.id, row.name, at)

    def _who(self, team_id: int, team_name: str, at: datetime) -> OnCall:
        span = timedelta(weeks=4)
        shift = dom.on_call_at(self._rotations_of(team_id), self._overrides_of(team_id, at - span, at + span), at)
        if shift is None:
            return OnCall(team_name, None, None, None)
        return OnCall(team_name, shift.user, shift.start, shift.end, shift.override)

    def on_call_user(self, team_id: int, at: datetime) -> str | None:
        """For the escalation engine: the username on call for the team, or None."""
        return self._who(team_id, "", at).user

    def teams_with_rotation(self) -> set[int]:
        return oq.teams_with_rotation(self.store)

    def names(self, usernames: list[str]) -> dict[str, str]:
        return oq.display_names(self.store, sorted(set(usernames)))

    # ---- changing (leads) ---------------------------------------------------------------------------

    def set_rotation(self, *, actor: Actor, team: str, users: list[str], every: str, start: str, tz: str,
                     days: str | None = None, hours: str | None = None, name: str = "primary") -> dom.Rotation:
        """Add the team's rotation of this name, or replace it."""
        require(actor, "oncall.manage")
        name = (name or "").strip()
        if not name or len(name) > NAME_MAX:
            raise ValidationError(f"A rotation name needs 1 to {NAME_MAX} characters.", field="name")
        count, unit = _as(dom.parse_every, every, "every")
        rotation = _as(lambda _: dom.Rotation(
            name=name, users=tuple(users), every=count, unit=unit, start=dom.parse_local_start(start), tz=tz,
            days=dom.parse_days(days), hours=dom.parse_hours(hours)), None, "rotation")
        if len({u.lower() for u in users}) != len(users):
            raise ValidationError("A person is listed twice in the rotation.", field="users")
        with self.store.write():
            row = self._team(team)
            ids = [self._user_id(u, "users") for u in users]
            oq.save_rotation(self.store, team_id=row.id, name=name, every=count, unit=unit,
                             start_local=rotation.start.strftime("%Y-%m-%dT%H:%M"), timezone=tz,
                             days=dom.format_days(rotation.days), hours=dom.format_hours(rotation.hours),
                             user_ids=ids, at=epoch(self.clock()))
            oq.reschedule_team(self.store, row.id)
        return rotation

    def remove_rotation(self, *, actor: Actor, team: str, name: str = "primary") -> None:
        require(actor, "oncall.manage")
        with self.store.write():
            row = self._team(team)
            if not oq.delete_rotation(self.store, row.id, name):
                raise NotFoundError(f"Team {team} has no rotation '{name}'.")
            oq.reschedule_team(self.store, row.id)

    def add_override(self, *, actor: Actor, team: str, user: str, start: datetime, end: datetime) -> None:
        require(actor, "oncall.manage")
        start = _as(partial(check_instant, what="start of the override"), start, "from")
        end = _as(partial(check_instant, what="end of the override"), end, "to")
        if end <= start:
            raise ValidationError("The override ends before it starts.", field="to")
        if end - start > timedelta(days=366):
            raise ValidationError("An override covers at most a year.", field="to")
        with self.store.write():
            row = self._team(team)
            oq.add_override(self.store, team_id=row.id, user_id=self._user_id(user, "user"), starts_at=epoch(start),
                            ends_at=epoch(end), created_by=actor.id or None, at=epoch(self.clock()))

    def remove_override(self, *, actor: Actor, team: str, override_id: int) -> None:
        require(actor, "oncall.manage")
        override_id = _as(partial(check_whole, what="override id", low=1), override_id, "id")
        with self.store.write():
            if not oq.delete_override(self.store, self._team(team).id, override_id):
                raise NotFoundError(f"Team {team} has no override {override_id}.")

    # ---- calendar -----------------------------------------------------------------------------------

    def export_ics(self, team: str, *, start: datetime | None = None, weeks: int = 4) -> tuple[str, int]:
        """The iCalendar text of the team's shifts from ``start`` for ``weeks``, and how many events."""
        weeks = _as(partial(check_whole, what="number of weeks", low=1, high=EXPORT_WEEKS_MAX), weeks, "weeks")
        row = self._team(team)
        start = start or self.clock()
        shifts = self.schedule(row.name, start, start + timedelta(weeks=weeks))
        names = self.names([s.user for s in shifts])
        text = dom.to_ics(row.name, shifts, names, stamp=self.clock().astimezone(UTC), uid_base=f"team{row.id}")
        return text, len(shifts)
