"""The paged incident table model: Qt's model tester, SQL sorting and filtering, paging, refresh, SLA text."""

from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata
from datetime import timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from incident_desk.domain.formatting import duration as format_duration
from incident_desk.domain.incident import OPEN_STATUSES, IncidentFilter, IncidentRow, Priority, Sort, Status
from incident_desk.domain.sla import SlaPolicy, SlaTarget
from incident_desk.services.desk import Desk
from incident_desk.services.incidents import IncidentDraft
from incident_desk.ui import theme
from incident_desk.ui.models.incident_table_model import (
    COLUMNS,
    IncidentRole,
    IncidentTableModel,
    column_index,
    sla_cell,
)
from incident_desk.ui.widgets.filter_bar import UNASSIGNED, FilterBar
from incident_desk.ui.widgets.incident_table import IncidentTable
from tests.conftest import T0
from tests.gui.gui_tools import count_rows

HOSTILE = ['"', "*", "AND (", "'; DROP TABLE incident; --", "NEAR(", "^", "-", "OR OR", "title:", '"""',
           "\\", "%_", "é😀", "   ", "a" * 500, "(((((", "NOT", "\x00zebra"]


def make_model(qtbot, desk, **kw) -> IncidentTableModel:
    model = IncidentTableModel(desk.incidents, clock=desk.clock, sla_policy=desk.settings.sla_policy(), **kw)
    yield_model = model
    return yield_model


def load_all(qtbot, model: IncidentTableModel) -> list[IncidentRow]:
    """Walk the view from top to bottom the way scrolling would, and collect every row."""
    rows = []
    ps = model.page_size
    for start in range(0, model.rowCount(), ps):
        model.set_visible_rows(start, start + ps - 1)
        qtbot.waitUntil(lambda s=start: model.row_at(s) is not None and
                        model.row_at(min(s + ps, model.rowCount()) - 1) is not None, timeout=5000)
    for r in range(model.rowCount()):
        rows.append(model.row_at(r))
    return rows


def all_ids(desk, filters=IncidentFilter(), sort=Sort()) -> list[int]:
    return [r.id for r in desk.incidents.list_incidents(filters=filters, sort=sort, limit=10_000)]


@pytest.fixture
def model(qtbot, seeded_desk):
    m = IncidentTableModel(seeded_desk.incidents, clock=seeded_desk.clock,
                           sla_policy=seeded_desk.settings.sla_policy(), page_size=25)
    m.set_query(IncidentFilter(), Sort())
    yield m
    m.shutdown()


def test_model_tester_passes_loaded_and_while_loading(qtbot, qtmodeltester, model, seeded_desk, seeded_path, clock):
    assert model.rowCount() == 240
    # Rows beyond the first page are still placeholders here: the tester sees the loading state,
    # and stays connected while pages arrive, the query changes and rows are inserted.
    assert model.data(model.index(200, 0), IncidentRole.LOADING) is True
    qtmodeltester.check(model)
    load_all(qtbot, model)
    model.set_query(IncidentFilter(statuses=frozenset({Status.NEW})), Sort("title", False))
    load_all(qtbot, model)
    other = Desk.open(str(seeded_path), clock=clock)
    other.incidents.log_incident(actor=other.actor, draft=IncidentDraft(title="Aaa first", category="Email"))
    other.close()
    model.refresh()
    load_all(qtbot, model)
    model.set_query(IncidentFilter(text="nothing-matches-this"))
    assert model.rowCount() == 0


def test_python_model_tester_too(qtbot, qtmodeltester, model):
    qtmodeltester.check(model, force_py=True)
    load_all(qtbot, model)


def test_roles_and_cells(model):
    index = model.index(0, column_index("priority"))
    row = model.data(index, IncidentRole.ROW)
    assert isinstance(row, IncidentRow)
    assert model.data(index, IncidentRole.KEY) == row.key
    assert model.data(index) == theme.priority_label(row.priority)
    assert model.data(index, Qt.ItemDataRole.DecorationRole) is not None
    assert model.data(model.index(0, column_index("key"))) == row.key
    assert model.headerData(column_index("sla"), Qt.Orientation.Horizontal) == "SLA"
    assert int(IncidentRole.ROW) == int(Qt.ItemDataRole.UserRole)


