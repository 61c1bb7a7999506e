"""The desk as people use it: a key finds its incident anywhere, and only moves that can happen are offered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from incident_desk.domain.incident import IncidentFilter, Status
from incident_desk.services.incidents import IncidentDraft
from tests.gui.gui_tools import count_rows
from tests.gui.test_main_window import close_window, open_window


def _first(desk, status: Status):
    return desk.incidents.list_incidents(filters=IncidentFilter(statuses=frozenset({status})), limit=1)[0]


@pytest.mark.parametrize("form", ["{n}", "#{n}", "INC-{n:06d}", "inc-{n}"])
def test_a_key_typed_in_the_search_finds_an_incident_outside_the_view(qtbot, seeded_desk, qsettings, form):
    window = open_window(qtbot, seeded_desk, qsettings)
    try:
        assert window.current_view_name() == "All open"
        resolved = _first(seeded_desk, Status.RESOLVED)
        number = int(resolved.key.split("-")[1])
        typed = form.format(n=number)  # the three ways of writing a key: 123, #123, INC-000123
        qtbot.keyClicks(window.filter_bar.search, typed)
        qtbot.waitUntil(lambda: window.model.rowCount() >= 1 and
                        any(window.model.row_at(r).key == resolved.key for r in range(window.model.rowCount())),
                        timeout=5000)
        assert window.model.filters() == IncidentFilter(text=typed)
        assert window.filter_bar.status.values() == frozenset()  # the bar shows the wider search
        assert f"{resolved.key} is resolved, outside the view" in window.statusBar().currentMessage()
        # A key inside the view leaves the view's conditions alone.
        window.open_view("All open")
        open_one = _first(seeded_desk, Status.NEW)
        window.filter_bar.search.clear()
        qtbot.keyClicks(window.filter_bar.search, open_one.key)
        qtbot.waitUntil(lambda: window.model.filters().text == open_one.key, timeout=5000)
        assert window.model.filters().statuses == window.views.view_named("All open").filters.statuses
    finally:
        close_window(window)


def test_only_moves_the_selected_incident_allows_are_offered(qtbot, seeded_desk, qsettings):
    window = open_window(qtbot, seeded_desk, qsettings)
    try:
        window.open_view("All")
        for status, ack, resolve in ((Status.NEW, True, True), (Status.ACKNOWLEDGED, False, True),
                                     (Status.RESOLVED, False, False), (Status.ON_HOLD, False, False)):
            row = _first(seeded_desk, status)
            assert window.table.select_key(row.key)
            assert (window.act_ack.isEnabled(), window.act_resolve.isEnabled()) == (ack, resolve), status
            mine = row.assignee == seeded_desk.actor.username
            assert window.act_assign_me.isEnabled() == (status.is_open and not mine), status
    finally:
        close_window(window)


def test_the_empty_table_says_what_clear_does(qtbot, seeded_desk, seeded_path, qsettings):
    window = open_window(qtbot, seeded_desk, qsettings)
    try:
        window.apply_filter(IncidentFilter(text="nothing-matches-this-zzz"))
        qtbot.waitUntil(lambda: window.model.rowCount() == 0, timeout=3000)
        hint = window.table._empty
        assert hint.isVisible()
        assert "Clear shows every incident, whatever its status" in hint.text()
        qtbot.mouseClick(window.filter_bar.clear_all, Qt.MouseButton.LeftButton)
        # Every incident, whatever its status, counted with plain sqlite3 (not the count the table shows).
        everything = count_rows(seeded_path)
        assert everything == 240
        qtbot.waitUntil(lambda: window.model.rowCount() == everything, timeout=3000)
    finally:
        close_window(window)


def test_the_window_says_when_do_not_disturb_is_on(qtbot, seeded_desk, qsettings):
    from incident_desk.ui.alerts import AlertsController
    window = open_window(qtbot, seeded_desk, qsettings)
    alerts = AlertsController(seeded_desk, window, settings=qsettings, scan_interval_ms=3_600_000,
                              poll_interval_ms=3_600_000, first_scan_ms=3_600_000, tray_available=lambda: False)
    window.attach_alerts(alerts)
    try:
        assert window.dnd_indicator.parent() is window.statusBar() or window.statusBar().isAncestorOf(
            window.dnd_indicator)
        assert not window.dnd_indicator.isVisible()
        alerts._on_do_not_disturb(True)
        qtbot.waitUntil(lambda: window.dnd_indicator.isVisible(), timeout=5000)
        assert "Do not disturb" in window.dnd_indicator.text()
        alerts._on_do_not_disturb(False)
        qtbot.waitUntil(lambda: not window.dnd_indicator.isVisible(), timeout=5000)
    finally:
        alerts.shutdown()
        close_window(window)


def test_the_conflict_dialog_shows_whole_times_and_names_and_no_version_numbers(qtbot, seeded_desk, clock):
    """The issue saw 'Wed 02 Dec 2026 15:…' and 'version 14 -> 16': every time and name is read whole,
    in the person's display name, and nothing speaks of versions."""
    from PySide6.QtGui import QFontMetrics

    from incident_desk.services.desk import Desk
    from incident_desk.ui.dialogs.workflow import ConflictDialog
    from incident_desk.ui.people import PeopleDirectory

    key = _first(seeded_desk, Status.NEW).key
    seeded_desk.users.add_user(actor=seeded_desk.actor, username="wilhelmina.vandenberg",
                               display_name="Wilhelmina van den Berg-Oosterhuis", role="agent")
    other = Desk.on_store(seeded_desk.store, clock=clock, username="wilhelmina.vandenberg")
    loaded = seeded_desk.incidents.get_incident(key)
    other.incidents.edit_incident(actor=other.actor, key=key, expected_version=loaded.version,
                                  changes={"title": "Printer on floor 2 jams on every job"})
    other.incidents.comment(actor=other.actor, key=key, text="Called the vendor")
    changes = [e for e in seeded_desk.incidents.timeline(key) if e.at >= loaded.updated_at and e.actor ==
               "wilhelmina.vandenberg"]
    assert len(changes) >= 2
    people = PeopleDirectory.of(seeded_desk)
    dialog = ConflictDialog(key, changes, {"title": "Printer jam"}, name=people.name)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    tree = dialog.changes_tree
    metrics = QFontMetrics(tree.font())
    for row in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(row)
        assert item.text(1) == "Wilhelmina van den Berg-Oosterhuis"
        for column in (0, 1):
            # The column holds the whole text (the time's minutes included), with the item's margins.
            assert tree.header().sectionSize(column) >= metrics.horizontalAdvance(item.text(column)) + 6, \
                (column, item.text(column))
        assert "version" not in " ".join(item.text(c) for c in range(3)).lower()
    shown = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "version" not in shown.lower() and "Wilhelmina van den Berg-Oosterhuis" in shown


