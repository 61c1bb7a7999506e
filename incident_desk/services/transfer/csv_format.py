"""What every CSV importer shares: columns to fields, date columns, rows to incidents (one row each by default)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from incident_desk.services.errors import ValidationError
from incident_desk.services.transfer import records
from incident_desk.services.transfer.csv_reading import UNKNOWN, CsvTable, DateFormat, DateProblem, detect_date_format
from incident_desk.services.transfer.fields import DATE_FIELDS, FIELDS, MULTI_FIELDS, Mapping, fold
from incident_desk.services.transfer.records import Converter, ImportedIncident, RowError, SourceRow
from incident_desk.services.transfer.report import ImportReport, Problem


@dataclass(frozen=True)
class ColumnUse:
    index: int
    header: str
    field: str


class CsvFormat:
    """A CSV dialect of incidents: its own column names and values, and how rows become incidents."""

    name = "csv"
    label = "CSV with a mapping"
    columns: dict[str, str] = {}
    values: dict[str, dict[str, str]] = {}
    # The generic CSV maps a column whose header is a field name (as `export csv` writes them) by itself.
    map_field_names = False

    def mapping(self, user: Mapping) -> Mapping:
        own = Mapping(columns={fold(k): v for k, v in self.columns.items()},
                      values={f: {fold(k): v for k, v in t.items()} for f, t in self.values.items()})
        return own.merged(user)

    def column_uses(self, table: CsvTable, mapping: Mapping, user: Mapping) -> list[ColumnUse]:
        """Which column feeds which field; a `--map` naming a column the file lacks is an error."""
        folded = [fold(h) for h in table.headers]
        missing = [c for c in user.columns if c not in folded]
        if missing:
            raise ValidationError(f"--map names {', '.join(repr(c) for c in missing)}, which {table.path.name} does "
                                  f"not have; its columns are: {_shown(table.headers)}.", field="map")
        uses = []
        for index, header in enumerate(folded):
            target = mapping.columns.get(header)
            if target is None and self.map_field_names and header in FIELDS:
                target = header
            if target:  # "" says the column is not read (the wizard's choice)
                uses.append(ColumnUse(index, table.headers[index], target))
        if not any(u.field == "key" for u in uses):
            raise ValidationError(
                f"No column of {table.path.name} is mapped to key (the source's incident number), so a second "
                f"import could not update instead of duplicating; add --map 'COLUMN=key'. Columns: "
                f"{_shown(table.headers)}.", field="map")
        return uses

    def date_formats(self, table: CsvTable, uses: list[ColumnUse], *, zone: ZoneInfo,
                     date_order: str | None) -> dict[int, DateFormat]:
        formats = {}
        for use in uses:
            if use.field in DATE_FIELDS:
                values = (r[use.index] for _, r in table.rows if use.index < len(r))
                formats[use.index] = detect_date_format(use.header, values, zone=zone, date_order=date_order)
        return formats

    def source_rows(self, table: CsvTable, uses: list[ColumnUse], dates: dict[int, DateFormat],
                    report: ImportReport) -> Iterator[SourceRow | RowError]:
        width = len(table.headers)
        singles = [u for u in uses if u.field not in MULTI_FIELDS]
        multis = [u for u in uses if u.field in MULTI_FIELDS]
        plan = [(u.index, u.field, u.header, dates.get(u.index)) for u in singles]
        for line, record in table.rows:
            if len(record) != width:
                yield RowError([Problem(line, None, None,
                                        f"the row has {len(record)} fields where the header has {width}")])
                continue
            values: dict = {}
            problems: list[Problem] = []
            for index, field_name, header, parser in plan:
                text = record[index].strip()
                if text in UNKNOWN:
                    values.setdefault(field_name, None)
                    continue
                if "\r" in text:  # a line break inside a quoted cell, written the Windows way
                    text = text.replace("\r\n", "\n").replace("\r", "\n")
                if values.get(field_name) is not None:
                    continue  # a repeated column: its first known value counts
                if parser is not None:
                    try:
                        values[field_name] = parser.parse(text)
                    except DateProblem as exc:
                        problems.append(Problem(line, header, text, f"not a date: {exc}"))
                else:
                    values[field_name] = text
            if problems:
                yield RowError(problems)
                continue
            multi = {}
            for use in multis:
                text = record[use.index].strip().replace("\r\n", "\n")
                if text not in UNKNOWN:
                    multi.setdefault(use.field, []).append(text)
            yield SourceRow(line=line, values=values, multi=multi)

    def incidents(self, rows: list[SourceRow], conv: Converter,
                  report: ImportReport) -> Iterator[ImportedIncident | RowError]:
        """One incident per key; a later row with the same key replaces the earlier one."""
        groups, keyless = records.group_rows(rows)
        for row in keyless:
            yield RowError([Problem(row.line, conv.columns.get("key", "key"), None,
                                    "no key: every imported incident needs the source's key")])
        for group in groups.values():
            report.merged_in_file += len(group) - 1
            try:
                yield records.build_incident(group, conv)
            except RowError as exc:
                yield exc



def _shown(headers: list[str]) -> str:
    """Headers for a one-line message: as written, unless one holds a line break or another control."""
    return ", ".join(h if h.isprintable() else repr(h) for h in headers)
