"""The service set for one open database: what the CLI and the GUI composition root build."""

from __future__ import annotations

from typing import TYPE_CHECKING

from incident_desk.services.auth import Actor, UserService
from incident_desk.services.clock import Clock, system_clock
from incident_desk.services.errors import PermissionDenied
from incident_desk.services.events import EventBus
from incident_desk.services.incidents import IncidentService
from incident_desk.services.settings import SettingsService
from incident_desk.services.signin import DESK, PasswordSource, SignInError, SignInService
from incident_desk.storage.database import Store, open_database

if TYPE_CHECKING:
    from incident_desk.services.action_items import ActionItemService
    from incident_desk.services.communication import CommunicationService
    from incident_desk.services.escalation import EscalationEngine
    from incident_desk.services.intake import IntakeService
    from incident_desk.services.notifications import NotificationService
    from incident_desk.services.oncall import OncallService
    from incident_desk.services.policies import PolicyService
    from incident_desk.services.postmortems import PostmortemService
    from incident_desk.services.problems import ProblemService


class Desk:
    """The services over one store, acting as one user. Notifications, policies and the escalation
    engine are built on first use (their modules are a tenth of the window's cold start) but always
    before the first incident write commits, because their write hooks run inside it."""

    def __init__(self, *, store: Store, clock: Clock, bus: EventBus, settings: SettingsService, users: UserService,
                 incidents: IncidentService, actor: Actor):
        self.store, self.clock, self.bus = store, clock, bus
        self.settings, self.users, self.incidents, self.actor = settings, users, incidents, actor
        self._notifications: NotificationService | None = None
        self._policies: PolicyService | None = None
        self._escalation: EscalationEngine | None = None
        self._postmortems: PostmortemService | None = None
        self._problems: ProblemService | None = None
        self._action_items: ActionItemService | None = None
        self._communication: CommunicationService | None = None
        self._intake: IntakeService | None = None
        self._oncall: OncallService | None = None
        # Inside the write transaction: the schedule and the notifications commit with the change.
        incidents.write_hooks.append(self._on_incident_written)

    @classmethod
    def open(cls, url: str, *, clock: Clock = system_clock, username: str | None = None,
             password: str | PasswordSource | None = None, via: str = DESK, create: bool = True) -> Desk:
        """Open the database and act as ``username`` (default: the local desk's own account, made as an
        admin at the first start of a new database; see UserService.desk_actor). A team database
        (PostgreSQL) signs ``username`` in with ``password`` instead (services.signin); ``via`` says
        where from on the audit trail (the CLI's successful sign-ins are coalesced there). Without
        ``create``, a SQLite file that does not exist raises NoDatabase instead of becoming a new desk."""
        store = open_database(url, create=create)
        try:
            return cls.on_store(store, clock=clock, username=username, password=password, via=via)
        except Exception:
            store.close()
            raise

    @staticmethod
    def open_store(url: str, *, create: bool = True) -> Store:
        """The database alone (migrated), for a caller that signs in afterwards (the window's dialog).
        Without ``create``, a SQLite file that does not exist raises NoDatabase."""
        return open_database(url, create=create)

    @classmethod
    def on_store(cls, store: Store, *, clock: Clock = system_clock, username: str | None = None,
                 password: str | PasswordSource | None = None, via: str = DESK) -> Desk:
        bus = EventBus()
        settings = SettingsService(store, clock=clock, bus=bus)
        users = UserService(store, clock=clock)
        if store.is_team:
            signin = SignInService(store, clock=clock)
            if signin.needs_initialising():
                raise SignInError(f"Nobody can sign in to the team database {store.display_name} yet; make its "
                                  f"first admin with `incident-desk --db URL init --admin NAME`.")
            actor = signin.sign_in(username, password, via=via)  # before anything else is written
            settings.ensure_defaults()
        else:
            settings.ensure_defaults()
            actor = users.desk_actor(username)
        incidents = IncidentService(store, clock=clock, bus=bus, settings=settings)
        return cls(store=store, clock=clock, bus=bus, settings=settings, users=users, incidents=incidents,
                   actor=actor)

    @property
    def signin(self) -> SignInService:
        return SignInService(self.store, clock=self.clock)

    @property
    def session(self):
        """The signed-in session (team mode), or None on the single-user desk."""
        from incident_desk.services.signin import Session
        return self.actor.guard if isinstance(self.actor.guard, Session) else None

    @property
    def notifications(self) -> NotificationService:
        if self._notifications is None:
            from incident_desk.services.notifications import NotificationService
            self._notifications = NotificationService(self.store, clock=self.clock)
        return self._notifications

    @property
    def policies(self) -> PolicyService:
        if self._policies is None:
            from incident_desk.services.policies import PolicyService
            self._policies = PolicyService(self.store, clock=self.clock, settings=self.settings)
        return self._policies

    @property
    def escalation(self) -> EscalationEngine:
        if self._escalation is None:
            from incident_desk.services.escalation import EscalationEngine
            self._escalation = EscalationEngine(self.store, clock=self.clock, settings=self.settings,
                                                policies=self.policies, notifications=self.notifications,
                                                bus=self.bus, actor=self.actor, incidents=self.incidents,
                                                action_items=self.action_items, communication=self.communication)
        return self._escalation

    @property
    def postmortems(self) -> PostmortemService:
        if self._postmortems is None:
            from incident_desk.services.postmortems import PostmortemService
            self._postmortems = PostmortemService(self.store, clock=self.clock, settings=self.settings, bus=self.bus)
        return self._postmortems

    @property
    def problems(self) -> ProblemService:
        if self._problems is None:
            from incident_desk.services.problems import ProblemService
            self._problems = ProblemService(self.store, clock=self.clock, bus=self.bus)
        return self._problems

    @property
    def action_items(self) -> ActionItemService:
        if self._action_items is None:
            from incident_desk.services.action_items import ActionItemService
            self._action_items = ActionItemService(self.store, clock=self.clock, bus=self.bus)
        return self._action_items

    @property
    def communication(self) -> CommunicationService:
        if self._communication is None:
            from incident_desk.services.communication import CommunicationService
            self._communication = CommunicationService(self.store, clock=self.clock, bus=self.bus,
                                                       notifications=self.notifications)
        return self._communication

    @property
    def intake(self) -> IntakeService:
        if self._intake is None:
            from incident_desk.services.intake import IntakeService
            self._intake = IntakeService(self)
        return self._intake

    @property
    def oncall(self) -> OncallService:
        if self._oncall is None:
            from incident_desk.services.oncall import OncallService
            self._oncall = OncallService(self.store, clock=self.clock)
        return self._oncall

    def _on_incident_written(self, service, incident_id: int, change, actor: Actor, now) -> None:
        self.escalation.on_incident_written(service, incident_id, change, actor, now)
        self.notifications.on_incident_written(service, incident_id, change, actor, now)
        self.postmortems.on_incident_written(service, incident_id, change, actor, now)

    def act_as(self, username: str) -> Actor:
        """Act as ``username`` from now on; on the single-user desk only its admin may (desk_actor). On a
        team database everyone acts as whom they signed in as."""
        if self.store.is_team and username.strip().lower() != self.actor.username.lower():
            raise PermissionDenied("On a team database each person signs in as themselves; nobody acts as another.")
        self.actor = self.users.desk_actor(username)
        if self._escalation is not None:
            self._escalation.actor = self.actor
        return self.actor

    def close(self) -> None:
        self.store.close()
