"""Duplicate suggestions while logging: open incidents sharing the words that matter, never stop words."""

from __future__ import annotations

import pytest

from incident_desk.domain.incident import Status
from incident_desk.services.incidents import IncidentDraft


@pytest.fixture
def logged(desk):
    titles = {
        "laptop": "Laptop will not power on",
        "floor3": "Printer on floor 3 jams paper",
        "floor2": "Floor 2 printer jams on every job",
        "queue": "Printer queue stuck",
        "closed": "Printer on floor 2 jams again",
    }
    keys = {}
    for name, title in titles.items():
        keys[name] = desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
            title=title, category="Printing")).key
    desk.incidents.transition(actor=desk.actor, key=keys["closed"], to=Status.CANCELLED, cancel_reason="Logged twice")
    return keys


def _suggested(desk, text):
    return {row.key for row in desk.incidents.similar_open(text)}


def test_suggestions_need_two_shared_words_that_matter(desk, logged):
    # Shares printer, floor, jams with the two floor reports; only 'printer' with the queue; only the stop
    # word 'on' with the laptop; the cancelled one is not open.
    assert _suggested(desk, "Printer on floor 2 jams") == {logged["floor3"], logged["floor2"]}


def test_one_word_that_matters_is_enough_when_it_is_all_there_is(desk, logged):
    assert _suggested(desk, "the printer") == {logged["floor3"], logged["floor2"], logged["queue"]}


def test_stop_words_alone_suggest_nothing(desk, logged):
    assert _suggested(desk, "it will not be on") == set()


def test_the_last_word_is_matched_as_a_prefix_while_typing(desk, logged):
    assert _suggested(desk, "laptop pow") == {logged["laptop"]}
    assert _suggested(desk, "laptop wi") == {logged["laptop"]}  # 'wi' is short: 'laptop' alone counts

