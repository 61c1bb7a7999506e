"""The `intake` command: take alerts from monitoring over HTTP until stopped; show or set the mapping."""

from __future__ import annotations

import json
import os
import signal
import sys

from incident_desk.cli.common import EXIT_OK, CliError, print_json


def cmd_intake(desk, args) -> int:
    from incident_desk.services.intake_server import (
        DEFAULT_LISTEN,
        IntakeBusy,
        IntakeServer,
        TokenError,
        parse_listen,
        read_token,
        start_error,
    )
    if args.show_mapping:
        print_json(desk.intake.mapping().to_dict())
        return EXIT_OK
    if args.set_mapping:
        try:
            with open(args.set_mapping, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError) as exc:
            raise CliError(f"Cannot read the mapping {args.set_mapping}: {exc}.") from None
        desk.intake.set_mapping(actor=desk.actor, mapping=data)
        print("The intake mapping is saved.")
        return EXIT_OK
    if args.not_in_window:
        desk.intake.set_window_intake(actor=desk.actor, listen=None, token_file=None)
        print("The desk window will not run the intake.")
        return EXIT_OK
    if not args.token_file:
        raise CliError("Give --token-file FILE: the token senders must present.")
    try:
        host, port = parse_listen(args.listen or DEFAULT_LISTEN)
        token = read_token(args.token_file)
    except (ValueError, TokenError) as exc:
        raise CliError(str(exc)) from None
    if args.in_window:
        listen = args.listen or DEFAULT_LISTEN
        desk.intake.set_window_intake(actor=desk.actor, listen=listen, token_file=os.path.abspath(args.token_file))
        print(f"The desk window will run the intake on {listen} (one intake per database).")
        return EXIT_OK
    desk.intake.ready()  # now, so the first alert does not wait for it
    try:
        server = IntakeServer(desk, host=host, port=port, token=token)
    except (IntakeBusy, OSError) as exc:
        raise CliError(start_error(exc, host, port)) from None

    def stop(signum, frame):  # noqa: ARG001  (signal handler's signature)
        server.stop()

    # The writer holds the interpreter for about a millisecond per alert; the senders' threads get their
    # turn sooner with a shorter switch interval (5 ms by default), which the p99 latency shows.
    sys.setswitchinterval(0.001)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"Listening on {server.url()} (POST /alertmanager, POST /v2/enqueue); stop with Ctrl+C.", flush=True)
    server.serve_forever()
    stats = server.stats
    print(f"Stopped: {stats.accepted} alerts taken, {stats.refused} requests refused.", file=sys.stderr)
    return EXIT_OK


def register(sub) -> None:
    """Add `intake` to the CLI's sub-commands."""
    p = sub.add_parser("intake", help="take alerts from monitoring (Alertmanager, PagerDuty Events API) over HTTP")
    p.add_argument("--listen", metavar="HOST:PORT", help="address to listen on (default 127.0.0.1:9095)")
    p.add_argument("--token-file", metavar="FILE", help="file holding the token senders present")
    p.add_argument("--in-window", action="store_true",
                   help="do not serve now: have the desk window run the intake with these options")
    p.add_argument("--not-in-window", action="store_true", help="the desk window stops running the intake")
    p.add_argument("--show-mapping", action="store_true", help="print how alerts become incidents (JSON)")
    p.add_argument("--set-mapping", metavar="JSON_FILE", help="replace the mapping (leads)")
    p.set_defaults(func=cmd_intake)
