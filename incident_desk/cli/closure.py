"""Closure commands: the caller's confirmation, root causes, postmortems, problems, action items, the policy."""

from __future__ import annotations

from incident_desk.cli.common import EXIT_OK, csv_list, parse_time, print_json, report, short_time
from incident_desk.domain.text import printable

_PM_TEXTS = ("summary", "customer_impact", "impact_who", "detection", "response", "root_cause",
             "contributing_factors", "went_well", "went_badly")
_PM_MOVES = {"submit": "in_review", "send-back": "draft", "publish": "published", "reopen": "draft"}


# ---- confirm, root cause, policy ----------------------------------------------------------------------

def cmd_confirm(desk, args) -> int:
    inc = desk.incidents.confirm_resolution(actor=desk.actor, key=args.key, confirmed=not args.not_fixed,
                                            note=args.note or "")
    text = (f"{inc.key} is reopened: the caller says it is not fixed." if args.not_fixed
            else f"Recorded the caller's confirmation on {inc.key}.")
    return report(args, inc.to_dict(), text)


def cmd_root_cause(desk, args) -> int:
    category = None if args.category.lower() in ("none", "-") else args.category
    inc = desk.incidents.set_root_cause(actor=desk.actor, key=args.key, category=category)
    return report(args, inc.to_dict(), f"{inc.key}: root-cause category {inc.root_cause or 'cleared'}.")


def cmd_policy(desk, args) -> int:
    policy = desk.settings.closure_policy()
    if args.auto_close_days is not None or args.postmortem_priorities is not None:
        data = policy.to_dict()
        if args.auto_close_days is not None:
            data["auto_close_days"] = args.auto_close_days
        if args.postmortem_priorities is not None:
            data["postmortem_priorities"] = csv_list(args.postmortem_priorities)
        policy = desk.settings.set_closure_policy(actor=desk.actor, policy=data)
    return report(args, policy.to_dict(), policy.describe())


def _block(text: str) -> str:
    """Typed multi-line text as a block whose every line is indented deeper than the rows around it (so a
    line break cannot forge a heading or a row), control characters escaped."""
    return "\n    ".join(printable(text, lines=True).split("\n"))


# ---- postmortems ----------------------------------------------------------------------------------------

def _print_postmortem(desk, key: str) -> None:
    pm = desk.postmortems.get(key)
    if pm is None:
        needed = "required" if desk.postmortems.is_required(key) else "optional"
        print(f"{key} has no postmortem yet ({needed} for its priority).")
        return
    d = desk.postmortems.durations(key, pm)
    from incident_desk.domain.postmortem import SECTIONS
    from incident_desk.domain.reporting import hours_text
    print(f"Postmortem of {key}: {pm.status.label}{' (required)' if pm.required else ''}; "
          f"written by {printable(pm.author or 'nobody yet')}" +
          (f", approved by {printable(pm.approver)}" if pm.approver else ""))
    print(f"Who was affected: {printable(pm.text('impact_who') or '-')}; how many: "
          f"{pm.impact_count if pm.impact_count is not None else '-'}; how long: {hours_text(d.impact_s)}")
    print(f"Time to detect {hours_text(d.detect_s)}, acknowledge {hours_text(d.acknowledge_s)}, mitigate "
          f"{hours_text(d.mitigate_s)}, resolve {hours_text(d.resolve_s)}; response target {d.response_sla}, "
          f"resolution target {d.resolution_sla}")
    for section in SECTIONS:
        text = pm.text(section.name)
        print(f"\n{section.heading}:\n    {_block(text) if text else '(not written)'}")
    print("\nTimeline:")
    for e in sorted(pm.entries, key=lambda e: (e.at, e.id)):
        marks = " ".join(m for m in ((e.milestone.label if e.milestone else ""), "hidden" if e.hidden else "",
                                     "edited" if e.edited else "") if m)
        print(f"  #{e.id:<4} {short_time(e.at)}  {printable(e.text)}" + (f"  [{marks}]" if marks else ""))


