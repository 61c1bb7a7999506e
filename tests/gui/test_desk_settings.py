"""Kept drafts, views and layouts belong to one database: keyed by its identity, never its path."""

from __future__ import annotations

import configparser
import os
import stat

from incident_desk.services.desk import Desk
from incident_desk.services.incidents import IncidentDraft
from incident_desk.ui.desk_settings import desk_settings
from incident_desk.ui.detail.editor import IncidentDetailEditor

KEY = "INC-000042"


def _desk_with_42(path, clock, title_prefix: str) -> Desk:
    desk = Desk.open(str(path), clock=clock)
    for n in range(1, 43):
        desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(title=f"{title_prefix} {n}",
                                                                          category="Network"))
    return desk


def _ini_values(path) -> dict[str, str]:
    """The settings file read with configparser (not Qt), flattened to 'section/key' -> raw text."""
    parser = configparser.RawConfigParser(strict=False)
    parser.optionxform = str
    parser.read(path)
    return {f"{s}/{k}": v for s in parser.sections() for k, v in parser.items(s)}


def test_a_draft_kept_on_one_database_is_not_offered_on_another(qtbot, tmp_path, clock, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    a = _desk_with_42(tmp_path / "a.db", clock, "Alpha report")
    b = _desk_with_42(tmp_path / "b.db", clock, "Bravo report")
    try:
        first = IncidentDetailEditor(a, settings=desk_settings(a.store.identity))
        qtbot.addWidget(first)
        first.load_incident(KEY)
        first.title_edit.setText("Alpha report 42, typed and not saved")
        first.title_edit.textEdited.emit("")
        a_file = tmp_path / "config" / "incident-desk" / "desks" / f"{a.store.identity}.ini"
        assert os.environ["XDG_CONFIG_HOME"] == str(tmp_path / "config")
        qtbot.waitUntil(lambda: any(KEY in name for name in _ini_values(a_file)), timeout=3000)
        assert stat.S_IMODE(a_file.stat().st_mode) == 0o600
        assert stat.S_IMODE(a_file.parent.stat().st_mode) == 0o700

        # The other database's INC-000042, same number and same version: nothing is offered.
        other = IncidentDetailEditor(b, settings=desk_settings(b.store.identity))
        qtbot.addWidget(other)
        other.load_incident(KEY)
        assert other.title_edit.text() == "Bravo report 42"
        assert other.pending_changes() == {}
        assert other.banner.label.text() == ""

        # The same database, opened again: the draft comes back.
        again = IncidentDetailEditor(a, settings=desk_settings(a.store.identity))
        qtbot.addWidget(again)
        again.load_incident(KEY)
        assert again.pending_changes() == {"title": "Alpha report 42, typed and not saved"}
    finally:
        a.close()
        b.close()
