"""People as the desk shows them: display names on screen, account names underneath."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget


class PeopleDirectory:
    """A snapshot of the desk's users: who 'anna.rossi' is to a reader ('Anna Rossi'), and back.

    Account names stay what is stored, filtered and sent to the services; only what is read changes.
    Two people with the same display name are told apart by their account name in brackets."""

    def __init__(self, users: list[dict]):
        self._users = {u["username"]: u for u in users}
        counts: dict[str, int] = {}
        for u in users:
            counts[u["display_name"].casefold()] = counts.get(u["display_name"].casefold(), 0) + 1
        self._labels = {u["username"]: (u["display_name"] if counts[u["display_name"].casefold()] == 1
                                         else f"{u['display_name']} ({u['username']})") for u in users}

    @classmethod
    def of(cls, desk) -> PeopleDirectory:
        return cls(desk.users.list_users())

    def name(self, username: str | None, default: str = "") -> str:
        """The display name of ``username`` (the account name itself for someone unknown)."""
        if not username:
            return default
        return self._labels.get(username, username)

    def username_for(self, text: str) -> str:
        """The account a typed or chosen text names (display name or account name, any case); the text
        itself when it names nobody, so the service can say so."""
        wanted = (text or "").strip().casefold()
        if not wanted:
            return ""
        for username, label in self._labels.items():
            if wanted in (label.casefold(), username.casefold(), self._users[username]["display_name"].casefold()):
                return username
        return text.strip()

    def team_of(self, username: str | None) -> str | None:
        """The team the person belongs to, if any."""
        user = self._users.get(username or "")
        return user.get("team") if user else None

    def active(self) -> list[tuple[str, str]]:
        """(username, label) of active people, by label."""
        return sorted(((u, self._labels[u]) for u, data in self._users.items() if data.get("active", True)),
                      key=lambda pair: pair[1].casefold())


class PersonCombo(QComboBox):
    """Pick a person by typing part of their name; shows display names, gives back the account name."""

    def __init__(self, people: PeopleDirectory, *, placeholder: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.people = people
        self.set_people(people)
        self.lineEdit().setPlaceholderText(placeholder)
        completer = QCompleter(self.model(), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)

    def set_people(self, people: PeopleDirectory) -> None:
        current = self.username() if self.count() else ""
        self.people = people
        self.clear()
        self.addItem("", "")
        for username, label in people.active():
            self.addItem(label, username)
            self.setItemData(self.count() - 1, username, Qt.ItemDataRole.ToolTipRole)
        self.set_username(current)

    def username(self) -> str:
        return self.people.username_for(self.currentText())

    def set_username(self, username: str | None) -> None:
        index = self.findData(username or "")
        self.setCurrentIndex(index)
        self.setEditText(self.people.name(username) if username else "")


@dataclass(frozen=True)
class FormChoices:
    """What an incident form offers (people, categories, teams, services), read once by the window and
    handed to each editor it opens, so opening one never waits on (or fails with) a team server."""

    people: PeopleDirectory
    categories: dict        # offered for new incidents: retired ones left out
    category_names: list    # every name incidents may have, retired ones too (the filter bar's)
    teams: list
    services: list

    @classmethod
    def read(cls, desk) -> FormChoices:
        return cls(PeopleDirectory.of(desk), desk.settings.categories(), desk.settings.category_names(),
                   desk.users.team_names(), desk.communication.service_names())

    @classmethod
    def empty(cls) -> FormChoices:
        return cls(PeopleDirectory([]), {}, [], [], [])
