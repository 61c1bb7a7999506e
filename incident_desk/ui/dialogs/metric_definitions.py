"""The definitions page: every metric's definition in one place, opened from the Metrics tab's "?" buttons."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from incident_desk.domain import metrics as dm
from incident_desk.ui.i18n import translate


def definitions_html() -> str:
    """domain.metrics.DEFINITIONS as headed paragraphs, each with an anchor named by its key."""
    parts = []
    for key, text in dm.DEFINITIONS.items():
        title = dm.DEFINITION_TITLES.get(key, key)
        parts.append(f"<h3><a name='{key}'></a>{html.escape(title)}</h3><p>{html.escape(text)}</p>")
    return "".join(parts)


class DefinitionsDialog(QDialog):
    """Modeless, so the charts stay in view while a definition is read."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(translate("MetricDefinitions", "Metric definitions"))
        self.setObjectName("metricDefinitions")
        self.browser = QTextBrowser(self)
        self.browser.setOpenLinks(False)
        self.browser.setAccessibleName(translate("MetricDefinitions", "Metric definitions"))
        self.browser.setHtml(definitions_html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.resize(560, 620)

    def keys(self) -> list[str]:
        """The definitions listed, in order."""
        return list(dm.DEFINITIONS)

    def show_key(self, key: str | None = None) -> None:
        """Show the page (raised if already open), scrolled to ``key``'s definition."""
        self.show()
        self.raise_()
        self.activateWindow()
        if key:
            self.browser.scrollToAnchor(key)
