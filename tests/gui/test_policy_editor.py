"""The SLA/calendar/escalation policy dialog: shows the policies, roles, validation, save and recompute."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt, QTime

from incident_desk.domain.incident import Priority
from incident_desk.services.incidents import IncidentDraft
from incident_desk.ui.dialogs.policy_editor import PolicyEditorDialog
from tests.conftest import T0

SHOTS = Path(os.environ.get("INCIDENT_DESK_SHOTS", "/tmp"))


@pytest.fixture
def dialog_for(team_desk, qtbot):
    def make(username):
        team_desk.act_as(username)
        dialog = PolicyEditorDialog(team_desk)
        dialog.ask = lambda *args: "discard"  # closing at teardown must not wait on a message box
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog
    return make


def cell(dialog, priority, col):
    return dialog.targets.item(list(Priority).index(priority), col)


def pick_recipients(dialog, row, choices, *, clear=True):
    """Open a rule's recipient picker as a user does (Enter on the cell), choose, press OK."""
    from PySide6.QtWidgets import QApplication, QDialogButtonBox

    from incident_desk.ui.dialogs.recipient_picker import RecipientsDialog
    dialog.rules.setCurrentCell(row, 5)
    dialog.rules.cellActivated.emit(row, 5)
    picker = next(w for w in QApplication.topLevelWidgets() if isinstance(w, RecipientsDialog) and w.isVisible())
    if clear:
        picker.list.selectAll()
        picker.remove_button.click()
    for label, name in choices:
        picker.choose(label, name)
        picker.add_button.click()
        assert picker.error.text() == "", picker.error.text()
    picker.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    return picker


def test_shows_the_current_policies_and_the_pause_rules(dialog_for):
    dialog = dialog_for("lena")
    assert cell(dialog, Priority.P1, 0).text() == "15 min"
    assert cell(dialog, Priority.P1, 1).text() == "4 h"
    assert cell(dialog, Priority.P1, 2).checkState() == Qt.CheckState.Unchecked  # around the clock
    assert cell(dialog, Priority.P3, 1).text() == "3 bd"
    assert cell(dialog, Priority.P3, 2).checkState() == Qt.CheckState.Checked
    assert cell(dialog, Priority.P5, 0).text() == ""
    assert dialog.rules.rowCount() == 8
    assert dialog.rules.item(0, 4).text() == "1 min"   # the person on call hears first
    assert dialog.rules.item(2, 4).text() == "5 min"
    assert "On hold" in dialog.findChild(type(dialog.error), "pausePolicy").text()
    assert not dialog.banner.isVisibleTo(dialog)
    dialog.resize(1000, 640)
    dialog.grab().save(str(SHOTS / "policy_editor_targets.png"))
    dialog.tabs.setCurrentIndex(2)
    dialog.grab().save(str(SHOTS / "policy_editor_rules.png"))


def test_an_agent_sees_but_cannot_change(dialog_for):
    dialog = dialog_for("alex")
    assert dialog.banner.isVisibleTo(dialog)
    assert not dialog.save_button.isEnabled()
    assert not dialog.targets.isEnabled() and not dialog.rules.isEnabled() and not dialog.zone.isEnabled()
    assert not dialog.recipients_button.isEnabled() and dialog.edit_recipients(0) is None


def test_saving_a_tighter_p1_recomputes_open_incidents(dialog_for, team_desk, qtbot):
    team_desk.act_as("lena")
    inc = team_desk.incidents.log_incident(actor=team_desk.actor, draft=IncidentDraft(
        title="Core switch down", category="Network", impact="high", urgency="high"))
    assert inc.response_due_at == T0 + timedelta(minutes=15)
    dialog = dialog_for("lena")
    cell(dialog, Priority.P1, 0).setText("10 min")
    cell(dialog, Priority.P1, 1).setText("2 h")
    with qtbot.waitSignal(dialog.sig_saved, timeout=10_000) as saved:
        dialog.save_button.click()
    assert saved.args == [1]
    assert team_desk.settings.sla_policy().target_for(Priority.P1).response_s == 600
    after = team_desk.incidents.get_incident(inc.key)
    assert after.response_due_at == T0 + timedelta(minutes=10)
    assert after.resolve_due_at == T0 + timedelta(hours=2)


