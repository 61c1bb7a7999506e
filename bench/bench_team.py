"""Team mode: twenty signed-in desk processes on one PostgreSQL for a while, a realistic mix of work.

Each desk (its own process, signed in, LISTENing) logs, edits, comments, moves incidents along, lists,
searches and counts with a person's pauses between; edits append a token to one of a few shared
incidents (so desks collide and retry on conflicts). Between operations a desk waits on its
listener's socket; when another desk's change arrives it re-reads the open-incident count, as the
window does, and notes when. Reported: write p50/p99, list/search p99, change seen p50/p95 (from
one desk's commit to another desk having re-read), lost updates (tokens saved but not in the
database), against a floor: the same commit (UPDATE + INSERT) by hand with psycopg2, alone.

    python -m bench.bench_team [--desks 20] [--seconds 60]          # runs its own PostgreSQL
    INCIDENT_DESK_BENCH_PG=postgresql://... python -m bench.bench_team   # or an existing (empty) one
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import report

GROUP = "team"
ROOT = Path(__file__).resolve().parent.parent
PG_ENV = "INCIDENT_DESK_BENCH_PG"
ADMIN, ADMIN_PASSWORD = "admin", "bench-admin-1"
DESK_PASSWORD = "bench-desk-1"
HOT_INCIDENTS = 8          # shared incidents every desk edits: collisions, retries, the lost-update check
SEED_INCIDENTS = 1500
# (operation, weight): a desk mostly reads and edits, sometimes logs, comments, moves one along.
MIX = (("log", 8), ("edit", 22), ("comment", 15), ("transition", 8), ("list", 20), ("search", 15), ("count", 12))
WRITES = {"log", "edit", "comment", "transition"}
THINK_S = (0.1, 0.5)       # a person's pause between two operations, uniform
GRACE_S = 3.0              # after the run, how long a desk keeps listening for the last changes
REFRESH_DELAY_S = 0.15     # the window's own (ui/widgets/main_window.py REFRESH_DELAY_MS): changes coalesce
WORDS = ("vpn", "printer", "mail", "laptop", "password", "wifi", "badge", "monitor", "phone", "server")


def pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


# ---- one desk (a worker process) ------------------------------------------------------------------

def desk_main(url: str, user: str, seconds: float, seed: int) -> None:
    sys.path.insert(0, str(ROOT))
    from incident_desk.domain.incident import IncidentFilter, Status
    from incident_desk.services.desk import Desk
    from incident_desk.services.errors import ConflictError
    from incident_desk.services.incidents import IncidentDraft
    from incident_desk.storage.listen import ChangeListener

    rng = random.Random(seed)
    desk = Desk.open(url, username=user, password=DESK_PASSWORD)
    # When the outermost write transaction committed: the moment other desks may learn of it (the
    # service call itself returns a little later, after its post-commit reads).
    committed = [0.0]
    plain_write = desk.store.write

    @contextmanager
    def timed_write():
        with plain_write() as txn:
            yield txn
        if not desk.store.db.in_transaction():
            committed[0] = time.time()

    desk.store.write = timed_write
    listener = ChangeListener(desk.store)
    fileno = listener.connect()
    hot = [f"INC-{n:06d}" for n in range(1, HOT_INCIDENTS + 1)]
    mine: list[tuple[str, int]] = []  # (key, how far along) of incidents this desk logged
    ops, weights = zip(*MIX)
    timings: dict[str, list[float]] = {op: [] for op in ops}
    commits: list[float] = []   # end of each commit that wrote a timeline event (all writes do)
    seen: dict[str, list[float]] = {}  # writer's client id -> when this desk had re-read after its change
    saved: list[tuple[str, str]] = []
    conflicts = errors = 0
    # What an open window has done before anyone works in it: the write hooks' services built (their
    # modules imported, policies read) and the first reads made; not part of any operation's time.
    _ = desk.escalation, desk.notifications, desk.postmortems
    desk.incidents.list_incidents(limit=1)
    desk.incidents.count_incidents(filters=IncidentFilter(text="warm"))
    print("ready", flush=True)
    sys.stdin.readline()
    stop = time.time() + seconds
    n = 0
    steps = (Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.RESOLVED)

    pending: dict[str, int] = {}
    first_heard = [0.0]

    def listen_for(wait: float) -> None:
        """Wait ``wait`` seconds for other desks' changes; like the window, the first change heard
        starts a short timer (REFRESH_DELAY_S) and one re-read then covers every change heard so far."""
        deadline = time.monotonic() + wait
        while True:
            now = time.monotonic()
            if pending and now >= first_heard[0] + REFRESH_DELAY_S:
                desk.incidents.count_incidents(filters=IncidentFilter(statuses=frozenset(
                    s for s in Status if s.is_open)))  # the views' open count, as the window re-reads it
                done = time.time()
                for writer, times in pending.items():
                    seen.setdefault(writer, []).extend([done] * times)
                pending.clear()
                continue
            timeout = deadline - now
            if pending:
                timeout = min(timeout, first_heard[0] + REFRESH_DELAY_S - now)
            if timeout <= 0:
                return
            if select.select([fileno], [], [], timeout)[0]:
                for writer, times in listener.drain_writers().items():
                    if not pending:
                        first_heard[0] = time.monotonic()
                    pending[writer] = pending.get(writer, 0) + times

    while time.time() < stop:
        op = rng.choices(ops, weights)[0]
        n += 1
        t0 = time.perf_counter()
        try:
            if op == "log":
                inc = desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
                    title=f"{rng.choice(WORDS)} trouble {user} {n}", category="Hardware",
                    impact=rng.choice(("low", "medium", "high")), urgency=rng.choice(("low", "medium")),
                    description=f"Reported by phone; {rng.choice(WORDS)} affected."))
                mine.append((inc.key, 0))
            elif op == "edit":
                key = rng.choice(hot)
                token = f"[{user}:{n}]"
                while True:
                    current = desk.incidents.get_incident(key)
                    t0 = time.perf_counter()
                    try:
                        desk.incidents.edit_incident(actor=desk.actor, key=key, expected_version=current.version,
                                                     changes={"description": current.description + token})
                        break
                    except ConflictError:
                        conflicts += 1
                        timings["edit"].append(time.perf_counter() - t0)  # a refused write commits nothing
                saved.append((key, token))
            elif op == "comment":
                desk.incidents.comment(actor=desk.actor, key=rng.choice(hot + [k for k, _ in mine[-5:]]),
                                       text=f"Called back; {rng.choice(WORDS)} looks fine now ({user} {n})")
            elif op == "transition":
                if not mine:
                    op = "log"
                    inc = desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
                        title=f"{rng.choice(WORDS)} trouble {user} {n}", category="Hardware"))
                    mine.append((inc.key, 0))
                else:
                    i = rng.randrange(len(mine))
                    key, step = mine[i]
                    resolving = steps[step] == Status.RESOLVED
                    desk.incidents.transition(actor=desk.actor, key=key, to=steps[step],
                                              resolution_code="fixed" if resolving else None,
                                              resolution_notes="restarted it" if resolving else None)
                    if step + 1 < len(steps):
                        mine[i] = (key, step + 1)
                    else:
                        mine.pop(i)
            elif op == "list":
                desk.incidents.list_incidents(filters=IncidentFilter(statuses=frozenset(
                    s for s in Status if s.is_open)), limit=100)
            elif op == "search":
                desk.incidents.list_incidents(filters=IncidentFilter(text=rng.choice(WORDS)), limit=100)
            else:
                desk.incidents.count_incidents(filters=IncidentFilter(text=rng.choice(WORDS)))
        except Exception as exc:  # noqa: BLE001  (counted and shown; the run goes on)
            errors += 1
            print(f"{user}: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        timings[op].append(time.perf_counter() - t0)
        if op in WRITES:
            commits.append(committed[0])
        listen_for(rng.uniform(*THINK_S))
    listen_for(GRACE_S)
    if pending:
        listen_for(REFRESH_DELAY_S + 0.05)  # the last re-read the grace time left due
    out = {"user": user, "client": desk.store.client_id, "timings": timings, "commits": commits, "seen": seen,
           "saved": saved, "conflicts": conflicts, "errors": errors}
    listener.close()
    desk.close()
    print("RESULT " + json.dumps(out), flush=True)


# ---- the run --------------------------------------------------------------------------------------

def _start_server(folder: Path) -> tuple[str, Path]:
    pg_dir = folder / "pg"
    done = subprocess.run(["bash", str(ROOT / "scripts" / "ci-services.sh"), "pg-start", str(pg_dir)],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "PG_DURABLE": "1"})
    url = next((line.split("=", 1)[1] for line in done.stdout.splitlines() if "INCIDENT_DESK_TEST_PG=" in line), "")
    if done.returncode != 0 or not url:
        raise RuntimeError(f"PostgreSQL did not start: {done.stderr.strip()[-300:]}")
    return url, pg_dir


def _prepare(url: str, desks: int, seed_incidents: int) -> list[str]:
    from incident_desk.domain.incident import Status
    from incident_desk.services.clock import ManualClock, system_clock
    from incident_desk.services.desk import Desk
    from incident_desk.services.incidents import IncidentDraft
    from incident_desk.services.signin import init_team_database
    init_team_database(url, admin=ADMIN, password=ADMIN_PASSWORD, clock=system_clock)
    # Earlier history, logged over the past weeks: lists, searches and counts have rows to go through.
    start = datetime.now(UTC) - timedelta(days=30)
    clock = ManualClock(start)
    admin = Desk.open(url, clock=clock, username=ADMIN, password=ADMIN_PASSWORD)
    rng = random.Random(5)
    users = []
    try:
        for i in range(desks):
            name = f"desk{i:02d}"
            admin.users.add_user(actor=admin.actor, username=name, role="lead" if i % 5 == 0 else "agent",
                                 team="Service Desk", password=DESK_PASSWORD)
            users.append(name)
        for n in range(seed_incidents):
            inc = admin.incidents.log_incident(actor=admin.actor, draft=IncidentDraft(
                title=f"{rng.choice(WORDS)} {rng.choice(WORDS)} problem {n}", category="Hardware",
                impact=rng.choice(("low", "medium")), urgency="low",
                description=f"{rng.choice(WORDS)} and {rng.choice(WORDS)} reported"))
            if n >= HOT_INCIDENTS and rng.random() < 0.7:
                admin.incidents.transition(actor=admin.actor, key=inc.key, to=Status.ACKNOWLEDGED)
                admin.incidents.transition(actor=admin.actor, key=inc.key, to=Status.IN_PROGRESS)
                admin.incidents.transition(actor=admin.actor, key=inc.key, to=Status.RESOLVED,
                                           resolution_code="fixed", resolution_notes="restarted it")
            clock.advance(minutes=25)
    finally:
        admin.close()
    return users


def _raw_floor(url: str, repeats: int = 300) -> list[float]:
    """The same commit an edit makes (UPDATE the incident, INSERT its event) by hand with psycopg2, alone."""
    import psycopg2
    con = psycopg2.connect(url)
    out = []
    try:
        with con.cursor() as cur:
            for i in range(repeats):
                t0 = time.perf_counter()
                cur.execute("UPDATE incident SET updated_at = updated_at + 1, version = version + 1 WHERE id = %s "
                            "RETURNING version", (HOT_INCIDENTS + 1,))
                version = cur.fetchone()[0]
                cur.execute("INSERT INTO event (incident_id, at, kind, note, version) VALUES (%s, %s, 'comment', "
                            "%s, %s)", (HOT_INCIDENTS + 1, int(time.time()), f"floor {i}", version))
                con.commit()
                out.append(time.perf_counter() - t0)
    finally:
        con.close()
    return out


def run(*, desks: int = 20, seconds: float = 60.0, seed_incidents: int = SEED_INCIDENTS) -> dict:
    """The measures as plain figures (ms), and the run's facts."""
    folder = Path(tempfile.mkdtemp(prefix="incident-desk-bench-team-"))
    folder.chmod(0o755)
    pg_dir = None
    url = os.environ.get(PG_ENV)
    try:
        if not url:
            url, pg_dir = _start_server(folder)
        users = _prepare(url, desks, seed_incidents)
        floor = _raw_floor(url)
        env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        procs = [subprocess.Popen([sys.executable, "-m", "bench.bench_team", "--desk", url, user, str(seconds),
                                   str(i)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, env=env, cwd=str(ROOT)) for i, user in enumerate(users)]
        try:
            for proc in procs:
                line = proc.stdout.readline().strip()
                if line != "ready":
                    raise RuntimeError(f"a desk did not start: {proc.stderr.read()[-500:]}")
            for proc in procs:
                proc.stdin.write("\n")
                proc.stdin.flush()
            results, stderr = [], []
            for proc in procs:
                out, err = proc.communicate(timeout=seconds + 120)
                stderr.append(err)
                lines = [x for x in out.splitlines() if x.startswith("RESULT ")]
                if proc.returncode != 0 or not lines:
                    raise RuntimeError(f"a desk failed: {err[-500:]}")
                results.append(json.loads(lines[-1][len("RESULT "):]))
        finally:
            for proc in procs:
                if proc.poll() is None:
                    proc.kill()
        return _summarise(url, results, floor, desks=desks, seconds=seconds)
    finally:
        if pg_dir is not None:
            subprocess.run(["bash", str(ROOT / "scripts" / "ci-services.sh"), "pg-stop", str(pg_dir)],
                           capture_output=True, timeout=120)
        shutil.rmtree(folder, ignore_errors=True)


def _summarise(url: str, results: list[dict], floor: list[float], *, desks: int, seconds: float) -> dict:
    import psycopg2
    ms = 1000.0
    writes = [t * ms for r in results for op in WRITES for t in r["timings"][op]]
    lists = [t * ms for r in results for t in r["timings"]["list"]]
    searches = [t * ms for r in results for t in r["timings"]["search"] + r["timings"]["count"]]
    commits = {r["client"]: r["commits"] for r in results}
    # The k-th change a desk heard from a writer is that writer's k-th commit: PostgreSQL delivers each
    # committed transaction's notification once, in commit order.
    seen, missed = [], 0
    for r in results:
        for writer, times in r["seen"].items():
            theirs = commits.get(writer, [])
            seen += [(t - c) * ms for t, c in zip(times, theirs)]
        for writer, theirs in commits.items():
            if writer != r["client"]:
                missed += max(0, len(theirs) - len(r["seen"].get(writer, [])))
    con = psycopg2.connect(url)
    lost = 0
    try:
        with con.cursor() as cur:
            for n in range(1, HOT_INCIDENTS + 1):
                cur.execute("SELECT description FROM incident WHERE id = %s", (n,))
                found = set(re.findall(r"\[desk\d+:\d+\]", cur.fetchone()[0]))
                expected = {token for r in results for key, token in r["saved"] if key == f"INC-{n:06d}"}
                lost += len(expected - found)
    finally:
        con.close()
    total_ops = sum(len(v) for r in results for v in r["timings"].values())
    by_op = {}
    for op, _w in MIX:
        values = [t * ms for r in results for t in r["timings"][op]]
        by_op[op] = {"n": len(values), "p50_ms": pct(values, 50), "p99_ms": pct(values, 99)}
    return {"desks": desks, "seconds": seconds, "operations": total_ops, "writes": len(writes),
            "conflicts": sum(r["conflicts"] for r in results), "errors": sum(r["errors"] for r in results),
            "write_p50_ms": pct(writes, 50), "write_p99_ms": pct(writes, 99), "list_p99_ms": pct(lists, 99),
            "search_p99_ms": pct(searches, 99), "seen_p50_ms": pct(seen, 50), "seen_p95_ms": pct(seen, 95),
            "seen_samples": len(seen), "missed_changes": missed, "lost_updates": lost,
            "floor_commit_p50_ms": statistics.median(floor) * ms if floor else None,
            "floor_commit_p99_ms": pct([f * ms for f in floor], 99), "by_operation": by_op}


def rows_of(fig: dict) -> list[dict]:
    """The figures as bench rows with the issue's goals."""
    what = f"{fig['desks']} desk processes, {fig['seconds']:.0f} s"
    floor50, floor99 = fig["floor_commit_p50_ms"], fig["floor_commit_p99_ms"]
    return [
        report.row(f"team: write p50 ({what})", group=GROUP, median=fig["write_p50_ms"], raw=floor50,
                   note=f"{fig['writes']} writes (log, edit, comment, transition), {fig['conflicts']} conflicts "
                        f"retried; floor = the same commit by hand with psycopg2, alone"),
        report.row("team: write p99", group=GROUP, median=fig["write_p99_ms"], raw=floor99, target="<= 50 ms",
                   checks={"max_median": 50.0}),
        report.row("team: list p99", group=GROUP, median=fig["list_p99_ms"], note="open incidents, first 100"),
        report.row("team: search/count p99", group=GROUP, median=fig["search_p99_ms"],
                   note="full-text search (PostgreSQL's own) and counts"),
        report.row("team: change seen p50", group=GROUP, median=fig["seen_p50_ms"],
                   note=f"commit on one desk -> NOTIFY -> another desk re-read its open count; "
                        f"{fig['seen_samples']} samples"),
        report.row("team: change seen p95", group=GROUP, median=fig["seen_p95_ms"], target="<= 1000 ms",
                   checks={"max_median": 1000.0}),
        report.row("team: lost updates", group=GROUP, unit="", median=fig["lost_updates"], target="0",
                   checks={"max_median": 0}, note=f"{fig['missed_changes']} changes never heard of; "
                                                   f"{fig['errors']} errors; {fig['operations']} operations"),
    ]


def run_all(*, quick: bool = False) -> list[dict]:
    """For `python -m bench`: the full run is 20 desks for 60 s; --quick 20 desks for 15 s."""
    return rows_of(run(seconds=15.0 if quick else 60.0, seed_incidents=400 if quick else SEED_INCIDENTS))


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--desk":
        desk_main(argv[1], argv[2], float(argv[3]), int(argv[4]))
        return 0
    p = argparse.ArgumentParser(prog="python -m bench.bench_team", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--desks", type=int, default=20)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--seed-incidents", type=int, default=SEED_INCIDENTS)
    p.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = p.parse_args(argv)
    fig = run(desks=args.desks, seconds=args.seconds, seed_incidents=args.seed_incidents)
    print(report.text_table(rows_of(fig)))
    if args.json:
        print(json.dumps(fig, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
