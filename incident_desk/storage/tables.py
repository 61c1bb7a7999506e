"""Peewee models: one table per concept; instants are integer epoch seconds (UTC)."""

from __future__ import annotations

from peewee import (
    SQL,
    BooleanField,
    CharField,
    DeferredForeignKey,
    ForeignKeyField,
    IntegerField,
    Model,
    SmallIntegerField,
    TextField,
)


class BaseModel(Model):
    """Describes a table only: models have no database of their own. Every query is bound to the
    store it runs on (storage.sql.bound), so two open databases in one process never mix."""

    class Meta:
        database = None
        legacy_table_names = False


class SchemaInfo(BaseModel):
    """Key/value facts about the database itself (schema version, created by which release)."""

    key = CharField(primary_key=True, max_length=64)
    value = TextField()


class Team(BaseModel):
    name = CharField(unique=True, max_length=100)
    # Deferred: users belong to teams and teams have a lead, so one side must come later.
    lead = DeferredForeignKey("User", null=True, backref="+", on_delete="SET NULL")


class User(BaseModel):
    username = CharField(unique=True, max_length=64)
    display_name = CharField(max_length=200)
    email = CharField(max_length=254, default="")
    role = CharField(max_length=16, default="agent")  # viewer | agent | lead | admin
    team = ForeignKeyField(Team, null=True, backref="members", on_delete="SET NULL")
    active = BooleanField(default=True)
    password_hash = TextField(null=True)  # team mode only; the local desk has no sign-in
    is_manager_on_duty = BooleanField(default=False)
    dnd_start = CharField(max_length=5, null=True)  # "22:00"
    dnd_end = CharField(max_length=5, null=True)
    dnd_timezone = CharField(max_length=64, default="UTC")
    dnd_allow_p1 = BooleanField(default=True)
    created_at = IntegerField()
    # Team sign-in (schema 12): consecutive failed sign-ins, the lock they earned, and when the
    # password was last set (a session that began before it ends).
    failed_sign_ins = IntegerField(default=0, constraints=[SQL("DEFAULT 0")])
    locked_until = IntegerField(null=True)
    password_changed_at = IntegerField(null=True)


class Category(BaseModel):
    """Categories and their subcategories (parent set); incidents store the names as text, so a rename
    rewrites them. ``active`` false: retired (kept on old incidents, offered for no new one)."""

    name = CharField(max_length=100)
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="CASCADE")
    active = BooleanField(default=True)

    class Meta:
        indexes = ((("parent", "name"), True),)


class Incident(BaseModel):
    # id doubles as the incident number: key = INC-%06d(id)
    key = CharField(unique=True, max_length=32)
    title = CharField(max_length=200)
    description = TextField(default="")
    category = CharField(max_length=100)
    subcategory = CharField(max_length=100, null=True)
    service = CharField(max_length=200, null=True)
    reporter_name = CharField(max_length=200, default="")
    reporter_contact = CharField(max_length=254, default="")
    channel = CharField(max_length=16, default="phone")
    impact = SmallIntegerField()
    urgency = SmallIntegerField()
    priority = SmallIntegerField()
    priority_overridden = BooleanField(default=False)
    override_reason = TextField(null=True)
    status = SmallIntegerField()
    hold_reason = CharField(max_length=32, null=True)
    # FK indexes of their own would duplicate the composite (assignee, status) / (team, status) ones.
    assignee = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL", index=False)
    team = ForeignKeyField(Team, null=True, backref="+", on_delete="SET NULL", index=False)
    # Copies of the names (usernames and team names never change) so lists sort and show them
    # from the incident's own indexes, without a join over a million rows (schema 5).
    assignee_name = CharField(max_length=64, null=True)
    team_name = CharField(max_length=100, null=True)
    opened_at = IntegerField()
    acknowledged_at = IntegerField(null=True)
    resolved_at = IntegerField(null=True)
    closed_at = IntegerField(null=True)
    updated_at = IntegerField()
    reopen_count = SmallIntegerField(default=0)
    resolution_code = CharField(max_length=64, null=True)
    resolution_notes = TextField(null=True)
    cancel_reason = TextField(null=True)
    duplicate_of = ForeignKeyField("self", null=True, backref="+", on_delete="SET NULL", index=False)
    escalation_level = SmallIntegerField(default=0)
    # SLA clocks kept current by the services so lists and views never recompute them.
    response_due_at = IntegerField(null=True)
    resolve_due_at = IntegerField(null=True)
    sla_paused_remaining_s = IntegerField(null=True)
    response_breached = BooleanField(default=False)
    resolve_breached = BooleanField(default=False)
    # Durations frozen at acknowledgement / resolution for the metrics (seconds).
    tta_s = IntegerField(null=True)
    ttr_s = IntegerField(null=True)
    hold_s = IntegerField(default=0)
    tta_bh_s = IntegerField(null=True)
    ttr_bh_s = IntegerField(null=True)
    hold_bh_s = IntegerField(default=0)
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL", index=False)
    source = CharField(max_length=32, null=True)       # e.g. "servicenow" for imports
    external_key = CharField(max_length=128, null=True)
    version = IntegerField(default=1)
    # Closure (schema 10): what kind of cause it had, and the caller's word that it is fixed.
    root_cause = CharField(max_length=64, null=True)
    caller_confirmed_at = IntegerField(null=True)
    caller_confirmation = TextField(null=True)

    class Meta:
        indexes = (
            (("opened_at",), False),
            (("updated_at",), False),
            (("status", "opened_at"), False),
            (("priority", "opened_at"), False),
            (("category", "opened_at"), False),
            (("assignee", "status"), False),
            (("team", "status"), False),
            (("resolve_due_at",), False),
            (("response_due_at",), False),
            (("resolved_at",), False),
            (("title",), False),
            (("source", "external_key"), True),
        )


