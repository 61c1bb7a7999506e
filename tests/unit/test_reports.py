"""Reports through the real command line: what a customer report leaves out (searched in the Markdown, the
HTML and the PDF's text as pdftotext reads it), stable Markdown, the monthly review's rows, PDF pages."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest

from incident_desk.cli import main
from incident_desk.reports.export import export_incident_report, export_review
from incident_desk.services.clock import ManualClock
from incident_desk.services.desk import Desk
from incident_desk.services.incidents import IncidentDraft

# Strings that must never reach a customer: each one appears once, in one place only.
REPORTER = "Quentin Zyxwabc"
CONTACT = "qz7741@example.net"
WORK_NOTE = "Wkplant4471 restarted postfix"
COMMENT = "Cmplant9932 caller chased"
DESCRIPTION = "Dsplant5510 in the basement"
INTERNAL_SERVICE = "Svplant6620 relay"   # an internal service the incident names: never told to customers
PLANTED = (REPORTER, CONTACT, WORK_NOTE, COMMENT, DESCRIPTION, INTERNAL_SERVICE)
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def pdf_text(path: Path) -> str:
    """The PDF's text as poppler reads it (an oracle that shares no code with the writer). NFKC folds the
    font's ligatures (U+FB01 for 'fi') back into letters, so a planted 'fi' cannot hide in one."""
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is missing: install the Makefile's TEST_DEBS"
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return unicodedata.normalize("NFKC", text)


def flat(text: str) -> str:
    return " ".join(text.split())


def build_incident(backend) -> str:
    """A P1 with everything a customer must not see, a published postmortem and an action item."""
    clock = ManualClock(datetime(2026, 11, 2, 8, 0, tzinfo=UTC))
    desk = backend.open(clock=clock)
    admin = desk.actor
    desk.users.add_user(actor=admin, username="lena", display_name="Lena Lead", role="lead", team="Messaging",
                        email="lena@corp.example")
    desk.users.add_user(actor=admin, username="alex", display_name="Alex Agent", role="agent", team="Messaging")
    lena, alex = desk.users.actor("lena"), desk.users.actor("alex")
    desk.communication.add_service(actor=admin, name="Company e-mail", public=True)
    desk.communication.add_service(actor=admin, name=INTERNAL_SERVICE, public=False)
    inc = desk.incidents.log_incident(actor=alex, draft=IncidentDraft(
        title="Mail server not accepting mail", category="Email", service=INTERNAL_SERVICE, impact="high",
        urgency="high", description=DESCRIPTION, reporter_name=REPORTER, reporter_contact=CONTACT,
        assignee="alex"))
    clock.advance(minutes=4)
    desk.incidents.transition(actor=alex, key=inc.key, to="acknowledged")
    desk.communication.announce(actor=alex, key=inc.key, state="investigating", services=["Company e-mail"],
                                message="We are looking into refused mail.")
    clock.advance(minutes=6)
    desk.incidents.comment(actor=alex, key=inc.key, text=WORK_NOTE, work_note=True)
    desk.incidents.comment(actor=alex, key=inc.key, text=COMMENT)
    clock.advance(minutes=50)
    desk.incidents.transition(actor=alex, key=inc.key, to="in_progress")
    clock.advance(minutes=40)
    desk.incidents.transition(actor=alex, key=inc.key, to="resolved", resolution_code="fixed", root_cause="capacity",
                              resolution_notes=f"Freed the log partition; told {REPORTER} at {CONTACT}.")
    pm = desk.postmortems.get(inc.key)
    desk.postmortems.add_entry(actor=alex, key=inc.key, at=datetime(2026, 11, 2, 7, 40, tzinfo=UTC),
                               text="Log partition on mx1 reached 100 %", milestone="impact_start")
    mitigation = desk.postmortems.add_entry(actor=alex, key=inc.key, at=datetime(2026, 11, 2, 8, 30, tzinfo=UTC),
                                            text="Traffic moved to mx2", milestone="mitigated")
    pm = desk.postmortems.get(inc.key)
    desk.postmortems.update(actor=alex, key=inc.key, expected_version=pm.version, changes={
        "summary": f"Incoming mail was refused for two hours; Alex Agent and {REPORTER} noticed first.",
        "impact_who": "Every mailbox of the company", "impact_count": 1200,
        "customer_impact": "Mail sent to us bounced; nothing was lost.",
        "response": "We moved traffic to the second mail server, then freed the full partition.",
        "root_cause": "The log partition of mx1 filled up; no alert watched it.",
        "went_badly": "Paging lena@corp.example took ten minutes (call +49 30 1234 5678)."})
    item = desk.action_items.add(actor=alex, title="Alert when a log partition passes 80 %", owner="alex",
                                 due="2026-11-30", incident=inc.key)
    assert item.owner == "alex" and mitigation.milestone.value == "mitigated"
    desk.postmortems.move(actor=alex, key=inc.key, to="in_review")
    clock.advance(hours=20)
    desk.postmortems.move(actor=lena, key=inc.key, to="published")
    desk.close()
    return inc.key


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def incident_db(backend):
    key = build_incident(backend)
    return backend, key


