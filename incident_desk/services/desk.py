"""The service set for one open database: what the CLI and the GUI composition root build."""

from __future__ import annotations

from dataclasses import dataclass

from incident_desk.services.auth import Actor, UserService
from incident_desk.services.clock import Clock, system_clock
from incident_desk.services.escalation import EscalationEngine
from incident_desk.services.events import EventBus
from incident_desk.services.incidents import IncidentService
from incident_desk.services.notifications import NotificationService
from incident_desk.services.policies import PolicyService
from incident_desk.services.settings import SettingsService
from incident_desk.storage.database import Store, open_database


@dataclass
class Desk:
    store: Store
    clock: Clock
    bus: EventBus
    settings: SettingsService
    users: UserService
    incidents: IncidentService
    actor: Actor
    notifications: NotificationService | None = None
    policies: PolicyService | None = None
    escalation: EscalationEngine | None = None

    @classmethod
    def open(cls, url: str, *, clock: Clock = system_clock, username: str | None = None) -> "Desk":
        """Open the database and act as ``username`` (default: the local desk's admin account)."""
        store = open_database(url)
        try:
            return cls.on_store(store, clock=clock, username=username)
        except Exception:
            store.close()
            raise

    @classmethod
    def on_store(cls, store: Store, *, clock: Clock = system_clock, username: str | None = None) -> "Desk":
        bus = EventBus()
        settings = SettingsService(store, clock=clock)
        settings.ensure_defaults()
        users = UserService(store, clock=clock)
        actor = users.actor(username) if username else users.local_actor()
        incidents = IncidentService(store, clock=clock, bus=bus, settings=settings)
        notifications = NotificationService(store, clock=clock)
        policies = PolicyService(store, clock=clock, settings=settings)
        escalation = EscalationEngine(store, clock=clock, settings=settings, policies=policies,
                                      notifications=notifications, bus=bus, actor=actor)
        # Inside the write transaction: the schedule and the notifications commit with the change.
        incidents.write_hooks.append(escalation.on_incident_written)
        incidents.write_hooks.append(notifications.on_incident_written)
        return cls(store=store, clock=clock, bus=bus, settings=settings, users=users, incidents=incidents,
                   actor=actor, notifications=notifications, policies=policies, escalation=escalation)

    def act_as(self, username: str) -> Actor:
        self.actor = self.users.actor(username)
        if self.escalation is not None:
            self.escalation.actor = self.actor
        return self.actor

    def close(self) -> None:
        self.store.close()
