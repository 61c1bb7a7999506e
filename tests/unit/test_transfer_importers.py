"""Each importer on fixture files that mimic the real exports, checked with the plain driver and hand-made instants."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from incident_desk.domain.incident import IncidentFilter
from incident_desk.services.clock import ManualClock
from incident_desk.services.errors import PermissionDenied, ValidationError
from incident_desk.services.incidents import IncidentDraft
from incident_desk.services.transfer.fields import parse_map, parse_values
from incident_desk.services.transfer.importer import ImportOptions
from incident_desk.services.transfer.service import Transfer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "transfer"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
GERMAN_MAP = ["Nummer=key", "Kurzbeschreibung=title", "Status=status", "Priorität=priority", "Auswirkung=impact",
              "Dringlichkeit=urgency", "Kategorie=category", "Bearbeiter=assignee", "Eröffnet=opened_at",
              "Gelöst=resolved_at", "Geschlossen=closed_at", "Meldender=reporter"]
GERMAN_VALUES = ["status:Neu=new", "status:In Bearbeitung=in_progress", "status:Geschlossen=closed",
                 "impact:Hoch=high", "impact:Mittel=medium", "impact:Niedrig=low", "urgency:Hoch=high",
                 "urgency:Mittel=medium", "urgency:Niedrig=low"]


def utc(*args) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp())


@pytest.fixture
def desk(backend):
    d = backend.open(clock=ManualClock(NOW))
    yield d
    d.close()


def run(desk, fmt, name, *, maps=(), values=(), **options):
    path = name if isinstance(name, Path) else FIXTURES / name
    mapping = parse_values(list(values), parse_map(list(maps)))
    options.setdefault("tz", "UTC")
    return Transfer(desk).import_file(ImportOptions(format=fmt, path=path, mapping=mapping, **options))


def query(backend, sql, params=()):
    return backend.rows(sql, params)


def incident(backend, external_key):
    return backend.record("SELECT * FROM incident WHERE external_key = ?", (external_key,))


def statuses(backend, external_key):
    return [r[0] for r in query(backend, "SELECT e.new_value FROM event e JOIN incident i ON i.id = e.incident_id "
                                         "WHERE i.external_key = ? AND e.kind = 'status' ORDER BY e.id",
                                (external_key,))]


def dump(backend) -> dict:
    return backend.dump()


# ---- ServiceNow, incident list --------------------------------------------------------------------

def test_servicenow_list(desk, backend):
    report = run(desk, "servicenow", "servicenow_list.csv")
    assert report.written and not report.problems
    counts = (report.rows, report.incidents, report.new, report.merged_in_file, report.left_out_of_mttr)
    assert counts == (9, 8, 8, 1, 1)
    assert report.created["users"] == ["beth.anglin", "fred.luddy", "david.loo"]
    assert "Storage / Share" in report.created["categories"]
    first = incident(backend, "INC0010001")
    assert first["description"] == "Caller says the phone shows old mail.\nRestarted the phone twice."
    assert (first["opened_at"], first["resolved_at"], first["closed_at"]) == (
        utc(2026, 3, 2, 8, 15), utc(2026, 3, 2, 11, 40), utc(2026, 3, 5, 11, 40))
    assert (first["priority"], first["impact"], first["urgency"], first["status"]) == (3, 2, 2, 60)
    assert first["ttr_s"] == 3 * 3600 + 25 * 60 and first["tta_s"] is None and first["acknowledged_at"] is None
    assert (first["assignee_name"], first["team_name"], first["source"]) == ("beth.anglin", "Service Desk",
                                                                             "servicenow")
    # Closed without a resolution time: counted, resolution time unknown, out of MTTR.
    vpn = incident(backend, "INC0010002")
    assert (vpn["status"], vpn["resolved_at"], vpn["ttr_s"], vpn["closed_at"]) == (60, None, None,
                                                                                   utc(2026, 3, 6, 17))
    assert vpn["description"] == ""  # '?' is unknown
    assert (vpn["priority"], vpn["priority_overridden"]) == (1, 0)
    # The later row with the same number updated the earlier one.
    laptop = incident(backend, "INC0010003")
    assert (laptop["status"], laptop["description"]) == (30, "Vendor part arrived")
    held = incident(backend, "INC0010004")
    assert (held["status"], held["hold_reason"], held["assignee_id"]) == (40, "vendor", None)
    # Active with a resolution time: it was resolved once and reopened.
    erp = incident(backend, "INC0010005")
    assert (erp["status"], erp["reopen_count"], erp["resolved_at"], erp["channel"]) == (30, 1, None, "")
    assert statuses(backend, "INC0010005") == ["resolved", "in_progress"]
    cancelled = incident(backend, "INC0010006")
    assert (cancelled["status"], cancelled["closed_at"]) == (70, utc(2026, 3, 6, 7, 20))
    assert any("Self-service" in h for h in report.hints)


def test_times_without_offset_are_read_in_the_given_zone(desk, backend):
    run(desk, "servicenow", "servicenow_list.csv", tz="Europe/Berlin")
    berlin = int(datetime(2026, 3, 2, 8, 15, tzinfo=ZoneInfo("Europe/Berlin")).timestamp())
    assert incident(backend, "INC0010001")["opened_at"] == berlin == utc(2026, 3, 2, 7, 15)


def test_imported_history_never_escalates_or_alerts_for_the_past(desk, backend):
    run(desk, "servicenow", "servicenow_list.csv")
    open_ids = [r[0] for r in query(backend, "SELECT id FROM incident WHERE status IN (10, 20, 30, 40)")]
    assert len(open_ids) == 4
    suppressed = query(backend, "SELECT count(*), sum(CASE WHEN imported THEN 1 ELSE 0 END) FROM escalation")[0]
    assert suppressed[0] > 0 and suppressed[1] == suppressed[0]
    assert desk.escalation.scan(NOW) == []
    assert query(backend, "SELECT count(*) FROM notification") == [(0,)]
    # Still scheduled for what is ahead: the next scan a year on raises nothing from before the import either.
    later = datetime(2027, 12, 1, tzinfo=UTC)
    raised = desk.escalation.scan(later)
    assert all(datetime.fromisoformat(r["due_at"]) > NOW for r in raised)


def test_reimport_updates_instead_of_duplicating(desk, backend, tmp_path):
    run(desk, "servicenow", "servicenow_list.csv")
    again = run(desk, "servicenow", "servicenow_list.csv")
    assert (again.new, again.updated, again.unchanged) == (0, 0, 8)
    assert query(backend, "SELECT count(*) FROM incident") == [(8,)]
    changed = tmp_path / "changed.csv"
    changed.write_text((FIXTURES / "servicenow_list.csv").read_text().replace(
        "Teams crashes on start", "Teams crashes at every start"))
    dry = run(desk, "servicenow", changed, dry_run=True)
    assert (dry.written, dry.new, dry.updated, dry.unchanged) == (False, 0, 1, 7)
    third = run(desk, "servicenow", changed)
    assert (third.new, third.updated, third.unchanged) == (0, 1, 7)
    row = incident(backend, "INC0010007")
    assert (row["title"], row["version"]) == ("Teams crashes at every start", 2)
    events = query(backend, "SELECT field, old_value, new_value, version FROM event WHERE incident_id = ? AND "
                            "kind = 'field'", (row["id"],))
    assert events == [("title", "Teams crashes on start", "Teams crashes at every start", 2)]


# ---- ServiceNow, event log ---------------------------------------------------------------------------

def test_servicenow_event_log(desk, backend):
    report = run(desk, "servicenow", "servicenow_eventlog.csv")
    assert report.written and (report.rows, report.incidents) == (11, 3)
    assert report.detected["shape"].startswith("event log")
    reopened = incident(backend, "INC0000045")
    assert (reopened["opened_at"], reopened["resolved_at"], reopened["closed_at"]) == (
        utc(2016, 2, 29, 1, 16), utc(2016, 3, 1, 14, 10), utc(2016, 3, 6, 15))
    assert (reopened["reopen_count"], reopened["status"], reopened["resolution_code"]) == (1, 60, "code 5")
    assert statuses(backend, "INC0000045") == ["resolved", "in_progress", "resolved", "closed"]
    # Three updates at the same minute keep their sys_mod_count order; closed without resolved_at.
    held = incident(backend, "INC0000047")
    assert statuses(backend, "INC0000047") == ["in_progress", "on_hold", "in_progress", "closed"]
    assert (held["resolved_at"], held["ttr_s"], held["priority"], held["team_name"]) == (None, None, 2, "Group 24")
    assert query(backend, "SELECT old_value, new_value FROM event WHERE incident_id = ? AND field = 'priority'",
                 (held["id"],)) == [("P3", "P2")]
    assert report.left_out_of_mttr == 1
    assert sorted(report.created["users"]) == ["resolver.149", "resolver.31"]


def test_event_log_order_comes_from_sys_mod_count_not_the_file(desk, backend, tmp_path):
    lines = (FIXTURES / "servicenow_eventlog.csv").read_text().splitlines()
    shuffled = tmp_path / "shuffled.csv"
    shuffled.write_text("\n".join([lines[0], *reversed(lines[1:])]) + "\n")
    run(desk, "servicenow", shuffled)
    assert statuses(backend, "INC0000045") == ["resolved", "in_progress", "resolved", "closed"]
    assert incident(backend, "INC0000045")["closed_at"] == utc(2016, 3, 6, 15)


# ---- Jira and PagerDuty -----------------------------------------------------------------------------------

def test_jira_with_bom_repeated_columns_and_comments(desk, backend):
    report = run(desk, "jira", "jira.csv")
    assert report.detected["encoding"] == "UTF-8 with BOM" and report.incidents == 4
    vpn = incident(backend, "HELP-101")
    assert vpn["description"] == "The VPN drops every few minutes.\nIt started after the update."
    assert (vpn["opened_at"], vpn["resolved_at"], vpn["priority"], vpn["impact"]) == (
        utc(2026, 10, 30, 17), utc(2026, 10, 31, 9, 10), 2, 0)
    comments = query(backend, "SELECT at, note FROM event WHERE incident_id = ? AND kind = 'comment' ORDER BY at",
                     (vpn["id"],))
    assert comments == [(utc(2026, 10, 30, 17, 30), "Asked for the client log (by 557058:ann)"),
                        (utc(2026, 10, 31, 9, 10), "New profile pushed; works now (by 557058:ann)")]
    assert query(backend, "SELECT new_value FROM event WHERE incident_id = ? AND field = 'labels'",
                 (vpn["id"],)) == [("vpn, network",)]
    done = incident(backend, "HELP-103")
    assert (done["status"], done["resolution_code"], done["opened_at"]) == (60, "Won't Do", utc(2026, 10, 28, 23, 59))
    assert incident(backend, "HELP-104")["description"] == ""
    shown = desk.incidents.get_incident(vpn["key"])
    assert (shown.impact, shown.urgency, shown.channel) == (None, None, None)
    assert desk.incidents.count_incidents() == 4
    found = desk.incidents.list_incidents(filters=IncidentFilter(text="client log"))
    assert [r.key for r in found] == [vpn["key"]]


def test_pagerduty_needs_to_be_told_what_an_empty_priority_means(desk, backend):
    before = dump(backend)
    refused = run(desk, "pagerduty", "pagerduty.csv")
    assert not refused.written and [(p.row, p.column) for p in refused.problems] == [(5, "priority")]
    assert any("--value 'priority:=P3'" in h for h in refused.hints)
    assert dump(backend) == before
    report = run(desk, "pagerduty", "pagerduty.csv", values=["priority:=P3"])
    assert report.written and report.incidents == 4
    cpu = incident(backend, "1201")
    assert (cpu["acknowledged_at"] - cpu["opened_at"], cpu["tta_s"], cpu["ttr_s"]) == (150, 150, 87 * 60)
    assert (cpu["urgency"], cpu["impact"], cpu["priority"], cpu["service"]) == (1, 0, 1, "Orders DB")
    disk = incident(backend, "1202")
    assert (disk["opened_at"], disk["status"], disk["urgency"]) == (utc(2026, 10, 2, 8), 20, 3)
    assert incident(backend, "1204")["priority"] == 3
    assert query(backend, "SELECT new_value FROM event WHERE incident_id = ? AND field = 'escalation_policy'",
                 (cpu["id"],)) == [("Database Escalation",)]


# ---- any CSV with a mapping ---------------------------------------------------------------------------

def test_local_language_headers_and_values(desk, backend):
    refused = run(desk, "csv", "local_de.csv", maps=GERMAN_MAP, values=GERMAN_VALUES[3:], tz="Europe/Berlin")
    assert not refused.written
    assert {p.value for p in refused.problems if p.column == "Status"} == {"Geschlossen", "Neu", "In Bearbeitung"}
    assert "  --value 'status:Geschlossen=new|acknowledged|in_progress|on_hold|resolved|closed|cancelled'" in \
        refused.hints
    report = run(desk, "csv", "local_de.csv", maps=GERMAN_MAP, values=GERMAN_VALUES, tz="Europe/Berlin")
    assert report.written and report.detected["encoding"] == "Windows-1252"
    assert report.detected["delimiter"] == "semicolon" and report.left_out_of_mttr == 1
    printer = incident(backend, "T-1")
    assert printer["title"] == "Drucker im 2. Stock druckt nicht" and printer["reporter_name"] == "Käthe Groß"
    assert printer["opened_at"] == utc(2026, 11, 3, 7, 30)  # 08:30 in Berlin
    assert query(backend, "SELECT username, display_name FROM \"user\" WHERE username = 'jurgen.muller'") == [
        ("jurgen.muller", "Jürgen Müller")]
    assert (printer["priority"], printer["impact"], printer["urgency"], printer["priority_overridden"]) == (2, 2, 1, 0)


def test_a_priority_the_matrix_does_not_give_is_kept_as_an_override(desk, backend, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("id,title,status,priority,impact,urgency,opened\nA-1,Disk,new,P1,low,low,2026-11-01 10:00\n")
    run(desk, "csv", path, maps=["id=key", "opened=opened_at"])
    row = incident(backend, "A-1")
    assert (row["priority"], row["priority_overridden"]) == (1, 1)
    assert "the matrix gives P5" in row["override_reason"]


def test_ambiguous_day_and_month_need_date_order(desk, backend, tmp_path):
    path = tmp_path / "us.csv"
    path.write_text("key,title,status,priority,opened_at\nX-1,One,new,P3,03/04/2026 10:00\n"
                    "X-2,Two,new,P3,05/06/2026 11:00\n")
    with pytest.raises(ValidationError, match="--date-order dmy or --date-order mdy"):
        run(desk, "csv", path)
    run(desk, "csv", path, date_order="mdy")
    assert incident(backend, "X-1")["opened_at"] == utc(2026, 3, 4, 10)


def test_a_bad_row_stops_everything_unless_skip_invalid(desk, backend, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("key,title,status,priority,opened_at\nB-1,Fine,new,P3,2026-11-01 10:00\n"
                    "B-2,Bad date,new,P3,2026-13-45 10:00\nB-3,Bad status,erledigt,P3,2026-11-02 10:00\n"
                    "B-4,Also fine,closed,P4,2026-11-03 10:00\n")
    before = dump(backend)
    report = run(desk, "csv", path)
    assert not report.written and dump(backend) == before
    assert [(p.row, p.column, p.value) for p in report.problems] == [
        (3, "opened_at", "2026-13-45 10:00"), (4, "status", "erledigt")]
    dry = run(desk, "csv", path, skip_invalid=True, dry_run=True)
    assert (dry.written, dry.new, dry.skipped) == (False, 2, 2) and dump(backend) == before
    done = run(desk, "csv", path, skip_invalid=True)
    assert done.written and done.skipped_rows == [3, 4]
    assert [r[0] for r in query(backend, "SELECT external_key FROM incident ORDER BY id")] == ["B-1", "B-4"]


def test_an_unknown_mapped_column_and_a_missing_key_are_refused(desk, tmp_path):
    with pytest.raises(ValidationError, match="does not have; its columns are: Nummer"):
        run(desk, "csv", "local_de.csv", maps=["Ticket=key"])
    with pytest.raises(ValidationError, match="No column of local_de.csv is mapped to key"):
        run(desk, "csv", "local_de.csv", maps=["Kurzbeschreibung=title"])
    with pytest.raises(ValidationError, match="Unknown field 'titel'"):
        run(desk, "csv", "local_de.csv", maps=["Kurzbeschreibung=titel"])


def test_only_an_admin_imports(desk, backend):
    desk.users.add_user(actor=desk.actor, username="alex", role="lead")
    alex = backend.open("alex")
    try:
        with pytest.raises(PermissionDenied, match=r"alex is a lead; only an admin may import incidents \(it "
                                                   r"creates users, teams and categories\)\."):
            run(alex, "servicenow", "servicenow_list.csv")
    finally:
        alex.close()


def test_cancel_leaves_the_database_unchanged(desk, backend, tmp_path):
    path = tmp_path / "many.csv"
    lines = ["key,title,status,priority,opened_at"]
    lines += [f"M-{n},Incident {n},closed,P4,2026-10-01 10:{n % 60:02d}" for n in range(5000)]
    path.write_text("\n".join(lines) + "\n")
    before = dump(backend)
    cancel = threading.Event()
    seen = []

    def progress(done, total, phase):
        seen.append((done, total, phase))
        if phase == "writing":
            cancel.set()

    report = Transfer(desk).import_file(ImportOptions(format="csv", path=path, tz="UTC"), progress=progress,
                                        cancel=cancel)
    assert report.cancelled and not report.written
    assert ("writing" in {p for _, _, p in seen}) and dump(backend) == before


def test_a_file_that_is_not_text_is_refused(desk, tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_bytes(b"PK\x03\x04\x00\x00binary\x00zip")
    with pytest.raises(ValidationError, match="not text in UTF-8 or Windows-1252"):
        run(desk, "csv", path)


def test_an_event_log_imported_twice_and_an_incident_logged_after_it(desk):
    report = run(desk, "servicenow", "servicenow_eventlog.csv")
    assert report.written and report.new == 3
    again = run(desk, "servicenow", "servicenow_eventlog.csv")
    assert (again.new, again.unchanged) == (0, 3)
    shown = desk.incidents.get_incident("INC-000001")
    assert (shown.external_key, shown.status.slug, shown.reopen_count) == ("INC0000045", "closed", 1)
    assert [e.new_value for e in desk.incidents.timeline("INC-000001", newest_first=False)
            if e.kind == "status"] == ["resolved", "in_progress", "resolved", "closed"]
    logged = desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(title="After", category="Network"))
    assert logged.key == "INC-000004"


def test_titles_are_one_line_of_plain_text(desk, backend, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text('key,title,status,priority,opened_at\nO-1,"Bell\x07 and\ttab\r\nand break",new,P3,'
                    '2026-11-01 10:00\n', encoding="utf-8")
    run(desk, "csv", path)
    assert incident(backend, "O-1")["title"] == "Bell and tab and break"


def test_a_tab_separated_servicenow_list_with_day_month_year_dashes(desk, backend, tmp_path):
    """ServiceNow's other date form (DD-MM-YYYY HH:MM) in a tab-separated file: the day-first reading is
    detected from a day above 12 in the same column, the tab from the header."""
    path = tmp_path / "sn.tsv"
    path.write_text("number\tstate\topened_at\tshort_description\tpriority\tresolved_at\n"
                    "INC0020001\tResolved\t03-11-2026 08:15\tPrinter jammed\t4 - Low\t25-11-2026 17:05\n"
                    "INC0020002\tNew\t24-11-2026 09:30\tVPN slow\t3 - Moderate\t?\n", encoding="utf-8")
    report = run(desk, "servicenow", path)
    assert report.written and report.detected["delimiter"] == "tab" and report.new == 2
    printer = incident(backend, "INC0020001")
    assert (printer["opened_at"], printer["resolved_at"]) == (utc(2026, 11, 3, 8, 15), utc(2026, 11, 25, 17, 5))
    vpn = incident(backend, "INC0020002")
    assert (vpn["opened_at"], vpn["resolved_at"], vpn["priority"]) == (utc(2026, 11, 24, 9, 30), None, 3)


def test_excels_unicode_text_utf16_with_a_tab_reads_like_the_utf8_file(desk, backend, tmp_path):
    """Excel's 'Unicode text' export: UTF-16 with a BOM, tab-separated; the German file read from it gives
    the same incidents as from Windows-1252 with semicolons."""
    text = (FIXTURES / "local_de.csv").read_bytes().decode("cp1252").replace(";", "\t")
    path = tmp_path / "unicode.txt"
    path.write_bytes(text.encode("utf-16"))  # Python writes the BOM, little-endian here
    assert path.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    report = run(desk, "csv", path, maps=GERMAN_MAP, values=GERMAN_VALUES, tz="Europe/Berlin")
    assert report.written and (report.detected["encoding"], report.detected["delimiter"]) == ("UTF-16", "tab")
    printer = incident(backend, "T-1")
    assert (printer["title"], printer["reporter_name"]) == ("Drucker im 2. Stock druckt nicht", "Käthe Groß")
    assert printer["opened_at"] == utc(2026, 11, 3, 7, 30)
