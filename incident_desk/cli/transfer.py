"""The `import`, `export`, `backup` and `restore` commands: history in from other tools, and out again."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from incident_desk.cli.common import EXIT_OK, EXIT_USAGE, CliError, open_desk, print_json
from incident_desk.domain.text import printable

FORMAT_HELP = ("servicenow (incident list or event log), jira, pagerduty, csv (any CSV with --map/--value), "
               "json (this desk's own export)")


class TerminalProgress:
    """A progress bar on stderr when it is a terminal (never in a pipe or a log), redrawn at most 10 times a second."""

    WIDTH = 30

    def __init__(self, label: str, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.label = label
        self._last = 0.0
        self._shown = False

    def __call__(self, done: int, total: int, phase: str) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.1 and done < total:
            return
        self._last = now
        if total > 0:
            share = min(1.0, done / total)
            filled = int(share * self.WIDTH)
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            text = f"\r{self.label}: {phase} [{bar}] {share * 100:3.0f} %"
        else:
            text = f"\r{self.label}: {phase} ..."
        self.stream.write(text)
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        if self.enabled and self._shown:
            self.stream.write("\r" + " " * (self.WIDTH + 60) + "\r")
            self.stream.flush()


def _transfer(desk):
    from incident_desk.services.transfer.service import Transfer
    return Transfer(desk)


def cmd_import(desk, args) -> int:
    from incident_desk.services.transfer.fields import parse_map, parse_values
    from incident_desk.services.transfer.service import Profile, options_from
    transfer = _transfer(desk)
    mapping = parse_values(args.value, parse_map(args.map))
    profile = transfer.profile(args.profile) if args.profile else None
    if profile is not None and profile.format != args.format:
        raise CliError(f"The saved mapping '{profile.name}' is for {profile.format}, not {args.format}.")
    options = options_from(profile, format=args.format, path=Path(args.file), mapping=mapping,
                           date_order=args.date_order, tz=args.tz, dry_run=args.dry_run,
                           skip_invalid=args.skip_invalid, source=args.source)
    progress = TerminalProgress(f"import {Path(args.file).name}")
    try:
        report = transfer.import_file(options, progress=progress)
    finally:
        progress.close()
    if args.save_profile:
        transfer.save_profile(Profile(name=args.save_profile, format=args.format, mapping=options.mapping,
                                      date_order=options.date_order, tz=options.tz, source=options.source))
    if args.json:
        print_json(report.to_dict())
    else:
        for line in report.lines():
            # The lines quote the file's values (a --value hint repeats them): shown, never obeyed.
            print(printable(line), file=sys.stderr if report.problems and not report.skip_invalid else sys.stdout)
    return EXIT_USAGE if report.problems and not args.skip_invalid else EXIT_OK


def cmd_export(desk, args) -> int:
    from incident_desk.cli.incidents import _parse_sort, build_filter
    transfer = _transfer(desk)
    progress = TerminalProgress(f"export {Path(args.file).name}")
    try:
        if args.kind == "json":
            if _has_filters(args):
                raise CliError("The JSON export is the whole desk; the list filters apply to `export csv`.")
            counts = transfer.export_json(args.file, progress=progress)
            data = {"file": args.file, "format": "json", "rows": counts}
            # Section names with their row counts ("teams 1"): "1 teams" read as a slip.
            text = (f"Exported the whole desk to {args.file}; rows per section: "
                    + ", ".join(f"{k} {n:,}" for k, n in counts.items()))
        else:
            written = transfer.export_csv(args.file, filters=build_filter(args), sort=_parse_sort(args.sort),
                                          progress=progress)
            data = {"file": args.file, "format": "csv", "incidents": written}
            text = f"Exported {written:,} incidents to {args.file}."
    finally:
        progress.close()
    if args.json:
        print_json(data)
    else:
        print(text)
    return EXIT_OK


def _has_filters(args) -> bool:
    return any(getattr(args, n, None) for n in ("status", "open", "priority", "category", "assignee", "team", "text",
                                                "since", "until"))


def cmd_backup(_desk, args) -> int:
    """Opens the database itself: a team database only gets the pg_dump line, with no connection needed."""
    from incident_desk.config import database_url
    from incident_desk.services.transfer.backup import UsePgTools, pg_advice
    url = database_url(args.db)
    try:
        advice = pg_advice(url, args.file, restoring=False)
        if advice is not None:
            raise advice
        desk = open_desk(args, username=args.user)
        try:
            path = _transfer(desk).backup(args.file)
            shown = desk.store.display_name
        finally:
            desk.close()
    except UsePgTools as exc:
        print(f"incident-desk: {exc}", file=sys.stderr)
        print(exc.command)
        return EXIT_USAGE
    if args.json:
        print_json({"file": str(path), "bytes": path.stat().st_size})
    else:
        print(f"Backed up {shown} to {path} ({path.stat().st_size / 1e6:.1f} MB).")
    return EXIT_OK


def cmd_restore(_desk, args) -> int:
    """Runs without opening the current database first: restoring a damaged one must work."""
    from incident_desk.config import database_url
    from incident_desk.services.auth import require
    from incident_desk.services.desk import Desk
    from incident_desk.services.errors import StorageError
    from incident_desk.services.transfer.backup import UsePgTools, restore_database
    url = database_url(args.db)

    def check_role() -> None:
        # A database that opens says who may restore it; one that does not (damaged, newer) cannot
        # be asked, and the file's own permissions decide.
        try:
            current = Desk.open(url, username=args.user)
        except StorageError:
            return
        try:
            require(current.actor, "data.restore")
        finally:
            current.close()

    try:
        result = restore_database(url, args.file, actor_check=check_role)
    except UsePgTools as exc:
        print(f"incident-desk: {exc}", file=sys.stderr)
        print(exc.command)
        return EXIT_USAGE
    restored = Desk.open(str(result.database))  # migrates a backup of an older release, keeping a copy
    migrated = restored.store.backup_path
    restored.close()
    data = {"database": str(result.database), "backup": str(result.backup), "schema_version": result.schema_version,
            "incidents": result.incidents, "previous": str(result.previous) if result.previous else None,
            "migrated_copy": str(migrated) if migrated else None}
    if args.json:
        print_json(data)
    else:
        print(f"Restored {result.database} from {result.backup} ({result.incidents:,} incidents, schema "
              f"{result.schema_version}).")
        if result.previous:
            print(f"The database it replaced is kept at {result.previous}.")
        if migrated:
            print(f"The backup was upgraded to this release's schema; the backup as it was is at {migrated}.")
    return EXIT_OK


def register(sub) -> None:
    """Add `import`, `export`, `backup` and `restore` to the CLI's sub-commands."""
    from incident_desk.cli.incidents import add_filter_options
    p = sub.add_parser("import", help="import incidents from another tool's export (or this desk's JSON export)",
                       description="Read the whole file, check every row, then write it all in one transaction "
                                   "(or nothing, with every problem listed). Importing the same file again "
                                   "updates instead of duplicating.")
    p.add_argument("format", choices=("servicenow", "jira", "pagerduty", "csv", "json"), metavar="FORMAT",
                   help=FORMAT_HELP)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD",
                   help="read COLUMN as FIELD (repeatable): key, title, description, category, subcategory, service, "
                        "priority, impact, urgency, status, reporter, contact, channel, assignee, team, opened_at, "
                        "acknowledged_at, resolved_at, closed_at, resolution_code, resolution_notes")
    p.add_argument("--value", action="append", default=[], metavar="FIELD:FROM=TO",
                   help="what a source value means (repeatable), e.g. 'status:Erledigt=closed', 'priority:Hoch=P2', "
                        "'priority:=P3' for an empty one")
    p.add_argument("--date-order", choices=("dmy", "mdy"), help="day-first or month-first, for date columns where "
                                                                 "every date reads both ways (03/04/2026)")
    p.add_argument("--tz", metavar="ZONE", help="time zone of times without an offset (default: this machine's)")
    p.add_argument("--source", metavar="NAME", help="name of the source tool, kept with each incident with its key "
                                                    "(default: the format)")
    p.add_argument("--profile", metavar="NAME", help="start from this saved mapping (made here or in the wizard)")
    p.add_argument("--save-profile", metavar="NAME", help="save this import's mapping under NAME")
    p.add_argument("--dry-run", action="store_true", help="check everything and report; write nothing")
    p.add_argument("--skip-invalid", action="store_true", help="import the valid rows and list the skipped ones")
    p.add_argument("--json", action="store_true", help="the report as JSON")
    p.set_defaults(func=cmd_import, creates_database=True)

    p = sub.add_parser("export", help="export incidents as CSV (with the list filters) or the whole desk as JSON")
    p.add_argument("kind", choices=("csv", "json"), metavar="csv|json")
    p.add_argument("file", metavar="FILE")
    add_filter_options(p)
    p.add_argument("--sort", default="-opened_at", help="CSV row order, as for `list` (default -opened_at)")
    p.add_argument("--json", action="store_true", help="machine-readable summary")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("backup", help="copy the database to FILE while desks keep working (SQLite)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_backup, opens_database=False)

    p = sub.add_parser("restore", help="replace the database by a backup, keeping the current one aside",
                       description="Checks the backup's integrity and schema version first; a backup from a newer "
                                   "release is refused. The database it replaces is kept beside it.")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_restore, opens_database=False)
