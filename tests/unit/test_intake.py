"""Alert intake through the services: mapping, routing, dedup (across restarts), storms, recovery, both shapes."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from pathlib import Path

import pytest

from incident_desk.domain.incident import Status
from incident_desk.domain.intake import PayloadError, parse_alertmanager, parse_pagerduty
from incident_desk.services.errors import PermissionDenied, ValidationError
from incident_desk.services.incidents import IncidentDraft

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "intake"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def rows(backend, sql, *params):
    return backend.rows(sql, params)


def am(desk, payload):
    return desk.intake.accept(parse_alertmanager(payload))


def pd(desk, payload):
    alert, _ = parse_pagerduty(payload)
    return desk.intake.accept([alert])


def storm(count: int, *, group="{}:{alertname=\"NodeDown\"}", start=0, status="firing") -> dict:
    return {"version": "4", "status": status, "groupKey": group,
            "alerts": [{"status": status, "labels": {"alertname": "NodeDown", "instance": f"node-{i}",
                                                     "severity": "critical"},
                        "annotations": {"summary": f"node-{i} is down"}, "fingerprint": f"node{i:04d}"}
                       for i in range(start, start + count)]}


# ---------------------------------------------------------------- mapping

def test_a_firing_alert_opens_one_incident_mapped_from_its_labels(team_desk, backend):
    [out] = am(team_desk, fixture("am_firing.json"))
    assert out.action == "opened"
    [(title, priority, channel, category, team, service, status, description)] = rows(
        backend, "SELECT title, priority, channel, category, team_name, service, status, description FROM incident")
    assert (title, priority, channel, category, team, service, status) == (
        "Disk almost full on db1", 1, "monitoring", "Server", "Network", "billing-db", 10)
    # Description: the annotation, the labels and the source link.
    assert "Only 2 % free on /var/lib/postgresql." in description
    assert "instance=db1:9100" in description and "job=node" in description
    assert "Source: http://prometheus:9090/graph?g0.expr=disk_free" in description
    assert "runbook_url=https://runbooks.example/disk" in description


def test_title_falls_back_to_alertname_and_instance_and_warning_is_p3(desk, backend):
    am(desk, fixture("am_no_summary.json"))
    assert rows(backend, "SELECT title, priority FROM incident") == [("HighLatency on api-3:8080", 3)]


@pytest.mark.parametrize(("severity", "priority"), [("critical", 1), ("error", 2), ("warning", 3), ("info", 4)])
def test_severity_to_priority(desk, backend, severity, priority):
    payload = fixture("pd_trigger.json")
    payload["payload"]["severity"] = severity
    pd(desk, payload)
    assert rows(backend, "SELECT priority FROM incident") == [(priority,)]


def test_routing_rules_by_label_and_a_default_category(team_desk, backend):
    team_desk.intake.set_mapping(actor=team_desk.actor, mapping={
        "default_category": "Network",
        "routes": [{"match": {"job": "node", "alertname": "DiskFull"}, "team": "Service Desk",
                    "service": "storage", "category": "Database"},
                   {"match": {"alertname": "HighLatency"}, "team": "Network"}]})
    am(team_desk, fixture("am_firing.json"))
    am(team_desk, fixture("am_no_summary.json"))
    got = rows(backend, "SELECT title, team_name, service, category FROM incident ORDER BY id")
    assert got == [("Disk almost full on db1", "Service Desk", "storage", "Database"),
                   ("HighLatency on api-3:8080", "Network", None, "Network")]


def test_a_category_renamed_in_settings_still_catches_its_alerts(team_desk, backend):
    """The mapping and the monitoring's labels keep the old names; the incidents get the new ones."""
    team_desk.intake.set_mapping(actor=team_desk.actor, mapping={
        "default_category": "Network",
        "routes": [{"match": {"alertname": "DiskFull"}, "category": "Database"}]})
    team_desk.settings.rename_category(actor=team_desk.actor, name="Database", new_name="Data stores")
    team_desk.settings.rename_category(actor=team_desk.actor, name="Network", new_name="Networking")
    am(team_desk, fixture("am_firing.json"))        # routed to the old "Database"
    am(team_desk, fixture("am_no_summary.json"))    # no route: the old default "Network"
    got = rows(backend, "SELECT title, category, description FROM incident ORDER BY id")
    assert [(t, c) for t, c, _ in got] == [("Disk almost full on db1", "Data stores"),
                                          ("HighLatency on api-3:8080", "Networking")]
    assert not any("unknown" in d for _, _, d in got)


def test_category_label_and_unknown_team_are_kept_in_the_description(desk, backend):
    payload = fixture("am_firing.json")
    payload["alerts"][0]["labels"]["category"] = "Database"
    am(desk, payload)   # the plain desk has no team "Network"
    [(team, category, description)] = rows(backend, "SELECT team_name, category, description FROM incident")
    assert (team, category) == (None, "Database")
    assert "The alert names team 'Network', which the desk does not have." in description


