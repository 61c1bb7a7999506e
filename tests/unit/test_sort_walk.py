"""Filtered keyset pages over a 3000-incident demo equal one sorted page on both backends; on SQLite, the
pages found by walking the sort column's index equal the sorted plan's, page by page."""

from __future__ import annotations

import pytest

from incident_desk.domain.incident import OPEN_STATUSES, IncidentFilter, Sort
from incident_desk.services.demo import DemoGenerator
from incident_desk.storage import queries

SORTS = ("priority", "status", "title", "category", "assignee", "team", "updated_at", "resolve_due_at",
         "resolved_at", "key")


def _build(template) -> None:
    desk = template.open()
    try:
        DemoGenerator(desk.store, clock=desk.clock, settings=desk.settings).generate(actor=desk.actor, count=3000,
                                                                                     days=120)
    finally:
        desk.close()


@pytest.fixture
def demo_desk(backend, backend_templates):
    """A copy of the module's demo desk (3000 incidents over 120 days) on this test's backend."""
    desk = backend.copy_of(backend_templates.get(backend, _build)).open()
    yield desk
    desk.close()


def _pages(store, filt, sort, *, reverse=False, limit=37) -> list[int]:
    ids, after = [], None
    while page := queries.list_rows(store, filt, sort, limit=limit, after=after, reverse=reverse):
        ids += [r.id for r in page]
        after = (page[-1].sort_value(sort.column), page[-1].id)
    return ids


def _filters(desk) -> dict[str, IncidentFilter]:
    team = desk.store.db.execute_sql("SELECT team_name FROM incident WHERE team_name IS NOT NULL "
                                     "GROUP BY team_name ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    category = desk.store.db.execute_sql("SELECT category FROM incident GROUP BY category "
                                         "ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    return {"team": IncidentFilter(teams=frozenset({team})),
            "category": IncidentFilter(categories=frozenset({category})),
            "open unassigned": IncidentFilter(statuses=frozenset(OPEN_STATUSES), assignees=frozenset({""}))}


@pytest.mark.parametrize("column", SORTS)
def test_filtered_keyset_pages_equal_one_sorted_page(demo_desk, backend, column):
    store = demo_desk.store
    for name, filt in _filters(demo_desk).items():
        whole = queries.list_rows(store, filt, Sort(column, True), limit=10_000)
        # The filter's matches as the plain driver counts them (not our query builder).
        if name == "team":
            [team] = filt.teams
            assert sorted(r.id for r in whole) == [i for (i,) in backend.rows(
                "SELECT id FROM incident WHERE team_name = ? ORDER BY id", (team,))]
        elif name == "category":
            [category] = filt.categories
            assert sorted(r.id for r in whole) == [i for (i,) in backend.rows(
                "SELECT id FROM incident WHERE category = ? ORDER BY id", (category,))]
        for descending in (True, False):
            sort = Sort(column, descending)
            ids = [r.id for r in queries.list_rows(store, filt, sort, limit=10_000)]
            assert len(ids) >= 4, (name, sort)
            limit = max(1, len(ids) // 5)  # five pages or more, whatever the filter's size
            assert _pages(store, filt, sort, limit=limit) == ids, (name, sort)
            assert _pages(store, filt, sort, reverse=True, limit=limit) == ids[::-1], (name, sort)


@pytest.mark.sqlite_only  # the walk is the SQLite search's own strategy (queries._walk_sort_index)
@pytest.mark.parametrize("column", SORTS)
def test_walked_pages_equal_the_sorted_plan(demo_desk, monkeypatch, column):
    store = demo_desk.store
    walks = []
    real_walk = queries._walk_sort_index

    def counting_walk(*args, **kwargs):
        rows = real_walk(*args, **kwargs)
        walks.append(rows is not None)
        return rows

    for name, filt in _filters(demo_desk).items():
        for descending in (True, False):
            sort = Sort(column, descending)
            monkeypatch.setattr(queries, "DENSE_SHARE", 20)  # a team or a category is dense here
            monkeypatch.setattr(queries, "_walk_sort_index", counting_walk)
            queries._density.clear()
            walked = _pages(store, filt, sort) + [-1] + _pages(store, filt, sort, reverse=True)
            monkeypatch.setattr(queries, "_walk_sort_index", lambda *a, **k: None)
            sorted_plan = _pages(store, filt, sort) + [-1] + _pages(store, filt, sort, reverse=True)
            assert walked == sorted_plan, (name, sort)
            assert len(walked) > 3
    assert any(walks), "the walk never answered: the test would not test it"


@pytest.mark.sqlite_only  # the walk is the SQLite search's own strategy
def test_the_walk_stops_at_the_page_and_gives_up_on_sparse_filters(demo_desk, monkeypatch):
    store = demo_desk.store
    team_filter = _filters(demo_desk)["team"]
    monkeypatch.setattr(queries, "DENSE_SHARE", 20)
    queries._density.clear()
    rows = queries._walk_sort_index(store, team_filter, Sort("priority", True), limit=50, after=None, reverse=False)
    assert rows is not None and len(rows) == 50
    # A filter matching fewer than one incident in DENSE_SHARE keeps the sorted plan.
    monkeypatch.setattr(queries, "DENSE_SHARE", 2)  # the team has fewer than half of the incidents
    queries._density.clear()
    assert queries._walk_sort_index(store, team_filter, Sort("priority", True), limit=50, after=None,
                                    reverse=False) is None


def test_rows_out_of_order_are_refused(demo_desk):
    rows = queries.list_rows(demo_desk.store, IncidentFilter(), Sort("priority", True), limit=20)
    assert queries._in_order(rows, Sort("priority", True), reverse=False)
    assert not queries._in_order(list(reversed(rows)), Sort("priority", True), reverse=False)
    assert queries._in_order(list(reversed(rows)), Sort("priority", True), reverse=True)
