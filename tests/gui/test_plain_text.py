"""HTML typed into a title, a name or a reason is shown as typed in every label, tooltip and menu of the window.

What Qt shows is judged by Qt itself: a label's text format, and for tooltips (which have none) what
QTextDocument renders when Qt::mightBeRichText says the tooltip will be read as rich text.
"""

from __future__ import annotations

import html
from urllib.parse import urlparse

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as QtGuiNamespace
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel

from incident_desk.domain.incident import LinkKind, Priority, Status
from incident_desk.services.incidents import IncidentDraft
from incident_desk.services.notifications import NotificationItem
from incident_desk.ui.bridge import DeskBridge
from incident_desk.ui.detail.editor import IncidentDetailEditor
from incident_desk.ui.detail.links_panel import LinksPanel
from incident_desk.ui.dialogs.incident_picker import IncidentPicker
from incident_desk.ui.plain import notification_body
from incident_desk.ui.tray import TrayController
from incident_desk.ui.widgets.main_window import MainWindow
from tests.conftest import T0
from tests.team_tools import open_desk

HTML = "<h1>Zebra</h1><img src='/etc/passwd'> & <b>jam</b>"
NAME = "<h1>Ann</h1><img src='file:///etc/shadow'>"


def shown(text: str) -> str:
    """The text a tooltip or an AutoText label displays, as Qt decides it."""
    if QtGuiNamespace.mightBeRichText(text):
        doc = QTextDocument()
        doc.setHtml(text)
        return doc.toPlainText()
    return text


def assert_literal(label: QLabel, expected: str) -> None:
    assert label.textFormat() == Qt.TextFormat.PlainText and label.text() == expected


def test_the_markup_here_would_be_rendered_by_default():
    """The oracle's premise: with Qt's defaults these strings are HTML, not text."""
    assert QtGuiNamespace.mightBeRichText(HTML) and shown(HTML) != HTML
    assert QtGuiNamespace.mightBeRichText(NAME) and shown(NAME) != NAME


@pytest.fixture
def html_desk(desk):
    desk.users.add_user(actor=desk.actor, username="ann", display_name=NAME, role="lead", team="<b>Net</b>")
    first = desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(title=HTML, category="Network"))
    other = desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(title="Zebra plain", category="Network"))
    desk.incidents.link(actor=desk.actor, key=other.key, other=first.key, kind=LinkKind.RELATED)
    desk.incidents.transition(actor=desk.actor, key=first.key, to=Status.CANCELLED, cancel_reason=HTML)
    desk.incidents.assign(actor=desk.actor, key=other.key, assignee="ann")
    desk.first_key, desk.other_key = first.key, other.key
    return desk


def test_main_window_signed_in_label_and_the_table_tooltip(qtbot, html_desk, qsettings):
    html_desk.act_as("ann")
    window = MainWindow(html_desk, DeskBridge(html_desk, poll_ms=100), qsettings)
    qtbot.addWidget(window)
    window.open_view("All")
    window.show()
    qtbot.waitUntil(lambda: window.first_page_painted and not window.model.is_loading(), timeout=5000)
    try:
        assert_literal(window.user_label, f"Signed in: {NAME} (lead)")
        model = window.model
        title_col = next(c for c in range(model.columnCount()) if model.headerData(c, Qt.Orientation.Horizontal)
                         == "Title")
        tips = {model.index(r, 0).data(): model.index(r, title_col).data(Qt.ItemDataRole.ToolTipRole)
                for r in range(model.rowCount())}
        assert shown(tips[html_desk.first_key]) == HTML
        titles = {model.index(r, 0).data(): model.index(r, title_col).data() for r in range(model.rowCount())}
        assert titles[html_desk.first_key] == HTML  # the cell shows the title itself, not escaped markup
    finally:
        window.shutdown()


def test_editor_cancel_reason_and_assignee_labels(qtbot, html_desk, qsettings):
    editor = IncidentDetailEditor(html_desk, settings=qsettings)
    qtbot.addWidget(editor)
    assert editor.load_incident(html_desk.first_key)
    assert_literal(editor.cancel_reason_label, HTML)
    assert editor.load_incident(html_desk.other_key)
    assert_literal(editor.assignee_label, f"{NAME} \u00b7 <b>Net</b>")  # the display name, then the team


def test_picker_and_links_tooltips(qtbot, html_desk):
    picker = IncidentPicker(html_desk)
    qtbot.addWidget(picker)
    picker.search_edit.setText("Zebra")
    picker.run_search()
    tips = {picker.results.item(i).data(Qt.ItemDataRole.UserRole): picker.results.item(i).toolTip()
            for i in range(picker.results.count())}
    assert shown(tips[html_desk.first_key]) == HTML
    assert picker.status_label.textFormat() == Qt.TextFormat.PlainText
    panel = LinksPanel(html_desk)
    qtbot.addWidget(panel)
    panel.set_incident(html_desk.other_key)
    [item] = [panel.tree.topLevelItem(i) for i in range(panel.tree.topLevelItemCount())]
    assert shown(item.toolTip(3)) == HTML and item.text(3) == HTML
    assert panel.error_label.textFormat() == Qt.TextFormat.PlainText


