"""Tools → Settings…: one searchable dialog, one page per module; a new page joins with one PAGES entry."""

from __future__ import annotations

import importlib

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from incident_desk.ui import theme
from incident_desk.ui.dialogs.settings.base import SettingsContext, SettingsPage
from incident_desk.ui.i18n import translate

# (module under ui/dialogs/settings/, class): the order of the page list. Pages that other parts of the
# desk bring (on-call rotations, alert intake, the status page folder, services) are one line here.
PAGES: tuple[tuple[str, str], ...] = (
    ("appearance", "AppearancePage"),
    ("notifications", "NotificationsPage"),
    ("priority_matrix", "PriorityMatrixPage"),
    ("categories", "CategoriesPage"),
    ("services", "ServicesPage"),
    ("people", "PeoplePage"),
    ("policies", "SlaPoliciesPage"),
    ("policies", "EscalationPoliciesPage"),
    ("closure", "ClosurePage"),
    ("backup", "BackupPage"),
    ("statuspage", "StatusPagePage"),
    ("oncall", "OncallPage"),
    ("intake", "IntakePage"),
)
PAGE_ROLE = Qt.ItemDataRole.UserRole


def page_classes() -> list[type[SettingsPage]]:
    return [getattr(importlib.import_module(f"{__name__}.{module}"), name) for module, name in PAGES]


class SettingsDialog(QDialog):
    """A search box over a page list, the pages in a stack, OK / Apply / Cancel. OK and Apply write
    every changed page in turn and stop at the first page that refuses, showing it with its sentence."""

    def __init__(self, context: SettingsContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(translate("Settings", "Settings"))
        self.setObjectName("settingsDialog")
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(translate("Settings", "Search settings"))
        self.search.setToolTip(translate("Settings",
                                         "Type words such as tray, backup or matrix: the list keeps the pages that "
                                         "have them"))
        self.search.setAccessibleName(translate("Settings", "Search settings"))
        self.search.setClearButtonEnabled(True)
        self.page_list = QListWidget(self)
        self.page_list.setAccessibleName(translate("Settings", "Settings pages"))
        self.page_list.setMinimumWidth(200)
        self.page_list.setSpacing(3)
        self.stack = QStackedWidget(self)
        self.pages: list[SettingsPage] = []
        self._search_text: list[str] = []
        for cls in page_classes():
            page = cls(context)
            self.pages.append(page)
            scroll = QScrollArea(self.stack)
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QScrollArea.Shape.NoFrame)
            scroll.setWidget(page)
            scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.stack.addWidget(scroll)
            item = QListWidgetItem(translate("SettingsDialog", cls.TITLE), self.page_list)
            item.setData(PAGE_ROLE, len(self.pages) - 1)
            if page.is_read_only():
                item.setToolTip(page.read_only_label.text())
            self._search_text.append(page.search_text())
            page.sig_changed.connect(self._on_page_changed)
        self.no_match = QLabel(translate("Settings", "No settings page matches."), self)
        theme.style(self.no_match, "muted")
        self.no_match.hide()
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.page_list, 1)
        left_layout.addWidget(self.no_match)
        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Apply |
                                        QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        for button, name in ((self.ok_button, translate("Settings", "OK")),
                             (self.apply_button, translate("Settings", "Apply")),
                             (self.cancel_button, translate("Settings", "Cancel"))):
            button.setAccessibleName(name)
        self.apply_button.setEnabled(False)
        layout = QHBoxLayout()
        layout.addWidget(splitter)
        outer = QVBoxLayout(self)
        outer.addLayout(layout, 1)
        outer.addWidget(self.buttons)
        self.resize(980, 620)
        self.page_list.currentRowChanged.connect(self._on_row_changed)
        self.search.textChanged.connect(self._on_search)
        self.apply_button.clicked.connect(self._on_apply)
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)
        self.page_list.setCurrentRow(0)
        QWidget.setTabOrder(self.search, self.page_list)

    # ---- finding pages -------------------------------------------------------------------------------

    def page(self, cls_name: str) -> SettingsPage:
        return next(p for p in self.pages if type(p).__name__ == cls_name)

    def show_page(self, cls_name: str) -> SettingsPage:
        page = self.page(cls_name)
        self.page_list.setCurrentRow(self.pages.index(page))
        return page

    def current_page(self) -> SettingsPage:
        return self.pages[self.stack.currentIndex()]

    def visible_titles(self) -> list[str]:
        return [self.page_list.item(i).text() for i in range(self.page_list.count())
                if not self.page_list.item(i).isHidden()]

    @Slot(str)
    def _on_search(self, text: str) -> None:
        words = text.lower().split()
        first = None
        for i in range(self.page_list.count()):
            match = all(w in self._search_text[i] for w in words)
            self.page_list.item(i).setHidden(not match)
            if match and first is None:
                first = i
        self.no_match.setVisible(first is None)
        current = self.page_list.currentRow()
        if first is not None and (current < 0 or self.page_list.item(current).isHidden()):
            self.page_list.setCurrentRow(first)

    @Slot(int)
    def _on_row_changed(self, row: int) -> None:
        if row >= 0:
            self.stack.setCurrentIndex(row)

    @Slot()
    def _on_page_changed(self) -> None:
        self.apply_button.setEnabled(any(p.is_dirty() for p in self.pages))

    # ---- writing -------------------------------------------------------------------------------------

    def apply_all(self) -> bool:
        """Write each changed page; the first that refuses is shown and the rest wait."""
        for index, page in enumerate(self.pages):
            if not page.apply():
                self.search.clear()
                self.page_list.setCurrentRow(index)
                return False
        self._on_page_changed()
        return True

    @Slot()
    def _on_apply(self) -> None:
        self.apply_all()

    @Slot()
    def _on_ok(self) -> None:
        if self.apply_all():
            self.accept()


def context_for(window) -> SettingsContext:
    """The settings context of a main window: its desk and writer, the app's and the desk's settings."""
    from incident_desk.ui.desk_settings import app_settings
    from incident_desk.ui.ops import ops_for
    alerts = getattr(window, "alerts", None)
    app = alerts.settings if alerts is not None else app_settings()
    ops = ops_for(window.desk)
    return SettingsContext(desk=window.desk, run_write=ops.run_write, run_read=ops.run_read, app_settings=app,
                           desk_settings=window.settings, window=window)


def open_settings(window, page: str | None = None) -> SettingsDialog:
    """Open the dialog over ``window`` (window-modal), on ``page`` (a class name) if given."""
    dialog = SettingsDialog(context_for(window), window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if page:
        dialog.show_page(page)
    dialog.open()
    return dialog


__all__ = ["PAGES", "SettingsDialog", "SettingsContext", "SettingsPage", "open_settings"]
