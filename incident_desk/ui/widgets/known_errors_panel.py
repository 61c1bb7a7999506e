"""Known errors a report being typed matches, with their workarounds: shown beside the duplicate suggestions."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QFrame, QLabel, QVBoxLayout, QWidget

from incident_desk.domain.closure import KnownErrorMatch
from incident_desk.domain.incident import DomainError
from incident_desk.services.errors import StorageError
from incident_desk.ui import theme
from incident_desk.ui.i18n import translate


class KnownErrorsPanel(QFrame):
    """Hidden until a report matches a known error; its workaround can be given to the caller at once, and
    the new incident linked to the problem when it is logged."""

    def __init__(self, problems, parent: QWidget | None = None):
        super().__init__(parent)
        self.problems = problems
        self.matches: list[KnownErrorMatch] = []
        self.setObjectName("banner")  # styled as the theme's warning banner
        theme.style(self, "warning")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        self.title = QLabel(self)
        self.title.setStyleSheet("font-weight: 600;")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        self.workaround = QLabel(self)
        self.workaround.setTextFormat(Qt.TextFormat.PlainText)  # typed by people: text, never markup
        self.workaround.setWordWrap(True)
        self.workaround.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.link_check = QCheckBox(self)
        self.link_check.setChecked(True)
        for w in (self.title, self.workaround, self.link_check):
            layout.addWidget(w)
        self.hide()

    def show_for(self, text: str) -> list[KnownErrorMatch]:
        """Look for known errors the text matches; show the best one (others are named)."""
        try:
            self.matches = self.problems.known_errors_for(text) if len(text.strip()) >= 3 else []
        except (DomainError, StorageError):
            self.matches = []
        if not self.matches:
            self.hide()
            return []
        best = self.matches[0]
        if len(self.matches) > 1:
            self.title.setText(translate("KnownErrorsPanel", "Known error {key}: {title} (also {others})").format(
                key=best.key, title=best.title, others=", ".join(m.key for m in self.matches[1:])))
        else:
            self.title.setText(translate("KnownErrorsPanel", "Known error {key}: {title}").format(
                key=best.key, title=best.title))
        self.workaround.setText(translate("KnownErrorsPanel",
                                          "Workaround: {workaround}").format(workaround=best.workaround))
        self.link_check.setText(translate("KnownErrorsPanel", "Link the new incident to {key}").format(key=best.key))
        self.show()
        return self.matches

    def problem_to_link(self) -> str | None:
        """The known error the new incident should join, if the user left the box ticked."""
        return self.matches[0].key if self.matches and self.isVisibleTo(self.parentWidget()) and \
            self.link_check.isChecked() else None