def _item(title: str, body: str) -> NotificationItem:
    return NotificationItem(id=1, kind="assignment", severity="info", priority=Priority.P2, title=title, body=body,
                            created_at=T0, due_at=None, read_at=None, snoozed_until=None, alerted_at=None,
                            incident_key="INC-000001", escalation_id=None)


def test_tray_menu_items_and_message_bodies(qtbot):
    from incident_desk.ui import icons
    tray = TrayController(icons.app_icon(), available=lambda: False)
    tray.set_latest([_item(f"INC-000001 {HTML}", "b")])
    [action] = tray.latest_menu.actions()
    assert action.iconText() == f"INC-000001 {HTML}"  # '&' is a shortcut marker in a menu; shown as typed
    # A notification server that reads markup shows the body as typed; one that does not, as escaped text.
    body = notification_body(f"{HTML} (by ann)")
    assert "<" not in body and html.unescape(body) == f"{HTML} (by ann)"


@pytest.mark.postgres
def test_the_database_tooltip_never_shows_a_password(qtbot, qsettings, pg_url):
    parsed = urlparse(pg_url)
    user = parsed.username or "postgres"
    with_password = parsed._replace(netloc=f"{user}:s3cr3t-pw@{parsed.hostname}:{parsed.port}").geturl()
    desk = open_desk(with_password)  # the test server trusts local connections: any password is accepted
    try:
        window = MainWindow(desk, DeskBridge(desk, poll_ms=100), qsettings)
        qtbot.addWidget(window)
        texts = [window.db_label.toolTip(), window.db_label.text(), window.windowTitle()]
        assert not any("s3cr3t-pw" in t for t in texts), texts
        assert "***" in shown(window.db_label.toolTip())
        window.shutdown()
    finally:
        desk.close()


def _rendered_markup(root) -> list[str]:
    """Every label, button and tooltip under ``root`` that Qt would draw as HTML while it carries typed
    text (the sweep's markers): what a hostile title, name or reason turns into markup."""
    from PySide6.QtWidgets import QAbstractButton, QWidget
    leaks = []
    for widget in [root, *root.findChildren(QWidget)]:
        texts = []
        if isinstance(widget, QLabel) and widget.textFormat() != Qt.TextFormat.PlainText:
            if widget.textFormat() == Qt.TextFormat.RichText or QtGuiNamespace.mightBeRichText(widget.text()):
                texts.append(("label", widget.text()))
        if isinstance(widget, QAbstractButton):
            texts.append(("button", widget.text()))  # buttons draw plain text, but a tooltip may not
        texts.append(("tooltip", widget.toolTip()))
        for kind, text in texts:
            if kind == "button":
                continue
            if ("Zebra" in text or "Ann" in text or "Net" in text) and shown(text) != text and \
                    html.escape(shown(text), quote=False) != text:
                leaks.append(f"{kind} of {widget.metaObject().className()} {widget.objectName()!r}: {text[:80]!r}")
    return leaks


def test_no_widget_anywhere_in_the_window_renders_typed_markup(qtbot, html_desk, qsettings):
    """A sweep, not a list: every tab of the window and of the editor, both incidents, the notification
    panel; any label or tooltip holding typed text must show it as typed."""
    from incident_desk.ui.alerts import AlertsController
    html_desk.act_as("ann")
    window = MainWindow(html_desk, DeskBridge(html_desk, poll_ms=100), qsettings)
    qtbot.addWidget(window)
    alerts = AlertsController(html_desk, window, settings=qsettings, scan_interval_ms=3_600_000,
                              poll_interval_ms=3_600_000, first_scan_ms=3_600_000, tray_available=lambda: False)
    window.attach_alerts(alerts)
    window.open_view("All")
    window.show()
    qtbot.waitUntil(lambda: window.first_page_painted and not window.model.is_loading(), timeout=5000)
    leaks = []
    try:
        for key in (html_desk.first_key, html_desk.other_key):
            window.table.select_key(key)
            window._on_incident_activated(key)
            qtbot.waitUntil(lambda k=key: window.editor.current_key() == k, timeout=3000)
            tabs = window.editor.findChildren(type(window.tabs))
            for tab_widget in tabs:
                for i in range(tab_widget.count()):
                    tab_widget.setCurrentIndex(i)
                    qtbot.wait(50)
                    leaks += _rendered_markup(window)
        for i in range(window.tabs.count()):
            window.tabs.setCurrentIndex(i)
            qtbot.wait(100)
            leaks += _rendered_markup(window)
    finally:
        alerts.shutdown()
        window.shutdown()
    assert sorted(set(leaks)) == []