class Event(BaseModel):
    """The append-only timeline: audit log and source of SLA clocks and metrics."""

    # (incident, at) serves the timeline; single-column FK indexes would only slow bulk writes.
    incident = ForeignKeyField(Incident, backref="events", on_delete="CASCADE", index=False)
    at = IntegerField()
    actor = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL", index=False)
    kind = CharField(max_length=32)
    field = CharField(max_length=64, null=True)
    old_value = TextField(null=True)
    new_value = TextField(null=True)
    note = TextField(null=True)
    version = IntegerField(null=True)  # the incident version this change produced
    # Who acted when it was not a user (schema 10): "system (auto-close)".
    actor_label = CharField(max_length=64, null=True)

    class Meta:
        indexes = ((("incident", "at"), False),)


class IncidentLink(BaseModel):
    source = ForeignKeyField(Incident, backref="+", on_delete="CASCADE")
    target = ForeignKeyField(Incident, backref="+", on_delete="CASCADE")
    kind = CharField(max_length=16)
    created_at = IntegerField()
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")

    class Meta:
        indexes = ((("source", "target", "kind"), True), (("target",), False))


class Watcher(BaseModel):
    incident = ForeignKeyField(Incident, backref="+", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")

    class Meta:
        indexes = ((("incident", "user"), True), (("user",), False))


class Setting(BaseModel):
    """Shared settings as JSON text: the priority matrix, SLA and escalation policies."""

    key = CharField(primary_key=True, max_length=64)
    value = TextField()
    updated_at = IntegerField()
    version = IntegerField(default=1)


class Escalation(BaseModel):
    """One fired escalation; the unique key makes "once per rule per cycle" hold across desks."""

    incident = ForeignKeyField(Incident, backref="+", on_delete="CASCADE")
    rule_key = CharField(max_length=64)
    cycle = SmallIntegerField(default=0)
    level = SmallIntegerField(default=0)
    due_at = IntegerField()
    fired_at = IntegerField()
    # Fell due before its incident was imported: recorded so it never fires; nobody was notified (schema 11).
    imported = BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])

    class Meta:
        indexes = ((("incident", "rule_key", "cycle"), True),)


class Notification(BaseModel):
    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    incident = ForeignKeyField(Incident, null=True, backref="+", on_delete="CASCADE")
    kind = CharField(max_length=32)  # escalation | assignment | change | comment
    severity = CharField(max_length=16, default="info")
    priority = SmallIntegerField(null=True)
    title = CharField(max_length=300)
    body = TextField(default="")
    created_at = IntegerField()
    due_at = IntegerField(null=True)
    read_at = IntegerField(null=True)
    snoozed_until = IntegerField(null=True)
    alerted_at = IntegerField(null=True)  # when a desktop alert was shown; claimed once
    escalation = ForeignKeyField(Escalation, null=True, backref="+", on_delete="CASCADE")

    class Meta:
        indexes = ((("user", "read_at", "created_at"), False), (("user", "alerted_at"), False))


class Problem(BaseModel):
    """The unknown cause behind one or more incidents; a known error once a workaround is written down."""

    title = CharField(max_length=200)
    description = TextField(default="")
    status = CharField(max_length=16, default="open")  # open | known_error | resolved
    workaround = TextField(default="")
    root_cause = CharField(max_length=64, null=True)
    owner = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL", index=False)
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL", index=False)
    created_at = IntegerField()
    updated_at = IntegerField()
    resolved_at = IntegerField(null=True)
    version = IntegerField(default=1)

    class Meta:
        indexes = ((("status", "updated_at"), False),)


