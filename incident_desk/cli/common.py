"""What every command shares: the CLI's error, time parsing, and output for people and for scripts."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime

from incident_desk.domain.formatting import time_short
from incident_desk.domain.incident import DomainError
from incident_desk.domain.limits import WHOLE_MAX, check_interval, check_local_time, check_whole
from incident_desk.domain.text import printable

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """Bad input caught by the CLI itself; printed as one line, exit status 2."""


def open_desk(args, *, create: bool | None = None, **kwargs):
    """The desk the command names. A SQLite file named by --db or $INCIDENT_DESK_DB that is not there
    is a typo far more often than a wish for a new desk: only commands that make or fill one
    (``creates_database``) create it; the default desk is made on first use, as the window makes it."""
    import os

    from incident_desk.config import DB_ENV_VAR, database_url
    from incident_desk.services.desk import Desk
    from incident_desk.services.errors import NoDatabase
    if create is None:
        create = getattr(args, "creates_database", False) or not (args.db or os.environ.get(DB_ENV_VAR))
    try:
        return Desk.open(database_url(args.db), create=create, **kwargs)
    except NoDatabase as exc:
        raise CliError(f"There is no desk at {exc.path}: check the path, or make one there with `init`, "
                       "`demo` or `import`.") from None


def parse_time(text: str, *, what: str = "time") -> datetime:
    """ISO 8601 in the desk's years, as UTC; a time without an offset is read in this machine's zone."""
    raw = (text or "").strip()
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise CliError(f"'{text}' is not a valid {what}; use ISO 8601 such as 2026-11-02T09:30 or "
                       f"2026-11-02T09:30+01:00.") from None
    try:
        return check_local_time(value, what)
    except DomainError as exc:
        raise CliError(str(exc)) from None


def whole(what: str, *, low: int = 0, high: int = WHOLE_MAX):
    """An argparse ``type`` for a whole-number option in [low, high]: argparse's own int() takes 10**30,
    which then overflows deep inside a command (after it may have written something)."""
    def parse(text: str) -> int:
        try:
            return check_whole(text, what, low=low, high=high)
        except DomainError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    parse.__name__ = "whole number"  # argparse names the type in its own messages
    return parse


def seconds(what: str):
    """An argparse ``type`` for a wait in seconds: finite, positive and at most a day."""
    def parse(text: str) -> float:
        try:
            return check_interval(text, what)
        except DomainError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    parse.__name__ = "number of seconds"
    return parse


def csv_list(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def print_json(data) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def report(args, data, text: str) -> int:
    """--json prints the data, otherwise one line for people."""
    if args.json:
        print_json(data)
    else:
        print(text)
    return EXIT_OK


def short_time(value: datetime | None) -> str:
    """A stored instant in this machine's zone (formatting never fails at the calendar's edges)."""
    return time_short(value)


def print_rows(rows, total: int | None) -> None:
    headers = ("KEY", "PRI", "STATUS", "ASSIGNEE", "OPENED", "TITLE")
    table = [(r.key, r.priority.label, r.status.label, printable(r.assignee or "-"), short_time(r.opened_at),
              printable(r.title)) for r in rows]
    widths = [max([len(h)] + [len(str(row[i])) for row in table]) for i, h in enumerate(headers[:-1])]
    line = "  ".join(h.ljust(w) for h, w in zip(headers[:-1], widths)) + "  " + headers[-1]
    print(line)
    for row in table:
        print("  ".join(str(c).ljust(w) for c, w in zip(row[:-1], widths)) + "  " + row[-1])
    if total is not None and total > len(rows):
        print(f"({len(rows)} of {total} shown; use --limit to see more)")
