"""The incident table view: priority badges, column chooser, visible-range paging, keeps the selection."""

from __future__ import annotations

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QByteArray,
    QModelIndex,
    QPoint,
    QRectF,
    QSignalBlocker,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from incident_desk.ui import icons, theme
from incident_desk.ui.i18n import translate
from incident_desk.ui.icons import _NO_PEN
from incident_desk.ui.models.incident_table_model import (
    COLUMNS,
    DEFAULT_HIDDEN,
    DEFAULT_ORDER,
    IncidentRole,
    IncidentTableModel,
    column_index,
)
from incident_desk.ui.theme import PRIORITY_NAMES

TITLE_MIN_WIDTH = 200  # below this a title reads as '...'; the columns after it scroll instead
EMPTY_TEXT = QT_TRANSLATE_NOOP("IncidentTable", "<b>No incidents here</b><br>Log one with Ctrl+N, or pick another view "
                                                "or widen the filter (Clear shows every incident, whatever its "
                                                "status).")


class PriorityBadgeDelegate(QStyledItemDelegate):
    """Paints 'P1' as a coloured pill followed by its name, so colour is never the only cue."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        # Pills are pixmaps drawn once per look (priority, scheme, size, font, pixel ratio), and
        # elided names are kept per width: a paint of the table shows ~30 of them.
        self._pills: dict[tuple, tuple[QPixmap, int]] = {}
        self._names: dict[tuple, str] = {}

    def _pill(self, priority, height: int, font: QFont, font_key: str, dpr: float,
              palette_key: int) -> tuple[QPixmap, int]:
        # The palette changes with the colour scheme (ThemeWatcher), so its key stands for is_dark().
        key = (int(priority), palette_key, height, font_key, dpr)
        hit = self._pills.get(key)
        if hit is not None:
            return hit
        dark = theme.is_dark()
        badge = icons.badge_font(font)
        width = QFontMetrics(badge).horizontalAdvance("P9") + 12
        pix = QPixmap(int(width * dpr + 0.999), int(height * dpr + 0.999))
        pix.setDevicePixelRatio(dpr)
        pix.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pix)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(badge)
        pill = QRectF(0, 0, width, height)
        color = theme.priority_color(priority, dark)
        painter.setPen(_NO_PEN)
        painter.setBrush(color)
        painter.drawRoundedRect(pill, height / 2, height / 2)
        painter.setPen(theme.text_on(color))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, priority.label)
        painter.end()
        if len(self._pills) > 64:
            self._pills.clear()
        self._pills[key] = hit = (pix, width)
        return hit

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        priority = index.data(IncidentRole.PRIORITY)
        if priority is None:
            super().paint(painter, option, index)
            return
        # Only the item panel (alternate colour, selection, focus) comes from the style: the text
        # and icon are drawn here, so initStyleOption's seven data() calls are not needed.
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, widget)
        rect = option.rect.adjusted(6, 4, -4, -4)
        height = rect.height()
        if height <= 0:
            return
        font = option.font
        dpr = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
        font_key = font.key()
        pix, pill_w = self._pill(priority, height, font, font_key, dpr, option.palette.cacheKey())
        painter.save()
        painter.drawPixmap(rect.left(), rect.top(), pix)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_color = option.palette.highlightedText().color() if selected else option.palette.text().color()
        painter.setPen(text_color)
        painter.setFont(font)
        text_rect = rect.adjusted(pill_w + 6, 0, 0, 0)
        width = text_rect.width()
        name_key = (int(priority), width, font_key)
        name = self._names.get(name_key)
        if name is None:
            name = QFontMetrics(font).elidedText(translate("Theme", PRIORITY_NAMES[priority]),
                                                 Qt.TextElideMode.ElideRight, width)
            if len(self._names) > 256:
                self._names.clear()
            self._names[name_key] = name
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, name)
        painter.restore()


class IncidentTable(QTableView):
    """Shows an IncidentTableModel; tells it which rows are visible and follows the current key."""

    sig_incident_activated = Signal(str)
    """Enter or double-click on a row: open this incident."""
    sig_current_changed = Signal(str)
    """The current incident changed (its key; '' when none)."""
    sig_painted = Signal()
    """The rows were painted (every frame; the window listens until its first page is on screen)."""

    def __init__(self, model: IncidentTableModel, parent: QWidget | None = None):
        super().__init__(parent)
        self._model = model
        self._current_key = ""
        self._following = False
        self._prefetching = False
        self._locate_token = 0   # bumps on each re-locate after a reset; older answers are ignored
        self.setModel(model)
        self.setObjectName("incidentTable")
        self.setAccessibleName(translate("IncidentTable", "Incidents"))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Several rows may be selected (Shift/Ctrl+click) to make a problem of them; the current row is
        # still the one the detail panel shows.
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        # Show the model's sort before enabling sorting, which sorts by the indicator: that sort is
        # then a no-op instead of a count and first page of the whole table (~45 ms on 1M rows).
        self._sync_sort_indicator()
        self.setSortingEnabled(True)
        self.setTabKeyNavigation(False)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setItemDelegateForColumn(column_index("priority"), PriorityBadgeDelegate(self))
        vh = self.verticalHeader()
        vh.setVisible(False)
        # Fixed row heights let the view place a million rows without asking for each size.
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 12)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.setSortIndicatorShown(True)
        self.reset_columns()
        # Said over an empty table, so an empty view never looks like a broken one.
        self._empty = QLabel(translate("IncidentTable", EMPTY_TEXT), self)
        self._empty.setObjectName("emptyTableHint")
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setWordWrap(True)
        self._empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._empty.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._empty.hide()
        self._painted = False
        self._visible_timer = QTimer(self)
        self._visible_timer.setSingleShot(True)
        self._visible_timer.setInterval(0)
        self._connect_signals()
        self._sync_sort_indicator()

    def _connect_signals(self) -> None:
        self.horizontalHeader().customContextMenuRequested.connect(self._on_header_menu)
        self.horizontalHeader().sectionResized.connect(self._on_section_resized)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self._visible_timer.timeout.connect(self._on_report_visible)
        self.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self.doubleClicked.connect(self._on_double_clicked)
        self._model.sig_page_loaded.connect(self._on_page_loaded)
        self._model.sig_reset_done.connect(self._on_model_reset)
        self._model.modelReset.connect(self._on_scrolled)
        for signal in (self._model.modelReset, self._model.rowsInserted, self._model.rowsRemoved):
            signal.connect(self._update_empty_hint)

    # ---- columns -------------------------------------------------------------------------------

    def reset_columns(self) -> None:
        header = self.horizontalHeader()
        for pos, cid in enumerate(DEFAULT_ORDER):
            section = column_index(cid)
            header.moveSection(header.visualIndex(section), pos)
        for i, col in enumerate(COLUMNS):
            header.resizeSection(i, self._default_width(i))
            header.setSectionHidden(i, col.id in DEFAULT_HIDDEN)
        # The title takes whatever width the other columns leave: on a wide screen it is read whole.
        header.setSectionResizeMode(column_index("title"), QHeaderView.ResizeMode.Stretch)
        self._fit_title()

    def _fit_title(self) -> None:
        """The title stretches into what the other columns leave, but never below TITLE_MIN_WIDTH: on a
        laptop the columns after it scroll into view instead of the title shrinking to '...'."""
        header = self.horizontalHeader()
        title = column_index("title")
        if header.isSectionHidden(title):
            return
        others = sum(header.sectionSize(i) for i in range(header.count())
                     if i != title and not header.isSectionHidden(i))
        # The widget's own width, not viewport(): asking for that before the first paint delays it.
        room = self.width() - 2 * self.frameWidth() - self.verticalScrollBar().sizeHint().width() - others
        stretch = room >= TITLE_MIN_WIDTH
        mode = QHeaderView.ResizeMode.Stretch if stretch else QHeaderView.ResizeMode.Interactive
        if header.sectionResizeMode(title) != mode:
            header.setSectionResizeMode(title, mode)
            if not stretch:
                header.resizeSection(title, TITLE_MIN_WIDTH)

    @Slot(int, int, int)
    def _on_section_resized(self, section: int, _old: int, _new: int) -> None:
        if section != column_index("title"):
            self._fit_title()

    def column_menu(self, parent: QWidget | None = None) -> QMenu:
        """Checkable entries for every column (header context menu and View > Columns)."""
        menu = QMenu(translate("IncidentTable", "Columns"), parent or self)
        menu.setIcon(icons.action_icon("columns"))
        header = self.horizontalHeader()
        visible = sum(not header.isSectionHidden(i) for i in range(len(COLUMNS)))
        for i, col in enumerate(COLUMNS):
            act = menu.addAction(translate("IncidentTableModel", col.title))
            act.setCheckable(True)
            act.setChecked(not header.isSectionHidden(i))
            act.setEnabled(col.id != "key" and not (visible == 1 and act.isChecked()))
            act.toggled.connect(lambda on, s=i: self.set_column_visible(s, on))
        menu.addSeparator()
        menu.addAction(translate("IncidentTable", "Reset columns"), self.reset_columns)
        return menu

    def set_column_visible(self, section: int, visible: bool) -> None:
        self.horizontalHeader().setSectionHidden(section, not visible)
        if visible and self.horizontalHeader().sectionSize(section) < 30:
            self.horizontalHeader().resizeSection(section, self._default_width(section))
        self._fit_title()

    def _default_width(self, section: int) -> int:
        """The column's default width; the key column fits a seven-digit key in its bold font (a desk past a
        million incidents showed 'INC-10000...'), the priority column its pill and longest name and the age
        column its longest text, whatever the font size."""
        width = COLUMNS[section].width
        if COLUMNS[section].id == "key":
            bold = QFont(self.font())
            bold.setBold(True)
            margin = 2 * self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self) + 12
            width = max(width, QFontMetrics(bold).horizontalAdvance("INC-0000000") + margin)
        elif COLUMNS[section].id == "priority":
            # The pill and the whole name (P1/P2 bold) as PriorityBadgeDelegate paints them: 100 px read
            # 'Moder…' in every screenshot.
            bold = QFont(self.font())
            bold.setBold(True)
            pill = QFontMetrics(icons.badge_font(self.font())).horizontalAdvance("P9") + 12
            name = max(QFontMetrics(bold).horizontalAdvance(translate("Theme", n)) for n in PRIORITY_NAMES.values())
            width = max(width, 6 + pill + 6 + name + 4 + 2)
        elif COLUMNS[section].id == "age":
            # The widest age formatting.duration writes ('11 h 30 min' read '11 h 30 ...' at 72 px).
            margin = 2 * self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self) + 12
            width = max(width, QFontMetrics(self.font()).horizontalAdvance("23 h 59 min") + margin)
        return width

    def visible_columns(self) -> tuple[str, ...]:
        header = self.horizontalHeader()
        order = sorted(range(len(COLUMNS)), key=header.visualIndex)
        return tuple(COLUMNS[i].id for i in order if not header.isSectionHidden(i))

    def apply_columns(self, ids: tuple[str, ...]) -> None:
        """Show exactly ``ids`` in that order (a saved view's column set); unknown ids are ignored."""
        known = [c for c in ids if c in {col.id for col in COLUMNS}]
        if not known:
            return
        header = self.horizontalHeader()
        for pos, cid in enumerate(known):
            section = column_index(cid)
            header.moveSection(header.visualIndex(section), pos)
        for i, col in enumerate(COLUMNS):
            self.set_column_visible(i, col.id in known)

    def save_header_state(self) -> QByteArray:
        return self.horizontalHeader().saveState()

    def restore_header_state(self, state) -> bool:
        if not state:
            return False
        ok = self.horizontalHeader().restoreState(QByteArray(state))
        if ok and self.horizontalHeader().count() != len(COLUMNS):
            self.reset_columns()
            return False
        self._sync_sort_indicator()
        self._fit_title()
        return ok

    def _sync_sort_indicator(self) -> None:
        section, order = self._model.sort_section()
        header = self.horizontalHeader()
        with QSignalBlocker(header):
            header.setSortIndicator(section, order)

    # ---- selection by key ------------------------------------------------------------------------

    def current_key(self) -> str:
        return self._current_key

    def selected_keys(self, *, limit: int = 200) -> list[str]:
        """Keys of the selected rows in table order (the current one when none is selected); ValueError
        past ``limit`` rows, counted from the selection's ranges so a select-all never walks a million."""
        ranges = self.selectionModel().selection()
        count = sum(r.bottom() - r.top() + 1 for r in ranges)
        if count > limit:
            raise ValueError(f"{count:,} incidents are selected; select at most {limit}.")
        keys = []
        for row in sorted({i.row() for i in self.selectionModel().selectedRows()}):
            found = self._model.ensure_row(row)
            if found is not None:
                keys.append(found.key)
        return keys or ([self._current_key] if self._current_key else [])

    def current_row(self):
        idx = self.currentIndex()
        return self._model.row_at(idx.row()) if idx.isValid() else None

    def select_key(self, key: str, *, scroll: bool = True) -> bool:
        """Make ``key`` current (reading its page if needed) and scroll to it; False if not shown."""
        row = self._model.position_of(key)
        if row is None or self._model.ensure_row(row) is None:
            return False
        self._set_current_row(row)
        if scroll:
            self.scrollTo(self._model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def _set_current_row(self, row: int) -> None:
        index = self._model.index(row, column_index("key"))
        self._following = True
        try:
            self.selectionModel().setCurrentIndex(
                index, self.selectionModel().SelectionFlag.ClearAndSelect | self.selectionModel().SelectionFlag.Rows)
        finally:
            self._following = False

    def _follow_current_key(self) -> None:
        """After a refresh the incident may sit at another row: select it there, do not scroll."""
        if not self._current_key:
            return
        row = self._model.row_at(self.currentIndex().row()) if self.currentIndex().isValid() else None
        if row is not None and row.key == self._current_key:
            return
        found = self._model.find_loaded(self._current_key)
        if found is not None:
            self._set_current_row(found)

    # ---- events --------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain:
            if self._current_key:
                self.sig_incident_activated.emit(self._current_key)
            event.accept()
            return
        super().keyPressEvent(event)

    def paintEvent(self, event) -> None:
        # QTableView paints its viewport here. Watching the viewport with an event filter instead
        # would mean asking for viewport(), and PySide's first wrapping of a plain QWidget
        # initialises every QWidget subclass to tell which it is (70 enums, ~11 ms) before the
        # first page could paint.
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self._visible_timer.start()  # now that viewport() no longer delays the first paint
        self.sig_painted.emit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_title()
        if self._painted:
            self._visible_timer.start()
        self._place_empty_hint()

    @Slot()
    def _update_empty_hint(self, *_args) -> None:
        self._empty.setVisible(self._model.rowCount() == 0)
        self._place_empty_hint()

    def _place_empty_hint(self) -> None:
        # Below the header, over the rows' area (without asking for viewport(): see paintEvent).
        top = self.horizontalHeader().height() + self.frameWidth()
        self._empty.setGeometry(self.frameWidth() + 12, top + 24, max(0, self.width() - 2 * self.frameWidth() - 24),
                                min(96, max(0, self.height() - top - 24)))

    def visible_range(self) -> tuple[int, int]:
        top = self.rowAt(0)
        # Before the first paint, the largest the viewport can be (a scroll bar's height more at
        # most): asking for viewport() then would delay that paint (see paintEvent).
        height = self.viewport().height() if self._painted else self.maximumViewportSize().height()
        bottom = self.rowAt(height - 1)
        count = self._model.rowCount()
        if top < 0:
            top = 0
        if bottom < 0:
            bottom = count - 1
        return top, max(top, bottom)

    @Slot()
    def _on_scrolled(self, *_args) -> None:
        if _args and self._model.rowCount():
            # A scroll (Ctrl+End, Home, a page step): cheap pages are read before the paint.
            first, last = self.visible_range()
            # This can run inside a cursor move (before the view reports the new current row), so
            # the pages it reads must not make _on_page_loaded pull the selection back.
            self._prefetching = True
            try:
                self._model.prefetch_cheap(first, last)
            finally:
                self._prefetching = False
        self._visible_timer.start()

    @Slot()
    def _on_report_visible(self) -> None:
        first, last = self.visible_range()
        self._model.set_visible_rows(first, last)

    @Slot(QModelIndex, QModelIndex)
    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self._model.row_at(current.row()) if current.isValid() else None
        key = row.key if row is not None else ""
        if self._following and key == self._current_key:
            return
        if key != self._current_key:
            self._current_key = key
            self.sig_current_changed.emit(key)

    @Slot(QModelIndex)
    def _on_double_clicked(self, index: QModelIndex) -> None:
        row = self._model.row_at(index.row())
        if row is not None:
            self.sig_incident_activated.emit(row.key)

    @Slot(int)
    def _on_page_loaded(self, _page: int) -> None:
        if self._prefetching:
            return
        if not self._current_key and self.currentIndex().isValid():
            # The cursor moved onto a row that was still loading; it has a key now.
            self._on_current_row_changed(self.currentIndex(), QModelIndex())
            return
        self._follow_current_key()

    @Slot()
    def _on_model_reset(self) -> None:
        self._sync_sort_indicator()
        key = self._current_key
        if not key:
            return
        # Where the incident went under the new sort or filter is a count in the database (~100 ms
        # deep in a million rows): asked on a worker, so the reset returns at once and the row is
        # selected again when the answer arrives. The key stays current meanwhile.
        self._locate_token += 1
        token = self._locate_token
        self._model.locate(key, lambda row, t=token, k=key: self._on_located(t, k, row))

    def _on_located(self, token: int, key: str, row: int | None) -> None:
        if token != self._locate_token or self._current_key != key:
            return  # another reset came, or the user picked another row meanwhile
        if row is None:
            self._current_key = ""
            self.sig_current_changed.emit("")
            return
        current = self.currentIndex()
        if not (current.isValid() and current.row() == row):  # else its page arrival re-selected it
            self._current_key = ""
            self._set_current_row(row)
        self.scrollTo(self._model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtCenter)

    @Slot(QPoint)
    def _on_header_menu(self, pos: QPoint) -> None:
        self.column_menu(self).popup(self.horizontalHeader().mapToGlobal(pos))
