"""PDF through Qt's own text document and PDF writer: A4 pages, a footer with the page number on each."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)

from incident_desk.reports.document import Document
from incident_desk.reports.html import to_html

LAYOUT_DPI = 96            # the text document is laid out at this resolution, then scaled onto the page
MARGINS_MM = (16.0, 14.0, 16.0, 14.0)  # left, top, right, bottom
FOOTER_PX = 26             # footer band at the layout resolution
IMAGE_WIDTH_PX = 620       # charts: nearly the text width (A4 minus margins is ~671 px at 96 dpi)
_app: QGuiApplication | None = None


def ensure_gui_app() -> None:
    """Text layout needs a Qt GUI application; a command-line run makes one that opens no window."""
    global _app
    if QGuiApplication.instance() is None:
        _app = QGuiApplication(["incident-desk", "-platform", "offscreen"])


def _layout_device() -> QImage:
    # Laying out on an image of known resolution makes sizes the same on every screen and platform.
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    dots_per_metre = round(LAYOUT_DPI / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    return image


def _keep_headings_with_next(text: QTextDocument, page_height: float) -> None:
    """Qt has no 'keep with next': a heading whose following block starts on the next page (or that sits
    at the very bottom) gets a page break before it, so no heading is left alone at the foot of a page."""
    layout = text.documentLayout()
    for _ in range(200):  # each pass moves one heading; the layout changes after each
        block = text.begin()
        moved = False
        while block.isValid():
            fmt = block.blockFormat()
            following = block.next()
            if fmt.headingLevel() and following.isValid() and \
                    not fmt.pageBreakPolicy() & QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore:
                top = layout.blockBoundingRect(block).top()
                after = layout.blockBoundingRect(following)
                # What follows must start on the same page: a figure or a short block whole, a long one's
                # first lines (a figure is one line, which Qt never splits).
                bottom = after.bottom() if after.height() <= 320 else after.top() + 60
                if int(top // page_height) != int(max(bottom - 1, top) // page_height):
                    fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
                    QTextCursor(block).setBlockFormat(fmt)
                    moved = True
                    break
            block = block.next()
        if not moved:
            break
    # Lay everything out afresh: incremental relayouts after format changes left stale block positions,
    # and drawing culls blocks by position (they vanished from later pages).
    text.markContentsDirty(0, text.characterCount())


def write_pdf(doc: Document, path: str | Path, images: dict[str, bytes] | None = None) -> int:
    """Write ``doc`` as a PDF (``images``: figure name -> PNG bytes); returns the number of pages."""
    ensure_gui_app()
    images = images or {}
    writer = QPdfWriter(str(path))
    writer.setTitle(doc.title)
    writer.setCreator("Incident Desk")
    writer.setResolution(600)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(*MARGINS_MM), QPageLayout.Unit.Millimeter))
    scale = writer.resolution() / LAYOUT_DPI
    paint = writer.pageLayout().paintRectPixels(writer.resolution())
    width, height = paint.width() / scale, paint.height() / scale
    body_height = height - FOOTER_PX

    text = QTextDocument()
    device = _layout_device()
    text.documentLayout().setPaintDevice(device)
    font = QFont("DejaVu Sans")
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setPointSizeF(9.5)
    text.setDefaultFont(font)
    text.setDocumentMargin(0)
    urls = {}
    for name, png in images.items():
        url = f"chart://{name}"
        text.addResource(QTextDocument.ResourceType.ImageResource, QUrl(url), QImage.fromData(png, "PNG"))
        urls[name] = url
    text.setHtml(to_html(doc, urls, qt=True, image_width=IMAGE_WIDTH_PX))
    text.setPageSize(QSizeF(width, body_height))
    _keep_headings_with_next(text, body_height)
    pages = text.pageCount()

    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"Cannot write the PDF {path}.")
    try:
        footer_font = QFont(font)
        footer_font.setPixelSize(10)  # layout pixels: the painter's scale takes them to the page
        for page in range(pages):
            if page:
                writer.newPage()
            painter.save()
            painter.scale(scale, scale)
            painter.save()
            painter.translate(0, -page * body_height)
            text.drawContents(painter, QRectF(0, page * body_height, width, body_height))
            painter.restore()
            # The footer: a rule, what the document is, and where in it this page is.
            painter.setPen(QPen(QColor("#c8cfd6"), 0.6))
            painter.drawLine(0, body_height + 8, width, body_height + 8)
            painter.setPen(QColor("#5f6368"))
            painter.setFont(footer_font)
            band = QRectF(0, body_height + 10, width, FOOTER_PX - 10)
            painter.drawText(band, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), doc.footer)
            painter.drawText(band, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                             f"Page {page + 1} of {pages}")
            painter.restore()
    finally:
        painter.end()
    del device
    return pages
