"""IncidentDetailEditor with real widgets on a real SQLite desk: workflow, timeline, links, conflicts, prompts."""

from __future__ import annotations

import sqlite3
from urllib.parse import parse_qs, urlsplit

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QDialog

from incident_desk.domain.incident import HoldReason, Status
from incident_desk.services.desk import Desk
from incident_desk.services.incidents import IncidentDraft
from incident_desk.ui.detail.editor import IncidentDetailEditor
from incident_desk.ui.detail.window import DetailWindow
from incident_desk.ui.dialogs.incident_picker import IncidentPicker
from incident_desk.ui.dialogs.workflow import ConflictDialog, HoldDialog, ReporterUpdateDialog, ResolveDialog
from incident_desk.ui.models.timeline_model import TimelineRole
from tests.team_tools import open_desk


def _log(desk, title="VPN drops every ten minutes", **kw):
    draft = dict(title=title, category="Network", subcategory="VPN", reporter_name="Jane Doe",
                 reporter_contact="jane.doe@example.com", impact="medium", urgency="medium")
    draft.update(kw)
    return desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(**draft))


class Answers:
    """Plays the user in front of dialogs: each handler gets the real dialog and returns accepted or not."""

    def __init__(self):
        self.handlers = []
        self.seen = []

    def __call__(self, dialog: QDialog) -> bool:
        self.seen.append(dialog)
        assert self.handlers, f"unexpected dialog {type(dialog).__name__}: {dialog.windowTitle()}"
        return self.handlers.pop(0)(dialog)


class Prompts:
    def __init__(self, *answers):
        self.answers = list(answers)
        self.asked = []

    def __call__(self, parent, title, text, choices):
        self.asked.append(text)
        return self.answers.pop(0)


@pytest.fixture
def make_editor(qtbot):
    def make(desk):
        editor = IncidentDetailEditor(desk)
        qtbot.addWidget(editor)
        editor.resize(1100, 760)
        editor.show()
        editor.run_dialog = Answers()
        editor.ask = Prompts()
        return editor
    return make


def _accept(dialog) -> bool:
    dialog.accept()
    return dialog.result() == QDialog.DialogCode.Accepted


def _visible_targets(editor) -> set[Status]:
    return {s for s, b in editor.transition_buttons.items() if not b.isHidden()}