def test_the_mapping_is_a_lead_setting_and_is_validated(team_desk):
    with pytest.raises(PermissionDenied):
        team_desk.intake.set_mapping(actor=team_desk.users.actor("alex"), mapping={"storm_minutes": 5})
    with pytest.raises(ValidationError, match="routing rule"):
        team_desk.intake.set_mapping(actor=team_desk.actor, mapping={"routes": [{"match": {}}]})
    with pytest.raises(ValidationError, match="Unknown intake setting"):
        team_desk.intake.set_mapping(actor=team_desk.actor, mapping={"colour": "red"})


# ---------------------------------------------------------------- dedup and storms

def test_refiring_counts_on_the_timeline_and_never_opens_a_second_incident(desk, backend, clock):
    am(desk, fixture("am_firing.json"))
    clock.advance(minutes=5)
    [again] = am(desk, fixture("am_firing.json"))
    clock.advance(minutes=5)
    am(desk, fixture("am_firing.json"))
    assert again.action == "fired_again"
    assert rows(backend, "SELECT COUNT(*) FROM incident") == [(1,)]
    notes = [n for (n,) in rows(backend, "SELECT note FROM event WHERE kind = 'alert' ORDER BY id")]
    assert notes == ["Alert fired again (2 times): Disk almost full on db1",
                     "Alert fired again (3 times): Disk almost full on db1"]
    assert rows(backend, "SELECT fired FROM alert_key") == [(3,)]


def test_dedup_survives_a_restart(backend, clock):
    first = backend.open()
    am(first, fixture("am_firing.json"))
    pd(first, fixture("pd_trigger.json"))
    first.close()
    clock.advance(hours=2)
    second = backend.open()
    try:
        outs = am(second, fixture("am_firing.json")) + pd(second, fixture("pd_trigger.json"))
    finally:
        second.close()
    assert [o.action for o in outs] == ["fired_again", "fired_again"]
    assert rows(backend, "SELECT COUNT(*) FROM incident") == [(2,)]


def test_a_storm_of_one_group_becomes_one_incident_listing_its_alerts(desk, backend, clock):
    outs = am(desk, storm(150))
    clock.advance(minutes=3)
    outs += am(desk, storm(150, start=150))   # the same group, minutes later
    assert [o.action for o in outs].count("opened") == 1
    assert {o.incident for o in outs} == {"INC-000001"}
    assert rows(backend, "SELECT COUNT(*) FROM incident") == [(1,)]
    assert rows(backend, "SELECT COUNT(*) FROM alert_key WHERE incident_id = 1") == [(300,)]
    listed = desk.intake.alerts_of("INC-000001")
    assert [a["title"] for a in listed][:2] == ["node-0 is down", "node-1 is down"] and len(listed) == 300
    joined = rows(backend, "SELECT COUNT(*) FROM event WHERE kind = 'alert' AND note LIKE 'Alert of the same group%'")
    assert joined == [(299,)]


def test_after_the_storm_window_the_group_opens_a_new_incident(desk, backend, clock):
    am(desk, storm(2))
    clock.advance(minutes=11)   # default window 10 minutes since the group's last alert
    [out] = am(desk, storm(1, start=2))
    assert out.action == "opened" and out.incident == "INC-000002"


def test_a_refused_request_writes_nothing(desk, backend):
    payload = fixture("am_firing.json")
    bad = copy.deepcopy(payload)
    bad["alerts"].append({"status": "firing", "labels": {"alertname": "X"}, "startsAt": "yesterday"})
    with pytest.raises(PayloadError, match=r"alerts\[1\].startsAt"):
        am(desk, bad)
    assert rows(backend, "SELECT COUNT(*) FROM incident") == [(0,)]


def test_an_alert_of_a_storm_firing_again_names_the_storms_incident(desk, backend):
    am(desk, storm(3))
    [again] = am(desk, storm(1, start=2))   # the third alert's key, not the first's, fires again
    assert (again.action, again.incident) == ("fired_again", rows(backend, "SELECT key FROM incident")[0][0])

def test_a_rotation_made_after_an_intake_batch_is_seen_by_the_next_escalation_schedule(team_desk, backend, clock):
    desk = team_desk
    am(desk, fixture("am_firing.json"))   # a batch: which teams have a rotation is read once, for it alone
    desk.oncall.set_rotation(actor=desk.users.actor("max"), team="Network", users=["sam"], every="1w",
                             start=(clock() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"), tz="UTC")
    key = desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
        title="By hand", category="Network", impact="high", urgency="high", team="Network")).key
    # The default policy pages the person on call after one minute, for a team with a rotation.
    assert rows(backend, "SELECT next_escalation_at - opened_at FROM incident WHERE key = ?", key) == [(60,)]

