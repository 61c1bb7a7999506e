"""Look at a database before choosing it: reachable, empty, an Incident Desk one, or something else."""

from __future__ import annotations

from dataclasses import dataclass

import peewee

from incident_desk.storage.database import (
    StorageError,
    _open_postgres,
    redact_url,
    schema_version,
)
from incident_desk.storage.migrations import CURRENT_VERSION
from incident_desk.storage.sql import scalar

# What libpq says, in lower case, and the one sentence a person needs instead.
_PG_REASONS = (
    ("connection refused", "nothing answers at {where}; check the host name and the port"),
    ("could not translate host name", "the host name of {where} is not known; check its spelling"),
    ("name or service not known", "the host name of {where} is not known; check its spelling"),
    ("timeout expired", "{where} did not answer within {timeout} s; check the host, the port and any firewall"),
    ("password authentication failed", "the server at {where} refused the user name or password"),
    ("no password supplied", "the server at {where} wants a password; put it in the URL or in ~/.pgpass"),
    ("does not exist", "the server at {where} has no such database or role; check the URL's last part and user"),
    ("no pg_hba.conf entry", "the server at {where} does not accept connections from this computer for that "
                             "user and database"),
)


@dataclass(frozen=True)
class Probe:
    """What is at a database URL: ``kind`` is "empty", "desk" or "foreign"."""

    where: str
    kind: str
    version: int = 0
    people: int = 0


def probe_postgres(url: str, *, timeout_s: int = 5) -> Probe:
    """Connect to ``url``, look, disconnect; nothing is created or changed. A StorageError says, in one
    sentence, why it could not be reached."""
    store = _open_postgres(url)
    store.db.connect_params["connect_timeout"] = max(1, int(timeout_s))
    where = store.display_name
    try:
        store.db.connect()
        version = schema_version(store)
        if version == 0:
            kind = "foreign" if store.db.get_tables() else "empty"
            return Probe(where=where, kind=kind)
        people = int(scalar(store, 'SELECT COUNT(*) FROM "user"') or 0) if version <= CURRENT_VERSION else 0
        return Probe(where=where, kind="desk", version=version, people=people)
    except peewee.DatabaseError as exc:
        text = " ".join(str(exc).split())
        lowered = text.lower()
        for needle, sentence in _PG_REASONS:
            if needle in lowered:
                raise StorageError(f"Could not connect: {sentence.format(where=where, timeout=timeout_s)}.") from None
        raise StorageError(f"Could not connect to {where}: {text.replace(redact_url(url), where)}") from None
    finally:
        if not store.db.is_closed():
            store.db.close()