def test_full_workflow_with_buttons_showing_only_allowed_moves(qtbot, team_desk, make_editor, clock):
    desk = team_desk
    desk.act_as("lena")
    inc = _log(desk)
    editor = make_editor(desk)
    assert editor.load_incident(inc.key)
    assert _visible_targets(editor) == {Status.ACKNOWLEDGED, Status.RESOLVED, Status.CANCELLED}  # first-contact fix
    assert editor.duplicate_button.isVisibleTo(editor)

    with qtbot.waitSignal(editor.sig_incident_changed):
        qtbot.mouseClick(editor.transition_buttons[Status.ACKNOWLEDGED], Qt.MouseButton.LeftButton)
    assert desk.incidents.get_incident(inc.key).status == Status.ACKNOWLEDGED
    assert _visible_targets(editor) == {Status.IN_PROGRESS, Status.RESOLVED, Status.CANCELLED}
    assert editor.transition_buttons[Status.IN_PROGRESS].text() == "Start work"

    clock.advance(minutes=3)
    qtbot.mouseClick(editor.transition_buttons[Status.IN_PROGRESS], Qt.MouseButton.LeftButton)
    assert _visible_targets(editor) == {Status.ON_HOLD, Status.RESOLVED}

    def hold(dialog):
        assert isinstance(dialog, HoldDialog)
        dialog.set_reason(HoldReason.VENDOR)
        qtbot.keyClicks(dialog.note_edit, "Ticket 4711 at the VPN vendor")
        return _accept(dialog)
    editor.run_dialog.handlers.append(hold)
    qtbot.mouseClick(editor.transition_buttons[Status.ON_HOLD], Qt.MouseButton.LeftButton)
    stored = desk.incidents.get_incident(inc.key)
    assert (stored.status, stored.hold_reason) == (Status.ON_HOLD, HoldReason.VENDOR)
    assert "awaiting vendor" in editor.status_badge.text()
    assert _visible_targets(editor) == {Status.IN_PROGRESS}
    assert editor.transition_buttons[Status.IN_PROGRESS].text() == "Resume work"
    assert editor.sla_widgets["resolution"][0].text() == "Paused"
    assert "pauses" in editor.pause_policy_label.text()

    clock.advance(hours=1)
    qtbot.mouseClick(editor.transition_buttons[Status.IN_PROGRESS], Qt.MouseButton.LeftButton)

    def resolve(dialog):
        assert isinstance(dialog, ResolveDialog)
        dialog.accept()  # no code yet: refused with a message under the field
        assert dialog.result() != QDialog.DialogCode.Accepted
        assert "resolution code" in dialog.code_field.error()
        dialog.set_code("vendor fix")
        qtbot.keyClicks(dialog.notes_edit, "Vendor shipped 5.2.2; rekey works again.")
        return _accept(dialog)
    editor.run_dialog.handlers.append(resolve)
    qtbot.mouseClick(editor.transition_buttons[Status.RESOLVED], Qt.MouseButton.LeftButton)
    stored = desk.incidents.get_incident(inc.key)
    assert (stored.status, stored.resolution_code) == (Status.RESOLVED, "vendor fix")
    assert stored.resolution_notes == "Vendor shipped 5.2.2; rekey works again."
    assert _visible_targets(editor) == {Status.IN_PROGRESS, Status.CLOSED}
    assert editor.transition_buttons[Status.IN_PROGRESS].text() == "Reopen"
    assert editor.resolution_box.isVisibleTo(editor)

    qtbot.mouseClick(editor.transition_buttons[Status.CLOSED], Qt.MouseButton.LeftButton)
    assert desk.incidents.get_incident(inc.key).status == Status.CLOSED
    assert _visible_targets(editor) == set()
    assert editor.is_read_only()
    assert not editor.title_edit.isEnabled() and not editor.impact_combo.isEnabled()
    assert "only an admin" in editor.banner.text()
    statuses = [e.new_value for e in desk.incidents.timeline(inc.key) if e.kind == "status"]
    assert statuses == ["closed", "resolved", "in_progress", "on_hold", "in_progress", "acknowledged"]


def test_agent_sees_no_close_cancel_or_override(team_desk, make_editor):
    desk = team_desk
    desk.act_as("alex")
    inc = _log(desk)
    editor = make_editor(desk)
    editor.load_incident(inc.key)
    assert _visible_targets(editor) == {Status.ACKNOWLEDGED, Status.RESOLVED}  # no Cancel for an agent
    assert not editor.priority_combo.isEnabled()
    assert "Only a lead may override" in editor.field("priority").hint_label.text()
    assert editor.title_edit.isEnabled()


def test_priority_shows_derivation_and_records_override(qtbot, team_desk, make_editor):
    desk = team_desk
    desk.act_as("lena")
    inc = _log(desk)
    editor = make_editor(desk)
    editor.load_incident(inc.key)
    assert "P3 — Impact Medium x Urgency Medium" in editor.field("priority").hint_label.text()
    editor.impact_combo.setCurrentIndex(editor.impact_combo.findData("high"))
    assert "P2 — Impact High x Urgency Medium" in editor.field("priority").hint_label.text()
    editor.priority_combo.setCurrentIndex(editor.priority_combo.findData("P1"))
    assert "overriding" in editor.field("override_reason").error()
    assert not editor.save()
    assert "reason" in editor.field("override_reason").error()
    qtbot.keyClicks(editor.override_edit, "CFO cannot close the books")
    assert editor.save()
    stored = desk.incidents.get_incident(inc.key)
    assert (stored.priority.label, stored.priority_overridden) == ("P1", True)
    assert stored.override_reason == "CFO cannot close the books"
    assert editor.priority_badge.text() == "P1"
    assert not editor.has_unsaved_changes()
    texts = [editor.timeline_view.model.index(r, 0).data() for r in range(editor.timeline_view.model.rowCount())]
    assert any("Lena Lead: Changed priority P3 -> P1 (Override: CFO cannot close the books)" in t for t in texts)


