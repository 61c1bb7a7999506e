"""The "Post update…" dialog in the detail editor and the missed cadence in the table's SLA column
(real widgets on a real SQLite desk)."""

from __future__ import annotations

import sqlite3
from urllib.parse import parse_qs, urlsplit

from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QDialog

from incident_desk.services.incidents import IncidentDraft
from incident_desk.ui import theme
from incident_desk.ui.detail.editor import IncidentDetailEditor
from incident_desk.ui.dialogs.public_update_dialog import PublicUpdateDialog
from incident_desk.ui.models.incident_table_model import IncidentRole, IncidentTableModel, column_index
from incident_desk.ui.models.timeline_model import TimelineRole


class MailCatcher(QObject):
    def __init__(self):
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def catch(self, url: QUrl) -> None:
        self.urls.append(url)


def _p1(desk, **kw):
    draft = dict(title="Checkout fails", category="Software", impact="high", urgency="high", service="Web Shop",
                 reporter_name="Jane Doe", reporter_contact="jane.doe@example.com")
    draft.update(kw)
    return desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(**draft))


def test_post_update_dialog_records_mails_and_copies(qtbot, desk, db_path, tmp_path):
    desk.communication.add_service(actor=desk.actor, name="Web Shop", public=True,
                                   subscribers=["shop-news@example.org"])
    inc = _p1(desk)
    editor = IncidentDetailEditor(desk)
    qtbot.addWidget(editor)
    editor.resize(1100, 760)
    editor.show()
    assert editor.load_incident(inc.key)
    seen = []

    def fill(dialog) -> bool:
        seen.append(dialog)
        assert isinstance(dialog, PublicUpdateDialog)
        assert dialog.services() == ["Web Shop"]
        # A template per state, following the state until the user writes their own words.
        assert dialog.message().startswith("We are investigating reports of problems with Web Shop.")
        dialog.state_combo.setCurrentIndex(1)
        assert dialog.message().startswith("We have identified the cause of the problems with Web Shop")
        dialog.message_edit.setPlainText("")
        qtbot.keyClicks(dialog.message_edit, "Payments fail & retries help; fix at 10:30.")
        dialog.state_combo.setCurrentIndex(2)  # own words stay
        assert dialog.message() == "Payments fail & retries help; fix at 10:30."
        assert not dialog.publish_check.isEnabled()  # no folder chosen yet
        dialog.mail_check.setChecked(True)
        dialog.copy_check.setChecked(True)
        assert dialog.major_check.isEnabled() and not dialog.major_check.isChecked()  # the admin may mark it
        dialog.major_check.setChecked(True)
        dialog.accept()
        return dialog.result() == QDialog.DialogCode.Accepted

    editor.run_dialog = fill
    catcher = MailCatcher()
    QDesktopServices.setUrlHandler("mailto", catcher, "catch")
    try:
        qtbot.mouseClick(editor.workflow.public_update_button, Qt.MouseButton.LeftButton)
    finally:
        QDesktopServices.unsetUrlHandler("mailto")
    assert len(seen) == 1
    con = sqlite3.connect(db_path)
    rows = con.execute("SELECT state, message FROM public_update").fetchall()
    major = con.execute("SELECT major FROM incident_comms").fetchall()
    con.close()
    assert rows == [("monitoring", "Payments fail & retries help; fix at 10:30.")]
    assert major == [(1,)]
    assert editor.banner.text().startswith("The public update is on the timeline.")  # not a conflict
    assert len(catcher.urls) == 1
    parts = urlsplit(catcher.urls[0].toString(QUrl.ComponentFormattingOption.FullyEncoded))
    query = parse_qs(parts.query)
    assert parts.path == "" and sorted(query["bcc"][0].split(",")) == ["jane.doe@example.com",
                                                                      "shop-news@example.org"]
    assert QGuiApplication.clipboard().text().startswith("**Monitoring** — Checkout fails")
    # Its own kind on the timeline, not a comment.
    model = editor.timeline_view.model
    texts = [model.index(r, 0).data(TimelineRole.SUMMARY) for r in range(model.rowCount())]
    assert any("public update: Monitoring on Web Shop" in (t or "") for t in texts), texts


def test_the_update_is_copied_as_plain_text_when_chosen(qtbot, desk):
    """Chat without Markdown gets the plain text: the state and title, the key, the services, the message
    (nothing escaped, no '**')."""
    desk.communication.add_service(actor=desk.actor, name="Web Shop", public=True)
    inc = _p1(desk, title="Checkout fails (cards *only*)")
    editor = IncidentDetailEditor(desk)
    qtbot.addWidget(editor)
    editor.show()
    assert editor.load_incident(inc.key)

    def fill(dialog) -> bool:
        assert not dialog.copy_format.isEnabled() and dialog.copy_as() is None  # nothing copied unless asked
        dialog.copy_check.setChecked(True)
        assert dialog.copy_format.isEnabled() and dialog.copy_as() == "markdown"
        dialog.copy_format.setCurrentIndex(dialog.copy_format.findData("text"))
        dialog.state_combo.setCurrentIndex(1)  # Identified
        dialog.message_edit.setPlainText("A card processor rejects payments.")
        dialog.accept()
        return True

    QGuiApplication.clipboard().setText("before")
    editor.run_dialog = fill
    qtbot.mouseClick(editor.workflow.public_update_button, Qt.MouseButton.LeftButton)
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[:3] == ["Identified — Checkout fails (cards *only*)", f"Incident: {inc.key}", "Affected: Web Shop"]
    assert "A card processor rejects payments." in lines
    assert "The public update is on the timeline. It is on the clipboard as plain text." in editor.banner.text()