def cmd_postmortem(desk, args) -> int:
    pms = desk.postmortems
    what = args.pm_command
    if what == "list":
        rows = pms.list(statuses=tuple(csv_list(args.status)))
        if args.json:
            print_json(rows)
        else:
            for r in rows:
                print(f"{r['incident']}  {r['priority']}  {r['status']:<10} {'required' if r['required'] else '':<8}"
                      f"  {printable(r['author'] or '-'):<12} {printable(r['title'])}")
            if not rows:
                print("No postmortems.")
        return EXIT_OK
    if what == "show":
        if args.json:
            pm = pms.get(args.key)
            data = pm.to_dict() if pm else None
            if pm is not None:
                data["durations"] = pms.durations(args.key, pm).to_dict()
            print_json(data)
        else:
            _print_postmortem(desk, args.key)
        return EXIT_OK
    if what == "start":
        pm = pms.start(actor=desk.actor, key=args.key, author=args.author)
    elif what == "set":
        changes = {name: getattr(args, name) for name in (*_PM_TEXTS, "impact_count", "author")
                   if getattr(args, name) is not None}
        if not changes:
            from incident_desk.cli.common import CliError
            raise CliError("Nothing to change; give at least one option such as --summary.")
        current = pms.get(args.key)
        version = current.version if current is not None else 0
        pm = pms.update(actor=desk.actor, key=args.key, expected_version=version, changes=changes)
    elif what in _PM_MOVES:
        pm = pms.move(actor=desk.actor, key=args.key, to=_PM_MOVES[what], note=args.note)
    elif what == "entry":
        entry = pms.add_entry(actor=desk.actor, key=args.key, at=parse_time(args.at, what="--at time"),
                              text=args.text, milestone=args.milestone)
        return report(args, entry.to_dict(), f"Added timeline entry #{entry.id} to the postmortem of {args.key}.")
    elif what == "regenerate":
        added = pms.regenerate(actor=desk.actor, key=args.key)
        return report(args, {"added": added}, f"Added {added} timeline entries from the incident's events.")
    else:  # key-comment
        pms.mark_key_comment(actor=desk.actor, event_id=args.event_id, key_comment=not args.unmark)
        verb = "no longer key" if args.unmark else "marked key"
        return report(args, {"event": args.event_id, "key": not args.unmark}, f"Event {args.event_id} is {verb}.")
    return report(args, pm.to_dict(), f"The postmortem of {pm.incident_key} is {pm.status.label.lower()} "
                                      f"(version {pm.version}).")


# ---- problems -------------------------------------------------------------------------------------------

def cmd_problem(desk, args) -> int:
    problems = desk.problems
    what = args.problem_command
    if what == "list":
        rows = problems.list(statuses=csv_list(args.status))
        if args.json:
            print_json([p.to_dict() for p in rows])
        else:
            for p in rows:
                print(f"{p.key}  {p.status.label:<12} {p.incident_count:>4} incidents ({p.open_incident_count} open)"
                      f"  {printable(p.title)}")
            if not rows:
                print("No problems.")
        return EXIT_OK
    if what == "show":
        p = problems.get(args.key)
        if args.json:
            print_json(p.to_dict())
            return EXIT_OK
        print(f"{p.key}  {printable(p.title)}\nStatus: {p.status.label}; owner {printable(p.owner or '-')}; "
              f"root cause {printable(p.root_cause or '-')}")
        if p.description:
            print(f"\n    {_block(p.description)}")
        print(f"\nWorkaround:\n    {_block(p.workaround) if p.workaround else '(none yet)'}\n\nIncidents:")
        for key, title, priority, status, opened in problems.incidents(p.key):
            print(f"  {key}  {priority.label}  {status.label:<12} {short_time(opened)}  {printable(title)}")
        return EXIT_OK
    if what == "new":
        p = problems.create(actor=desk.actor, title=args.title, description=args.description or "",
                            workaround=args.workaround or "", incidents=args.incident, owner=args.owner)
    elif what == "link":
        p = problems.link(actor=desk.actor, key=args.key, incidents=args.incidents)
    elif what == "unlink":
        p = problems.unlink(actor=desk.actor, key=args.key, incident=args.incident)
    elif what == "status":
        p = problems.set_status(actor=desk.actor, key=args.key, status=args.status)
    else:  # set
        changes = {n: getattr(args, n) for n in ("title", "description", "workaround", "root_cause", "owner")
                   if getattr(args, n) is not None}
        p = problems.update(actor=desk.actor, key=args.key, expected_version=problems.get(args.key).version,
                            changes=changes)
    return report(args, p.to_dict(), f"{p.key} is {p.status.label.lower()} with {p.incident_count} incidents: "
                                     f"{printable(p.title)}")


