"""Team mode commands: `init --admin` a team database, `password`, and the `audit` trail (admins)."""

from __future__ import annotations

import os
import sys

from incident_desk.cli.common import EXIT_OK, CliError, parse_time, print_json, printable, short_time, whole

PASSWORD_ENV = "INCIDENT_DESK_PASSWORD"
NEW_PASSWORD_ENV = "INCIDENT_DESK_NEW_PASSWORD"


def _prompt(label: str) -> str | None:
    """A typed password when someone is at a terminal, else None (a script must use the variable)."""
    if not sys.stdin.isatty():
        return None
    import getpass
    try:
        return getpass.getpass(label)
    except EOFError:
        return None


def sign_in_password(username: str | None = None) -> str | None:
    """The password of the account signing in: $INCIDENT_DESK_PASSWORD, else a prompt at a terminal."""
    return os.environ.get(PASSWORD_ENV) or _prompt(f"Password for {username or 'the account'}: ")


def new_password(what: str) -> str:
    """A new password: $INCIDENT_DESK_NEW_PASSWORD, else typed twice at a terminal."""
    value = os.environ.get(NEW_PASSWORD_ENV)
    if value:
        return value
    first = _prompt(f"New password for {what}: ")
    if first is None:
        raise CliError(f"No new password given; set {NEW_PASSWORD_ENV} or run this at a terminal.")
    if _prompt("The same again: ") != first:
        raise CliError("The two passwords differ; nothing was changed.")
    return first


def cmd_init(_desk, args) -> int:
    from incident_desk.config import database_url
    from incident_desk.services.clock import system_clock
    from incident_desk.services.signin import init_team_database
    url = database_url(args.db)
    if not url.startswith(("postgresql://", "postgres://")):
        return _init_single_user(args)
    if not args.admin:
        raise CliError("init on a team (PostgreSQL) database needs --admin NAME, its first admin.")
    password = os.environ.get(PASSWORD_ENV)
    if not password:
        first = _prompt(f"Password for the new admin {args.admin}: ")
        if first is None:
            raise CliError(f"No password given for {args.admin}; set {PASSWORD_ENV} or run this at a terminal.")
        if _prompt("The same again: ") != first:
            raise CliError("The two passwords differ; nothing was written.")
        password = first
    actor, where = init_team_database(url, admin=args.admin, password=password, clock=system_clock)
    message = f"Initialised {where}: {actor.username} is its admin; sign in with --user {actor.username}."
    if args.json:
        print_json({"database": where, "admin": actor.username})
    else:
        print(message)
    return EXIT_OK


def _init_single_user(args) -> int:
    """An empty single-user (SQLite) desk at the named path; one already there is left as it is."""
    from incident_desk.cli.common import open_desk
    if args.admin:
        raise CliError("--admin names a team database's first admin; a SQLite desk signs nobody in, and "
                       "`init` alone makes one.")
    try:
        desk = open_desk(args, create=False, username=args.user)
    except CliError:
        desk = None  # not there: made below
    if desk is not None:
        where = desk.store.display_name
        desk.close()
        raise CliError(f"There is already a desk at {where}; nothing was changed.")
    desk = open_desk(args, create=True, username=args.user)
    try:
        where = desk.store.display_name
    finally:
        desk.close()
    if args.json:
        print_json({"database": where})
    else:
        print(f"Made an empty desk at {where}.")
    return EXIT_OK


def cmd_password(desk, args) -> int:
    if not desk.store.is_team:
        raise CliError("A single-user (SQLite) desk has no passwords; team databases do.")
    # The CLI signed in with this password a moment ago; asking it again would prove nothing more.
    current = os.environ.get(PASSWORD_ENV) or ""
    desk.signin.change_password(actor=desk.actor, current=current, new=new_password(desk.actor.username))
    print(f"Changed the password of {desk.actor.username}.")
    return EXIT_OK


def cmd_audit(desk, args) -> int:
    since = parse_time(args.since, what="--since") if args.since else None
    until = parse_time(args.until, what="--until") if args.until else None
    entries = desk.users.audit(actor=desk.actor, limit=args.limit, action=args.action, who=args.who,
                               since=since, until=until)
    if args.json:
        print_json([e.to_dict() for e in entries])
        return EXIT_OK
    if not entries:
        print("No audit entries match.")
    for e in entries:
        print(f"{short_time(e.at)}  {printable(e.actor or 'system'):<12} {printable(e.action):<22} "
              f"{printable(e.detail)}")
    return EXIT_OK


def register(sub) -> None:
    """Add `init`, `password` and `audit` to the CLI's sub-commands."""
    p = sub.add_parser("init", help="make an empty desk: a SQLite file, or a team (PostgreSQL) database with "
                                    f"its first admin (--admin; password from ${PASSWORD_ENV} or a prompt)")
    p.add_argument("--admin", metavar="NAME", help="a team database's first admin's user name")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_init, opens_database=False)
    p = sub.add_parser("password", help=f"change your own password on a team database (new one from "
                                        f"${NEW_PASSWORD_ENV} or typed twice)")
    p.set_defaults(func=cmd_password)
    p = sub.add_parser("audit", help="the audit trail (admins): sign-ins, failed sign-ins, refusals, accounts")
    p.add_argument("--action", metavar="NAME", help="one action (auth.sign_in) or a family ending in '.' (auth.)")
    p.add_argument("--who", metavar="USER", help="only what this account did (or tried)")
    p.add_argument("--since", metavar="TIME", help="from this time on (ISO 8601)")
    p.add_argument("--until", metavar="TIME", help="before this time (ISO 8601)")
    p.add_argument("--limit", type=whole("--limit", low=1, high=1000), default=50, help="at most this many (50)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_audit)
