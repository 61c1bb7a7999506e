"""A dialog that finds an incident by key or full-text search and returns its key."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from incident_desk.domain.incident import DomainError, IncidentFilter, IncidentRow, Status, parse_key
from incident_desk.services.errors import StorageError
from incident_desk.ui import theme
from incident_desk.ui.i18n import translate
from incident_desk.ui.ops import ops_for
from incident_desk.ui.plain import plain_label, tooltip

SEARCH_DELAY_MS = 250
RESULT_LIMIT = 50


def row_text(row: IncidentRow) -> str:
    return f"{row.key}   {row.priority.label}   {row.status.label:<12}   {row.title}"


class IncidentPicker(QDialog):
    """Type a key or words; pick one of the matches (arrow down to it, then Enter; or double-click).
    Nothing is chosen for the user: a first match is never pre-selected, so Enter pressed twice cannot
    pick an unrelated incident."""

    sig_incident_picked = Signal(str)
    """The user chose the incident with this key."""

    def __init__(self, desk, *, title: str | None = None, prompt: str = "",
                 exclude_key: str | None = None, open_only: bool = False,
                 exclude_statuses: frozenset[Status] = frozenset(), parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.ops = ops_for(desk)
        self.exclude_key = exclude_key
        self.open_only = open_only
        self.exclude_statuses = exclude_statuses
        self.setWindowTitle(title if title is not None else translate("IncidentPicker", "Choose an incident"))
        self.resize(620, 420)
        layout = QVBoxLayout(self)
        if prompt:
            label = QLabel(prompt, self)
            label.setWordWrap(True)
            layout.addWidget(label)
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText(translate("IncidentPicker",
                                                      "Key (INC-000123) or words from the title, description or "
                                                      "comments"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName(translate("IncidentPicker", "Find an incident"))
        layout.addWidget(self.search_edit)
        self.results = QListWidget(self)
        self.results.setUniformItemSizes(True)
        self.results.setAccessibleName(translate("IncidentPicker", "Matching incidents"))
        layout.addWidget(self.results, 1)
        self.status_label = plain_label("", self)  # messages quote what was typed
        theme.style(self.status_label, "muted")
        layout.addWidget(self.status_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(translate("IncidentPicker", "Choose"))
        layout.addWidget(self.buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.search_edit.textChanged.connect(self._on_text_changed)
        self.search_edit.returnPressed.connect(self._on_return_pressed)
        self.results.itemDoubleClicked.connect(self._on_item_double_clicked)
        self.results.currentItemChanged.connect(self._on_current_changed)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._on_current_changed(None, None)
        self.search_edit.installEventFilter(self)
        self.search_edit.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Down from the search box goes to the first match: choosing is a keystroke of its own.
        if watched is self.search_edit and event.type() == QEvent.Type.KeyPress \
                and event.key() == Qt.Key.Key_Down and self.results.count():
            self.results.setFocus(Qt.FocusReason.OtherFocusReason)
            self.results.setCurrentRow(0)
            return True
        return super().eventFilter(watched, event)

    def selected_key(self) -> str | None:
        item = self.results.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    @Slot(str)
    def _on_text_changed(self, _text: str) -> None:
        self._timer.start()

    @Slot()
    def _on_return_pressed(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self.run_search()
        if self.selected_key():
            self.accept()

    @Slot(QListWidgetItem)
    def _on_item_double_clicked(self, _item: QListWidgetItem) -> None:
        self.accept()

    @Slot(QListWidgetItem, QListWidgetItem)
    def _on_current_changed(self, current, _previous) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(current is not None)

    @Slot()
    def run_search(self) -> None:
        """Search now (the throttle calls this 250 ms after the last keystroke)."""
        text = self.search_edit.text().strip()
        self.results.clear()
        if not text:
            self.status_label.setText("")
            return
        rows: list[IncidentRow] = []
        try:
            try:
                number = parse_key(text)
            except DomainError:
                number = None
            filters = IncidentFilter(text=text[:200])
            rows = self.ops.run_read(lambda: (self.desk.incidents.rows_by_ids([number]) if number else [])
                                     + [r for r in self.desk.incidents.list_incidents(filters=filters,
                                                                                      limit=RESULT_LIMIT)
                                        if r.id != number])
        except (DomainError, StorageError) as exc:
            self.status_label.setText(str(exc))
            return
        for row in rows:
            if row.key == self.exclude_key or (self.open_only and not row.status.is_open) \
                    or row.status in self.exclude_statuses:
                continue
            item = QListWidgetItem(row_text(row))
            item.setData(Qt.ItemDataRole.UserRole, row.key)
            item.setToolTip(tooltip(row.title))
            self.results.addItem(item)
        count = self.results.count()
        self.status_label.setText(translate("IncidentPicker", "No incident matches.") if not count else
                                  self.tr("%n matches; choose one with ↓ and Enter.", "", count))

    def accept(self) -> None:
        key = self.selected_key()
        if key is None:
            return
        self.sig_incident_picked.emit(key)
        super().accept()
