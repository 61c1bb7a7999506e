"""A pseudo-translation ("[«…»]" around every text) loaded the way the app loads a language shows in the real window."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QPushButton, QTabWidget

from incident_desk.ui import i18n
from incident_desk.ui.bridge import DeskBridge
from incident_desk.ui.widgets.main_window import MainWindow

TS = Path(__file__).resolve().parents[2] / "incident_desk" / "resources" / "i18n" / "incident_desk_en.ts"
PSEUDO = QLocale(QLocale.Language.Esperanto)  # a language the desk has no catalogue for


def pseudo(text: str) -> str:
    return f"[«{text}»]"


def make_pseudo_catalogue(folder: Path) -> Path:
    """Edit a copy of the committed .ts: every message translated as [«source»] (plurals: each English
    form wrapped), then compile it with lrelease into incident_desk_eo.qm."""
    tree = ET.parse(TS)
    root = tree.getroot()
    root.set("language", "eo")
    for message in root.iter("message"):
        translation = message.find("translation")
        translation.attrib.pop("type", None)
        if message.get("numerus") == "yes":
            forms = list(translation.iter("numerusform"))
            for form in forms:
                form.text = pseudo(form.text or message.findtext("source"))
        else:
            translation.text = pseudo(message.findtext("source"))
    ts = folder / "incident_desk_eo.ts"
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    qm = folder / "incident_desk_eo.qm"
    subprocess.run([str(Path(sys.executable).parent / "pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)],
                   check=True)
    return qm


@pytest.fixture
def pseudo_locale(qapp, tmp_path):
    make_pseudo_catalogue(tmp_path)
    installed = i18n.install_translators(qapp, PSEUDO, [i18n.catalogue_folder(), tmp_path])
    yield installed
    i18n.remove_translators(qapp, installed)


def test_pseudo_catalogue_reaches_menus_labels_and_a_dialog(qtbot, seeded_desk, qsettings, pseudo_locale):
    # the app's own loader found both catalogues: English (plural forms) and the pseudo-language
    assert len(pseudo_locale) == 2
    window = MainWindow(seeded_desk, DeskBridge(seeded_desk, poll_ms=100), qsettings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: not window.views.is_counting(), timeout=5000)

    menus = [a.text() for a in window.menuBar().actions()]
    assert menus and all(t.startswith("[«&") and t.endswith("»]") for t in menus), menus
    assert window.act_log.text() == "[«&Log incident…»]"
    assert window.act_log.toolTip().startswith("[«")
    assert window.windowTitle().startswith("[«Incident Desk — ")
    assert [window.tabs.tabText(i) for i in range(2)] == ["[«Incidents»]", "[«Metrics»]"]
    # a plural through self.tr in MainWindow: the pseudo-language's form for this count
    n = window.model.rowCount()
    assert window.rows_label.text() == pseudo(f"{QLocale().toString(n)} incidents"), window.rows_label.text()
    # every menu entry a person can pick (the recent-database list and view names aside: data)
    for menu_action in window.menuBar().actions():
        for action in menu_action.menu().actions():
            text = action.text()
            if text and not action.isSeparator() and action.menu() is None and action.data() is None:
                assert text.startswith("[«"), f"untranslated menu entry {text!r}"

    window.act_about.trigger()
    dialog = window.about_dialog
    qtbot.waitUntil(lambda: dialog.isVisible(), timeout=3000)
    assert dialog.windowTitle() == "[«About Incident Desk»]"
    tabs = dialog.findChild(QTabWidget)
    captions = [tabs.tabText(i) for i in range(tabs.count())]
    assert captions and all(c.startswith("[«&") for c in captions), captions
    # the standard Close button is Qt's own text (qtbase has no Esperanto): not the desk's to translate
    assert {b.text() for b in dialog.findChildren(QPushButton)} == {"Close"}
    labels = {w.text() for w in dialog.findChildren(QLabel)}
    assert {"[«Version:»]", "[«Database:»]"} <= labels, labels
    assert not {"Version:", "Database:"} & labels
    dialog.close()
    window.close()


def test_without_the_catalogue_the_source_english_shows(qtbot, seeded_desk, qsettings):
    """The control: the same window with no pseudo catalogue shows the English sources."""
    assert QApplication.translate("MainWindow", "&Log incident…") == "&Log incident…"
    window = MainWindow(seeded_desk, DeskBridge(seeded_desk, poll_ms=100), qsettings)
    qtbot.addWidget(window)
    assert window.act_log.text() == "&Log incident…"
    window.close()


def test_the_language_comes_from_the_environment_and_reaches_qts_own_texts(qapp, monkeypatch):
    """$INCIDENT_DESK_LANG picks the language; Qt's qtbase catalogue for it translates the standard buttons,
    and the desk's English catalogue still gives plurals their singular."""
    monkeypatch.setenv(i18n.LANG_ENV_VAR, "de_DE")
    assert i18n.chosen_locale().name() == "de_DE"
    installed = i18n.install_translators(qapp)
    try:
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        assert box.button(QDialogButtonBox.StandardButton.Close).text() == "Schließen"
        assert QApplication.translate("MainWindow", "%Ln incidents", "", 1) == "1 incident"
        assert QApplication.translate("MainWindow", "%Ln incidents", "", 2) == "2 incidents"
    finally:
        i18n.remove_translators(qapp, installed)
    assert QDialogButtonBox(QDialogButtonBox.StandardButton.Close).button(
        QDialogButtonBox.StandardButton.Close).text() == "Close"


def test_plurals_read_as_english_in_the_window(qtbot, seeded_desk):
    """The English catalogue (installed by the app, and for these tests by conftest) gives "%n" texts their
    singular: the incident picker says "1 match", not "1 matches"."""
    from incident_desk.ui.dialogs.incident_picker import IncidentPicker
    picker = IncidentPicker(seeded_desk)
    qtbot.addWidget(picker)
    picker.search_edit.setText("Zebra")  # the one incident whose comment says so
    picker.run_search()
    assert picker.status_label.text() == "1 match; choose one with ↓ and Enter."
    picker.search_edit.setText("Kraken")  # "Kraken alert number 7, 47, …, 207": six of them
    picker.run_search()
    assert picker.status_label.text() == "6 matches; choose one with ↓ and Enter."


def test_the_app_installs_the_catalogues_at_start():
    """app.py's QApplication comes with the translators, in a fresh process as a user starts it: the
    language from $INCIDENT_DESK_LANG reaches Qt's own buttons, the English catalogue the plurals."""
    code = ("from incident_desk import app\n"
            "a = app._application(['incident-desk'])\n"
            "from PySide6.QtWidgets import QDialogButtonBox\n"
            "box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)\n"
            "print(box.button(QDialogButtonBox.StandardButton.Close).text())\n"
            "print(a.translate('MainWindow', '%Ln incidents', '', 1))\n")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", i18n.LANG_ENV_VAR: "de_DE"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["Schließen", "1 incident"]
