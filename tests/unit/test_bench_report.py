"""The bench report logic on fixed figures: verdicts, ratios, regressions, Markdown and external rows."""

from __future__ import annotations

import json

import pytest

from bench import report
from bench.timing import Stats, percentile


def _run(rows, **meta):
    return {"meta": {"date": "2026-01-01 10:00", "machine": "test box", "rows": 1000, "total_s": 12.5,
                     "load_start": 0.2, "load_end": 0.3, **meta}, "rows": rows}


def test_verdict_against_an_absolute_target():
    assert report.row("first page", group="t", median=120.0, checks={"max_median": 150})["verdict"] == report.PASS
    assert report.row("first page", group="t", median=151.0, checks={"max_median": 150})["verdict"] == report.FAIL
    assert report.row("no target", group="t", median=5.0)["verdict"] == report.NO_TARGET


def test_verdict_needs_both_ratio_and_absolute_target():
    checks = {"max_ratio": 1.5, "max_median": 2000}
    assert report.row("metrics", group="m", median=300, raw=250, checks=checks)["verdict"] == report.PASS
    assert report.row("metrics", group="m", median=400, raw=250, checks=checks)["verdict"] == report.FAIL  # 1.6x
    assert report.row("metrics", group="m", median=2100, raw=2000, checks=checks)["verdict"] == report.FAIL  # > 2 s
    # A ratio target without a raw floor cannot pass.
    assert report.row("metrics", group="m", median=10, checks={"max_ratio": 1.5})["verdict"] == report.FAIL


def test_minimum_ratio_for_throughput():
    r = report.row("import", group="x", unit="rows/s", median=40_000, raw=100_000, checks={"min_ratio": 0.5},
                   higher_is_better=True)
    assert r["ratio"] == pytest.approx(0.4)
    assert r["verdict"] == report.FAIL


def test_ratio_is_empty_without_a_usable_floor():
    assert report.row("a", group="g", median=3.0, raw=None)["ratio"] is None
    assert report.row("a", group="g", median=3.0, raw=0.0)["ratio"] is None
    assert report.row("a", group="g", median=3.0, raw=1.5)["ratio"] == pytest.approx(2.0)


def test_from_stats_summarises_samples():
    r = report.from_stats("jump", Stats([5.0, 1.0, 3.0, 9.0, 2.0]), group="t")
    assert (r["median"], r["min"], r["max"], r["n"]) == (3.0, 1.0, 9.0, 5)


def test_percentile_interpolates():
    data = list(range(1, 101))  # 1..100
    assert percentile(data, 50) == pytest.approx(50.5)
    assert percentile(data, 99) == pytest.approx(99.01)
    assert percentile([7.0], 99) == 7.0
    with pytest.raises(ValueError):
        percentile([], 50)


def test_regression_over_twenty_percent_is_flagged_and_under_is_not():
    old = [report.row("sort", group="t", median=100.0), report.row("filter", group="t", median=50.0),
           report.row("gone", group="t", median=1.0)]
    new = [report.row("sort", group="t", median=125.0), report.row("filter", group="t", median=59.0),
           report.row("brand new", group="t", median=1000.0)]
    regs = report.compare(new, old)
    assert [g["name"] for g in regs] == ["sort"]
    assert regs[0]["change"] == pytest.approx(0.25)


def test_faster_is_never_a_regression_and_throughput_regresses_downwards():
    old = [report.row("fast", group="t", median=100.0),
           report.row("rows/s", group="t", unit="rows/s", median=1000.0, higher_is_better=True)]
    new = [report.row("fast", group="t", median=10.0),
           report.row("rows/s", group="t", unit="rows/s", median=700.0, higher_is_better=True)]
    assert [g["name"] for g in report.compare(new, old)] == ["rows/s"]


def test_placeholders_and_unit_changes_are_not_compared():
    old = [report.row("import", group="x", median=5.0, unit="s"), report.row("mem", group="m", median=100, unit="MB")]
    new = [report.placeholder("import", group="x", verdict=report.NOT_BUILT),
           report.row("mem", group="m", median=900, unit="KB")]
    assert report.compare(new, old) == []


def test_markdown_table_shows_rows_verdicts_and_regressions():
    rows = [report.row("first page", group="t", median=120.0, min=100.0, max=140.0, raw=2.0, target="<= 150 ms",
                       checks={"max_median": 150}),
            report.placeholder("import 100,000 CSV rows", group="transfer", verdict=report.NOT_BUILT)]
    regs = [{"name": "first page", "old": 90.0, "new": 120.0, "unit": "ms", "change": 1 / 3}]
    report.annotate(rows, regs)
    results = _run(rows)
    results.update(compared_with="old.json", regressions=regs)
    md = report.markdown(results)
    lines = md.splitlines()
    assert "| measure | median | min | max | raw floor | ratio | target | verdict |" in lines
    assert "| first page | 120 ms | 100 ms | 140 ms | 2.00 ms | 60.00x | <= 150 ms | pass (regressed +33 %) |" in lines
    assert any(line.startswith("| import 100,000 CSV rows |") and line.endswith("| not built yet |") for line in lines)
    assert "test box" in md and "2026-01-01" in md
    assert "- first page: 90.0 ms -> 120 ms (+33 %)" in lines


def test_write_and_load_round_trip(tmp_path):
    results = _run([report.row("a", group="g", median=1.0)])
    js, md = report.write(results, tmp_path)
    assert js.name == "latest.json" and md.name == "latest.md"
    assert report.load(js)["rows"][0]["name"] == "a"
    (tmp_path / "bad.json").write_text(json.dumps({"x": 1}))
    with pytest.raises(ValueError):
        report.load(tmp_path / "bad.json")


def test_external_rows_from_a_flat_dict():
    rows = report.adapt_external("metrics", {
        "refresh_ms": {"median": 300.0, "min": 250.0, "max": 400.0, "raw": 250.0},
        "rows_per_s": 5000,
        "label": "ignored text",
    })
    by_name = {r["name"]: r for r in rows}
    assert set(by_name) == {"metrics: refresh", "metrics: rows"}
    assert by_name["metrics: refresh"]["unit"] == "ms"
    assert by_name["metrics: refresh"]["ratio"] == pytest.approx(1.2)
    assert by_name["metrics: rows"]["unit"] == "/s"


def test_external_rows_in_the_harness_format_keep_their_targets():
    rows = report.adapt_external("escalation", {"rows": [
        {"name": "scan", "median": 120.0, "unit": "ms", "target": "< 200 ms", "checks": {"max_median": 200}}]})
    assert rows[0]["verdict"] == report.PASS and rows[0]["group"] == "escalation"
