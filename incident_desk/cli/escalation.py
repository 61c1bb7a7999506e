"""The `escalate` and `notifications` sub-commands: run the escalation engine headless, read an inbox."""

from __future__ import annotations

import argparse
import sys
import time

from incident_desk.cli.common import parse_time, print_json, printable, seconds, short_time, whole
from incident_desk.services.errors import ValidationError

DEFAULT_WATCH_INTERVAL_S = 30.0


def register(subparsers) -> None:
    """Add `escalate` and `notifications` to the main parser's sub-commands."""
    p = subparsers.add_parser("escalate", help="raise the escalations that are due (once, or keep watching)",
                              description="Raise every escalation due by now (or --now), each once per "
                                          "incident cycle, even with several desks running; close resolved "
                                          "incidents the closure policy's days after resolution and tell "
                                          "owners of overdue action items, each once.")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--once", action="store_true", help="scan once and exit (the default)")
    mode.add_argument("--watch", action="store_true", help="scan every --interval seconds until interrupted")
    p.add_argument("--now", metavar="ISO", help="evaluate as of this instant instead of the clock (with --once; "
                                                "admins only, for tests and catching up by hand)")
    p.add_argument("--force", action="store_true",
                   help="with --now: allow an instant more than a day away from the clock")
    p.add_argument("--interval", type=seconds("--interval"), default=DEFAULT_WATCH_INTERVAL_S, metavar="SECONDS",
                   help=f"seconds between scans with --watch (default {DEFAULT_WATCH_INTERVAL_S:g}; at most a day)")
    # Tests stop a watch with it.
    p.add_argument("--max-runs", type=whole("--max-runs", low=1), default=None, help=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true", help="print the raised escalations as JSON")
    p.set_defaults(func=run_escalate)

    q = subparsers.add_parser("notifications", help="list a user's notification inbox",
                              description="List a user's notifications, newest first.")
    q.add_argument("--user", dest="inbox_user", metavar="NAME", help="whose inbox (default: the acting user)")
    q.add_argument("--unread", action="store_true", help="only unread ones (not snoozed)")
    q.add_argument("--limit", type=whole("--limit", low=1, high=1000), default=50,
                   help="at most this many (default 50)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=run_notifications)


def _print_raised(raised: list[dict], as_json: bool, closure: list[dict] = ()) -> None:
    """Escalations raised, then what the closure pass did (auto-closes, overdue action items)."""
    if as_json:
        print_json([*raised, *closure])
        return
    if not raised:
        print("No escalations due.")
    else:
        print(f"Raised {len(raised)} escalation{'s' if len(raised) != 1 else ''}:")
    for item in raised:
        level = f"level {item['level']}" if item["raised_level"] else "warning"
        who = ", ".join(item["recipients"]) or "nobody"
        print(f"  {item['incident']}  {item['priority']}  {printable(item['rule']):<16} {level:<8} due "
              f"{item['due_at']}  -> {who}  {printable(item['title'])}")
    closed = [c for c in closure if c["kind"] == "auto_close"]
    overdue = [c for c in closure if c["kind"] == "action_item_overdue"]
    if closed:
        print(f"Closed {len(closed)} resolved incident{'s' if len(closed) != 1 else ''} automatically:")
        for item in closed:
            print(f"  {item['incident']}  due {item['due_at']}  {printable(item['title'])}")
    if overdue:
        print(f"Told the owners of {len(overdue)} overdue action item{'s' if len(overdue) != 1 else ''}:")
        for item in overdue:
            about = item['incident'] or item['problem'] or ''
            print(f"  #{item['id']}  due {item['due']}  {about}  {printable(item['title'])}")
    due = [c for c in closure if c["kind"] == "update_due"]
    if due:
        print(f"Reminded {len(due)} major incident{'s' if len(due) != 1 else ''}' assignees of a public update due:")
        for item in due:
            print(f"  {item['incident']}  due {item['due_at']}")
    sys.stdout.flush()


def run_escalate(desk, args) -> int:
    # Every option is checked before the first scan writes anything (argparse checked --interval).
    if args.watch:
        if args.now:
            raise ValidationError("--now works only with --once; --watch follows the clock.", field="now")
        runs = 0
        try:
            while args.max_runs is None or runs < args.max_runs:
                _print_raised(desk.escalation.scan(actor=desk.actor), args.json, desk.escalation.last_closure)
                runs += 1
                if args.max_runs is None or runs < args.max_runs:
                    time.sleep(args.interval)
        except KeyboardInterrupt:
            pass
        return 0
    now = parse_time(args.now, what="--now time") if args.now else None
    _print_raised(desk.escalation.scan(now, actor=desk.actor, force=args.force), args.json,
                  desk.escalation.last_closure)
    return 0


def run_notifications(desk, args) -> int:
    user = args.inbox_user or desk.actor
    items = desk.notifications.inbox(user, unread_only=args.unread, limit=args.limit, actor=desk.actor)
    if args.json:
        print_json([i.to_dict() for i in items])
        return 0
    if not items:
        print("No notifications." if not args.unread else "No unread notifications.")
        return 0
    for item in items:
        mark = "*" if item.unread else " "
        print(f"{mark} {short_time(item.created_at)}  {item.kind:<10} {item.severity:<8} {printable(item.title)}")
    return 0
