"""Tab order helpers: chain widgets as they read, and move a pane's whole chain after another widget."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget


def chain(*widgets: QWidget) -> None:
    """Tab goes from each widget to the next, in the order given."""
    for before, after in zip(widgets, widgets[1:]):
        QWidget.setTabOrder(before, after)


def _stop(widget: QWidget) -> bool:
    # A widget that hands its focus on (a date edit's or an editable combo's line edit, a form field's
    # wrapper) is not a stop of its own: chaining it would tie the chain into a loop.
    return bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus) and widget.focusProxy() is None


def tab_stops(container: QWidget) -> list[QWidget]:
    """The widgets under ``container`` (itself included) that Tab stops on, in the order they were made (Qt's
    own Tab order for them). Not by walking nextInFocusChain(): PySide keeps each widget it returns
    referenced by the one asked, and a child holding its window that way keeps the window from being freed."""
    window = container.window()
    # A combo's popup list is a child in another window: Qt refuses to chain across windows.
    return [w for w in [container, *container.findChildren(QWidget)] if _stop(w) and w.window() is window]


def chain_after(anchor: QWidget, container: QWidget) -> None:
    """Put ``container``'s Tab stops, in their own order, right after ``anchor`` (a pane added late, such as
    a tab built when first shown, otherwise comes last in the window's Tab order)."""
    chain(anchor, *tab_stops(container))


def _place(widget: QWidget, container: QWidget):
    top_left = widget.mapTo(container, widget.rect().topLeft())
    return top_left.y(), top_left.y() + widget.height(), top_left.x()


def in_reading_order(container: QWidget, row_tolerance: int = 8) -> list[QWidget]:
    """``container``'s Tab stops sorted as they read where they are laid out now: rows top to bottom (widgets
    whose middles are within ``row_tolerance`` share a row), each row left to right."""
    stops = [w for w in tab_stops(container) if w is not container and w.isVisibleTo(container)]
    placed = sorted(((_place(w, container), w) for w in stops), key=lambda item: item[0][0])
    rows: list[list] = []
    for (top, bottom, left), widget in placed:
        middle = (top + bottom) / 2
        if rows and abs(rows[-1][0] - middle) <= row_tolerance:
            rows[-1][1].append((left, widget))
        else:
            rows.append([middle, [(left, widget)]])
    return [widget for _, row in rows for _, widget in sorted(row, key=lambda item: item[0])]


def step_as_read(container: QWidget, forward: bool) -> bool:
    """Move the focus to the next (or previous) control of ``container`` in reading order, round the end;
    False when the focus is not on one of them (Qt's own order then applies). For a dialog whose fields
    were made in another order than they are shown, or whose buttons were made before its fields: Qt's
    setTabOrder cannot reorder a field inside a wrapper that hands its focus on (FormField) without leaving
    the wrapper behind as a stop that loops back."""
    stops = [w for w in in_reading_order(container) if w.isVisible() and w.isEnabled()]
    here = QApplication.focusWidget()
    while here is not None and here.focusProxy() is not None:
        here = here.focusProxy()
    while here is not None and here not in stops and here is not container:
        here = here.parentWidget()
    if here is None or here not in stops:
        return False
    step = 1 if forward else -1
    stops[(stops.index(here) + step) % len(stops)].setFocus(
        Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason)
    return True
