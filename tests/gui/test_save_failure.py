"""A save that really fails (locked database, full disk) keeps what the user typed and says why."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from incident_desk.services.desk import Desk
from incident_desk.services.incidents import IncidentDraft
from incident_desk.ui.detail.editor import IncidentDetailEditor
from tests.reliability.reliability_tools import fill_disk, integrity, logical_dump, require_mount, small_tmpfs

TYPED_TITLE = "VPN drops every ten minutes — finance floor ✈ مرحبا"
TYPED_DESCRIPTION = "Seen since Monday.\nRekey errors in the gateway log 🔥\n\tLine three."


def _editor(qtbot, desk, key):
    editor = IncidentDetailEditor(desk)
    qtbot.addWidget(editor)
    editor.resize(1100, 760)
    editor.show()

    def no_dialogs(*args):
        raise AssertionError(f"a save failure must not open a dialog: {args}")

    editor.run_dialog = no_dialogs
    editor.ask = no_dialogs
    assert editor.load_incident(key)
    return editor


def _type(qtbot, editor):
    editor.title_edit.clear()
    qtbot.keyClicks(editor.title_edit, "VPN drops every ten minutes")  # typed key by key
    editor.title_edit.insert(TYPED_TITLE[len("VPN drops every ten minutes"):])  # pasted (QTest cannot type emoji)
    editor.description_edit.setPlainText(TYPED_DESCRIPTION)
    assert editor.title_edit.text() == TYPED_TITLE
    assert set(editor.pending_changes()) == {"title", "description"}


def _assert_kept(editor, *words):
    assert editor.title_edit.text() == TYPED_TITLE
    assert editor.description_edit.toPlainText() == TYPED_DESCRIPTION
    assert set(editor.pending_changes()) == {"title", "description"}
    assert editor.banner.isVisible()
    message = editor.banner.label.text()
    assert "Not saved" in message and "Your edits are kept" in message
    for word in words:
        assert word in message, message


@pytest.mark.slow
def test_save_while_another_program_holds_the_lock_keeps_the_typing(qtbot, desk, db_path):
    inc = desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(title="VPN drops", category="Network"))
    editor = _editor(qtbot, desk, inc.key)
    _type(qtbot, editor)
    before = logical_dump(db_path)
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # held for longer than the 5 s busy timeout
    try:
        assert editor.save() is False
        _assert_kept(editor, "locked by another program")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert logical_dump(db_path) == before
    # The other program is done: the same Save goes through with exactly what was typed.
    assert editor.save() is True
    assert not editor.pending_changes()
    stored = desk.incidents.get_incident(inc.key)
    assert (stored.title, stored.description, stored.version) == (TYPED_TITLE, TYPED_DESCRIPTION, 2)


def test_save_on_a_full_disk_keeps_the_typing(qtbot, tmp_path, clock):
    require_mount("Saving on a full disk")
    with small_tmpfs(tmp_path / "small", "2m") as mnt:
        path = mnt / "desk.db"
        desk = Desk.open(str(path), clock=clock)
        try:
            inc = desk.incidents.log_incident(actor=desk.actor,
                                              draft=IncidentDraft(title="VPN drops", category="Network"))
            editor = _editor(qtbot, desk, inc.key)
            _type(qtbot, editor)
            editor.description_edit.setPlainText(TYPED_DESCRIPTION * 1000)  # more than the disk has left
            typed_text = editor.description_edit.toPlainText()
            filler = fill_disk(mnt)
            assert editor.save() is False
            assert editor.description_edit.toPlainText() == typed_text
            assert editor.title_edit.text() == TYPED_TITLE
            assert "full" in editor.banner.label.text() and "Your edits are kept" in editor.banner.label.text()
            filler.unlink()
            assert editor.save() is True
            stored = desk.incidents.get_incident(inc.key)
            assert (stored.title, stored.description) == (TYPED_TITLE, typed_text)
            editor.close()
        finally:
            desk.close()
        assert integrity(path) == "ok"
        shutil.copyfile(path, tmp_path / "after.db")  # the file outlives the mount intact
    assert integrity(tmp_path / "after.db") == "ok"
