"""Accessibility checks for the GUI tests: what Qt's accessibility layer names each control, and where Tab goes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDateTimeEdit,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenuBar,
    QPlainTextEdit,
    QRadioButton,
    QScrollBar,
    QTabBar,
    QTextBrowser,
    QTextEdit,
    QWidget,
)

# Controls a keyboard user operates; each needs a name a screen reader can say.
INTERACTIVE = (QAbstractButton, QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QAbstractSpinBox,
               QAbstractItemView, QAbstractSlider, QTabBar)
# Two controls count as on one line when their vertical centres are this close; a control counts as
# "above" another only when it ends this far above it (rows of mixed heights, wrapped button rows).
ROW_TOLERANCE = 12
# Tab moves inside these before it leaves them, as Qt means it to: a date's sections (year … minute), a help
# page's links. Up to this many presses on one of them count as moving, not as a trap.
INNER_STOPS = 6
INNER_STOPS_OF_LINKS = 400


def _clean(text: str) -> str:
    return (text or "").replace("&", "").strip()


def accessible_name(widget: QWidget) -> str:
    """The name Qt's accessibility layer gives ``widget`` (an explicit accessibleName, else a buddy label's
    text, a button's text, a group box's title, …): what a screen reader would say.

    A combo box is the exception: on Linux Qt reports its current value as its Name (the label reaches a
    screen reader through the labelled-by relation, which Qt builds from a buddy label), and elsewhere the
    explicit accessibleName. Its value is not a name, so a combo counts as named only by either of those."""
    iface = QAccessible.queryAccessibleInterface(widget)
    if iface is None:
        return ""
    if isinstance(widget, QComboBox):
        labels = [_clean(other.text(QAccessible.Text.Name))
                  for other, _ in iface.relations(QAccessible.Relation.Label)]
        return _clean(widget.accessibleName()) or next((text for text in labels if text), "")
    return _clean(iface.text(QAccessible.Text.Name))


def describe(widget: QWidget) -> str:
    name = accessible_name(widget)
    label = name or widget.objectName() or "(unnamed)"
    return f"{type(widget).__name__} {label!r}"


def _tab_focusable(widget: QWidget) -> bool:
    return bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)


def controls(root: QWidget) -> list[QWidget]:
    """Every control under ``root`` (itself included) a keyboard user should reach: interactive, shown,
    enabled and taking focus by Tab (a control whose focus goes to another, its proxy, counts as that one)."""
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not isinstance(widget, INTERACTIVE) or isinstance(widget, QScrollBar):
            continue
        if widget.focusProxy() is not None:
            continue
        if not (widget.isVisible() and widget.isEnabled() and _tab_focusable(widget)):
            continue
        if widget.window() is not root.window():
            continue
        if isinstance(widget, QRadioButton) and widget.autoExclusive() and not widget.isChecked() and any(
                isinstance(s, QRadioButton) and s.isChecked() and s.isVisible()
                for s in widget.parentWidget().children()):
            continue  # Tab stops on a group's chosen radio button; the arrows move between them
        found.append(widget)
    return found


def unnamed(root: QWidget) -> list[str]:
    """The controls under ``root`` whose accessible name is empty."""
    return [describe(w) for w in controls(root) if not accessible_name(w)]


def global_rect(widget: QWidget) -> QRect:
    return QRect(widget.mapToGlobal(widget.rect().topLeft()), widget.size())


@dataclass
class TabWalk:
    """Where Tab went from ``start``: the controls in the order they got focus, and how it ended. ``places``
    are where every focusable widget of the window was before the walk (scroll areas scroll during it)."""

    start: QWidget
    order: list[QWidget] = field(default_factory=list)
    came_back: bool = False
    stuck_at: QWidget | None = None  # Tab left the focus where it was: a trap
    places: dict[int, QRect] = field(default_factory=dict)

    def names(self) -> list[str]:
        return [describe(w) for w in self.order]

    def place(self, widget: QWidget) -> QRect:
        return self.places.get(id(widget)) or global_rect(widget)


def focused() -> QWidget | None:
    widget = QApplication.focusWidget()
    while widget is not None and widget.focusProxy() is not None:
        widget = widget.focusProxy()
    return widget


def _inner_stops(widget: QWidget | None) -> int:
    return INNER_STOPS_OF_LINKS if isinstance(widget, QTextBrowser) else INNER_STOPS


def walk_tab(start: QWidget, *, limit: int = 400, backwards: bool = False) -> TabWalk:
    """Put the focus on ``start`` and press Tab (Shift+Tab with ``backwards``) until it comes back there,
    stops moving, or ``limit`` presses went by."""
    window = start.window()
    places = {id(w): global_rect(w) for w in [window, *window.findChildren(QWidget)] if _tab_focusable(w)}
    start.setFocus(Qt.FocusReason.TabFocusReason)
    QApplication.processEvents()
    walk = TabWalk(start, places=places)
    assert focused() is start, f"{describe(start)} does not take the focus (it is on {focused()!r})"
    here = start
    inner_left = _inner_stops(start)
    key = Qt.Key.Key_Backtab if backwards else Qt.Key.Key_Tab
    modifier = Qt.KeyboardModifier.ShiftModifier if backwards else Qt.KeyboardModifier.NoModifier
    for _ in range(limit):
        QTest.keyClick(QApplication.focusWidget(), key, modifier)
        QApplication.processEvents()
        now = focused()
        if now is here and isinstance(now, (QDateTimeEdit, QTextBrowser)) and inner_left > 0:
            inner_left -= 1
            continue
        if now is start:
            walk.came_back = True
            return walk
        if now is here or now is None:
            walk.stuck_at = here
            return walk
        inner_left = _inner_stops(now)
        walk.order.append(now)
        here = now
    return walk


def missed_by(walk: TabWalk, root: QWidget) -> list[str]:
    """The controls under ``root`` Tab never reached from the walk's start."""
    reached = {id(w) for w in walk.order} | {id(walk.start)}
    return [describe(w) for w in controls(root) if id(w) not in reached]