class ProblemLink(BaseModel):
    """An incident belongs to at most one problem."""

    problem = ForeignKeyField(Problem, backref="+", on_delete="CASCADE")
    incident = ForeignKeyField(Incident, backref="+", on_delete="CASCADE", unique=True)
    linked_at = IntegerField()
    linked_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL", index=False)


class Postmortem(BaseModel):
    """One incident's blameless postmortem (the template's texts; the durations are computed)."""

    incident = ForeignKeyField(Incident, backref="+", on_delete="CASCADE", unique=True)
    status = CharField(max_length=16, default="draft")  # draft | in_review | published
    required = BooleanField(default=False)
    author = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL", index=False)
    approver = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL", index=False)
    created_at = IntegerField()
    updated_at = IntegerField()
    submitted_at = IntegerField(null=True)
    published_at = IntegerField(null=True)
    summary = TextField(default="")
    customer_impact = TextField(default="")
    impact_who = CharField(max_length=300, default="")
    impact_count = IntegerField(null=True)
    detection = TextField(default="")
    response = TextField(default="")
    root_cause = TextField(default="")
    contributing_factors = TextField(default="")
    went_well = TextField(default="")
    went_badly = TextField(default="")
    version = IntegerField(default=1)

    class Meta:
        indexes = ((("status",), False),)


class PostmortemEntry(BaseModel):
    """A line of a postmortem's own timeline; editing it never touches the incident's audit trail."""

    postmortem = ForeignKeyField(Postmortem, backref="+", on_delete="CASCADE", index=False)
    at = IntegerField()
    kind = CharField(max_length=16)
    text = TextField()
    actor = CharField(max_length=64, null=True)
    source_event = IntegerField(null=True)  # the event it was generated from; None for the author's own
    milestone = CharField(max_length=16, null=True)  # impact_start | detected | mitigated
    hidden = BooleanField(default=False)
    edited = BooleanField(default=False)

    class Meta:
        indexes = ((("postmortem", "at"), False), (("postmortem", "source_event"), True))


class KeyEvent(BaseModel):
    """A comment or work note marked as key: the postmortem timeline includes it."""

    event = ForeignKeyField(Event, primary_key=True, backref="+", on_delete="CASCADE")
    incident = ForeignKeyField(Incident, backref="+", on_delete="CASCADE")
    marked_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL", index=False)
    marked_at = IntegerField()


class ActionItem(BaseModel):
    """Something to do so it does not happen again: an owner, a due date, a link to an incident or problem."""

    title = CharField(max_length=200)
    owner = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL", index=False)
    due_date = CharField(max_length=10, null=True)  # YYYY-MM-DD (UTC); overdue from the day after
    status = CharField(max_length=16, default="open")  # open | in_progress | done | cancelled
    incident = ForeignKeyField(Incident, null=True, backref="+", on_delete="CASCADE")
    problem = ForeignKeyField(Problem, null=True, backref="+", on_delete="CASCADE")
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL", index=False)
    created_at = IntegerField()
    updated_at = IntegerField()
    done_at = IntegerField(null=True)
    overdue_notified_at = IntegerField(null=True)  # the owner was told it is overdue (once per due date)
    version = IntegerField(default=1)

    class Meta:
        indexes = ((("owner", "status"), False), (("status", "due_date"), False))


class ImportProfile(BaseModel):
    """A saved import mapping (columns to fields, source values to ours), shared by everyone on the desk."""

    name = CharField(unique=True, max_length=100)
    format = CharField(max_length=32)
    mapping = TextField()  # JSON: {"columns": {...}, "values": {...}, "options": {...}}
    updated_at = IntegerField()
    updated_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")


class Audit(BaseModel):
    """Append-only record of who did what to the desk itself (accounts now; sign-ins later): the
    incident timeline's counterpart for everything that is not an incident."""

    at = IntegerField()
    # The name is kept beside the id so a record still says who, whatever happens to the account.
    actor = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL", index=False)
    actor_name = CharField(max_length=64, null=True)
    action = CharField(max_length=64)
    detail = TextField(default="")

    class Meta:
        indexes = ((("action", "at"), False),)


