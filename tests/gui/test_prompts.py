"""The real confirm prompt (ask_with_message_box): each button a person clicks maps to its answer."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from incident_desk.ui.dialogs.prompts import ask_with_message_box
from tests.gui.gui_tools import when_modal

SB = QMessageBox.StandardButton


def _answer(qtbot, act) -> list[QMessageBox]:
    return when_modal(QMessageBox, act, poll_ms=20)


@pytest.fixture
def parent(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.mark.parametrize("button, answer", [(SB.Save, "save"), (SB.Discard, "discard"), (SB.Cancel, "cancel")],
                         ids=["save", "discard", "cancel"])
def test_save_discard_cancel_buttons_give_their_answers(qtbot, parent, button, answer):
    seen = _answer(qtbot, lambda box: qtbot.mouseClick(box.button(button), Qt.MouseButton.LeftButton))
    got = ask_with_message_box(parent, "Unsaved changes", "INC-000001 has unsaved changes (title).",
                               ("save", "discard", "cancel"))
    assert got == answer
    [box] = seen
    assert box.windowTitle() == "Unsaved changes" and box.text() == "INC-000001 has unsaved changes (title)."
    assert {box.standardButton(b) for b in box.buttons()} == {SB.Save, SB.Discard, SB.Cancel}
    assert box.defaultButton() is box.button(SB.Save)


def test_escape_means_cancel_and_without_cancel_the_last_choice(qtbot, parent):
    _answer(qtbot, lambda box: qtbot.keyClick(box, Qt.Key.Key_Escape))
    assert ask_with_message_box(parent, "Unsaved", "Save?", ("save", "discard", "cancel")) == "cancel"
    _answer(qtbot, lambda box: qtbot.keyClick(box, Qt.Key.Key_Escape))
    assert ask_with_message_box(parent, "Note", "Discard it?", ("yes", "no")) == "no"
    _answer(qtbot, lambda box: qtbot.keyClick(box, Qt.Key.Key_Return))  # Enter: the first choice
    assert ask_with_message_box(parent, "Note", "Discard it?", ("yes", "no")) == "yes"


def test_a_choice_without_a_standard_button_gets_a_labelled_one(qtbot, parent):
    def click_reapply(box):
        [button] = [b for b in box.findChildren(QPushButton) if b.text() == "Reapply"]
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    _answer(qtbot, click_reapply)
    assert ask_with_message_box(parent, "Changed meanwhile", "Reapply your edits?", ("reapply", "cancel")) == \
        "reapply"