def unnamed_stops(walk: TabWalk) -> list[str]:
    """Widgets Tab stops on (a scroll area, a custom widget) that no screen reader could name."""
    return [describe(w) for w in [walk.start, *walk.order] if not accessible_name(w)]


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return min(a1, b1) - max(a0, b0)


def goes_back(ra: QRect, rb: QRect, tolerance: int = ROW_TOLERANCE) -> bool:
    """A step from a control at ``ra`` to one at ``rb`` reads backwards: ``rb`` is left of ``ra`` on the same
    line, or above it and not wholly to its right. Moving up into a column to the right (the next pane, read
    from its top) is reading order."""
    same_line = abs(ra.center().y() - rb.center().y()) <= tolerance or _overlap(
        ra.top(), ra.bottom(), rb.top(), rb.bottom()) > min(ra.height(), rb.height()) // 2
    if same_line:
        return rb.center().x() < ra.center().x() - tolerance and rb.right() <= ra.left() + tolerance
    above = rb.bottom() < ra.top() - tolerance // 2 and rb.center().y() < ra.top()
    return above and rb.left() < ra.right() - tolerance


def out_of_order(walk: TabWalk, tolerance: int = ROW_TOLERANCE) -> list[str]:
    """Each step of the walk that reads backwards, as 'A -> B'."""
    steps = [walk.start, *walk.order]
    return [f"{describe(a)} -> {describe(b)}" for a, b in zip(steps, steps[1:])
            if goes_back(walk.place(a), walk.place(b), tolerance)]


def first_in_reading_order(widgets: list[QWidget], tolerance: int = ROW_TOLERANCE) -> QWidget:
    return min(widgets, key=lambda w: (global_rect(w).top() // (tolerance * 2), global_rect(w).left()))


def _mnemonic(text: str) -> str | None:
    match = re.search(r"&([^&\s])", (text or "").replace("&&", ""))
    return match.group(1).lower() if match else None


def mnemonic_clashes(root: QWidget) -> list[str]:
    """Alt+letter keys that two shown controls of ``root``'s window claim (buttons, buddy labels, tabs, the
    menu bar's menus): Qt then runs neither, and the letter only moves the focus between them."""
    claims: dict[str, list[str]] = {}

    def claim(text: str, what: str) -> None:
        letter = _mnemonic(text)
        if letter:
            claims.setdefault(letter, []).append(what)

    window = root.window()
    for widget in [window, *window.findChildren(QWidget)]:
        if widget.window() is not window or not widget.isVisible():
            continue
        if isinstance(widget, QAbstractButton) and widget.isEnabled():
            claim(widget.text(), describe(widget))
        elif isinstance(widget, QLabel) and widget.buddy() is not None and widget.buddy().isVisible():
            claim(widget.text(), f"label {widget.text()!r}")
        elif isinstance(widget, QTabBar):
            for i in range(widget.count()):
                if widget.isTabVisible(i) and widget.isTabEnabled(i):
                    claim(widget.tabText(i), f"tab {widget.tabText(i)!r}")
        elif isinstance(widget, QGroupBox) and widget.isCheckable():
            claim(widget.title(), f"group {widget.title()!r}")
        elif isinstance(widget, QMenuBar):
            for action in widget.actions():
                if action.isVisible():
                    claim(action.text(), f"menu {action.text()!r}")
    return [f"Alt+{letter.upper()}: {', '.join(whats)}" for letter, whats in sorted(claims.items()) if len(whats) > 1]


def audit(root: QWidget, start: QWidget | None = None, *, tolerance: int = ROW_TOLERANCE,
          allowed_backwards: tuple[str, ...] = (), backtab: bool = True) -> dict[str, list[str]]:
    """Names, reach and order of the controls under ``root``, Tab walked from ``start`` (default: the first
    control in reading order). Empty lists everywhere mean the surface passes. ``allowed_backwards`` are
    steps judged sensible by the caller: parts of 'A -> B' as out_of_order writes them."""
    wanted = controls(root)
    assert wanted, f"{root!r} shows no control at all"
    start = start or first_in_reading_order(wanted, tolerance)
    walk = walk_tab(start)
    problems = {
        "unnamed": sorted(set(unnamed(root)) | set(unnamed_stops(walk))),
        "trap": ([] if walk.came_back else [f"Tab stopped at {describe(walk.stuck_at)}" if walk.stuck_at else
                                            f"Tab never came back to {describe(start)}: {walk.names()[-5:]}"])
        + [f"{describe(w)} keeps Tab going round its cells once it has rows" for w in wanted
           if isinstance(w, QAbstractItemView) and w.tabKeyNavigation()],
        "missed": missed_by(walk, root) if walk.came_back else [],
        "mnemonic clash": mnemonic_clashes(root),
        "backwards": list(dict.fromkeys(s for s in out_of_order(walk, tolerance)
                                        if not any(a in s for a in allowed_backwards)))[:10],
    }
    if walk.came_back and backtab:
        back = walk_tab(start, backwards=True)
        if not back.came_back or [id(w) for w in back.order] != [id(w) for w in reversed(walk.order)]:
            problems["trap"].append(f"Shift+Tab does not retrace Tab: {back.names()[:8]}")
    return problems


def tab_order(walk: TabWalk) -> list[str]:
    return [describe(w) for w in [walk.start, *walk.order]]
