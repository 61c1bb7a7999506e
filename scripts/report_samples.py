"""Build the sample reports shown in the README: a demo desk with a month of closure work, its monthly review,
a postmortem (internal) and a customer report, each rendered to PNG pages with pdftoppm.

    .venv/bin/python scripts/report_samples.py [OUT_DIR]      (default docs/reports)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from incident_desk.domain.reporting import month_of  # noqa: E402
from incident_desk.reports.export import export_incident_report, export_review  # noqa: E402
from incident_desk.services.demo import DemoGenerator  # noqa: E402
from incident_desk.services.desk import Desk  # noqa: E402

SUMMARY = ("Mail to and from the company was refused; messages sent to us bounced and were retried by the senders' "
           "servers, so none was lost.")


def build(db: Path) -> tuple[Desk, str, str]:
    desk = Desk.open(str(db))
    DemoGenerator(desk.store, clock=desk.clock, settings=desk.settings).generate(actor=desk.actor, count=20_000,
                                                                                   seed=7, days=365)
    desk.close()
    desk = Desk.open(str(db))
    month = month_of(desk.clock()).previous()
    rows = desk.store.db.execute_sql(
        "SELECT key FROM incident WHERE priority <= 2 AND status IN (50, 60) AND opened_at >= ? AND opened_at < ? "
        "ORDER BY category <> 'Email', priority, ttr_s DESC LIMIT 14",
        (int(month.start.timestamp()), int(month.end.timestamp()))).fetchall()
    keys = [r[0] for r in rows]
    people = desk.users.usernames()
    lead = next(u["username"] for u in desk.users.list_users() if u["role"] == "lead")
    reviewer = desk.users.actor(lead)
    for n, key in enumerate(keys):
        inc = desk.incidents.set_root_cause(actor=desk.actor, key=key, category="configuration")
        desk.postmortems.start(actor=desk.actor, key=key, author=people[n % len(people)])
        if n % 3 == 2:
            continue  # a draft
        desk.postmortems.add_entry(actor=desk.actor, key=key, at=inc.opened_at - timedelta(minutes=12 + n),
                                   text="First errors in the service's log", milestone="impact_start")
        desk.postmortems.add_entry(actor=desk.actor, key=key, at=inc.opened_at + (inc.resolved_at - inc.opened_at) / 3,
                                   text="Traffic moved to the standby", milestone="mitigated")
        desk.postmortems.update(actor=desk.actor, key=key, expected_version=desk.postmortems.get(key).version,
                                     changes={"summary": SUMMARY,
                                              "impact_who": "Everyone sending or receiving mail",
                                              "impact_count": 1200 + 37 * n,
                                              "customer_impact": "Incoming mail bounced with a temporary error; "
                                                                 "nothing was lost.",
                                              "detection": "The mail queue alert fired twelve minutes after the "
                                                           "first errors.",
                                              "response": "We moved traffic to the standby server, then freed "
                                                          "the full log partition on the primary.",
                                              "root_cause": "The log partition had no alert, and log rotation had "
                                                            "been disabled by a configuration change.",
                                              "contributing_factors": "Month-end volume doubled the log rate.",
                                              "went_well": "The standby took the traffic within minutes.",
                                              "went_badly": "Nobody was told the rotation had been disabled."})
        owner = people[(n + 1) % len(people)]
        desk.action_items.add(actor=desk.actor, title="Alert when a log partition passes 80 %", owner=owner,
                              due=(month.end + timedelta(days=10 + n)).date(), incident=key)
        desk.action_items.add(actor=desk.actor, title="Review configuration changes to log rotation",
                              owner=people[(n + 2) % len(people)], due=(month.start + timedelta(days=20)).date(),
                              incident=key)
        desk.postmortems.move(actor=desk.actor, key=key, to="in_review")
        if n % 3 == 0:
            desk.postmortems.move(actor=reviewer, key=key, to="published")
    problem = desk.problems.create(actor=desk.actor, title="Mail server log partition fills up", incidents=keys[:3],
                                   workaround="Move traffic to the standby, then delete rotated logs on the primary.")
    desk.problems.set_status(actor=desk.actor, key=problem.key, status="known_error")
    return desk, month.label, keys[0]


def pages(pdf: Path, stem: Path, dpi: int) -> list[Path]:
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(stem)], check=True)
    return sorted(stem.parent.glob(stem.name + "-*.png"))


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "reports"
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="report-samples-"))
    desk, month, key = build(work / "desk.db")
    try:
        export_review(desk, month, work / "review.pdf")
        export_incident_report(desk, key, work / "postmortem.pdf")
        export_incident_report(desk, key, work / "customer.pdf", audience="customer")
    finally:
        desk.close()
    wanted = {"review": 1, "postmortem": 2, "customer": 1}  # the review's first page; the timeline pages
    for name, page in wanted.items():
        found = pages(work / f"{name}.pdf", work / name, 100)
        target = out / f"{name}-page{page}.png"
        found[page - 1].replace(target)
        print(f"{target} (page {page} of {len(found)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
