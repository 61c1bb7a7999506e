"""Export an incident's report, or the monthly review: format, audience, file; written in a worker with progress."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate, QObject, QStandardPaths, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from incident_desk.domain.reporting import month_of
from incident_desk.services.errors import describe_failure
from incident_desk.ui.i18n import translate
from incident_desk.ui.workers import WorkerPool

FORMATS = (
    ("pdf", QT_TRANSLATE_NOOP("ReportDialogs", "PDF")),
    ("html", QT_TRANSLATE_NOOP("ReportDialogs", "HTML")),
    ("md", QT_TRANSLATE_NOOP("ReportDialogs", "Markdown")),
)


class _ProgressRelay(QObject):
    """Carries progress from the worker thread to the dialog (queued)."""

    sig_progress_changed = Signal(int, str)
    """Percent done and what the export is doing."""


def _documents_dir() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found and Path(found).is_dir() else Path.home()


class _ReportDialog(QDialog):
    """Format choice, a file, Write; the work runs in a worker thread and the dialog shows how far it is."""

    sig_report_written = Signal(str)
    """The report was written to this path."""

    def __init__(self, desk, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.pool = WorkerPool(self, max_threads=1)
        self._relay = _ProgressRelay(self)
        self._relay.sig_progress_changed.connect(self._on_progress_changed)
        self.written: list[Path] = []
        self.error = ""
        layout = QVBoxLayout(self)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        formats = QWidget(self)
        row = QHBoxLayout(formats)
        row.setContentsMargins(0, 0, 0, 0)
        self.format_group = QButtonGroup(self)
        self.format_buttons: dict[str, QRadioButton] = {}
        for fmt, label in FORMATS:
            radio = QRadioButton(translate("ReportDialogs", label), formats)
            self.format_group.addButton(radio)
            self.format_buttons[fmt] = radio
            row.addWidget(radio)
        row.addStretch(1)
        self.format_buttons["pdf"].setChecked(True)
        self.form.addRow(translate("ReportDialogs", "Format:"), formats)
        file_row = QWidget(self)
        row = QHBoxLayout(file_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.path_edit = QLineEdit(file_row)
        self.browse_button = QPushButton(translate("ReportDialogs", "Browse…"), file_row)
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        self.form.addRow(translate("ReportDialogs", "&File:"), file_row)
        # The row's label goes to the path itself: Alt+F lands there, and a screen reader names it by it.
        self.form.labelForField(file_row).setBuddy(self.path_edit)
        self.path_edit.setAccessibleName(translate("ReportDialogs", "File"))
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        self.progress.hide()
        layout.addWidget(self.progress)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.status)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.write_button = self.buttons.addButton(translate("ReportDialogs", "&Write"),
                                                   QDialogButtonBox.ButtonRole.AcceptRole)
        self.write_button.setDefault(True)
        layout.addWidget(self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.write_button.clicked.connect(self.start)
        self.browse_button.clicked.connect(self._on_browse_clicked)
        self.format_group.buttonToggled.connect(self._on_format_toggled)

    # ---- what subclasses give ----------------------------------------------------------------------

    def default_stem(self) -> str:
        raise NotImplementedError

    def job(self, path: Path, fmt: str, progress):
        raise NotImplementedError

    # ---- the work --------------------------------------------------------------------------------------

    def fmt(self) -> str:
        return next(f for f, b in self.format_buttons.items() if b.isChecked())

    def set_format(self, fmt: str) -> None:
        self.format_buttons[fmt].setChecked(True)

    def propose_path(self) -> None:
        folder = Path(self.path_edit.text()).parent if self.path_edit.text().strip() else _documents_dir()
        self.path_edit.setText(str(folder / f"{self.default_stem()}.{self.fmt()}"))

    def is_running(self) -> bool:
        return self.progress.isVisible() and not self.write_button.isEnabled()

    @Slot()
    def start(self) -> None:
        """Write the report in the worker; the dialog stays open and says when it is done."""
        text = self.path_edit.text().strip()
        if not text:
            self.status.setText(translate("ReportDialogs", "Choose a file to write."))
            return
        self.written, self.error = [], ""
        self.write_button.setEnabled(False)
        self.progress.setValue(0)
        self.progress.show()
        self.status.setText(translate("ReportDialogs", "Starting…"))
        relay = self._relay
        self.pool.submit(self.job, Path(text).expanduser(), self.fmt(),
                         lambda pct, what: relay.sig_progress_changed.emit(int(pct), str(what)),
                         on_done=self._on_done, on_error=self._on_failed)

    def _on_done(self, files) -> None:
        self.written = list(files)
        self.progress.setValue(100)
        self.write_button.setEnabled(True)
        if len(self.written) > 1:
            self.status.setText(self.tr("Wrote {file} (and %n chart files).", "", len(self.written) - 1).format(
                file=self.written[0]))
        else:
            self.status.setText(translate("ReportDialogs", "Wrote {file}.").format(file=self.written[0]))
        self.sig_report_written.emit(str(self.written[0]))

    def _on_failed(self, exc: BaseException) -> None:
        self.error, _ = describe_failure(exc)
        self.progress.hide()
        self.write_button.setEnabled(True)
        self.status.setText(translate("ReportDialogs", "Not written: {error}").format(error=self.error))

    @Slot(int, str)
    def _on_progress_changed(self, pct: int, what: str) -> None:
        self.progress.setValue(pct)
        self.status.setText(what + "…" if pct < 100 else what)

    @Slot()
    def _on_browse_clicked(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, self.windowTitle(), self.path_edit.text(),
                                                f"{self.fmt().upper()} (*.{self.fmt()})")
        if chosen:
            self.path_edit.setText(chosen)

    @Slot()
    def _on_format_toggled(self, *_args) -> None:
        text = self.path_edit.text().strip()
        if text:
            self.path_edit.setText(str(Path(text).with_suffix(f".{self.fmt()}")))

    def reject(self) -> None:
        if self.is_running():
            self.status.setText(translate("ReportDialogs", "Still writing; close when it is done."))
            return
        super().reject()

    def done(self, result: int) -> None:
        self.pool.close()
        super().done(result)


class ExportReportDialog(_ReportDialog):
    """The closure report or postmortem of one incident, for the team or for customers."""

    def __init__(self, desk, key: str, parent: QWidget | None = None):
        super().__init__(desk, translate("ReportDialogs", "Export the report of {key}").format(key=key), parent)
        self.key = key
        audiences = QWidget(self)
        column = QVBoxLayout(audiences)
        column.setContentsMargins(0, 0, 0, 0)
        self.internal_radio = QRadioButton(translate("ReportDialogs", "&Internal: everything, for the team"), audiences)
        self.customer_radio = QRadioButton(translate("ReportDialogs",
                                                     "&Customer: no names, contacts or internal notes"), audiences)
        self.audience_group = QButtonGroup(self)
        for radio in (self.internal_radio, self.customer_radio):
            self.audience_group.addButton(radio)
            column.addWidget(radio)
        self.internal_radio.setChecked(True)
        self.form.insertRow(0, translate("ReportDialogs", "Audience:"), audiences)
        note = QLabel(translate("ReportDialogs",
                                "A customer report uses only a published postmortem; until then it tells what "
                                "happened from "
                      "the incident's own record."), self)
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(placeholder-text);")
        self.form.insertRow(1, "", note)
        self.audience_group.buttonToggled.connect(self._on_audience_toggled)
        self.propose_path()

    def audience(self) -> str:
        return "customer" if self.customer_radio.isChecked() else "internal"

    def set_audience(self, audience: str) -> None:
        (self.customer_radio if audience == "customer" else self.internal_radio).setChecked(True)

    def default_stem(self) -> str:
        return self.key + ("-customer" if self.audience() == "customer" else "")

    def job(self, path: Path, fmt: str, progress):
        from incident_desk.reports.export import export_incident_report
        return export_incident_report(self.desk, self.key, path, fmt=fmt, audience=self.audience(),
                                      progress=progress)

    @Slot()
    def _on_audience_toggled(self, *_args) -> None:
        self.propose_path()


class MonthlyReviewDialog(_ReportDialog):
    """The monthly review for team leads and the board."""

    def __init__(self, desk, parent: QWidget | None = None, *, month: date | None = None):
        super().__init__(desk, translate("ReportDialogs", "Monthly review"), parent)
        self.month_edit = QDateEdit(self)
        self.month_edit.setDisplayFormat("yyyy-MM")
        self.month_edit.setCalendarPopup(False)
        last = month_of(desk.clock()).previous()  # the last complete month
        chosen = month or date(last.year, last.month, 1)
        self.month_edit.setDate(QDate(chosen.year, chosen.month, 1))
        self.form.insertRow(0, translate("ReportDialogs", "&Month:"), self.month_edit)
        note = QLabel(translate("ReportDialogs",
                                "Headline figures against the month before, category and MTTR trends over six months, "
                                "the "
                      "month's major incidents with their postmortems, open and overdue action items."), self)
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(placeholder-text);")
        self.form.insertRow(1, "", note)
        self.month_edit.dateChanged.connect(self._on_month_changed)
        self.propose_path()

    def month(self) -> str:
        d = self.month_edit.date()
        return f"{d.year():04d}-{d.month():02d}"

    def default_stem(self) -> str:
        return f"review-{self.month()}"

    def job(self, path: Path, fmt: str, progress):
        from incident_desk.reports.export import export_review
        return export_review(self.desk, self.month(), path, fmt=fmt, progress=progress)

    @Slot()
    def _on_month_changed(self, *_args) -> None:
        self.propose_path()


def open_export_dialog(desk, key: str, parent: QWidget) -> ExportReportDialog:
    """Open (non-modal: the export runs in a worker) the export dialog of incident ``key``."""
    dialog = ExportReportDialog(desk, key, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
