"""Every importer fed malformed files: no crash, a clear report (or one clear error), the database unchanged."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incident_desk.services.clock import ManualClock
from incident_desk.services.desk import Desk
from incident_desk.services.errors import ValidationError
from incident_desk.services.transfer.importer import ImportOptions
from incident_desk.services.transfer.service import Transfer
from tests.reliability.reliability_tools import logical_dump

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "transfer"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
HEADERS = {
    "servicenow": ["number", "state", "incident_state", "opened_at", "short_description", "priority", "impact",
                   "urgency", "resolved_at", "closed_at", "sys_mod_count", "sys_updated_at", "assigned_to"],
    "jira": ["Summary", "Issue key", "Status", "Priority", "Created", "Resolved", "Comment", "Comment", "Labels"],
    "pagerduty": ["incident_number", "title", "status", "urgency", "priority", "created_on", "acknowledged_on",
                  "resolved_on"],
    "csv": ["key", "title", "status", "priority", "opened_at", "closed_at", "impact", "urgency"],
}
CELLS = ["", "?", "New", "Closed", "1 - Critical", "P2", "high", "INC001", "2026-11-01 10:00", "31/12/2026 10:00",
         "02/03/2026", "30/Jul/18 5:00 PM", "30/Foo/18 25:00", "2026-13-45", "x" * 300, "\"", "a\nb", "🔥", "\x00",
         "=SUM(A1)", "-1", "9" * 30, "Active", "Awaiting Vendor", "resolved", "Won't Do", "\u202eevil"]
CHECKED = settings(max_examples=int(__import__("os").environ.get("INCIDENT_DESK_FUZZ_EXAMPLES", "40")),
                   deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                       HealthCheck.too_slow])


@pytest.fixture
def desk(tmp_path):
    d = Desk.open(str(tmp_path / "fuzz.db"), clock=ManualClock(NOW))
    yield d
    d.close()


def _check(desk, fmt: str, path: Path, **options) -> None:
    """The one property: a clear outcome, and nothing written unless the whole import was good."""
    before = logical_dump(desk.store.path)
    try:
        report = Transfer(desk).import_file(ImportOptions(format=fmt, path=path, tz="UTC", **options))
    except ValidationError as exc:
        message = str(exc)
        assert message and "\n" not in message and "Traceback" not in message
        assert logical_dump(desk.store.path) == before
        return
    lines = report.lines()
    assert lines and all(isinstance(line, str) for line in lines)
    json.dumps(report.to_dict())
    if report.written:
        assert not report.problems or options.get("skip_invalid")
    else:
        assert report.problems and all(p.reason for p in report.problems)
        assert logical_dump(desk.store.path) == before


def _csv_text(header: list[str], rows: list[list[str]], delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


@st.composite
def malformed_csv(draw, fmt: str) -> bytes:
    known = HEADERS[fmt]
    header = draw(st.lists(st.sampled_from(known + ["junk", ""]), min_size=1, max_size=10))
    width = len(header)
    row = st.lists(st.one_of(st.sampled_from(CELLS), st.text(max_size=12)), min_size=max(0, width - 2),
                   max_size=width + 2)
    rows = draw(st.lists(row, max_size=8))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    text = _csv_text(header, rows, delimiter)
    mangle = draw(st.sampled_from(["none", "quote", "cut", "cp1252", "bom", "bytes"]))
    if mangle == "quote":
        text = text[: len(text) // 2] + '"' + text[len(text) // 2:]
    elif mangle == "cut":
        text = text[: draw(st.integers(0, len(text)))]
    data = text.encode("utf-8", "surrogatepass")
    if mangle == "cp1252":
        data = text.encode("cp1252", "replace")
    elif mangle == "bom":
        data = b"\xef\xbb\xbf" + data
    elif mangle == "bytes":
        data = data + draw(st.binary(max_size=40))
    return data


@pytest.mark.parametrize("fmt", sorted(HEADERS))
def test_malformed_csv_files(fmt, desk, tmp_path):
    path = tmp_path / f"{fmt}.csv"

    @CHECKED
    @given(data=malformed_csv(fmt), skip=st.booleans())
    def run(data, skip):
        path.write_bytes(data)
        _check(desk, fmt, path, skip_invalid=skip, **({"date_order": "dmy"} if skip else {}))

    run()


def test_fixture_files_with_cells_replaced(desk, tmp_path):
    """The real-looking fixtures with random cells swapped for hostile ones."""
    files = {"servicenow": "servicenow_list.csv", "jira": "jira.csv", "pagerduty": "pagerduty.csv"}
    path = tmp_path / "mutated.csv"

    @CHECKED
    @given(fmt=st.sampled_from(sorted(files)), picks=st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20),
                                                                          st.sampled_from(CELLS)), max_size=4))
    def run(fmt, picks):
        text = (FIXTURES / files[fmt]).read_bytes().decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        for r, c, cell in picks:
            row = rows[1 + r % (len(rows) - 1)]
            row[c % len(row)] = cell
        path.write_bytes(_csv_text(rows[0], rows[1:], ",").encode("utf-8", "surrogatepass"))
        _check(desk, fmt, path)

    run()


@pytest.fixture(scope="module")
def export_text(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export")
    desk = Desk.open(str(folder / "src.db"), clock=ManualClock(NOW))
    Transfer(desk).import_file(ImportOptions(format="jira", path=FIXTURES / "jira.csv", tz="UTC"))
    Transfer(desk).export_json(folder / "e.json")
    desk.close()
    return (folder / "e.json").read_text(encoding="utf-8")


def test_malformed_json_exports(desk, tmp_path, export_text):
    path = tmp_path / "broken.json"

    @CHECKED
    @given(cut=st.integers(0, len(export_text)), at=st.integers(0, len(export_text) - 1),
           junk=st.sampled_from(['"', "}", "]", ",", "x", "{", "null", "\\", "\x00", "9e999", '"incidents": [']),
           how=st.sampled_from(["cut", "replace", "insert", "random"]), noise=st.text(max_size=60))
    def run(cut, at, junk, how, noise):
        if how == "cut":
            text = export_text[:cut]
        elif how == "replace":
            text = export_text[:at] + junk + export_text[at + 1:]
        elif how == "insert":
            text = export_text[:at] + junk + export_text[at:]
        else:
            text = noise
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        _check(desk, "json", path)

    run()
