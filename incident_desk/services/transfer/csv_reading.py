"""Reading foreign CSV files: encoding, delimiter and each date column's format are detected, never assumed."""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from incident_desk.services.errors import ValidationError

MAX_FILE_BYTES = 2 * 1024 ** 3
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
UNKNOWN = frozenset({"", "?"})
csv.field_size_limit(10 * 1024 * 1024)  # a long description is one field; the default limit is 128 KiB


@dataclass
class CsvTable:
    """A whole CSV file: its header and its records, each with the line it starts on."""

    path: Path
    headers: list[str]
    rows: list[tuple[int, list[str]]]
    encoding: str
    delimiter: str

    def describe(self) -> str:
        return (f"{len(self.rows):,} rows, {len(self.headers)} columns, {self.encoding}, "
                f"{DELIMITER_NAMES[self.delimiter]}-separated")


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name): UTF-8 with or without BOM, UTF-16 with BOM (Excel's 'Unicode text'),
    else Windows-1252; anything else (binary, another encoding's gaps) is refused."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = [("utf-8-sig", "UTF-8 with BOM")]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = [("utf-16", "UTF-16")]
    else:
        candidates = [("utf-8", "UTF-8"), ("cp1252", "Windows-1252")]
    for codec, name in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text, name
    raise ValidationError("The file is not text in UTF-8 or Windows-1252 (is it a spreadsheet or another "
                          "binary file? Save it as CSV).", field="file")


def sniff_delimiter(text: str) -> str:
    """The delimiter among comma, semicolon and tab that splits the first lines most consistently."""
    sample = "\n".join(text[:200_000].splitlines()[:50])
    best, best_score = ",", (-1, 0)
    for delim in DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(sample), delimiter=delim))[:20]
        except csv.Error:
            continue
        rows = [r for r in rows if r]
        if not rows:
            continue
        width = len(rows[0])
        if len(rows) > 1:
            rows = rows[:-1]  # the sample may cut the last record short
        consistent = sum(len(r) == width for r in rows)
        score = (consistent if width > 1 else 0, width)
        if score > best_score:
            best, best_score = delim, score
    return best


def read_table(path: str | Path) -> CsvTable:
    """The file as a table; a malformed file (unbalanced quotes, ragged rows) is a clear error."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ValidationError(f"{path} is larger than 2 GB; split it into several files.", field="file")
        data = path.read_bytes()
    except FileNotFoundError:
        raise ValidationError(f"There is no file {path}.", field="file") from None
    except IsADirectoryError:
        raise ValidationError(f"{path} is a folder, not a file.", field="file") from None
    except PermissionError:
        raise ValidationError(f"{path} cannot be read (permission denied).", field="file") from None
    text, encoding = decode(data)
    del data
    if not text.strip():
        raise ValidationError(f"{path} is empty.", field="file")
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    headers: list[str] | None = None
    start = 1
    try:
        for record in reader:
            if headers is None:
                headers = [h.strip() for h in record]
            elif record and any(v.strip() for v in record):
                rows.append((start, record))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ValidationError(f"{path.name} line {start}: not valid CSV ({exc}); nothing was imported.",
                              field="file") from None
    if not headers or not any(headers):
        raise ValidationError(f"{path.name} has no header row naming its columns.", field="file")
    return CsvTable(path=path, headers=headers, rows=rows, encoding=encoding, delimiter=delimiter)


# ---- dates ----------------------------------------------------------------------------------------

MONTHS = {m: n for n, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                      "nov", "dec"), 1)}
_TIME = r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*([AaPp][Mm])?)?"
_NUMERIC = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})" + _TIME + r"$")
_MONTH_NAME = re.compile(r"^(\d{1,2})[/ -]([A-Za-z]{3})[/ -](\d{4}|\d{2})" + _TIME + r"$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$")

ISO, DMY, MDY, DMON = "ISO 8601", "DD/MM/YYYY", "MM/DD/YYYY", "DD/Mon/YY"
DATE_ORDERS = ("dmy", "mdy")


class DateProblem(ValueError):
    """A value that is not a date in its column's format (the message is the reason)."""


@dataclass(frozen=True)
class DateFormat:
    """A column's detected date format and the zone its offset-less times are read in."""

    kind: str
    zone: ZoneInfo
    _offsets: dict | None = None

    def describe(self) -> str:
        return self.kind

    def parse(self, text: str) -> int:
        """Epoch seconds (UTC) of ``text``; DateProblem when it is not a date of this format."""
        text = text.strip()
        if self.kind == ISO:
            return self._iso(text)
        match = (_MONTH_NAME if self.kind == DMON else _NUMERIC).match(text)
        if match is None:
            raise DateProblem(f"not a date in the column's format {self.kind}")
        if self.kind == DMON:
            day, month_name, year = match.group(1), match.group(2).lower(), match.group(3)
            month = MONTHS.get(month_name)
            if month is None:
                raise DateProblem(f"'{match.group(2)}' is not a month name")
            hour, minute, second, ampm = match.group(4, 5, 6, 7)
        else:
            first, second_part, year = int(match.group(1)), int(match.group(3)), match.group(4)
            day, month = (first, second_part) if self.kind == DMY else (second_part, first)
            hour, minute, second, ampm = match.group(5, 6, 7, 8)
        year = int(year)
        if year < 100:
            year += 2000
        hour = int(hour or 0)
        if ampm:
            if not 1 <= hour <= 12:
                raise DateProblem(f"hour {hour} with {ampm.upper()}")
            hour = hour % 12 + (12 if ampm.lower() == "pm" else 0)
        try:
            naive = datetime(year, int(month), int(day), hour, int(minute or 0), int(second or 0))
        except ValueError as exc:
            raise DateProblem(str(exc)) from None
        return self._local_epoch(naive)

    def _iso(self, text: str) -> int:
        try:
            value = datetime.fromisoformat(text if text[-1] != "Z" else text.replace(" Z", "Z")[:-1] + "+00:00")
        except ValueError:
            value = None
        if value is None or not _ISO.match(text):  # fromisoformat alone takes forms no export writes
            raise DateProblem("not an ISO 8601 date (YYYY-MM-DD HH:MM)")
        if value.tzinfo is None:
            return self._local_epoch(value)
        return int(value.timestamp())

    def _local_epoch(self, naive: datetime) -> int:
        # The zone's offset is looked up once per local hour: a 100,000-row file has a few thousand.
        offsets = self._offsets
        hour_key = (naive.year, naive.month, naive.day, naive.hour)
        offset = offsets.get(hour_key)
        if offset is None:
            offset = naive.replace(tzinfo=self.zone).utcoffset() // timedelta(seconds=1)
            offsets[hour_key] = offset
        return int((naive - _EPOCH).total_seconds()) - offset