def test_calendar_and_holidays_round_trip(dialog_for, team_desk, qtbot):
    dialog = dialog_for("lena")
    dialog.tabs.setCurrentIndex(1)
    dialog.zone.setEditText("Europe/Berlin")
    dialog.day_boxes[4].setChecked(False)  # no Fridays
    dialog.start.setTime(QTime(9, 0))
    dialog.end.setTime(QTime(17, 30))
    dialog.holiday_date.setDate(QDate(2026, 12, 25))
    dialog.add_holiday.click()
    dialog.add_holiday.click()  # twice is still one holiday
    assert dialog.holidays.count() == 1
    dialog.grab().save(str(SHOTS / "policy_editor_calendar.png"))
    with qtbot.waitSignal(dialog.sig_saved, timeout=10_000):
        dialog.save_button.click()
    calendar = team_desk.settings.sla_policy().calendar
    assert calendar.timezone == "Europe/Berlin" and 4 not in calendar.work_days
    assert calendar.describe() == "Mon, Tue, Wed, Thu 09:00-17:30 Europe/Berlin, 1 holidays"


def test_a_new_escalation_rule_is_saved(dialog_for, team_desk, qtbot):
    dialog = dialog_for("lena")
    dialog.add_rule.click()
    row = dialog.rules.rowCount() - 1
    for col, text in ((0, "p3-unack-2h"), (1, "P3 not acknowledged after 2 hours"), (2, "P3"), (4, "2 h")):
        dialog.rules.item(row, col).setText(text)
    picker = pick_recipients(dialog, row, [("A person", "max"), ("A team (everyone in it)", "Network")])
    assert dialog.rules.item(row, 5).text() == "Max Manager (max); team Network"   # display names
    assert picker.isHidden()
    with qtbot.waitSignal(dialog.sig_saved, timeout=10_000):
        dialog.save_button.click()
    rule = team_desk.policies.escalation_policy().rule("p3-unack-2h")
    assert rule.threshold == 7200 and rule.priorities == frozenset({Priority.P3})
    assert [(r.kind, r.name) for r in rule.recipients] == [("person", "max"), ("team", "Network")]


@pytest.mark.parametrize("edit,message", [
    (lambda d: cell(d, Priority.P1, 0).setText("ten minutes"), "is not a duration"),
    (lambda d: cell(d, Priority.P1, 0).setText("-5 min"), "is not a duration"),
    (lambda d: cell(d, Priority.P2, 1).setText("99999 h"), "between 1 second and a year"),
    (lambda d: cell(d, Priority.P1, 1).setText("5 min"), "shorter than the response target"),
    (lambda d: d.zone.setEditText("Mars/Olympus_Mons"), "'Mars/Olympus_Mons' is not a known time zone; "
                                                         "pick one from the list, such as Europe/Berlin."),
    (lambda d: d.zone.setEditText(""), "The time zone is empty; pick one from the list, such as Europe/Berlin."),
    (lambda d: [b.setChecked(False) for b in d.day_boxes], "no work days"),
    (lambda d: d.end.setTime(QTime(7, 0)), "must be after the opening time"),
    (lambda d: d.rules.item(0, 0).setText("../../etc/passwd"), "is not valid"),
    (lambda d: d.set_recipients(0, ()), "notifies nobody"),
    (lambda d: d.rules.item(1, 0).setText("p1-unack-5m"), "share the key"),
    (lambda d: d.rules.item(5, 4).setText("lots"), "is not a share"),
    (lambda d: d.rules.item(0, 2).setText("P9"), "Rule 1"),
    (lambda d: d.policy_name.setText("   "), "needs a name"),
])
def test_bad_input_is_explained_and_nothing_is_saved(dialog_for, team_desk, edit, message):
    before_sla = team_desk.settings.sla_policy()
    before_rules = team_desk.policies.escalation_policy()
    dialog = dialog_for("lena")
    edit(dialog)
    dialog.save_button.click()
    assert message in dialog.error.text()
    assert dialog.isVisible()
    assert team_desk.settings.sla_policy() == before_sla
    assert team_desk.policies.escalation_policy() == before_rules


