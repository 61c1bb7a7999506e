"""The argparse front door: no sub-command opens the GUI; sub-commands run headless and scriptable."""

from __future__ import annotations

import argparse
import gc
import json
import sys
from datetime import datetime, timezone
from typing import Callable, Sequence

from incident_desk import __version__
from incident_desk.config import DB_ENV_VAR, database_url

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """Bad input caught by the CLI itself; printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on bad arguments already; make its message one clear line."""

    def error(self, message: str):  # noqa: D401  (argparse override)
        self.exit(EXIT_USAGE, f"incident-desk: {message} (see '{self.prog} --help')\n")


# ---- parsing helpers -------------------------------------------------------------------------

def parse_time(text: str, *, what: str = "time") -> datetime:
    """ISO 8601; a time without an offset is read in this machine's local time zone."""
    raw = (text or "").strip()
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise CliError(f"'{text}' is not a valid {what}; use ISO 8601 such as 2026-11-02T09:30 or "
                       f"2026-11-02T09:30+01:00.") from None
    if value.tzinfo is None:
        value = value.astimezone()  # local time zone of this machine
    return value.astimezone(timezone.utc)


def _csv(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


# ---- output ------------------------------------------------------------------------------------

def _print_json(data) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def _report(args, data, text: str) -> int:
    """--json prints the data, otherwise one line for people."""
    if args.json:
        _print_json(data)
    else:
        print(text)
    return EXIT_OK


def _short_time(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else "-"


def _print_rows(rows, total: int | None) -> None:
    headers = ("KEY", "PRI", "STATUS", "ASSIGNEE", "OPENED", "TITLE")
    table = [(r.key, r.priority.label, r.status.label, r.assignee or "-", _short_time(r.opened_at), r.title)
             for r in rows]
    widths = [max([len(h)] + [len(str(row[i])) for row in table]) for i, h in enumerate(headers[:-1])]
    line = "  ".join(h.ljust(w) for h, w in zip(headers[:-1], widths)) + "  " + headers[-1]
    print(line)
    for row in table:
        print("  ".join(str(c).ljust(w) for c, w in zip(row[:-1], widths)) + "  " + row[-1])
    if total is not None and total > len(rows):
        print(f"({len(rows)} of {total} shown; use --limit to see more)")


def _print_incident(inc, timeline=None, links=None) -> None:
    fields = [
        ("Key", inc.key), ("Title", inc.title), ("Status", inc.status.label + (
            f" ({inc.hold_reason.value})" if inc.hold_reason else "")),
        ("Priority", f"{inc.priority.label}" + (f" (override: {inc.override_reason})" if inc.priority_overridden
                                                else f" (impact {inc.impact.label} x urgency {inc.urgency.label})")),
        ("Category", inc.category + (f" / {inc.subcategory}" if inc.subcategory else "")),
        ("Service", inc.service or "-"), ("Reporter", f"{inc.reporter_name} <{inc.reporter_contact}>"),
        ("Channel", inc.channel.value), ("Assignee", inc.assignee or "-"), ("Team", inc.team or "-"),
        ("Opened", _short_time(inc.opened_at)), ("Acknowledged", _short_time(inc.acknowledged_at)),
        ("Resolved", _short_time(inc.resolved_at)), ("Closed", _short_time(inc.closed_at)),
        ("Reopened", str(inc.reopen_count)), ("Escalation level", str(inc.escalation_level)),
        ("Version", str(inc.version)),
    ]
    if inc.resolution_code:
        fields.append(("Resolution", inc.resolution_code + (f": {inc.resolution_notes}" if inc.resolution_notes else "")))
    if inc.cancel_reason:
        fields.append(("Cancel reason", inc.cancel_reason))
    if inc.duplicate_of:
        fields.append(("Duplicate of", inc.duplicate_of))
    width = max(len(k) for k, _ in fields)
    for key, value in fields:
        print(f"{key.ljust(width)}  {value}")
    if inc.description:
        print("\n" + inc.description)
    if links:
        print("\nLinks:")
        for link in links:
            print(f"  {link.from_key} {link.kind.value} {link.to_key}  {link.to_title}")
    if timeline:
        print("\nTimeline (newest first):")
        for ev in timeline:
            what = ev.kind
            if ev.field:
                what += f" {ev.field}: {ev.old_value or '-'} -> {ev.new_value or '-'}"
            elif ev.new_value and ev.kind != "created":
                what += f" {ev.new_value}"
            note = f"  {ev.note}" if ev.note else ""
            print(f"  {_short_time(ev.at)}  {ev.actor or 'system':<12} {what}{note}")


# ---- commands ------------------------------------------------------------------------------------

def cmd_demo(desk, args) -> int:
    from incident_desk.services.demo import DemoGenerator
    until = parse_time(args.until, what="--until time") if args.until else None
    gen = DemoGenerator(desk.store, clock=desk.clock, settings=desk.settings)
    result = gen.generate(actor=desk.actor, count=args.count, seed=args.seed, days=args.days, until=until)
    data = {"incidents": result.incidents, "events": result.events, "seconds": round(result.seconds, 2),
            "first_key": result.first_key, "last_key": result.last_key}
    return _report(args, data, f"Wrote {result.incidents:,} incidents and {result.events:,} timeline events "
                               f"({result.first_key}..{result.last_key}) in {result.seconds:.1f} s.")


def cmd_log(desk, args) -> int:
    from incident_desk.services.incidents import IncidentDraft
    draft = IncidentDraft(
        title=args.title, description=args.description or "", category=args.category,
        subcategory=args.subcategory, service=args.service, impact=args.impact, urgency=args.urgency,
        reporter_name=args.reporter or "", reporter_contact=args.contact or "", channel=args.channel,
        assignee=args.assignee, team=args.team, priority=args.priority, override_reason=args.override_reason,
        opened_at=parse_time(args.opened_at, what="--opened-at time") if args.opened_at else None)
    inc = desk.incidents.log_incident(actor=desk.actor, draft=draft)
    return _report(args, inc.to_dict(), f"Logged {inc.key} ({inc.priority.label}): {inc.title}")


def build_filter(args):
    from incident_desk.domain.incident import IncidentFilter, Priority, Status
    from incident_desk.services.errors import ValidationError
    try:
        statuses = frozenset(Status.parse(s) for s in _csv(args.status))
        if args.open:
            statuses |= frozenset(s for s in Status if s.is_open)
        priorities = frozenset(Priority.parse(p) for p in _csv(args.priority))
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    opened_from = parse_time(args.since, what="--from date") if args.since else None
    opened_to = parse_time(args.until, what="--to date") if args.until else None
    if opened_from and opened_to and opened_to <= opened_from:
        raise CliError("--to must be later than --from.")
    return IncidentFilter(
        statuses=statuses, priorities=priorities, categories=frozenset(_csv(args.category)),
        assignees=frozenset("" if a.lower() in ("none", "unassigned") else a for a in _csv(args.assignee)),
        teams=frozenset(_csv(args.team)), text=args.text or "", opened_from=opened_from, opened_to=opened_to)


def _parse_sort(text: str):
    from incident_desk.domain.incident import Sort
    from incident_desk.services.errors import ValidationError
    raw = (text or "-opened_at").strip()
    descending = raw.startswith("-")
    column = raw.lstrip("-+").replace("opened", "opened_at").replace("opened_at_at", "opened_at")
    column = {"updated": "updated_at", "resolved": "resolved_at", "sla": "resolve_due_at"}.get(column, column)
    try:
        return Sort(column=column, descending=descending)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


def cmd_list(desk, args) -> int:
    if not 1 <= args.limit <= 10_000:
        raise CliError("--limit must be between 1 and 10000.")
    filters = build_filter(args)
    sort = _parse_sort(args.sort)
    rows = desk.incidents.list_incidents(filters=filters, sort=sort, limit=args.limit)
    if args.json:
        ids = [r.id for r in rows]
        _print_json([desk.incidents.get_incident(i).to_dict() for i in ids])
    else:
        total = desk.incidents.count_incidents(filters=filters) if len(rows) == args.limit else len(rows)
        _print_rows(rows, total)
    return EXIT_OK


def cmd_show(desk, args) -> int:
    inc = desk.incidents.get_incident(args.key)
    timeline = desk.incidents.timeline(args.key)
    links = desk.incidents.links(args.key)
    if args.json:
        data = inc.to_dict()
        data["timeline"] = [e.to_dict() for e in timeline]
        data["links"] = [{"kind": l.kind.value, "from": l.from_key, "to": l.to_key} for l in links]
        data["watchers"] = desk.incidents.watchers(args.key)
        _print_json(data)
    else:
        _print_incident(inc, timeline, links)
    return EXIT_OK


_EDIT_OPTIONS = {"title": "title", "description": "description", "category": "category",
                 "subcategory": "subcategory", "service": "service", "reporter": "reporter_name",
                 "contact": "reporter_contact", "channel": "channel", "impact": "impact", "urgency": "urgency",
                 "priority": "priority", "override_reason": "override_reason", "assignee": "assignee",
                 "team": "team"}


def cmd_edit(desk, args) -> int:
    changes = {field: getattr(args, opt) for opt, field in _EDIT_OPTIONS.items() if getattr(args, opt) is not None}
    if not changes:
        raise CliError("Nothing to change; give at least one option such as --title or --urgency.")
    version = args.expect_version
    if version is None:
        version = desk.incidents.get_incident(args.key).version
    inc = desk.incidents.edit_incident(actor=desk.actor, key=args.key, expected_version=version, changes=changes)
    return _report(args, inc.to_dict(), f"Saved {inc.key} (version {inc.version}).")


def cmd_transition(desk, args) -> int:
    inc = desk.incidents.transition(
        actor=desk.actor, key=args.key, to=args.status, expected_version=args.expect_version, note=args.note,
        resolution_code=args.code, resolution_notes=args.notes, cancel_reason=args.reason,
        duplicate_of=args.duplicate_of, hold_reason=args.hold_reason)
    return _report(args, inc.to_dict(), f"{inc.key} is now {inc.status.label}.")


def cmd_assign(desk, args) -> int:
    assignee = None if args.assignee.lower() in ("none", "nobody", "-") else args.assignee
    inc = desk.incidents.assign(actor=desk.actor, key=args.key, assignee=assignee, team=args.team)
    team = f" ({inc.team})" if inc.team else ""
    return _report(args, inc.to_dict(), f"{inc.key} is assigned to {inc.assignee or 'nobody'}{team}.")


def cmd_comment(desk, args) -> int:
    event = desk.incidents.comment(actor=desk.actor, key=args.key, text=args.text, work_note=args.work_note)
    what = "work note" if args.work_note else "comment"
    return _report(args, event.to_dict(), f"Added a {what} to {event.incident_key}.")


def cmd_link(desk, args) -> int:
    links = desk.incidents.link(actor=desk.actor, key=args.key, other=args.other, kind=args.kind,
                                remove=args.remove)
    data = [{"kind": link.kind.value, "from": link.from_key, "to": link.to_key} for link in links]
    verb = "Unlinked" if args.remove else "Linked"
    return _report(args, data, f"{verb} {args.key} {args.kind} {args.other}.")


def cmd_watch(desk, args) -> int:
    desk.incidents.watch(actor=desk.actor, key=args.key, watching=not args.stop)
    watchers = desk.incidents.watchers(args.key)
    verb = "no longer watches" if args.stop else "watches"
    return _report(args, {"key": args.key, "watchers": watchers}, f"{desk.actor.username} {verb} {args.key}.")


def cmd_users(desk, args) -> int:
    if args.users_command == "add":
        user = desk.users.add_user(actor=desk.actor, username=args.username, display_name=args.name or "",
                                   email=args.email or "", role=args.role, team=args.team,
                                   manager_on_duty=args.manager_on_duty)
        if args.lead_of:
            desk.users.set_team_lead(actor=desk.actor, team=args.lead_of, username=user.username)
        if args.json:
            _print_json({"username": user.username, "role": user.role, "team": user.team})
        else:
            print(f"Added {user.role} {user.username}" + (f" to {user.team}." if user.team else "."))
        return EXIT_OK
    users = desk.users.list_users()
    if args.json:
        _print_json(users)
        return EXIT_OK
    width = max([8] + [len(u["username"]) for u in users])
    print(f"{'USERNAME'.ljust(width)}  {'ROLE':<6}  {'TEAM':<16}  NAME")
    for u in users:
        flag = "" if u["active"] else "  (deactivated)"
        print(f"{u['username'].ljust(width)}  {u['role']:<6}  {(u['team'] or '-'):<16}  {u['display_name']}{flag}")
    return EXIT_OK


# ---- the parser ----------------------------------------------------------------------------------

def _add_filter_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--status", help="comma-separated statuses, e.g. new,in_progress")
    p.add_argument("--open", action="store_true", help="only open incidents (New, Acknowledged, In progress, On hold)")
    p.add_argument("--priority", help="comma-separated priorities, e.g. P1,P2")
    p.add_argument("--category", help="comma-separated categories")
    p.add_argument("--assignee", help="comma-separated usernames; 'none' for unassigned")
    p.add_argument("--team", help="comma-separated team names")
    p.add_argument("--text", help="full-text search over title, description and comments; a key (INC-000123, "
                   "123, #123) finds that incident too")
    p.add_argument("--from", dest="since", metavar="DATE", help="opened at or after (ISO 8601)")
    p.add_argument("--to", dest="until", metavar="DATE", help="opened before (ISO 8601)")


def _global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", action="version", version=f"incident-desk {__version__}")
    parser.add_argument("--db", metavar="PATH_OR_URL",
                        help=f"database file or URL (sqlite:///path, postgresql://...); default ${DB_ENV_VAR} "
                             "or the desk in your user data folder")
    parser.add_argument("--user", metavar="NAME", help="act as this user (default: the local desk account)")
    gui = parser.add_argument_group("window options (no command)")
    gui.add_argument("--screenshot", metavar="PNG", help="open the window, save a screenshot once painted, exit")
    gui.add_argument("--screenshot-at", choices=("ready", "first-page"), default="ready",
                     help="with --screenshot: when everything is filled in, views' counts included (default), "
                          "or as soon as the table's first page is painted (what cold-start timing measures)")
    gui.add_argument("--view", metavar="NAME", help="saved view to show first, e.g. 'All open'")
    gui.add_argument("--select", metavar="KEY", help="incident to select and open, e.g. INC-000042")


def _window_args(argv: list[str]) -> argparse.Namespace | None:
    """The parsed options when ``argv`` opens the window (no command), else None. The full parser
    imports every command module; opening the window should not wait for that."""
    if any(a in ("-h", "--help", "--version") for a in argv):
        return None
    quick = _Parser(prog="incident-desk", add_help=False)
    _global_options(quick)
    try:
        args, rest = quick.parse_known_args(argv)
    except SystemExit:
        return None
    return None if rest else args


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="incident-desk", description="Incident Desk: log, work, escalate and measure incidents. "
                     "With no command, opens the desk window.")
    _global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("demo", help="fill the database with realistic demo incidents")
    p.add_argument("--count", type=int, default=5000, help="how many incidents (default 5000)")
    p.add_argument("--seed", type=int, default=1, help="random seed; the same seed gives the same data")
    p.add_argument("--days", type=int, default=730, help="how many days of history (default 730)")
    p.add_argument("--until", metavar="TIME", help="end of the history (default: the start of this hour)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("log", help="log a new incident")
    p.add_argument("--title", required=True)
    p.add_argument("--description")
    p.add_argument("--category", required=True)
    p.add_argument("--subcategory")
    p.add_argument("--service", help="affected service")
    p.add_argument("--impact", default="medium", help="high, medium or low (default medium)")
    p.add_argument("--urgency", default="medium", help="high, medium or low (default medium)")
    p.add_argument("--priority", help="override the matrix priority (needs --override-reason; lead or admin)")
    p.add_argument("--override-reason")
    p.add_argument("--reporter", help="reporter's name")
    p.add_argument("--contact", help="reporter's e-mail or phone")
    p.add_argument("--channel", default="phone", help="phone, email, walk-in, chat or monitoring (default phone)")
    p.add_argument("--assignee")
    p.add_argument("--team")
    p.add_argument("--opened-at", metavar="TIME", help="when the report came in, if earlier than now (ISO 8601)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_log)

    p = sub.add_parser("list", help="list incidents (all statuses unless filtered)")
    _add_filter_options(p)
    p.add_argument("--limit", type=int, default=50, help="at most this many rows (default 50)")
    p.add_argument("--sort", default="-opened_at",
                   help="column, '-' for descending: key, priority, status, title, category, assignee, team, "
                        "opened_at, updated_at, resolved_at, resolve_due_at (default -opened_at)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", help="show one incident with its timeline")
    p.add_argument("key")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("edit", help="change fields of an incident")
    p.add_argument("key")
    for opt in _EDIT_OPTIONS:
        p.add_argument("--" + opt.replace("_", "-"), dest=opt)
    p.add_argument("--expect-version", type=int, help="fail if the incident is no longer at this version")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_edit)

    p = sub.add_parser("transition", help="move an incident to another status")
    p.add_argument("key")
    p.add_argument("status", help="acknowledged, in_progress, on_hold, resolved, closed, cancelled")
    p.add_argument("--note")
    p.add_argument("--code", help="resolution code (resolving)")
    p.add_argument("--notes", help="resolution notes (resolving)")
    p.add_argument("--reason", help="reason (cancelling)")
    p.add_argument("--hold-reason", help="caller, vendor or change (on hold)")
    p.add_argument("--duplicate-of", metavar="KEY", help="resolve as a duplicate of KEY")
    p.add_argument("--expect-version", type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_transition)

    p = sub.add_parser("assign", help="assign an incident to a user ('none' to unassign)")
    p.add_argument("key")
    # dest differs from the global --user (who acts), which a positional 'user' would overwrite
    p.add_argument("assignee", metavar="USER")
    p.add_argument("--team")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_assign)

    p = sub.add_parser("comment", help="add a comment (or --work-note) to the timeline")
    p.add_argument("key")
    p.add_argument("text")
    p.add_argument("--work-note", action="store_true", help="internal note, not for the reporter")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_comment)

    p = sub.add_parser("link", help="link two incidents: duplicate_of, related, parent_of")
    p.add_argument("key")
    p.add_argument("kind")
    p.add_argument("other")
    p.add_argument("--remove", action="store_true")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_link)

    p = sub.add_parser("watch", help="get notified of an incident's changes and comments (--stop to stop)")
    p.add_argument("key")
    p.add_argument("--stop", action="store_true", help="stop watching")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_watch)

    p = sub.add_parser("users", help="manage users (add, list)")
    users_sub = p.add_subparsers(dest="users_command", metavar="add|list", parser_class=_Parser, required=True)
    q = users_sub.add_parser("add", help="add a user (admin only)")
    q.add_argument("username")
    q.add_argument("--name", help="display name")
    q.add_argument("--email")
    q.add_argument("--role", default="agent", choices=("agent", "lead", "admin"))
    q.add_argument("--team")
    q.add_argument("--lead-of", metavar="TEAM", help="make the user the lead of TEAM")
    q.add_argument("--manager-on-duty", action="store_true")
    q.add_argument("--json", action="store_true")
    q = users_sub.add_parser("list", help="list users")
    q.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_users)

    for module in ("incident_desk.cli_metrics", "incident_desk.cli_escalation"):
        register = _optional_register(module)
        if register is not None:
            register(sub)
    return parser


