"""Services' state, public updates, the cadence reminder and the mail link (real incidents on a real SQLite desk)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from markdown_it import MarkdownIt

from incident_desk.services.errors import PermissionDenied, ValidationError
from incident_desk.services.incidents import IncidentDraft

# impact/urgency -> priority on the default matrix: (1, 1) is P1, (1, 2) P2, (2, 2) P3, (3, 3) P5.
P1, P2, P3 = dict(impact="high", urgency="high"), dict(impact="high", urgency="medium"), \
    dict(impact="medium", urgency="medium")


def _log(desk, title="Checkout fails", service="Web Shop", **kw):
    draft = dict(title=title, category="Software", reporter_name="Jane Doe", reporter_contact="jane@example.com",
                 service=service)
    draft.update(kw)
    return desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(**draft))


def _states(desk) -> dict[str, str]:
    return {s.name: s.state.value for s in desk.communication.list_services()}


def _rows(backend, query, params=()):
    con = backend.connect()
    try:
        return con.execute(query, params).fetchall()
    finally:
        con.close()


def test_priority_matrix_assumed_here(desk):
    """The cases below rely on these priorities; say so if the matrix moves."""
    assert [_log(desk, **p).priority.label for p in (P1, P2, P3)] == ["P1", "P2", "P3"]


def test_state_follows_the_worst_open_incident_and_the_override(desk):
    comm = desk.communication
    comm.add_service(actor=desk.actor, name="Web Shop", public=True)
    comm.add_service(actor=desk.actor, name="Mail", public=True)
    assert _states(desk) == {"Web Shop": "operational", "Mail": "operational"}
    p3 = _log(desk, **P3)
    assert _states(desk)["Web Shop"] == "degraded_performance"
    p2 = _log(desk, service="web   shop", **P2)          # the free-text field, any case and spacing
    assert _states(desk)["Web Shop"] == "partial_outage"
    p1 = _log(desk, service=None, **P1)
    comm.announce(actor=desk.actor, key=p1.key, state="investigating", message="Looking.", services=["Mail"])
    assert _states(desk) == {"Web Shop": "partial_outage", "Mail": "major_outage"}
    # A resolved incident no longer counts; the next worst speaks.
    desk.incidents.transition(actor=desk.actor, key=p2.key, to="resolved", resolution_code="fixed",
                              resolution_notes="done")
    assert _states(desk)["Web Shop"] == "degraded_performance"
    comm.override(actor=desk.actor, name="Web Shop", state="under_maintenance", reason="database upgrade")
    shop = comm.get_service("web shop")
    assert (shop.state.value, shop.derived.value, shop.override_reason) == (
        "under_maintenance", "degraded_performance", "database upgrade")
    comm.override(actor=desk.actor, name="Web Shop", state=None)
    assert _states(desk)["Web Shop"] == "degraded_performance"
    desk.incidents.transition(actor=desk.actor, key=p3.key, to="cancelled", cancel_reason="mistake")
    assert _states(desk)["Web Shop"] == "operational"


def test_renaming_a_service_keeps_the_incidents_that_named_it(desk, backend):
    comm = desk.communication
    comm.add_service(actor=desk.actor, name="Web Shop", public=True)
    p2 = _log(desk, service="web  shop", **P2)
    comm.set_service(actor=desk.actor, name="Web Shop", new_name="Online Store")
    assert _states(desk) == {"Online Store": "partial_outage"}
    assert comm.services_of(p2.key) == ["Online Store"]
    # The incident's own text is its history: it still says what the reporter said.
    assert _rows(backend, "SELECT service FROM incident WHERE id = ?", (p2.id,)) == [("web  shop",)]


def test_override_needs_a_reason_and_a_lead(team_desk):
    desk = team_desk
    desk.communication.add_service(actor=desk.actor, name="VPN")
    with pytest.raises(ValidationError):
        desk.communication.override(actor=desk.actor, name="VPN", state="major_outage", reason="  ")
    alex = desk.users.actor("alex")
    with pytest.raises(PermissionDenied):
        desk.communication.override(actor=alex, name="VPN", state="major_outage", reason="x")
    # An agent may post a public update all the same.
    inc = _log(desk, service="VPN")
    desk.communication.announce(actor=alex, key=inc.key, state="identified", message="Found it.")


def test_existing_free_text_services_become_internal_entries(backend):
    """An old database's incident services are entries after the migration: made by the real CLI on a
    database whose schema is put back to the version before it by hand."""
    desk = backend.open()
    _log(desk, service="Payroll")
    _log(desk, service="payroll ")
    _log(desk, service="E-mail")
    desk.close()
    # The step before this one, whatever number it has after a merge renumbers the migrations.
    from incident_desk.storage.migrations import STEPS, m014_communication
    before = next(v for v, step in STEPS.items() if step is m014_communication.upgrade) - 1
    for table in ("incident_comms", "public_update", "affected_service", "service_subscriber", "business_service"):
        backend.execute(f"DROP TABLE {table}")
    backend.execute(f"UPDATE schema_info SET value = '{before}' WHERE key = 'schema_version'")
    out = subprocess.run([sys.executable, "-m", "incident_desk", *backend.cli_args(), "service", "list", "--json"],
                         capture_output=True, text=True, check=True).stdout
    assert sorted(_rows(backend, "SELECT name, public FROM business_service")) == [("E-mail", 0), ("Payroll", 0)]
    assert '"public": false' in out


def test_public_update_is_its_own_timeline_kind_with_author_and_time(desk, clock, backend):
    inc = _log(desk, **P1)
    desk.incidents.comment(actor=desk.actor, key=inc.key, text="a comment")
    clock.advance(minutes=3)
    desk.communication.announce(actor=desk.actor, key=inc.key, state="identified", message="Cause found.")
    rows = _rows(backend, "SELECT e.kind, e.field, e.note, e.at, u.username FROM event e "
                          "LEFT JOIN \"user\" u ON u.id = e.actor_id WHERE e.incident_id = ? AND e.kind IN "
                          "('comment', 'public_update') ORDER BY e.id", (inc.id,))
    assert rows == [("comment", None, "a comment", int(clock.now.timestamp()) - 180, desk.actor.username),
                    ("public_update", "identified", "Cause found.", int(clock.now.timestamp()), desk.actor.username)]
    with pytest.raises(ValidationError):
        desk.communication.announce(actor=desk.actor, key=inc.key, state="fixed", message="x")
    with pytest.raises(ValidationError):
        desk.communication.announce(actor=desk.actor, key=inc.key, state="resolved", message="  ")


def _reminders(backend):
    return _rows(backend, "SELECT u.username, n.title, n.due_at FROM notification n "
                          "JOIN \"user\" u ON u.id = n.user_id WHERE n.kind = 'communication' ORDER BY n.id")


def test_cadence_reminder_reaches_the_assignee_once(team_desk, clock, backend):
    desk = team_desk
    start = clock.now
    inc = _log(desk, assignee="alex", **P1)
    p3 = _log(desk, title="Slow reports", assignee="sam", **P3)
    due = int(start.timestamp()) + 30 * 60           # P1: every 30 minutes, from the opening
    clock.set(start + timedelta(minutes=24, seconds=59))
    desk.escalation.scan()
    assert _reminders(backend) == []
    clock.set(start + timedelta(minutes=25))
    desk.escalation.scan()
    assert _reminders(backend) == [("alex", f"{inc.key} public update due in 5 min", due)]
    clock.set(start + timedelta(minutes=40))        # missed; no second reminder for the same due instant
    desk.escalation.scan()
    desk.escalation.scan()
    assert len(_reminders(backend)) == 1
    assert desk.communication.cadence_due() == {inc.id: start + timedelta(minutes=30)}
    # An update restarts the cadence: the next is due 30 minutes after it.
    desk.communication.announce(actor=desk.actor, key=inc.key, state="identified", message="Found.")
    clock.set(start + timedelta(minutes=65))
    desk.escalation.scan()
    assert _reminders(backend)[-1] == ("alex", f"{inc.key} public update due in 5 min",
                                       int(start.timestamp()) + 70 * 60)
    # A P3 keeps no cadence until a lead marks it major: then every 2 hours.
    assert p3.id not in desk.communication.cadence_due()
    desk.communication.set_major(actor=desk.actor, key=p3.key)
    assert desk.communication.cadence_due()[p3.id] == p3.opened_at + timedelta(hours=2)
    # 'resolved' ends the cadence.
    desk.communication.announce(actor=desk.actor, key=inc.key, state="resolved", message="Fixed.")
    assert inc.id not in desk.communication.cadence_due()


def test_the_cadence_follows_changes_another_desk_makes(desk, clock, backend):
    """A desk keeps what it computed and recomputes what moved; moves made by another desk count too."""
    start = clock.now
    inc = _log(desk, **P1)
    watcher = desk.communication
    assert watcher.cadence_due() == {inc.id: start + timedelta(minutes=30)}
    other = backend.open(clock=clock)
    try:
        clock.advance(minutes=10)
        other.communication.announce(actor=other.actor, key=inc.key, state="investigating", message="Looking.")
        assert watcher.cadence_due() == {inc.id: start + timedelta(minutes=40)}
        current = other.incidents.get_incident(inc.key)
        other.incidents.edit_incident(actor=other.actor, key=inc.key, expected_version=current.version,
                                      changes={"impact": "medium", "urgency": "medium"})   # now a P3
        assert watcher.cadence_due() == {}
        other.communication.set_major(actor=other.actor, key=inc.key)     # a P3's cadence: 2 hours
        assert watcher.cadence_due() == {inc.id: start + timedelta(minutes=10, hours=2)}
        other.incidents.transition(actor=other.actor, key=inc.key, to="resolved", resolution_code="fixed",
                                   resolution_notes="done")
        assert watcher.cadence_due() == {}
    finally:
        other.close()


@pytest.mark.sqlite_only  # SQLite's one write lock; PostgreSQL has none to take
def test_a_reminder_pass_with_nothing_due_takes_no_write_lock(team_desk, clock, backend):
    """Nearly every scan finds no update due: it must not queue behind (or block) other desks' writes."""
    desk = team_desk
    start = clock.now
    _log(desk, assignee="alex", **P1)
    clock.set(start + timedelta(minutes=10))     # the first reminder is 25 minutes after the opening
    other = sqlite3.connect(backend.path, timeout=0)
    other.execute("BEGIN IMMEDIATE")             # another desk in the middle of a write
    try:
        assert desk.communication.remind_due() == []
    finally:
        other.rollback()
        other.close()
    assert _reminders(backend) == []


