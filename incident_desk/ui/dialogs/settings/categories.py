"""Settings → Categories: the category tree incidents are filed under; leads and admins add to it."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
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
NO_RENAME = QT_TRANSLATE_NOOP("SettingsCategories", "Renaming or removing a category is not possible yet: incidents "
                                                    "keep the category they were logged with, so a name once used "
                                                    "stays.")


class CategoriesPage(SettingsPage):
    TITLE = QT_TRANSLATE_NOOP("SettingsDialog", "Categories")
    KEYWORDS = ("category", "subcategory", "subcategories", "classification", "add category")
    EXPLAIN = QT_TRANSLATE_NOOP("SettingsDialog", "What incidents are filed under, in two levels. New names are "
                                                  "offered in the log dialog at once.")

    PERMISSION = "settings.categories"
    REFUSAL = QT_TRANSLATE_NOOP("SettingsDialog", "only a lead or an admin may add categories.")

    def build(self, body: QWidget) -> None:
        self.tree = QTreeWidget(body)
        self.tree.setHeaderLabels([translate("SettingsCategories", "Category / subcategory")])
        self.tree.setAccessibleName(translate("SettingsCategories", "Categories and subcategories"))
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
        note = QLabel(translate("SettingsCategories", NO_RENAME), body)
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

    def reload(self) -> None:
        tree = self.read(self.context.desk.settings.categories)
        self.tree.clear()
        for name, subs in tree.items():
            item = QTreeWidgetItem(self.tree, [name])
            for sub in subs:
                QTreeWidgetItem(item, [sub])
        self.parent_box.clear()
        self.parent_box.addItem(translate("SettingsCategories", TOP_LEVEL), "")
        for name in tree:
            self.parent_box.addItem(translate("SettingsCategories", "under {name}").format(name=name), name)

    @Slot()
    def _on_current_changed(self, current, _previous) -> None:
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
    def _on_add(self) -> None:
        if not self.name.text().strip():
            self.show_error(translate("SettingsCategories", "Type the name of the category or subcategory to add."))
            return
        self.apply()