def test_closing_with_unsaved_changes_asks_and_keeps_them(dialog_for, team_desk):
    dialog = dialog_for("lena")
    assert not dialog.has_changes()  # the form as loaded equals the saved policies
    asked = []
    dialog.ask = lambda *args: asked.append(args[1]) or "cancel"
    dialog.reject()  # Close button, Esc and the title bar's close all land here
    assert asked == [] and not dialog.isVisible()  # nothing changed: closes without a question

    dialog = dialog_for("lena")
    dialog.ask = lambda *args: asked.append(args[1]) or "cancel"
    cell(dialog, Priority.P1, 1).setText("2 h")
    assert dialog.has_changes()
    dialog.reject()
    assert asked == ["Discard your changes?"] and dialog.isVisible()
    assert cell(dialog, Priority.P1, 1).text() == "2 h"
    assert team_desk.settings.sla_policy().target_for(Priority.P1).resolve_s == 4 * 3600  # nothing saved
    dialog.ask = lambda *args: "discard"
    dialog.reject()
    assert not dialog.isVisible()


def test_a_form_that_does_not_parse_counts_as_changed(dialog_for):
    dialog = dialog_for("lena")
    cell(dialog, Priority.P2, 0).setText("soonish")
    assert dialog.has_changes()


# ---- pickers: people, teams, roles and time zones -----------------------------------------------------------

def test_the_rules_show_recipients_by_display_name_and_keep_the_stored_form(dialog_for):
    dialog = dialog_for("lena")
    # The default policy: on call, team lead, manager on duty, assignee; as words, not 'team_lead; manager'.
    texts = [dialog.rules.item(row, 5).text() for row in range(dialog.rules.rowCount())]
    assert texts == ["on call for the incident's team", "on call for the incident's team",
                     "lead of the incident's team", "manager on duty", "lead of the incident's team",
                     "the incident's assignee", "lead of the incident's team",
                     "the incident's assignee; lead of the incident's team"]
    assert "Stored as: assignee; team_lead" in dialog.rules.item(7, 5).toolTip()
    assert not dialog.has_changes()


def test_the_pickers_build_the_same_policy_as_the_old_text_form(dialog_for):
    from incident_desk.domain.escalation import EscalationPolicy
    dialog = dialog_for("lena")
    dialog.add_rule.click()
    row = dialog.rules.rowCount() - 1
    for col, text in ((0, "p2-breach"), (1, "P2 resolution target breached"), (2, "P2"), (4, "100 %")):
        dialog.rules.item(row, col).setText(text)
    dialog.rules.cellWidget(row, 3).setCurrentIndex(2)   # share of the resolution target
    pick_recipients(dialog, row, [
        ("A person", "sam"), ("A team (everyone in it)", "Service Desk"), ("The incident's assignee", None),
        ("Lead of the incident's team", None), ("Lead of a team", "Network"), ("Manager on duty", None),
        ("A named manager", "max")])
    built = dialog.build_escalation_policy()
    # The old text form of the same rule, "person:sam; team:Service Desk; assignee; team_lead;
    # team_lead:Network; manager; manager:max", as the stored JSON it always meant.
    old_text = "person:sam; team:Service Desk; assignee; team_lead; team_lead:Network; manager; manager:max"
    recipients = [{"kind": kind, "name": name or None}
                  for kind, _, name in (token.strip().partition(":") for token in old_text.split(";"))]
    expected = EscalationPolicy.from_dict({**dialog.escalation.to_dict(), "rules": [
        *dialog.escalation.to_dict()["rules"],
        {"key": "p2-breach", "description": "P2 resolution target breached", "priorities": ["P2"],
         "trigger": "resolution_fraction", "threshold": 1.0, "recipients": recipients, "raise_level": False,
         "severity": "warning"}]})
    assert built == expected
    assert dialog.rules.item(row, 5).text() == ("Sam Agent (sam); team Service Desk; the incident's assignee; "
                                                "lead of the incident's team; lead of team Network; "
                                                "manager on duty; manager Max Manager (max)")


