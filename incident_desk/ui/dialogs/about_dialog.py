"""Help -> About: the version, the database (password masked), the licence and the third-party licences."""

from __future__ import annotations

import platform

import PySide6
from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, qVersion
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from incident_desk import __version__
from incident_desk.services import about
from incident_desk.ui import icons, theme
from incident_desk.ui.i18n import translate
from incident_desk.ui.plain import plain_label

LICENCE_COLUMNS = (
    QT_TRANSLATE_NOOP("AboutDialog", "Component"),
    QT_TRANSLATE_NOOP("AboutDialog", "Version"),
    QT_TRANSLATE_NOOP("AboutDialog", "Licence"),
)


class AboutDialog(QDialog):
    """Three tabs: the desk (version, database, licence name), its licence text, and what it runs on."""

    def __init__(self, database: str, parent: QWidget | None = None):
        """``database``: the store's safe_url (a PostgreSQL password already masked)."""
        super().__init__(parent)
        self.setWindowTitle(translate("AboutDialog", "About Incident Desk"))
        self.setObjectName("aboutDialog")
        self.licence, licence_text = about.app_licence()
        self.third_party = about.third_party()

        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._summary_page(database), translate("AboutDialog", "&About"))
        self.licence_text = QPlainTextEdit(self)
        self.licence_text.setReadOnly(True)
        self.licence_text.setPlainText(licence_text or translate("AboutDialog",
                "Incident Desk is released under the {licence} licence; its text was not installed with this "
                "copy.").format(licence=self.licence))
        self.licence_text.setAccessibleName(translate("AboutDialog", "Licence text"))
        self.tabs.addTab(self.licence_text, translate("AboutDialog", "&Licence"))
        self.tabs.addTab(self._third_party_page(), translate("AboutDialog", "&Third-party licences"))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.resize(640, 480)

    def _summary_page(self, database: str) -> QWidget:
        page = QWidget(self)
        header = QHBoxLayout()
        logo = QLabel(page)
        logo.setPixmap(icons.app_icon().pixmap(64, 64))
        header.addWidget(logo, 0, Qt.AlignmentFlag.AlignTop)
        title = QLabel(translate("AboutDialog", "<b style='font-size: 16pt'>Incident Desk</b>"), page)
        title.setTextFormat(Qt.TextFormat.RichText)  # our own text only
        header.addWidget(title, 1)
        form = QFormLayout()
        self.version_label = plain_label(__version__, page)
        # The URL may hold a path or a server name the user typed: plain text, selectable to copy.
        self.database_label = plain_label(database, page)
        self.database_label.setWordWrap(True)
        self.database_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.licence_label = plain_label(translate("AboutDialog",
                                                   "{licence} (see the Licence tab)").format(
                licence=self.licence), page)
        form.addRow(translate("AboutDialog", "Version:"), self.version_label)
        form.addRow(translate("AboutDialog", "Database:"), self.database_label)
        form.addRow(translate("AboutDialog", "Licence:"), self.licence_label)
        form.addRow(translate("AboutDialog", "Runs on:"), plain_label(
                translate("AboutDialog",
                          "Python {python_version}, Qt {qversion} (PySide6 {version})").format(
                python_version=platform.python_version(), qversion=qVersion(), version=PySide6.__version__), page))
        blurb = QLabel(translate("AboutDialog",
                                 "Log, work, escalate and measure incidents: on this computer, or with your team on a "
                       "shared PostgreSQL server. Press F1 for the help page."), page)
        blurb.setWordWrap(True)
        theme.style(blurb, "muted")
        layout = QVBoxLayout(page)
        layout.addLayout(header)
        layout.addLayout(form)
        layout.addWidget(blurb)
        layout.addStretch(1)
        return page

    def _third_party_page(self) -> QWidget:
        page = QWidget(self)
        intro = QLabel(translate("AboutDialog",
                                 "Incident Desk runs on these components, each under its own licence (as its installed "
                       "package metadata states it):"), page)
        intro.setWordWrap(True)
        self.licence_table = QTableWidget(len(self.third_party), len(LICENCE_COLUMNS), page)
        self.licence_table.setHorizontalHeaderLabels([translate("AboutDialog", c) for c in LICENCE_COLUMNS])
        self.licence_table.setAccessibleName(translate("AboutDialog", "Third-party licences"))
        self.licence_table.verticalHeader().hide()
        self.licence_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.licence_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.licence_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        for row, dist in enumerate(self.third_party):
            for col, text in enumerate((dist.name, dist.version, dist.licence)):
                item = QTableWidgetItem(text)  # item text is plain, never rich text
                if dist.summary:
                    item.setToolTip(dist.summary)
                self.licence_table.setItem(row, col, item)
        head = self.licence_table.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addWidget(self.licence_table, 1)
        return page

    def listed(self) -> list[tuple[str, str, str]]:
        """(component, version, licence) rows as the table shows them."""
        table = self.licence_table
        return [tuple(table.item(r, c).text() for c in range(table.columnCount())) for r in range(table.rowCount())]
