"""The `users` command: add a user (admin only), list users, read the audit log (admin only)."""

from __future__ import annotations

from incident_desk.cli.common import EXIT_OK, print_json, printable, short_time, whole
from incident_desk.cli.team import NEW_PASSWORD_ENV, new_password
from incident_desk.services.auth import ROLES


def cmd_users(desk, args) -> int:
    if args.users_command in ACCOUNT_COMMANDS:
        return _account_command(desk, args)
    if args.users_command == "add":
        password = None
        if desk.store.is_team:
            # A team account signs in: it gets its first password now (the person changes it later).
            from incident_desk.services.auth import require
            require(desk.actor, "users.manage")  # refused before anyone is asked for a password
            password = new_password(args.username)
        # One call: the team to lead is checked before the account is written, so a refusal writes nothing.
        user = desk.users.add_user(actor=desk.actor, username=args.username, display_name=args.name or "",
                                   email=args.email or "", role=args.role, team=args.team,
                                   manager_on_duty=args.manager_on_duty, lead_of=args.lead_of, password=password)
        if args.json:
            print_json({"username": user.username, "role": user.role, "team": user.team})
        else:
            print(f"Added {user.role} {user.username}" + (f" to {printable(user.team)}." if user.team else "."))
        return EXIT_OK
    if args.users_command == "audit":
        entries = desk.users.audit(actor=desk.actor, limit=args.limit, action=args.action)
        if args.json:
            print_json([e.to_dict() for e in entries])
            return EXIT_OK
        if not entries:
            print("The audit log is empty.")
        for e in entries:
            print(f"{short_time(e.at)}  {printable(e.actor or 'system'):<12} {printable(e.action):<16} "
                  f"{printable(e.detail)}")
        return EXIT_OK
    users = desk.users.list_users()
    if args.json:
        print_json(users)
        return EXIT_OK
    width = max([8] + [len(u["username"]) for u in users])
    print(f"{'USERNAME'.ljust(width)}  {'ROLE':<6}  {'TEAM':<16}  NAME")
    for u in users:
        flag = "" if u["active"] else "  (deactivated)"
        print(f"{u['username'].ljust(width)}  {u['role']:<6}  {printable(u['team'] or '-'):<16}  "
              f"{printable(u['display_name'])}{flag}")
    return EXIT_OK


ACCOUNT_COMMANDS = ("reset-password", "disable", "enable", "role", "session-timeout")


def _account_command(desk, args) -> int:
    signin = desk.signin
    command = args.users_command
    if command == "session-timeout":
        signin.set_idle_limit(actor=desk.actor, minutes=args.minutes)
        print(f"Signed-in sessions now end after {args.minutes} idle minutes.")
        return EXIT_OK
    if command == "reset-password":
        from incident_desk.services.auth import require
        require(desk.actor, "users.manage")  # refused before anyone is asked for a password
        signin.reset_password(actor=desk.actor, username=args.username, new=new_password(args.username))
        print(f"Reset the password of {printable(args.username)}; their open sessions end.")
    elif command in ("disable", "enable"):
        signin.set_active(actor=desk.actor, username=args.username, active=command == "enable")
        print(f"{command.capitalize()}d {printable(args.username)}.")
    else:
        signin.set_role(actor=desk.actor, username=args.username, role=args.role)
        print(f"{printable(args.username)} is now {args.role}.")
    return EXIT_OK


def register(sub) -> None:
    """Add `users add|list|audit` to the CLI's sub-commands."""
    p = sub.add_parser("users", help="manage users (add, list) and read the audit log")
    users_sub = p.add_subparsers(dest="users_command", metavar="add|list|audit|reset-password|disable|enable|role|"
                                 "session-timeout", parser_class=type(p), required=True)
    q = users_sub.add_parser("add", help="add a user (admin only)")
    q.add_argument("username")
    q.add_argument("--name", help="display name")
    q.add_argument("--email")
    q.add_argument("--role", default="agent", choices=ROLES)
    q.add_argument("--team")
    q.add_argument("--lead-of", metavar="TEAM", help="make the user the lead of TEAM")
    q.add_argument("--manager-on-duty", action="store_true")
    q.add_argument("--json", action="store_true")
    q = users_sub.add_parser("list", help="list users")
    q.add_argument("--json", action="store_true")
    q = users_sub.add_parser("audit", help="who added which account, and when (admin only), newest first")
    q.add_argument("--action", metavar="NAME", help="only this action, e.g. users.add")
    q.add_argument("--limit", type=whole("--limit", low=1, high=1000), default=50,
                   help="at most this many (default 50)")
    q.add_argument("--json", action="store_true")
    q = users_sub.add_parser("reset-password", help=f"set someone's password (admin; team database; new one from "
                                                   f"${NEW_PASSWORD_ENV} or typed twice)")
    q.add_argument("username")
    for name, text in (("disable", "disable an account: it cannot sign in, its sessions end (admin)"),
                       ("enable", "enable a disabled account again (admin)")):
        q = users_sub.add_parser(name, help=text)
        q.add_argument("username")
    q = users_sub.add_parser("role", help="change someone's role (admin)")
    q.add_argument("username")
    q.add_argument("role", choices=ROLES)
    q = users_sub.add_parser("session-timeout", help="minutes of idleness after which a signed-in desk asks for "
                                                    "the password again (admin)")
    q.add_argument("minutes", type=whole("minutes", low=1, high=24 * 60))
    p.set_defaults(func=cmd_users)
