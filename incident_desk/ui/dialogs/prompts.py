"""How widgets ask: a yes/no/save/discard prompt and a modal dialog run, both replaceable in tests."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

# ask(parent, title, text, choices) -> one of choices; choices name buttons such as "save", "discard",
# "cancel", "yes", "no". Widgets take it as an attribute so tests answer prompts without a modal loop.
Ask = Callable[[QWidget | None, str, str, tuple[str, ...]], str]

_BUTTONS = {
    "save": QMessageBox.StandardButton.Save, "discard": QMessageBox.StandardButton.Discard,
    "cancel": QMessageBox.StandardButton.Cancel, "yes": QMessageBox.StandardButton.Yes,
    "no": QMessageBox.StandardButton.No, "ok": QMessageBox.StandardButton.Ok,
}


def ask_with_message_box(parent: QWidget | None, title: str, text: str, choices: tuple[str, ...]) -> str:
    """The default ``Ask``: a QMessageBox whose Escape answers 'cancel' (or the last choice)."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # the question may quote a title or a name
    buttons = {}
    for choice in choices:
        buttons[choice] = box.addButton(_BUTTONS[choice]) if choice in _BUTTONS else \
            box.addButton(choice.capitalize(), QMessageBox.ButtonRole.AcceptRole)
    escape = "cancel" if "cancel" in choices else choices[-1]
    box.setEscapeButton(buttons[escape])
    box.setDefaultButton(buttons[choices[0]])
    box.exec()
    clicked = box.clickedButton()
    return next((name for name, button in buttons.items() if button is clicked), escape)


def run_modal(dialog: QDialog) -> bool:
    """Run ``dialog`` modally; True when it was accepted."""
    return dialog.exec() == QDialog.DialogCode.Accepted