def test_comment_and_work_note_newest_first_and_edits_survive(qtbot, desk, make_editor, clock):
    inc = _log(desk)
    editor = make_editor(desk)
    editor.load_incident(inc.key)
    editor.title_edit.setText("VPN drops every ten minutes (finance)")
    editor.title_edit.textEdited.emit("")
    assert editor.has_unsaved_changes()
    view = editor.timeline_view
    qtbot.mouseClick(view.comment_button, Qt.MouseButton.LeftButton)
    assert "empty" in view.error_label.text()
    clock.advance(minutes=1)
    qtbot.keyClicks(view.note_edit, "Called Jane back")
    qtbot.mouseClick(view.comment_button, Qt.MouseButton.LeftButton)
    clock.advance(minutes=1)
    qtbot.keyClicks(view.note_edit, "Rekey errors in gateway log")
    qtbot.mouseClick(view.work_note_button, Qt.MouseButton.LeftButton)
    model = view.model
    assert model.index(0, 0).data() == f"{desk.actor.display_name}: Added a work note: Rekey errors in gateway log"
    assert model.index(0, 0).data(TimelineRole.IS_WORK_NOTE) is True
    assert model.index(1, 0).data(TimelineRole.IS_WORK_NOTE) is False
    assert model.index(1, 0).data().endswith(": Commented: Called Jane back")
    assert view.note_edit.toPlainText() == ""
    # Comments bump the version; the title edit stays on top of the new version and saves cleanly.
    assert editor.has_unsaved_changes()
    assert editor.title_edit.text() == "VPN drops every ten minutes (finance)"
    assert editor.save()
    assert desk.incidents.get_incident(inc.key).title == "VPN drops every ten minutes (finance)"


def test_conflict_between_two_sessions_shows_who_and_reapplies(qtbot, team_desk, make_editor, clock):
    desk_lena = team_desk
    desk_lena.act_as("lena")
    desk_alex = Desk.on_store(desk_lena.store, clock=clock, username="alex")
    _conflict_shows_who_and_reapplies(qtbot, desk_lena, desk_alex, make_editor, clock)


@pytest.mark.postgres
def test_conflict_between_two_signed_in_desks_on_postgres(qtbot, pg_url, make_editor, clock):
    """The same, with two desks signed in to one team database (two connections, no shared lock)."""
    admin = open_desk(pg_url, clock=clock)
    admin.users.add_user(actor=admin.actor, username="lena", display_name="Lena Lead", role="lead",
                         team="Service Desk", password="lena-pass-1")
    admin.users.add_user(actor=admin.actor, username="alex", display_name="Alex Agent", role="agent",
                         team="Service Desk", password="alex-pass-1")
    admin.close()
    desk_lena = open_desk(pg_url, clock=clock, user="lena", password="lena-pass-1")
    desk_alex = open_desk(pg_url, clock=clock, user="alex", password="alex-pass-1")
    try:
        _conflict_shows_who_and_reapplies(qtbot, desk_lena, desk_alex, make_editor, clock)
    finally:
        desk_lena.close()
        desk_alex.close()


def _conflict_shows_who_and_reapplies(qtbot, desk_lena, desk_alex, make_editor, clock):
    inc = _log(desk_lena)
    first, second = make_editor(desk_lena), make_editor(desk_alex)
    first.load_incident(inc.key)
    second.load_incident(inc.key)

    first.title_edit.setText("VPN drops for all of finance")
    first.title_edit.textEdited.emit("")
    clock.advance(minutes=2)
    with qtbot.waitSignal(first.sig_incident_saved):
        assert first.save()

    second.description_edit.setPlainText("Seen on Wi-Fi and LAN.")
    second.urgency_combo.setCurrentIndex(second.urgency_combo.findData("high"))
    seen = {}

    def conflict(dialog):
        assert isinstance(dialog, ConflictDialog)
        rows = [[dialog.changes_tree.topLevelItem(i).text(c) for c in range(3)]
                for i in range(dialog.changes_tree.topLevelItemCount())]
        seen["rows"] = rows
        qtbot.mouseClick(dialog.reapply_button, Qt.MouseButton.LeftButton)
        return True
    second.run_dialog.handlers.append(conflict)
    assert not second.save()
    assert any(r[1] == "Lena Lead" and "title" in r[2] and "VPN drops for all of finance" in r[2] for r in seen["rows"])
    # Reapplied on the new version: their title is in, our edits are still pending and marked dirty.
    assert second.title_edit.text() == "VPN drops for all of finance"
    assert second.description_edit.toPlainText() == "Seen on Wi-Fi and LAN."
    assert set(second.pending_changes()) == {"description", "urgency"}
    assert second.dirty_label.isVisibleTo(second)
    assert "re-applied" in second.banner.text()
    assert second.save()
    stored = desk_alex.incidents.get_incident(inc.key)
    assert (stored.title, stored.description, stored.priority.label) == (
        "VPN drops for all of finance", "Seen on Wi-Fi and LAN.", "P2")


