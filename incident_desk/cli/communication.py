"""The `service`, `announce`, `major`, `distribute` and `statuspage` sub-commands: stakeholder communication."""

from __future__ import annotations

import argparse
import sys

from incident_desk.cli.common import CliError, parse_time, print_json
from incident_desk.domain.communication import ServiceState, UpdateState
from incident_desk.domain.text import printable

_STATES = [s.value for s in ServiceState]
_UPDATE_STATES = [s.value for s in UpdateState]


def register(subparsers) -> None:
    """Add the communication commands to the CLI's sub-commands."""
    p = subparsers.add_parser("service", help="manage business services, their subscribers and state",
                              description="Business services: the status page shows the public ones with a state "
                                          "derived from their open incidents (a P1 is a major outage, a P2 a partial "
                                          "one, any other a degraded performance) unless a lead overrides it.")
    sub = p.add_subparsers(dest="service_command", metavar="ACTION", required=True)
    a = sub.add_parser("add", help="add a service")
    a.add_argument("name")
    a.add_argument("--description", default="")
    a.add_argument("--public", action="store_true", help="show it on the status page (default: internal)")
    a.add_argument("--subscriber", action="append", default=[], metavar="ADDRESS",
                   help="an e-mail address told of its public updates (repeatable)")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=run_add)
    ls = sub.add_parser("list", help="list services with their state")
    ls.add_argument("--public", action="store_true", help="only public ones")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=run_list)
    s = sub.add_parser("set", help="rename, describe, publish or hide a service; add or remove subscribers")
    s.add_argument("name")
    s.add_argument("--rename", metavar="NEW_NAME")
    s.add_argument("--description")
    vis = s.add_mutually_exclusive_group()
    vis.add_argument("--public", dest="public", action="store_true", default=None)
    vis.add_argument("--internal", dest="public", action="store_false")
    s.add_argument("--subscribe", action="append", default=[], metavar="ADDRESS")
    s.add_argument("--unsubscribe", action="append", default=[], metavar="ADDRESS")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=run_set)
    o = sub.add_parser("override", help="set a service's state by hand, with a reason (leads)")
    o.add_argument("name")
    group = o.add_mutually_exclusive_group(required=True)
    group.add_argument("--state", choices=_STATES)
    group.add_argument("--clear", action="store_true", help="lift the override: the incidents speak again")
    o.add_argument("--reason", default="")
    o.add_argument("--json", action="store_true")
    o.set_defaults(func=run_override)
    y = sub.add_parser("sync", help="make an entry of every service named on an incident (internal)")
    y.add_argument("--json", action="store_true")
    y.set_defaults(func=run_sync)

    n = subparsers.add_parser("announce", help="post a public update on an incident",
                              description="Record a public update on the incident's timeline (not a comment): "
                                          "the words stakeholders and the status page see.")
    n.add_argument("key")
    n.add_argument("--state", required=True, choices=_UPDATE_STATES)
    n.add_argument("--message", required=True, metavar="TEXT")
    n.add_argument("--service", action="append", default=[], metavar="NAME", help="an affected service (repeatable)")
    n.add_argument("--publish", metavar="DIR", help="publish the status page into DIR afterwards")
    n.add_argument("--json", action="store_true")
    n.set_defaults(func=run_announce)

    m = subparsers.add_parser("major", help="mark an incident as major (it then keeps an update cadence)")
    m.add_argument("key")
    m.add_argument("--off", action="store_true", help="no longer major")
    m.set_defaults(func=run_major)

    d = subparsers.add_parser("distribute", help="an incident's latest public update as a mail link, text or "
                                                 "Markdown")
    d.add_argument("key")
    d.add_argument("--format", choices=("mailto", "text", "markdown", "json"), default="mailto")
    d.add_argument("--status-url", default="", metavar="URL", help="link the status page in the message")
    d.set_defaults(func=run_distribute)

    sp = subparsers.add_parser("statuspage", help="publish the static status page")
    spsub = sp.add_subparsers(dest="statuspage_command", metavar="ACTION", required=True)
    pub = spsub.add_parser("publish", help="write index.html, incident pages, status.json and feed.atom into DIR",
                           description="Write the status page into DIR (made if missing). Only public services' "
                                       "states, incident titles and public updates are written.")
    pub.add_argument("dir")
    pub.add_argument("--base-url", default="", metavar="URL", help="absolute address of DIR for the feed's links")
    pub.add_argument("--title", default="Service status")
    pub.add_argument("--now", metavar="ISO", help=argparse.SUPPRESS)
    pub.add_argument("--json", action="store_true")
    pub.set_defaults(func=run_publish)