class BusinessService(BaseModel):
    """A business service people depend on: the status page shows the public ones (schema 14)."""

    name = CharField(max_length=200)
    name_key = CharField(unique=True, max_length=200)  # casefolded name: one service per name, any case
    description = TextField(default="")
    public = BooleanField(default=False)  # internal until a lead says it may be published
    override_state = CharField(max_length=32, null=True)  # a lead's word beats what the incidents say
    override_reason = TextField(null=True)
    override_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL", index=False)
    override_at = IntegerField(null=True)
    created_at = IntegerField()
    updated_at = IntegerField()
    # Schema 15: the team that owns it, and when it was retired (kept on old incidents and in the counts,
    # offered for no new one).
    team = ForeignKeyField(Team, null=True, backref="+", on_delete="SET NULL", index=False)
    retired_at = IntegerField(null=True)


class ServiceSubscriber(BaseModel):
    """An address told of public updates on a service."""

    service = ForeignKeyField(BusinessService, backref="+", on_delete="CASCADE", index=False)
    address = CharField(max_length=254)

    class Meta:
        indexes = ((("service", "address"), True),)


class AffectedService(BaseModel):
    """A service an incident affects besides the one in its own service field."""

    incident = ForeignKeyField(Incident, backref="+", on_delete="CASCADE", index=False)
    service = ForeignKeyField(BusinessService, backref="+", on_delete="CASCADE")

    class Meta:
        indexes = ((("incident", "service"), True),)


class PublicUpdate(BaseModel):
    """A public update: the only words of an incident a status page or a stakeholder mail carries."""

    incident = ForeignKeyField(Incident, backref="+", on_delete="CASCADE", index=False)
    at = IntegerField()
    state = CharField(max_length=16)  # investigating | identified | monitoring | resolved
    message = TextField()
    author = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL", index=False)

    class Meta:
        indexes = ((("incident", "at"), False), (("at",), False))


class IncidentComms(BaseModel):
    """An incident's communication facts: marked as major, and the cadence reminder already sent."""

    incident = ForeignKeyField(Incident, primary_key=True, backref="+", on_delete="CASCADE")
    major = BooleanField(default=False)
    marked_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL", index=False)
    marked_at = IntegerField(null=True)
    reminded_due_at = IntegerField(null=True)  # the due instant whose "update due" reminder went out


class AlertKey(BaseModel):
    """One monitoring alert (fingerprint / dedup key) and the incident it opened or joined: dedup
    that survives restarts. A key may reach several incidents over time, one open at a time."""

    dedup_key = CharField(max_length=300)        # "<source>:<fingerprint or dedup key>"
    incident = ForeignKeyField(Incident, backref="+", on_delete="CASCADE")
    group_key = CharField(max_length=1100, default="")
    title = CharField(max_length=200)
    status = CharField(max_length=16)            # firing | acknowledged | resolved
    fired = IntegerField(default=1)              # how often it fired into this incident
    first_at = IntegerField()
    last_at = IntegerField()

    class Meta:
        indexes = ((("dedup_key", "incident"), True), (("incident",), False), (("group_key", "last_at"), False))


class OncallRotation(BaseModel):
    """People of one team taking turns: handoff every N hours/days/weeks at a local time in a zone."""

    team = ForeignKeyField(Team, backref="+", on_delete="CASCADE")
    name = CharField(max_length=100)
    every = IntegerField()
    unit = CharField(max_length=8)               # hours | days | weeks
    start_local = CharField(max_length=16)       # "2027-03-15T09:00", wall time in ``timezone``
    timezone = CharField(max_length=64)
    days = CharField(max_length=32, null=True)   # "mon,tue,wed,thu,fri" or None for every day
    hours = CharField(max_length=11, null=True)  # "09:00-17:00" or None for all day
    created_at = IntegerField()

    class Meta:
        indexes = ((("team", "name"), True),)


class OncallMember(BaseModel):
    """One place in a rotation's order."""

    rotation = ForeignKeyField(OncallRotation, backref="+", on_delete="CASCADE")
    position = IntegerField()
    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")

    class Meta:
        indexes = ((("rotation", "position"), True),)


class OncallOverride(BaseModel):
    """Someone covers a team's on-call from one instant to another, whatever the rotation says."""

    team = ForeignKeyField(Team, backref="+", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    starts_at = IntegerField()
    ends_at = IntegerField()
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL", index=False)
    created_at = IntegerField()

    class Meta:
        indexes = ((("team", "starts_at"), False),)


ALL_TABLES = [SchemaInfo, Team, User, Category, Incident, Event, IncidentLink, Watcher, Setting,
              Escalation, Notification, Problem, ProblemLink, Postmortem, PostmortemEntry, KeyEvent, ActionItem,
              ImportProfile, Audit, BusinessService, ServiceSubscriber, AffectedService, PublicUpdate,
              IncidentComms, AlertKey, OncallRotation, OncallMember, OncallOverride]