def test_refresh_from_store_reloads_clean_editor_and_warns_dirty_one(team_desk, make_editor, clock):
    desk = team_desk
    inc = _log(desk)
    other = Desk.on_store(desk.store, clock=clock, username="alex")
    editor = make_editor(desk)
    editor.load_incident(inc.key)
    other.incidents.comment(actor=other.actor, key=inc.key, text="from alex")
    editor.refresh_from_store()
    assert editor.current_incident().version == 2 and editor.banner.text() == ""
    editor.service_edit.setText("Remote access")
    editor.service_edit.textEdited.emit("")
    other.incidents.edit_incident(actor=other.actor, key=inc.key, expected_version=2,
                                  changes={"reporter_name": "Jane Q. Doe"})
    editor.refresh_from_store()
    assert editor.banner.text().startswith("Changed meanwhile by Alex Agent: Changed reporter name Jane Doe -> ")
    assert "reporter name" in editor.banner.text()
    assert editor.service_edit.text() == "Remote access"
    editor.reload_remote_button.click()
    assert editor.reporter_name_edit.text() == "Jane Q. Doe"
    assert editor.pending_changes() == {"service": "Remote access"}
    assert editor.save()


def test_unsaved_prompt_on_switching_incidents(team_desk, make_editor):
    desk = team_desk
    a, b = _log(desk, "First"), _log(desk, "Second")
    editor = make_editor(desk)
    editor.load_incident(a.key)
    editor.title_edit.setText("First, edited")
    editor.title_edit.textEdited.emit("")
    editor.ask.answers = ["cancel", "save"]
    assert editor.load_incident(b.key) is False
    assert editor.current_key() == a.key and editor.title_edit.text() == "First, edited"
    assert "unsaved changes (title)" in editor.ask.asked[0]
    assert editor.load_incident(b.key) is True
    assert desk.incidents.get_incident(a.key).title == "First, edited"
    assert editor.current_key() == b.key
    editor.title_edit.setText("Second, edited")
    editor.title_edit.textEdited.emit("")
    editor.ask.answers = ["discard"]
    assert editor.load_incident(a.key) is True
    assert desk.incidents.get_incident(b.key).title == "Second"
    # A failing save keeps the user where they are.
    editor.title_edit.setText("")
    editor.title_edit.textEdited.emit("")
    editor.ask.answers = ["save"]
    assert editor.confirm_discard() is False
    assert "title is empty" in editor.field("title").error()


def test_a_note_typed_and_not_added_is_not_dropped_unasked(team_desk, make_editor):
    desk = team_desk
    a, b = _log(desk, "First"), _log(desk, "Second")
    editor = make_editor(desk)
    editor.load_incident(a.key)
    editor.timeline_view.note_edit.setPlainText("Called the user back: the printer is on the wrong VLAN")
    editor.ask.answers = ["cancel"]
    assert editor.load_incident(b.key) is False
    assert editor.current_key() == a.key
    assert "VLAN" in editor.timeline_view.draft_note()
    assert "not on its timeline yet" in editor.ask.asked[-1]
    assert editor.tabs.currentWidget() is editor.timeline_view  # shown where it is
    editor.ask.answers = ["discard"]
    assert editor.load_incident(b.key) is True
    assert editor.timeline_view.draft_note() == ""
    assert all("VLAN" not in (e.note or "") for e in desk.incidents.timeline(a.key))


