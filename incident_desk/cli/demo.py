"""The `demo` command: fill the database with realistic demo incidents."""

from __future__ import annotations

from incident_desk.cli.common import parse_time, report


def cmd_demo(desk, args) -> int:
    from incident_desk.services.demo import DemoGenerator
    until = parse_time(args.until, what="--until time") if args.until else None
    gen = DemoGenerator(desk.store, clock=desk.clock, settings=desk.settings)
    result = gen.generate(actor=desk.actor, count=args.count, seed=args.seed, days=args.days, until=until)
    data = {"incidents": result.incidents, "events": result.events, "seconds": round(result.seconds, 2),
            "first_key": result.first_key, "last_key": result.last_key}
    return report(args, data, f"Wrote {result.incidents:,} incidents and {result.events:,} timeline events "
                               f"({result.first_key}..{result.last_key}) in {result.seconds:.1f} s.")


def register(sub) -> None:
    """Add `demo` to the CLI's sub-commands."""
    p = sub.add_parser("demo", help="fill the database with realistic demo incidents")
    p.add_argument("--count", type=int, default=5000, help="how many incidents (default 5000)")
    p.add_argument("--seed", type=int, default=1, help="random seed; the same seed gives the same data")
    p.add_argument("--days", type=int, default=730, help="how many days of history (default 730)")
    p.add_argument("--until", metavar="TIME", help="end of the history (default: the start of this hour)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_demo, creates_database=True)
