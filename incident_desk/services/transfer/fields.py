"""What an import maps to: the target fields, `--map COLUMN=FIELD` and `--value FIELD:FROM=TO` specs."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from incident_desk.services.errors import ValidationError

# The fields a column may be mapped to (`--map COLUMN=FIELD`), in the order the wizard lists them.
FIELDS = ("key", "title", "description", "category", "subcategory", "service", "priority", "impact", "urgency",
          "status", "reporter", "contact", "channel", "assignee", "team", "opened_at", "acknowledged_at",
          "resolved_at", "closed_at", "resolution_code", "resolution_notes")
# Fields the built-in formats fill from their own columns besides FIELDS (timeline and ordering facts).
EXTRA_FIELDS = ("updated_at", "comment", "labels", "update_order", "updated_by", "resolved_by", "reopen_count",
                "escalation_policy")
DATE_FIELDS = frozenset({"opened_at", "acknowledged_at", "resolved_at", "closed_at", "updated_at"})
# Fields whose values must have an equivalent here; `--value` says what a source value means.
VALUE_FIELDS = ("status", "priority", "impact", "urgency", "channel")
# Fields a column may repeat for (Jira's several Labels and Comment columns): every value is kept.
MULTI_FIELDS = frozenset({"comment", "labels"})
EMPTY_MARK = ""  # `--value priority:=P3` says what an empty (or '?') value means


def fold(text: str) -> str:
    """Values and headers are compared case- and space-insensitively ('On  Hold' = 'on hold')."""
    return " ".join(unicodedata.normalize("NFC", str(text)).split()).casefold()


@dataclass
class Mapping:
    """Which column feeds which field, and what source values mean (both by folded text)."""

    columns: dict[str, str] = field(default_factory=dict)            # folded header -> field
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> folded source value -> target

    def merged(self, other: Mapping) -> Mapping:
        """This mapping with ``other``'s entries on top (the user's `--map`/`--value` over a format's own)."""
        columns = {**self.columns, **other.columns}
        values = {f: dict(v) for f, v in self.values.items()}
        for name, table in other.values.items():
            values.setdefault(name, {}).update(table)
        return Mapping(columns=columns, values=values)

    def to_dict(self) -> dict:
        return {"columns": dict(self.columns), "values": {f: dict(v) for f, v in self.values.items()}}

    @classmethod
    def from_dict(cls, data: dict) -> Mapping:
        if not isinstance(data, dict):
            raise ValidationError("A saved mapping must be a JSON object with 'columns' and 'values'.")
        columns, values = data.get("columns") or {}, data.get("values") or {}
        if not isinstance(columns, dict) or not isinstance(values, dict):
            raise ValidationError("A saved mapping's 'columns' and 'values' must be objects.")
        mapping = cls()
        for column, target in columns.items():
            # An empty field says the column is not read, also where the format would read it.
            mapping.columns[fold(column)] = _check_field(str(target), allow_extra=True) if target else ""
        for name, table in values.items():
            name = _check_field(str(name), allow_extra=False)
            if not isinstance(table, dict):
                raise ValidationError(f"The saved values of {name} must be an object of FROM: TO.")
            mapping.values[name] = {fold(k): str(v) for k, v in table.items()}
        return mapping


def _check_field(name: str, *, allow_extra: bool) -> str:
    name = name.strip().lower()
    known = FIELDS + (EXTRA_FIELDS if allow_extra else ())
    if name not in known:
        raise ValidationError(f"Unknown field '{name}'; use one of: {', '.join(FIELDS)}.", field="map")
    return name


def parse_map(specs: list[str]) -> Mapping:
    """`--map COLUMN=FIELD` (repeatable); COLUMN is the header as written, in any language."""
    mapping = Mapping()
    for spec in specs or ():
        column, sep, target = str(spec).rpartition("=")
        if not sep or not column.strip():
            raise ValidationError(f"--map '{spec}' is not COLUMN=FIELD (for example --map 'Kurzbeschreibung=title').",
                                  field="map")
        mapping.columns[fold(column)] = _check_field(target, allow_extra=False)
    return mapping


_VALUE_RE = re.compile(r"^\s*([A-Za-z_]+)\s*:(.*)$", re.DOTALL)


def parse_values(specs: list[str], into: Mapping | None = None) -> Mapping:
    """`--value FIELD:FROM=TO` (repeatable), e.g. `status:Erledigt=closed`; an empty FROM means empty or '?'."""
    mapping = into or Mapping()
    for spec in specs or ():
        match = _VALUE_RE.match(str(spec))
        source, sep, target = match.group(2).rpartition("=") if match else ("", "", "")
        if not match or not sep or not target.strip():
            raise ValidationError(f"--value '{spec}' is not FIELD:FROM=TO (for example "
                                  "--value 'status:Erledigt=closed').", field="value")
        name = match.group(1).lower()
        if name not in VALUE_FIELDS:
            raise ValidationError(f"--value works for {', '.join(VALUE_FIELDS)}, not '{name}'.", field="value")
        mapping.values.setdefault(name, {})[fold(source)] = target.strip()
    return mapping
