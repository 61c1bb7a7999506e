"""A layout that places widgets left to right and wraps them onto the next row when the width runs out,
and a panel whose minimum height follows such wrapping."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QSizePolicy, QWidget


class FlowLayout(QLayout):
    """Toolbars and filter bars that must never force a panel wider than its narrowest widget: at any
    width the items wrap, and the height follows (heightForWidth)."""

    def __init__(self, parent: QWidget | None = None, *, spacing: int = 6):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    # ---- QLayout overrides ----------------------------------------------------------------------

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 (Qt override)
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt override)
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt override)
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 (Qt override)
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt override)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt override)
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 (Qt override)
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        # One row: what the layout would like when there is room for everything.
        width = sum(i.sizeHint().width() for i in self._visible()) + self._spacing * max(0, len(self._visible()) - 1)
        height = max((i.sizeHint().height() for i in self._visible()), default=0)
        m = self.contentsMargins()
        return QSize(width + m.left() + m.right(), height + m.top() + m.bottom())

    def minimumSize(self) -> QSize:  # noqa: N802 (Qt override)
        # The widest single item: everything else wraps.
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    # ---- placing ------------------------------------------------------------------------------------

    def _visible(self) -> list[QLayoutItem]:
        return [i for i in self._items if not (i.widget() is not None and i.widget().isHidden())]

    def _gap(self, item: QLayoutItem, orientation: Qt.Orientation) -> int:
        if self._spacing >= 0:
            return self._spacing
        widget = item.widget()
        style = widget.style() if widget is not None else None
        if style is None:
            return 6
        return style.layoutSpacing(QSizePolicy.ControlType.PushButton, QSizePolicy.ControlType.PushButton,
                                   orientation)

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        """Place (or only measure) the items in ``rect``; returns the height they take."""
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, row_height = area.x(), area.y(), 0
        for item in self._visible():
            hint = item.sizeHint()
            width = min(hint.width(), max(area.width(), item.minimumSize().width()))
            gap_x = self._gap(item, Qt.Orientation.Horizontal)
            if x > area.x() and x + width > area.right() + 1:
                x = area.x()
                y += row_height + self._gap(item, Qt.Orientation.Vertical)
                row_height = 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), QSize(width, hint.height())))
            x += width + gap_x
            row_height = max(row_height, hint.height())
        return y + row_height - rect.y() + m.bottom()



class WrappingPanel(QWidget):
    """A panel of rows stacked in a QVBoxLayout, some of which wrap, for a place that sizes it by its
    minimum (a dock): the minimum height follows the width, so a row that wraps pushes what follows
    down instead of being squeezed under it."""

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        layout = self.layout()
        if layout is None:
            return
        # What the vertical box itself takes as each row's minimum when it lays them out: the height
        # for this width of a row that wraps, the minimum of any other. (Its own minimumHeightForWidth
        # comes out lower, and the difference is drawn on top of the next row.)
        m = layout.contentsMargins()
        width = self.width() - m.left() - m.right()
        rows = [layout.itemAt(i) for i in range(layout.count())]
        rows = [r for r in rows if not r.isEmpty()]
        need = sum(r.heightForWidth(width) if r.hasHeightForWidth() else r.minimumSize().height() for r in rows)
        need += layout.spacing() * max(0, len(rows) - 1) + m.top() + m.bottom()
        if need != self.minimumHeight():
            self.setMinimumHeight(need)
        layout.invalidate()  # the box keeps the rows' heights of the last width it was asked about
