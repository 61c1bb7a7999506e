"""Settings → Categories: the category tree incidents are filed under; leads and admins add to it."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from incident_desk.ui import theme
from incident_desk.ui.dialogs.settings.base import SettingsPage
from incident_desk.ui.i18n import translate
from incident_desk.ui.widgets.form_fields import add_layout_row

TOP_LEVEL = QT_TRANSLATE_NOOP("SettingsCategories", "(a new category)")
UPKEEP = QT_TRANSLATE_NOOP(
    "SettingsCategories", "A rename also renames it on the incidents filed under it. A category incidents use is "
    "retired rather than deleted: it is offered for no new incident, and old incidents, filters and metrics keep it.")
ENTRY_ROLE = Qt.ItemDataRole.UserRole


class CategoriesPage(SettingsPage):
    TITLE = QT_TRANSLATE_NOOP("SettingsDialog", "Categories")
    KEYWORDS = ("category", "subcategory", "subcategories", "classification", "add category")
    EXPLAIN = QT_TRANSLATE_NOOP("SettingsDialog", "What incidents are filed under, in two levels. New names are "
                                                  "offered in the log dialog at once.")

    PERMISSION = "settings.categories"
    REFUSAL = QT_TRANSLATE_NOOP("SettingsDialog", "only a lead or an admin may add, rename, retire or delete "
                                                  "categories.")

    def build(self, body: QWidget) -> None:
        self.tree = QTreeWidget(body)
        self.tree.setHeaderLabels([translate("SettingsCategories", "Category / subcategory"),
                                   translate("SettingsCategories", "Incidents"),
                                   translate("SettingsCategories", "State")])
        self.tree.setAccessibleName(translate("SettingsCategories", "Categories and subcategories"))
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.name = QLineEdit(body)
        self.name.setAccessibleName(translate("SettingsCategories", "New category or subcategory name"))
        self.name.setPlaceholderText(translate("SettingsCategories", "e.g. Printing or Label printer"))
        self.name.setMaxLength(100)
        self.parent_box = QComboBox(body)
        self.parent_box.setAccessibleName(translate("SettingsCategories", "Add under"))
        self.add_button = QPushButton(translate("SettingsCategories", "&Add"), body)
        self.add_button.setAccessibleName(translate("SettingsCategories", "Add category"))
        form = QFormLayout()
        form.addRow(translate("SettingsCategories", "&Name:"), self.name)
        row = QHBoxLayout()
        row.addWidget(self.parent_box, 1)
        row.addWidget(self.add_button)
        add_layout_row(form, translate("SettingsCategories", "&Under:"), row, self.parent_box)
        self.rename_edit = QLineEdit(body)
        self.rename_edit.setAccessibleName(translate("SettingsCategories", "Chosen category's name"))
        self.rename_edit.setMaxLength(101)  # one over, so the service's sentence says why
        self.rename_button = QPushButton(translate("SettingsCategories", "&Rename"), body)
        self.rename_button.setAccessibleName(translate("SettingsCategories", "Rename category"))
        self.retire_button = QPushButton(translate("SettingsCategories", "Re&tire"), body)
        self.retire_button.setAccessibleName(translate("SettingsCategories",
                                                                        "Retire or bring back the category"))
        self.delete_button = QPushButton(translate("SettingsCategories", "&Delete"), body)
        self.delete_button.setAccessibleName(translate("SettingsCategories", "Delete category"))
        chosen = QHBoxLayout()
        for widget, stretch in ((self.rename_edit, 1), (self.rename_button, 0), (self.retire_button, 0),
                                (self.delete_button, 0)):
            chosen.addWidget(widget, stretch)
        add_layout_row(form, translate("SettingsCategories", "C&hosen:"), chosen, self.rename_edit)
        note = QLabel(translate("SettingsCategories", UPKEEP), body)
        note.setWordWrap(True)
        theme.style(note, "hint")
        layout = QVBoxLayout(body)
        layout.addWidget(self.tree, 1)
        layout.addLayout(form)
        layout.addWidget(note)
        self.reload()
        self.name.textChanged.connect(lambda _t: self.sig_changed.emit())
        self.name.returnPressed.connect(self._on_add)
        self.add_button.clicked.connect(self._on_add)
        # The tree's current category is where a new subcategory goes.
        self.tree.currentItemChanged.connect(self._on_current_changed)
        self.rename_button.clicked.connect(self._on_rename)
        self.rename_edit.returnPressed.connect(self._on_rename)
        self.retire_button.clicked.connect(self._on_retire)
        self.delete_button.clicked.connect(self._on_delete)

    def reload(self, keep: tuple[str | None, str] | None = None) -> None:
        settings = self.context.desk.settings
        tree, entries = self.read(lambda: (settings.categories(), settings.category_entries()))
        self.tree.clear()
        tops: dict[str, QTreeWidgetItem] = {}
        chosen = None
        for entry in entries:
            state = translate("SettingsCategories", "Retired") if entry.retired else ""
            values = [entry.name, f"{entry.incidents:,}", state]
            parent = tops.get(entry.parent) if entry.parent else None
            item = QTreeWidgetItem(parent if parent is not None else self.tree, values)
            item.setData(0, ENTRY_ROLE, entry)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if entry.retired:
                for column in range(3):
                    item.setForeground(column, theme.muted_text_color())
            if entry.parent is None:
                tops[entry.name] = item
            if keep is not None and (entry.parent, entry.name) == keep:
                chosen = item
        if chosen is not None:
            self.tree.setCurrentItem(chosen)
        self._show_chosen()
        self.parent_box.clear()
        self.parent_box.addItem(translate("SettingsCategories", TOP_LEVEL), "")
        for name in tree:
            self.parent_box.addItem(translate("SettingsCategories", "under {name}").format(name=name), name)

    def chosen(self):
        item = self.tree.currentItem()
        return item.data(0, ENTRY_ROLE) if item is not None else None

    def _show_chosen(self) -> None:
        entry = self.chosen()
        self.rename_edit.setText(entry.name if entry else "")
        back = entry is not None and entry.retired
        self.retire_button.setText(translate("SettingsCategories", "&Bring back") if back else
                                   translate("SettingsCategories", "Re&tire"))
        if not self.is_read_only():
            for widget in (self.rename_edit, self.rename_button, self.retire_button, self.delete_button):
                widget.setEnabled(entry is not None)

    @Slot()
    def _on_current_changed(self, current, _previous) -> None:
        self._show_chosen()
        if current is None:
            return
        top = current.parent() or current
        index = self.parent_box.findData(top.text(0))
        if index >= 0:
            self.parent_box.setCurrentIndex(index)


    def is_dirty(self) -> bool:
        return bool(self.name.text().strip())

    def validate(self) -> str | None:
        if len(self.name.text().strip()) > 100:
            return translate("SettingsCategories", "A category name needs 1 to 100 characters.")
        return None

    def save(self) -> None:
        desk, name, parent = self.context.desk, self.name.text(), self.parent_box.currentData() or None
        self.write(lambda: desk.settings.add_category(actor=desk.actor, name=name, parent=parent))
        self.name.clear()
        self.reload()
        window = self.context.window
        if window is not None and hasattr(window, "_load_choices"):
            window._load_choices()  # the filter bar offers the new name too

    @Slot()
    def _on_rename(self) -> None:
        entry, desk = self.chosen(), self.context.desk
        if entry is None:
            return
        new = self.rename_edit.text()
        if new.strip() == entry.name:
            return
        self.change_now(lambda: desk.settings.rename_category(actor=desk.actor, name=entry.name, parent=entry.parent,
                                                        new_name=new), keep=(entry.parent, new.strip()))

    @Slot()
    def _on_retire(self) -> None:
        entry, desk = self.chosen(), self.context.desk
        if entry is None:
            return
        self.change_now(lambda: desk.settings.retire_category(actor=desk.actor, name=entry.name, parent=entry.parent,
                                                        retired=not entry.retired), keep=(entry.parent, entry.name))

    @Slot()
    def _on_delete(self) -> None:
        entry, desk = self.chosen(), self.context.desk
        if entry is None:
            return
        self.change_now(lambda: desk.settings.delete_category(actor=desk.actor, name=entry.name, parent=entry.parent),
                  keep=None)

    @Slot()
    def _on_add(self) -> None:
        if not self.name.text().strip():
            self.show_error(translate("SettingsCategories", "Type the name of the category or subcategory to add."))
            return
        self.apply()