@pytest.mark.parametrize("title, message", [
    ("x" * 5000, "5000 characters"),
    ("bell\x07 and\ttab", "control characters"),
    ("", "title is empty"),
])
def test_hostile_titles_get_messages_and_nothing_is_lost(desk, make_editor, title, message):
    inc = _log(desk)
    editor = make_editor(desk)
    editor.load_incident(inc.key)
    editor.title_edit.setText(title)
    editor.title_edit.textEdited.emit("")
    assert message in editor.field("title").error()
    assert editor.save() is False
    assert message in editor.field("title").error()
    assert editor.title_edit.text() == title
    assert desk.incidents.get_incident(inc.key).title == inc.title


def test_emoji_rtl_and_nul_in_description(desk, make_editor):
    inc = _log(desk)
    editor = make_editor(desk)
    editor.load_incident(inc.key)
    editor.title_edit.setText("Drucker 🖨 spinnt — ‏שלום עולם‎ مرحبا")
    editor.title_edit.textEdited.emit("")
    editor.description_edit.setPlainText("bad \x00 byte")
    assert "NUL" in editor.field("description").error()
    assert editor.save() is False
    editor.description_edit.setPlainText("fine 🚀\u202e")
    assert editor.save() is True
    assert desk.incidents.get_incident(inc.key).title == "Drucker 🖨 spinnt — ‏שלום עולם‎ مرحبا"
    assert editor.title_label.text() == "Drucker 🖨 spinnt — ‏שלום עולם‎ مرحبا"


def test_storage_error_keeps_edits_and_shows_message(desk, make_editor, db_path):
    inc = _log(desk)
    editor = make_editor(desk)
    editor.load_incident(inc.key)
    editor.title_edit.setText("Edited while the database is locked")
    editor.title_edit.textEdited.emit("")
    desk.store.db.execute_sql("PRAGMA busy_timeout = 50")
    blocker = sqlite3.connect(db_path, timeout=0.05)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        assert editor.save() is False
    finally:
        blocker.rollback()
        blocker.close()
    assert "locked" in editor.banner.text() and "edits are kept" in editor.banner.text()
    assert editor.title_edit.text() == "Edited while the database is locked"
    assert editor.has_unsaved_changes()
    assert editor.save() is True


class MailCatcher(QObject):
    def __init__(self):
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def catch(self, url: QUrl) -> None:
        self.urls.append(url)


def test_update_reporter_opens_mailto_and_records_it(qtbot, desk, make_editor):
    desk.users.add_user(actor=desk.actor, username="anna.rossi", display_name="Anna Rossi", role="agent")
    inc = _log(desk, title="Outlook & Teams: 50% of mails stuck?", assignee="anna.rossi")
    editor = make_editor(desk)
    editor.load_incident(inc.key)
    catcher = MailCatcher()
    QDesktopServices.setUrlHandler("mailto", catcher, "catch")
    try:
        def write_and_send(dialog):
            assert isinstance(dialog, ReporterUpdateDialog)
            qtbot.keyClicks(dialog.message_edit, "Fix at 3 pm & no action needed.")
            dialog.message_edit.insertPlainText(" Ünïcödé ✓")  # QTest can only type Latin-1 keys
            assert "Fix at 3 pm" in dialog.preview.toPlainText()
            qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
            qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
            return dialog.result() == QDialog.DialogCode.Accepted
        editor.run_dialog.handlers.append(write_and_send)
        qtbot.mouseClick(editor.reporter_button, Qt.MouseButton.LeftButton)
    finally:
        QDesktopServices.unsetUrlHandler("mailto")
    assert len(catcher.urls) == 1
    url = catcher.urls[0]
    assert url.scheme() == "mailto"
    parts = urlsplit(url.toString(QUrl.ComponentFormattingOption.FullyEncoded))
    assert parts.path == "jane.doe@example.com"
    query = parse_qs(parts.query)
    assert query["subject"] == [f"[{inc.key}] New: Outlook & Teams: 50% of mails stuck?"]
    assert "Fix at 3 pm & no action needed. Ünïcödé ✓" in query["body"][0]
    assert "Status:    New" in query["body"][0]
    # The reporter reads people's names, never account names.
    assert "Handled by: Anna Rossi" in query["body"][0] and "anna.rossi" not in query["body"][0]
    assert query["body"][0].rstrip().endswith(desk.actor.display_name)
    clipboard = QGuiApplication.clipboard().text()
    assert inc.key in clipboard and "Fix at 3 pm" in clipboard
    newest = desk.incidents.timeline(inc.key)[0]
    assert newest.kind == "reporter_update" and "Fix at 3 pm" in newest.note


