"""Help: F1 opens the offline help page (quick keys, the workflow, the metric definitions); Help -> About
shows the version, the database with its password masked, the licence and the third-party licences."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from incident_desk.ui.dialogs.about_dialog import AboutDialog
from incident_desk.ui.dialogs.help_window import WORKFLOW_IMAGE, HelpWindow, workflow_moves
from tests.gui.test_main_window import close_window, open_window

ROOT = Path(__file__).resolve().parents[2]
VERSION = re.search(r'__version__ = "([^"]+)"', (ROOT / "incident_desk" / "__init__.py").read_text()).group(1)

# The lifecycle as the README describes it, written out by hand: (from, to, only as a duplicate).
EXPECTED_MOVES = {
    ("New", "Acknowledged", False), ("New", "Resolved", False), ("New", "Cancelled", False),
    ("Acknowledged", "In progress", False), ("Acknowledged", "Resolved", False),
    ("Acknowledged", "Cancelled", False),
    ("In progress", "On hold", False), ("In progress", "Resolved", False),
    ("On hold", "In progress", False), ("On hold", "Resolved", True),
    ("Resolved", "Closed", False), ("Resolved", "In progress", False),
}


@pytest.fixture
def window(qtbot, seeded_desk, qsettings):
    w = open_window(qtbot, seeded_desk, qsettings)
    yield w
    for dialog in (w.help_window, w.about_dialog):
        if dialog is not None:
            dialog.close()
    close_window(w)


def _press_f1(qtbot, window) -> HelpWindow:
    window.table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.table, timeout=3000)
    qtbot.keyClick(window.table, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.help_window is not None and window.help_window.isVisible(), timeout=3000)
    return window.help_window


def test_f1_opens_the_help_page(qtbot, window):
    help_window = _press_f1(qtbot, window)
    text = help_window.browser.toPlainText()
    # Quick keys: the window's own commands with their keys.
    for what, key in (("Log incident", "Ctrl+N"), ("Search", "Ctrl+F"), ("Acknowledge", "Ctrl+Shift+A"),
                      ("Incident Desk help", "F1")):
        assert re.search(rf"^{re.escape(key)}\s+{re.escape(what)}$", text, re.MULTILINE), (what, key)
    # The workflow, as a table next to the diagram.
    assert re.search(r"^On hold\s+In progress, Resolved \(as a duplicate only\)$", text, re.MULTILINE)
    assert re.search(r"^Closed\s+— \(final\)$", text, re.MULTILINE)
    # Metric definitions, by their titles and words written here by hand.
    for title in ("MTTA (time to acknowledge)", "MTTR (time to resolve)", "SLA compliance", "Reopen rate"):
        assert re.search(rf"^{re.escape(title)}$", text, re.MULTILINE), title
    assert "nearest-rank" in text.lower() or "nearest rank" in text.lower()
    # Pressing F1 again raises the same window rather than opening a second one.
    help_window.hide()
    assert _press_f1(qtbot, window) is help_window


def test_the_workflow_comes_from_the_domain_and_is_drawn(qtbot, window):
    help_window = _press_f1(qtbot, window)
    moves = {(m.source.label, m.target.label, m.duplicate_only) for m in help_window.moves}
    assert moves == EXPECTED_MOVES
    assert {(m.source.label, m.target.label, m.duplicate_only) for m in workflow_moves()} == EXPECTED_MOVES
    image = help_window.workflow_image().convertToFormat(QImage.Format.Format_ARGB32)
    assert not image.isNull() and image.width() > 600
    # Each status is a box in its colour of the light scheme (written out here): count its pixels.
    fills = {"#1565c0", "#6a1b9a", "#00796b", "#5c6bc0", "#2e7d32", "#616161", "#757575"}
    counts = dict.fromkeys(fills, 0)
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            name = image.pixelColor(x, y).name()
            if name in counts and image.pixelColor(x, y).alpha() == 255:
                counts[name] += 1
    assert all(n >= 200 for n in counts.values()), counts


def test_help_links_stay_inside_the_page(qtbot, window):
    help_window = _press_f1(qtbot, window)
    browser = help_window.browser
    assert not browser.openLinks() and not browser.openExternalLinks()
    browser.verticalScrollBar().setValue(0)
    browser.anchorClicked.emit(QUrl("#metrics"))
    qtbot.waitUntil(lambda: browser.verticalScrollBar().value() > 0, timeout=3000)
    before = browser.toHtml()
    browser.anchorClicked.emit(QUrl("https://example.org/elsewhere"))
    browser.anchorClicked.emit(QUrl.fromLocalFile("/etc/hostname"))
    assert browser.toHtml() == before and browser.source().isEmpty()
    # The diagram is a document resource, not a file or a URL anything could fetch.
    assert WORKFLOW_IMAGE.scheme() == "help-image"


def test_about_shows_version_database_and_licences(qtbot, window, seeded_path):
    window.act_about.trigger()
    qtbot.waitUntil(lambda: window.about_dialog is not None and window.about_dialog.isVisible(), timeout=3000)
    about = window.about_dialog
    assert about.version_label.text() == VERSION
    assert str(seeded_path) in about.database_label.text()
    assert about.licence_label.text().startswith("MIT")
    assert "Permission is hereby granted, free of charge" in about.licence_text.toPlainText()
    rows = {name.lower(): (version, licence) for name, version, licence in about.listed()}
    # The third-party list comes from the installed distributions: versions as pip installed them.
    for name in ("peewee", "matplotlib", "numpy", "platformdirs", "shiboken6"):
        assert rows[name][0] == metadata.version(name), name
    assert rows["pyside6_essentials"][1].startswith("LGPL-3.0-only")
    assert rows["platformdirs"][1] == "MIT"
    # Tools of the venv (tests, packaging) are not something the desk ships with.
    assert not {"pytest", "pyinstaller", "hypothesis", "ruff"} & set(rows)


def test_about_masks_a_team_database_password(qtbot):
    dialog = AboutDialog("postgresql://alice:***@db.example.org:5432/desk")
    qtbot.addWidget(dialog)
    assert dialog.database_label.text() == "postgresql://alice:***@db.example.org:5432/desk"


@pytest.mark.postgres
def test_about_on_a_team_database_never_shows_the_password(qtbot, pg_url, qsettings):
    from urllib.parse import urlparse

    from incident_desk.services.desk import Desk
    parsed = urlparse(pg_url)
    secret = "s3cret-pw"
    with_password = parsed._replace(netloc=f"{parsed.username or 'postgres'}:{secret}@{parsed.hostname}"
                                           f"{':' + str(parsed.port) if parsed.port else ''}").geturl()
    desk = Desk.open(with_password)
    try:
        w = open_window(qtbot, desk, qsettings)
        w.act_about.trigger()
        qtbot.waitUntil(lambda: w.about_dialog is not None and w.about_dialog.isVisible(), timeout=3000)
        shown = w.about_dialog.database_label.text()
        assert secret not in shown and ":***@" in shown and str(parsed.hostname) in shown
        w.about_dialog.close()
        close_window(w)
    finally:
        desk.close()


def test_the_diagram_follows_a_switch_to_the_dark_scheme(qtbot, window, monkeypatch):
    help_window = _press_f1(qtbot, window)
    app = QApplication.instance()
    light_new, dark_new = "#1565c0", "#64a8f0"  # the New box in each scheme, written out here

    def has(colour: str) -> bool:
        image = help_window.workflow_image().convertToFormat(QImage.Format.Format_ARGB32)
        return any(image.pixelColor(x, y).name() == colour
                   for y in range(0, image.height(), 3) for x in range(0, image.width(), 3))

    assert has(light_new) and not has(dark_new)
    before = app.palette()
    monkeypatch.setenv("INCIDENT_DESK_THEME", "dark")
    from incident_desk.ui.theme import dark_palette
    app.setPalette(dark_palette())
    try:
        qtbot.waitUntil(lambda: has(dark_new), timeout=3000)
        assert not has(light_new)
    finally:
        app.setPalette(before)