def test_a_refused_request_in_a_group_commit_leaves_the_others_and_changes_are_told_after_it(desk, backend):
    heard = []
    # A listener reads with a connection of its own: it sees the incident only once it is committed.
    desk.bus.subscribe(lambda change: heard.append(
        (change.kind, change.key, rows(backend, "SELECT COUNT(*) FROM incident WHERE key = ?", change.key))))

    def firing(*alerts):
        return parse_alertmanager({"version": "4", "alerts": [
            {"status": "firing", "labels": {"alertname": name}, "annotations": notes,
             "fingerprint": name.lower()} for name, notes in alerts]})

    ok = {"description": "ok"}
    # Each annotation passes the parser (10,000 characters at most), but eleven of them make a description
    # over the incident's limit of 100,000 characters: the service refuses it.
    too_long = {f"note{i}": "x" * 9_999 for i in range(11)}
    first, refused, last = desk.intake.accept_batch(
        [firing(("First", ok)), firing(("Partner", ok), ("Huge", too_long)), firing(("Last", ok))])
    assert [o.action for o in first] == [o.action for o in last] == ["opened"]
    assert isinstance(refused, ValidationError) and "limit is 100000" in str(refused)
    # The refused request wrote nothing, not even its first alert; the requests around it stand.
    # (PostgreSQL's sequence does not roll back: the keys there have gaps, so they are read, not assumed.)
    stored = rows(backend, "SELECT key, title FROM incident ORDER BY id")
    assert [title for _, title in stored] == ["First", "Last"]
    assert [first[0].incident, last[0].incident] == [key for key, _ in stored]
    assert rows(backend, "SELECT dedup_key FROM alert_key ORDER BY id") == [("alertmanager:first",),
                                                                           ("alertmanager:last",)]
    assert heard == [("logged", key, [(1,)]) for key, _ in stored]


# ---------------------------------------------------------------- recovery

def test_recovery_resolves_an_incident_nobody_took_over(desk, backend, clock):
    am(desk, fixture("am_firing.json"))
    clock.advance(minutes=20)
    [out] = am(desk, fixture("am_resolved.json"))
    assert out.action == "resolved"
    assert rows(backend, "SELECT status, resolution_code FROM incident") == [(50, "recovered (monitoring)")]


def test_recovery_of_a_hand_taken_incident_only_notes_it_and_tells_the_assignee(team_desk, backend, clock):
    desk = team_desk
    am(desk, fixture("am_firing.json"))
    desk.incidents.assign(actor=desk.users.actor("lena"), key="INC-000001", assignee="alex")
    clock.advance(minutes=20)
    [out] = am(desk, fixture("am_resolved.json"))
    assert out.action == "recovery_noted"
    assert rows(backend, "SELECT status FROM incident") == [(10,)]
    assert rows(backend, "SELECT note FROM event WHERE kind = 'alert'") == [
        ("Monitoring reports recovery: Disk almost full on db1",)]
    told = rows(backend, "SELECT u.username, n.title FROM notification n JOIN \"user\" u ON u.id = n.user_id "
                         "WHERE n.kind = 'monitoring'")
    assert told == [("alex", "INC-000001: monitoring reports recovery")]


def test_recovery_of_an_incident_acknowledged_by_a_person_keeps_it_open(team_desk, backend):
    desk = team_desk
    am(desk, fixture("am_firing.json"))
    desk.incidents.transition(actor=desk.users.actor("alex"), key="INC-000001", to=Status.ACKNOWLEDGED)
    [out] = am(desk, fixture("am_resolved.json"))
    assert out.action == "recovery_noted"
    assert rows(backend, "SELECT status FROM incident") == [(20,)]


def test_a_storm_resolves_when_its_last_alert_recovers(desk, backend):
    am(desk, storm(3))
    first = am(desk, storm(2, status="resolved"))
    assert [o.action for o in first] == ["recovered_one", "recovered_one"]
    assert rows(backend, "SELECT status FROM incident") == [(10,)]
    [last] = am(desk, storm(1, start=2, status="resolved"))
    assert last.action == "resolved"
    assert rows(backend, "SELECT status FROM incident") == [(50,)]


def test_pagerduty_trigger_acknowledge_resolve(desk, backend):
    [opened] = pd(desk, fixture("pd_trigger.json"))
    [acked] = pd(desk, fixture("pd_acknowledge.json"))
    assert (opened.action, acked.action) == ("opened", "acknowledged")
    assert rows(backend, "SELECT title, priority, status FROM incident") == [("CPU at 99 % on srv-42", 2, 20)]
    # Acknowledged by monitoring, not by a person: the recovery resolves it.
    [resolved] = pd(desk, fixture("pd_resolve.json"))
    assert resolved.action == "resolved"
    assert rows(backend, "SELECT status, resolution_code FROM incident") == [(50, "recovered (monitoring)")]
    # A resolve for a key with nothing open is answered and ignored.
    [again] = pd(desk, fixture("pd_resolve.json"))
    assert again.action == "ignored"


