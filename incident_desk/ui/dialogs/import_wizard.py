"""File > Import…: choose a file, map its columns and values (with a preview and saved mappings), check, import."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QSignalBlocker, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from incident_desk.domain.incident import Channel, DomainError
from incident_desk.services.errors import describe_failure
from incident_desk.services.transfer.fields import FIELDS, Mapping, fold
from incident_desk.services.transfer.importer import FORMATS, ImportOptions
from incident_desk.services.transfer.service import Profile, Transfer
from incident_desk.ui.i18n import translate
from incident_desk.ui.progress import ProgressRelay, cancellable_progress
from incident_desk.ui.widgets.form_fields import add_layout_row
from incident_desk.ui.workers import WorkerPool

FORMAT_CHOICES = [(name, cls.label) for name, cls in FORMATS.items()] + [
    ("json", QT_TRANSLATE_NOOP("ImportWizard", "Incident Desk export (JSON)"))]
TARGETS = {
    "status": ["new", "acknowledged", "in_progress", "on_hold", "on_hold:caller", "on_hold:vendor", "on_hold:change",
               "resolved", "closed", "cancelled"],
    "priority": ["P1", "P2", "P3", "P4", "P5"],
    "impact": ["high", "medium", "low"],
    "urgency": ["high", "medium", "low"],
    "channel": [c.value for c in Channel] + ["unknown"],
}
NOT_READ = QT_TRANSLATE_NOOP("ImportWizard", "(not read)")
PAGE_FILE, PAGE_MAPPING, PAGE_CHECK = range(3)


class FilePage(QWizardPage):
    """The file, its format, and a saved mapping to start from."""

    def __init__(self, wizard: ImportWizard):
        super().__init__(wizard)
        self.setTitle(translate("ImportWizard", "Choose the file"))
        self.setSubTitle(translate("ImportWizard",
                                   "An export from ServiceNow, Jira, PagerDuty, any CSV, or this desk's own JSON "
                                   "export."))
        form = QFormLayout(self)
        row = QHBoxLayout()
        self.path_edit = QLineEdit(self)
        self.path_edit.setPlaceholderText(translate("ImportWizard", "Path of the exported file"))
        browse = QPushButton(translate("ImportWizard", "&Browse…"), self)
        browse.clicked.connect(self._on_browse)
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        add_layout_row(form, translate("ImportWizard", "&File:"), row, self.path_edit)
        self.format_combo = QComboBox(self)
        for name, label in FORMAT_CHOICES:
            self.format_combo.addItem(translate("ImportWizard", label), name)
        form.addRow(translate("ImportWizard", "F&ormat:"), self.format_combo)
        self.profile_combo = QComboBox(self)
        form.addRow(translate("ImportWizard", "Saved &mapping:"), self.profile_combo)
        self.path_edit.textChanged.connect(self.completeChanged)
        self.profile_combo.currentIndexChanged.connect(self._on_profile_chosen)

    def fill_profiles(self, profiles: list[Profile]) -> None:
        with QSignalBlocker(self.profile_combo):
            self.profile_combo.clear()
            self.profile_combo.addItem(translate("ImportWizard", "(none)"), None)
            for profile in profiles:
                self.profile_combo.addItem(f"{profile.name} ({profile.format})", profile.name)

    @Slot()
    def _on_browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, translate("ImportWizard", "Import incidents"), "",
                                              translate("ImportWizard", "Exports (*.csv *.txt *.json);;All files (*)"))
        if path:
            self.path_edit.setText(path)
            if path.lower().endswith(".json"):
                self.format_combo.setCurrentIndex(self.format_combo.findData("json"))

    @Slot(int)
    def _on_profile_chosen(self, _index: int) -> None:
        profile = self.wizard().profile_named(self.profile_combo.currentData())
        if profile is not None:
            self.format_combo.setCurrentIndex(self.format_combo.findData(profile.format))

    def isComplete(self) -> bool:  # noqa: N802 (Qt override)
        return Path(self.path_edit.text().strip()).is_file()

    def nextId(self) -> int:  # noqa: N802
        return PAGE_CHECK if self.format_combo.currentData() == "json" else PAGE_MAPPING


class MappingPage(QWizardPage):
    """The first rows, which field each column feeds, and what the file's values mean here."""

    def __init__(self, wizard: ImportWizard):
        super().__init__(wizard)
        self.setTitle(translate("ImportWizard", "Map the columns"))
        self.setSubTitle(translate("ImportWizard",
                                   "Headers may be in any language: say which field each column holds, and what its "
                         "statuses and priorities mean. Nothing is guessed."))
        col = QVBoxLayout(self)
        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        col.addWidget(self.summary)
        self.preview_table = QTableWidget(self)
        self.preview_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.preview_table.setMaximumHeight(170)
        self.preview_table.setWordWrap(False)
        self.preview_table.setAccessibleName(translate("ImportWizard", "The file's first rows"))
        col.addWidget(self.preview_table)
        self.columns_table = QTableWidget(0, 2, self)
        self.columns_table.setHorizontalHeaderLabels([translate("ImportWizard", "Column in the file"),
                                                      translate("ImportWizard", "Field here")])
        self.columns_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.columns_table.setAccessibleName(translate("ImportWizard", "Columns"))
        self.values_table = QTableWidget(0, 3, self)
        self.values_table.setHorizontalHeaderLabels([translate("ImportWizard", "Field"),
                                                     translate("ImportWizard",
                "Value in the file"), translate("ImportWizard", "Means")])
        self.values_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.values_table.setAccessibleName(translate("ImportWizard", "Values"))
        # Tab leaves each table (the arrows move in it) and stops on the choice in each row instead.
        for table in (self.preview_table, self.columns_table, self.values_table):
            table.setTabKeyNavigation(False)
        side_by_side = QHBoxLayout()
        side_by_side.addWidget(self.columns_table, 1)
        side_by_side.addWidget(self.values_table, 1)
        col.addLayout(side_by_side, 1)
        options = QWidget(self)
        form = QFormLayout(options)
        self.date_order = QComboBox(options)
        self.date_order.addItem(translate("ImportWizard", "Detect (ask when it cannot tell)"), None)
        self.date_order.addItem(translate("ImportWizard", "Day first (31/12/2026)"), translate("ImportWizard", "dmy"))
        self.date_order.addItem(translate("ImportWizard", "Month first (12/31/2026)"), translate("ImportWizard", "mdy"))
        form.addRow(translate("ImportWizard", "&Dates:"), self.date_order)
        self.tz_edit = QLineEdit(options)
        self.tz_edit.setPlaceholderText(translate("ImportWizard", "This machine's time zone"))
        form.addRow(translate("ImportWizard", "Time &zone of times without one:"), self.tz_edit)
        self.source_edit = QLineEdit(options)
        self.source_edit.setPlaceholderText(translate("ImportWizard", "The format's name"))
        form.addRow(translate("ImportWizard", "&Source name:"), self.source_edit)
        col.addWidget(options)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(translate("ImportWizard", "Sa&ve mapping as…"), self)
        self.delete_button = QPushButton(translate("ImportWizard", "De&lete saved mapping"), self)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        col.addLayout(buttons)
        self.save_button.clicked.connect(self._on_save_profile)
        self.delete_button.clicked.connect(self._on_delete_profile)
        self._values: dict[tuple[str, str], str] = {}
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(250)
        self._refresh_timer.timeout.connect(self._on_refresh_due)
        self.preview = None

    def initializePage(self) -> None:  # noqa: N802
        wizard = self.wizard()
        profile = wizard.profile_named(wizard.file_page.profile_combo.currentData())
        self._values = {}
        if profile is not None:
            for name, table in profile.mapping.values.items():
                for source, target in table.items():
                    self._values[(name, source)] = target
            self.date_order.setCurrentIndex(max(0, self.date_order.findData(profile.date_order)))
            self.tz_edit.setText(profile.tz or "")
            self.source_edit.setText(profile.source or "")
        self.delete_button.setEnabled(profile is not None)
        self.summary.setText(translate("ImportWizard", "Reading the file…"))
        wizard.load_preview(profile.mapping if profile else Mapping(), self.show_preview)

    def show_preview(self, preview) -> None:
        """Fill the tables from a preview (the GUI thread, when the worker is done)."""
        self.preview = preview
        self.summary.setText(translate("ImportWizard",
                                       "{described}; the first {count} rows:").format(described=preview.described,
                count=len(preview.rows)))
        table = self.preview_table
        table.clear()
        table.setColumnCount(len(preview.headers))
        table.setRowCount(len(preview.rows))
        table.setHorizontalHeaderLabels(preview.headers)
        for r, row in enumerate(preview.rows):
            for c, cell in enumerate(row[: len(preview.headers)]):
                table.setItem(r, c, QTableWidgetItem(cell))  # plain text: cells never become markup
        if self.columns_table.rowCount() != len(preview.headers) or \
                [self.columns_table.item(i, 0).text() for i in range(self.columns_table.rowCount())] != preview.headers:
            self._fill_columns(preview)
        self._fill_values(preview)
        self.completeChanged.emit()

    def _fill_columns(self, preview) -> None:
        self.columns_table.setRowCount(len(preview.headers))
        for row, header in enumerate(preview.headers):
            item = QTableWidgetItem(header)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.columns_table.setItem(row, 0, item)
            combo = QComboBox(self.columns_table)
            combo.addItem(translate("ImportWizard", NOT_READ), "")
            for name in FIELDS:
                combo.addItem(name, name)
            current = preview.columns.get(header)
            if current and combo.findData(current) < 0:
                combo.addItem(current, current)  # a format's own field (updated_at, comment, ...)
            combo.setCurrentIndex(max(0, combo.findData(current or "")))
            combo.currentIndexChanged.connect(self._refresh_timer.start)
            combo.setAccessibleName(translate("ImportWizard", "Field for the column {header}").format(header=header))
            self.columns_table.setCellWidget(row, 1, combo)

    def _fill_values(self, preview) -> None:
        self._remember_values()
        pairs = [(name, value) for name, values in preview.unmapped.items() for value in values]
        pairs += [k for k in self._values if k not in pairs and self._values[k]]
        self.values_table.setRowCount(len(pairs))
        for row, (name, value) in enumerate(pairs):
            for column, text in ((0, name), (1, value)):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.values_table.setItem(row, column, item)
            combo = QComboBox(self.values_table)
            combo.addItem(translate("ImportWizard", "(choose)"), "")
            for target in TARGETS[name]:
                combo.addItem(target, target)
            combo.setCurrentIndex(max(0, combo.findData(self._values.get((name, fold(value)), ""))))
            combo.currentIndexChanged.connect(self.completeChanged)
            combo.setAccessibleName(translate("ImportWizard", "What {field} {value} means").format(field=name,
                                                                                                   value=value))
            self.values_table.setCellWidget(row, 2, combo)

    def _remember_values(self) -> None:
        for row in range(self.values_table.rowCount()):
            combo = self.values_table.cellWidget(row, 2)
            name, value = self.values_table.item(row, 0).text(), self.values_table.item(row, 1).text()
            self._values[(name, fold(value))] = combo.currentData() or ""

    def mapping(self) -> Mapping:
        """The user's choices: every column's field (or not read), and every value chosen."""
        self._remember_values()
        mapping = Mapping()
        for row in range(self.columns_table.rowCount()):
            combo = self.columns_table.cellWidget(row, 1)
            mapping.columns[fold(self.columns_table.item(row, 0).text())] = combo.currentData() or ""
        for (name, value), target in self._values.items():
            if target:
                mapping.values.setdefault(name, {})[value] = target
        return mapping

    def options(self) -> dict:
        return {"date_order": self.date_order.currentData(), "tz": self.tz_edit.text().strip() or None,
                "source": self.source_edit.text().strip() or None}

    @Slot()
    def _on_refresh_due(self) -> None:
        self.wizard().load_preview(self.mapping(), self.show_preview)

    def isComplete(self) -> bool:  # noqa: N802
        return self.preview is not None

    def nextId(self) -> int:  # noqa: N802
        return PAGE_CHECK

    @Slot()
    def _on_save_profile(self) -> None:
        name, ok = QInputDialog.getText(self, translate("ImportWizard", "Save mapping"),
                                        translate("ImportWizard", "Name of the mapping (for files of this tool):"))
        if ok and name.strip():
            self.wizard().save_profile(name.strip())

    @Slot()
    def _on_delete_profile(self) -> None:
        self.wizard().delete_profile()