def _service_line(s) -> str:
    flag = "public  " if s.public else "internal"
    state = s.state.label + (" (set by hand)" if s.override_reason else "")
    return f"{printable(s.name):<28} {flag}  {state}"


def run_add(desk, args) -> int:
    s = desk.communication.add_service(actor=desk.actor, name=args.name, description=args.description,
                                       public=args.public, subscribers=args.subscriber)
    if args.json:
        print_json(s.to_dict())
    else:
        print(f"Added service {printable(s.name)} ({'public' if s.public else 'internal'}).")
    return 0


def run_list(desk, args) -> int:
    services = desk.communication.list_services(public_only=args.public)
    if args.json:
        print_json([s.to_dict() for s in services])
        return 0
    if not services:
        print("No services.")
    for s in services:
        print(_service_line(s))
    return 0


def run_set(desk, args) -> int:
    s = desk.communication.set_service(actor=desk.actor, name=args.name, new_name=args.rename,
                                       description=args.description, public=args.public,
                                       add_subscribers=args.subscribe, remove_subscribers=args.unsubscribe)
    if args.json:
        print_json(s.to_dict())
    else:
        print(_service_line(s))
    return 0


def run_override(desk, args) -> int:
    if args.clear and args.reason:
        raise CliError("--reason goes with --state; --clear needs none.")
    s = desk.communication.override(actor=desk.actor, name=args.name, state=None if args.clear else args.state,
                                    reason=args.reason)
    if args.json:
        print_json(s.to_dict())
    else:
        print(_service_line(s))
    return 0


def run_sync(desk, args) -> int:
    added = desk.communication.sync_services(actor=desk.actor)
    if args.json:
        print_json({"added": added})
    else:
        print(f"Added {len(added)} service{'s' if len(added) != 1 else ''}"
              + (f": {', '.join(printable(a) for a in added)}." if added else "."))
    return 0


def run_announce(desk, args) -> int:
    update = desk.communication.announce(actor=desk.actor, key=args.key, state=args.state, message=args.message,
                                         services=args.service)
    published = None
    if args.publish:
        from incident_desk.reports.statuspage import publish_desk
        published = publish_desk(desk, args.publish)
    if args.json:
        print_json({**update.to_dict(), "published": published.to_dict() if published else None})
    else:
        print(f"Posted a public update on {update.incident_key}: {update.state.label}.")
        if published:
            print(f"Published the status page into {published.directory}.")
    return 0


def run_major(desk, args) -> int:
    desk.communication.set_major(actor=desk.actor, key=args.key, major=not args.off)
    print(f"{args.key.strip().upper()} is {'no longer ' if args.off else ''}a major incident.")
    return 0


def run_distribute(desk, args) -> int:
    dist = desk.communication.distribution(args.key, status_url=args.status_url)
    if args.format == "json":
        print_json({"subject": dist.subject, "text": dist.text, "markdown": dist.markdown,
                    "recipients": list(dist.recipients), "mailto": dist.mailto})
    elif args.format == "text":
        print(printable(dist.text, lines=True))
    elif args.format == "markdown":
        print(printable(dist.markdown, lines=True))
    else:
        print(dist.mailto)
    return 0


def run_publish(desk, args) -> int:
    from incident_desk.reports.statuspage import publish_desk
    now = parse_time(args.now, what="--now time") if args.now else None
    result = publish_desk(desk, args.dir, base_url=args.base_url, site_title=args.title, now=now)
    if args.json:
        print_json(result.to_dict())
    else:
        print(f"Published {result.services} service{'s' if result.services != 1 else ''} and "
              f"{result.incidents} incident{'s' if result.incidents != 1 else ''} into {result.directory}.")
        sys.stdout.flush()
    return 0
