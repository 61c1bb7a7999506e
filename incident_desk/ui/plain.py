"""Untrusted text in Qt: labels that never read markup, and tooltips, menus and tray messages that show it as typed."""

from __future__ import annotations

import html

from PySide6.QtGui import Qt
from PySide6.QtWidgets import QLabel, QWidget


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A QLabel that shows its text as it is: Qt's default (AutoText) renders anything that looks like
    HTML, so a title of '<img src=/etc/...>' would load a file and '<h1>' would shout."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def make_plain(*labels: QLabel) -> None:
    """Turn existing labels that show someone's text into plain-text labels."""
    for label in labels:
        label.setTextFormat(Qt.TextFormat.PlainText)


def tooltip(text: str | None) -> str:
    """A tooltip that shows ``text`` literally. Tooltips have no text format of their own: Qt renders
    them as HTML whenever they look like it, so the text goes in as HTML with every character escaped
    (line breaks kept; long lines wrap)."""
    if not text:
        return ""
    return Qt.convertFromPlainText(str(text), Qt.WhiteSpaceMode.WhiteSpaceNormal)


def menu_text(text: str) -> str:
    """A menu item's label showing ``text`` as typed: '&' marks a shortcut key in menus, '&&' is '&'."""
    return str(text).replace("&", "&&")


def notification_body(text: str) -> str:
    """A desktop notification's body showing ``text`` as typed: notification servers that read markup
    (most do) would otherwise render <b>, <a href> and <img src> from an incident's title."""
    return html.escape(str(text), quote=False)
