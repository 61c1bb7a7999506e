"""The transition table (exhaustively) and the impact x urgency priority matrix."""

from __future__ import annotations

import itertools

import pytest

from incident_desk.domain.incident import (
    DomainError,
    Level,
    Priority,
    Status,
    allowed_transitions,
    check_transition,
    format_key,
    parse_key,
    sets_acknowledged,
)
from incident_desk.domain.priority import DEFAULT_MATRIX, PriorityMatrix, derive_priority

S = Status
# The table, written out independently of the implementation.
ALLOWED = {
    (S.NEW, S.ACKNOWLEDGED), (S.ACKNOWLEDGED, S.IN_PROGRESS), (S.IN_PROGRESS, S.ON_HOLD),
    (S.ON_HOLD, S.IN_PROGRESS), (S.ACKNOWLEDGED, S.RESOLVED), (S.IN_PROGRESS, S.RESOLVED),
    (S.RESOLVED, S.CLOSED), (S.RESOLVED, S.IN_PROGRESS), (S.NEW, S.CANCELLED), (S.ACKNOWLEDGED, S.CANCELLED),
    (S.NEW, S.RESOLVED),  # a fix at first contact (issue 12): one move, not three
}
DUPLICATE_ONLY = {(s, S.RESOLVED) for s in (S.NEW, S.ACKNOWLEDGED, S.IN_PROGRESS, S.ON_HOLD)}


@pytest.mark.parametrize("current,target", list(itertools.product(Status, Status)))
def test_every_pair_of_statuses(current, target):
    if (current, target) in ALLOWED:
        check_transition(current, target)
    else:
        with pytest.raises(DomainError) as err:
            check_transition(current, target)
        message = str(err.value)
        assert current.label in message and target.label in message
        for allowed in allowed_transitions(current):
            assert allowed.label in message  # the refusal names the allowed moves
    if (current, target) in DUPLICATE_ONLY | ALLOWED and target == S.RESOLVED:
        check_transition(current, target, as_duplicate=True)


def test_final_statuses_say_they_are_final():
    for status in (S.CLOSED, S.CANCELLED):
        assert allowed_transitions(status) == []
        with pytest.raises(DomainError, match="final"):
            check_transition(status, S.IN_PROGRESS)


def test_acknowledgement_is_the_first_move_out_of_new_except_cancel():
    assert sets_acknowledged(S.NEW, S.ACKNOWLEDGED)
    assert sets_acknowledged(S.NEW, S.RESOLVED)
    assert not sets_acknowledged(S.NEW, S.CANCELLED)
    assert not sets_acknowledged(S.ACKNOWLEDGED, S.IN_PROGRESS)


@pytest.mark.parametrize("impact,urgency,expected", [
    ("high", "high", 1), ("high", "medium", 2), ("high", "low", 3), ("medium", "medium", 3),
    ("medium", "low", 4), ("low", "low", 5),
])
def test_itil_matrix_is_symmetric(impact, urgency, expected):
    assert derive_priority(Level.parse(impact), Level.parse(urgency)) == Priority(expected)
    assert derive_priority(Level.parse(urgency), Level.parse(impact)) == Priority(expected)


def test_matrix_round_trip_and_validation():
    data = DEFAULT_MATRIX.to_dict()
    assert PriorityMatrix.from_dict(data) == DEFAULT_MATRIX
    del data["low/low"]
    with pytest.raises(DomainError, match="no value for impact Low / urgency Low"):
        PriorityMatrix.from_dict(data)
    assert "Impact High x Urgency Low = P3" == DEFAULT_MATRIX.explain(Level.HIGH, Level.LOW)


@pytest.mark.parametrize("text,number", [("INC-000123", 123), ("inc-123", 123), ("123", 123), (" INC123 ", 123)])
def test_keys_parse(text, number):
    assert parse_key(text) == number
    assert format_key(number) == "INC-000123"


@pytest.mark.parametrize("text", ["", "INC-", "INC-0", "abc", "INC-12a", "'; DROP TABLE incident; --", "-5"])
def test_bad_keys_are_refused(text):
    with pytest.raises(DomainError, match="not an incident key"):
        parse_key(text)


@pytest.mark.parametrize("parse,text", [(Status.parse, "open-ish"), (Priority.parse, "P9"), (Level.parse, "huge")])
def test_unknown_enum_words_name_the_choices(parse, text):
    with pytest.raises(DomainError, match="use"):
        parse(text)
