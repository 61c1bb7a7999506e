"""LogIncidentDialog with real widgets: keyboard-only logging, duplicates, recent reporters, hostile input."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QSettings, Qt

from incident_desk.domain.incident import Channel, IncidentFilter, Status
from incident_desk.services.incidents import IncidentDraft
from incident_desk.ui.dialogs.log_dialog import LogIncidentDialog


@pytest.fixture
def ini(tmp_path):
    return QSettings(str(tmp_path / "recent.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_dialog(qtbot, ini):
    made = []

    def make(desk, answers=()):
        dialog = LogIncidentDialog(desk, settings=ini)
        qtbot.addWidget(dialog)
        asked = []

        def ask(parent, title, text, choices):
            asked.append(text)
            # pytest-qt closes widgets before fixtures finish; later prompts discard.
            return answers[len(asked) - 1] if len(asked) <= len(answers) else "discard"
        dialog.ask = ask
        dialog.asked = asked
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        made.append(dialog)
        return dialog
    yield make
    for dialog in made:
        dialog.close()


def _type(qtbot, dialog, text):
    qtbot.keyClicks(dialog.focusWidget(), text)


def _tab(qtbot, dialog, times=1):
    for _ in range(times):
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)


def test_log_with_the_keyboard_only(qtbot, team_desk, make_dialog):
    desk = team_desk
    started = time.perf_counter()
    dialog = make_dialog(desk)
    dialog.opened_ms = (time.perf_counter() - started) * 1000  # reported by the bench, never asserted
    assert dialog.focusWidget() is dialog.title_edit
    _type(qtbot, dialog, "Wi-Fi down in meeting room 2")
    _tab(qtbot, dialog)
    assert dialog.focusWidget() is dialog.description_edit
    _type(qtbot, dialog, "Nobody can join since 10:00")
    _tab(qtbot, dialog)
    _type(qtbot, dialog, "netw")
    _tab(qtbot, dialog)
    assert dialog.category_combo.currentText() in ("Network", "netw")
    assert dialog.focusWidget() is dialog.subcategory_combo
    _type(qtbot, dialog, "W")  # keyboard search in the dependent list: Wi-Fi
    assert dialog.subcategory_combo.currentText() == "Wi-Fi"
    _tab(qtbot, dialog)
    _type(qtbot, dialog, "H")  # impact High
    _tab(qtbot, dialog)
    _type(qtbot, dialog, "H")  # urgency High
    assert dialog.priority_text.text() == "P1 — Impact High x Urgency High"
    _tab(qtbot, dialog)
    _type(qtbot, dialog, "Jane Doe")
    _tab(qtbot, dialog)
    _type(qtbot, dialog, "jane@example.com")
    _tab(qtbot, dialog, 2)
    assert dialog.focusWidget() in (dialog.assignee_edit, dialog.assignee_edit.lineEdit())
    _type(qtbot, dialog, "Alex Agent")  # people are chosen by the name people know them by
    with qtbot.waitSignal(dialog.sig_incident_logged) as logged:
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    key = logged.args[0]
    inc = desk.incidents.get_incident(key)
    assert (inc.title, inc.category, inc.subcategory) == ("Wi-Fi down in meeting room 2", "Network", "Wi-Fi")
    assert (inc.priority.label, inc.channel, inc.assignee) == ("P1", Channel.PHONE, "alex")
    assert inc.team == "Service Desk"  # the assignee's team, so a P1 never lands without a team
    assert (inc.reporter_name, inc.reporter_contact) == ("Jane Doe", "jane@example.com")
    assert inc.description == "Nobody can join since 10:00"
    assert not dialog.isVisible()


def test_ctrl_enter_on_keypad_and_validation_next_to_field(qtbot, desk, make_dialog):
    dialog = make_dialog(desk)
    _type(qtbot, dialog, "Laptop will not boot")
    _tab(qtbot, dialog)
    _type(qtbot, dialog, "Black screen after the BIOS logo")
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Enter,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.KeypadModifier)
    assert dialog.isVisible()
    assert dialog.fields["category"].error() == "Choose a category."
    assert dialog.focusWidget() in (dialog.category_combo, dialog.category_combo.lineEdit())
    assert dialog.title_edit.text() == "Laptop will not boot"
    assert dialog.description_edit.toPlainText() == "Black screen after the BIOS logo"
    _type(qtbot, dialog, "Hardwar")
    dialog.category_combo.lineEdit().editingFinished.emit()
    dialog.category_combo.setEditText("Hardware")
    with qtbot.waitSignal(dialog.sig_incident_logged):
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert desk.incidents.count_incidents(filters=IncidentFilter(text="BIOS")) == 1


def test_unknown_user_and_future_opening_time_are_shown_by_their_fields(desk, make_dialog):
    dialog = make_dialog(desk)
    dialog.title_edit.setText("Phone has no dial tone")
    dialog.category_combo.setEditText("Telephony")
    dialog.assignee_edit.setEditText("nobody-here")
    assert dialog.log_incident() is None
    assert "no user 'nobody-here'" in dialog.fields["assignee"].error()
    dialog.assignee_edit.set_username("")
    dialog.earlier_check.setChecked(True)
    dialog.opened_edit.setDateTime(dialog.opened_edit.dateTime().addDays(2))
    assert dialog.log_incident() is None
    assert "future" in dialog.fields["opened_at"].error()
    dialog.opened_edit.setDateTime(dialog.opened_edit.dateTime().addDays(-3))
    key = dialog.log_incident()
    inc = desk.incidents.get_incident(key)
    assert inc.opened_at < desk.clock()


@pytest.mark.parametrize("title, message", [
    ("y" * 1000, "1000 characters"),
    ("line one\nline two", "control characters"),
    ("tab\tinside", "control characters"),
])
def test_hostile_titles_give_messages_and_keep_text(desk, make_dialog, title, message):
    dialog = make_dialog(desk)
    dialog.title_edit.setText(title)
    assert message in dialog.fields["title"].error()
    dialog.category_combo.setEditText("Network")
    assert dialog.log_incident() is None
    assert message in dialog.fields["title"].error()
    assert dialog.title_edit.text() == title
    assert desk.incidents.count_incidents() == 0


def test_emoji_and_rtl_are_logged_as_typed(desk, make_dialog):
    dialog = make_dialog(desk)
    title = "Drucker 🖨 spinnt — ‏שלום‎ مرحبا"
    dialog.title_edit.setText(title)
    dialog.description_edit.setPlainText("🚀\u202eevil\u202c and a NUL-free body")
    dialog.category_combo.setEditText("printing")
    key = dialog.log_incident()
    assert key and desk.incidents.get_incident(key).title == title
    assert desk.incidents.get_incident(key).category == "Printing"


def test_duplicate_suggestions_and_link_instead(qtbot, desk, make_dialog):
    existing = desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
        title="VPN disconnects every ten minutes", category="Network", subcategory="VPN"))
    desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(title="Printer jam", category="Printing"))
    closed = desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
        title="VPN certificate expired", category="Network"))
    desk.incidents.transition(actor=desk.actor, key=closed.key, to=Status.CANCELLED, cancel_reason="test")
    dialog = make_dialog(desk)
    _type(qtbot, dialog, "vpn disconn")
    qtbot.waitUntil(lambda: dialog.similar_list.count() == 1, timeout=3000)
    keys = [dialog.similar_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(dialog.similar_list.count())]
    assert keys == [existing.key]
    assert not dialog.same_button.isEnabled()
    dialog.reporter_name_edit.setText("Sam Caller")
    dialog.reporter_contact_edit.setText("+49 30 555")
    dialog.similar_list.setCurrentRow(0)
    with qtbot.waitSignal(dialog.sig_link_instead) as linked:
        qtbot.mouseClick(dialog.same_button, Qt.MouseButton.LeftButton)
    assert linked.args == [existing.key]
    note = desk.incidents.timeline(existing.key)[0]
    assert note.kind == "comment"
    assert note.note.startswith("Also reported by Sam Caller (+49 30 555) via phone: vpn disconn")
    assert desk.incidents.count_incidents() == 3


def test_recent_reporters_fill_the_contact(qtbot, desk, make_dialog, ini):
    first = make_dialog(desk)
    first.title_edit.setText("Mouse broken")
    first.category_combo.setEditText("Hardware")
    first.reporter_name_edit.setText("Jane Doe")
    first.reporter_contact_edit.setText("jane@example.com")
    assert first.log_incident()
    second = make_dialog(desk)
    assert second.reporter_completer.model().rowCount() == 1
    second.reporter_name_edit.setFocus()
    qtbot.keyClicks(second.reporter_name_edit, "jane doe")
    qtbot.keyClick(second.reporter_name_edit, Qt.Key.Key_Tab)
    assert second.reporter_contact_edit.text() == "jane@example.com"
    # The suggestions come from the incidents, not a list kept in the settings file: the list older
    # releases kept there is removed, whatever it held.
    ini.setValue("log_dialog/recent_reporters", '[{"name": "Old Caller", "contact": "old@example.com"}]')
    third = make_dialog(desk)
    assert third.reporter_completer.model().rowCount() == 1
    assert third.reporter_completer.model().index(0, 0).data() == "Jane Doe"
    assert not ini.contains("log_dialog/recent_reporters")


def test_escape_asks_before_discarding_a_filled_form(qtbot, desk, make_dialog):
    empty = make_dialog(desk)
    qtbot.keyClick(empty.title_edit, Qt.Key.Key_Escape)
    assert not empty.isVisible() and empty.asked == []
    dialog = make_dialog(desk, answers=("cancel", "discard"))
    _type(qtbot, dialog, "Half a report")
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.title_edit.text() == "Half a report"
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert len(dialog.asked) == 2


def test_a_report_typed_when_the_desk_dies_comes_back(qtbot, team_desk, db_path, tmp_path):
    """A desk process types a report and is SIGKILLed once the form is on disk; a new dialog (the
    next start) refills it and says so; logging it clears the copy."""
    from incident_desk.config import LOG_DRAFT_KEY as DRAFT_KEY
    from tests.gui.typing_child import LOG_DESCRIPTION, LOG_REPORTER, LOG_TITLE, type_then_kill
    path = tmp_path / "recent.ini"
    type_then_kill("log", db_path, path, None, draft_key=DRAFT_KEY,
                   expected={"title": LOG_TITLE, "description": LOG_DESCRIPTION, "impact": "high",
                             "reporter_name": LOG_REPORTER})

    again = LogIncidentDialog(team_desk, settings=QSettings(str(path), QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    again.ask = lambda *args: "discard"
    assert again.title_edit.text() == LOG_TITLE
    assert again.description_edit.toPlainText() == LOG_DESCRIPTION
    assert again.impact_combo.currentData() == "high" and again.reporter_name_edit.text() == LOG_REPORTER
    assert "Restored the report" in again.banner.label.text()
    again.show()
    qtbot.waitUntil(lambda: not again.title_edit.hasSelectedText(), timeout=2000)
    qtbot.keyClicks(again.title_edit, "!")  # a keystroke adds to the restored title, never replaces it
    assert again.title_edit.text() == LOG_TITLE + "!"
    again.title_edit.backspace()
    again.category_combo.setEditText("Hardware")
    key = again.log_incident()
    assert key and team_desk.incidents.get_incident(key).title == LOG_TITLE
    on_disk = QSettings(str(path), QSettings.Format.IniFormat)
    on_disk.sync()
    assert not on_disk.contains(DRAFT_KEY)


def test_an_unreadable_saved_draft_is_dropped_quietly(qtbot, team_desk, ini):
    from incident_desk.config import LOG_DRAFT_KEY as DRAFT_KEY
    ini.setValue(DRAFT_KEY, "{not json")
    dialog = LogIncidentDialog(team_desk, settings=ini)
    qtbot.addWidget(dialog)
    assert dialog.is_empty() and not ini.contains(DRAFT_KEY)


def test_discarding_the_report_forgets_the_saved_draft(qtbot, team_desk, ini):
    from incident_desk.config import LOG_DRAFT_KEY as DRAFT_KEY
    dialog = LogIncidentDialog(team_desk, settings=ini)
    qtbot.addWidget(dialog)
    dialog.ask = lambda *args: "discard"
    qtbot.keyClicks(dialog.title_edit, "Typo, not a report")
    qtbot.waitUntil(lambda: ini.contains(DRAFT_KEY), timeout=3000)
    dialog.close()
    assert not ini.contains(DRAFT_KEY)


def test_a_call_solved_on_the_line_is_logged_resolved_with_its_team_in_one_step(qtbot, team_desk, make_dialog):
    desk = team_desk
    dialog = make_dialog(desk)
    dialog.title_edit.setText("Outlook keeps asking for the password")
    dialog.category_combo.setEditText("Email")
    dialog.team_combo.setCurrentIndex(dialog.team_combo.findData("Network"))
    dialog.team_combo.activated.emit(dialog.team_combo.currentIndex())  # chosen by hand: the assignee won't move it
    dialog.assignee_edit.set_username("alex")
    assert dialog.team_combo.currentData() == "Network"
    dialog.solved_box.setChecked(True)
    assert dialog.log_button.text().replace("&", "") == "Log as resolved"
    dialog.resolution_code_combo.setCurrentIndex(dialog.resolution_code_combo.findData("workaround"))
    dialog.resolution_notes_edit.setText("Cleared the cached credentials")
    key = dialog.log_incident()
    inc = desk.incidents.get_incident(key)
    assert (inc.status, inc.team, inc.assignee) == (Status.RESOLVED, "Network", "alex")
    assert (inc.resolution_code, inc.resolution_notes) == ("workaround", "Cleared the cached credentials")
    assert inc.acknowledged_at == inc.resolved_at
