"""Problem records: a list by status with counts, and one problem's text, workaround, status and incidents."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QSignalBlocker, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from incident_desk.domain.closure import ROOT_CAUSE_CATEGORIES, Problem, ProblemStatus
from incident_desk.domain.incident import DomainError
from incident_desk.services.errors import StorageError
from incident_desk.ui.dialogs.closure_dialogs import ProblemDialog
from incident_desk.ui.dialogs.prompts import run_modal
from incident_desk.ui.i18n import translate
from incident_desk.ui.ops import ops_for
from incident_desk.ui.widgets.form_fields import Banner
from incident_desk.ui.widgets.lazy_tab import RefreshWhenShown

COLUMNS = (
    QT_TRANSLATE_NOOP("ProblemsView", "Problem"),
    QT_TRANSLATE_NOOP("ProblemsView", "Status"),
    QT_TRANSLATE_NOOP("ProblemsView", "Incidents"),
    QT_TRANSLATE_NOOP("ProblemsView", "Open"),
    QT_TRANSLATE_NOOP("ProblemsView", "Title"),
    QT_TRANSLATE_NOOP("ProblemsView", "Updated"),
)


@dataclass(frozen=True)
class _Detail:
    """One problem as the detail pane shows it, read off the GUI thread on PostgreSQL."""

    problem: Problem
    incidents: tuple
    usernames: tuple[str, ...]


@dataclass(frozen=True)
class _Listing:
    """The list, its counts and the detail of the problem to select: what one refresh read."""

    counts: dict
    problems: tuple[Problem, ...]
    detail: _Detail | None


class ProblemsView(RefreshWhenShown, QWidget):
    """Reads and writes through the problem service; a known error needs its workaround."""

    sig_open_incident = Signal(str)
    """The user wants to see one of the problem's incidents."""

    def __init__(self, desk, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.run_dialog: Callable[[QDialog], bool] = run_modal
        self.problems: list = []
        self.current = None
        self._stale = True
        # Count the reads asked for: only the newest list, and the newest problem's detail, is shown.
        self._listed = 0
        self._detailed = 0
        self._build()
        self._connect_signals()

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.banner = Banner(self)
        outer.addWidget(self.banner)
        bar = QHBoxLayout()
        self.status_filter = QComboBox(self)
        show_label = QLabel(translate("ProblemsView", "Sh&ow:"), self)
        show_label.setBuddy(self.status_filter)  # names the filter for a screen reader; Alt+O jumps there
        bar.addWidget(show_label)
        bar.addWidget(self.status_filter)
        bar.addStretch(1)
        self.new_button = QPushButton(translate("ProblemsView", "New pro&blem…"), self)
        self.refresh_button = QPushButton(translate("ProblemsView", "Refresh"), self)
        bar.addWidget(self.new_button)
        bar.addWidget(self.refresh_button)
        outer.addLayout(bar)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.table = QTableWidget(0, len(COLUMNS), splitter)
        self.table.setHorizontalHeaderLabels([translate("ProblemsView", c) for c in COLUMNS])
        self.table.setAccessibleName(translate("ProblemsView", "Problems"))
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; the arrows move in it
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for k in range(len(COLUMNS)):
            header.setSectionResizeMode(k, QHeaderView.ResizeMode.Stretch if k == 4
                                        else QHeaderView.ResizeMode.ResizeToContents)
        detail = QWidget(splitter)
        col = QVBoxLayout(detail)
        form = QFormLayout()
        self.key_label = QLabel(translate("ProblemsView", "Choose a problem"), detail)
        self.key_label.setStyleSheet("font-weight: 600;")
        self.title_edit = QLineEdit(detail)
        self.status_combo = QComboBox(detail)
        for status in ProblemStatus:
            self.status_combo.addItem(status.label, status.value)
        self.cause_combo = QComboBox(detail)
        self.cause_combo.addItem(translate("ProblemsView", "Not known yet"), "")
        for category in ROOT_CAUSE_CATEGORIES:
            self.cause_combo.addItem(category.capitalize(), category)
        self.owner_combo = QComboBox(detail)
        self.description_edit = QPlainTextEdit(detail)
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setMaximumHeight(110)
        self.workaround_edit = QPlainTextEdit(detail)
        self.workaround_edit.setTabChangesFocus(True)
        self.workaround_edit.setMaximumHeight(110)
        self.workaround_edit.setPlaceholderText(translate("ProblemsView",
                                                          "What callers or agents can do meanwhile. A known error "
                                                          "shows this "
                                                "in the log dialog when a new report matches."))
        form.addRow(self.key_label)
        form.addRow(translate("ProblemsView", "Tit&le:"), self.title_edit)
        form.addRow(translate("ProblemsView", "Status:"), self.status_combo)
        form.addRow(translate("ProblemsView", "Root cause:"), self.cause_combo)
        form.addRow(translate("ProblemsView", "Owner:"), self.owner_combo)
        form.addRow(translate("ProblemsView", "Description:"), self.description_edit)
        form.addRow(translate("ProblemsView", "&Workaround:"), self.workaround_edit)
        col.addLayout(form)
        row = QHBoxLayout()
        self.save_button = QPushButton(translate("ProblemsView", "Save"), detail)
        row.addWidget(self.save_button)
        row.addStretch(1)
        col.addLayout(row)
        col.addWidget(QLabel(translate("ProblemsView", "Incidents (double-click to open):"), detail))
        self.incident_list = QListWidget(detail)
        col.addWidget(self.incident_list, 1)
        row = QHBoxLayout()
        self.link_edit = QLineEdit(detail)
        self.link_edit.setPlaceholderText(translate("ProblemsView", "INC-000123, 456 …"))
        self.link_button = QPushButton(translate("ProblemsView", "Link"), detail)
        self.unlink_button = QPushButton(translate("ProblemsView", "Unlink selected"), detail)
        row.addWidget(self.link_edit, 1)
        row.addWidget(self.link_button)
        row.addWidget(self.unlink_button)
        col.addLayout(row)
        splitter.addWidget(self.table)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([620, 380])
        outer.addWidget(splitter, 1)
        self.detail = detail
        detail.setEnabled(False)

    def _connect_signals(self) -> None:
        self.status_filter.currentIndexChanged.connect(self._on_filter_changed)
        self.refresh_button.clicked.connect(self.refresh)
        self.new_button.clicked.connect(self._on_new_clicked)
        self.table.currentCellChanged.connect(self._on_current_changed)
        self.save_button.clicked.connect(self._on_save_clicked)
        self.link_button.clicked.connect(self._on_link_clicked)
        self.link_edit.returnPressed.connect(self._on_link_clicked)
        self.unlink_button.clicked.connect(self._on_unlink_clicked)
        self.incident_list.itemActivated.connect(self._on_incident_activated)

    # ---- reading ------------------------------------------------------------------------------------

    @Slot()
    def refresh(self, select: str | None = None) -> None:
        self._stale = False
        keep = select or (self.current.key if self.current else None)
        wanted = self.status_filter.currentData()
        self._listed += 1
        self._detailed += 1
        listed, detailed = self._listed, self._detailed
        before = self._detail_values()

        def read() -> _Listing:
            svc = self.desk.problems
            counts = svc.counts()
            problems = tuple(svc.list(statuses=(wanted,) if wanted else ()))
            chosen = next((p.key for p in problems if p.key == keep), problems[0].key if problems else None)
            return _Listing(counts, problems, self._read_detail(chosen) if chosen else None)
        try:
            listing = ops_for(self.desk).run_read(read)
        except (DomainError, StorageError) as exc:
            if listed == self._listed:
                self.banner.show_message(str(exc), "error")
            return
        if listed != self._listed:
            return  # a newer refresh was asked for while this one read: it shows its own
        self.problems = list(listing.problems)
        counts = listing.counts
        with QSignalBlocker(self.status_filter):
            current = self.status_filter.currentData()
            self.status_filter.clear()
            self.status_filter.addItem(translate("ProblemsView", "All ({sum})").format(sum=sum(counts.values())), "")
            for status in ProblemStatus:
                self.status_filter.addItem(f"{status.label} ({counts[status.value]})", status.value)
            self.status_filter.setCurrentIndex(max(0, self.status_filter.findData(current or "")))
        # A problem chosen while this read ran stays chosen.
        keep = keep if detailed == self._detailed else (self.current.key if self.current else keep)
        with QSignalBlocker(self.table):
            self.table.setRowCount(len(self.problems))
            for r, p in enumerate(self.problems):
                values = (p.key, p.status.label, str(p.incident_count), str(p.open_incident_count), p.title,
                          p.updated_at.astimezone().strftime("%Y-%m-%d"))
                for c, value in enumerate(values):
                    cell = QTableWidgetItem(value)
                    cell.setToolTip(value)
                    self.table.setItem(r, c, cell)
            row = next((r for r, p in enumerate(self.problems) if p.key == keep), 0 if self.problems else None)
            if row is not None:
                self.table.setCurrentCell(row, 0)
        if row is None:
            if self.current is not None:
                self.show_problem(None)
            return
        key = self.problems[row].key
        detail = listing.detail
        if detail is not None and detail.problem.key == key and detailed == self._detailed:
            self._show_detail(detail, keep=self._typed_since(before, key))
        elif self.current is None or self.current.key != key:
            self.show_problem(key)

    def show_problem(self, key: str | None) -> None:
        self._detailed += 1
        if key is None:
            self.current = None
            self.detail.setEnabled(False)
            self.key_label.setText(translate("ProblemsView", "Choose a problem"))
            return
        detailed = self._detailed
        before = self._detail_values()
        try:
            detail = ops_for(self.desk).run_read(lambda: self._read_detail(key))
        except (DomainError, StorageError) as exc:
            if detailed == self._detailed:
                self.banner.show_message(str(exc), "error")
            return
        if detailed != self._detailed:
            return  # another problem was chosen while this one was read: it shows that one
        self._show_detail(detail, keep=self._typed_since(before, key))

    def _read_detail(self, key: str) -> _Detail:
        """One problem's detail; runs on the desk's network reader on PostgreSQL, so it touches no widget."""
        return _Detail(self.desk.problems.get(key), tuple(self.desk.problems.incidents(key)),
                       tuple(self.desk.users.usernames()))

    def _detail_values(self) -> dict:
        """The detail's editable fields as they are on screen (to tell what was typed while a read ran)."""
        return {"title": self.title_edit.text(), "status": self.status_combo.currentIndex(),
                "cause": self.cause_combo.currentIndex(), "owner": self.owner_combo.currentData(),
                "description": self.description_edit.toPlainText(), "workaround": self.workaround_edit.toPlainText()}

    def _typed_since(self, before: dict, key: str) -> set[str]:
        """The fields of problem ``key`` changed on screen since ``before`` (typed while a read ran)."""
        if self.current is None or self.current.key != key:
            return set()
        now = self._detail_values()
        return {name for name, value in now.items() if value != before[name]}

    def _show_detail(self, detail: _Detail, *, keep: set[str]) -> None:
        """Show what was read; the fields named in ``keep`` hold what the user typed meanwhile."""
        p = detail.problem
        self.current = p
        self.detail.setEnabled(self.desk.actor.can("problem.manage"))
        facts = [p.key, translate("ProblemsView", "created {date:%Y-%m-%d} by {who}").format(
            date=p.created_at.astimezone(), who=p.created_by or "-")]
        if p.resolved_at:
            facts.append(translate("ProblemsView", "resolved {date:%Y-%m-%d}").format(date=p.resolved_at.astimezone()))
        self.key_label.setText(" · ".join(facts))
        if "title" not in keep:
            self.title_edit.setText(p.title)
        if "status" not in keep:
            self.status_combo.setCurrentIndex(self.status_combo.findData(p.status.value))
        if "cause" not in keep:
            self.cause_combo.setCurrentIndex(max(0, self.cause_combo.findData(p.root_cause or "")))
        owner = self.owner_combo.currentData() if "owner" in keep else (p.owner or "")
        self.owner_combo.clear()
        self.owner_combo.addItem(translate("ProblemsView", "Nobody"), "")
        for name in detail.usernames:
            self.owner_combo.addItem(name, name)
        self.owner_combo.setCurrentIndex(max(0, self.owner_combo.findData(owner or "")))
        if "description" not in keep:
            self.description_edit.setPlainText(p.description)
        if "workaround" not in keep:
            self.workaround_edit.setPlainText(p.workaround)
        self.incident_list.clear()
        for key_, title, priority, status, opened in detail.incidents:
            item = QListWidgetItem(f"{key_} · {priority.label} · {status.label} · "
                                   f"{opened.astimezone():%Y-%m-%d} · {title}")
            item.setData(Qt.ItemDataRole.UserRole, key_)
            self.incident_list.addItem(item)

    # ---- writing ------------------------------------------------------------------------------------

    def _write(self, call, select: str | None = None) -> bool:
        try:
            result = ops_for(self.desk).run_write(call)  # on the desk's writer thread
        except (DomainError, StorageError) as exc:
            self.banner.show_message(str(exc), "error")
            return False
        self.banner.clear()
        self.refresh(select=select or getattr(result, "key", None))
        return True

    def save(self) -> bool:
        p = self.current
        if p is None:
            return False
        changes = {"title": self.title_edit.text(), "description": self.description_edit.toPlainText(),
                   "workaround": self.workaround_edit.toPlainText(),
                   "root_cause": self.cause_combo.currentData() or None,
                   "owner": self.owner_combo.currentData() or None}
        target = ProblemStatus(self.status_combo.currentData())
        actor = self.desk.actor

        def apply():
            # Text first: a problem becomes a known error with the workaround just typed.
            done = self.desk.problems.update(actor=actor, key=p.key, expected_version=p.version, changes=changes)
            if target != done.status:
                done = self.desk.problems.set_status(actor=actor, key=p.key, status=target,
                                                     expected_version=done.version)
            return done
        return self._write(apply)

    def create(self, values: dict, incidents: list[str]):
        return self._write(lambda: self.desk.problems.create(actor=self.desk.actor, incidents=incidents, **values))

    @Slot()
    def _on_save_clicked(self) -> None:
        self.save()

    @Slot()
    def _on_new_clicked(self) -> None:
        dialog = ProblemDialog([], [], self)
        if self.run_dialog(dialog):
            self.create(dialog.values(), [])
        dialog.deleteLater()

    @Slot()
    def _on_link_clicked(self) -> None:
        if self.current is None:
            return
        keys = [k for k in self.link_edit.text().replace(",", " ").split() if k]
        if not keys:
            return
        key = self.current.key
        if self._write(lambda: self.desk.problems.link(actor=self.desk.actor, key=key, incidents=keys)):
            self.link_edit.clear()

    @Slot()
    def _on_unlink_clicked(self) -> None:
        item = self.incident_list.currentItem()
        if self.current is None or item is None:
            return
        key, incident = self.current.key, item.data(Qt.ItemDataRole.UserRole)
        self._write(lambda: self.desk.problems.unlink(actor=self.desk.actor, key=key, incident=incident))

    @Slot()
    def _on_filter_changed(self, *_args) -> None:
        self.refresh()

    @Slot(int, int, int, int)
    def _on_current_changed(self, row: int, _col: int, _prev_row: int, _prev_col: int) -> None:
        if 0 <= row < len(self.problems):
            self.show_problem(self.problems[row].key)

    @Slot(QListWidgetItem)
    def _on_incident_activated(self, item: QListWidgetItem) -> None:
        self.sig_open_incident.emit(item.data(Qt.ItemDataRole.UserRole))
