"""Settings files keep no one's details: caller suggestions come from the incidents, files are owner-only;
and the window's date pickers keep to the desk's years."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QDate, QSettings

from incident_desk.services.incidents import IncidentDraft
from incident_desk.ui.desk_settings import app_settings, desk_settings
from incident_desk.ui.dialogs.log_dialog import LogIncidentDialog
from incident_desk.ui.widgets.filter_bar import FilterBar


def _log(desk, name: str, contact: str, title: str = "Mouse broken") -> None:
    desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
        title=title, category="Hardware", reporter_name=name, reporter_contact=contact))


def test_recent_callers_are_the_latest_incidents_each_name_once(desk):
    for name, contact in (("Jane Doe", "jane@old.example"), ("Ravi Patel", "ravi@example.org"),
                          ("", ""), ("jane doe", "jane@new.example")):
        _log(desk, name, contact)
    assert desk.incidents.recent_reporters() == [("jane doe", "jane@new.example"), ("Ravi Patel", "ravi@example.org")]
    assert desk.incidents.recent_reporters(limit=1) == [("jane doe", "jane@new.example")]


def test_logging_from_the_dialog_leaves_no_caller_in_the_settings_file(qtbot, desk, tmp_path):
    path = tmp_path / "desk.ini"
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    dialog = LogIncidentDialog(desk, settings=settings)
    qtbot.addWidget(dialog)
    dialog.title_edit.setText("Badge reader dead")
    dialog.category_combo.setEditText("Hardware")
    dialog.reporter_name_edit.setText("Nadia Haddad")
    dialog.reporter_contact_edit.setText("+49 30 555 0101")
    assert dialog.log_incident()
    settings.sync()
    written = path.read_text() if path.exists() else ""
    assert "Nadia" not in written and "555 0101" not in written
    again = LogIncidentDialog(desk, settings=settings)
    qtbot.addWidget(again)
    assert again.reporter_completer.model().index(0, 0).data() == "Nadia Haddad"


def test_settings_files_are_owner_only(desk, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    per_desk = desk_settings(desk.store.identity)
    per_desk.setValue("probe", 1)
    per_desk.sync()
    path = Path(per_desk.fileName())
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    app = QCoreApplication.instance()
    names = app.organizationName(), app.applicationName()
    app.setOrganizationName("incident-desk")
    app.setApplicationName("Incident Desk")
    try:
        QSettings().setValue("log_dialog/recent_reporters", '[{"name": "Old Caller"}]')
        QSettings().sync()
        own = app_settings()
        own.sync()
        path = Path(own.fileName())  # Qt may have fixed its folder earlier in this process: wherever it is
        assert path.parent.name == "incident-desk" and stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
        assert "Old Caller" not in path.read_text()
    finally:
        app.setOrganizationName(names[0])
        app.setApplicationName(names[1])


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Etc/GMT+12"])
def test_the_custom_date_range_cannot_leave_the_desks_years(qtbot, desk, monkeypatch, zone):
    """The date pickers stop where a local day would begin before 1970 or end after 2200, in any zone."""
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        bar = FilterBar(desk.clock)
        qtbot.addWidget(bar)
        bar.date_range.setCurrentIndex(bar.date_range.findData(-1))
        bar.date_from.setDate(QDate(1, 1, 1))
        bar.date_to.setDate(QDate(9999, 12, 31))
        assert (bar.date_from.date(), bar.date_to.date()) == (QDate(1970, 1, 2), QDate(2200, 12, 30))
        filt = bar.current_filter()
        assert desk.incidents.count_incidents(filters=filt) == 0
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