def test_a_customer_report_names_nobody_and_keeps_internal_notes_out(incident_db, tmp_path, capsys):
    db, key = incident_db
    texts = {}
    for audience in ("internal", "customer"):
        for fmt in ("md", "html", "pdf"):
            out = tmp_path / f"{audience}.{fmt}"
            code, printed, err = run(capsys, *db.cli_args(), "report", key, "--format", fmt, "-o", str(out),
                                     "--audience", audience)
            assert (code, err) == (0, "") and printed == f"Wrote {out}.\n"
            text = pdf_text(out) if fmt == "pdf" else out.read_text(encoding="utf-8")
            if fmt == "md":
                text = re.sub(r"\\(.)", r"\1", text)  # read the Markdown as its reader sees it
            texts[audience, fmt] = flat(text)
    for fmt in ("md", "html", "pdf"):
        customer, internal = texts["customer", fmt], texts["internal", fmt]
        for secret in PLANTED:
            assert secret not in customer, f"{secret!r} leaked into the customer {fmt}"
            assert secret.split()[0] not in customer
        # The search can see them: each is in the internal report of the same format.
        for secret in (REPORTER, CONTACT, WORK_NOTE.split()[0], COMMENT.split()[0], DESCRIPTION.split()[0],
                       INTERNAL_SERVICE):
            assert secret in internal, f"{secret!r} missing from the internal {fmt}"
        # Nobody's name or contact in the customer text, even where an author typed them.
        for person in ("Alex Agent", "alex", "Lena", "lena@corp.example", "+49 30 1234 5678"):
            assert person not in customer, f"{person!r} in the customer {fmt}"
        assert "Incoming mail was refused for two hours; [redacted] and [redacted] noticed first." in customer
        assert "Alert when a log partition passes 80 %" in customer


