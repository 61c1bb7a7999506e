"""Results as rows: verdicts against targets, regressions against a previous run, JSON and Markdown."""

from __future__ import annotations

import json
import math
from pathlib import Path

REGRESSION = 0.20          # slower (or bigger) by more than this fraction of the old median
RESULTS_DIR = Path(__file__).resolve().parent / "results"

PASS, FAIL, NO_TARGET = "pass", "FAIL", "—"
NOT_BUILT, NOT_AVAILABLE, ERROR = "not built yet", "not available", "error"


def row(name: str, *, group: str, unit: str = "ms", median: float | None = None, min: float | None = None,
        max: float | None = None, n: int | None = None, raw: float | None = None, target: str = "",
        checks: dict | None = None, higher_is_better: bool = False, note: str = "",
        verdict: str | None = None) -> dict:
    """One measure. ``checks`` are machine targets: max_median, max_ratio, min_median, min_ratio."""
    r = {"name": name, "group": group, "unit": unit, "median": median, "min": min, "max": max, "n": n,
         "raw": raw, "ratio": ratio(median, raw), "target": target, "checks": dict(checks or {}),
         "higher_is_better": higher_is_better, "note": note}
    r["verdict"] = verdict if verdict is not None else judge(r)
    return r


def from_stats(name: str, stats, **kw) -> dict:
    return row(name, median=stats.median, min=stats.min, max=stats.max, n=len(stats.samples), **kw)


def placeholder(name: str, *, group: str, verdict: str, note: str = "", target: str = "") -> dict:
    """A row for a measure that cannot run yet ('not built yet', 'not available', 'error')."""
    return row(name, group=group, unit="", target=target, note=note, verdict=verdict)


def ratio(value: float | None, raw: float | None) -> float | None:
    if value is None or raw is None or raw <= 0:
        return None
    return value / raw


def judge(r: dict) -> str:
    checks = r.get("checks") or {}
    if not checks:
        return NO_TARGET
    median, rat = r.get("median"), r.get("ratio")
    if median is None:
        return NO_TARGET
    ok = True
    if "max_median" in checks:
        ok &= median <= checks["max_median"]
    if "min_median" in checks:
        ok &= median >= checks["min_median"]
    if "max_ratio" in checks:
        ok &= rat is not None and rat <= checks["max_ratio"]
    if "min_ratio" in checks:
        ok &= rat is not None and rat >= checks["min_ratio"]
    return PASS if ok else FAIL


def compare(new_rows: list[dict], old_rows: list[dict], *, threshold: float = REGRESSION) -> list[dict]:
    """Measures whose median got worse by more than ``threshold`` against the old run of the same name."""
    old = {r["name"]: r for r in old_rows if _number(r.get("median"))}
    found = []
    for r in new_rows:
        before = old.get(r["name"])
        if before is None or not _number(r.get("median")) or r.get("unit") != before.get("unit"):
            continue
        a, b = before["median"], r["median"]
        if a <= 0:
            continue
        change = (b - a) / a
        worse = -change if r.get("higher_is_better") else change
        if worse > threshold:
            found.append({"name": r["name"], "old": a, "new": b, "unit": r.get("unit", ""),
                          "change": change})
    return found


def annotate(rows: list[dict], regressions: list[dict]) -> None:
    by_name = {g["name"]: g for g in regressions}
    for r in rows:
        g = by_name.get(r["name"])
        r["regression"] = None if g is None else round(g["change"], 4)


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def fmt(value, unit: str = "") -> str:
    if not _number(value):
        return ""
    a = abs(value)
    if a >= 1000:
        text = f"{value:,.0f}"
    elif a >= 100:
        text = f"{value:.0f}"
    elif a >= 10:
        text = f"{value:.1f}"
    elif a >= 1:
        text = f"{value:.2f}"
    else:
        text = f"{value:.3f}"
    return f"{text} {unit}".strip()


COLUMNS = ("measure", "median", "min", "max", "raw floor", "ratio", "target", "verdict")


def table_rows(rows: list[dict]) -> list[tuple[str, ...]]:
    out = []
    for r in rows:
        unit = r.get("unit", "")
        verdict = r.get("verdict", "")
        if r.get("regression") is not None:
            verdict += f" (regressed {r['regression'] * 100:+.0f} %)"
        out.append((r["name"], fmt(r.get("median"), unit), fmt(r.get("min"), unit), fmt(r.get("max"), unit),
                    fmt(r.get("raw"), unit), f"{r['ratio']:.2f}x" if _number(r.get("ratio")) else "",
                    r.get("target", ""), verdict))
    return out


