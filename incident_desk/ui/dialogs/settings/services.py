"""Settings → Services: the business services incidents affect, their owning team; leads add, rename, retire."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from incident_desk.domain.communication import DESCRIPTION_MAX, SERVICE_NAME_MAX
from incident_desk.ui import theme
from incident_desk.ui.dialogs.settings.base import SettingsPage

CONTEXT = "SettingsServices"
NAME_ROLE = Qt.ItemDataRole.UserRole


def _tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


class ServicesPage(SettingsPage):
    TITLE = QCoreApplication.translate("SettingsServices", "Services")
    KEYWORDS = ("service", "services", "business service", "owning team", "retire", "retired", "status page",
                "add service", "rename service")
    EXPLAIN = QCoreApplication.translate(
        "SettingsServices",
        "The business services incidents affect, each with the team that owns it. A service incidents name "
        "is retired rather than deleted: it is offered for no new incident but stays on the old ones.")

    PERMISSION = "service.manage"
    REFUSAL = QCoreApplication.translate("SettingsServices", "only a lead or an admin may change services.")

    def build(self, body: QWidget) -> None:
        self._columns = (_tr("Service"), _tr("Team"), _tr("Description"), _tr("Incidents"), _tr("State"))
        self.table = QTableWidget(0, len(self._columns), body)
        self.table.setHorizontalHeaderLabels(self._columns)
        self.table.setAccessibleName(_tr("Services"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)

        chosen = QGroupBox(_tr("The chosen service"), body)
        self.rename_edit = QLineEdit(chosen)
        self.rename_edit.setAccessibleName(_tr("Chosen service's name"))
        self.rename_edit.setMaxLength(SERVICE_NAME_MAX + 1)  # one over, so the service's sentence says why
        self.rename_button = QPushButton(_tr("&Rename"), chosen)
        self.rename_button.setAccessibleName(_tr("Rename service"))
        self.team_box = QComboBox(chosen)
        self.team_box.setAccessibleName(_tr("Chosen service's team"))
        self.team_button = QPushButton(_tr("Set &team"), chosen)
        self.team_button.setAccessibleName(_tr("Set the owning team"))
        self.retire_button = QPushButton(_tr("Re&tire"), chosen)
        self.retire_button.setAccessibleName(_tr("Retire or bring back the service"))
        self.delete_button = QPushButton(_tr("&Delete"), chosen)
        self.delete_button.setAccessibleName(_tr("Delete service"))
        chosen_form = QFormLayout(chosen)
        name_row = QHBoxLayout()
        name_row.addWidget(self.rename_edit, 1)
        name_row.addWidget(self.rename_button)
        chosen_form.addRow(self._label(_tr("Na&me:"), self.rename_edit, chosen), name_row)
        team_row = QHBoxLayout()
        team_row.addWidget(self.team_box, 1)
        team_row.addWidget(self.team_button)
        chosen_form.addRow(self._label(_tr("O&wned by:"), self.team_box, chosen), team_row)
        state_row = QHBoxLayout()
        state_row.addWidget(self.retire_button)
        state_row.addWidget(self.delete_button)
        state_row.addStretch(1)
        chosen_form.addRow(state_row)

        add = QGroupBox(_tr("Add a service"), body)
        self.name = QLineEdit(add)
        self.name.setAccessibleName(_tr("New service's name"))
        self.name.setPlaceholderText(_tr("e.g. Payroll"))
        self.name.setMaxLength(SERVICE_NAME_MAX + 1)
        self.new_team = QComboBox(add)
        self.new_team.setAccessibleName(_tr("New service's team"))
        self.description = QLineEdit(add)
        self.description.setAccessibleName(_tr("New service's description"))
        self.description.setPlaceholderText(_tr("What people use it for (optional)"))
        self.description.setMaxLength(DESCRIPTION_MAX)
        self.add_button = QPushButton(_tr("&Add service"), add)
        self.add_button.setAccessibleName(_tr("Add service"))
        add_form = QFormLayout(add)
        add_form.addRow(self._label(_tr("&Name:"), self.name, add), self.name)
        add_form.addRow(self._label(_tr("T&eam:"), self.new_team, add), self.new_team)
        add_form.addRow(self._label(_tr("Des&cription:"), self.description, add), self.description)
        add_form.addRow(self.add_button)

        layout = QVBoxLayout(body)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(chosen, 1)
        bottom.addWidget(add, 1)
        layout.addLayout(bottom)
        self._services: dict[str, object] = {}
        self.reload()
        self.name.textChanged.connect(lambda _t: self.sig_changed.emit())
        self.name.returnPressed.connect(self._on_add)
        self.add_button.clicked.connect(self._on_add)
        self.rename_button.clicked.connect(self._on_rename)
        self.rename_edit.returnPressed.connect(self._on_rename)
        self.team_button.clicked.connect(self._on_set_team)
        self.retire_button.clicked.connect(self._on_retire)
        self.delete_button.clicked.connect(self._on_delete)
        self.table.currentCellChanged.connect(self._on_current_changed)

    @staticmethod
    def _label(text: str, buddy: QWidget, parent: QWidget) -> QLabel:
        label = QLabel(text, parent)
        label.setBuddy(buddy)
        return label

    # ---- reading -------------------------------------------------------------------------------------

    def reload(self, keep: str | None = None) -> None:
        comm, users = self.context.desk.communication, self.context.desk.users
        services, counts, teams = self.read(lambda: (comm.list_services(), comm.incident_counts(),
                                                     users.team_names()))
        self._services = {s.name: s for s in services}
        self.table.setRowCount(len(services))
        for row, service in enumerate(services):
            values = (service.name, service.team or "", service.description,
                      f"{counts.get(service.id, 0):,}", _tr("Retired") if service.retired else _tr("In use"))
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(NAME_ROLE, service.name)
                item.setToolTip(value)
                if col == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if service.retired:
                    item.setForeground(theme.muted_text_color())
                self.table.setItem(row, col, item)
        for box in (self.team_box, self.new_team):
            box.clear()
            box.addItem(_tr("(no team)"), "")
            for team in teams:
                box.addItem(team, team)
        names = [s.name for s in services]
        row = names.index(keep) if keep in names else (0 if names else -1)
        if row >= 0:
            self.table.setCurrentCell(row, 0)
        self._show_chosen()

    def chosen(self):
        item = self.table.item(self.table.currentRow(), 0) if self.table.currentRow() >= 0 else None
        return self._services.get(item.data(NAME_ROLE)) if item is not None else None

    def _show_chosen(self) -> None:
        service = self.chosen()
        self.rename_edit.setText(service.name if service else "")
        index = self.team_box.findData(service.team or "") if service else 0
        self.team_box.setCurrentIndex(max(index, 0))
        self.retire_button.setText(_tr("&Bring back") if service and service.retired else _tr("Re&tire"))
        if not self.is_read_only():
            for widget in (self.rename_edit, self.rename_button, self.team_box, self.team_button,
                           self.retire_button, self.delete_button):
                widget.setEnabled(service is not None)

    @Slot(int, int, int, int)
    def _on_current_changed(self, *_cells) -> None:
        self._show_chosen()

    # ---- writing ---------------------------------------------------------------------------------------

    def is_dirty(self) -> bool:
        return bool(self.name.text().strip())

    # The services check the name (empty, too long, taken) and refuse in one sentence before writing.

    def save(self) -> None:
        desk = self.context.desk
        values = {"name": self.name.text(), "team": self.new_team.currentData() or None,
                  "description": self.description.text()}
        self.write(lambda: desk.communication.add_service(actor=desk.actor, **values))
        name = " ".join(values["name"].split())
        self.name.clear()
        self.description.clear()
        self.reload(keep=name)

    @Slot()
    def _on_add(self) -> None:
        if not self.name.text().strip():
            self.show_error(_tr("Type the name of the service to add."))
            return
        self.apply()

    @Slot()
    def _on_rename(self) -> None:
        service, desk = self.chosen(), self.context.desk
        if service is None:
            return
        new = self.rename_edit.text()
        if not new.strip():
            self.show_error(_tr("Type the service's new name."))
            return
        if new.strip() == service.name:
            return
        self.change_now(lambda: desk.communication.set_service(actor=desk.actor, name=service.name, new_name=new),
                  keep=new.strip())

    @Slot()
    def _on_set_team(self) -> None:
        service, desk = self.chosen(), self.context.desk
        if service is None:
            return
        team = self.team_box.currentData() or None
        self.change_now(lambda: desk.communication.set_service_team(actor=desk.actor, name=service.name, team=team),
                  keep=service.name)

    @Slot()
    def _on_retire(self) -> None:
        service, desk = self.chosen(), self.context.desk
        if service is None:
            return
        retire = not service.retired
        self.change_now(lambda: desk.communication.retire_service(actor=desk.actor, name=service.name, retired=retire),
                  keep=service.name)

    @Slot()
    def _on_delete(self) -> None:
        service, desk = self.chosen(), self.context.desk
        if service is None:
            return
        self.change_now(lambda: desk.communication.delete_service(actor=desk.actor, name=service.name), keep=None)