def _pick(qtbot, text):
    def handler(dialog):
        assert isinstance(dialog, IncidentPicker)
        qtbot.keyClicks(dialog.search_edit, text)
        dialog.run_search()
        assert dialog.results.count() >= 1
        assert dialog.selected_key() is None  # nothing is chosen for the user
        qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Down)  # the first match, chosen by a keystroke
        dialog.accept()
        return dialog.result() == QDialog.DialogCode.Accepted
    return handler


def test_links_tab_add_open_remove_and_duplicate(qtbot, desk, make_editor):
    main = _log(desk, "Mail server slow for everyone", category="Email", subcategory="Mailbox")
    other = _log(desk, "Printer queue stuck on floor 4", category="Printing", subcategory="Print queue")
    dup = _log(desk, "Mail very slow since 9", category="Email", subcategory="Mailbox")
    editor = make_editor(desk)
    editor.load_incident(main.key)
    panel = editor.links_panel
    panel.run_dialog = Answers()
    panel.run_dialog.handlers.append(_pick(qtbot, "printer queue"))
    panel.kind_combo.setCurrentIndex(3)  # "Child of"
    with qtbot.waitSignal(editor.sig_incident_changed):
        qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert panel.linked_keys() == [("Child of", other.key)]
    assert editor.current_incident().version == desk.incidents.get_incident(main.key).version
    panel.tree.setCurrentItem(panel.tree.topLevelItem(0))
    with qtbot.waitSignal(editor.sig_open_incident) as opened:
        qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    assert opened.args == [other.key]
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    assert panel.linked_keys() == []
    assert desk.incidents.links(main.key) == []

    editor.load_incident(dup.key)
    editor.run_dialog.handlers.append(_pick(qtbot, main.key.lower()))
    qtbot.mouseClick(editor.duplicate_button, Qt.MouseButton.LeftButton)
    stored = desk.incidents.get_incident(dup.key)
    assert (stored.status, stored.duplicate_of, stored.resolution_code) == (Status.RESOLVED, main.key, "duplicate")
    assert ("Duplicate of", main.key) in editor.links_panel.linked_keys()


def test_public_shortcuts_and_escape(qtbot, team_desk, make_editor):
    desk = team_desk
    inc = _log(desk)
    editor = make_editor(desk)
    editor.load_incident(inc.key)
    assert editor.assign_to_me()
    assert desk.incidents.get_incident(inc.key).assignee == desk.actor.username
    assert not editor.assign_me_button.isVisibleTo(editor)
    assert editor.acknowledge()
    editor.run_dialog.handlers.append(lambda d: (d.set_code("fixed"), _accept(d))[1])
    assert editor.resolve()
    assert desk.incidents.get_incident(inc.key).status == Status.RESOLVED
    editor.title_edit.setFocus()
    with qtbot.waitSignal(editor.sig_close_requested):
        qtbot.keyClick(editor.title_edit, Qt.Key.Key_Escape)
    assert editor.load_incident("INC-999999") is False
    assert "no incident" in editor.banner.text().lower()
    assert editor.current_key() == inc.key


def test_detail_window_asks_before_closing(qtbot, desk):
    inc = _log(desk)
    window = DetailWindow(desk, inc.key)
    qtbot.addWidget(window)
    window.show()
    assert inc.key in window.windowTitle()
    editor = window.editor
    editor.ask = Prompts("cancel", "discard")
    editor.title_edit.setText("changed")
    editor.title_edit.textEdited.emit("")
    assert window.close() is False
    assert window.isVisible()
    assert window.close() is True


