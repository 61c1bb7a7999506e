"""The editor's SLA box: response and resolution clocks, each a state badge and a line of text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QWidget

from incident_desk.domain.formatting import time_brief
from incident_desk.services.sla_view import SlaClocks, clock_text, pause_policy_text, state_label
from incident_desk.ui import theme
from incident_desk.ui.i18n import translate
from incident_desk.ui.widgets.form_fields import Badge


class SlaPanel(QGroupBox):
    """Shows clocks computed by the services (sla_view.sla_clocks); it never computes one itself."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("SLA", parent)
        grid = QGridLayout(self)
        grid.setColumnStretch(2, 1)
        self.widgets: dict[str, tuple[Badge, QLabel]] = {}
        for row, (name, label) in enumerate((("response", translate("SlaPanel", "Response:")), ("resolution",
                translate("SlaPanel", "Resolution:")))):
            title = QLabel(label, self)
            title.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            badge = Badge(self)
            badge.setMinimumWidth(84)
            text = QLabel(self)
            text.setWordWrap(True)
            grid.addWidget(title, row, 0)
            grid.addWidget(badge, row, 1)
            grid.addWidget(text, row, 2)
            self.widgets[name] = (badge, text)
        self.pause_policy_label = QLabel(pause_policy_text(), self)
        self.pause_policy_label.setWordWrap(True)
        theme.style(self.pause_policy_label, "hint")
        grid.addWidget(self.pause_policy_label, 2, 0, 1, 3)

    def show_clocks(self, clocks: SlaClocks) -> None:
        for name, clock in (("response", clocks.response), ("resolution", clocks.resolution)):
            badge, text = self.widgets[name]
            badge.show_sla(clock.state, state_label(clock.state))
            line = clock_text(clock)
            if clock.due_at is not None and clock.state in ("ok", "warning"):
                line += translate("SlaPanel", " — due {time}").format(time=time_brief(clock.due_at))
            text.setText(line)

    def show_error(self, message: str) -> None:
        for badge, text in self.widgets.values():
            badge.show_sla("none", "?")
            text.setText(message)
