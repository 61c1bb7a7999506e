"""One limit per field on every backend: what PostgreSQL's columns refuse, SQLite refuses too, with the
same sentence and before anything is written; one-line fields refuse control and direction characters."""

from __future__ import annotations

import pytest

from incident_desk.services.clock import ManualClock
from incident_desk.services.errors import ValidationError
from incident_desk.services.incidents import IncidentDraft
from tests.conftest import T0

HUGE = "x" * 131_000


@pytest.fixture
def any_desk(backend):
    desk = backend.open(clock=ManualClock(T0))
    desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(title="Existing", category="Network"))
    yield desk
    desk.close()


def _counts(desk) -> tuple:
    return (desk.incidents.count_incidents(), len(desk.users.list_users()), len(desk.users.team_names()),
            len(desk.incidents.timeline("INC-000001")))


LOG_CASES = [
    ({"service": HUGE}, "The service is 131,000 characters long; the limit is 200."),
    ({"reporter_name": HUGE}, "The reporter name is 131,000 characters long; the limit is 200."),
    ({"reporter_contact": HUGE}, "The reporter contact is 131,000 characters long; the limit is 254."),
    ({"priority": "P1", "override_reason": HUGE},
     "The override reason is 131,000 characters long; the limit is 2,000."),
]


@pytest.mark.parametrize("fields, message", LOG_CASES, ids=lambda v: next(iter(v)) if isinstance(v, dict) else "")
def test_too_long_is_one_sentence_on_every_backend(any_desk, fields, message):
    before = _counts(any_desk)
    with pytest.raises(ValidationError) as refused:
        any_desk.incidents.log_incident(actor=any_desk.actor, draft=IncidentDraft(
            title="Long field", category="Network", **fields))
    assert str(refused.value) == message
    edit = {k: v for k, v in fields.items() if k != "priority"} | ({"priority": "P1"} if "priority" in fields else {})
    with pytest.raises(ValidationError) as refused:
        any_desk.incidents.edit_incident(actor=any_desk.actor, key="INC-000001", expected_version=1, changes=edit)
    assert str(refused.value) == message
    assert _counts(any_desk) == before


@pytest.mark.parametrize("fields, message", [
    ({"display_name": HUGE}, "The display name is 131,000 characters long; the limit is 200."),
    ({"team": HUGE}, "The team name is 131,000 characters long; the limit is 100."),
    ({"email": "a@" + HUGE}, "The e-mail address is 131,002 characters long; the limit is 254."),
], ids=["display_name", "team", "email"])
def test_account_fields_too(any_desk, fields, message):
    before = _counts(any_desk)
    with pytest.raises(ValidationError) as refused:
        any_desk.users.add_user(actor=any_desk.actor, username="newbie", **fields)
    assert str(refused.value) == message
    assert _counts(any_desk) == before


@pytest.mark.parametrize("char", ["\x7f", "\x85", "\x9b", "\u202e", "\u202d", "\u2066", "\u2069", "\u2028", "\x1b"],
                         ids=["DEL", "NEL", "CSI", "RLO", "LRO", "LRI", "PDI", "LSEP", "ESC"])
def test_titles_refuse_control_and_direction_characters(any_desk, char):
    before = _counts(any_desk)
    with pytest.raises(ValidationError, match=f"U\\+{ord(char):04X}.*use one plain line"):
        any_desk.incidents.log_incident(actor=any_desk.actor, draft=IncidentDraft(
            title=f"Invoice{char}fdp.exe", category="Network"))
    with pytest.raises(ValidationError, match="use one plain line"):
        any_desk.incidents.edit_incident(actor=any_desk.actor, key="INC-000001", expected_version=1,
                                         changes={"title": f"Invoice{char}2"})
    assert _counts(any_desk) == before


def test_mixed_direction_text_with_plain_marks_is_still_welcome(any_desk):
    """U+200E/U+200F move no other character: Hebrew or Arabic beside Latin needs them."""
    title = "Drucker 🖨 spinnt — \u200fעברית\u200e"
    inc = any_desk.incidents.log_incident(actor=any_desk.actor, draft=IncidentDraft(title=title, category="Network"))
    assert any_desk.incidents.get_incident(inc.key).title == title
