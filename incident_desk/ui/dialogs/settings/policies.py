"""Settings → SLA policies and Escalation policies: a summary here, edited in the one policy editor."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Slot
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from incident_desk.domain.formatting import exact_duration
from incident_desk.domain.incident import Priority
from incident_desk.services.auth import with_article
from incident_desk.ui import theme
from incident_desk.ui.dialogs.settings.base import SettingsPage
from incident_desk.ui.i18n import translate
from incident_desk.ui.plain import plain_label


class _PolicyPage(SettingsPage):
    """The policy editor (ui/dialogs/policy_editor.py) stays the one place these are edited: its tables
    need the room of a dialog of their own, and it recomputes open incidents when saved."""

    TAB = 0
    PERMISSION = ""
    WHAT = ""

    def build(self, body: QWidget) -> None:
        self.summary = plain_label("", body)  # names typed by leads
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        title, what = translate("SettingsDialog", self.TITLE), translate("SettingsDialog", self.WHAT)
        self.summary.setAccessibleName(translate("SettingsPolicies", "{title} now").format(title=title))
        self.open_button = QPushButton(translate("SettingsPolicies", "&Open the {what} editor…").format(what=what),
                                       body)
        self.open_button.setAccessibleName(translate("SettingsPolicies", "Open the {what} editor").format(what=what))
        note = QLabel(translate("SettingsPolicies", "Saving there recomputes the due times of open incidents."), body)
        theme.style(note, "hint")
        layout = QVBoxLayout(body)
        layout.addWidget(self.summary)
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(note)
        layout.addStretch(1)
        self.editor = None
        self.open_button.clicked.connect(self._on_open)
        self.refresh()

    def refresh(self) -> None:
        self.summary.setText(self.describe())

    def describe(self) -> str:
        raise NotImplementedError

    def read_only_reason(self) -> str:
        actor = self.context.desk.actor
        if actor.can(self.PERMISSION):
            return ""
        return translate("SettingsPolicies",
                         "You are {role}; only a lead or an admin may change {what} policies.").format(
                role=with_article(actor.role), what=translate("SettingsDialog", self.WHAT))

    def set_read_only(self) -> None:
        self.open_button.setText(translate("SettingsPolicies",
                                           "&Look at the {what} editor…").format(
                what=translate("SettingsDialog", self.WHAT)))  # the editor shows itself read-only

    @Slot()
    def _on_open(self) -> None:
        from incident_desk.ui.dialogs.policy_editor import PolicyEditorDialog
        editor = PolicyEditorDialog(self.context.desk, self.window())
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.tabs.setCurrentIndex(self.TAB)
        editor.sig_saved.connect(lambda _n: self.refresh())
        window = self.context.window
        if window is not None and hasattr(window, "_on_refresh_now"):
            editor.sig_saved.connect(window._on_refresh_now)
        self.editor = editor
        editor.open()


class SlaPoliciesPage(_PolicyPage):
    TITLE = QT_TRANSLATE_NOOP("SettingsDialog", "SLA policies and business calendar")
    KEYWORDS = ("SLA", "response", "resolution", "targets", "business hours", "calendar", "holidays",
                "working days", "time zone", "compliance")
    EXPLAIN = QT_TRANSLATE_NOOP("SettingsDialog", "How fast each priority must be answered and resolved, and the "
                                                  "hours that count.")
    TAB = 0
    PERMISSION = "settings.sla"
    WHAT = QT_TRANSLATE_NOOP("SettingsDialog", "SLA")

    def describe(self) -> str:
        policy = self.read(self.context.desk.settings.sla_policy)
        lines = [translate("SettingsPolicies", "Policy: {name}").format(name=policy.name),
                 translate("SettingsPolicies",
                           "Business calendar: {timezone}").format(timezone=policy.calendar.timezone)]
        for p in Priority:
            target = policy.targets.get(p)
            if target is None:
                lines.append(translate("SettingsPolicies", "{label}: no target").format(label=p.label))
                continue
            none = translate("SettingsPolicies", "none")
            response = exact_duration(target.response_s) if target.response_s else none
            resolve = exact_duration(target.resolve_s) if target.resolve_s else none
            if target.business_hours:
                text = translate("SettingsPolicies",
                                 "{priority}: respond within {response}, resolve within {resolve} (business hours)")
            else:
                text = translate("SettingsPolicies", "{priority}: respond within {response}, resolve within {resolve}")
            lines.append(text.format(priority=p.label, response=response, resolve=resolve))
        return "\n".join(lines)


class EscalationPoliciesPage(_PolicyPage):
    TITLE = QT_TRANSLATE_NOOP("SettingsDialog", "Escalation policies")
    KEYWORDS = ("escalation", "rules", "recipients", "notify", "unacknowledged", "severity", "manager")
    EXPLAIN = QT_TRANSLATE_NOOP("SettingsDialog", "Who is told, and when, as an incident nears or passes its targets.")
    TAB = 2
    PERMISSION = "settings.escalation"
    WHAT = QT_TRANSLATE_NOOP("SettingsDialog", "escalation")

    def describe(self) -> str:
        policy = self.read(self.context.desk.policies.escalation_policy)
        lines = [translate("SettingsPolicies", "Policy: {name}").format(name=policy.name),
                 self.tr("%n rules:", "", len(policy.rules))]
        lines += [f"• {rule.key}: {rule.description}" for rule in policy.rules[:8]]
        if len(policy.rules) > 8:
            lines.append(self.tr("… and %n more", "", len(policy.rules) - 8))
        return "\n".join(lines)
