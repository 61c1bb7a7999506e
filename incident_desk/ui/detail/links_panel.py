"""The links tab: duplicate-of, related and parent/child links, added through the incident picker."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from incident_desk.domain.incident import DomainError, Link, LinkKind
from incident_desk.services.errors import StorageError
from incident_desk.ui import theme
from incident_desk.ui.dialogs.incident_picker import IncidentPicker
from incident_desk.ui.dialogs.prompts import run_modal
from incident_desk.ui.i18n import translate
from incident_desk.ui.ops import ops_for
from incident_desk.ui.plain import plain_label, tooltip

# (kind to store, this incident is the source) -> label shown from this incident's side.
ADD_CHOICES = (
    (QT_TRANSLATE_NOOP("LinksPanel", "Related to"), LinkKind.RELATED, True),
    (QT_TRANSLATE_NOOP("LinksPanel", "Duplicate of"), LinkKind.DUPLICATE_OF, True),
    (QT_TRANSLATE_NOOP("LinksPanel", "Parent of"), LinkKind.PARENT_OF, True),
    (QT_TRANSLATE_NOOP("LinksPanel", "Child of"), LinkKind.PARENT_OF, False),
)
_OUT_LABEL = {
    LinkKind.DUPLICATE_OF: QT_TRANSLATE_NOOP("LinksPanel", "Duplicate of"),
    LinkKind.RELATED: QT_TRANSLATE_NOOP("LinksPanel", "Related to"),
    LinkKind.PARENT_OF: QT_TRANSLATE_NOOP("LinksPanel", "Parent of"),
}
_IN_LABEL = {
    LinkKind.DUPLICATE_OF: QT_TRANSLATE_NOOP("LinksPanel", "Duplicated by"),
    LinkKind.RELATED: QT_TRANSLATE_NOOP("LinksPanel", "Related to"),
    LinkKind.PARENT_OF: QT_TRANSLATE_NOOP("LinksPanel", "Child of"),
}


class LinksPanel(QWidget):
    """Lists the links of one incident; adding and removing write through the incident service."""

    sig_links_changed = Signal(str)
    """A link of this incident (key) was added or removed from the panel."""
    sig_open_incident = Signal(str)
    """The user wants to open the linked incident with this key."""

    def __init__(self, desk, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.ops = ops_for(desk)
        self.key: str | None = None
        self.run_dialog: Callable[[QDialog], bool] = run_modal
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        add_row = QHBoxLayout()
        add_row.addWidget(QLabel(translate("LinksPanel", "This incident is"), self))
        self.kind_combo = QComboBox(self)
        self.kind_combo.setAccessibleName(translate("LinksPanel", "This incident is"))
        for label, kind, outgoing in ADD_CHOICES:
            self.kind_combo.addItem(translate("LinksPanel", label), (kind, outgoing))
        add_row.addWidget(self.kind_combo)
        self.add_button = QPushButton(translate("LinksPanel", "&Link an incident…"), self)
        add_row.addWidget(self.add_button)
        add_row.addStretch(1)
        layout.addLayout(add_row)
        self.tree = QTreeWidget(self)
        self.tree.setAccessibleName(translate("LinksPanel", "Linked incidents"))
        self.tree.setHeaderLabels([translate("LinksPanel", "Relation"), translate("LinksPanel", "Incident"),
                                   translate("LinksPanel", "Status"), translate("LinksPanel", "Title")])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.tree, 1)
        bottom = QHBoxLayout()
        self.error_label = plain_label("", self)  # messages quote keys and titles
        theme.style(self.error_label, "error")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        bottom.addWidget(self.error_label, 1)
        self.open_button = QPushButton(translate("LinksPanel", "&Open"), self)
        self.remove_button = QPushButton(translate("LinksPanel", "Remove lin&k"), self)
        bottom.addWidget(self.open_button)
        bottom.addWidget(self.remove_button)
        layout.addLayout(bottom)
        self.add_button.clicked.connect(self._on_add_clicked)
        self.open_button.clicked.connect(self._on_open_clicked)
        self.remove_button.clicked.connect(self._on_remove_clicked)
        self.tree.itemDoubleClicked.connect(self._on_item_double_clicked)
        self.tree.currentItemChanged.connect(self._on_current_changed)
        self._on_current_changed(None, None)

    def set_incident(self, key: str | None) -> None:
        self.key = key
        self.show_error(None)
        self.refresh()

    def set_read_only(self, read_only: bool) -> None:
        self.add_button.setEnabled(not read_only)
        self.kind_combo.setEnabled(not read_only)
        self._read_only = read_only
        self._on_current_changed(self.tree.currentItem(), None)

    def refresh(self) -> None:
        self.tree.clear()
        if self.key is None:
            return
        try:
            key = self.key
            links = self.ops.run_read(lambda: self.desk.incidents.links(key))
        except (DomainError, StorageError) as exc:
            self.show_error(str(exc))
            return
        for link in sorted(links, key=lambda item: (item.kind.value, item.from_key, item.to_key)):
            self._add_item(link)

    def _add_item(self, link: Link) -> None:
        outgoing = link.from_key == self.key
        other = link.to_key if outgoing else link.from_key
        label = translate("LinksPanel", (_OUT_LABEL if outgoing else _IN_LABEL)[link.kind])
        status = link.to_status.label if link.to_status else ""
        item = QTreeWidgetItem([label, other, status, link.to_title])
        item.setData(0, Qt.ItemDataRole.UserRole, link)
        item.setData(1, Qt.ItemDataRole.UserRole, other)
        item.setToolTip(3, tooltip(link.to_title))
        self.tree.addTopLevelItem(item)

    def linked_keys(self) -> list[tuple[str, str]]:
        """(relation label, other key) for every row, as shown."""
        return [(self.tree.topLevelItem(i).text(0), self.tree.topLevelItem(i).text(1))
                for i in range(self.tree.topLevelItemCount())]

    def show_error(self, message: str | None) -> None:
        self.error_label.setText(message or "")
        self.error_label.setVisible(bool(message))

    def add_link(self, other: str, kind: LinkKind, *, outgoing: bool = True) -> bool:
        if self.key is None:
            return False
        source, target = (self.key, other) if outgoing else (other, self.key)
        return self._change_link(source, target, kind, remove=False)

    def remove_link(self, link: Link) -> bool:
        return self._change_link(link.from_key, link.to_key, link.kind, remove=True)

    def _change_link(self, source: str, target: str, kind, *, remove: bool) -> bool:
        try:
            self.ops.run_write(lambda: self.desk.incidents.link(actor=self.desk.actor, key=source, other=target,
                                                                kind=kind, remove=remove))
        except (DomainError, StorageError) as exc:
            self.show_error(str(exc))
            return False
        self.show_error(None)
        self.refresh()
        self.sig_links_changed.emit(self.key)
        return True

    @Slot()
    def _on_add_clicked(self) -> None:
        if self.key is None:
            return
        kind, outgoing = self.kind_combo.currentData()
        picker = IncidentPicker(self.desk, title=translate("LinksPanel",
                                                           "{currenttext} which incident?").format(
                currenttext=self.kind_combo.currentText()),
                                exclude_key=self.key, parent=self)
        if self.run_dialog(picker) and picker.selected_key():
            self.add_link(picker.selected_key(), kind, outgoing=outgoing)
        picker.deleteLater()

    @Slot()
    def _on_open_clicked(self) -> None:
        item = self.tree.currentItem()
        if item is not None:
            self.sig_open_incident.emit(item.data(1, Qt.ItemDataRole.UserRole))

    @Slot()
    def _on_remove_clicked(self) -> None:
        item = self.tree.currentItem()
        if item is not None:
            self.remove_link(item.data(0, Qt.ItemDataRole.UserRole))

    @Slot(QTreeWidgetItem, int)
    def _on_item_double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        self.sig_open_incident.emit(item.data(1, Qt.ItemDataRole.UserRole))

    @Slot(QTreeWidgetItem, QTreeWidgetItem)
    def _on_current_changed(self, current, _previous) -> None:
        self.open_button.setEnabled(current is not None)
        self.remove_button.setEnabled(current is not None and not getattr(self, "_read_only", False))
