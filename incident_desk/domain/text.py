"""Untrusted text: the characters no one-line field may hold, and escaping them for a terminal."""

from __future__ import annotations

import re

# Characters that change how a terminal or a text renderer shows what follows: C0 controls, DEL,
# C1 controls (ESC's 8-bit twins), the bidirectional embeddings, overrides and isolates (which
# reorder text so it reads other than it is stored), and the line and paragraph separators some
# renderers break on. The plain direction marks (U+200E, U+200F) stay: mixed Hebrew or Arabic and
# Latin text needs them, and they move no other character.
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_UNSAFE_CLASS = "\x00-\x1f\x7f-\x9f" + _BIDI + "\u2028\u2029"
_UNSAFE = re.compile(f"[{_UNSAFE_CLASS}]")
# The same, less tab and line feed, for multi-line text shown as a block.
_UNSAFE_BUT_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + _BIDI + "\u2028\u2029]")


def unsafe_characters(text: str, *, lines: bool = False) -> list[str]:
    """The characters of ``text`` that must not be stored in a one-line field (``lines``: line breaks
    and tabs allowed), named as U+XXXX for a message."""
    pattern = _UNSAFE_BUT_LINES if lines else _UNSAFE
    return sorted({f"U+{ord(c):04X}" for c in pattern.findall(text)})


def printable(text: object, *, lines: bool = False) -> str:
    """``text`` with every character that could steer a terminal or a renderer written out as an
    escape (``\\x1b``, ``\\u202e``), so what was typed is shown, never obeyed. ``lines`` keeps line
    breaks and tabs (for multi-line text printed as a block)."""
    value = "" if text is None else str(text)
    pattern = _UNSAFE_BUT_LINES if lines else _UNSAFE
    if not pattern.search(value):
        return value
    return pattern.sub(_escape, value)


def _escape(match: re.Match) -> str:
    ch = match.group(0)
    code = ord(ch)
    if code < 0x100:
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch, f"\\x{code:02x}")
    return f"\\u{code:04x}"
