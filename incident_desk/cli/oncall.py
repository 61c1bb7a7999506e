"""The `oncall` command: rotations and overrides per team, who is on call, and the shifts as iCalendar."""

from __future__ import annotations

from datetime import datetime

from incident_desk.cli.common import EXIT_OK, CliError, csv_list, parse_time, print_json, short_time, whole
from incident_desk.domain.text import printable


def _date_or_time(text: str, what: str) -> datetime:
    return parse_time(text if "T" in text or " " in text.strip() else f"{text.strip()}T00:00", what=what)


def cmd_oncall(desk, args) -> int:
    oncall = desk.oncall
    if args.oncall_command == "rotation":
        if args.remove:
            oncall.remove_rotation(actor=desk.actor, team=args.team, name=args.name)
            print(f"Removed rotation {printable(args.name)} of {printable(args.team)}.")
            return EXIT_OK
        users = csv_list(args.users)
        if not users or not args.every or not args.start or not args.tz:
            raise CliError("A rotation needs --users, --every, --start and --tz.")
        rotation = oncall.set_rotation(actor=desk.actor, team=args.team, users=users, every=args.every,
                                       start=args.start, tz=args.tz, days=args.days, hours=args.hours, name=args.name)
        print(f"Rotation {printable(rotation.name)} of {printable(args.team)}: {', '.join(map(printable, users))}, "
              f"handoff every {rotation.unit[:-1] if rotation.every == 1 else f'{rotation.every} {rotation.unit}'} "
              f"from {rotation.start:%Y-%m-%d %H:%M} {rotation.tz}.")
        return EXIT_OK
    if args.oncall_command == "override":
        if args.remove is not None:
            oncall.remove_override(actor=desk.actor, team=args.team, override_id=args.remove)
            print(f"Removed override {args.remove}.")
            return EXIT_OK
        if not args.cover_user or not args.from_ or not args.to:
            raise CliError("An override needs --user, --from and --to.")
        start, end = parse_time(args.from_, what="--from"), parse_time(args.to, what="--to")
        oncall.add_override(actor=desk.actor, team=args.team, user=args.cover_user, start=start, end=end)
        print(f"{printable(args.cover_user)} covers {printable(args.team)} from {short_time(start)} "
              f"to {short_time(end)}.")
        return EXIT_OK
    if args.oncall_command == "who":
        at = parse_time(args.at, what="--at") if args.at else None
        found = oncall.who(args.team, at)
        if args.json:
            print_json(found.to_dict())
        elif found.user is None:
            print(f"Nobody is on call for {printable(found.team)} then.")
        else:
            how = " (override)" if found.override else ""
            print(f"{printable(found.user)} is on call for {printable(found.team)}{how} from "
                  f"{short_time(found.start)} to {short_time(found.end)}.")
        return EXIT_OK
    start = _date_or_time(args.from_, "--from") if args.from_ else None
    text, count = oncall.export_ics(args.team, start=start, weeks=args.weeks)
    with open(args.ics, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    print(f"Wrote {count} shift{'s' if count != 1 else ''} of {printable(args.team)} to {printable(args.ics)}.")
    return EXIT_OK


def register(sub) -> None:
    """Add `oncall rotation|override|who|export` to the CLI's sub-commands."""
    p = sub.add_parser("oncall", help="on-call rotations and overrides per team; who is on call")
    oc = p.add_subparsers(dest="oncall_command", metavar="rotation|override|who|export", parser_class=type(p),
                          required=True)
    q = oc.add_parser("rotation", help="add or replace a team's rotation (leads)")
    q.add_argument("team")
    q.add_argument("--users", metavar="A,B,C", help="the people, in order")
    q.add_argument("--every", metavar="N{h,d,w}", help="handoff interval, e.g. 12h, 1d, 1w")
    q.add_argument("--start", metavar="LOCAL_TIME", help="first handoff, local time in --tz, e.g. 2027-03-15T09:00")
    q.add_argument("--tz", metavar="ZONE", help="IANA time zone of the handoffs, e.g. Europe/Berlin")
    q.add_argument("--days", metavar="DAYS", help="only on these days, e.g. mon-fri")
    q.add_argument("--hours", metavar="HH:MM-HH:MM", help="only in these hours, e.g. 09:00-17:00")
    q.add_argument("--name", default="primary", help="rotation name (default primary); a team may have several")
    q.add_argument("--remove", action="store_true", help="remove the rotation named --name")
    q = oc.add_parser("override", help="someone covers a team's on-call from one time to another (leads)")
    q.add_argument("team")
    # Not dest "user": that is the global --user (act as), which this one must not replace.
    q.add_argument("--user", dest="cover_user", metavar="NAME", help="who covers")
    q.add_argument("--from", dest="from_", metavar="TIME")
    q.add_argument("--to", metavar="TIME")
    q.add_argument("--remove", type=whole("--remove", low=1), metavar="ID", help="remove an override by its id")
    q = oc.add_parser("who", help="who is on call for a team now, or --at a time")
    q.add_argument("team")
    q.add_argument("--at", metavar="TIME")
    q.add_argument("--json", action="store_true")
    q = oc.add_parser("export", help="write the team's coming shifts as an iCalendar file")
    q.add_argument("team")
    q.add_argument("--ics", required=True, metavar="FILE")
    q.add_argument("--from", dest="from_", metavar="DATE", help="first day (default now)")
    q.add_argument("--weeks", type=whole("--weeks", low=1, high=104), default=4, help="how many weeks (default 4)")
    p.set_defaults(func=cmd_oncall)
