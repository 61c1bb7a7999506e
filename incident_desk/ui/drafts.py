"""Text kept in QSettings as it is typed (JSON, synced to disk at once) so a crash loses none of it."""

from __future__ import annotations

import json
from datetime import datetime

from PySide6.QtCore import QSettings

from incident_desk.domain.formatting import time_short

# One write after the typing pauses this long.
DRAFT_DELAY_MS = 500


def keep(settings: QSettings, name: str, data: dict, *, now: datetime) -> None:
    """Store ``data`` (JSON-able) under ``name`` with the time it was kept, on disk now."""
    settings.setValue(name, json.dumps({**data, "saved_at": now.isoformat()}, ensure_ascii=False))
    settings.sync()  # not when the application quits cleanly: that is the case this is for


def forget(settings: QSettings, name: str) -> None:
    if settings.contains(name):
        settings.remove(name)
        settings.sync()


def kept(settings: QSettings, name: str) -> dict | None:
    """What ``keep`` stored under ``name``, with "saved_at" as an aware datetime, or None. An
    unreadable value is forgotten: there is nothing to give back, and it must not block the next."""
    raw = settings.value(name)
    if not raw:
        return None
    try:
        data = json.loads(raw)
        data["saved_at"] = datetime.fromisoformat(data["saved_at"])
    except (TypeError, ValueError, KeyError):
        forget(settings, name)
        return None
    return data


class IncidentDrafts:
    """The detail editor's kept edits and unsent note, one entry per incident key, in the settings
    file of the database they belong to (ui/desk_settings.py)."""

    def __init__(self, settings: QSettings | None, group: str):
        self.settings = settings  # None keeps nothing (a window with no settings file)
        self.group = group

    def _name(self, key: str) -> str:
        return f"{self.group}/{key}"

    def keep(self, key: str, *, version: int, pending: dict, note: str, now: datetime) -> None:
        if self.settings is not None:
            keep(self.settings, self._name(key), {"version": version, "pending": pending, "note": note}, now=now)

    def forget(self, key: str) -> None:
        if self.settings is not None:
            forget(self.settings, self._name(key))

    def kept(self, key: str, fields: tuple[str, ...]) -> dict | None:
        """{"pending", "note", "when", "version"} left for ``key`` by a desk that closed without saving
        it, with only the known ``fields`` in pending; None when there is nothing (or nothing readable)."""
        if self.settings is None:
            return None
        data = kept(self.settings, self._name(key))
        if data is None:
            return None
        try:
            pending = {k: str(v) for k, v in dict(data.get("pending") or {}).items() if k in fields}
        except (TypeError, ValueError):
            self.forget(key)  # unreadable: nothing to give back
            return None
        version = data.get("version")
        return {"pending": pending, "note": data.get("note") or "",
                "when": time_short(data["saved_at"]),
                "version": version if isinstance(version, int) else None}

    def keys(self) -> list[str]:
        """Incident keys with kept edits, sorted."""
        if self.settings is None:
            return []
        self.settings.beginGroup(self.group)
        try:
            return sorted(self.settings.childKeys())
        finally:
            self.settings.endGroup()