def markdown(results: dict) -> str:
    meta = results.get("meta", {})
    lines = [f"Benchmark of {meta.get('date', '?')} on {meta.get('machine', '?')}; "
             f"{meta.get('rows', '?'):,} incidents; total {fmt(meta.get('total_s'), 's')}; "
             f"load average {meta.get('load_start', 0):.2f} at start, {meta.get('load_end', 0):.2f} at end. "
             "Medians; raw floor = hand-written sqlite3 (or bare PySide6) doing the same work in the same way."
             if isinstance(meta.get("rows"), int) else "Benchmark results.", ""]
    lines.append("| " + " | ".join(COLUMNS) + " |")
    lines.append("|" + "---|" * len(COLUMNS))
    for cells in table_rows(results.get("rows", [])):
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    regs = results.get("regressions") or []
    if results.get("compared_with"):
        lines.append("")
        if regs:
            lines.append(f"Regressions over {REGRESSION * 100:.0f} % against {results['compared_with']}:")
            for g in regs:
                lines.append(f"- {g['name']}: {fmt(g['old'], g['unit'])} -> {fmt(g['new'], g['unit'])} "
                             f"({g['change'] * 100:+.0f} %)")
        else:
            lines.append(f"No regression over {REGRESSION * 100:.0f} % against {results['compared_with']}.")
    notes = [(r["name"], r["note"]) for r in results.get("rows", []) if r.get("note")]
    if notes:
        lines += ["", "Notes:"] + [f"- {n}: {t}" for n, t in notes]
    return "\n".join(lines) + "\n"


def text_table(rows: list[dict]) -> str:
    cells = [COLUMNS] + table_rows(rows)
    widths = [max(len(c[i]) for c in cells) for i in range(len(COLUMNS))]
    out = []
    for k, c in enumerate(cells):
        out.append("  ".join(v.ljust(w) for v, w in zip(c, widths)).rstrip())
        if k == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def load(path: str | Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    if "rows" not in data or not isinstance(data["rows"], list):
        raise ValueError(f"{path} is not a bench results file (no 'rows' list).")
    return data


def write(results: dict, directory: str | Path = RESULTS_DIR, *, stem: str = "latest") -> tuple[Path, Path]:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    js, md = directory / f"{stem}.json", directory / f"{stem}.md"
    js.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    md.write_text(markdown(results), encoding="utf-8")
    return js, md


def adapt_external(name: str, data) -> list[dict]:
    """Rows from another engineer's bench module: a {'rows': [...]} in this format, or a flat dict
    of measures (numbers, or dicts with median/min/max[/raw/target]) named with a unit suffix."""
    if isinstance(data, dict) and isinstance(data.get("rows"), list):
        rows = []
        for r in data["rows"]:
            base = {k: r.get(k) for k in ("median", "min", "max", "n", "raw", "target", "checks", "unit", "note",
                                           "higher_is_better")}
            base = {k: v for k, v in base.items() if v is not None}
            rows.append(row(r.get("name", name), group=name, **base))
        return rows
    rows = []
    if not isinstance(data, dict):
        return [row(name, group=name, unit="", note=f"returned {type(data).__name__}: {data!r}"[:200])]
    for key, value in data.items():
        unit, label = _unit_of(key)
        if _number(value):
            rows.append(row(f"{name}: {label}", group=name, unit=unit, median=float(value)))
        elif isinstance(value, dict) and any(_number(value.get(k)) for k in ("median", "median_ms", "median_s")):
            vu = unit
            med = value.get("median", value.get("median_ms", value.get("median_s")))
            if "median_ms" in value:
                vu = "ms"
            elif "median_s" in value:
                vu = "s"
            pick = lambda k: value.get(k, value.get(f"{k}_{vu}"))  # noqa: E731, B023 (called at once)
            rows.append(row(f"{name}: {label}", group=name, unit=value.get("unit", vu), median=float(med),
                            min=pick("min"), max=pick("max"), n=value.get("n"),
                            raw=pick("raw"), target=str(value.get("target", "")),
                            checks=value.get("checks"), note=str(value.get("note", ""))))
    return rows


def _unit_of(key: str) -> tuple[str, str]:
    for suffix, unit in (("_per_s", "/s"), ("_ms", "ms"), ("_mb", "MB"), ("_s", "s")):
        if key.endswith(suffix):
            return unit, key[: -len(suffix)].replace("_", " ")
    return "", key.replace("_", " ")