def test_roles_the_model_never_answers_are_none(model):
    index = model.index(0, column_index("title"))
    for role in (Qt.ItemDataRole.CheckStateRole, Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.SizeHintRole,
                 Qt.ItemDataRole.EditRole, Qt.ItemDataRole.WhatsThisRole, IncidentRole.SORT_KEY, 9999):
        assert model.data(index, role) is None
    assert model.data(model.index(0, column_index("age")), Qt.ItemDataRole.TextAlignmentRole) is not None
    assert model.data(index, Qt.ItemDataRole.TextAlignmentRole) is None
    assert model.flags(index) == (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable |
                                  Qt.ItemFlag.ItemNeverHasChildren)
    assert model.flags(model.index(-1, 0)) == Qt.ItemFlag.NoItemFlags


def test_cached_cells_follow_the_clock_tick(model, seeded_desk):
    """Cell text is built once per row, and rebuilt when the clock ticks (age and SLA move)."""
    age = model.index(0, column_index("age"))
    before = model.data(age)
    assert model.data(age) == before  # served from the row's cell cache
    seeded_desk.clock.advance(days=3)
    assert model.data(age) == before  # no tick yet: the cache holds
    model._on_tick()
    assert model.data(age) != before
    row = model.data(age, IncidentRole.ROW)
    assert model.data(model.index(0, column_index("sla"))) == sla_cell(row, seeded_desk.settings.sla_policy(),
                                                                       seeded_desk.clock()).text


def test_pages_read_by_keyset_offset_and_reverse_match_sql_order(qtbot, seeded_desk):
    for sort in (Sort(), Sort("title", False), Sort("assignee", True), Sort("resolve_due_at", False)):
        m = IncidentTableModel(seeded_desk.incidents, clock=seeded_desk.clock, page_size=17)
        m.set_query(IncidentFilter(), sort)
        expected = all_ids(seeded_desk, sort=sort)
        # Far jumps first (offset from the top, then from the bottom in reverse) ...
        for start in (200, 120, 0):
            m.set_visible_rows(start, start + 5)
            qtbot.waitUntil(lambda s=start: m.row_at(s) is not None, timeout=5000)  # noqa: B023 (called at once)
        # ... then the neighbours, which go by keyset from a cached page.
        got = [r.id for r in load_all(qtbot, m)]
        assert got == expected, sort
        m.shutdown()


