"""The argparse front door: no sub-command opens the GUI; sub-commands run headless and scriptable."""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Sequence

from incident_desk import __version__
from incident_desk.cli.common import EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, CliError, parse_time
from incident_desk.config import DB_ENV_VAR

# One module per command family, each adding its commands with register(subparsers), in help order.
# A module missing here is an ImportError at once, never a command that silently is not there.
COMMAND_MODULES = ("demo", "incidents", "users", "metrics", "escalation", "closure", "reports", "transfer",
                   "communication", "team", "intake", "oncall")

__all__ = ["main", "gui_main", "build_parser", "CliError", "parse_time", "EXIT_OK", "EXIT_USAGE", "EXIT_INTERNAL"]


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on bad arguments already; make its message one clear line."""

    def error(self, message: str):  # noqa: D401  (argparse override)
        # The message quotes the bad value: a control character in it must not split the line.
        self.exit(EXIT_USAGE, f"incident-desk: {_one_line(message)} (see '{self.prog} --help')\n")


def _global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", action="version", version=f"incident-desk {__version__}")
    parser.add_argument("--db", metavar="PATH_OR_URL",
                        help=f"database file or URL (sqlite:///path, postgresql://...); default ${DB_ENV_VAR} "
                             "or the desk in your user data folder")
    parser.add_argument("--user", metavar="NAME",
                        help="act as this user (default: the local desk account); on a team database, sign in as "
                             "this user (password from $INCIDENT_DESK_PASSWORD or a prompt)")
    gui = parser.add_argument_group("window options (no command)")
    gui.add_argument("--screenshot", metavar="PNG", help="open the window, save a screenshot once painted, exit")
    gui.add_argument("--as-started", action="store_true",
                     help="with --screenshot: start everything a normal start starts (the notification panel, "
                          "the tray, escalation checks) before the picture, so it shows the window as people see it")
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
    for name in COMMAND_MODULES:
        importlib.import_module(f"incident_desk.cli.{name}").register(sub)
    return parser


def _run_command(args) -> int:
    if not getattr(args, "opens_database", True):
        return args.func(None, args)  # `restore` must work when the current database does not open
    from incident_desk.cli.common import open_desk
    from incident_desk.cli.team import sign_in_password
    from incident_desk.services.signin import CLI
    # Asked for only when the database turns out to be a team one (a SQLite desk signs nobody in).
    desk = open_desk(args, username=args.user, password=lambda: sign_in_password(args.user), via=CLI)
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
            extra["as_started"] = args.as_started
        # None when nobody chose a database yet: the window opens with the first-run welcome.
        from incident_desk.config import chosen_database_url
        return run_gui(chosen_database_url(args.db), screenshot=args.screenshot, view=args.view, select=args.select,
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