# ---- action items ---------------------------------------------------------------------------------------

def cmd_action(desk, args) -> int:
    items = desk.action_items
    what = args.action_command
    if what == "list":
        owner = desk.actor if args.mine else args.owner
        rows = items.list(owner=owner, open_only=not args.all, overdue=args.overdue)
        today = items.today()
        if args.json:
            print_json([i.to_dict(today) for i in rows])
            return EXIT_OK
        counts = items.counts(owner=owner)
        for i in rows:
            late = "  OVERDUE" if i.overdue(today) else ""
            print(f"#{i.id:<5} {i.status.label:<12} {printable(i.owner or 'NO OWNER'):<12} "
                  f"{i.due.isoformat() if i.due else '-':<10}  {i.incident_key or i.problem_key or '-':<10} "
                  f"{printable(i.title)}{late}")
        print(f"{counts['open']} open, {counts['overdue']} overdue, {counts['unowned']} without an owner.")
        return EXIT_OK
    if what == "add":
        item = items.add(actor=desk.actor, title=args.title, owner=args.owner, due=args.due, incident=args.incident,
                         problem=args.problem)
    else:  # set
        kwargs = {}
        if args.owner is not None:
            kwargs["owner"] = None if args.owner.lower() in ("none", "-") else args.owner
        if args.due is not None:
            kwargs["due"] = None if args.due.lower() in ("none", "-") else args.due
        item = items.update(actor=desk.actor, item_id=args.id, title=args.title, status=args.status, **kwargs)
    return report(args, item.to_dict(items.today()),
                  f"Action item #{item.id} ({item.status.label.lower()}, owner {printable(item.owner or 'none')}): "
                  f"{printable(item.title)}")


# ---- registration ---------------------------------------------------------------------------------------