def _decode(url: str) -> tuple[str, dict]:
    parts = urlsplit(url)
    assert parts.scheme == "mailto"
    return unquote(parts.path), parse_qs(parts.query, keep_blank_values=True)


def test_mailto_cannot_be_injected(desk):
    hostile = ["a?cc=boss@evil.example@x.org", "b&bcc=spy@evil.example", "c%0Abcc:spy@evil.example",
               "d%26to=spy@evil.example@x.org"]
    desk.communication.add_service(actor=desk.actor, name="Web Shop", public=True,
                                   subscribers=["ok?x=1&y=2@example.org", "pc%25@example.org"])
    with pytest.raises(ValidationError):  # a line break is never one address
        desk.communication.set_service(actor=desk.actor, name="Web Shop", add_subscribers=["x@y.org\nbcc: z@w.org"])
    inc = _log(desk, title="Fails & breaks? subject=pwned %0D%0Abcc:spy@evil.example", reporter_contact="r&cc=x@y.org")
    for contact in hostile:
        other = _log(desk, title="other", reporter_contact=contact)
        desk.incidents.link(actor=desk.actor, key=inc.key, other=other.key, kind="related")
    desk.communication.announce(actor=desk.actor, key=inc.key, state="investigating",
                                message="Line one & two?\nbody=x&to=evil %41")
    url = desk.communication.distribution(inc.key).mailto
    assert url.isascii() and "\n" not in url and "\r" not in url and " " not in url
    to, fields = _decode(url)
    assert to == ""                                      # nobody in To or Cc: everyone in BCC
    assert sorted(fields) == ["bcc", "body", "subject"]  # no header the addresses or texts could add
    assert len(fields["bcc"]) == 1 and len(fields["subject"]) == 1 and len(fields["body"]) == 1
    # parse_qs has already percent-decoded once: what remains is exactly what was typed.
    bcc = fields["bcc"][0].split(",")
    # Each stays one address (its '&', '?', '=' and '%' are data); those that are not one address at all
    # (two '@', a ':') are left out rather than passed on.
    assert sorted(bcc) == sorted(["ok?x=1&y=2@example.org", "pc%25@example.org", "r&cc=x@y.org",
                                  "b&bcc=spy@evil.example"])
    subject = fields["subject"][0]
    assert "\n" not in subject and "\r" not in subject
    assert subject.startswith(f"[{inc.key}] Investigating: Fails & breaks? subject=pwned %0D%0Abcc:")
    assert "Line one & two?\r\nbody=x&to=evil %41" in fields["body"][0]