def test_a_command_line_process_writes_the_pdf_with_no_display(incident_db, tmp_path):
    """The real process, as a cron job runs it: no display, no Qt platform chosen, no Qt application yet
    (the tests above share this process's QApplication, so only a process of its own checks that path)."""
    db, key = incident_db
    out = tmp_path / "customer.pdf"
    env = {k: v for k, v in db.cli_env().items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    done = subprocess.run([sys.executable, "-m", "incident_desk", *db.cli_args(), "report", key, "--format", "pdf",
                           "-o", str(out), "--audience", "customer"], capture_output=True, text=True, timeout=120,
                          env=env, cwd=str(Path(__file__).resolve().parents[2]))
    assert (done.returncode, done.stdout, done.stderr) == (0, f"Wrote {out}.\n", "")
    assert "Mail server not accepting mail" in flat(pdf_text(out))


def test_the_customer_report_says_what_happened_impact_what_was_done_and_prevention(incident_db, tmp_path, capsys):
    db, key = incident_db
    out = tmp_path / "customer.md"
    assert run(capsys, *db.cli_args(), "report", key, "-o", str(out), "--audience", "customer")[0] == 0
    md = out.read_text(encoding="utf-8")
    headings = re.findall(r"^#+ (.*)$", md, flags=re.M)
    assert headings == ["Incident report: Mail server not accepting mail", "At a glance", "Key durations",
                        "What happened", "Impact", "What we did", "Why it happened", "Timeline",
                        "What will prevent a repeat"]
    assert "| Affected | Company e-mail |" in md           # the public service; the internal one stays inside
    assert "| Duration of impact | 50 min |" in md          # 07:40 impact start to 08:30 mitigation
    assert "| Time to resolve | 1.7 h | From our alert to the problem being resolved. |" in md
    assert "Number affected: 1,200" in md
    assert ("| 2026-11-02 07:40 | The problem began |\n| 2026-11-02 08:00 | We were alerted and opened an incident |\n"
            "| 2026-11-02 08:04 | An engineer started working on it |\n"
            "| 2026-11-02 08:30 | The impact was mitigated |\n| 2026-11-02 09:40 | The problem was resolved |") in md
    assert "| Alert when a log partition passes 80 % | November 2026 | Open |" in md


def fixed_desk(backend) -> Desk:
    return backend.open(clock=ManualClock(NOW))


def test_internal_markdown_is_stable_with_sections_and_rows(incident_db, tmp_path):
    db, key = incident_db
    first, second = tmp_path / "a.md", tmp_path / "b.md"
    for out in (first, second):
        desk = fixed_desk(db)
        export_incident_report(desk, key, out)
        desk.close()
    md = first.read_text(encoding="utf-8")
    assert md == second.read_text(encoding="utf-8")
    assert md.startswith(f"# Postmortem: {key} Mail server not accepting mail\n\n*Internal: contains names, "
                         f"contacts and internal notes · generated 2026-11-20 12:00 UTC*\n")
    headings = re.findall(r"^## (.*)$", md, flags=re.M)
    assert headings == ["At a glance", "Key durations", "As reported", "Summary", "Customer impact", "Detection",
                        "Response", "Root cause", "Contributing factors", "What went well", "What went badly",
                        "Timeline", "Action items", "Comments and work notes"]
    for row in (f"| Reporter | {REPORTER} \\<{CONTACT}\\> via phone |",
                "| Root-cause category | capacity |",
                "| Postmortem | Published (required) |",
                "| Written by | alex |",
                "| Approved by | lena on 2026-11-03 05:40 UTC |",
                "| Time to detect | 20 min |",                                      # 07:40 -> opened 08:00
                "| Time to acknowledge | 4 min |",
                "| Time to mitigate | 30 min |",
                "| Response target | met |",
                "| 2026-11-02 07:40 | Log partition on mx1 reached 100 % | alex | Impact began |",
                "| 2026-11-02 08:00 | Incident opened: Mail server not accepting mail | alex |   |",
                "| 2026-11-02 09:40 | Resolved (fixed) | alex |   |",
                "| Alert when a log partition passes 80 % | alex | 2026-11-30 | Open |",
                f"| 2026-11-02 08:10 | work note | alex | {WORK_NOTE} |"):
        assert row in md, row


def test_untrusted_text_stays_text_in_every_format(backend, tmp_path, capsys):
    clock = ManualClock(datetime(2026, 11, 2, 8, 0, tzinfo=UTC))
    desk = backend.open(clock=clock)
    title = "<script>alert(1)</script> | # [x](javascript:y)"
    inc = desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(title=title, category="Email"))
    desk.close()
    md_out, html_out = tmp_path / "r.md", tmp_path / "r.html"
    for out in (md_out, html_out):
        assert run(capsys, *backend.cli_args(), "report", inc.key, "-o", str(out))[0] == 0
    html_text = html_out.read_text(encoding="utf-8")
    assert "<script>" not in html_text and "&lt;script&gt;alert(1)&lt;/script&gt;" in html_text
    md = md_out.read_text(encoding="utf-8")
    assert md.splitlines()[0] == \
        f"# Closure report: {inc.key} \\<script\\>alert(1)\\</script\\> \\| \\# \\[x\\](javascript:y)"


# ---------------------------------------------------------------- the monthly review