def register(sub) -> None:
    """Add the closure commands to the CLI's sub-commands."""
    p = sub.add_parser("confirm", help="record the caller's confirmation of a fix (or --not-fixed to reopen)")
    p.add_argument("key")
    p.add_argument("--note", help="what the caller said")
    p.add_argument("--not-fixed", action="store_true", help="the caller says it is not fixed: reopen it")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_confirm)

    p = sub.add_parser("root-cause", help="set an incident's root-cause category ('none' clears it)")
    p.add_argument("key")
    p.add_argument("category", help="e.g. 'software defect', capacity, configuration")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_root_cause)

    p = sub.add_parser("closure-policy", help="show or change which priorities need a postmortem and when "
                                              "resolved incidents close by themselves")
    p.add_argument("--auto-close-days", type=int, metavar="N", help="close resolved incidents N days after "
                                                                    "resolution (0: never)")
    p.add_argument("--postmortem-priorities", metavar="P1,P2", help="priorities that need a postmortem ('' for none)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_policy)

    p = sub.add_parser("postmortem",
                       help="blameless postmortems: list, show, start, set, submit, publish, entry, regenerate")
    pm = p.add_subparsers(dest="pm_command", parser_class=type(p), required=True,
                          metavar="list|show|start|set|submit|send-back|publish|reopen|entry|regenerate|key-comment")
    q = pm.add_parser("list", help="postmortems, newest first")
    q.add_argument("--status", help="comma-separated: draft, in_review, published")
    q.add_argument("--json", action="store_true")
    q = pm.add_parser("show", help="an incident's postmortem with its computed durations and timeline")
    q.add_argument("key")
    q.add_argument("--json", action="store_true")
    q = pm.add_parser("start", help="start the postmortem of a resolved incident (timeline generated)")
    q.add_argument("key")
    q.add_argument("--author", help="who writes it (default: you)")
    q.add_argument("--json", action="store_true")
    q = pm.add_parser("set", help="write parts of the template")
    q.add_argument("key")
    for name in _PM_TEXTS:
        q.add_argument("--" + name.replace("_", "-"), dest=name)
    q.add_argument("--impact-count", dest="impact_count", help="how many were affected")
    q.add_argument("--author")
    q.add_argument("--json", action="store_true")
    for name, text in (("submit", "submit a draft for review"), ("send-back", "send one in review back to draft "
                                                                              "(lead)"),
                       ("publish", "approve and publish (lead; every action item needs an owner)"),
                       ("reopen", "reopen a published one for revision (lead)")):
        q = pm.add_parser(name, help=text)
        q.add_argument("key")
        q.add_argument("--note")
        q.add_argument("--json", action="store_true")
    q = pm.add_parser("entry", help="add a timeline entry of your own (it may mark a milestone)")
    q.add_argument("key")
    q.add_argument("--at", required=True, metavar="TIME", help="when (ISO 8601)")
    q.add_argument("--text", required=True)
    q.add_argument("--milestone", choices=("impact_start", "detected", "mitigated"))
    q.add_argument("--json", action="store_true")
    q = pm.add_parser("regenerate", help="add entries for the incident's events since the timeline was made")
    q.add_argument("key")
    q.add_argument("--json", action="store_true")
    q = pm.add_parser("key-comment", help="mark a comment or work note (by event id) as key for the timeline")
    q.add_argument("event_id", type=int)
    q.add_argument("--unmark", action="store_true")
    q.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_postmortem)

    p = sub.add_parser("problem", help="problem records: new, list, show, link, unlink, status, set")
    pr = p.add_subparsers(dest="problem_command", parser_class=type(p), required=True,
                          metavar="new|list|show|link|unlink|status|set")
    q = pr.add_parser("new", help="a new problem, optionally with its incidents")
    q.add_argument("--title", required=True)
    q.add_argument("--description")
    q.add_argument("--workaround")
    q.add_argument("--owner")
    q.add_argument("--incident", action="append", default=[], metavar="KEY", help="link this incident (repeatable)")
    q.add_argument("--json", action="store_true")
    q = pr.add_parser("list", help="problems, recently changed first")
    q.add_argument("--status", help="comma-separated: open, known_error, resolved")
    q.add_argument("--json", action="store_true")
    q = pr.add_parser("show", help="a problem with its incidents")
    q.add_argument("key")
    q.add_argument("--json", action="store_true")
    q = pr.add_parser("link", help="link incidents to a problem")
    q.add_argument("key")
    q.add_argument("incidents", nargs="+", metavar="INCIDENT")
    q.add_argument("--json", action="store_true")
    q = pr.add_parser("unlink", help="unlink an incident from a problem")
    q.add_argument("key")
    q.add_argument("incident")
    q.add_argument("--json", action="store_true")
    q = pr.add_parser("status", help="open, known_error (needs a workaround) or resolved")
    q.add_argument("key")
    q.add_argument("status")
    q.add_argument("--json", action="store_true")
    q = pr.add_parser("set", help="change a problem's title, description, workaround, root cause or owner")
    q.add_argument("key")
    for name in ("title", "description", "workaround", "owner"):
        q.add_argument("--" + name)
    q.add_argument("--root-cause", dest="root_cause")
    q.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_problem)

    p = sub.add_parser("action", help="action items: add, list (--mine), set")
    ac = p.add_subparsers(dest="action_command", parser_class=type(p), required=True, metavar="add|list|set")
    q = ac.add_parser("add", help="an action item for an incident or a problem")
    q.add_argument("--title", required=True)
    q.add_argument("--owner")
    q.add_argument("--due", metavar="YYYY-MM-DD")
    q.add_argument("--incident", metavar="KEY")
    q.add_argument("--problem", metavar="KEY")
    q.add_argument("--json", action="store_true")
    q = ac.add_parser("list", help="open action items (overdue first), with counts")
    q.add_argument("--mine", action="store_true", help="only mine")
    q.add_argument("--owner", help="only this owner's")
    q.add_argument("--all", action="store_true", help="done and cancelled ones too")
    q.add_argument("--overdue", action="store_true", help="only overdue ones")
    q.add_argument("--json", action="store_true")
    q = ac.add_parser("set", help="change an action item ('none' clears the owner or the due date)")
    q.add_argument("id", type=int)
    q.add_argument("--title")
    q.add_argument("--owner")
    q.add_argument("--due", metavar="YYYY-MM-DD")
    q.add_argument("--status", choices=("open", "in_progress", "done", "cancelled"))
    q.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_action)

