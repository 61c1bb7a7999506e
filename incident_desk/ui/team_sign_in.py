"""The one place the first-run welcome signs in to a team server (issue 16's services plug in here)."""

from __future__ import annotations

import importlib.util

from incident_desk.services.errors import ValidationError

UNAVAILABLE_TEXT = ("Team sign-in is not available in this version yet: the desk opens the server as its own "
                    "local account.")


def team_sign_in_available() -> bool:
    """True once the services can sign people in to a team database (services.signin)."""
    return importlib.util.find_spec("incident_desk.services.signin") is not None


def team_sign_in(url: str, username: str, password: str, *, initialise: bool) -> str:
    """Sign ``username`` in to the team database at ``url`` (or, with ``initialise``, make them the first
    admin of an empty one) and say what happened in one sentence; a DomainError says why not. Runs off
    the GUI thread; nothing is kept open: the window signs in again when it opens the desk."""
    if not team_sign_in_available():
        raise ValidationError(UNAVAILABLE_TEXT, field="username")
    if not (username or "").strip():
        raise ValidationError("Type your user name on the team server.", field="username")
    if not password:
        raise ValidationError("Type your password.", field="password")
    from incident_desk.services.clock import system_clock
    from incident_desk.services.desk import Desk
    from incident_desk.services.signin import SignInService
    store = Desk.open_store(url)
    try:
        signin = SignInService(store, clock=system_clock)
        if initialise:
            actor = signin.initialise(admin=username.strip(), password=password)
            return f"{actor.username} is now the first admin of this team database."
        actor = signin.sign_in(username.strip(), password)
        return f"Signed in as {actor.display_name} ({actor.role})."
    finally:
        store.close()
