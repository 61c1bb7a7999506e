"""Settings → Appearance: follow the system, or always light, or always dark; applied at once."""

from __future__ import annotations

import os

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QButtonGroup, QLabel, QRadioButton, QVBoxLayout, QWidget

from incident_desk.ui import theme
from incident_desk.ui.dialogs.settings.base import SettingsPage
from incident_desk.ui.i18n import translate

SCHEME_KEY = "appearance/scheme"  # app settings: "system", "light" or "dark"
CHOICES = (
    ("system", QT_TRANSLATE_NOOP("SettingsAppearance", "Follow the &system")),
    ("light", QT_TRANSLATE_NOOP("SettingsAppearance", "Always &light")),
    ("dark", QT_TRANSLATE_NOOP("SettingsAppearance", "Always &dark")),
)


def stored_scheme(settings) -> str:
    value = str(settings.value(SCHEME_KEY, "system") or "system")
    return value if value in dict(CHOICES) else "system"


def apply_stored_scheme(settings=None) -> None:
    """At start: the scheme chosen here (INCIDENT_DESK_THEME still wins, for screenshots and tests)."""
    if settings is None:
        from incident_desk.ui.desk_settings import app_settings
        settings = app_settings()
    theme.set_chosen_scheme(stored_scheme(settings))


class AppearancePage(SettingsPage):
    TITLE = QT_TRANSLATE_NOOP("SettingsDialog", "Appearance")
    KEYWORDS = ("theme", "dark", "light", "colour", "color", "scheme", "mode")
    EXPLAIN = QT_TRANSLATE_NOOP("SettingsDialog", "How the desk looks on this computer. The change shows at once.")

    def build(self, body: QWidget) -> None:
        layout = QVBoxLayout(body)
        self.group = QButtonGroup(body)
        self.buttons: dict[str, QRadioButton] = {}
        current = stored_scheme(self.context.app_settings)
        for value, text in CHOICES:
            text = translate("SettingsAppearance", text)
            button = QRadioButton(text, body)
            button.setAccessibleName(text.replace("&", ""))
            button.setChecked(value == current)
            self.group.addButton(button)
            self.buttons[value] = button
            layout.addWidget(button)
            button.toggled.connect(lambda _on: self.sig_changed.emit())
        if os.environ.get(theme.THEME_ENV_VAR):
            note = QLabel(translate("SettingsAppearance",
                                    "{theme_env_var} is set, so it decides the scheme while it is.").format(
                    theme_env_var=theme.THEME_ENV_VAR), body)
            note.setWordWrap(True)
            theme.style(note, "hint")
            layout.addWidget(note)
        layout.addStretch(1)

    def choice(self) -> str:
        return next(v for v, b in self.buttons.items() if b.isChecked())

    def is_dirty(self) -> bool:
        return self.choice() != stored_scheme(self.context.app_settings)

    def save(self) -> None:
        value = self.choice()
        self.context.app_settings.setValue(SCHEME_KEY, value)
        self.context.app_settings.sync()
        theme.set_chosen_scheme(value)
        theme.apply_scheme()
