"""Any CSV: the user's `--map COLUMN=FIELD` and `--value FIELD:FROM=TO` say what its columns and values mean."""

from __future__ import annotations

from incident_desk.services.transfer.csv_format import CsvFormat


class GenericCsv(CsvFormat):
    """Headers in any language: nothing is assumed beyond a header that is a field's own name (what
    `incident-desk export csv` writes), so an export re-imports without a mapping."""

    name = "csv"
    label = "Any CSV (map the columns)"
    map_field_names = True
