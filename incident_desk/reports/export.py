"""Write a report to a file: gather its data from the services, lay it out, render it as PDF, HTML or Markdown."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from incident_desk.domain.incident import DomainError
from incident_desk.domain.reporting import parse_format
from incident_desk.reports.document import Document
from incident_desk.reports.layout import incident_document, review_document
from incident_desk.services.errors import ValidationError
from incident_desk.services.reports import ReportService

Progress = Callable[[int, str], None]


def _format(fmt: str | None, path: Path) -> str:
    try:
        return parse_format(fmt or path.suffix.lstrip(".") or "")
    except DomainError as exc:
        raise ValidationError(str(exc), field="format") from None


def _check_target(path: Path) -> Path:
    path = Path(path).expanduser()
    if path.is_dir():
        raise ValidationError(f"{path} is a folder; give a file name.", field="output")
    if not path.parent.exists():
        raise ValidationError(f"The folder {path.parent} does not exist.", field="output")
    if not os.access(path.parent, os.W_OK):
        raise ValidationError(f"Cannot write in {path.parent}: permission denied.", field="output")
    return path


def _atomic_write(path: Path, data: bytes) -> None:
    """Write beside the target, then rename: a failed export never leaves half a report behind."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=str(path.parent))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _svg_body(svg: str) -> str:
    """matplotlib's SVG without its XML declaration and doctype, to sit inside an HTML page."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def render(doc: Document, fmt: str, path: Path, charts: dict | None = None) -> list[Path]:
    """Write ``doc`` to ``path`` as ``fmt``; Markdown's charts go to PNG files beside it. Returns the files."""
    charts = charts or {}
    written = [path]
    if fmt == "md":
        from incident_desk.reports.markdown import to_markdown
        links = {}
        for name, chart in charts.items():
            image = path.with_name(f"{path.stem}-{name}.png")
            _atomic_write(image, chart.png)
            links[name] = image.name
            written.append(image)
        _atomic_write(path, to_markdown(doc, links).encode("utf-8"))
    elif fmt == "html":
        from incident_desk.reports.html import to_html
        page = to_html(doc, {name: _svg_body(c.svg) for name, c in charts.items()})
        _atomic_write(path, page.encode("utf-8"))
    else:
        from incident_desk.reports.pdf import write_pdf
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".pdf", dir=str(path.parent))
        os.close(fd)
        try:
            write_pdf(doc, tmp, {name: c.png for name, c in charts.items()})
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return written


def export_incident_report(desk, key: str, path: str | Path, *, fmt: str | None = None, audience: str = "internal",
                           progress: Progress | None = None) -> list[Path]:
    """The closure report or postmortem of incident ``key`` in ``path``."""
    step = progress or (lambda _p, _t: None)
    target = _check_target(Path(path))
    kind = _format(fmt, target)
    step(10, "Gathering the incident")
    report = ReportService(desk).incident_report(key, audience=audience)
    step(50, "Laying out the report")
    doc = incident_document(report)
    step(70, f"Writing {kind.upper()}")
    files = render(doc, kind, target)
    step(100, "Done")
    return files


def export_review(desk, month: str, path: str | Path, *, fmt: str | None = None,
                  progress: Progress | None = None) -> list[Path]:
    """The monthly review of ``month`` (YYYY-MM) in ``path``."""
    step = progress or (lambda _p, _t: None)
    target = _check_target(Path(path))
    kind = _format(fmt, target)
    review = ReportService(desk).monthly_review(month, progress=lambda p, t: step(int(p * 0.7), t))
    step(72, "Drawing the charts")
    from incident_desk.reports.charts import review_charts
    charts = review_charts(review)
    step(85, f"Writing {kind.upper()}")
    files = render(review_document(review), kind, target, charts)
    step(100, "Done")
    return files


def default_file_name(key_or_month: str, fmt: str, *, audience: str | None = None) -> str:
    """'INC-000042-customer.pdf', 'review-2026-10.pdf': what the save dialogs propose."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", key_or_month).strip("-")
    if audience == "customer":
        stem += "-customer"
    return f"{stem}.{fmt}"
