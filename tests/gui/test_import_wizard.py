"""The import wizard (preview, mapping, saved mappings, check, import with Cancel) and the File menu's transfers."""

from __future__ import annotations

import csv
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton

from incident_desk.services.clock import ManualClock
from incident_desk.services.desk import Desk
from incident_desk.ui.bridge import DeskBridge
from incident_desk.ui.dialogs.import_wizard import PAGE_CHECK, PAGE_MAPPING, ImportWizard
from incident_desk.ui.widgets.main_window import MainWindow

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "transfer"
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
GERMAN = {"Nummer": "key", "Kurzbeschreibung": "title", "Status": "status", "Priorität": "priority",
          "Eröffnet": "opened_at", "Geschlossen": "closed_at", "Kategorie": "category"}
MEANS = {"Neu": "new", "In Bearbeitung": "in_progress", "Geschlossen": "closed"}


@pytest.fixture
def admin_desk(tmp_path):
    desk = Desk.open(str(tmp_path / "desk.db"), clock=ManualClock(NOW))
    yield desk
    desk.close()


def _count(desk) -> int:
    con = sqlite3.connect(str(desk.store.path))
    try:
        return con.execute("SELECT count(*) FROM incident").fetchone()[0]
    finally:
        con.close()


def _combo_choose(combo, data) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def _to_mapping_page(qtbot, wizard, path: Path, fmt: str) -> None:
    if not wizard.isVisible():
        wizard.show()
    wizard.file_page.path_edit.setText(str(path))
    _combo_choose(wizard.file_page.format_combo, fmt)
    wizard.next()
    assert wizard.currentId() == PAGE_MAPPING
    qtbot.waitUntil(lambda: wizard.mapping_page.preview is not None, timeout=5000)


def _map_german(qtbot, wizard) -> None:
    page = wizard.mapping_page
    for row in range(page.columns_table.rowCount()):
        header = page.columns_table.item(row, 0).text()
        _combo_choose(page.columns_table.cellWidget(row, 1), GERMAN.get(header, ""))
    # The preview is read again with the new columns: the statuses nobody has mapped are listed.
    qtbot.waitUntil(lambda: page.values_table.rowCount() == 3, timeout=5000)
    for row in range(page.values_table.rowCount()):
        assert page.values_table.item(row, 0).text() == "status"
        _combo_choose(page.values_table.cellWidget(row, 2), MEANS[page.values_table.item(row, 1).text()])


def test_preview_mapping_profile_check_and_import(qtbot, admin_desk):
    wizard = ImportWizard(admin_desk)
    qtbot.addWidget(wizard)
    wizard.show()
    _to_mapping_page(qtbot, wizard, FIXTURES / "local_de.csv", "csv")
    page = wizard.mapping_page
    assert page.preview_table.columnCount() == 12 and page.preview_table.rowCount() == 4
    assert page.preview_table.item(0, 1).text() == "Drucker im 2. Stock druckt nicht"
    assert "Windows-1252, semicolon-separated" in page.summary.text()
    _map_german(qtbot, wizard)
    page.tz_edit.setText("Europe/Berlin")
    wizard.save_profile("Altes Tool")
    assert [p.name for p in wizard.transfer.profiles()] == ["Altes Tool"]
    wizard.next()
    assert wizard.currentId() == PAGE_CHECK
    qtbot.waitUntil(lambda: wizard.check_page.report is not None, timeout=5000)
    assert not wizard.check_page.report.problems and wizard.check_page.isComplete()
    assert "Would import 4 incidents" in wizard.check_page.report_view.toPlainText()
    assert _count(admin_desk) == 0
    with qtbot.waitSignal(wizard.sig_imported, timeout=10000) as imported:
        wizard.accept()
    assert imported.args[0].new == 4 and _count(admin_desk) == 4

    # A second file of the same tool: the saved mapping fills everything in.
    again = ImportWizard(admin_desk)
    qtbot.addWidget(again)
    _combo_choose(again.file_page.profile_combo, "Altes Tool")
    assert again.file_page.format_combo.currentData() == "csv"
    _to_mapping_page(qtbot, again, FIXTURES / "local_de.csv", "csv")
    assert again.mapping_page.values_table.rowCount() == 3  # the saved meanings, shown to be checked
    assert again.mapping_page.tz_edit.text() == "Europe/Berlin"
    again.next()
    qtbot.waitUntil(lambda: again.check_page.report is not None, timeout=5000)
    report = again.check_page.report
    assert (report.unchanged, report.updated, report.new, report.problems) == (4, 0, 0, [])


def test_problems_are_listed_and_block_the_import(qtbot, admin_desk):
    wizard = ImportWizard(admin_desk)
    qtbot.addWidget(wizard)
    _to_mapping_page(qtbot, wizard, FIXTURES / "pagerduty.csv", "pagerduty")
    wizard.next()
    qtbot.waitUntil(lambda: wizard.check_page.report is not None, timeout=5000)
    text = wizard.check_page.report_view.toPlainText()
    assert "row 5, column 'priority': no priority" in text
    assert not wizard.check_page.isComplete() and wizard.check_page.skip_box.isVisibleTo(wizard.check_page)
    wizard.check_page.skip_box.setChecked(True)
    assert wizard.check_page.isComplete()


def test_cancel_leaves_the_database_unchanged(qtbot, admin_desk, tmp_path):
    path = tmp_path / "many.csv"
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["key", "title", "status", "priority", "opened_at"])
        writer.writerows([f"M-{n}", f"Incident {n}", "closed", "P4", "2026-10-01 10:00"] for n in range(6000))
    before = _count(admin_desk)
    wizard = ImportWizard(admin_desk)
    qtbot.addWidget(wizard)
    _to_mapping_page(qtbot, wizard, path, "csv")
    wizard.next()
    qtbot.waitUntil(lambda: wizard.check_page.report is not None, timeout=10000)
    wizard.accept()
    assert wizard.progress_dialog is not None
    wizard.progress_dialog.findChild(QPushButton).click()  # the dialog's Cancel button
    qtbot.waitUntil(lambda: wizard.last_report is not None, timeout=20000)
    assert wizard.last_report.cancelled and _count(admin_desk) == before
    assert "Cancelled; the database is unchanged." in wizard.check_page.report_view.toPlainText()


def test_file_menu_exports_the_view_and_backs_up(qtbot, seeded_desk, qsettings, tmp_path):
    window = MainWindow(seeded_desk, DeskBridge(seeded_desk, poll_ms=100), qsettings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.model.is_loading(), timeout=5000)
    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert {"&Import…", "&Export view…", "&Back up now…", "Open the &daily backups folder"} <= set(texts)
    target = tmp_path / "view.csv"
    window.transfer.export_view_to(target)
    qtbot.waitUntil(lambda: "Exported" in window.statusBar().currentMessage(), timeout=10000)
    with open(target, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == window.model.rowCount() and rows[0]["key"] == window.model.row_at(0).key
    folder = tmp_path / "backups"
    window.transfer._folder = folder
    with qtbot.waitSignal(window.transfer.sig_backed_up, timeout=10000) as done:
        window.transfer.start_daily_backup()
    assert Path(done.args[0]).parent == folder and str(folder) in window.transfer.act_backups_folder.toolTip()
    window.shutdown()
    window.bridge.stop()