def test_the_table_and_the_editor_header_show_display_names_not_account_names(qtbot, seeded_desk, qsettings):
    names = {"lena": "Lena Lead", "alex": "Alex Agent", "sam": "Sam Agent"}  # as the seeded desk adds them
    window = open_window(qtbot, seeded_desk, qsettings)
    try:
        window.open_view("All")
        column = next(c for c in range(window.model.columnCount())
                      if window.model.headerData(c, Qt.Orientation.Horizontal) == "Assignee")
        shown = {}
        for r in range(min(window.model.rowCount(), 60)):
            row = window.model.row_at(r)
            if row is not None and row.assignee in names:
                shown[row.assignee] = (window.model.index(r, column).data(), row.key)
        assert len(shown) >= 2, shown
        for username, (cell, _key) in shown.items():
            assert cell == names[username]
        username, (_cell, key) = next(iter(shown.items()))
        window.table.select_key(key)
        window._on_incident_activated(key)
        qtbot.waitUntil(lambda: window.editor.current_key() == key, timeout=3000)
        header = window.editor.assignee_label.text()
        assert header.startswith(names[username]) and username not in header.split(" · ")[0]
    finally:
        close_window(window)


def test_the_priority_and_age_columns_show_their_text_whole(qtbot, seeded_desk, qsettings, clock):
    """Every screenshot read 'Moder…' and '11 h 30 …': the columns a start gives Priority and Age hold the
    pill and the whole name (P1/P2 in bold) and every age, for every row the table paints."""
    from incident_desk.domain.incident import Priority
    from incident_desk.ui.models.incident_table_model import column_index
    from incident_desk.ui.widgets.incident_table import PriorityBadgeDelegate
    names = {Priority.P1: "Critical", Priority.P2: "High", Priority.P3: "Moderate", Priority.P4: "Low",
             Priority.P5: "Planning"}
    widest = seeded_desk.incidents.log_incident(
        actor=seeded_desk.actor, draft=IncidentDraft(title="Widest age", category="Network",
                                                     opened_at=clock() - timedelta(hours=23, minutes=58)))
    window = open_window(qtbot, seeded_desk, qsettings)
    try:
        window.table.reset_columns()
        window.open_view("All")
        qtbot.waitUntil(lambda: not window.model.is_loading() and window.model.rowCount() > 0, timeout=5000)
        seen = {window.model.row_at(r).priority for r in range(min(window.model.rowCount(), 100))}
        assert seen == set(names), seen  # the seeded desk has every priority near the top
        delegate = window.table.itemDelegateForColumn(column_index("priority"))
        assert isinstance(delegate, PriorityBadgeDelegate)
        delegate._names.clear()
        window.table.viewport().grab()  # paints the visible rows through the delegate
        painted = set(delegate._names.values())
        assert painted and painted <= set(names.values()), painted  # drawn whole, never elided
        # The age beside it ('11 h 30 …' too): every age text of the page fits its column with Qt's margins.
        from PySide6.QtGui import QFontMetrics
        from PySide6.QtWidgets import QStyle
        age = column_index("age")
        margin = 2 * (window.table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1)
        metrics = QFontMetrics(window.table.font())
        texts = {window.model.index(r, age).data() for r in range(min(window.model.rowCount(), 100))}
        window.apply_filter(IncidentFilter(text=widest.key))
        qtbot.waitUntil(lambda: window.model.rowCount() == 1 and window.model.row_at(0).key == widest.key,
                        timeout=3000)
        texts.add(window.model.index(0, age).data())
        assert "23 h 58 min" in texts  # the widest form an age takes (two units, two digits each)
        width = window.table.horizontalHeader().sectionSize(age)
        assert all(metrics.horizontalAdvance(t) + margin <= width for t in texts), (width, sorted(texts))
    finally:
        close_window(window)
