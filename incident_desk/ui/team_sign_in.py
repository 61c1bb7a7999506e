"""The one place the first-run welcome signs in to a team server (issue 16's services plug in here)."""

from __future__ import annotations

from incident_desk.services.errors import ValidationError
from incident_desk.ui.i18n import translate


def team_sign_in(url: str, username: str, password: str, *, initialise: bool) -> str:
    """Sign ``username`` in to the team database at ``url`` (or, with ``initialise``, make them the first
    admin of an empty one) and say what happened in one sentence; a DomainError says why not. Runs off
    the GUI thread; nothing is kept open: the window signs in again when it opens the desk."""
    if not (username or "").strip():
        raise ValidationError(translate("TeamSignIn", "Type your user name on the team server."), field="username")
    if not password:
        raise ValidationError(translate("TeamSignIn", "Type your password."), field="password")
    from incident_desk.services.clock import system_clock
    from incident_desk.services.desk import Desk
    from incident_desk.services.signin import SignInService
    store = Desk.open_store(url)
    try:
        signin = SignInService(store, clock=system_clock)
        if initialise:
            actor = signin.initialise(admin=username.strip(), password=password)
            return translate("TeamSignIn",
                             "{username} is now the first admin of this team database.").format(username=actor.username)
        actor = signin.sign_in(username.strip(), password)
        return translate("TeamSignIn", "Signed in as {display_name} ({role}).").format(display_name=actor.display_name,
                role=actor.role)
    finally:
        store.close()
