"""Settings → Teams and people: who works at this desk, their roles and teams; admins add people and leads."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from incident_desk.services.auth import ROLES
from incident_desk.services.errors import DomainError, StorageError
from incident_desk.ui.dialogs.settings.base import SettingsPage
from incident_desk.ui.i18n import translate

COLUMNS = (
    QT_TRANSLATE_NOOP("SettingsPeople", "Name"),
    QT_TRANSLATE_NOOP("SettingsPeople", "Username"),
    QT_TRANSLATE_NOOP("SettingsPeople", "Role"),
    QT_TRANSLATE_NOOP("SettingsPeople", "Team"),
    QT_TRANSLATE_NOOP("SettingsPeople", "Leads"),
)
NO_TEAM = QT_TRANSLATE_NOOP("SettingsPeople", "(no team)")


class PeoplePage(SettingsPage):
    TITLE = QT_TRANSLATE_NOOP("SettingsDialog", "Teams and people")
    KEYWORDS = ("users", "people", "accounts", "roles", "agent", "lead", "admin", "team lead", "add user",
                "display name")
    EXPLAIN = QT_TRANSLATE_NOOP("SettingsDialog", "Everyone who works incidents here, with the role that decides what"
                                                  " they may do: agents work incidents, leads also close and change "
                                                  "policies, admins also manage people.")

    PERMISSION = "users.manage"
    REFUSAL = QT_TRANSLATE_NOOP("SettingsDialog", "only an admin may add people or choose team leads.")

    def build(self, body: QWidget) -> None:
        self.table = QTableWidget(0, len(COLUMNS), body)
        self.table.setHorizontalHeaderLabels([translate("SettingsPeople", c) for c in COLUMNS])
        self.table.setAccessibleName(translate("SettingsPeople", "People"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it

        add = QGroupBox(translate("SettingsPeople", "Add a person"), body)
        self.username = QLineEdit(add)
        self.username.setPlaceholderText(translate("SettingsPeople", "e.g. anna.rossi"))
        self.username.setAccessibleName(translate("SettingsPeople", "New person's username"))
        self.display_name = QLineEdit(add)
        self.display_name.setPlaceholderText(translate("SettingsPeople", "e.g. Anna Rossi"))
        self.display_name.setAccessibleName(translate("SettingsPeople", "New person's display name"))
        self.role = QComboBox(add)
        self.role.addItems(list(ROLES))
        self.role.setAccessibleName(translate("SettingsPeople", "New person's role"))
        self.team = QComboBox(add)
        self.team.setEditable(True)
        self.team.setAccessibleName(translate("SettingsPeople", "New person's team"))
        self.add_button = QPushButton(translate("SettingsPeople", "Add &person"), add)
        self.add_button.setAccessibleName(translate("SettingsPeople", "Add person"))
        form = QFormLayout(add)
        form.addRow(translate("SettingsPeople", "&Username:"), self.username)
        form.addRow(translate("SettingsPeople", "&Display name:"), self.display_name)
        form.addRow(translate("SettingsPeople", "&Role:"), self.role)
        form.addRow(translate("SettingsPeople", "&Team:"), self.team)
        form.addRow(self.add_button)

        lead = QGroupBox(translate("SettingsPeople", "Team lead"), body)
        self.lead_team = QComboBox(lead)
        self.lead_team.setAccessibleName(translate("SettingsPeople", "Team"))
        self.lead_person = QComboBox(lead)
        self.lead_person.setAccessibleName(translate("SettingsPeople", "Person to lead the team"))
        self.lead_button = QPushButton(translate("SettingsPeople", "Make &lead"), lead)
        self.lead_button.setAccessibleName(translate("SettingsPeople", "Make lead"))
        lead_form = QFormLayout(lead)
        lead_form.addRow(translate("SettingsPeople", "Te&am:"), self.lead_team)
        lead_form.addRow(translate("SettingsPeople", "L&ed by:"), self.lead_person)
        lead_form.addRow(self.lead_button)

        layout = QVBoxLayout(body)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(add, 1)
        bottom.addWidget(lead, 1)
        layout.addLayout(bottom)
        self.reload()
        self.username.textChanged.connect(lambda _t: self.sig_changed.emit())
        self.add_button.clicked.connect(self._on_add)
        self.lead_button.clicked.connect(self._on_make_lead)
        self.lead_team.currentTextChanged.connect(self._on_lead_team_changed)

    def reload(self) -> None:
        users_service = self.context.desk.users
        users, teams = self.read(lambda: (users_service.list_users(), users_service.list_teams()))
        leads: dict[str, list[str]] = {}
        for team in teams:
            if team["lead"]:
                leads.setdefault(team["lead"], []).append(team["name"])
        self.table.setRowCount(len(users))
        for row, user in enumerate(users):
            values = (user["display_name"] + ("" if user["active"] else translate("SettingsPeople", " (deactivated)")),
                      user["username"],
                      user["role"], user["team"] or "", ", ".join(leads.get(user["username"], [])))
            for col, value in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(value))
        self._leads = {t["name"]: t["lead"] for t in teams}
        names = [t["name"] for t in teams]
        self.team.clear()
        self.team.addItems([translate("SettingsPeople", NO_TEAM), *names])
        self.lead_team.clear()
        self.lead_team.addItems(names)
        self.lead_person.clear()
        for user in users:
            if user["active"]:
                self.lead_person.addItem(f"{user['display_name']} ({user['username']})", user["username"])
        self._on_lead_team_changed(self.lead_team.currentText())

    @Slot(str)
    def _on_lead_team_changed(self, team: str) -> None:
        """The team's present lead is shown first, so Make lead changes only what is picked."""
        index = self.lead_person.findData(self._leads.get(team))
        if index >= 0:
            self.lead_person.setCurrentIndex(index)


    def is_dirty(self) -> bool:
        return bool(self.username.text().strip())

    def validate(self) -> str | None:
        if not self.username.text().strip():
            return translate("SettingsPeople", "Type the new person's username.")
        return None

    def save(self) -> None:
        desk = self.context.desk
        team = self.team.currentText().strip()
        values = {"username": self.username.text().strip(), "display_name": self.display_name.text(),
                  "role": self.role.currentText(),
                  "team": None if team in ("", translate("SettingsPeople", NO_TEAM)) else team}
        self.write(lambda: desk.users.add_user(actor=desk.actor, **values))
        self.username.clear()
        self.display_name.clear()
        self.reload()

    @Slot()
    def _on_add(self) -> None:
        if not self.username.text().strip():
            self.show_error(translate("SettingsPeople", "Type the new person's username."))
            return
        self.apply()

    @Slot()
    def _on_make_lead(self) -> None:
        self.error.clear()
        team, username = self.lead_team.currentText(), self.lead_person.currentData()
        if not team or not username:
            self.show_error(translate("SettingsPeople", "Choose a team and the person to lead it."))
            return
        desk = self.context.desk
        try:
            self.write(lambda: desk.users.set_team_lead(actor=desk.actor, team=team, username=username))
        except (DomainError, StorageError) as exc:
            self.show_error(str(exc))
            return
        self.reload()
