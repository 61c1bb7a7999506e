"""Alerts from monitoring become incidents: mapping, dedup by alert key and group, recovery, via the services."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from incident_desk.domain.incident import DomainError, Priority, Status, format_key
from incident_desk.domain.intake import (
    ACKNOWLEDGED,
    FIRING,
    RECOVERED_CODE,
    RESOLVED,
    Alert,
    IntakeMapping,
    MappedAlert,
    levels_for,
    map_alert,
)
from incident_desk.services.auth import Actor, require
from incident_desk.services.errors import ValidationError
from incident_desk.services.incidents import IncidentDraft
from incident_desk.storage import intake_queries as iq
from incident_desk.storage import repository as repo
from incident_desk.storage import search
from incident_desk.storage.queries import epoch

log = logging.getLogger(__name__)

MAPPING_KEY = "intake_mapping"
WINDOW_KEY = "intake_window"   # {"listen": "HOST:PORT", "token_file": PATH}: the desk window runs the intake
ACCOUNT = "monitoring"
ACCOUNT_NAME = "Monitoring"


@dataclass(frozen=True)
class Outcome:
    """What one alert did: opened, fired_again, joined, acknowledged, resolved, recovery_noted, recovered_one,
    or ignored (a recovery or acknowledgement of nothing open)."""

    action: str
    dedup_key: str
    incident: str | None = None

    def to_dict(self) -> dict:
        return {"action": self.action, "dedup_key": self.dedup_key, "incident": self.incident}


class IntakeService:
    """Takes parsed alerts; each request is one savepoint, a batch of requests one transaction."""

    def __init__(self, desk):
        self.desk = desk
        self.store = desk.store
        self._account: Actor | None = None
        self._mapping: IntakeMapping | None = None
        self._teams: dict[str, bool] = {}

    # ---- settings -----------------------------------------------------------------------------------

    def mapping(self) -> IntakeMapping:
        if self._mapping is None:
            data = repo.get_setting(self.store, MAPPING_KEY)
            try:
                self._mapping = IntakeMapping.from_dict(data) if data else IntakeMapping()
            except DomainError as exc:
                log.warning("the stored intake mapping is not valid (%s); using the defaults", exc)
                self._mapping = IntakeMapping()
        return self._mapping

    def set_mapping(self, *, actor: Actor, mapping: IntakeMapping | dict) -> IntakeMapping:
        require(actor, "settings.intake")
        if not isinstance(mapping, IntakeMapping):
            try:
                mapping = IntakeMapping.from_dict(mapping)
            except (DomainError, TypeError) as exc:
                raise ValidationError(str(exc), field="intake") from None
        with self.store.write():
            repo.put_setting(self.store, MAPPING_KEY, mapping.to_dict(), now=self.desk.clock())
        self._mapping = mapping
        return mapping

    def window_intake(self) -> dict | None:
        """Where the desk window should run the intake ({"listen", "token_file"}), or None."""
        data = repo.get_setting(self.store, WINDOW_KEY)
        if isinstance(data, dict) and data.get("listen") and data.get("token_file"):
            return {"listen": str(data["listen"]), "token_file": str(data["token_file"])}
        return None

    def set_window_intake(self, *, actor: Actor, listen: str | None, token_file: str | None) -> None:
        """Have the desk window run the intake in the background (None: it does not)."""
        require(actor, "settings.intake")
        value = {"listen": listen, "token_file": token_file} if listen and token_file else {}
        with self.store.write():
            repo.put_setting(self.store, WINDOW_KEY, value, now=self.desk.clock())

    def account(self) -> Actor:
        """The monitoring account (made on first use): an inactive lead, so it may set a mapped priority."""
        if self._account is None:
            with self.store.write():
                user_id = iq.account_id(self.store, ACCOUNT) or iq.add_account(
                    self.store, username=ACCOUNT, display_name=ACCOUNT_NAME, at=epoch(self.desk.clock()))
            self._account = Actor(id=user_id, username=ACCOUNT, display_name=ACCOUNT_NAME, role="lead")
        return self._account

    def ready(self) -> None:
        """What the first alert would otherwise wait for (45 ms of it, measured): the monitoring account,
        the mapping, and the services an alert goes through, imported and built."""
        self.account()
        self.mapping()
        self.desk.escalation  # noqa: B018  (built on first use, with the services it pulls in)
        self.desk.postmortems  # noqa: B018  (every written incident is shown to it: a postmortem may be due)

    # ---- taking alerts ------------------------------------------------------------------------------

    def accept(self, alerts: Sequence[Alert]) -> list[Outcome]:
        """One request's alerts, committed together (or not at all)."""
        return self.accept_batch([alerts])[0]

    def accept_batch(self, requests: Sequence[Sequence[Alert]]) -> list[list[Outcome] | Exception]:
        """Several requests in one transaction (group commit): each in its own savepoint, so one that
        fails leaves the others; the caller answers none of them before this returns (committed)."""
        actor = self.account()
        mapping = self.mapping()
        results: list = []
        # Reads that do not change within the batch are made once per batch (see _team_known).
        self._teams = {}
        with self.desk.escalation.batch():
            # First all requests in one transaction without savepoints (each costs statements and, on
            # SQLite, a flush of the search index); changes are told once it committed.
            try:
                with self.desk.bus.held(), self.store.write_joined():
                    return [[self._one(actor, mapping, alert) for alert in alerts] for alerts in requests]
            except (DomainError, ValidationError) as exc:
                if len(requests) == 1:  # the transaction was the request's all-or-nothing
                    return [exc]
            # A request was refused and took the others down with it: again, each request in a
            # savepoint of its own, so the refused one leaves the others.
            with self.desk.bus.held() as told, self.store.write():
                for alerts in requests:
                    mark = len(told)
                    try:
                        with self.store.write():
                            results.append([self._one(actor, mapping, alert) for alert in alerts])
                    except (DomainError, ValidationError) as exc:
                        del told[mark:]  # its changes were rolled back with its savepoint
                        results.append(exc)
        return results

    def upkeep_in_writer(self, on: bool) -> None:
        """While on, the intake's writer does the database's upkeep itself in its idle moments (merge_step,
        checkpoint) and the store's upkeep thread leaves it alone. On another thread, a merge step holds
        the write lock for as long as that thread waits to be scheduled, and a checkpoint runs beside the
        commits, never copies the whole WAL, so the WAL never starts over: it grows to the backstop and
        one commit in a few hundred copied 64 MB itself (15 ms of CPU, 50 ms of waiting)."""
        upkeep = self.store.checkpointer
        if upkeep is not None:
            upkeep.upkeep_elsewhere = on

    def merge_step(self) -> bool:
        """One step of the search index's merge; True if it merged something (more may be left)."""
        return search.merge_step(self.store)

    def checkpoint(self) -> int:
        """Copy the WAL into the database (PASSIVE); the frames it held."""
        return self.store.checkpoint()

    def _team_known(self, name: str) -> bool:
        known = self._teams.get(name.lower())
        if known is None:
            known = self._teams[name.lower()] = repo.team_by_name(self.store, name) is not None
        return known

    def _one(self, actor: Actor, mapping: IntakeMapping, alert: Alert) -> Outcome:
        dedup_key = f"{alert.source}:{alert.key}"
        now = self.desk.clock()
        if alert.status == FIRING:
            return self._firing(actor, mapping, alert, dedup_key, now)
        found = iq.open_incident_of_key(self.store, dedup_key)
        if found is None:
            return Outcome("ignored", alert.key)
        key_id, incident_id = found
        incident = repo.incident_record(self.store, incident_id)
        if alert.status == ACKNOWLEDGED:
            iq.set_status(self.store, key_id, ACKNOWLEDGED, epoch(now))
            if Status(incident.status) == Status.NEW:
                self.desk.incidents.transition(actor=actor, key=incident_id, to=Status.ACKNOWLEDGED,
                                               note="Acknowledged in monitoring")
            return Outcome("acknowledged", alert.key, incident.key)
        assert alert.status == RESOLVED
        iq.set_status(self.store, key_id, RESOLVED, epoch(now))
        title = iq.title_of(self.store, key_id)
        still = iq.firing_count(self.store, incident_id)
        if still:
            self.desk.incidents.record_alert(actor=actor, key=incident_id, value="recovered",
                                             note=f"Alert recovered: {title}; {still} still firing")
            return Outcome("recovered_one", alert.key, incident.key)
        if iq.taken_by_person(self.store, incident_id, actor.id):
            self.desk.incidents.record_alert(actor=actor, key=incident_id, value="recovered",
                                             note=f"Monitoring reports recovery: {title}")
            self._tell_assignee(incident_id, incident.key, title, now)
            return Outcome("recovery_noted", alert.key, incident.key)
        self.desk.incidents.transition(actor=actor, key=incident_id, to=Status.RESOLVED,
                                       resolution_code=RECOVERED_CODE,
                                       resolution_notes=f"Monitoring reports recovery: {title}",
                                       note="Monitoring reports recovery")
        return Outcome("resolved", alert.key, incident.key)

    def _firing(self, actor: Actor, mapping: IntakeMapping, alert: Alert, dedup_key: str, now: datetime) -> Outcome:
        found = iq.open_incident_of_key(self.store, dedup_key)
        mapped = map_alert(alert, mapping)
        if found is not None:
            key_id, incident_id = found
            count = iq.fired_again(self.store, key_id, epoch(now))
            self.desk.incidents.record_alert(actor=actor, key=incident_id, value=f"fired {count} times",
                                             note=f"Alert fired again ({count} times): {mapped.title}")
            return Outcome("fired_again", alert.key, format_key(incident_id))
        if alert.group_key and mapping.storm_minutes:
            since = epoch(now - timedelta(minutes=mapping.storm_minutes))
            incident_id = iq.open_incident_of_group(self.store, alert.group_key, since)
            if incident_id is not None:
                iq.add_key(self.store, dedup_key=dedup_key, incident_id=incident_id, group_key=alert.group_key,
                           title=mapped.title, status=FIRING, at=epoch(now))
                self.desk.incidents.record_alert(actor=actor, key=incident_id, value="joined",
                                                 note=f"Alert of the same group joined: {mapped.title}\n\n"
                                                      f"{mapped.description}")
                return Outcome("joined", alert.key, format_key(incident_id))
        # The monitoring account is no one to tell: it does not watch what it logs.
        incident_id = self.desk.incidents.log_incident_id(actor=actor, draft=self._draft(mapped, mapping),
                                                          logger_watches=False)
        iq.add_key(self.store, dedup_key=dedup_key, incident_id=incident_id, group_key=alert.group_key,
                   title=mapped.title, status=FIRING, at=epoch(now))
        return Outcome("opened", alert.key, format_key(incident_id))

    def _draft(self, mapped: MappedAlert, mapping: IntakeMapping) -> IncidentDraft:
        notes = []
        team = mapped.team
        if team and not self._team_known(team):
            notes.append(f"The alert names team '{team}', which the desk does not have.")
            team = None
        tree = self.desk.settings.categories()
        # A category renamed in settings keeps catching alerts (and the mapping) that use its old name.
        wanted, default = (next(iter(self.desk.settings.current_category_names([name])))
                           for name in (mapped.category, mapping.default_category))
        category = next((c for c in tree if c.lower() == wanted.lower()), None)
        if category is None:
            notes.append(f"The alert's category '{mapped.category}' is unknown; filed under the default.")
            category = next((c for c in tree if c.lower() == default.lower()), None) \
                or next(iter(tree), default)
        levels = levels_for(mapped.priority, self.desk.settings.priority_matrix())
        impact, urgency = levels or levels_for(Priority.P3, self.desk.settings.priority_matrix()) or ("medium",) * 2
        override = None if levels else mapped.priority.label
        description = "\n\n".join([mapped.description, *notes]) if notes else mapped.description
        return IncidentDraft(title=mapped.title, category=category, impact=impact, urgency=urgency,
                             description=description, service=mapped.service, reporter_name=ACCOUNT_NAME,
                             channel="monitoring", team=team, priority=override,
                             override_reason="Severity reported by monitoring" if override else None)

    def _tell_assignee(self, incident_id: int, key: str, title: str, now: datetime) -> None:
        row = repo.incident_record(self.store, incident_id)
        if row.assignee_id is None:
            return
        self.desk.notifications.write([(row.assignee_id, incident_id, "monitoring", "info", row.priority,
                                        f"{key}: monitoring reports recovery", title, epoch(now), None, None)])

    # ---- reading ------------------------------------------------------------------------------------

    def alerts_of(self, key: str | int) -> list[dict]:
        incident_id = self.desk.incidents.get_incident(key).id
        return [{"dedup_key": k.split(":", 1)[-1], "title": t, "status": s, "fired": f, "first_at": a, "last_at": b}
                for k, t, s, f, a, b in iq.alerts_of(self.store, incident_id)]