def test_firing_after_resolution_opens_a_new_incident(desk, backend):
    am(desk, fixture("am_firing.json"))
    am(desk, fixture("am_resolved.json"))
    [out] = am(desk, fixture("am_firing.json"))
    assert (out.action, out.incident) == ("opened", "INC-000002")


# ---------------------------------------------------------------- through the services

def test_alert_incidents_escalate_like_hand_logged_ones(team_desk, backend, clock):
    desk = team_desk
    am(desk, fixture("am_firing.json"))   # P1, team Network (lead max)
    [(response_due,)] = rows(backend, "SELECT response_due_at FROM incident")
    assert response_due is not None
    clock.advance(minutes=5)
    raised = desk.escalation.scan()
    assert [(r["rule"], r["recipients"]) for r in raised] == [("p1-unack-5m", ["max"])]
    assert rows(backend, "SELECT u.username FROM notification n JOIN \"user\" u ON u.id = n.user_id "
                         "WHERE n.kind = 'escalation'") == [("max",)]


def test_the_monitoring_account_is_inactive_and_not_a_watcher(desk, backend):
    am(desk, fixture("am_firing.json"))
    assert rows(backend, "SELECT username, active, role FROM \"user\" WHERE username = 'monitoring'") == [
        ("monitoring", 0, "lead")]
    assert rows(backend, "SELECT COUNT(*) FROM watcher w JOIN \"user\" u ON u.id = w.user_id "
                         "WHERE u.username = 'monitoring'") == [(0,)]


# ---------------------------------------------------------------- malformed shapes

@pytest.mark.parametrize(("payload", "reason"), [
    ([], "JSON object"),
    ({"version": "3", "alerts": [{}]}, "version '3'"),
    ({"version": "4", "alerts": []}, "non-empty list"),
    ({"alerts": [{"status": "pending", "labels": {"a": "b"}}]}, r"alerts\[0\].status"),
    ({"alerts": [{"status": "firing", "labels": {}}]}, "alertname"),
    ({"alerts": [{"status": "firing", "labels": {"alertname": 5}}]}, "must be a string"),
    ({"alerts": [{"status": "firing", "labels": {"alertname": "x\x1b[2J"}}]}, "control characters"),
    ({"alerts": [{"status": "firing", "labels": {"alertname": "x"}, "fingerprint": "has space"}]}, "fingerprint"),
    ({"alerts": [{"status": "firing", "labels": {"alertname": "x"}, "startsAt": "3000-01-01T00:00:00Z"}]},
     "years 1970 to 2200"),
    ({"alerts": [{"status": "firing", "labels": {"alertname": "x" * 3000}}]}, "limit is 2000"),
])
def test_malformed_alertmanager_payloads(payload, reason):
    with pytest.raises(PayloadError, match=reason):
        parse_alertmanager(payload)


@pytest.mark.parametrize(("payload", "reason"), [
    ({"event_action": "page"}, "event_action"),
    ({"event_action": "resolve"}, "dedup_key is required"),
    ({"event_action": "trigger", "payload": {"summary": "x", "source": "y", "severity": "fatal"}}, "severity"),
    ({"event_action": "trigger", "payload": {"source": "y", "severity": "info"}}, "summary is missing"),
    ({"event_action": "trigger", "payload": {"summary": "x" * 2000, "source": "y", "severity": "info"}},
     "limit is 1024"),
])
def test_malformed_pagerduty_events(payload, reason):
    with pytest.raises(PayloadError, match=reason):
        parse_pagerduty(payload)


READY_PROBE = r"""
import sys
from incident_desk.domain.intake import parse_pagerduty
from incident_desk.services.desk import Desk
desk = Desk.open(sys.argv[1])
desk.intake.ready()
before = set(sys.modules)
alert, _ = parse_pagerduty({"routing_key": "x" * 20, "event_action": "trigger", "dedup_key": "ready-1",
                            "payload": {"summary": "Disk full", "source": "db-1", "severity": "critical"}})
[outcome] = desk.intake.accept([alert])
print(outcome.action, sorted(m for m in set(sys.modules) - before if m.startswith("incident_desk")))
desk.close()
"""


def test_ready_leaves_nothing_for_the_first_alert_to_import(tmp_path):
    """The first alert waited 45 ms for the escalation, communication and action-item modules to be imported
    and built; ready() (called before the intake listens) does it first."""
    import subprocess
    import sys
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", READY_PROBE, str(tmp_path / "desk.db")], cwd=root,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == "opened []"