def _optional_register(module: str) -> Callable | None:
    """Commands of later features register themselves; a missing module just means no command."""
    import importlib
    try:
        return importlib.import_module(module).register
    except ModuleNotFoundError as exc:
        if exc.name == module:
            return None
        raise


def _run_command(args) -> int:
    from incident_desk.services.desk import Desk
    desk = Desk.open(database_url(args.db), username=args.user)
    try:
        return args.func(desk, args)
    finally:
        desk.close()


def _one_line(message: str) -> str:
    """Messages quote the user's input; a line break typed into it must not split the error line."""
    return "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in message)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _window_args(argv)
    if args is None:
        args = build_parser().parse_args(argv)
    if getattr(args, "command", None) is None:
        # Starting builds only long-lived objects: the cyclic collector's passes over them were
        # ~10 % of the cold start. run_gui turns it back on once the first page is painted.
        gc.disable()
        from incident_desk.app import run_gui  # Qt is imported only for the window
        extra = {"username": args.user} if args.user else {}
        if args.screenshot:
            extra["screenshot_at"] = args.screenshot_at
        return run_gui(database_url(args.db), screenshot=args.screenshot, view=args.view, select=args.select,
                       **extra)
    from incident_desk.services.errors import describe_failure
    try:
        return _run_command(args)
    except CliError as exc:
        print(f"incident-desk: {_one_line(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("incident-desk: interrupted; nothing half-written was kept.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001  (every failure becomes one clear line)
        message, is_user_error = describe_failure(exc)
        print(f"incident-desk: {_one_line(message)}", file=sys.stderr)
        return EXIT_USAGE if is_user_error else EXIT_INTERNAL


def gui_main() -> int:
    """Entry point of the GUI launcher (no console)."""
    return main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
