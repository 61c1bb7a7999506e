"""GUI measures: cold start to the first painted page, table model operations, peak resident memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import report
from bench.timing import GuiTime, Stats, ms_since, until_painted

GROUP_START, GROUP_TABLE, GROUP_MEM = "cold start", "table", "memory"
REPO = Path(__file__).resolve().parent.parent

# The desk's default window size, so both processes grab and encode as many pixels.
BARE_WINDOW = """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow()
w.resize(1600, 940)
w.show()
for _ in range(5):
    app.processEvents()
w.grab().save(sys.argv[1], "PNG")
"""


def _env(config_home: str) -> dict:
    # A fresh settings folder: no saved window state or view from someone's earlier session.
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": config_home,
           "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _byte_compile() -> None:
    """Compile the package as pip does when it installs it: with PYTHONDONTWRITEBYTECODE set in the
    shell, every changed module was otherwise compiled from source at every start (30 ms of it)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "incident_desk")], check=True,
                   stdout=subprocess.DEVNULL, env=_env(tempfile.gettempdir()))


def _spawn_until_file(cmd: list[str], png: Path, env: dict, timeout_s: float = 60.0) -> tuple[float, float]:
    """(ms from spawn until the PNG exists and is complete, ms until the process exited)."""
    png.unlink(missing_ok=True)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=str(REPO))
    seen = None
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if seen is None and png.exists() and png.stat().st_size > 0:
            seen = ms_since(t0)
        if proc.poll() is not None:
            break
        time.sleep(0.002)
    else:
        proc.kill()
        raise TimeoutError(f"{cmd[2:4]} did not finish in {timeout_s:.0f} s")
    exited = ms_since(t0)
    err = proc.stderr.read().decode(errors="replace")
    if proc.returncode != 0 or not png.exists():
        raise RuntimeError(f"{' '.join(cmd[:4])} failed ({proc.returncode}): {err.strip()[-400:]}")
    return (seen if seen is not None else exited), exited


def cold_start(db: Path, *, runs: int, log=print) -> list[dict]:
    """The desk (`--screenshot`) vs a bare QMainWindow, each as a fresh process, to the PNG on disk."""
    py = sys.executable
    _byte_compile()
    with tempfile.TemporaryDirectory(prefix="bench-start-") as tmp:
        tmp = Path(tmp)
        png = tmp / "shot.png"
        app_s, app_exit, bare_s = Stats(), Stats(), Stats()
        for i in range(runs + 1):  # the first of each is a warm-up (page cache, .pyc)
            env = _env(str(tmp / f"cfg{i}"))
            bare_ms, _ = _spawn_until_file([py, "-c", BARE_WINDOW, str(png)], png, env)
            app_ms, exit_ms = _spawn_until_file([py, "-m", "incident_desk", "--db", str(db), "--screenshot", str(png),
                                                   "--screenshot-at", "first-page"],
                                                png, env)
            if i:
                bare_s.samples.append(bare_ms)
                app_s.samples.append(app_ms)
                app_exit.samples.append(exit_ms)
        imports = _import_profile(py, tmp)
    return [
        report.from_stats("bare QMainWindow process to painted (floor)", bare_s, group=GROUP_START,
                          target="floor (notes: 123 ms)"),
        report.from_stats("desk process to first painted page", app_s, group=GROUP_START, raw=bare_s.median,
                          target="<= 2x bare window", checks={"max_ratio": 2.0},
                          note=f"process exit after the screenshot at {app_exit.median:.0f} ms median; "
                               f"heaviest imports: {imports}"),
    ]


