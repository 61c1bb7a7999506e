"""Help -> About: the version, the database (password masked), the licence and the third-party licences."""

from __future__ import annotations

import platform

import PySide6
from PySide6.QtCore import Qt, qVersion
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
from incident_desk.ui.plain import plain_label

LICENCE_COLUMNS = ("Component", "Version", "Licence")


class AboutDialog(QDialog):
    """Three tabs: the desk (version, database, licence name), its licence text, and what it runs on."""

    def __init__(self, database: str, parent: QWidget | None = None):
        """``database``: the store's safe_url (a PostgreSQL password already masked)."""
        super().__init__(parent)
        self.setWindowTitle("About Incident Desk")
        self.setObjectName("aboutDialog")
        self.licence, licence_text = about.app_licence()
        self.third_party = about.third_party()

        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._summary_page(database), "&About")
        self.licence_text = QPlainTextEdit(self)
        self.licence_text.setReadOnly(True)
        self.licence_text.setPlainText(licence_text or f"Incident Desk is released under the {self.licence} "
                                       "licence; its text was not installed with this copy.")
        self.licence_text.setAccessibleName("Licence text")
        self.tabs.addTab(self.licence_text, "&Licence")
        self.tabs.addTab(self._third_party_page(), "&Third-party licences")

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
        title = QLabel("<b style='font-size: 16pt'>Incident Desk</b>", page)
        title.setTextFormat(Qt.TextFormat.RichText)  # our own text only
        header.addWidget(title, 1)
        form = QFormLayout()
        self.version_label = plain_label(__version__, page)
        # The URL may hold a path or a server name the user typed: plain text, selectable to copy.
        self.database_label = plain_label(database, page)
        self.database_label.setWordWrap(True)
        self.database_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.licence_label = plain_label(f"{self.licence} (see the Licence tab)", page)
        form.addRow("Version:", self.version_label)
        form.addRow("Database:", self.database_label)
        form.addRow("Licence:", self.licence_label)
        form.addRow("Runs on:", plain_label(f"Python {platform.python_version()}, Qt {qVersion()} "
                                            f"(PySide6 {PySide6.__version__})", page))
        blurb = QLabel("Log, work, escalate and measure incidents: on this computer, or with your team on a "
                       "shared PostgreSQL server. Press F1 for the help page.", page)
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
        intro = QLabel("Incident Desk runs on these components, each under its own licence (as its installed "
                       "package metadata states it):", page)
        intro.setWordWrap(True)
        self.licence_table = QTableWidget(len(self.third_party), len(LICENCE_COLUMNS), page)
        self.licence_table.setHorizontalHeaderLabels(LICENCE_COLUMNS)
        self.licence_table.setAccessibleName("Third-party licences")
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