def test_watch_button_puts_changes_in_my_inbox(qtbot, team_desk, make_editor, clock):
    desk_sam = Desk.on_store(team_desk.store, clock=clock, username="sam")
    inc = _log(team_desk)
    editor = make_editor(desk_sam)
    editor.load_incident(inc.key)
    assert not editor.watch_button.isChecked() and editor.watch_button.text() == "Watch"
    qtbot.mouseClick(editor.watch_button, Qt.MouseButton.LeftButton)
    assert editor.is_watching() and editor.watch_button.text() == "Watching"
    assert "sam" in team_desk.incidents.watchers(inc.key)
    clock.advance(minutes=1)
    team_desk.incidents.comment(actor=team_desk.users.actor("lena"), key=inc.key, text="Rebooted the switch")
    inbox = desk_sam.notifications.inbox(desk_sam.actor, unread_only=True)
    assert [(n.kind, n.incident_key) for n in inbox] == [("comment", inc.key)]
    qtbot.mouseClick(editor.watch_button, Qt.MouseButton.LeftButton)
    assert not editor.is_watching() and "sam" not in team_desk.incidents.watchers(inc.key)


def _editor_on_file(qtbot, desk, path: str, key: str, *, new_title: str) -> IncidentDetailEditor:
    """An editor keeping its drafts in the settings file ``path``, with ``key`` open and its title edited."""
    from PySide6.QtCore import QSettings
    editor = IncidentDetailEditor(desk, settings=QSettings(path, QSettings.Format.IniFormat))
    qtbot.addWidget(editor)
    editor.ask = Prompts("discard", "discard")
    editor.load_incident(key)
    editor.title_edit.setText(new_title)
    editor.title_edit.textEdited.emit("")
    return editor