def _import_profile(py: str, tmp: Path) -> str:
    """The slowest top-level packages imported on the way to the window (python -X importtime)."""
    code = ("import incident_desk.app, incident_desk.ui.widgets.main_window, incident_desk.services.desk")
    proc = subprocess.run([py, "-X", "importtime", "-c", code], capture_output=True, text=True,
                          env=_env(str(tmp / "cfg-imp")), cwd=str(REPO))
    totals: dict[str, int] = {}
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        parts = line.split("|")
        try:
            cumulative = int(parts[1])
        except ValueError:
            continue
        name = parts[2].rstrip()
        depth = (len(name) - len(name.lstrip())) // 2
        if depth == 0 or (depth <= 1 and name.strip().startswith("incident_desk")):
            top = name.strip()
            totals[top] = max(totals.get(top, 0), cumulative)
    worst = sorted(totals.items(), key=lambda kv: -kv[1])[:5]
    return ", ".join(f"{k} {v / 1000:.0f} ms" for k, v in worst) or "n/a"


# ---- table model operations in this process -----------------------------------------------------

class TableRig:
    """The real IncidentTableModel and IncidentTable over a Desk, shown offscreen at desk size."""

    def __init__(self, db: Path):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtWidgets import QApplication
        self.app = QApplication.instance() or QApplication([sys.argv[0]])
        from incident_desk.services.desk import Desk
        t0 = time.perf_counter()
        self.desk = Desk.open(str(db))
        self.open_ms = ms_since(t0)
        self.model = self.table = None

    def build(self, filters=None):
        from incident_desk.domain.incident import IncidentFilter
        from incident_desk.ui.models.incident_table_model import IncidentTableModel
        from incident_desk.ui.widgets.incident_table import IncidentTable
        self.model = IncidentTableModel(self.desk.incidents, clock=self.desk.clock,
                                        sla_policy=self.desk.settings.sla_policy())
        self.table = IncidentTable(self.model)
        self.table.resize(1100, 760)
        self.model.set_query(filters or IncidentFilter())
        self.table.show()

    def busy(self) -> bool:
        timer = getattr(self.table, "_visible_timer", None)
        return self.model.is_loading() or (timer is not None and timer.isActive())

    def run(self, op) -> GuiTime:
        return until_painted(self.app, op, busy=self.busy, viewport=lambda: self.table.viewport())

    def settle(self) -> None:
        self.run(lambda: None)

    def teardown(self) -> None:
        if self.table is not None:
            self.table.close()
            self.model.shutdown()
            self.table.deleteLater()
            self.model.deleteLater()
            self.app.processEvents()
            self.table = self.model = None

    def close(self) -> None:
        self.teardown()
        self.desk.close()


def _rows_for(name: str, gui: list[GuiTime], *, raw: float | None, checks: dict, target: str, note: str = "",
              group: str = GROUP_TABLE) -> list[dict]:
    """A row judged on GUI-thread time (the target's measure); wall time until painted in the note."""
    cpu = Stats([g.gui_cpu_ms for g in gui])
    wall = Stats([g.wall_ms for g in gui])
    text = f"wall until painted {wall.median:.1f} ms (max {wall.max:.1f})"
    return [report.from_stats(name, cpu, group=group, raw=raw, target=target, checks=checks,
                              note=(text + "; " + note) if note else text)]


