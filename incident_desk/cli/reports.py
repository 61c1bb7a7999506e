"""The `report` and `review` sub-commands: an incident's closure report or postmortem, the monthly review."""

from __future__ import annotations

import argparse
import sys

from incident_desk.cli.common import print_json
from incident_desk.domain.reporting import AUDIENCES, FORMATS


def register(subparsers) -> None:
    """Add `report` and `review` to the CLI's sub-commands."""
    p = subparsers.add_parser(
        "report", help="write an incident's closure report or postmortem (PDF, HTML or Markdown)",
        description="Write the closure report of an incident, or its postmortem when it has one. 'internal' "
                    "has everything; 'customer' leaves out work notes, comments, people's names and contacts, "
                    "and uses only a published postmortem.")
    p.add_argument("key", help="the incident, e.g. INC-000042")
    p.add_argument("--format", choices=FORMATS, help="pdf, html or md (default: from the file name)")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="where to write it")
    p.add_argument("--audience", choices=AUDIENCES, default="internal", help="internal (default) or customer")
    p.add_argument("--json", action="store_true", help="print the files written as JSON")
    p.set_defaults(func=run_report)

    q = subparsers.add_parser(
        "review", help="write the monthly review for team leads and the board",
        description="Write the monthly review: volume, MTTA, MTTR (mean, median, p90), SLA compliance and reopen "
                    "rate against the previous month, the category and MTTR trends, the month's major incidents "
                    "with their postmortem status, and open and overdue action items.")
    q.add_argument("--month", required=True, metavar="YYYY-MM", help="the calendar month (UTC)")
    q.add_argument("--format", choices=FORMATS, help="pdf, html or md (default: from the file name)")
    q.add_argument("-o", "--output", required=True, metavar="FILE", help="where to write it")
    q.add_argument("--json", action="store_true", help="print the files written as JSON")
    q.set_defaults(func=run_review)


def _done(args, files) -> int:
    if args.json:
        print_json({"files": [str(f) for f in files]})
    else:
        extra = f" (and {', '.join(f.name for f in files[1:])})" if len(files) > 1 else ""
        print(f"Wrote {files[0]}{extra}.")
        sys.stdout.flush()
    return 0


def run_report(desk, args: argparse.Namespace) -> int:
    # Imported here: Qt and matplotlib are only loaded by the commands that draw.
    from incident_desk.reports.export import export_incident_report
    return _done(args, export_incident_report(desk, args.key, args.output, fmt=args.format, audience=args.audience))


def run_review(desk, args: argparse.Namespace) -> int:
    from incident_desk.reports.export import export_review
    return _done(args, export_review(desk, args.month, args.output, fmt=args.format))
