"""Choosing a database: test a team server, set up the desk of "just me", name yourself, add demo data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from incident_desk.domain.incident import DomainError, clean_line
from incident_desk.services.audit import AuditLog
from incident_desk.services.auth import NAME_MAX, Actor
from incident_desk.services.clock import Clock, system_clock
from incident_desk.services.errors import ValidationError
from incident_desk.storage import repository as repo
from incident_desk.storage.database import StorageError, redact_url
from incident_desk.storage.probe import probe_postgres

DEMO_COUNT = 1000  # enough for every view and chart to show something, written in a few seconds
DEMO_DAYS = 180


def is_team_url(url: str) -> bool:
    return str(url).strip().startswith(("postgresql://", "postgres://"))


def safe_url(url: str) -> str:
    """``url`` with any password masked: what a list, a tooltip or a message may show."""
    return redact_url(str(url))


def describe(url: str) -> str:
    """How a chosen database reads in a list: the file's path, or the server and database (masked)."""
    url = str(url).strip()
    if is_team_url(url):
        return f"Team server: {safe_url(url)}"
    if url.startswith("sqlite:///"):
        url = url[len("sqlite:///"):]
    return f"On this computer: {Path(url).expanduser()}"


def test_connection(url: str, *, timeout_s: int = 5) -> str:
    """One sentence on what is at a team server's ``url`` (nothing is written there); a StorageError
    or ValidationError says in one sentence why it cannot be used."""
    url = (url or "").strip()
    if not is_team_url(url):
        raise ValidationError("A team server's address starts with postgresql://, e.g. "
                              "postgresql://desk@db.example.org:5432/incidents.", field="url")
    try:
        probe = probe_postgres(url, timeout_s=timeout_s)
    except ValueError as exc:  # a port that is not a number, say
        raise ValidationError(f"The address is not a valid URL: {exc}.", field="url") from None
    if probe.kind == "empty":
        return f"Connected to {probe.where}: an empty database, set up for the desk when you continue."
    if probe.kind == "foreign":
        raise StorageError(f"Connected to {probe.where}, but it holds tables that are not an Incident Desk "
                           f"database; choose another database.")
    people = f"{probe.people} {'person' if probe.people == 1 else 'people'}"
    return f"Connected to {probe.where}: an Incident Desk database with {people}."


def set_display_name(store, *, actor: Actor, name: str, clock: Clock = system_clock) -> Actor:
    """A person names themselves (the name the desk shows for them); nobody renames anyone else here."""
    try:
        name = clean_line(name, what="display name", limit=NAME_MAX)
    except DomainError as exc:
        raise ValidationError(str(exc), field="display_name") from None
    if not name:
        raise ValidationError("Type the name the desk should show for you.", field="display_name")
    with store.write():
        repo.update_user(store, actor.id, display_name=name)
        AuditLog(store, clock=clock).append(actor=actor, action="users.display_name",
                                            detail=f"{actor.username} is shown as {name}")
    return Actor(id=actor.id, username=actor.username, display_name=name, role=actor.role, team=actor.team)


@dataclass(frozen=True)
class Prepared:
    """What the first run set up: the database, who acts there, how many demo incidents it wrote."""

    url: str
    username: str
    display_name: str
    demo_incidents: int


def prepare_local_desk(path: Path | str, *, display_name: str, demo: bool, clock: Clock = system_clock) -> Prepared:
    """Create (or open) the desk of "just me" at ``path``, name its account, add demo data if asked.
    The name is checked before the database is touched."""
    from incident_desk.services.desk import Desk

    try:
        name = clean_line(display_name, what="display name", limit=NAME_MAX)
    except DomainError as exc:
        raise ValidationError(str(exc), field="display_name") from None
    if not name:
        raise ValidationError("Type the name the desk should show for you.", field="display_name")
    desk = Desk.open(str(path), clock=clock)
    try:
        actor = set_display_name(desk.store, actor=desk.actor, name=name, clock=clock)
        written = 0
        if demo:
            from incident_desk.services.demo import DemoGenerator
            result = DemoGenerator(desk.store, clock=clock, settings=desk.settings).generate(
                actor=actor, count=DEMO_COUNT, days=DEMO_DAYS)
            written = result.incidents
        return Prepared(url=str(path), username=actor.username, display_name=actor.display_name,
                        demo_incidents=written)
    finally:
        desk.close()