def table_ops(db: Path, *, repeats: int, log=print) -> list[dict]:
    """Each op through the real model and view; its raw floor replays the SELECTs the op really sent
    (captured on a separate run) on bare sqlite3, so the ratio is everything above the database."""
    from PySide6.QtCore import QModelIndex, Qt
    from PySide6.QtTest import QTest

    from bench.bench_service import SEARCH_WORDS, SqlCapture, raw_connect, replay_floor
    from incident_desk.domain.incident import OPEN_STATUSES, IncidentFilter, Priority, Sort, Status
    from incident_desk.ui.models.incident_table_model import column_index

    con = raw_connect(db)
    rows: list[dict] = []

    # First page after open: model + view + count + first page + paint, a fresh Desk each time.
    first: list[GuiTime] = []
    opens = Stats()
    raw_first = None
    for i in range(repeats + 2):
        rig = TableRig(db)
        build = lambda: rig.build(IncidentFilter(statuses=OPEN_STATUSES))  # noqa: E731, B023 (called at once)
        if i == repeats + 1:
            with SqlCapture(rig.desk.store.db) as cap:
                rig.run(build)
            raw_first = replay_floor(con, cap, repeats=repeats)
        else:
            g = rig.run(build)
            if i:
                first.append(g)
                opens.samples.append(rig.open_ms)
        rig.close()
    rows.append(report.from_stats("open the database (Desk.open)", opens, group=GROUP_TABLE,
                                  note="before the model; not part of the first-page figure"))
    rows += _rows_for("first page after open ('All open' view)", first, raw=raw_first,
                      checks={"max_median": 150}, target="<= 150 ms")

    rig = TableRig(db)
    rig.build(IncidentFilter())
    rig.settle()
    model, table = rig.model, rig.table
    total = model.rowCount()
    sb = table.verticalScrollBar()

    def reset_all(select_row: int | None = None):
        table.setCurrentIndex(QModelIndex())  # no selection to follow unless asked for
        model.set_query(IncidentFilter(), Sort())
        table.scrollToTop()
        rig.settle()
        if select_row is not None:
            model.ensure_row(select_row)
            table.setCurrentIndex(model.index(select_row, 0))
            table.scrollToTop()
            rig.settle()

    def timed(op, *, setup=reset_all, n=repeats):
        """n timed runs (setup untimed before each), then one captured run for the raw floor."""
        samples = []
        for _ in range(n):
            setup()
            samples.append(rig.run(op))
        setup()
        with SqlCapture(rig.desk.store.db) as cap:
            rig.run(op)
        return samples, replay_floor(con, cap, repeats=repeats)

    ctrl_end = lambda: QTest.keyClick(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)  # noqa: E731
    # Ctrl+End moves the current row, so there must be one (Qt picks the first cell otherwise).
    samples, raw = timed(ctrl_end, setup=lambda: reset_all(select_row=0))
    rows += _rows_for("jump to last row (Ctrl+End), page not cached", samples, raw=raw,
                      checks={"max_median": 50}, target="<= 50 ms")

    fracs = [0.5, 0.31, 0.77, 0.12, 0.64, 0.45, 0.88, 0.23][: max(repeats, 3)]
    drags, raws = [], []
    for f in fracs:
        s_, r_ = timed(lambda: sb.setValue(int(sb.maximum() * f)), n=1)  # noqa: B023 (called at once)
        drags += s_
        raws.append(r_ or 0.0)
    rows += _rows_for("scrollbar drag to any row, page not cached", drags, raw=Stats(raws).median,
                      checks={"max_median": 50}, target="<= 50 ms",
                      note="rows at " + ", ".join(f"{f:.0%}" for f in fracs) +
                           "; GUI-thread time (reads run on a worker)")

    def after_end():
        reset_all(select_row=0)
        rig.run(ctrl_end)
        if table.currentIndex().row() != total - 1:
            raise RuntimeError("Ctrl+End did not reach the last row")
    samples, _ = timed(lambda: QTest.keyClick(table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier),
                       setup=after_end)
    rows += _rows_for("jump to a cached page (Ctrl+Home after Ctrl+End)", samples, raw=None,
                      checks={"max_median": 16}, target="<= 16 ms (one frame)",
                      note="no database read: this is painting the rows (data() + delegates)")

    # Sort changes (header clicks) on the whole table, nothing selected.
    sorts = [("priority", Qt.SortOrder.DescendingOrder), ("status", Qt.SortOrder.AscendingOrder),
             ("updated", Qt.SortOrder.DescendingOrder), ("sla", Qt.SortOrder.AscendingOrder),
             ("assignee", Qt.SortOrder.AscendingOrder)]
    for col, qt_order in sorts:
        samples, raw = timed(lambda: table.sortByColumn(column_index(col), qt_order))  # noqa: B023 (called at once)
        desc = model.current_sort().descending
        rows += _rows_for(f"sort by {col} ({'desc' if desc else 'asc'}), {total:,} rows", samples, raw=raw,
                          checks={"max_median": 100}, target="<= 100 ms")
    # A header click while an incident is selected: the table keeps it selected (it asks the
    # database where the row went), which costs a count of the rows before it.
    samples, raw = timed(lambda: table.sortByColumn(column_index("status"), Qt.SortOrder.AscendingOrder),
                         setup=lambda: reset_all(select_row=total // 2))
    rows += _rows_for(f"sort by status with row {total // 2:,} selected (kept selected)", samples, raw=raw,
                      checks={"max_median": 100}, target="<= 100 ms",
                      note="the selection is found again with position_of (a count of the rows before it)")

    # Filters and searches: count + first page + paint, from the unfiltered table.
    cases = [
        ("filter: open P1/P2", IncidentFilter(statuses=OPEN_STATUSES,
                                              priorities=frozenset({Priority.P1, Priority.P2}))),
        ("filter: category Network", IncidentFilter(categories=frozenset({"Network"}))),
        ("filter: resolved, unassigned", IncidentFilter(statuses=frozenset({Status.RESOLVED}),
                                                        assignees=frozenset({""}))),
    ] + [(f"search '{w}'", IncidentFilter(text=w)) for w in SEARCH_WORDS[:3]]
    for name, filt in cases:
        samples, raw = timed(lambda: model.set_query(filt))  # noqa: B023 (called at once)
        rows += _rows_for(name, samples, raw=raw, checks={"max_median": 100}, target="<= 100 ms",
                          note=f"{model.rowCount():,} rows")
    # Whole-history filters their own index does not order, under another sort (walks the sort index).
    for name, filt, sort in [
            ("filter + sort: team Network by priority", IncidentFilter(teams=frozenset({"Network"})),
             Sort("priority", True)),
            ("filter + sort: category Network by SLA due", IncidentFilter(categories=frozenset({"Network"})),
             Sort("resolve_due_at", False))]:
        samples, raw = timed(lambda: model.set_query(filt, sort))  # noqa: B023 (called at once)
        rows += _rows_for(name, samples, raw=raw, checks={"max_median": 100}, target="<= 100 ms",
                          note=f"{model.rowCount():,} rows")
    rig.close()
    con.close()
    return rows


def log_to_selected(db: Path, *, count: int, log=print) -> list[dict]:
    """Log an incident at the service, refresh the 'All open' table and select its row, until painted."""
    from bench.bench_service import _drafts
    from incident_desk.domain.incident import OPEN_STATUSES, IncidentFilter
    rig = TableRig(db)
    rig.build(IncidentFilter(statuses=OPEN_STATUSES))
    rig.settle()
    drafts = _drafts(count + 2, rig.desk)
    samples = []

    def one(d):
        inc = rig.desk.incidents.log_incident(actor=rig.desk.actor, draft=d)
        rig.model.refresh()
        if not rig.table.select_key(inc.key):
            raise RuntimeError(f"{inc.key} was not found in the table after logging")
    for i, d in enumerate(drafts):
        g = rig.run(lambda: one(d))  # noqa: B023 (called at once)
        if i >= 2:
            samples.append(g)
    rig.close()
    return _rows_for("log an incident to its row selected in the table", samples, raw=None,
                     checks={"max_median": 100}, target="<= 100 ms",
                     note="service call + refresh + select + paint (dialog not included)")


_LOCK_HOLDER = """
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
con.execute("ROLLBACK")
"""


def save_against_lock(db: Path, *, runs: int, hold_s: float = 1.0, log=print) -> list[dict]:
    """The detail editor saves while another process holds SQLite's write lock for ``hold_s``: the
    longest gap between 5 ms GUI-thread heartbeats from the click until the save has landed."""
    import gc

    from PySide6.QtCore import QTimer

    from incident_desk.ui.detail.editor import IncidentDetailEditor
    from incident_desk.ui.ops import shutdown_all
    rig = TableRig(db)
    editor = IncidentDetailEditor(rig.desk)
    editor.resize(700, 900)
    editor.show()
    key = rig.desk.incidents.list_incidents(limit=1)[0].key
    gaps, waits = [], []
    for n in range(runs):
        editor.load_incident(key)
        editor.title_edit.setText(f"{editor.title_edit.text().split(' #')[0]} #{n}")
        editor.title_edit.textEdited.emit("")
        holder = subprocess.Popen([sys.executable, "-c", _LOCK_HOLDER, str(db), str(hold_s)],
                                  stdout=subprocess.PIPE, text=True)
        if holder.stdout.readline().strip() != "locked":
            raise RuntimeError("the lock holder did not take the lock")
        beats: list[float] = []
        timer = QTimer()
        timer.setInterval(5)
        timer.timeout.connect(lambda: beats.append(time.perf_counter()))  # noqa: B023 (bound to this run)
        gc.collect()
        t0 = time.perf_counter()
        beats.append(t0)
        timer.start()
        if not editor.save():
            raise RuntimeError(f"the save failed: {editor.banner.text()}")
        beats.append(time.perf_counter())
        timer.stop()
        holder.wait(timeout=30)
        gaps.append(max(b - a for a, b in zip(beats, beats[1:])) * 1000)
        waits.append((beats[-1] - t0) * 1000)
    editor.close()
    shutdown_all()
    rig.close()
    return [report.from_stats("longest GUI-thread block while saving against a held write lock", Stats(gaps),
                              group="log", target="<= 50 ms", checks={"max_median": 50},
                              note=f"another process holds BEGIN IMMEDIATE for {hold_s:.0f} s; the save lands "
                                   f"after {Stats(waits).median:.0f} ms (median of {runs})")]


# ---- peak memory in a process of its own --------------------------------------------------------------

RSS_SCRIPT = """
import json, sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from bench.timing import until_painted
from incident_desk.app import _application
from incident_desk.services.desk import Desk
from incident_desk.ui.bridge import DeskBridge
from incident_desk.ui.widgets.main_window import MainWindow

def rss_mb(field='VmRSS:'):
    for line in open('/proc/self/status'):
        if line.startswith(field):
            return int(line.split()[1]) / 1024

app = _application(sys.argv[:1])
desk = Desk.open(sys.argv[1])
bridge = DeskBridge(desk)
w = MainWindow(desk, bridge, QSettings())
w.show()
table, model = w.table, w.model
busy = lambda: model.is_loading() or w.views.is_counting() or table._visible_timer.isActive()
run = lambda op: until_painted(app, op, busy=busy, viewport=table.viewport())
run(lambda: None)
after_open = rss_mb()
from incident_desk.domain.incident import IncidentFilter
run(lambda: model.set_query(IncidentFilter()))   # every incident, not only the open ones
sb = table.verticalScrollBar()
steps = int(sys.argv[2])
for k in range(steps + 1):
    run(lambda: sb.setValue(sb.maximum() * k // steps))
run(table.scrollToBottom)
for k in range(steps, -1, -3):
    run(lambda: sb.setValue(sb.maximum() * k // steps))
out = {"rows": model.rowCount(), "after_open_mb": after_open, "after_scroll_mb": rss_mb(),
       "peak_mb": rss_mb('VmHWM:'), "pages": len(model.cached_pages())}
w.shutdown(); bridge.stop(); desk.close()
print(json.dumps(out))
"""


def peak_memory(db: Path, *, steps: int = 60, log=print) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="bench-rss-") as tmp:
        proc = subprocess.run([sys.executable, "-c", RSS_SCRIPT, str(db), str(steps)], capture_output=True, text=True,
                              env=_env(tmp), cwd=str(REPO), timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"memory run failed: {proc.stderr.strip()[-500:]}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    return [report.row("peak resident memory, GUI open and scrolled end to end", group=GROUP_MEM, unit="MB",
                       median=data["peak_mb"], min=data["after_open_mb"], max=data["peak_mb"], n=1,
                       target="< 250 MB", checks={"max_median": 250},
                       note=f"min column = RSS after open ({data['after_open_mb']:.0f} MB); {data['rows']:,} rows, "
                            f"{steps} scrollbar jumps + scrollToBottom + back; "
                            f"{data['pages']} pages cached at the end")]
