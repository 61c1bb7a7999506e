"""Problem records: grouping incidents, one problem per incident, known errors and their workarounds."""

from __future__ import annotations

import pytest

from incident_desk.domain.closure import ProblemStatus, match_known_error, words
from incident_desk.services.errors import NotFoundError, ValidationError
from incident_desk.services.incidents import IncidentDraft


def log(desk, title, category="Email"):
    return desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(title=title, category=category))


def test_a_problem_groups_incidents_and_each_incident_has_one_problem(desk, clock):
    a, b, c = log(desk, "Mailbox full for Anna"), log(desk, "Mailbox full again"), log(desk, "Quota warning")
    version = desk.incidents.get_incident(a.key).version
    problem = desk.problems.create(actor=desk.actor, title="Mailbox quotas too small", incidents=[a.key, b.key])
    assert (problem.key, problem.status, problem.incident_count, problem.open_incident_count) == (
        "PRB-000001", ProblemStatus.OPEN, 2, 2)
    assert set(problem.incident_keys) == {a.key, b.key}
    other = desk.problems.create(actor=desk.actor, title="Something else")
    with pytest.raises(ValidationError, match=f"{a.key} is already linked to PRB-000001; unlink it there first"):
        desk.problems.link(actor=desk.actor, key=other.key, incidents=[c.key, a.key])
    assert desk.problems.problem_of(c.key) is None        # all or nothing: c was not linked either
    desk.problems.link(actor=desk.actor, key=problem.key, incidents=[c.key, a.key])  # a again: no-op
    assert desk.problems.get(problem.key).incident_count == 3
    desk.problems.unlink(actor=desk.actor, key=problem.key, incident=b.key)
    with pytest.raises(NotFoundError, match=f"{b.key} is not linked to PRB-000001"):
        desk.problems.unlink(actor=desk.actor, key=problem.key, incident=b.key)
    assert desk.problems.problem_of(a.key).key == "PRB-000001" and desk.problems.problem_of(b.key) is None
    # Linking is on each incident's timeline, without bumping its version (no field changed).
    linked = [(e.kind, e.old_value, e.new_value, e.note) for e in desk.incidents.timeline(b.key, newest_first=False)
              if e.kind == "problem"]
    assert linked == [("problem", None, "PRB-000001", "linked"), ("problem", "PRB-000001", None, "unlinked")]
    assert desk.incidents.get_incident(a.key).version == version


def test_a_known_error_needs_its_workaround_and_is_offered_for_matching_reports(desk):
    inc = log(desk, "Outlook keeps asking for password")
    problem = desk.problems.create(actor=desk.actor, title="Modern auth token expires", incidents=[inc.key])
    with pytest.raises(ValidationError, match="needs a workaround before it is a known error"):
        desk.problems.set_status(actor=desk.actor, key=problem.key, status="known_error")
    assert desk.problems.known_errors_for("outlook asks for password") == []     # open, not a known error
    problem = desk.problems.update(actor=desk.actor, key=problem.key, expected_version=problem.version,
                                   changes={"workaround": "Sign out of Office, clear credentials, sign in."})
    desk.problems.set_status(actor=desk.actor, key=problem.key, status="known_error")
    [match] = desk.problems.known_errors_for("Outlook asking for the password again")
    assert (match.key, match.shared_words) == ("PRB-000001", ("asking", "outlook", "password"))
    assert match.workaround == "Sign out of Office, clear credentials, sign in."
    assert desk.problems.known_errors_for("printer jams on floor 3") == []
    with pytest.raises(ValidationError, match="A known error needs its workaround"):
        desk.problems.update(actor=desk.actor, key=problem.key, expected_version=problem.version + 1,
                             changes={"workaround": ""})
    resolved = desk.problems.set_status(actor=desk.actor, key=problem.key, status="resolved")
    assert resolved.status == ProblemStatus.RESOLVED and resolved.resolved_at == desk.clock()
    assert desk.problems.counts() == {"open": 0, "known_error": 0, "resolved": 1}


def test_matching_needs_two_shared_words_one_of_them_in_a_title():
    title = words("VPN disconnects every few minutes")
    everything = title | words("Workaround: switch the client to TCP 443")
    assert match_known_error(words("vpn disconnects at home"), title, everything) == ("disconnects", "vpn")
    assert match_known_error(words("vpn"), title, everything) == ("vpn",)       # one word typed: one is enough
    assert match_known_error(words("client tcp"), title, everything) == ()      # none in a title
    assert match_known_error(words("the vpn is slow"), title, everything) == ()  # one of three words only


def test_bad_problem_input_is_a_clear_error(desk):
    with pytest.raises(ValidationError, match="problem's title is empty"):
        desk.problems.create(actor=desk.actor, title="")
    with pytest.raises(ValidationError, match="'PRB-x' is not a problem key"):
        desk.problems.get("PRB-x")
    with pytest.raises(NotFoundError, match="There is no problem PRB-000042"):
        desk.problems.get("prb-42")
    with pytest.raises(ValidationError, match="Unknown problem status 'fixed'"):
        desk.problems.list(statuses=["fixed"])