def test_missed_cadence_shows_in_the_sla_column(qtbot, desk, clock):
    inc = _p1(desk)
    quiet = _p1(desk, title="Printer jam", impact="low", urgency="low")
    model = IncidentTableModel(desk.incidents, clock=desk.clock, sla_policy=desk.settings.sla_policy(),
                               use_workers=False, comms_due=lambda: desk.communication.cadence_due())
    col = column_index("sla")
    # Acknowledged, so the SLA itself is not breached: the response target would otherwise speak first.
    desk.incidents.transition(actor=desk.actor, key=inc.key, to="acknowledged")

    def cell(key):
        row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == key)
        index = model.index(row, col)
        return index.data(), index.data(IncidentRole.SLA_STATE)

    clock.advance(minutes=26)  # the P1's first update is due 30 minutes after it was opened
    model.reload()
    assert cell(inc.key) == ("update due in 4 min", theme.SLA_WARNING)
    clock.advance(minutes=16)
    model.reload()
    assert cell(inc.key) == ("update late 12 min", theme.SLA_BREACHED)
    assert not cell(quiet.key)[0].startswith("update")
    desk.communication.announce(actor=desk.actor, key=inc.key, state="identified", message="Found it.")
    model.refresh()
    assert not cell(inc.key)[0].startswith("update")
    clock.advance(minutes=31)
    model.reload()
    assert cell(inc.key) == ("update late 1 min", theme.SLA_BREACHED)


def test_posting_publishes_the_page_when_asked(qtbot, desk, qsettings, tmp_path):
    """'Publish the status page' in the dialog writes the folder kept in the desk's settings."""
    from incident_desk.ui import statuspage_actions
    site = tmp_path / "status"
    qsettings.setValue(statuspage_actions.FOLDER_KEY, str(site))
    statuspage_actions.set_publish_on_update(qsettings, True)
    desk.communication.add_service(actor=desk.actor, name="Web Shop", public=True)
    inc = _p1(desk)
    editor = IncidentDetailEditor(desk, settings=qsettings)
    qtbot.addWidget(editor)
    editor.show()
    assert editor.load_incident(inc.key)

    def post(dialog) -> bool:
        assert dialog.publish_check.isEnabled() and dialog.publish_check.isChecked()  # the desk's choice
        dialog.accept()
        return True

    editor.run_dialog = post
    qtbot.mouseClick(editor.workflow.public_update_button, Qt.MouseButton.LeftButton)
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "We are investigating reports of problems with Web Shop." in index
    assert (site / "incidents" / f"{inc.key}.html").is_file()
    assert "Published the status page" in editor.banner.text()


def test_the_window_shows_a_missed_update_once_its_first_page_is_painted(qtbot, desk, clock, qsettings):
    """The window reads the cadence after its first page (it is not needed to paint it), then shows it."""
    from tests.gui.test_main_window import close_window, open_window
    inc = _p1(desk)
    desk.incidents.transition(actor=desk.actor, key=inc.key, to="acknowledged")
    clock.advance(minutes=42)                   # the first update was due 30 minutes after the opening
    window = open_window(qtbot, desk, qsettings)
    try:
        col = column_index("sla")

        def sla_text() -> str:
            row = next(r for r in range(window.model.rowCount()) if window.model.index(r, 0).data() == inc.key)
            return window.model.index(row, col).data()
        qtbot.waitUntil(lambda: window.first_page_painted and sla_text() == "update late 12 min", timeout=5000)
    finally:
        close_window(window)


def test_tools_publish_status_page_from_the_window(qtbot, desk, qsettings, tmp_path, monkeypatch):
    """Tools → Publish status page… asks for a folder, writes the site there and says so; the folder is then the
    one the editor's "Post update…" offers, and "on every public update" needs one before it turns on."""
    from PySide6.QtWidgets import QFileDialog

    from tests.gui.test_main_window import close_window, open_window
    desk.communication.add_service(actor=desk.actor, name="Web Shop", public=True)
    inc = _p1(desk)
    desk.communication.announce(actor=desk.actor, key=inc.key, state="investigating", message="PUBLIC-TOOLS-1")
    site = tmp_path / "shared" / "status"
    site.mkdir(parents=True)
    answers = [""]  # the user cancels the folder dialog first
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: answers.pop(0))
    window = open_window(qtbot, desk, qsettings)
    try:
        window.act_statuspage_on_update.trigger()           # no folder yet: asks, cancelled -> stays off
        assert not window.act_statuspage_on_update.isChecked() and not list(site.iterdir())
        answers.append(str(site))
        window.act_statuspage.trigger()
        assert sorted(p.name for p in site.iterdir()) == ["feed.atom", "incidents", "index.html", "status.json"]
        assert "PUBLIC-TOOLS-1" in (site / "index.html").read_text(encoding="utf-8")
        assert window.statusBar().currentMessage() == (f"Published the status page into {site}: 1 public service, "
                                                       "1 incident.")
        window.act_statuspage_on_update.trigger()           # a folder is known now: on without asking
        assert window.act_statuspage_on_update.isChecked() and answers == []
        window.select_incident(inc.key)
        seen = []

        def look(dialog) -> bool:
            seen.append((dialog.publish_check.isEnabled(), dialog.publish_check.isChecked(),
                         str(site) in dialog.publish_check.text()))
            return False

        window.editor.run_dialog = look
        qtbot.mouseClick(window.editor.workflow.public_update_button, Qt.MouseButton.LeftButton)
        assert seen == [(True, True, True)]
    finally:
        close_window(window)
