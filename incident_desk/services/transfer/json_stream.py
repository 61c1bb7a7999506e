"""The export file's layout, written and read as a stream: a header, then each section's rows one per line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO

from incident_desk.services.errors import ValidationError

FORMAT = "incident-desk-export"
FORMAT_VERSION = 1
_READ = 1 << 16
MAX_ROW = 64 << 20


def write_export(out: IO[str], header: dict, sections: Iterable[tuple[str, Iterable[dict]]]) -> dict[str, int]:
    """One JSON object: the header's fields, then one array per section with a row per line (so a
    text tool can look at it, and the reader never needs more than one row in memory)."""
    counts: dict[str, int] = {}
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=False).encode
    out.write("{" + ",\n".join(f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in header.items()))
    for name, rows in sections:
        out.write(f",\n{json.dumps(name)}: [")
        n = 0
        for row in rows:
            out.write(("\n" if n == 0 else ",\n") + dumps(row))
            n += 1
        out.write("\n]" if n else "]")
        counts[name] = n
    out.write("}\n")
    return counts


class _Buffer:
    """Text read ahead from a file, consumed from the front."""

    def __init__(self, source: IO[str]):
        self.source = source
        self.text = ""
        self.pos = 0
        self.eof = False
        self.consumed = 0

    def fill(self) -> bool:
        if self.eof:
            return False
        more = self.source.read(_READ)
        if not more:
            self.eof = True
            return False
        self.consumed += self.pos
        self.text = self.text[self.pos:] + more
        self.pos = 0
        return True

    def skip_space(self) -> str:
        """The next character that is not white space ('' at the end)."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.fill():
                return ""

    def expect(self, chars: str) -> str:
        found = self.skip_space()
        if not found or found not in chars:
            raise _bad(f"expected {' or '.join(repr(c) for c in chars)} at character {self.consumed + self.pos}")
        self.pos += 1
        return found

    def value(self, decoder: json.JSONDecoder):
        """One JSON value, read as far ahead as it needs."""
        self.skip_space()
        while True:
            try:
                value, end = decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as exc:
                # Cut short by the read-ahead, or really broken: more text tells which (a row is
                # never anywhere near MAX_ROW, so past it the file is broken, not the buffer short).
                if len(self.text) - self.pos < MAX_ROW and self.fill():
                    continue
                raise _bad(f"{exc.msg} at character {self.consumed + exc.pos}") from None
            if end == len(self.text) and not self.eof and isinstance(value, (int, float)):
                if self.fill():  # a number may go on in the next block
                    continue
            self.pos = end
            return value


def _bad(detail: str) -> ValidationError:
    return ValidationError(f"The file is not a complete Incident Desk export ({detail}).", field="file")


def read_export(source: IO[str], sections: set[str]) -> Iterator[tuple[str, object]]:
    """('header', dict) first, then (section name, row) for every row in file order. A section not
    in ``sections`` is an error (a newer release wrote it); whitespace and layout do not matter."""
    buf = _Buffer(source)
    decoder = json.JSONDecoder()
    header: dict = {}
    buf.expect("{")
    if buf.skip_space() == "}":
        raise _bad("it is an empty object")
    header_done = False
    while True:
        key = buf.value(decoder)
        if not isinstance(key, str):
            raise _bad("a key is not a string")
        buf.expect(":")
        if buf.skip_space() == "[":
            if not header_done:
                _check_header(header)
                yield "header", header
                header_done = True
            if key not in sections:
                raise ValidationError(f"The export holds '{key}', which this release cannot import; upgrade "
                                      "Incident Desk.", field="file")
            buf.expect("[")
            if buf.skip_space() == "]":
                buf.pos += 1
            else:
                while True:
                    row = buf.value(decoder)
                    if not isinstance(row, dict):
                        raise _bad(f"a row of '{key}' is not an object")
                    yield key, row
                    if buf.expect(",]") == "]":
                        break
        elif header_done:
            raise _bad(f"'{key}' comes after the sections")
        else:
            header[key] = buf.value(decoder)
        if buf.expect(",}") == "}":
            break
    if buf.skip_space():
        raise _bad("there is more after the end")
    if not header_done:
        _check_header(header)
        yield "header", header


def _check_header(header: dict) -> None:
    if header.get("format") != FORMAT:
        raise ValidationError("The file is not an Incident Desk export (its 'format' is not "
                              f"'{FORMAT}'); for other tools' files use their format.", field="file")
    if not isinstance(header.get("format_version"), int) or header["format_version"] > FORMAT_VERSION:
        raise ValidationError("The export was written by a newer Incident Desk; upgrade to import it.", field="file")
