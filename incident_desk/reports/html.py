"""Documents as HTML: a standalone page (charts inline as SVG), or the subset Qt's text document lays out
for the PDF. Every text is escaped: nothing anyone typed can become markup."""

from __future__ import annotations

import html
import re

from incident_desk.reports.document import Document, Figure, Heading, PageBreak, Paragraph, Table

ACCENT = "#1f4e79"
MUTED = "#5f6368"

# Standalone page: readable on screen and printable from a browser.
PAGE_CSS = f"""
body {{ font-family: "Segoe UI", "DejaVu Sans", Arial, sans-serif; font-size: 14px; color: #202124;
       max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem; line-height: 1.45; }}
h1 {{ font-size: 1.7rem; color: {ACCENT}; margin-bottom: .2rem; }}
h2 {{ font-size: 1.2rem; color: {ACCENT}; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem;
      margin-top: 1.8rem; }}
p.subtitle {{ color: {MUTED}; margin-top: 0; }}
p.muted, ul.muted {{ color: {MUTED}; font-size: .9em; }}
p.warning {{ background: #fff4e5; border-left: 4px solid #e69f00; padding: .5rem .8rem; }}
p.note, ul.note {{ background: #eef5fb; border-left: 4px solid {ACCENT}; padding: .5rem .8rem; }}
table {{ border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; font-size: .92em; }}
th, td {{ border: 1px solid #d0d7de; padding: .3rem .5rem; text-align: left; vertical-align: top; }}
th {{ background: #f0f3f6; }}
td.r, th.r {{ text-align: right; white-space: nowrap; }}
caption {{ caption-side: top; text-align: left; color: {MUTED}; font-size: .9em; padding-bottom: .2rem; }}
figure {{ margin: .5rem 0 1rem; }} figure svg {{ width: 100%; height: auto; }}
figcaption {{ color: {MUTED}; font-size: .9em; }}
"""

# Qt's rich-text engine: a CSS subset (no max-width, border-collapse via attributes, no figure element).
QT_CSS = f"""
body {{ font-family: "DejaVu Sans", Arial, sans-serif; font-size: 9.5pt; color: #202124; }}
h1 {{ font-size: 17pt; color: {ACCENT}; margin-bottom: 2px; }}
h2 {{ font-size: 12.5pt; color: {ACCENT}; margin-top: 16px; margin-bottom: 6px; }}
p {{ margin-top: 2px; margin-bottom: 6px; }}
p.subtitle {{ color: {MUTED}; margin-bottom: 10px; }}
p.muted, li.muted {{ color: {MUTED}; font-size: 8.5pt; }}
p.warning {{ background-color: #fff4e5; }}
p.note {{ background-color: #eef5fb; }}
th {{ background-color: #f0f3f6; font-weight: bold; text-align: left; }}
td, th {{ font-size: 8.5pt; }}
p.caption {{ color: {MUTED}; font-size: 8.5pt; margin-top: 2px; margin-bottom: 10px; }}
"""


def _text(value: str) -> str:
    return html.escape(str(value), quote=True)


def _lines(value: str) -> str:
    return "<br>".join(_text(line) for line in str(value).splitlines())


def _paragraph(block: Paragraph) -> str:
    out = []
    cls = f' class="{block.style}"' if block.style else ""
    for chunk in re.split(r"\n\s*\n", block.text.strip()):
        lines = [line.rstrip() for line in chunk.splitlines() if line.strip()]
        if not lines:
            continue
        if all(line.lstrip().startswith("- ") for line in lines):
            li_cls = f' class="{block.style}"' if block.style else ""
            out.append(f"<ul{cls}>" + "".join(f"<li{li_cls}>{_text(line.lstrip()[2:])}</li>" for line in lines)
                       + "</ul>")
        else:
            out.append(f"<p{cls}>" + "<br>".join(_text(line) for line in lines) + "</p>")
    return "\n".join(out)


def _table(block: Table, *, qt: bool) -> str:
    align = block.align or ""
    widths = block.widths

    def cell(tag: str, k: int, value: str) -> str:
        right = align[k:k + 1] == "r"
        attrs = ""
        if qt:
            attrs += ' align="right"' if right else ""
            if widths and k < len(widths) and tag == "th":
                attrs += f' width="{widths[k]}%"'
        else:
            attrs += ' class="r"' if right else ""
            if widths and k < len(widths) and tag == "th":
                attrs += f' style="width: {widths[k]}%"'
        return f"<{tag}{attrs}>{_lines(value)}</{tag}>"

    head = "<tr>" + "".join(cell("th", k, h) for k, h in enumerate(block.headers)) + "</tr>"
    body = "\n".join("<tr>" + "".join(cell("td", k, c) for k, c in enumerate(row)) + "</tr>" for row in block.rows)
    if qt:
        caption = f'<p class="caption">{_text(block.caption)}</p>' if block.caption else ""
        return (f'{caption}<table width="100%" border="1" cellspacing="0" cellpadding="4" '
                f'style="border-color: #c8cfd6; border-collapse: collapse;">'
                f'<thead>{head}</thead><tbody>{body}</tbody></table><p style="font-size: 5pt;">&nbsp;</p>')
    caption = f"<caption>{_text(block.caption)}</caption>" if block.caption else ""
    return f"<table>{caption}<thead>{head}</thead><tbody>{body}</tbody></table>"


def to_html(doc: Document, images: dict[str, str] | None = None, *, qt: bool = False,
            image_width: int = 640) -> str:
    """The document as HTML. Standalone (``qt=False``): ``images`` maps a figure's name to inline SVG.
    For Qt: ``images`` maps it to a resource URL the text document was given."""
    images = images or {}
    parts = [f"<h1>{_text(doc.title)}</h1>", f'<p class="subtitle">{_text(doc.subtitle)}</p>']
    page_break = False
    for block in doc.blocks:
        if isinstance(block, PageBreak):
            page_break = True
            continue
        chunk = ""
        if isinstance(block, Heading):
            level = max(2, min(block.level, 6))
            style = ' style="page-break-before: always;"' if page_break else ""
            chunk = f"<h{level}{style}>{_text(block.text)}</h{level}>"
        elif isinstance(block, Paragraph):
            chunk = _paragraph(block)
        elif isinstance(block, Table):
            chunk = _table(block, qt=qt)
        elif isinstance(block, Figure):
            source = images.get(block.name)
            if qt:
                img = f'<p align="center"><img src="{_text(source)}" width="{image_width}" alt="{_text(block.alt)}">' \
                      f'</p>' if source else ""
                chunk = img + f'<p class="caption" align="center">{_text(block.caption)}</p>'
            else:
                # The SVG is our own (matplotlib's), not user text: it goes in as it is.
                body = source or f"<p>{_text(block.alt)}</p>"
                chunk = (f'<figure role="img" aria-label="{_text(block.alt)}">{body}'
                         f"<figcaption>{_text(block.caption)}</figcaption></figure>")
        page_break = False
        parts.append(chunk)
    css = QT_CSS if qt else PAGE_CSS
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{_text(doc.title)}</title><style>{css}</style></head>\n<body>\n"
            + "\n".join(parts) + "\n</body></html>\n")
