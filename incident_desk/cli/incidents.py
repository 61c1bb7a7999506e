"""Incident commands: log, list, show, edit, transition, assign, comment, link and watch."""

from __future__ import annotations

import argparse

from incident_desk.cli.common import (
    EXIT_OK,
    CliError,
    csv_list,
    parse_time,
    print_json,
    print_rows,
    printable,
    report,
    short_time,
    whole,
)


def _label(level) -> str:
    return level.label if level is not None else "unknown"


def _print_incident(inc, timeline=None, links=None) -> None:
    # Everything but our own labels was typed by someone: shown escaped, never obeyed by the terminal,
    # and a line break in a one-line field cannot forge another row.
    one = printable
    fields = [
        ("Key", inc.key), ("Title", one(inc.title)), ("Status", inc.status.label + (
            f" ({inc.hold_reason.value})" if inc.hold_reason else "")),
        ("Priority", inc.priority.label + (f" (override: {one(inc.override_reason)})" if inc.priority_overridden
                                           else f" (impact {_label(inc.impact)} x urgency {_label(inc.urgency)})")),
        ("Category", one(inc.category) + (f" / {one(inc.subcategory)}" if inc.subcategory else "")),
        ("Service", one(inc.service) or "-"),
        ("Reporter", f"{one(inc.reporter_name)} <{one(inc.reporter_contact)}>"),
        ("Channel", inc.channel.value if inc.channel else "unknown"), ("Assignee", one(inc.assignee) or "-"),
        ("Team", one(inc.team) or "-"),
        ("Opened", short_time(inc.opened_at)), ("Acknowledged", short_time(inc.acknowledged_at)),
        ("Resolved", short_time(inc.resolved_at)), ("Closed", short_time(inc.closed_at)),
        ("Reopened", str(inc.reopen_count)), ("Escalation level", str(inc.escalation_level)),
        ("Version", str(inc.version)),
    ]
    if inc.resolution_code:
        notes = f": {one(inc.resolution_notes)}" if inc.resolution_notes else ""
        fields.append(("Resolution", one(inc.resolution_code) + notes))
    if inc.root_cause:
        fields.append(("Root cause", one(inc.root_cause)))
    if inc.caller_confirmed_at:
        fields.append(("Caller confirmed", f"{short_time(inc.caller_confirmed_at)}: {one(inc.caller_confirmation)}"))
    if inc.cancel_reason:
        fields.append(("Cancel reason", one(inc.cancel_reason)))
    if inc.duplicate_of:
        fields.append(("Duplicate of", inc.duplicate_of))
    width = max(len(k) for k, _ in fields)
    for key, value in fields:
        print(f"{key.ljust(width)}  {value}")
    if inc.description:
        # A block of its own, indented, so no line of it can pass for a field or a timeline row.
        print("\n" + "\n".join("    " + line for line in printable(inc.description, lines=True).split("\n")))
    if links:
        print("\nLinks:")
        for link in links:
            print(f"  {link.from_key} {link.kind.value} {link.to_key}  {one(link.to_title)}")
    if timeline:
        print("\nTimeline (newest first):")
        for ev in timeline:
            what = ev.kind
            if ev.field:
                what += f" {one(ev.field)}: {one(ev.old_value) or '-'} -> {one(ev.new_value) or '-'}"
            elif ev.new_value and ev.kind != "created":
                what += f" {one(ev.new_value)}"
            note = f"  {one(ev.note)}" if ev.note else ""
            print(f"  {short_time(ev.at)}  {one(ev.actor) or 'system':<12} {what}{note}")


def cmd_log(desk, args) -> int:
    from incident_desk.services.incidents import IncidentDraft
    draft = IncidentDraft(
        title=args.title, description=args.description or "", category=args.category,
        subcategory=args.subcategory, service=args.service, impact=args.impact, urgency=args.urgency,
        reporter_name=args.reporter or "", reporter_contact=args.contact or "", channel=args.channel,
        assignee=args.assignee, team=args.team, priority=args.priority, override_reason=args.override_reason,
        opened_at=parse_time(args.opened_at, what="--opened-at time") if args.opened_at else None)
    inc = desk.incidents.log_incident(actor=desk.actor, draft=draft)
    return report(args, inc.to_dict(), f"Logged {inc.key} ({inc.priority.label}): {printable(inc.title)}")