def test_the_recipient_picker_refuses_someone_not_on_the_list_and_an_empty_rule(dialog_for, qtbot):
    from PySide6.QtWidgets import QApplication, QDialogButtonBox

    from incident_desk.ui.dialogs.recipient_picker import RecipientsDialog
    dialog = dialog_for("lena")
    before = dialog.recipients_of(0)
    picker = dialog.edit_recipients(0)
    assert picker in QApplication.topLevelWidgets() and picker.isVisible()
    picker.choose("A person", "nobody.here")
    picker.add_button.click()
    assert picker.error.text() == "There is no person called 'nobody.here'; pick one from the list."
    picker.choose("A person")
    picker.name.setEditText("lena lead")  # a display name typed in any case is that person
    picker.add_button.click()
    assert picker.error.text() == "" and picker.recipients()[-1].name == "lena"
    picker.list.selectAll()
    picker.remove_button.click()
    picker.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert picker.error.text() == "A rule must notify someone; add at least one recipient."
    assert picker.isVisible()
    picker.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: not any(isinstance(w, RecipientsDialog) and w.isVisible()
                                    for w in QApplication.topLevelWidgets()), timeout=2000)
    assert dialog.recipients_of(0) == before   # cancelled: the rule is as it was


def test_the_calendar_zone_is_picked_from_a_searchable_list(dialog_for, team_desk, qtbot):
    from zoneinfo import available_timezones
    dialog = dialog_for("lena")
    dialog.tabs.setCurrentIndex(1)
    zone = dialog.zone
    assert zone.count() == len(available_timezones())
    assert zone.currentText() == "UTC"
    # Typing part of a name offers the matching zones, in any case.
    zone.setFocus()
    zone.lineEdit().selectAll()
    qtbot.keyClicks(zone.lineEdit(), "berl")
    completer = zone.completer()
    qtbot.waitUntil(lambda: completer.completionCount() >= 1, timeout=2000)
    matches = {completer.completionModel().index(i, 0).data() for i in range(completer.completionCount())}
    assert matches == {z for z in available_timezones() if "berl" in z.lower()}
    zone.setEditText("asia/tokyo")
    with qtbot.waitSignal(dialog.sig_saved, timeout=10_000):
        dialog.save_button.click()
    assert team_desk.settings.sla_policy().calendar.timezone == "Asia/Tokyo"


def test_the_compliance_target_is_edited_with_the_targets(dialog_for, team_desk, qtbot):
    dialog = dialog_for("lena")
    assert dialog.compliance.value() == 95.0
    dialog.compliance.setValue(92.5)
    assert dialog.has_changes()
    with qtbot.waitSignal(dialog.sig_saved, timeout=10_000):
        dialog.save_button.click()
    assert team_desk.settings.sla_policy().compliance_target == 0.925


def test_keyboard_reaches_the_pickers(dialog_for, qtbot):
    from PySide6.QtWidgets import QApplication

    from incident_desk.ui.dialogs.recipient_picker import RecipientsDialog
    dialog = dialog_for("lena")
    dialog.tabs.setCurrentIndex(2)
    dialog.rules.setFocus()
    dialog.rules.setCurrentCell(1, 5)
    qtbot.keyClick(dialog.rules, Qt.Key.Key_Return)   # Enter on a rule's recipients opens the picker
    picker = next(w for w in QApplication.topLevelWidgets() if isinstance(w, RecipientsDialog) and w.isVisible())
    picker.activateWindow()
    picker.list.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is picker.list, timeout=2000)
    order = []
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        w = QApplication.focusWidget()
        order.append(w.parentWidget() if w is picker.name.lineEdit() else w)
    assert order == [picker.kind, picker.name, picker.add_button]
    picker.reject()
