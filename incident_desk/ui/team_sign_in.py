"""The one place the first-run welcome signs in to a team server; the desk it opens is the window's."""

from __future__ import annotations

from dataclasses import dataclass

from incident_desk.services.desk import Desk
from incident_desk.services.errors import ValidationError
from incident_desk.ui.i18n import translate


@dataclass
class SignedIn:
    """What the welcome's Start did: one sentence for the page, and the signed-in desk the window opens
    on (so nobody is asked to sign in a second time); None from a hook that opens nothing."""

    sentence: str
    desk: Desk | None = None


def team_sign_in(url: str, username: str, password: str, *, initialise: bool) -> SignedIn:
    """Sign ``username`` in to the team database at ``url`` (with ``initialise``, first make them the
    first admin of an empty one); a DomainError says why not. Runs off the GUI thread, and leaves no
    connection open on it: the window's threads open their own."""
    if not (username or "").strip():
        raise ValidationError(translate("TeamSignIn", "Type your user name on the team server."), field="username")
    if not password:
        raise ValidationError(translate("TeamSignIn", "Type your password."), field="password")
    from incident_desk.services.clock import system_clock
    from incident_desk.services.signin import SignInService
    name = username.strip()
    store = Desk.open_store(url)
    try:
        if initialise:
            SignInService(store, clock=system_clock).initialise(admin=name, password=password)
        desk = Desk.on_store(store, clock=system_clock, username=name, password=password)
    except BaseException:
        store.close()
        raise
    store.db.close()  # this worker thread's connection only; the desk stays open for the window
    actor = desk.actor
    if initialise:
        sentence = translate("TeamSignIn", "{username} is now the first admin of this team database.").format(
            username=actor.username)
    else:
        sentence = translate("TeamSignIn", "Signed in as {display_name} ({role}).").format(
            display_name=actor.display_name, role=actor.role)
    return SignedIn(sentence, desk)