def build_filter(args):
    from incident_desk.domain.incident import IncidentFilter, Priority, Status
    from incident_desk.services.errors import ValidationError
    try:
        statuses = frozenset(Status.parse(s) for s in csv_list(args.status))
        if args.open:
            statuses |= frozenset(s for s in Status if s.is_open)
        priorities = frozenset(Priority.parse(p) for p in csv_list(args.priority))
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    opened_from = parse_time(args.since, what="--from date") if args.since else None
    opened_to = parse_time(args.until, what="--to date") if args.until else None
    if opened_from and opened_to and opened_to <= opened_from:
        raise CliError("--to must be later than --from.")
    return IncidentFilter(
        statuses=statuses, priorities=priorities, categories=frozenset(csv_list(args.category)),
        assignees=frozenset("" if a.lower() in ("none", "unassigned") else a for a in csv_list(args.assignee)),
        teams=frozenset(csv_list(args.team)), text=args.text or "", opened_from=opened_from, opened_to=opened_to)


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
    filters = build_filter(args)
    sort = _parse_sort(args.sort)
    rows = desk.incidents.list_incidents(filters=filters, sort=sort, limit=args.limit)
    if args.json:
        ids = [r.id for r in rows]
        print_json([desk.incidents.get_incident(i).to_dict() for i in ids])
    else:
        total = desk.incidents.count_incidents(filters=filters) if len(rows) == args.limit else len(rows)
        print_rows(rows, total)
    return EXIT_OK


def cmd_show(desk, args) -> int:
    inc = desk.incidents.get_incident(args.key)
    timeline = desk.incidents.timeline(args.key)
    links = desk.incidents.links(args.key)
    if args.json:
        data = inc.to_dict()
        data["timeline"] = [e.to_dict() for e in timeline]
        data["links"] = [{"kind": link.kind.value, "from": link.from_key, "to": link.to_key} for link in links]
        data["watchers"] = desk.incidents.watchers(args.key)
        print_json(data)
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
    return report(args, inc.to_dict(), f"Saved {inc.key} (version {inc.version}).")


def cmd_transition(desk, args) -> int:
    inc = desk.incidents.transition(
        actor=desk.actor, key=args.key, to=args.status, expected_version=args.expect_version, note=args.note,
        resolution_code=args.code, resolution_notes=args.notes, cancel_reason=args.reason,
        duplicate_of=args.duplicate_of, hold_reason=args.hold_reason, root_cause=args.root_cause,
        with_children=args.with_children)
    return report(args, inc.to_dict(), f"{inc.key} is now {inc.status.label}.")


def cmd_assign(desk, args) -> int:
    assignee = None if args.assignee.lower() in ("none", "nobody", "-") else args.assignee
    inc = desk.incidents.assign(actor=desk.actor, key=args.key, assignee=assignee, team=args.team)
    team = f" ({inc.team})" if inc.team else ""
    return report(args, inc.to_dict(), f"{inc.key} is assigned to {printable(inc.assignee or 'nobody')}"
                                       f"{printable(team)}.")


def cmd_comment(desk, args) -> int:
    event = desk.incidents.comment(actor=desk.actor, key=args.key, text=args.text, work_note=args.work_note)
    what = "work note" if args.work_note else "comment"
    return report(args, event.to_dict(), f"Added a {what} to {event.incident_key}.")


def cmd_link(desk, args) -> int:
    links = desk.incidents.link(actor=desk.actor, key=args.key, other=args.other, kind=args.kind,
                                remove=args.remove)
    data = [{"kind": link.kind.value, "from": link.from_key, "to": link.to_key} for link in links]
    verb = "Unlinked" if args.remove else "Linked"
    return report(args, data, f"{verb} {printable(args.key)} {printable(args.kind)} {printable(args.other)}.")


def cmd_watch(desk, args) -> int:
    desk.incidents.watch(actor=desk.actor, key=args.key, watching=not args.stop)
    watchers = desk.incidents.watchers(args.key)
    verb = "no longer watches" if args.stop else "watches"
    return report(args, {"key": args.key, "watchers": watchers},
                  f"{desk.actor.username} {verb} {printable(args.key)}.")


def add_filter_options(p: argparse.ArgumentParser) -> None:
    """The list filters, shared by every command that selects incidents."""
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


def register(sub) -> None:
    """Add the incident commands to the CLI's sub-commands."""
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
    add_filter_options(p)
    p.add_argument("--limit", type=whole("--limit", low=1, high=10_000), default=50,
                   help="at most this many rows (default 50)")
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
    p.add_argument("--expect-version", type=whole("--expect-version", low=1),
                   help="fail if the incident is no longer at this version")
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
    p.add_argument("--root-cause", metavar="CATEGORY", help="root-cause category (resolving), e.g. configuration")
    p.add_argument("--with-children", action="store_true",
                   help="resolving: resolve its open children (and theirs) the same way")
    p.add_argument("--expect-version", type=whole("--expect-version", low=1))
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