_EPOCH = datetime(1970, 1, 1)


def make_format(kind: str, zone: ZoneInfo) -> DateFormat:
    return DateFormat(kind=kind, zone=zone, _offsets={})


def zone_named(name: str | None) -> ZoneInfo:
    """``--tz``: an IANA zone; default this machine's zone (or UTC when it has no name)."""
    if name:
        try:
            return ZoneInfo(name)
        except (KeyError, ValueError, OSError):
            raise ValidationError(f"'{name}' is not a known time zone; use an IANA name such as Europe/Berlin.",
                                  field="tz") from None
    return machine_zone()


def machine_zone() -> ZoneInfo:
    """This machine's zone as its clocks read it: TZ when set (as the C library reads it), else the zone
    /etc/localtime names or holds; UTC only when there is none."""
    tz = os.environ.get("TZ", "").strip()
    if tz:
        name = tz[1:] if tz.startswith(":") else tz
        try:
            if name.startswith("/"):
                with open(name, "rb") as fh:
                    return ZoneInfo.from_file(fh, key=name)
            return ZoneInfo(name)
        except (KeyError, ValueError, OSError):
            # A POSIX rule such as 'CET-1CEST' has no IANA name, and guessing its summer time is a guess.
            raise ValidationError(f"This machine's time zone (TZ={tz}) is not an IANA name; give --tz "
                                  "(e.g. --tz Europe/Berlin).", field="tz") from None
    path = Path("/etc/localtime")
    try:
        parts = path.resolve().parts
        if "zoneinfo" in parts:  # a link: the name after zoneinfo/, however many parts it has
            return ZoneInfo("/".join(parts[parts.index("zoneinfo") + 1:]))
        with open(path, "rb") as fh:  # a copy of the zone file: its rules, nameless
            return ZoneInfo.from_file(fh, key="localtime")
    except (KeyError, ValueError, OSError):
        return ZoneInfo("UTC")  # no zone configured at all: the C library's clocks read UTC too


def detect_date_format(column: str, values: Iterable[str], *, zone: ZoneInfo, date_order: str | None) -> DateFormat:
    """The one format all of a column's known values fit; ambiguous day/month orders need ``date_order``."""
    kinds: set[str] = set()
    day_first_only = month_first_only = False
    sample_bad = None
    seen = 0
    for raw in values:
        text = raw.strip()
        if text in UNKNOWN:
            continue
        seen += 1
        if _ISO.match(text):
            kinds.add(ISO)
            continue
        if _MONTH_NAME.match(text):
            kinds.add(DMON)
            continue
        match = _NUMERIC.match(text)
        if match is None:
            sample_bad = sample_bad or text
            continue
        kinds.add("numeric")
        first, second = int(match.group(1)), int(match.group(3))
        if first > 12 or match.group(2) == ".":  # 03.04.2026 is day-first wherever dots are written
            day_first_only = True
        if second > 12:
            month_first_only = True
    if sample_bad is not None:
        raise ValidationError(
            f"Column {column!r} holds {sample_bad!r}, which is not a date in a known format (ISO 8601, "
            f"DD/MM/YYYY HH:MM, MM/DD/YYYY, DD-MM-YYYY HH:MM, DD/Mon/YY HH:MM [AM|PM]).", field=column)
    if len(kinds) > 1:
        raise ValidationError(f"Column {column!r} mixes date formats ({', '.join(sorted(kinds))}); "
                              f"export it with one format.", field=column)
    if not seen:
        return make_format(ISO, zone)
    kind = kinds.pop()
    if kind != "numeric":
        return make_format(kind, zone)
    if day_first_only and month_first_only:
        raise ValidationError(f"Column {column!r} has dates with the day first and others with the month first; "
                              "export it with one format.", field=column)
    if day_first_only:
        if date_order == "mdy":
            raise ValidationError(f"Column {column!r} has days above 12 in the first place, so it is day-first; "
                                  "--date-order mdy does not fit it.", field=column)
        return make_format(DMY, zone)
    if month_first_only:
        if date_order == "dmy":
            raise ValidationError(f"Column {column!r} has days above 12 in the second place, so it is month-first; "
                                  "--date-order dmy does not fit it.", field=column)
        return make_format(MDY, zone)
    if date_order is None:
        raise ValidationError(f"Column {column!r} has dates that read both day-first and month-first (such as "
                              "03/04/2026); say which with --date-order dmy or --date-order mdy.", field=column)
    return make_format(DMY if date_order == "dmy" else MDY, zone)
