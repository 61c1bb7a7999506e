"""Documents as Markdown: untrusted text is escaped so it stays text (no headings, links or HTML of its own)."""

from __future__ import annotations

import re

from incident_desk.reports.document import Document, Figure, Heading, PageBreak, Paragraph, Table

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")


def escape(text: str) -> str:
    """Markdown-safe inline text: every character that could start markup is backslash-escaped."""
    return _SPECIAL.sub(r"\\\1", str(text))


_LEADING = re.compile(r"^(\s*)(\d+)([.)])|^(\s*)([-+=])")


def escape_line(text: str) -> str:
    """One line of prose: escaped, and a leading '1.', '-', '+' or '=' cannot start a list or a heading."""
    out = escape(text)
    return _LEADING.sub(lambda m: f"{m.group(1)}{m.group(2)}\\{m.group(3)}" if m.group(2)
                        else f"{m.group(4)}\\{m.group(5)}", out, count=1)


def _cell(text: str) -> str:
    # One table row per line: line breaks inside a cell become ' / '.
    return " / ".join(escape(part) for part in str(text).splitlines() if part.strip()) or " "


def _paragraph(block: Paragraph) -> list[str]:
    out: list[str] = []
    for chunk in re.split(r"\n\s*\n", block.text.strip()):
        lines = [line.rstrip() for line in chunk.splitlines() if line.strip()]
        if not lines:
            continue
        if block.style == "warning":
            out.append("> **Note:** " + " ".join(escape(line) for line in lines))
        elif all(line.lstrip().startswith("- ") for line in lines):
            out.extend(f"- {escape(line.lstrip()[2:])}" for line in lines)
        else:
            text = "  \n".join(escape_line(line) for line in lines)
            out.append(f"*{text}*" if block.style == "muted" else text)
        out.append("")
    return out


def _table(block: Table) -> list[str]:
    align = block.align or ""
    out = []
    if block.caption:
        out += [f"*{escape(block.caption)}*", ""]
    out.append("| " + " | ".join(_cell(h) for h in block.headers) + " |")
    out.append("|" + "|".join("---:" if (align[k:k + 1] == "r") else "---" for k in range(len(block.headers))) + "|")
    for row in block.rows:
        out.append("| " + " | ".join(_cell(c) for c in row) + " |")
    out.append("")
    return out


def to_markdown(doc: Document, images: dict[str, str] | None = None) -> str:
    """The document as Markdown; ``images`` maps a figure's name to the file its link points at."""
    images = images or {}
    lines = [f"# {escape(doc.title)}", "", f"*{escape(doc.subtitle)}*", ""]
    for block in doc.blocks:
        if isinstance(block, Heading):
            lines += ["#" * max(2, min(block.level, 6)) + " " + escape(block.text), ""]
        elif isinstance(block, Paragraph):
            lines += _paragraph(block)
        elif isinstance(block, Table):
            lines += _table(block)
        elif isinstance(block, Figure):
            if block.name in images:
                lines += [f"![{escape(block.alt)}]({images[block.name]})", ""]
            lines += [f"*{escape(block.caption)}*", ""]
        elif isinstance(block, PageBreak):
            continue
    return "\n".join(lines).rstrip() + "\n"
