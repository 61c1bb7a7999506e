"""No keyboard trap: Enter on a row lands in the form, and the duplicate picker chooses nothing by itself."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLineEdit, QPlainTextEdit

from incident_desk.domain.incident import Status
from incident_desk.services.incidents import IncidentDraft
from incident_desk.ui.dialogs.incident_picker import IncidentPicker
from tests.gui.test_main_window import close_window, open_window

DESTRUCTIVE = ("Resolve", "Cancel", "Close", "duplicate", "Put on hold", "Assign", "Acknowledge", "Reopen")


def test_enter_on_a_row_puts_the_keyboard_in_the_title_and_repeated_enter_changes_nothing(qtbot, seeded_desk,
                                                                                       qsettings):
    window = open_window(qtbot, seeded_desk, qsettings)
    try:
        window.table.setFocus()
        key = window.model.row_at(0).key
        window.table.select_key(key)
        before = seeded_desk.incidents.get_incident(key)
        qtbot.keyClick(window.table, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: window.editor.current_key() == key, timeout=3000)
        focused = QApplication.focusWidget()
        assert focused is window.editor.title_edit
        # Enter again, and again: nothing is pressed, moved or resolved.
        for _ in range(3):
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
            focused = QApplication.focusWidget()
            assert not (isinstance(focused, QAbstractButton) and
                        any(word.lower() in focused.text().lower() for word in DESTRUCTIVE)), focused.text()
            assert isinstance(focused, (QLineEdit, QPlainTextEdit))
        after = seeded_desk.incidents.get_incident(key)
        assert (after.status, after.version, after.duplicate_of) == (before.status, before.version, None)
        assert QApplication.activeModalWidget() is None
    finally:
        close_window(window)


def test_the_duplicate_picker_preselects_nothing_and_offers_no_closed_or_cancelled_original(qtbot, desk):
    admin = desk.actor
    words = "Scanner on floor 9 shows paper jam"
    keys = {}
    for name, target in (("open", None), ("resolved", Status.RESOLVED), ("closed", Status.CLOSED),
                         ("cancelled", Status.CANCELLED)):
        inc = desk.incidents.log_incident(actor=admin, draft=IncidentDraft(title=f"{words} ({name})",
                                                                         category="Printing"))
        keys[name] = inc.key
        if target in (Status.RESOLVED, Status.CLOSED):
            desk.incidents.transition(actor=admin, key=inc.key, to=Status.ACKNOWLEDGED)
            desk.incidents.transition(actor=admin, key=inc.key, to=Status.RESOLVED, resolution_code="fixed",
                                      resolution_notes="Cleared")
            if target == Status.CLOSED:
                desk.incidents.transition(actor=admin, key=inc.key, to=Status.CLOSED)
        elif target == Status.CANCELLED:
            desk.incidents.transition(actor=admin, key=inc.key, to=Status.CANCELLED, cancel_reason="Logged twice")
    new = desk.incidents.log_incident(actor=admin, draft=IncidentDraft(title=words, category="Printing"))
    picker = IncidentPicker(desk, exclude_key=new.key, exclude_statuses=frozenset({Status.CLOSED, Status.CANCELLED}))
    qtbot.addWidget(picker)
    picker.show()
    qtbot.keyClicks(picker.search_edit, "scanner floor 9")
    picker.run_search()
    offered = {picker.results.item(i).data(Qt.ItemDataRole.UserRole) for i in range(picker.results.count())}
    assert offered == {keys["open"], keys["resolved"]}
    assert picker.selected_key() is None
    qtbot.keyClick(picker.search_edit, Qt.Key.Key_Return)  # Enter with nothing chosen does not choose
    assert picker.isVisible() and picker.result() == 0
    qtbot.keyClick(picker.search_edit, Qt.Key.Key_Down)
    assert picker.selected_key() == picker.results.item(0).data(Qt.ItemDataRole.UserRole)


def test_the_editor_asks_the_picker_to_leave_out_closed_and_cancelled(qtbot, desk):
    from incident_desk.ui.detail.editor import IncidentDetailEditor
    inc = desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(title="VPN drops", category="Network"))
    editor = IncidentDetailEditor(desk)
    qtbot.addWidget(editor)
    editor.load_incident(inc.key)
    seen = []

    def answer(dialog):
        seen.append((type(dialog), dialog.exclude_statuses, dialog.selected_key()))
        return False
    editor.run_dialog = answer
    assert not editor.resolve_as_duplicate()
    assert seen == [(IncidentPicker, frozenset({Status.CLOSED, Status.CANCELLED}), None)]
