"""TimelineModel: qtmodeltester, readable sentences, newest-first inserts, hostile text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from incident_desk.domain.incident import Status, TimelineEvent
from incident_desk.services.incidents import IncidentDraft
from incident_desk.ui.models.timeline_model import TimelineModel, TimelineRole, describe_event


def _incident(desk, title="Printer on floor 3 jams"):
    return desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
        title=title, category="Printing", subcategory="Printer", reporter_name="Jo", reporter_contact="jo@x.org"))


def test_model_passes_qtmodeltester(qtmodeltester, team_desk, clock):
    desk = team_desk
    inc = _incident(desk)
    desk.incidents.comment(actor=desk.actor, key=inc.key, text="First look")
    clock.advance(minutes=5)
    desk.incidents.transition(actor=desk.actor, key=inc.key, to=Status.ACKNOWLEDGED)
    desk.incidents.edit_incident(actor=desk.actor, key=inc.key, expected_version=3,
                                 changes={"impact": "high", "urgency": "high"})
    model = TimelineModel()
    model.set_events(desk.incidents.timeline(inc.key))
    qtmodeltester.check(model, force_py=True)
    desk.incidents.comment(actor=desk.actor, key=inc.key, text="More", work_note=True)
    model.set_events(desk.incidents.timeline(inc.key))  # the tester stays connected: inserts are checked
    assert model.rowCount() == 7
    model.set_events([])
    assert model.rowCount() == 0


def test_sentences_are_readable_and_newest_first(team_desk, clock):
    desk = team_desk
    desk.act_as("lena")
    inc = _incident(desk)
    clock.advance(minutes=1)
    desk.incidents.edit_incident(actor=desk.actor, key=inc.key, expected_version=inc.version,
                                 changes={"impact": "high", "urgency": "high"})
    clock.advance(minutes=1)
    desk.incidents.assign(actor=desk.actor, key=inc.key, assignee="alex")
    clock.advance(minutes=1)
    desk.incidents.comment(actor=desk.actor, key=inc.key, text="Called the user back", work_note=True)
    # People read display names (as the editor's directory gives them), and each author once.
    model = TimelineModel(name={"lena": "Lena Lead", "alex": "Alex Agent"}.get)
    model.set_events(desk.incidents.timeline(inc.key))
    texts = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert texts[0] == "Lena Lead: Added a work note: Called the user back"
    assert model.index(0, 0).data(TimelineRole.IS_WORK_NOTE) is True
    assert model.index(0, 0).data(TimelineRole.SUMMARY) == "Added a work note"
    assert model.index(0, 0).data(TimelineRole.ACTOR) == "Lena Lead"
    assert texts[1] == "Lena Lead: Moved it to team Service Desk"
    assert texts[2] == "Lena Lead: Assigned it to Alex Agent"
    assert any("Lena Lead: Changed priority P3 -> P1 (From the matrix: Impact High x Urgency High = P1)" == t
               for t in texts), texts
    assert texts[-1].startswith("Lena Lead: Logged the incident “Printer on floor 3 jams”")
    assert all(t.count("Lena Lead") == 1 for t in texts)
    ats = [model.index(r, 0).data(TimelineRole.AT) for r in range(model.rowCount())]
    assert ats == sorted(ats, reverse=True)


def test_refresh_inserts_only_new_rows(qtbot, desk):
    inc = _incident(desk)
    model = TimelineModel()
    model.set_events(desk.incidents.timeline(inc.key))
    desk.incidents.comment(actor=desk.actor, key=inc.key, text="a")
    desk.incidents.comment(actor=desk.actor, key=inc.key, text="b")
    with qtbot.waitSignal(model.rowsInserted) as blocker:
        model.set_events(desk.incidents.timeline(inc.key))
    assert blocker.args[1:] == [0, 1]
    assert model.index(0, 0).data(TimelineRole.BODY) == "b"


@pytest.mark.parametrize("text", ["x" * 5000, "שלום 🚀\u202e evil", "\x1b[31m\x07", ""])
def test_hostile_values_are_shortened_not_crashing(text):
    event = TimelineEvent(id=1, incident_key="INC-000001", at=datetime(2026, 1, 1, tzinfo=UTC),
                          actor=None, kind="field", field="title", old_value=text, new_value="ok", note=text)
    summary, body = describe_event(event)
    assert summary.startswith("System changed title")
    assert len(summary) < 300
    odd = TimelineEvent(id=2, incident_key="INC-000001", at=event.at, actor="x", kind="mystery", new_value=text)
    assert describe_event(odd)[0].startswith("x: mystery")
