"""Who an escalation rule notifies, chosen from people, teams and the roles the engine resolves itself."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from incident_desk.domain.escalation import Recipient
from incident_desk.domain.incident import DomainError
from incident_desk.ui import theme
from incident_desk.ui.i18n import translate


@dataclass(frozen=True)
class Directory:
    """The people (username -> display name) and teams a recipient can name."""

    people: dict[str, str]
    teams: tuple[str, ...]

    @classmethod
    def of(cls, desk) -> Directory:
        people = {u["username"]: u["display_name"] or u["username"] for u in desk.users.list_users() if u["active"]}
        return cls(people=dict(sorted(people.items(), key=lambda kv: kv[1].lower())),
                   teams=tuple(sorted(desk.users.team_names(), key=str.lower)))

    def person(self, username: str) -> str:
        """'Lena Lead (lena)'; a name nobody has any more is shown as stored."""
        display = self.people.get(username)
        return f"{display} ({username})" if display and display != username else username

    def describe(self, recipient: Recipient) -> str:
        """A recipient in words, people by their display names."""
        kind, name = recipient.kind, recipient.name
        if kind == "person":
            return self.person(name)
        if kind == "team":
            return translate("RecipientPicker", "team {name}").format(name=name)
        if kind == "team_lead":
            return translate("RecipientPicker",
                             "lead of team {name}").format(name=name) if name else translate("RecipientPicker",
                    "lead of the incident's team")
        if kind == "manager":
            return translate("RecipientPicker", "manager {person}").format(person=self.person(
                    name)) if name else translate("RecipientPicker", "manager on duty")
        if kind == "on_call":
            return translate("RecipientPicker",
                             "on call for team {name}").format(name=name) if name else translate("RecipientPicker",
                    "on call for the incident's team")
        return translate("RecipientPicker", "the incident's assignee")

    def describe_all(self, recipients) -> str:
        return "; ".join(self.describe(r) for r in recipients)


# What the picker offers: (label, recipient kind, what the name is chosen from: None, "people" or "teams").
CHOICES = (
    (QT_TRANSLATE_NOOP("RecipientPicker", "A person"), "person", "people"),
    (QT_TRANSLATE_NOOP("RecipientPicker", "A team (everyone in it)"), "team", "teams"),
    (QT_TRANSLATE_NOOP("RecipientPicker", "The incident's assignee"), "assignee", None),
    (QT_TRANSLATE_NOOP("RecipientPicker", "Lead of the incident's team"), "team_lead", None),
    (QT_TRANSLATE_NOOP("RecipientPicker", "Lead of a team"), "team_lead", "teams"),
    (QT_TRANSLATE_NOOP("RecipientPicker", "Manager on duty"), "manager", None),
    (QT_TRANSLATE_NOOP("RecipientPicker", "A named manager"), "manager", "people"),
    (QT_TRANSLATE_NOOP("RecipientPicker", "On call for the incident's team"), "on_call", None),
    (QT_TRANSLATE_NOOP("RecipientPicker", "On call for a team"), "on_call", "teams"),
)


class RecipientsDialog(QDialog):
    """Edits one rule's recipients as a list; the stored form (kind and name) is unchanged."""

    def __init__(self, recipients, directory: Directory, parent: QWidget | None = None, *, rule: str = ""):
        super().__init__(parent)
        self.setWindowTitle(translate("RecipientPicker",
                                      "Recipients of {rule}").format(rule=rule) if rule else translate(
                "RecipientPicker", "Recipients"))
        self.directory = directory
        self._recipients: list[Recipient] = list(recipients)
        self.list = QListWidget(self)
        self.list.setAccessibleName(translate("RecipientPicker", "Recipients"))
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.kind = QComboBox(self)
        for label, kind, source in CHOICES:
            self.kind.addItem(translate("RecipientPicker", label), (kind, source))
        self.kind.setAccessibleName(translate("RecipientPicker", "Kind of recipient"))
        self.name = QComboBox(self)
        self.name.setEditable(True)
        self.name.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.name.setAccessibleName(translate("RecipientPicker", "Who"))
        self.name.setMinimumContentsLength(24)
        completer = QCompleter(self.name.model(), self.name)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.name.setCompleter(completer)
        self.add_button = QPushButton(translate("RecipientPicker", "&Add"), self)
        self.remove_button = QPushButton(translate("RecipientPicker", "&Remove selected"), self)
        self.error = QLabel("", self)
        self.error.setTextFormat(Qt.TextFormat.PlainText)  # it may quote what was typed
        self.error.setWordWrap(True)
        theme.style(self.error, "error")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        form = QFormLayout()
        form.addRow(translate("RecipientPicker", "&Notify"), self.kind)
        form.addRow(translate("RecipientPicker", "&Who"), self.name)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        # Tab follows creation order: list, kind, who, Add, Remove, OK/Cancel.
        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self.add_button.clicked.connect(self._on_add)
        self.remove_button.clicked.connect(self._on_remove)
        self.buttons.accepted.connect(self._on_accept)
        self.buttons.rejected.connect(self.reject)
        self._on_kind_changed()
        self._show()
        self.resize(460, 380)

    def recipients(self) -> tuple[Recipient, ...]:
        return tuple(self._recipients)

    # ---- choosing ---------------------------------------------------------------------------------

    def choose(self, label: str, name: str | None = None) -> None:
        """Pick a kind by its label and (for kinds that name someone) a person or team, as a user would."""
        self.kind.setCurrentIndex(self.kind.findText(translate("RecipientPicker", label)))
        if name is not None:
            index = self.name.findData(name)
            self.name.setCurrentIndex(index) if index >= 0 else self.name.setEditText(name)

    def selected_recipient(self) -> Recipient:
        """The recipient the kind and name fields describe; DomainError (one sentence) if they do not."""
        kind, source = self.kind.currentData()
        if source is None:
            return Recipient(kind)
        text = self.name.currentText().strip()
        index = self.name.currentIndex()
        if index >= 0 and self.name.itemText(index) == text:
            return Recipient(kind, self.name.itemData(index))
        # Typed, not picked: a username, display name or team name in any case is that one.
        for i in range(self.name.count()):
            if text.lower() in (self.name.itemText(i).lower(), str(self.name.itemData(i)).lower()):
                return Recipient(kind, self.name.itemData(i))
        if source == "people":
            display = self.directory.people
            match = [u for u, d in display.items() if d.lower() == text.lower()]
            if match:
                return Recipient(kind, match[0])
        what = "person" if source == "people" else "team"
        raise DomainError(translate("RecipientPicker",
                                    "There is no {what} called '{text}'; pick one from the list.").format(what=what,
                text=text) if text else
                          translate("RecipientPicker", "Pick a {what} from the list.").format(what=what))

    @Slot()
    def _on_kind_changed(self, *_args) -> None:
        _, source = self.kind.currentData()
        self.name.clear()
        if source == "people":
            for username in self.directory.people:
                self.name.addItem(self.directory.person(username), username)
        elif source == "teams":
            for team in self.directory.teams:
                self.name.addItem(team, team)
        self.name.setEnabled(source is not None)
        self.name.setCurrentIndex(-1)
        self.name.lineEdit().setPlaceholderText(translate("RecipientPicker",
                                                          "Type to search") if source else translate("RecipientPicker",
                "Nobody to name: the desk finds them"))

    @Slot()
    def _on_add(self) -> None:
        try:
            recipient = self.selected_recipient()
        except DomainError as exc:
            self.error.setText(str(exc))
            return
        self.error.clear()
        if recipient not in self._recipients:
            self._recipients.append(recipient)
            self._show()

    @Slot()
    def _on_remove(self) -> None:
        rows = sorted({self.list.row(i) for i in self.list.selectedItems()}, reverse=True)
        for row in rows:
            del self._recipients[row]
        self._show()

    @Slot()
    def _on_accept(self) -> None:
        if not self._recipients:
            self.error.setText(translate("RecipientPicker", "A rule must notify someone; add at least one recipient."))
            return
        self.accept()

    def _show(self) -> None:
        self.list.clear()
        for r in self._recipients:
            item = QListWidgetItem(self.directory.describe(r))
            item.setToolTip(r.kind + (f":{r.name}" if r.name else ""))
            self.list.addItem(item)
