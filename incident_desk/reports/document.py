"""A report as plain blocks (headings, paragraphs, tables, figures) that every output format renders alike."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    """Plain text; a blank line starts a new paragraph, lines starting '- ' become a list."""

    text: str
    style: str = ""        # "" | "note" | "warning" | "muted"


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    align: str = ""        # one letter per column: l (default) or r
    caption: str = ""
    widths: tuple[int, ...] = ()   # per cent of the page, for the PDF and HTML


@dataclass(frozen=True)
class Figure:
    """A chart: ``name`` finds its image; ``alt`` says what it shows for readers without the image."""

    name: str
    caption: str
    alt: str


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | Table | Figure | PageBreak


@dataclass
class Document:
    title: str
    subtitle: str
    footer: str                     # left of the page number on every PDF page
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> Document:
        self.blocks.extend(blocks)
        return self