class CheckPage(QWizardPage):
    """A dry run of the whole file: every problem listed before anything is written."""

    def __init__(self, wizard: ImportWizard):
        super().__init__(wizard)
        self.setTitle(translate("ImportWizard", "Check"))
        self.setSubTitle(translate("ImportWizard",
                                   "The whole file is read and checked; nothing is written until you choose Import."))
        col = QVBoxLayout(self)
        self.report_view = QPlainTextEdit(self)
        self.report_view.setAccessibleName(translate("ImportWizard", "What the import would do"))
        self.report_view.setReadOnly(True)
        col.addWidget(self.report_view, 1)
        self.skip_box = QCheckBox(translate("ImportWizard", "&Skip the rows with problems and import the others"), self)
        self.skip_box.toggled.connect(self.completeChanged)
        col.addWidget(self.skip_box)
        self.report = None
        self.setButtonText(QWizard.WizardButton.FinishButton, translate("ImportWizard", "&Import"))

    def initializePage(self) -> None:  # noqa: N802
        self.report = None
        self.report_view.setPlainText(translate("ImportWizard", "Checking…"))
        self.wizard().run_check(self.show_report)

    def show_report(self, report) -> None:
        self.report = report
        lines = report.lines()
        if report.hints:
            lines.append(translate("ImportWizard",
                                   "In this wizard: go Back and choose what these values mean in the table of values."))
        self.report_view.setPlainText("\n".join(lines))
        self.skip_box.setVisible(bool(report.problems))
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        if self.report is None:
            return False
        return not self.report.problems or self.skip_box.isChecked()


