"""Tooltips that show text as it is: escaped (a title's '<b>' stays text) and wrapped, newlines kept."""

from __future__ import annotations

import html


def plain_tooltip(text: str) -> str:
    """``text`` for setToolTip or a ToolTipRole: Qt would read a '<tag>' in untrusted text as markup,
    and shows plain text on one unbroken line; escaped rich text is neither."""
    if not text:
        return ""
    return f"<p style='white-space:pre-wrap'>{html.escape(text, quote=False)}</p>"
