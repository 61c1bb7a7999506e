"""A searchable list of IANA time zones (type part of a name, pick it), validated when read."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from incident_desk.services.errors import ValidationError
from incident_desk.ui.i18n import translate


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    """Every zone this machine's tz database knows, sorted (about 600)."""
    return tuple(sorted(available_timezones()))


def _offset(name: str, now: datetime) -> str:
    offset = now.astimezone(ZoneInfo(name)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


class ZonePicker(QComboBox):
    """An editable combo over zone_names(): typing 'berl' offers Europe/Berlin (any part of the name,
    any case); zone() gives the canonical name or refuses, in one sentence, a name not in the list."""

    def __init__(self, zone: str = "UTC", parent: QWidget | None = None, *, field: str = "timezone"):
        super().__init__(parent)
        self._field = field
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(15)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(20)
        self.addItems(list(zone_names()))
        completer = QCompleter(self.model(), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        self.lineEdit().setPlaceholderText(translate("ZonePicker", "Type to search, e.g. Berlin"))
        self.setAccessibleName(translate("ZonePicker", "Time zone"))
        self.currentTextChanged.connect(self._on_text_changed)
        self.set_zone(zone)
        self._on_text_changed(self.currentText())

    def set_zone(self, zone: str) -> None:
        index = self.findText(zone, Qt.MatchFlag.MatchFixedString)  # case-insensitive
        if index >= 0:
            self.setCurrentIndex(index)
        else:
            self.setEditText(zone)  # a stored name this machine does not know: shown, refused on save

    def _on_text_changed(self, text: str) -> None:
        # The chosen zone's offset now (one zone looked up, not six hundred).
        name = text.strip()
        self.setToolTip(translate("ZonePicker", "{name}: {offset} now").format(name=name, offset=_offset(name,
                datetime.now(UTC))) if name in zone_names() else
                        translate("ZonePicker", "Type part of a place name, e.g. Berlin, and pick the zone"))

    def zone(self) -> str:
        """The chosen zone's canonical name; ValidationError for anything not in the list."""
        text = self.currentText().strip()
        index = self.findText(text, Qt.MatchFlag.MatchFixedString) if text else -1
        if not text:
            raise ValidationError(translate("ZonePicker",
                                            "The time zone is empty; pick one from the list, such as Europe/Berlin."),
                                  field=self._field)
        if index < 0:
            raise ValidationError(translate("ZonePicker",
                                            "'{text}' is not a known time zone; pick one from the list, such as "
                                            "Europe/Berlin.").format(text=text), field=self._field)
        return self.itemText(index)