class ImportWizard(QWizard):
    """The import, step by step; the import itself runs in a worker with a progress dialog and Cancel."""

    sig_imported = Signal(object)
    """An import was written (its ImportReport)."""

    def __init__(self, desk, parent: QWidget | None = None, *, pool: WorkerPool | None = None):
        super().__init__(parent)
        self.setWindowTitle(translate("ImportWizard", "Import incidents"))
        self.setObjectName("importWizard")
        self.resize(980, 700)
        self.transfer = Transfer(desk)
        self.pool = pool or WorkerPool(self, max_threads=1)
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.check_page = CheckPage(self)
        self.setPage(PAGE_FILE, self.file_page)
        self.setPage(PAGE_MAPPING, self.mapping_page)
        self.setPage(PAGE_CHECK, self.check_page)
        self._profiles: list[Profile] = []
        self.progress_dialog: QProgressDialog | None = None
        self.cancel_event: threading.Event | None = None
        self.last_report = None
        self.reload_profiles()

    # ---- what the pages ask for -----------------------------------------------------------------------

    def profile_named(self, name: str | None) -> Profile | None:
        return next((p for p in self._profiles if p.name == name), None)

    def reload_profiles(self) -> None:
        self._profiles = self.transfer.profiles()
        self.file_page.fill_profiles(self._profiles)

    def path(self) -> Path:
        return Path(self.file_page.path_edit.text().strip())

    def format_name(self) -> str:
        return self.file_page.format_combo.currentData()

    def options(self, *, dry_run: bool) -> ImportOptions:
        if self.format_name() == "json":
            return ImportOptions(format="json", path=self.path(), dry_run=dry_run)
        return ImportOptions(format=self.format_name(), path=self.path(), mapping=self.mapping_page.mapping(),
                             dry_run=dry_run, skip_invalid=self.check_page.skip_box.isChecked(),
                             **self.mapping_page.options())

    def _fail(self, exc: BaseException) -> None:
        message, _ = describe_failure(exc)
        page = self.currentPage()
        if page is self.mapping_page:
            page.summary.setText(message)
        elif page is self.check_page:
            page.report_view.setPlainText(message)
        else:
            page.setSubTitle(message)

    def load_preview(self, mapping: Mapping, on_done) -> None:
        self.pool.submit(self.transfer.preview, self.path(), self.format_name(), mapping, on_done=on_done,
                         on_error=self._fail)

    def run_check(self, on_done) -> None:
        try:
            options = self.options(dry_run=True)
        except DomainError as exc:
            self._fail(exc)
            return
        self.pool.submit(self.transfer.import_file, options, on_done=on_done, on_error=self._fail)

    def save_profile(self, name: str) -> None:
        page = self.mapping_page
        profile = Profile(name=name, format=self.format_name(), mapping=page.mapping(), **page.options())
        try:
            self.transfer.save_profile(profile)
        except DomainError as exc:
            self._fail(exc)
            return
        self.reload_profiles()
        self.file_page.profile_combo.setCurrentIndex(self.file_page.profile_combo.findData(name))
        page.delete_button.setEnabled(True)
        page.summary.setText(translate("ImportWizard", "Saved the mapping '{name}'.").format(name=name))

    def delete_profile(self) -> None:
        name = self.file_page.profile_combo.currentData()
        if not name:
            return
        try:
            self.transfer.delete_profile(name)
        except DomainError as exc:
            self._fail(exc)
            return
        self.reload_profiles()
        self.mapping_page.delete_button.setEnabled(False)
        self.mapping_page.summary.setText(translate("ImportWizard",
                                                    "Deleted the saved mapping '{name}'.").format(name=name))

    # ---- the import -----------------------------------------------------------------------------------------

    def accept(self) -> None:
        """Import for real, in a worker; the wizard stays open until it is done (or cancelled)."""
        if self.progress_dialog is not None:
            return
        options = self.options(dry_run=False)
        self.cancel_event = threading.Event()
        self.progress_dialog = cancellable_progress(self, translate("ImportWizard", "Importing…"), self.cancel_event)
        self.progress_dialog.setWindowTitle(translate("ImportWizard", "Import"))
        relay = ProgressRelay()
        relay.sig_progress.connect(self._on_progress)
        self._relay = relay
        self.pool.submit(self.transfer.import_file, options, progress=relay.sig_progress.emit,
                         cancel=self.cancel_event, on_done=self._on_imported, on_error=self._on_import_failed)

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, phase: str) -> None:
        if self.progress_dialog is None:
            return
        self.progress_dialog.setLabelText(translate("ImportWizard",
                                                    "{capitalize}… {done:,} of {total:,}").format(
                capitalize=phase.capitalize(), done=done, total=total) if total else
                                          f"{phase.capitalize()}…")
        self.progress_dialog.setValue(int(done * 100 / total) if total else 0)

    def _close_progress(self) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None

    @Slot(object)
    def _on_imported(self, report) -> None:
        self._close_progress()
        self.last_report = report
        if not report.written:
            self.check_page.show_report(report)
            return
        self.sig_imported.emit(report)
        super().accept()

    @Slot(object)
    def _on_import_failed(self, exc: BaseException) -> None:
        self._close_progress()
        self._fail(exc)