def test_jump_to_the_bottom_reads_one_page_from_the_end(qtbot, model, seeded_desk):
    last = model.rowCount() - 1
    model.set_visible_rows(last - 10, last)
    qtbot.waitUntil(lambda: model.row_at(last) is not None, timeout=5000)
    assert model.row_at(last).id == all_ids(seeded_desk)[-1]
    assert set(model.cached_pages()) == {0, last // model.page_size}


def test_cache_is_bounded(qtbot, seeded_desk):
    m = IncidentTableModel(seeded_desk.incidents, clock=seeded_desk.clock, page_size=10, max_pages=4)
    m.set_query(IncidentFilter(), Sort())
    load_all(qtbot, m)
    assert len(m.cached_pages()) <= 4
    m.shutdown()


def test_synchronous_mode_also_fills_pages(qtbot, seeded_desk):
    m = IncidentTableModel(seeded_desk.incidents, clock=seeded_desk.clock, page_size=30, use_workers=False)
    m.set_query(IncidentFilter(), Sort("key", False))
    assert [r.id for r in load_all(qtbot, m)] == list(range(1, 241))


def test_sort_keeps_the_selection_after_the_worker_answers(qtbot, seeded_desk, model):
    table = IncidentTable(model)
    qtbot.addWidget(table)
    table.resize(1400, 600)
    table.show()
    qtbot.waitExposed(table)
    # Focus first: a focus-in on a view with no current index makes its first row current.
    table.activateWindow()
    table.setFocus()
    qtbot.waitUntil(table.hasFocus, timeout=2000)
    # An incident that sits beyond the first page under both sorts, so its new row is not cached.
    by_title = all_ids(seeded_desk, sort=Sort("title", True))
    at = next(i for i, rid in enumerate(all_ids(seeded_desk)) if i >= 50 and by_title.index(rid) >= 100)
    row = model.ensure_row(at)
    table.setCurrentIndex(model.index(at, 0))
    assert table.current_key() == row.key
    changes = []
    table.sig_current_changed.connect(changes.append)
    asked = []
    real = seeded_desk.incidents.position_of

    def spy(**kw):
        asked.append(threading.current_thread() is threading.main_thread())
        return real(**kw)

    seeded_desk.incidents.position_of = spy
    try:
        table.sortByColumn(column_index("title"), Qt.SortOrder.DescendingOrder)
        # The sort returned at once: the key is still current while its new row is being found.
        assert table.current_key() == row.key
        qtbot.waitUntil(lambda: not model.is_loading() and table.currentIndex().isValid(), timeout=5000)
    finally:
        del seeded_desk.incidents.position_of
    assert asked == [False]  # asked once, on a worker
    expected = by_title.index(row.id)
    assert table.currentIndex().row() == expected
    assert model.row_at(expected).key == table.current_key() == row.key
    first, last = table.visible_range()
    assert first <= expected <= last  # scrolled to it
    assert "" not in changes
    # A refresh (data changed, same query) while the answer is on its way: it is asked again.
    table.sortByColumn(column_index("title"), Qt.SortOrder.AscendingOrder)
    model.refresh()
    qtbot.waitUntil(lambda: not model.is_loading() and table.currentIndex().isValid(), timeout=5000)
    expected = all_ids(seeded_desk, sort=Sort("title", False)).index(row.id)
    assert table.currentIndex().row() == expected and table.current_key() == row.key
    # A reset that makes the incident vanish clears the selection when the answer comes.
    model.set_query(IncidentFilter(text="nothing-matches-this"))
    qtbot.waitUntil(lambda: not model.is_loading(), timeout=5000)
    assert table.current_key() == ""


def test_ctrl_end_reads_the_last_page_before_painting(qtbot, seeded_desk, model):
    """A cheap page (here an offset read from the end) is read synchronously: no placeholder frame."""
    table = IncidentTable(model)
    qtbot.addWidget(table)
    table.resize(1400, 600)
    table.show()
    qtbot.waitExposed(table)
    table.setCurrentIndex(model.index(0, 0))
    last = model.rowCount() - 1
    assert model.row_at(last) is None
    QTest.keyClick(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    # No event loop turn yet: the row is resident and current, with its key.
    assert model.row_at(last) is not None
    assert table.currentIndex().row() == last
    assert table.current_key() == model.row_at(last).key
    # A deep page with no cached neighbour is still left to the worker.
    table.verticalScrollBar().setValue(table.verticalScrollBar().maximum() // 2)
    first, _ = table.visible_range()
    assert model.row_at(first) is None
    qtbot.waitUntil(lambda: model.row_at(first) is not None, timeout=5000)


def test_header_click_sorts_in_sql(qtbot, seeded_desk, model):
    table = IncidentTable(model)
    qtbot.addWidget(table)
    table.resize(1400, 600)
    table.show()
    qtbot.waitExposed(table)
    header = table.horizontalHeader()
    section = column_index("title")
    x = header.sectionViewportPosition(section) + 10
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    first_sort = model.current_sort()
    assert first_sort.column == "title"
    expected = all_ids(seeded_desk, sort=first_sort)
    assert [model.row_at(i).id for i in range(10)] == expected[:10]
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    assert model.current_sort() == Sort("title", not first_sort.descending)
    assert [model.row_at(i).id for i in range(10)] == all_ids(seeded_desk, sort=model.current_sort())[:10]
    # Age sorts by opening time, the other way round: the youngest first when ascending.
    model.sort(column_index("age"), Qt.SortOrder.AscendingOrder)
    assert model.current_sort() == Sort("opened_at", True)


@pytest.fixture
def bar(qtbot, seeded_desk):
    fb = FilterBar(seeded_desk.clock)
    qtbot.addWidget(fb)
    fb.set_choices(categories=list(seeded_desk.settings.categories()),
                   people=[(u, u) for u in seeded_desk.users.usernames()], teams=seeded_desk.users.team_names(),
                   me=seeded_desk.actor.username)
    return fb


def _apply(model, bar, path, where: str, *params) -> IncidentFilter:
    f = bar.current_filter()
    model.set_query(f, model.current_sort())
    assert model.rowCount() == count_rows(path, where, *params)
    return f


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def _text_matches(path, text: str) -> int:
    """How many incidents the search box should find: every word of ``text`` (the last, from three
    letters on, as a prefix) is a word of the title, description or a comment. Blank text filters
    nothing; text with no word in it (only punctuation) finds nothing. (No hostile text is a key.)"""
    if not text.strip():
        return count_rows(path)
    terms = [_fold(t) for t in re.findall(r"\w+", text)][:16]
    if not terms:
        return 0
    con = sqlite3.connect(path)
    try:
        docs = {i: f"{title} {description}" for i, title, description in
                con.execute("SELECT id, title, description FROM incident")}
        for incident_id, note in con.execute("SELECT incident_id, note FROM event WHERE kind = 'comment'"):
            docs[incident_id] += f" {note}"
    finally:
        con.close()

    def hit(doc: str) -> bool:
        words = set(re.findall(r"\w+", _fold(doc)))
        last = terms[-1]
        return all(t in words for t in terms[:-1]) and (
            any(w.startswith(last) for w in words) if len(last) >= 3 else last in words)
    return sum(hit(doc) for doc in docs.values())


def test_every_filter_control_filters(qtbot, model, bar, seeded_path):
    with qtbot.waitSignal(bar.sig_filter_changed):
        bar.status._actions[Status.NEW].setChecked(True)
    _apply(model, bar, seeded_path, "status = ?", int(Status.NEW))
    assert 0 < model.rowCount() < 240 and all(model.row_at(i).status == Status.NEW for i in range(25))
    bar.status.set_values(frozenset())
    bar.priority._actions[Priority.P1].setChecked(True)
    f = _apply(model, bar, seeded_path, "priority = 1")
    assert f.priorities == {Priority.P1} and model.rowCount() > 0
    assert all(model.row_at(i).priority == Priority.P1 for i in range(min(25, model.rowCount())))
    bar.priority.set_values(frozenset())
    bar.category.setCurrentIndex(bar.category.findData("Printing"))
    _apply(model, bar, seeded_path, "category = 'Printing'")
    assert model.rowCount() == 40 and {model.row_at(i).category for i in range(25)} == {"Printing"}
    bar.category.setCurrentIndex(0)
    bar.assignee.setCurrentIndex(bar.assignee.findData(UNASSIGNED))
    _apply(model, bar, seeded_path, "assignee_id IS NULL")
    assert model.rowCount() == 60 and all(model.row_at(i).assignee is None for i in range(25))
    bar.assignee.setCurrentIndex(bar.assignee.findData("sam"))
    _apply(model, bar, seeded_path, 'assignee_id = (SELECT id FROM "user" WHERE username = \'sam\')')
    assert model.rowCount() == 60 and all(model.row_at(i).assignee == "sam" for i in range(25))
    bar.assignee.setCurrentIndex(0)
    bar.team.setCurrentIndex(bar.team.findData("Network"))
    _apply(model, bar, seeded_path, "team_id = (SELECT id FROM team WHERE name = 'Network')")
    assert model.rowCount() == 60 and all(model.row_at(i).team == "Network" for i in range(25))
    bar.team.setCurrentIndex(0)
    bar.date_range.setCurrentIndex(bar.date_range.findData(7))
    f = _apply(model, bar, seeded_path, "opened_at >= ?", int((T0 - timedelta(days=7)).timestamp()))
    assert f.opened_from == T0 - timedelta(days=7)
    assert model.rowCount() == 168
    assert all(r.opened_at >= T0 - timedelta(days=7) for r in load_all(qtbot, model))


def test_search_box_is_throttled_and_searches_comments(qtbot, model, bar, seeded_desk):
    bar.sig_filter_changed.connect(lambda f: model.set_query(f))
    QTest.keyClicks(bar.search, "krak")
    assert bar.has_pending_search()  # nothing ran yet: typing is throttled
    with qtbot.waitSignal(bar.sig_filter_changed, timeout=2000):
        pass
    assert model.rowCount() == 6 and all("Kraken" in model.row_at(i).title for i in range(6))
    bar.search.clear()
    QTest.keyClicks(bar.search, "zebra")
    QTest.keyClick(bar.search, Qt.Key.Key_Return)  # Enter searches at once
    assert not bar.has_pending_search()
    assert model.rowCount() == 1 and model.row_at(0).key == "INC-000012"


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_search_text_just_searches(qtbot, model, bar, seeded_path, text):
    bar.search.setText(text)
    bar._on_search_now()
    f = bar.current_filter()
    model.set_query(f)
    assert model.rowCount() == _text_matches(seeded_path, text)
    for i in range(min(model.rowCount(), 5)):
        assert model.row_at(i) is not None
    # The table is intact afterwards.
    model.set_query(IncidentFilter())
    assert model.rowCount() == 240


def test_refresh_keeps_rows_in_place_and_reports_changes(qtbot, seeded_desk, seeded_path, clock):
    m = IncidentTableModel(seeded_desk.incidents, clock=seeded_desk.clock, page_size=25)
    m.set_query(IncidentFilter(), Sort("key", False))
    m.set_visible_rows(0, 20)
    qtbot.waitUntil(lambda: not m.is_loading())
    other = Desk.open(str(seeded_path), clock=clock)
    try:
        current = other.incidents.get_incident("INC-000003")
        other.incidents.edit_incident(actor=other.actor, key="INC-000003", expected_version=current.version,
                                      changes={"title": "Renamed elsewhere"})
        other.incidents.log_incident(actor=other.actor, draft=IncidentDraft(title="Brand new", category="Email"))
    finally:
        other.close()
    changed = []
    m.dataChanged.connect(lambda a, b, roles: changed.append((a.row(), b.row())))
    with qtbot.waitSignal(m.rowsInserted):
        m.refresh()
    assert m.rowCount() == 241
    assert m.row_at(2) is not None  # the old row stays on screen until its fresh page lands
    qtbot.waitUntil(lambda: not m.is_loading() and m.row_at(2).title == "Renamed elsewhere", timeout=5000)
    assert (2, 2) in changed  # only the changed row of the visible page, not a reset
    m.set_visible_rows(230, 240)
    qtbot.waitUntil(lambda: m.row_at(240) is not None, timeout=5000)
    assert m.row_at(240).title == "Brand new"
    m.shutdown()


def test_load_failure_is_reported_not_raised(qtbot, seeded_desk):
    class Broken:
        def count_incidents(self, *, filters):
            raise RuntimeError("The database is locked by another program.")

    m = IncidentTableModel(Broken(), clock=seeded_desk.clock)
    with qtbot.waitSignal(m.sig_load_failed):
        m.set_query(IncidentFilter(text="x"))
    assert m.rowCount() == 0


def _row(**kw) -> IncidentRow:
    base = dict(id=1, key="INC-000001", priority=Priority.P2, status=Status.NEW, title="t", category="Email",
                assignee=None, team=None, opened_at=T0, updated_at=T0, acknowledged_at=None, resolved_at=None,
                response_due_at=None, resolve_due_at=None, sla_paused_remaining_s=None, escalation_level=0,
                hold_reason=None)
    base.update(kw)
    return IncidentRow(**base)


def test_sla_cell_text_and_states(qapp):
    policy = SlaPolicy(name="t", targets={Priority.P2: SlaTarget(response_s=3600, resolve_s=8 * 3600)})
    now = T0 + timedelta(minutes=10)
    cell = sla_cell(_row(response_due_at=T0 + timedelta(hours=1), resolve_due_at=T0 + timedelta(hours=8)),
                    policy, now)
    assert (cell.state, cell.text) == (theme.SLA_OK, "50 min left")
    cell = sla_cell(_row(acknowledged_at=T0, resolve_due_at=T0 + timedelta(hours=8)), policy,
                    T0 + timedelta(hours=5, minutes=50))
    assert (cell.state, cell.text) == (theme.SLA_OK, "2 h 10 min left")
    cell = sla_cell(_row(acknowledged_at=T0, resolve_due_at=T0 + timedelta(hours=8)), policy,
                    T0 + timedelta(hours=6, minutes=1))
    assert cell.state == theme.SLA_WARNING  # past 75 % of the 8 h target
    cell = sla_cell(_row(acknowledged_at=T0, status=Status.IN_PROGRESS, resolve_due_at=T0 + timedelta(hours=8)),
                    policy, T0 + timedelta(hours=8, minutes=35))
    assert (cell.state, cell.text) == (theme.SLA_BREACHED, "overdue 35 min")
    cell = sla_cell(_row(status=Status.ON_HOLD, sla_paused_remaining_s=3 * 3600), policy, now)
    assert (cell.state, cell.text) == (theme.SLA_PAUSED, "paused 3 h")
    assert sla_cell(_row(status=Status.RESOLVED), policy, now).text == ""
    assert format_duration(59) == "59 s" and format_duration(-2100) == "35 min" and format_duration(90000) == "1 d 1 h"
    assert format_duration(-177 * 86400 - 7200) == "177 d"


def test_columns_cover_the_brief(qapp):
    assert [c.id for c in COLUMNS] == ["key", "priority", "status", "title", "category", "assignee", "team",
                                       "opened", "age", "sla", "updated"]
    assert OPEN_STATUSES == {Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.ON_HOLD}


def test_reloading_the_lists_keeps_a_filter_value_they_no_longer_hold(bar, seeded_desk):
    """A saved view on a category since renamed, or a user since removed: the control keeps showing it."""
    bar.set_filter(IncidentFilter(categories=frozenset({"Retired category"}), assignees=frozenset({"ghost"})))
    bar.set_choices(categories=list(seeded_desk.settings.categories()),
                    people=[(u, u) for u in seeded_desk.users.usernames()], teams=seeded_desk.users.team_names(),
                   me=seeded_desk.actor.username)
    assert bar.category.currentData() == "Retired category" and bar.assignee.currentData() == "ghost"
    assert bar.current_filter().categories == {"Retired category"}
    bar.category.setCurrentIndex(0)
    bar.set_choices(categories=["Printing"], people=[], teams=[], me=seeded_desk.actor.username)
    assert bar.category.currentIndex() == 0 and bar.category.findData("Printing") == 1


def test_the_age_of_a_cancelled_or_resolved_incident_stops_when_it_ended(qtbot, desk, clock):
    from incident_desk.services.incidents import IncidentDraft
    started = clock()
    cancelled = desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(title="Logged twice",
                                                                                category="Network"))
    resolved = desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(title="Printer jam",
                                                                               category="Printing"))
    running = desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(title="VPN slow",
                                                                              category="Network"))
    clock.advance(hours=2)
    desk.incidents.transition(actor=desk.actor, key=cancelled.key, to=Status.CANCELLED, cancel_reason="Duplicate")
    clock.advance(hours=1)
    desk.incidents.transition(actor=desk.actor, key=resolved.key, to=Status.ACKNOWLEDGED)
    desk.incidents.transition(actor=desk.actor, key=resolved.key, to=Status.RESOLVED, resolution_code="fixed",
                              resolution_notes="Cleared")
    clock.advance(days=30)
    model = make_model(qtbot, desk, use_workers=False)
    model.set_query(IncidentFilter(), Sort("key", descending=False))
    ages = {model.row_at(r).key: model.index(r, column_index("age")).data() for r in range(model.rowCount())}
    # Hand-worked: cancelled 2 h after opening, resolved 3 h after, the third still open 30 d 3 h later.
    assert ages == {cancelled.key: "2 h", resolved.key: "3 h", running.key: "30 d"}
    assert clock() - started > timedelta(days=30)