def build_review(backend) -> None:
    """October: one P2 resolved in 10 h. November: a P1 (2 h), a P2 (4 h, reopened once), a P4 still open and
    a cancelled P1; one overdue action item, one without an owner."""
    clock = ManualClock(datetime(2026, 10, 6, 9, 0, tzinfo=UTC))
    desk = backend.open(clock=clock)
    a = desk.actor
    desk.users.add_user(actor=a, username="sam", display_name="Sam Agent", role="agent")

    def log(title, impact, urgency, category="Network"):
        return desk.incidents.log_incident(actor=a, draft=IncidentDraft(title=title, category=category,
                                                                       impact=impact, urgency=urgency)).key

    def move(key, status, **kw):
        desk.incidents.transition(actor=a, key=key, to=status, **kw)

    october = log("Core switch reboot", "high", "medium")
    clock.advance(hours=1)
    move(october, "acknowledged")
    clock.advance(hours=9)
    move(october, "resolved", resolution_code="fixed")
    clock.set(datetime(2026, 11, 3, 8, 0, tzinfo=UTC))
    p1 = log("Data centre power loss", "high", "high", "Facilities")
    p2 = log("VPN gateway flapping", "high", "medium")
    log("Printer driver missing", "low", "medium", "Printing")
    gone = log("Duplicate page from monitoring", "high", "high", "Server")
    clock.advance(minutes=30)
    move(p1, "acknowledged")
    move(p2, "acknowledged")
    move(gone, "cancelled", cancel_reason="logged twice")
    clock.advance(hours=1, minutes=30)
    move(p1, "resolved", resolution_code="fixed")          # 2 h
    move(p2, "resolved", resolution_code="workaround")     # reopened below
    move(p2, "in_progress")
    clock.advance(hours=2)
    move(p2, "resolved", resolution_code="fixed")          # final: 4 h after opening
    desk.action_items.add(actor=a, title="Second power feed", owner="sam", due="2026-11-10", incident=p1)
    desk.action_items.add(actor=a, title="Review VPN firmware", incident=p2)
    desk.close()


def test_review_markdown_has_the_months_figures_and_rows(backend, tmp_path):
    build_review(backend)
    outs = [tmp_path / "review.md", tmp_path / "again.md"]
    for out in outs:
        desk = fixed_desk(backend)
        files = export_review(desk, "2026-11", out)
        desk.close()
    assert [f.name for f in files] == ["again.md", "again-volume.png", "again-mttr.png"]
    md = outs[0].read_text(encoding="utf-8")
    assert md == outs[1].read_text(encoding="utf-8").replace("again-", "review-")
    assert md.startswith("# Monthly incident review: November 2026\n\n*For team leads and the board · November "
                         "2026 (UTC) · generated 2026-11-20 12:00 UTC*\n")
    assert re.findall(r"^## (.*)$", md, flags=re.M) == ["Headline figures", "Category trend", "Time to resolve",
                                                         "Major incidents", "Action items", "Problems"]
    # By hand: November opened 4 (cancelled included), resolved 2 (2 h and 4 h: mean 3, nearest-rank median
    # the lower 2, p90 4), acknowledged 2 after 30 min; October 1 opened, resolved after 10 h, acknowledged
    # after 1 h. Reopen rate: 1 of 2 resolved in November was reopened. SLA: the default resolution targets
    # are P1 4 h and P2 8 h around the clock: November's P1 (2 h) and P2 (2 h + 2 h after the reopen) met
    # them, October's P2 (10 h) missed its 8 h.
    for row in ("| Incidents opened | 4 | 1 | +300 % |",
                "| Incidents resolved | 2 | 1 | +100 % |",
                "| MTTA (mean) | 30 min | 1.0 h | -50 % (better) |",
                "| MTTR (mean) | 3.0 h | 10.0 h | -70 % (better) |",
                "| MTTR (median) | 2.0 h | 10.0 h | -80 % (better) |",
                "| MTTR (p90) | 4.0 h | 10.0 h | -60 % (better) |",
                "| SLA compliance | 100.0 % | 0.0 % | +100.0 pts (better) |",
                "| Reopen rate | 50.0 % | 0.0 % | +50.0 pts (worse) |",
                "| Category | 2026-06 | 2026-07 | 2026-08 | 2026-09 | 2026-10 | 2026-11 |",
                "| Network | 0 | 0 | 0 | 0 | 1 | 1 |",
                "| Facilities | 0 | 0 | 0 | 0 | 0 | 1 |",
                "| 2026-10 | 10.0 | 10.0 | 10.0 |",
                "| 2026-11 | 3.0 | 2.0 | 4.0 |",
                "| INC-000002 | P1 | Data centre power loss | Facilities | 2.0 h | Draft |",
                "| INC-000003 | P2 | VPN gateway flapping | Network | 4.0 h | Draft |",
                "| Second power feed | sam | 2026-11-10 | INC-000002 | Open |"):
        assert row in md, row
    assert "INC-000005" not in md  # the cancelled P1 is no major incident
    assert ("2 incidents of priority P1, P2 were opened in November 2026 (cancelled ones left out); each needs a "
            "postmortem once resolved. Postmortems: 2 draft.") in md
    assert "2 open, 1 overdue, 1 without an owner (on 2026-11-20)." in md
    assert (tmp_path / "review-volume.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_review_pdf_pages_have_numbers_headings_charts_and_tables(backend, tmp_path, capsys):
    build_incident(backend)
    out = tmp_path / "review.pdf"
    assert run(capsys, *backend.cli_args(), "review", "--month", "2026-11", "-o", str(out))[0] == 0
    text = pdf_text(out)
    pages = text.count("\f")
    assert pages >= 2
    for n in range(1, pages + 1):
        assert f"Page {n} of {pages}" in text
    for heading in ("Monthly incident review: November 2026", "Headline figures", "Category trend",
                    "Time to resolve", "Major incidents", "Action items"):
        assert heading in text
    assert "Incidents opened (count)" in text and "MTTR per month: mean, median and p90" in text
    assert shutil.which("pdftoppm"), "pdftoppm (poppler-utils) is missing"
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(out), str(tmp_path / "page")], check=True)
    from PIL import Image
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == pages
    first = Image.open(images[0]).convert("L")
    dark = sum(first.histogram()[:128])
    assert dark > 2000  # text and a chart, not an empty page