def test_copy_as_text_and_markdown(desk):
    desk.communication.add_service(actor=desk.actor, name="Web Shop", public=True)
    inc = _log(desk, title="Checkout [fails](http://evil.example) *now*")
    desk.communication.announce(actor=desk.actor, key=inc.key, state="monitoring", message="Fix deployed.")
    dist = desk.communication.distribution(inc.key, status_url="https://status.example.org/")
    assert dist.text.splitlines()[:3] == ["Monitoring — Checkout [fails](http://evil.example) *now*",
                                          f"Incident: {inc.key}", "Affected: Web Shop"]
    assert dist.markdown.endswith("[Status page](https://status.example.org/)")
    # Read back as chat reads it (CommonMark): the title and the message are text; the one link is ours.
    html = MarkdownIt("commonmark").render(dist.markdown)
    assert html.count("<a ") == 1 and 'href="https://status.example.org/"' in html
    assert "Checkout [fails](http://evil.example) *now*" in html
    assert "<em>" not in html.replace("<em>Affected:</em>", "").replace("<em>Posted:</em>", "")


def test_chat_markdown_keeps_plain_punctuation_and_makes_no_list_or_heading(desk):
    """Slack and most chats show a backslash as typed: 'e\\-mail' and 'again\\.' read badly. Only what would
    become markup is escaped, and a CommonMark parser finds no list, heading or link in it."""
    inc = _log(desk, title="Mail to e-mail.example.org down (again!)")
    desk.communication.announce(actor=desk.actor, key=inc.key, state="identified",
                                message="Fixed - e-mail flows again.\n- not a list\n1. not a list\n# not a heading")
    dist = desk.communication.distribution(inc.key)
    assert "Mail to e-mail.example.org down (again!)" in dist.markdown
    assert "Fixed - e-mail flows again." in dist.markdown
    html = MarkdownIt("commonmark").render(dist.markdown)
    for tag in ("<ul", "<ol", "<h1", "<a ", "<li"):
        assert tag not in html
    for line in ("- not a list", "1. not a list", "# not a heading"):
        assert line in html


