"""Problem records: the cause behind recurring incidents, a known error once its workaround is written
down (the log dialog then offers that workaround when a new report matches), resolved when it is fixed."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

from incident_desk.domain.closure import (
    KnownErrorMatch,
    Problem,
    ProblemStatus,
    clean_line,
    format_problem_key,
    match_known_error,
    parse_problem_key,
    parse_root_cause,
    words,
)
from incident_desk.domain.incident import EV_PROBLEM, DomainError, clean_text, format_key, parse_key
from incident_desk.services.auth import Actor, active_user_id, require
from incident_desk.services.clock import Clock
from incident_desk.services.errors import NotFoundError, ValidationError
from incident_desk.services.events import Change, EventBus
from incident_desk.storage import closure_queries as cq
from incident_desk.storage import repository as repo
from incident_desk.storage.database import ConflictError, Store
from incident_desk.storage.queries import epoch, ts

KNOWN_ERROR_CACHE_S = 30.0  # the log dialog asks as the caller talks; known errors change rarely
EDITABLE = ("title", "description", "workaround", "root_cause", "owner")


def _as(fn, value, field: str):
    try:
        return fn(value)
    except DomainError as exc:
        raise ValidationError(str(exc), field=field) from None


def _problem(r, keys: tuple[str, ...] = ()) -> Problem:
    return Problem(id=r[0], key=format_problem_key(r[0]), title=r[1], description=r[2] or "",
                   status=ProblemStatus(r[3]), workaround=r[4] or "", root_cause=r[5], owner=r[6], created_by=r[7],
                   created_at=ts(r[8]), updated_at=ts(r[9]), resolved_at=ts(r[10]), version=r[11],
                   incident_count=r[12], open_incident_count=r[13], incident_keys=keys)


class ProblemService:
    """Problems and their incidents; linking is recorded on each incident's timeline."""

    def __init__(self, store: Store, *, clock: Clock, bus: EventBus | None = None):
        self.store = store
        self.clock = clock
        self.bus = bus or EventBus()
        self._known: tuple[float, list] | None = None
        self._lock = threading.Lock()

    # ---- reads -------------------------------------------------------------------------------------

    def _id(self, key: str | int) -> int:
        number = _as(parse_problem_key, key, "problem")
        if cq.problem(self.store, number) is None:
            raise NotFoundError(f"There is no problem {format_problem_key(number)}.")
        return number

    def get(self, key: str | int) -> Problem:
        number = self._id(key)
        keys = tuple(r[1] for r in cq.problem_incidents(self.store, number))
        return _problem(cq.problem(self.store, number), keys)

    def incidents(self, key: str | int) -> list[tuple]:
        """(key, title, priority, status, opened_at) of the problem's incidents, newest first."""
        from incident_desk.domain.incident import Priority, Status
        return [(r[1], r[2], Priority(r[3]), Status(r[4]), ts(r[5]))
                for r in cq.problem_incidents(self.store, self._id(key))]

    def list(self, *, statuses: Iterable[ProblemStatus | str] = (), limit: int = 1000) -> list[Problem]:
        wanted = [s.value if isinstance(s, ProblemStatus) else _as(ProblemStatus.parse, s, "status").value
                  for s in statuses]
        return [_problem(r) for r in cq.problems(self.store, statuses=wanted, limit=limit)]

    def counts(self) -> dict[str, int]:
        found = cq.problem_counts(self.store)
        return {s.value: found.get(s.value, 0) for s in ProblemStatus}

    def problem_of(self, incident: str | int) -> Problem | None:
        number = incident if isinstance(incident, int) else _as(parse_key, incident, "incident")
        problem_id = cq.problem_of_incident(self.store, number)
        return self.get(problem_id) if problem_id else None

    def known_errors_for(self, text: str, *, limit: int = 3) -> list[KnownErrorMatch]:
        """Known errors a report being typed seems to be: it shares words with the problem's own text
        or with its incidents' titles. Cached for a few seconds: the log dialog asks as the caller talks."""
        report = words(text)
        if not report:
            return []
        found = []
        for key, title, workaround, title_words, all_words in self._known_errors():
            shared = match_known_error(report, title_words, all_words)
            if shared:
                found.append((len(shared), KnownErrorMatch(key=key, title=title, workaround=workaround,
                                                           shared_words=shared)))
        found.sort(key=lambda pair: (-pair[0], pair[1].key))
        return [m for _, m in found[:limit]]

    def _known_errors(self) -> list:
        with self._lock:
            if self._known is not None and time.monotonic() - self._known[0] < KNOWN_ERROR_CACHE_S:
                return self._known[1]
        rows = cq.known_errors(self.store)
        out = []
        for problem_id, title, description, workaround in rows:
            titles = " ".join(r[2] for r in cq.problem_incidents(self.store, problem_id)[:200])
            title_words = words(title) | words(titles)
            out.append((format_problem_key(problem_id), title, workaround or "", title_words,
                        title_words | words(description) | words(workaround)))
        with self._lock:
            self._known = (time.monotonic(), out)
        return out

    def forget_cache(self) -> None:
        with self._lock:
            self._known = None

    # ---- writes ------------------------------------------------------------------------------------

    def create(self, *, actor: Actor, title: str, description: str = "", workaround: str = "",
               incidents: Iterable[str | int] = (), owner: str | None = None) -> Problem:
        """A new open problem, linked to ``incidents`` (each may belong to one problem only)."""
        require(actor, "problem.manage")
        text = _as(lambda v: clean_line(v, what="problem's title"), title, "title")
        desc = _as(lambda v: clean_text(v, what="description"), description or "", "description").strip()
        work = _as(lambda v: clean_text(v, what="workaround"), workaround or "", "workaround").strip()
        now = self.clock()
        with self.store.write():
            owner_id = self._user_id(owner) if owner else None
            problem_id = cq.insert_problem(self.store, {
                "title": text, "description": desc, "status": ProblemStatus.OPEN.value, "workaround": work,
                "owner_id": owner_id, "created_by_id": actor.id or None, "created_at": epoch(now),
                "updated_at": epoch(now), "version": 1})
            linked = [self._link(problem_id, incident, actor, now) for incident in incidents]
        self.forget_cache()
        self._publish(linked)
        return self.get(problem_id)

    def update(self, *, actor: Actor, key: str | int, expected_version: int, changes: dict) -> Problem:
        require(actor, "problem.manage")
        unknown = sorted(set(changes) - set(EDITABLE))
        if unknown:
            raise ValidationError(f"'{unknown[0]}' cannot be changed on a problem.", field=unknown[0])
        fields: dict = {}
        if "title" in changes:
            fields["title"] = _as(lambda v: clean_line(v, what="problem's title"), changes["title"], "title")
        for name in ("description", "workaround"):
            if name in changes:
                fields[name] = _as(lambda v, n=name: clean_text(v, what=n), changes[name] or "", name).strip()
        if "root_cause" in changes:
            fields["root_cause"] = _as(parse_root_cause, changes["root_cause"], "root_cause")
        now = self.clock()
        with self.store.write():
            number = self._id(key)
            current = self.get(number)
            if "owner" in changes:
                fields["owner_id"] = self._user_id(changes["owner"]) if changes["owner"] else None
            if current.status == ProblemStatus.KNOWN_ERROR and "workaround" in fields and not fields["workaround"]:
                raise ValidationError("A known error needs its workaround; set the problem back to open first.",
                                      field="workaround")
            fields["updated_at"] = epoch(now)
            self._write(number, fields, expected_version)
        self.forget_cache()
        self._publish([])
        return self.get(number)

    def set_status(self, *, actor: Actor, key: str | int, status: ProblemStatus | str,
                   expected_version: int | None = None) -> Problem:
        """Open, known error (needs a workaround) or resolved (its cause is removed)."""
        require(actor, "problem.manage")
        target = status if isinstance(status, ProblemStatus) else _as(ProblemStatus.parse, status, "status")
        now = self.clock()
        with self.store.write():
            number = self._id(key)
            current = self.get(number)
            if target == ProblemStatus.KNOWN_ERROR and not current.workaround.strip():
                raise ValidationError(f"{current.key} needs a workaround before it is a known error.",
                                      field="workaround")
            if target == current.status:
                return current
            fields = {"status": target.value, "updated_at": epoch(now),
                      "resolved_at": epoch(now) if target == ProblemStatus.RESOLVED else None}
            self._write(number, fields, current.version if expected_version is None else expected_version)
        self.forget_cache()
        self._publish([])
        return self.get(number)

    def link(self, *, actor: Actor, key: str | int, incidents: Iterable[str | int]) -> Problem:
        require(actor, "problem.manage")
        now = self.clock()
        with self.store.write():
            number = self._id(key)
            linked = [self._link(number, incident, actor, now) for incident in incidents]
            cq.update_problem(self.store, number, {"updated_at": epoch(now)}, expected_version=None)
        self.forget_cache()
        self._publish(linked)
        return self.get(number)

    def unlink(self, *, actor: Actor, key: str | int, incident: str | int) -> Problem:
        require(actor, "problem.manage")
        now = self.clock()
        with self.store.write():
            number = self._id(key)
            row = self._incident(incident)
            if not cq.unlink_problem(self.store, problem_id=number, incident_id=row.id):
                raise NotFoundError(f"{row.key} is not linked to {format_problem_key(number)}.")
            self._event(row.id, actor, now, format_problem_key(number), None, "unlinked")
            cq.update_problem(self.store, number, {"updated_at": epoch(now)}, expected_version=None)
        self.forget_cache()
        self._publish([row])
        return self.get(number)

    # ---- helpers -----------------------------------------------------------------------------------

    def _link(self, problem_id: int, incident: str | int, actor: Actor, now):
        row = self._incident(incident)
        other = cq.problem_of_incident(self.store, row.id)
        if other == problem_id:
            return row
        if other is not None:
            raise ValidationError(f"{row.key} is already linked to {format_problem_key(other)}; unlink it there "
                                  f"first.", field="incidents")
        cq.link_problem(self.store, problem_id=problem_id, incident_id=row.id, at=epoch(now), user_id=actor.id or None)
        self._event(row.id, actor, now, None, format_problem_key(problem_id), "linked")
        return row

    def _write(self, number: int, fields: dict, expected_version: int) -> None:
        if cq.update_problem(self.store, number, fields, expected_version=expected_version) != 1:
            current = cq.problem(self.store, number)[11]
            raise ConflictError(f"{format_problem_key(number)} was changed by someone else after you opened it "
                                f"(version {expected_version} -> {current}); nothing was saved.",
                                current_version=current)

    def _event(self, incident_id: int, actor: Actor, now, old: str | None, new: str | None, note: str) -> None:
        # Like a watch: the incident's fields are unchanged, so no version bump that would upset an editor.
        repo.insert_event(self.store, incident_id=incident_id, at=now, actor_id=actor.id or None,
                          actor_label=None if actor.id else actor.username, kind=EV_PROBLEM, field="problem",
                          old_value=old, new_value=new, note=note)

    def _incident(self, key: str | int):
        number = key if isinstance(key, int) else _as(parse_key, key, "incidents")
        row = repo.incident_record(self.store, number)
        if row is None:
            raise NotFoundError(f"There is no incident {format_key(number)}.")
        return row

    def _user_id(self, username: str) -> int:
        return active_user_id(self.store, username, field="owner")

    def _publish(self, rows) -> None:
        if not rows:
            self.bus.publish(Change("problem", None, None, None, ("problem",)))
        for row in rows:
            self.bus.publish(Change("problem", row.id, row.key, None, ("problem",)))