def test_unsaved_edits_and_a_note_survive_a_crash(qtbot, team_desk, db_path, tmp_path):
    """A desk process types a title and a note and is SIGKILLed once they are on disk; an editor of
    the next start, opening the same incident, puts them back as unsaved and says so; saving forgets them."""
    from PySide6.QtCore import QSettings

    from incident_desk.config import EDITOR_DRAFTS_GROUP as DRAFT_GROUP
    from tests.gui.typing_child import EDITOR_NOTE, EDITOR_TITLE, type_then_kill
    desk = team_desk
    inc = _log(desk, "Scanner on floor 4 jams")
    path = tmp_path / "drafts.ini"
    type_then_kill("editor", db_path, path, inc.key, draft_key=f"{DRAFT_GROUP}/{inc.key}",
                   expected={"version": inc.version, "pending": {"title": EDITOR_TITLE}, "note": EDITOR_NOTE})

    again = IncidentDetailEditor(desk, settings=QSettings(str(path), QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    again.ask = Prompts()
    assert again.load_incident(inc.key)
    assert again.title_edit.text() == EDITOR_TITLE
    assert again.pending_changes() == {"title": EDITOR_TITLE}
    assert again.timeline_view.draft_note() == EDITOR_NOTE
    assert "Restored your unsaved changes" in again.banner.label.text()
    assert desk.incidents.get_incident(inc.key).title == "Scanner on floor 4 jams"  # nothing saved by itself
    assert again.save()
    again.timeline_view.clear_composer()
    on_disk = QSettings(str(path), QSettings.Format.IniFormat)
    qtbot.waitUntil(lambda: on_disk.sync() or not on_disk.contains(f"{DRAFT_GROUP}/{inc.key}"), timeout=5000)
    assert desk.incidents.get_incident(inc.key).title == EDITOR_TITLE


def test_workflow_dialogs_ask_before_dropping_what_was_written(qtbot):
    from incident_desk.ui.dialogs.workflow import CancelDialog
    resolve = ResolveDialog("INC-000001")
    qtbot.addWidget(resolve)
    resolve.show()
    asked = []
    resolve.ask = lambda *args: asked.append(args[1]) or "cancel"
    resolve.reject()  # nothing written: closes without a question
    assert asked == [] and not resolve.isVisible()

    resolve = ResolveDialog("INC-000001")
    qtbot.addWidget(resolve)
    resolve.show()
    resolve.ask = lambda *args: asked.append(args[1]) or "cancel"
    resolve.notes_edit.setPlainText("Replaced the fuser; printed 50 test pages")
    resolve.reject()  # Esc by accident: kept
    assert asked == ["Discard what you wrote?"] and resolve.isVisible()
    resolve.ask = lambda *args: "discard"
    resolve.reject()
    assert not resolve.isVisible()

    cancel = CancelDialog("INC-000001")
    qtbot.addWidget(cancel)
    cancel.show()
    cancel.reason_edit.setPlainText("Logged twice by the night shift")
    cancel.ask = lambda *args: "cancel"
    cancel.reject()
    assert cancel.isVisible()
    cancel.ask = lambda *args: "discard"
    cancel.reject()


def test_reporter_update_asks_only_if_the_message_went_nowhere(qtbot):
    dialog = ReporterUpdateDialog("INC-000001", lambda message: f"Status summary\n{message}")
    qtbot.addWidget(dialog)
    dialog.show()
    asked = []
    dialog.ask = lambda *args: asked.append(args[1]) or "cancel"
    dialog.message_edit.setPlainText("We expect a fix by 3 pm.")
    dialog.reject()
    assert asked == ["Discard your message?"] and dialog.isVisible()
    dialog.copy_button.click()  # copied: closing loses nothing now
    dialog.reject()
    assert asked == ["Discard your message?"] and not dialog.isVisible()


def test_kept_edits_of_an_incident_changed_since_go_through_the_conflict(qtbot, team_desk, tmp_path):
    """Restored edits must not quietly overwrite what someone saved after the crash."""
    from PySide6.QtCore import QSettings

    from incident_desk.config import EDITOR_DRAFTS_GROUP
    desk = team_desk
    inc = _log(desk, "Projector in room 3 flickers")
    path = str(tmp_path / "drafts.ini")
    first = _editor_on_file(qtbot, desk, path, inc.key, new_title="Projector in room 3 flickers and hums")
    on_disk = QSettings(path, QSettings.Format.IniFormat)
    qtbot.waitUntil(lambda: on_disk.sync() or on_disk.contains(f"{EDITOR_DRAFTS_GROUP}/{inc.key}"), timeout=5000)
    first.hide()
    # Meanwhile someone else saves a new title.
    desk.incidents.edit_incident(actor=desk.actor, key=inc.key, expected_version=inc.version,
                                 changes={"title": "Projector in room 3 replaced"})

    again = IncidentDetailEditor(desk, settings=QSettings(path, QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    again.ask = Prompts()
    again.load_incident(inc.key)
    assert again.title_edit.text() == "Projector in room 3 flickers and hums"
    assert "changed since" in again.banner.label.text()
    seen = []
    again.run_dialog = lambda dialog: seen.append(type(dialog).__name__) or False  # the user closes it
    assert again.save() is False
    assert seen == ["ConflictDialog"]
    assert desk.incidents.get_incident(inc.key).title == "Projector in room 3 replaced"


def test_the_service_field_offers_the_desks_services_but_not_retired_ones(qtbot, desk, make_editor):
    for name in ("Web Shop", "Company e-mail", "Payroll"):
        desk.communication.add_service(actor=desk.actor, name=name)
    desk.communication.retire_service(actor=desk.actor, name="Payroll")
    inc = _log(desk)
    editor = make_editor(desk)
    assert editor.load_incident(inc.key)
    completer = editor.form.service_edit.completer()
    assert sorted(completer.model().stringList()) == ["Company e-mail", "Web Shop"]
    editor.form.service_edit.setFocus()
    qtbot.keyClicks(editor.form.service_edit, "SHO")          # any case, anywhere in the name
    assert (completer.completionCount(), completer.currentCompletion()) == (1, "Web Shop")
    qtbot.keyClicks(editor.form.service_edit, "X")            # free text stays allowed
    assert editor.form.service_edit.text() == "SHOX"