def test_the_cadence_keeps_exactly_the_open_p1_and_major_incidents(desk, backend):
    """The scan reads its candidates through a partial index (m016): every open status is in it, no closed one."""
    walk = {"new": [], "acknowledged": ["acknowledged"], "in_progress": ["acknowledged", "in_progress"],
            "on_hold": ["acknowledged", "in_progress", "on_hold"], "resolved": ["resolved"], "cancelled": ["cancelled"]}
    keys = {}
    for name, steps in walk.items():
        inc = _log(desk, title=f"P1 left {name}", **P1)
        for step in steps:
            extra = {"resolved": dict(resolution_code="fixed", resolution_notes="done"),
                     "on_hold": dict(hold_reason="vendor"),
                     "cancelled": dict(cancel_reason="a duplicate")}.get(step, {})
            desk.incidents.transition(actor=desk.actor, key=inc.key, to=step, **extra)
        keys[name] = inc.key
    major, plain = _log(desk, title="Marked major", **P2), _log(desk, title="Plain P2", **P2)
    desk.communication.set_major(actor=desk.actor, key=major.key)
    ids = dict(_rows(backend, "SELECT key, id FROM incident"))
    expected = {ids[keys[n]] for n in ("new", "acknowledged", "in_progress", "on_hold")} | {ids[major.key]}
    assert set(desk.communication.cadence_due()) == expected
    assert ids[plain.key] not in expected
