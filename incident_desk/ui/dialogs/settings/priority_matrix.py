"""Settings → Priority matrix: which priority each impact × urgency pair gives (admins change it)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QVBoxLayout, QWidget

from incident_desk.domain.incident import Level, Priority
from incident_desk.domain.priority import PriorityMatrix, ordering_problem
from incident_desk.ui import theme
from incident_desk.ui.dialogs.settings.base import SettingsPage
from incident_desk.ui.i18n import translate


class PriorityMatrixPage(SettingsPage):
    TITLE = QT_TRANSLATE_NOOP("SettingsDialog", "Priority matrix")
    KEYWORDS = ("impact", "urgency", "priority", "P1", "P2", "P3", "P4", "P5", "ITIL")
    EXPLAIN = QT_TRANSLATE_NOOP("SettingsDialog", "The priority a new incident gets from its impact (rows) and "
                                                  "urgency (columns). Open incidents keep theirs; a lead may still "
                                                  "override one.")

    PERMISSION = "settings.matrix"
    REFUSAL = QT_TRANSLATE_NOOP("SettingsDialog", "only an admin may change the priority matrix.")

    def build(self, body: QWidget) -> None:
        self.matrix = self.read(self.context.desk.settings.priority_matrix)
        grid = QGridLayout()
        corner = QLabel(translate("SettingsPriorityMatrix", "Impact ↓  Urgency →"), body)
        theme.style(corner, "muted")
        grid.addWidget(corner, 0, 0)
        for col, urgency in enumerate(Level, start=1):
            header = QLabel(translate("SettingsPriorityMatrix", "{label} urgency").format(label=urgency.label), body)
            header.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(header, 0, col)
        self.cells: dict[tuple[Level, Level], QComboBox] = {}
        for row, impact in enumerate(Level, start=1):
            grid.addWidget(QLabel(translate("SettingsPriorityMatrix", "{label} impact").format(label=impact.label),
                                  body), row, 0)
            for col, urgency in enumerate(Level, start=1):
                combo = QComboBox(body)
                for p in Priority:
                    combo.addItem(theme.priority_label(p), p.value)
                combo.setCurrentIndex(list(Priority).index(self.matrix.priority(impact, urgency)))
                combo.setAccessibleName(translate("SettingsPriorityMatrix",
                                                  "Priority for {impact} impact and {urgency} urgency").format(
                        impact=impact.label, urgency=urgency.label))
                combo.currentIndexChanged.connect(lambda _i: self.sig_changed.emit())
                self.cells[(impact, urgency)] = combo
                grid.addWidget(combo, row, col)
        layout = QVBoxLayout(body)
        layout.addLayout(grid)
        rule = QLabel(translate("SettingsPriorityMatrix",
                                "A higher impact or urgency never gives a less urgent priority."), body)
        theme.style(rule, "hint")
        layout.addWidget(rule)
        layout.addStretch(1)


    def edited(self) -> PriorityMatrix:
        return PriorityMatrix(cells={key: Priority(combo.currentData()) for key, combo in self.cells.items()})

    def is_dirty(self) -> bool:
        return self.edited() != self.matrix

    def validate(self) -> str | None:
        return ordering_problem(self.edited())

    def save(self) -> None:
        desk, matrix = self.context.desk, self.edited()
        self.write(lambda: desk.settings.set_priority_matrix(actor=desk.actor, matrix=matrix))
        self.matrix = matrix
