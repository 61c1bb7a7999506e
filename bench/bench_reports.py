"""Benchmark: `incident-desk review` for a month of the demo database (whole command, and its parts in-process)."""

from __future__ import annotations

import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RUNS = 3
TARGET_S = 5.0


def last_complete_month(db_path: str) -> str:
    """The month before the newest opening: the demo's last full month."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        newest = con.execute("SELECT MAX(opened_at) FROM incident").fetchone()[0]
    finally:
        con.close()
    d = datetime.fromtimestamp(newest, UTC)
    year, month = (d.year - 1, 12) if d.month == 1 else (d.year, d.month - 1)
    return f"{year:04d}-{month:02d}"


def _command(db_path: str, month: str, out: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "incident_desk", "--db", db_path, "review", "--month", month, "-o", str(out)],
                   check=True, capture_output=True, cwd=str(ROOT), env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    return time.perf_counter() - t0


def run(db_path: str) -> dict:
    month = last_complete_month(db_path)
    work = Path(tempfile.mkdtemp(prefix="bench-review-"))
    walls = [_command(db_path, month, work / f"review-{k}.pdf") for k in range(RUNS)]
    pages = (work / "review-0.pdf").stat().st_size

    from incident_desk.domain import metrics as dm
    from incident_desk.domain.reporting import parse_month
    from incident_desk.reports.charts import review_charts
    from incident_desk.reports.export import render
    from incident_desk.reports.layout import review_document
    from incident_desk.services.desk import Desk
    from incident_desk.services.metrics import MetricsService
    from incident_desk.services.reports import TREND_MONTHS, ReportService
    desk = Desk.open(db_path)
    try:
        m = parse_month(month)
        floor, data, charts, pdf = [], [], [], []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            MetricsService.for_desk(desk).refresh(dm.MetricsFilter(start=m.back(TREND_MONTHS - 1).start, end=m.end),
                                                  by="month", ack_percentiles=False, ageing=False)
            floor.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            review = ReportService(desk).monthly_review(month)
            data.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            drawn = review_charts(review)
            for chart in drawn.values():
                chart.png  # noqa: B018 (drawn here, not inside the PDF timing)
            charts.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            render(review_document(review), "pdf", work / "in-process.pdf", drawn)
            pdf.append(time.perf_counter() - t0)
    finally:
        desk.close()
    med = statistics.median
    return {"rows": [
        {"name": f"review --month {month} (PDF, whole command)", "unit": "s", "median": med(walls),
         "min": min(walls), "max": max(walls), "n": RUNS, "raw": med(floor), "target": f"< {TARGET_S:g} s",
         "checks": {"max_median": TARGET_S},
         "note": f"a new process each time: start, open, gather, draw, write ({pages // 1024} KB); the raw floor is "
                 f"the one metrics refresh (six months by month) the review is built on"},
        {"name": "review: gather the figures (service)", "unit": "s", "median": med(data), "min": min(data),
         "max": max(data), "n": RUNS, "raw": med(floor), "note": "metrics refresh + majors + action items"},
        {"name": "review: draw the two charts (matplotlib, Agg)", "unit": "s", "median": med(charts),
         "min": min(charts), "max": max(charts), "n": RUNS},
        {"name": "review: lay out and write the PDF (QTextDocument)", "unit": "s", "median": med(pdf),
         "min": min(pdf), "max": max(pdf), "n": RUNS},
    ]}


if __name__ == "__main__":
    import json
    print(json.dumps(run(sys.argv[1]), indent=2))
