"""Realistic, reproducible demo data: office-hour peaks, priority-dependent long tails, holds, reopens."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from queue import Empty, Full

import numpy as np

from incident_desk.domain.incident import RESOLUTION_CODES, DomainError, Priority, Status, format_key
from incident_desk.domain.limits import check_instant, check_span, check_whole
from incident_desk.domain.priority import DEFAULT_MATRIX
from incident_desk.domain.sla import compute_clocks
from incident_desk.services.auth import Actor, require
from incident_desk.services.clock import Clock
from incident_desk.services.errors import ValidationError
from incident_desk.services.settings import DEFAULT_CATEGORIES, SettingsService
from incident_desk.storage import bulk
from incident_desk.storage.database import Store

MAX_DEMO = 5_000_000
CHUNK = 25_000
# Below this a second process costs more to start than it saves.
PARALLEL_FROM = 50_000
DAY = 86_400
# Share of reports per category, and the team that works it.
CATEGORY_MIX = {
    "Access": (0.17, "Service Desk"), "Email": (0.11, "Service Desk"), "Hardware": (0.12, "Field Services"),
    "Printing": (0.09, "Field Services"), "Network": (0.10, "Network"), "Software": (0.12, "Applications"),
    "Business application": (0.08, "Applications"), "Telephony": (0.05, "Network"),
    "Security": (0.04, "Security"), "Server": (0.05, "Infrastructure"), "Database": (0.03, "Infrastructure"),
    "Facilities": (0.04, "Field Services"),
}
TITLES = {
    "Access": ["Password reset for {who}", "Account locked after failed logins", "Cannot log in to {app}",
               "Needs access to shared drive {drive}", "MFA prompt loops on sign-in"],
    "Email": ["Outlook keeps asking for password", "Mailbox full for {who}", "Emails to {org} bounce",
              "Calendar invites not arriving", "Shared mailbox missing"],
    "Hardware": ["Laptop will not power on", "Docking station not detecting monitors", "Keyboard unresponsive",
                 "Laptop fan very loud and hot", "Second monitor flickers"],
    "Printing": ["Printer on floor {floor} jams", "Cannot print to {printer}", "Print queue stuck",
                 "Scanner sends empty PDFs", "Toner low warning on {printer}"],
    "Network": ["Wi-Fi drops in meeting room {room}", "VPN disconnects every few minutes", "No network at desk {desk}",
                "Slow connection in building {bldg}", "DNS lookups failing for intranet"],
    "Software": ["{app} crashes on start", "Licence expired for {app}", "Install request: {app}",
                 "{app} very slow since update", "Add-in missing in Excel"],
    "Business application": ["ERP invoice posting fails", "CRM search returns nothing", "HR portal error 500",
                             "Cannot approve purchase order", "Timesheet submission fails"],
    "Telephony": ["Desk phone shows no service", "Voicemail not working", "Mobile cannot receive calls",
                  "Call quality poor on softphone"],
    "Security": ["Suspicious email reported by {who}", "Lost laptop reported", "Malware alert on {host}",
                 "Phishing link clicked"],
    "Server": ["{host} not responding", "Disk almost full on {host}", "High CPU on {host}",
               "Scheduled job failed on {host}"],
    "Database": ["Database backup failed", "Slow queries on reporting DB", "Replication lag on {host}"],
    "Facilities": ["Meeting room {room} screen not working", "Badge reader at entrance {bldg} dead",
                   "Power outlet dead at desk {desk}"],
}
FIRST = ["Anna", "Ben", "Chloe", "David", "Emma", "Felix", "Grace", "Hugo", "Ines", "Jonas", "Karin", "Liam",
         "Mia", "Noah", "Olga", "Paul", "Quinn", "Rosa", "Stefan", "Tara", "Uma", "Victor", "Wen", "Yusuf"]
LAST = ["Schmidt", "Martin", "Rossi", "Nowak", "Jensen", "Garcia", "Dubois", "Smith", "Kowalski", "Berg",
        "Novak", "Silva", "Meyer", "Costa", "Moreau", "Fischer"]
APPS = ["Teams", "SAP GUI", "Excel", "Chrome", "Zoom", "Adobe Reader", "AutoCAD", "Power BI"]
TEAMS = ["Service Desk", "Field Services", "Network", "Applications", "Infrastructure", "Security"]
DESCRIPTIONS = [
    "Caller reports the problem started this morning. Restart did not help.",
    "User says it worked yesterday. Happens every time. Screenshot requested.",
    "Several colleagues in the same office see the same behaviour.",
    "Reported by phone; the user is working from home today.",
    "Intermittent; the user could not give an exact time.",
    "Urgent for the user because of a deadline this afternoon.",
]
# Median minutes to acknowledge and hours to resolve per priority (log-normal, long right tail).
TTA_MEDIAN_MIN = {1: 4, 2: 12, 3: 50, 4: 140, 5: 300}
TTR_MEDIAN_H = {1: 2.5, 2: 7, 3: 20, 4: 45, 5: 110}
PRIORITY_MIX = {1: 0.02, 2: 0.08, 3: 0.35, 4: 0.40, 5: 0.15}
CHANNELS = (["phone", "email", "chat", "walk-in", "monitoring"], [0.38, 0.30, 0.17, 0.05, 0.10])


NEW, ACKNOWLEDGED, IN_PROGRESS, ON_HOLD, RESOLVED, CLOSED, CANCELLED = (
    Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.ON_HOLD, Status.RESOLVED, Status.CLOSED,
    Status.CANCELLED)
SLUGS = {s: s.slug for s in Status}
CREATED_NOTES = [f"Logged from {c}" for c in CHANNELS[0]]


@dataclass(frozen=True)
class DemoResult:
    incidents: int
    events: int
    seconds: float
    first_key: str
    last_key: str


def _people(rng: np.random.Generator) -> list[dict]:
    users = []
    used = set()
    for team in TEAMS:
        for n in range(6):
            while True:
                first, last = FIRST[rng.integers(len(FIRST))], LAST[rng.integers(len(LAST))]
                username = f"{first}.{last}".lower()
                if username not in used:
                    used.add(username)
                    break
            users.append({"username": username, "display_name": f"{first} {last}",
                          "email": f"{username}@example.org", "team": team,
                          "role": "lead" if n == 0 else "agent", "lead": n == 0,
                          "manager": team == "Service Desk" and n == 1})
    return users


def _business_seconds_since_epoch(t: np.ndarray) -> np.ndarray:
    """Mon-Fri 08:00-18:00 UTC seconds from a Monday origin (the default calendar), vectorised."""
    d = t // DAY + 3  # 1970-01-01 was a Thursday: shift so d % 7 == 0 is Monday
    week, wd = d // 7, d % 7
    sod = t % DAY
    within = np.where(wd < 5, np.clip(sod - 8 * 3600, 0, 10 * 3600), 0)
    return week * 5 * 36000 + np.minimum(wd, 5) * 36000 + within


def _draw_opened(rng, n: int, start: int, end: int) -> np.ndarray:
    """Weekdays busier than weekends, office hours busier than nights."""
    days = np.arange(start // DAY, end // DAY + 1)
    weekday = (days + 3) % 7
    weights = np.where(weekday < 5, 1.0, 0.22)
    # A slow growth over the period so trends have something to show.
    weights = weights * np.linspace(0.85, 1.15, len(days))
    day = rng.choice(days, size=n, p=weights / weights.sum())
    hour_w = np.array([1, 1, 1, 1, 1, 2, 4, 9, 16, 18, 17, 14, 10, 14, 16, 15, 12, 8, 5, 3, 2, 2, 1, 1], float)
    hour = rng.choice(24, size=n, p=hour_w / hour_w.sum())
    opened = day * DAY + hour * 3600 + rng.integers(0, 3600, size=n)
    return np.clip(opened, start, end - 60)


class DemoGenerator:
    """Writes N demo incidents with full timelines; the same seed gives the same data."""

    def __init__(self, store: Store, *, clock: Clock, settings: SettingsService):
        self.store = store
        self.clock = clock
        self.settings = settings

    def generate(self, *, actor: Actor, count: int, seed: int = 1, days: int = 730,
                 until: datetime | None = None) -> DemoResult:
        """History ends at ``until`` (default: the start of the current hour), so the same seed and
        the same end give the same data."""
        require(actor, "users.manage")
        # Every input is checked before the first row is written.
        try:
            count = check_whole(count, "--count", low=1, high=MAX_DEMO)
            days = check_whole(days, "demo period in days", low=1, high=3650)
            seed = check_whole(seed, "--seed")
            end = check_instant(until or self.clock(), "demo end time")
            check_span(end, timedelta(days=days), "demo history")
        except DomainError as exc:
            raise ValidationError(str(exc)) from None
        if end > self.clock() + timedelta(minutes=5):
            raise ValidationError("The demo history cannot end in the future.", field="until")
        started = time.perf_counter()
        rng = np.random.default_rng(seed)
        now = int(end.timestamp()) // 3600 * 3600 if until is None else int(end.timestamp())
        policy = self.settings.sla_policy()
        self.settings.ensure_defaults()
        people = _people(rng)
        with bulk.bulk_session(self.store, drop_indexes=bulk.incident_count(self.store) == 0):
            user_ids, team_ids = bulk.insert_people(self.store, TEAMS, people, now)
            first_id = bulk.max_incident_id(self.store)
            args = (rng, count, now - days * DAY, now, first_id, people, user_ids, team_ids, policy, actor.id)
            chunks = _rows_from_helper_process(args) if count >= PARALLEL_FROM else _demo_rows(*args)
            n_events = 0
            for incidents, events in chunks:
                bulk.insert_incidents(self.store, incidents)
                bulk.insert_events(self.store, events)
                n_events += len(events)
            bulk.index_search_rows(self.store, first_id=first_id + 1)
        return DemoResult(incidents=count, events=n_events, seconds=time.perf_counter() - started,
                          first_key=format_key(first_id + 1), last_key=format_key(first_id + count))



def _rows_from_helper_process(args: tuple) -> Iterator[tuple[list, list]]:
    """The rows of ``_demo_rows(*args)``, made in a second process while this one writes them.

    Making the rows is pure Python (GIL-bound) and writing them is SQLite's work, so on two cores
    they overlap instead of taking turns; a thread would only contend for the GIL (measured slower).
    'spawn' because this process holds a database connection and a background thread. The helper
    dies with this process however it ends (see _die_with_parent), so no orphan keeps working, or
    keeps this command's output open, after a kill."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue(maxsize=3)
    worker = context.Process(target=_produce_rows, args=(queue, args, os.getpid()), name="demo-rows", daemon=True)
    worker.start()
    try:
        while True:
            try:
                item = queue.get(timeout=1)
            except Empty:
                if not worker.is_alive():  # died without a word (killed, could not start)
                    raise RuntimeError(f"the demo row maker stopped (exit code {worker.exitcode})") from None
                continue
            if item is None:
                break
            if isinstance(item, BaseException):
                raise item
            yield item
        worker.join(timeout=10)
    finally:
        if worker.is_alive():
            worker.terminate()
            worker.join(timeout=5)


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _die_with_parent(parent_pid: int) -> None:
    """Make this helper end when the process that started it ends, even by SIGKILL (which runs no
    clean-up there): on Linux the kernel sends SIGKILL here when the parent dies; elsewhere the
    helper notices its parent is gone between rows. It also lets go of the parent's standard output,
    so a program reading that output sees its end as soon as the parent is gone."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the parent check below still applies
    if os.getppid() != parent_pid:
        os._exit(1)  # the parent died before the request above was made
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)


def _produce_rows(queue, args: tuple, parent_pid: int) -> None:
    _die_with_parent(parent_pid)
    try:
        for chunk in _demo_rows(*args):
            _hand_over(queue, chunk, parent_pid)
    except BaseException as exc:  # noqa: BLE001  (re-raised in the writing process)
        _hand_over(queue, exc, parent_pid)
    else:
        _hand_over(queue, None, parent_pid)


def _hand_over(queue, item, parent_pid: int) -> None:
    """queue.put that gives up when nobody is left to take the item."""
    while True:
        try:
            queue.put(item, timeout=1)
            return
        except Full:
            if os.getppid() != parent_pid:
                os._exit(1)


def _demo_rows(rng, n, start, now, first_id, people, user_ids, team_ids, policy, actor_id):
    """Yields (incident rows, event rows) in slices of CHUNK incidents."""
    cats = list(CATEGORY_MIX)
    cat_p = np.array([CATEGORY_MIX[c][0] for c in cats])
    cat_idx = rng.choice(len(cats), size=n, p=cat_p / cat_p.sum())
    opened = np.sort(_draw_opened(rng, n, start, now))
    prio = rng.choice([1, 2, 3, 4, 5], size=n, p=list(PRIORITY_MIX.values()))
    tta = (np.exp(rng.normal(0, 0.9, n)) * np.vectorize(TTA_MEDIAN_MIN.get)(prio) * 60).astype(np.int64) + 30
    ttr = (np.exp(rng.normal(0, 1.0, n)) * np.vectorize(TTR_MEDIAN_H.get)(prio) * 3600).astype(np.int64)
    # Work starts up to 10 min after acknowledgement and a hold starts 40 % of the way in, so
    # resolving at least 20 min after acknowledgement keeps every timeline in order.
    ttr = np.maximum(ttr, tta + 1200)
    has_hold = rng.random(n) < 0.12
    hold_len = np.where(has_hold, (np.exp(rng.normal(0, 0.8, n)) * 20 * 3600).astype(np.int64), 0)
    reopened = rng.random(n) < 0.04
    cancelled = rng.random(n) < 0.03
    ack_at = opened + tta
    start_work = ack_at + (rng.random(n) * 600).astype(np.int64)
    hold_at = start_work + ((ttr - tta) * 0.4).astype(np.int64)
    resolved_first = opened + ttr + hold_len
    reopen_at = resolved_first + (rng.random(n) * 2 * DAY).astype(np.int64) + 3600
    resolved_final = np.where(reopened, reopen_at + (ttr * 0.5).astype(np.int64) + 1800, resolved_first)
    closed_at = resolved_final + 3 * DAY
    cancel_at = opened + np.minimum(tta, 1800) // 2 + 60
    bh_open = _business_seconds_since_epoch(opened)
    tta_bh = _business_seconds_since_epoch(ack_at) - bh_open
    hold_bh = np.where(has_hold, _business_seconds_since_epoch(hold_at + hold_len)
                       - _business_seconds_since_epoch(hold_at), 0)
    ttr_bh = _business_seconds_since_epoch(resolved_final) - bh_open
    bh_hold_l = _business_seconds_since_epoch(hold_at).tolist()
    bh_now = int(_business_seconds_since_epoch(np.array([now]))[0])
    ttr1_bh = _business_seconds_since_epoch(resolved_first) - bh_open
    # Reopened incidents do not count the time between first resolution and reopening.
    gap = np.where(reopened, reopen_at - resolved_first, 0)
    gap_bh = np.where(reopened, _business_seconds_since_epoch(reopen_at)
                      - _business_seconds_since_epoch(resolved_first), 0)
    team_of = {t: [u for u in people if u["team"] == t] for t in TEAMS}
    assignee_pick = rng.integers(0, 6, size=n).tolist()
    unassigned = (rng.random(n) < 0.04).tolist()
    channel = rng.choice(len(CHANNELS[0]), size=n, p=CHANNELS[1]).tolist()
    title_pick = rng.integers(0, 1000, size=n).tolist()
    desc_pick = rng.integers(0, len(DESCRIPTIONS), size=n).tolist()
    reporter_pick = rng.integers(0, len(FIRST) * len(LAST), size=n).tolist()
    fill_pick = rng.integers(0, 1000, size=n).tolist()
    code_pick = rng.integers(0, len(RESOLUTION_CODES) - 1, size=n).tolist()
    titles: dict = {}
    reporters = [(f"{FIRST[r % len(FIRST)]} {LAST[r // len(FIRST) % len(LAST)]}",
                  f"{FIRST[r % len(FIRST)].lower()}.{LAST[r // len(FIRST) % len(LAST)].lower()}@example.org")
                 for r in range(len(FIRST) * len(LAST))]
    pairs_for = {p: [(i, u) for (i, u), q in DEFAULT_MATRIX.cells.items() if int(q) == p] for p in range(1, 6)}
    targets = {p: policy.target_for(Priority(p)) for p in range(1, 6)}
    incidents, events = [], []
    ev = events.append
    to_list = lambda a: a.tolist()  # noqa: E731  (numpy -> Python ints once, not per element)
    opened_l, ack_l, work_l, hold_l, holdlen_l = map(to_list, (opened, ack_at, start_work, hold_at, hold_len))
    res1_l, reopen_l, resf_l, close_l, cancel_l = map(to_list, (resolved_first, reopen_at, resolved_final,
                                                               closed_at, cancel_at))
    tta_l, ttr_l, tta_bh_l, ttr_bh_l, ttr1_bh_l, hold_bh_l, gap_l, gap_bh_l = map(
        to_list, (tta, ttr, tta_bh, ttr_bh, ttr1_bh, hold_bh, gap, gap_bh))
    prio_l, cat_l, hashold_l, reop_l, canc_l = map(to_list, (prio, cat_idx, has_hold, reopened, cancelled))
    for i in range(n):
        iid = first_id + i + 1
        p = prio_l[i]
        cat = cats[cat_l[i]]
        team = CATEGORY_MIX[cat][1]
        member = team_of[team][assignee_pick[i]]
        assignee = None if unassigned[i] else user_ids[member["username"]]
        subs = DEFAULT_CATEGORIES[cat]
        sub = subs[fill_pick[i] % len(subs)]
        tkey = (cat, title_pick[i] % len(TITLES[cat]), fill_pick[i])
        title = titles.get(tkey)
        if title is None:
            title = titles[tkey] = _title(*tkey)
        reporter_name, reporter_contact = reporters[reporter_pick[i]]
        impact, urgency = pairs_for[p][fill_pick[i] % len(pairs_for[p])]
        o = opened_l[i]
        ev((iid, o, actor_id, "created", None, None, title, CREATED_NOTES[channel[i]], 1))
        ack = res = closed = None
        reopen_count = 0
        hold_reason = None
        history: list = []
        h = history.append
        if canc_l[i] and cancel_l[i] <= now:
            h((cancel_l[i], CANCELLED, "Caller fixed it themselves"))
            closed = cancel_l[i]
        elif ack_l[i] <= now:
            ack = ack_l[i]
            h((ack, ACKNOWLEDGED, None))
            working = work_l[i] <= now
            if working:
                h((work_l[i], IN_PROGRESS, None))
            if working and hashold_l[i] and hold_l[i] <= now:
                h((hold_l[i], ON_HOLD, "awaiting vendor"))
                hold_reason = "vendor"
                if hold_l[i] + holdlen_l[i] <= now:
                    h((hold_l[i] + holdlen_l[i], IN_PROGRESS, None))
                    hold_reason = None
                else:
                    working = False
            if working and res1_l[i] <= now:
                h((res1_l[i], RESOLVED, None))
                res = res1_l[i]
                if reop_l[i] and reopen_l[i] <= now:
                    h((reopen_l[i], IN_PROGRESS, "Reopened: problem is back"))
                    reopen_count, res = 1, None
                    if resf_l[i] <= now:
                        h((resf_l[i], RESOLVED, None))
                        res = resf_l[i]
                if res is not None and close_l[i] <= now:
                    h((close_l[i], CLOSED, None))
                    closed = close_l[i]
        prev = "new"
        who = assignee or actor_id
        for version, (at, st, note) in enumerate(history, 2):
            slug = SLUGS[st]
            ev((iid, at, who, "status", "status", prev, slug, note, version))
            prev = slug
        version = len(history) + 1
        status = history[-1][1] if history else Status.NEW
        t = targets[p]
        bh = t.business_hours
        tta_v = ack - o if ack is not None else None
        tta_bh_v = tta_bh_l[i] if ack is not None else None
        if status == ON_HOLD:  # still waiting: held so far, as the services count it
            hold_v = now - hold_l[i]
            hold_bh_v = bh_now - bh_hold_l[i]
        elif hashold_l[i] and ack is not None and hold_l[i] <= now and any(st == ON_HOLD for _, st, _ in history):
            hold_v, hold_bh_v = holdlen_l[i], hold_bh_l[i]
        else:
            hold_v = hold_bh_v = 0
        ttr_v = ttr_bh_v = None
        resp_missed = res_missed = False
        if tta_v is not None and t.response_s:
            resp_missed = (tta_bh_v if bh else tta_v) > t.response_s
        if res is not None:
            ttr_v = res - o
            # TTR runs from opening to the final resolution, like the services' sla_state; the SLA
            # clock alone leaves out holds and the gap between a resolution and its reopening.
            ttr_bh_v = ttr_bh_l[i] if reopen_count else ttr1_bh_l[i]
            if t.resolve_s:
                gap_v, gap_bh_v = (gap_l[i], gap_bh_l[i]) if reopen_count else (0, 0)
                counted = (ttr_bh_v - hold_bh_v - gap_bh_v) if bh else (ttr_v - hold_v - gap_v)
                res_missed = counted > t.resolve_s
        resp_due = res_due = paused = None
        if status.is_open:
            clocks = compute_clocks(policy, priority=Priority(p), opened_at=_dt(o),
                                    history=[(_dt(a), st) for a, st, _ in history], now=_dt(now))
            cols = clocks.storage_columns()
            resp_due = _ep(cols.response_due_at)
            res_due = _ep(cols.resolve_due_at)
            paused = cols.paused_remaining_s
        updated = history[-1][0] if history else o
        code = RESOLUTION_CODES[code_pick[i]] if res is not None else None
        incidents.append((
            iid, format_key(iid), title, DESCRIPTIONS[desc_pick[i]], cat, sub, None, reporter_name,
            reporter_contact, CHANNELS[0][channel[i]], int(impact), int(urgency),
            p, 0, int(status), hold_reason, assignee, team_ids[team], assignee and member["username"], team, o,
            ack, res,
            closed, updated, reopen_count, code, "Caller fixed it themselves" if status == Status.CANCELLED
            else None, 0, resp_due, res_due, paused, int(resp_missed), int(res_missed), tta_v, ttr_v,
            hold_v, tta_bh_v, ttr_bh_v, hold_bh_v, actor_id, version))
        if len(incidents) >= CHUNK:
            yield incidents, events
            incidents, events = [], []
            ev = events.append
    if incidents:
        yield incidents, events



def _title(cat: str, pick: int, fill: int) -> str:
    templates = TITLES[cat]
    text = templates[pick % len(templates)]
    return text.format(who=f"{FIRST[fill % len(FIRST)]} {LAST[fill % len(LAST)]}", app=APPS[fill % len(APPS)],
                       drive=f"\\\\files\\{['finance', 'hr', 'sales', 'legal'][fill % 4]}",
                       org=["Contoso", "Fabrikam", "Northwind"][fill % 3], floor=fill % 6 + 1,
                       printer=f"PRN-{fill % 40 + 100}", room=f"{fill % 5 + 1}.{fill % 20 + 1:02d}",
                       desk=f"{fill % 300 + 1}", bldg="ABCD"[fill % 4], host=f"srv-{fill % 60 + 1:03d}")


def _dt(epoch_s: int) -> datetime:
    return datetime.fromtimestamp(epoch_s, UTC)


def _ep(value: datetime | None) -> int | None:
    return None if value is None else int(value.timestamp())