def test_bad_report_requests_are_one_line_and_write_nothing(incident_db, tmp_path, capsys):
    db, key = incident_db
    cases = [
        (["review", "--month", "2026-13", "-o", str(tmp_path / "r.pdf")],
         "The month '2026-13' is not a month; write it as YYYY-MM, e.g. 2026-10."),
        (["report", "INC-999999", "-o", str(tmp_path / "r.pdf")], "There is no incident INC-999999."),
        (["report", key, "-o", str(tmp_path / "r.docx")], "Unknown report format 'docx'; use pdf, html or md."),
        (["report", key, "-o", str(tmp_path / "missing" / "r.pdf")], f"The folder {tmp_path / 'missing'} does not "
                                                                       "exist."),
    ]
    for args, message in cases:
        code, out, err = run(capsys, *db.cli_args(), *args)
        assert (code, out, err) == (2, "", f"incident-desk: {message}\n")
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".db" and "desk.db" not in p.name) == []


def test_reports_are_written_whole_or_not_at_all(incident_db, tmp_path, capsys, monkeypatch):
    db, key = incident_db
    out = tmp_path / "r.pdf"
    out.write_bytes(b"old report")

    def broken(*_a, **_k):
        raise OSError("disk full")
    monkeypatch.setattr("incident_desk.reports.pdf.write_pdf", broken)
    code, _out, err = run(capsys, *db.cli_args(), "report", key, "-o", str(out))
    assert code == 2 and err.startswith("incident-desk: disk full")
    assert out.read_bytes() == b"old report"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".r.pdf")] == []


def test_review_covers_a_month_with_nothing_in_it(desk, tmp_path, capsys, backend):
    desk.close()
    out = tmp_path / "empty.md"
    assert run(capsys, *backend.cli_args(), "review", "--month", "2020-02", "-o", str(out))[0] == 0
    md = out.read_text(encoding="utf-8")
    assert "| Incidents opened | 0 | 0 | no change |" in md and "| MTTR (mean) | - | - | - |" in md
    assert "0 incidents of priority P1, P2 were opened in February 2020" in md


def test_review_says_so_when_no_priority_needs_a_postmortem(desk, tmp_path):
    desk.settings.set_closure_policy(actor=desk.actor, policy={"postmortem_priorities": []})
    out = tmp_path / "review.md"
    export_review(desk, "2026-10", out)
    assert "No priority needs a postmortem under the closure policy, so no incident counts as major." in \
        out.read_text(encoding="utf-8")
