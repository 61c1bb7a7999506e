"""The File menu's transfer actions: Import…, Export view…, Back up now…, the backups folder and the daily backup."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction

from incident_desk.config import BACKUP_FOLDER_KEY, BACKUP_KEEP_DEFAULT, BACKUP_KEEP_KEY, backups_dir
from incident_desk.ui.i18n import translate
from incident_desk.ui.workers import WorkerPool

# Built with the window but used later: dialogs, the transfer services and the progress dialog are
# imported when an action first runs, so the window opens no slower for having them.


class TransferActions(QObject):
    """Owns the actions and runs their work in a worker; the main window only puts them in its menu."""

    sig_imported = Signal()
    """An import was written: the table, views and choices need reading again."""
    sig_backed_up = Signal(str)
    """A backup was written to this path."""

    def __init__(self, window, *, backups_folder: Path | None = None):
        super().__init__(window)
        self.desk = window.desk
        self._transfer = None
        self.pool = WorkerPool(self, max_threads=1)
        self._folder = backups_folder
        self.wizard = None
        self.progress = None  # the QProgressDialog of a running export
        self.cancel_event: threading.Event | None = None
        actor, sqlite = self.desk.actor, self.desk.store.is_sqlite
        self.act_import = self._action(translate("TransferActions", "&Import…"), self._on_import,
                                       translate("TransferActions", "Import incidents from another tool's export "
                                       "or from this desk's JSON export"), enabled=actor.can("data.import"))
        self.act_export_view = self._action(translate("TransferActions", "&Export view…"), self._on_export_view,
                                            translate("TransferActions",
                                                      "Save the incidents of this view, in its order, as CSV"))
        self.act_backup = self._action(translate("TransferActions", "&Back up now…"), self._on_backup_now,
                                       translate("TransferActions", "Copy the database to a file while "
                                       "the desk keeps working"), enabled=sqlite and actor.can("data.backup"))
        self.act_backups_folder = self._action(translate("TransferActions", "Open the &daily backups folder"),
                                               self._on_open_folder,
                                               "", enabled=sqlite)

    @property
    def window(self):
        # Through Qt's parent, not an attribute: window -> actions -> window would be a reference cycle,
        # and the cyclic collector may then free the widgets on a worker thread (a crash).
        return self.parent()

    def _action(self, text: str, slot, tip: str, *, enabled: bool = True) -> QAction:
        act = QAction(text, self.window)
        act.setToolTip(tip or text.replace("&", "").rstrip("…"))
        act.setStatusTip(tip)
        act.setEnabled(enabled)
        act.triggered.connect(slot)
        return act

    def actions(self) -> list[QAction]:
        return [self.act_import, self.act_export_view, self.act_backup, self.act_backups_folder]

    @property
    def transfer(self):
        """The transfer services, built on first use: their modules are not needed to open the window."""
        if self._transfer is None:
            from incident_desk.services.transfer.service import Transfer
            self._transfer = Transfer(self.desk)
        return self._transfer

    @property
    def folder(self) -> Path:
        chosen = str(self.window.settings.value(BACKUP_FOLDER_KEY, "") or "")  # Settings -> Backups
        return self._folder or (Path(chosen) if chosen else backups_dir())

    def keep(self) -> int:
        try:
            return max(1, int(self.window.settings.value(BACKUP_KEEP_KEY, BACKUP_KEEP_DEFAULT)))
        except (TypeError, ValueError):
            return BACKUP_KEEP_DEFAULT

    # ---- import ----------------------------------------------------------------------------------------

    @Slot()
    def _on_import(self) -> None:
        from incident_desk.ui.dialogs.import_wizard import ImportWizard
        wizard = ImportWizard(self.desk, self.window)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.sig_imported.connect(self._on_imported)
        self.wizard = wizard
        wizard.open()

    @Slot(object)
    def _on_imported(self, report) -> None:
        self.window.status_message(report.summary(), 15_000)
        self.sig_imported.emit()

    # ---- export of the view -----------------------------------------------------------------------------

    @Slot()
    def _on_export_view(self) -> None:
        from PySide6.QtWidgets import QFileDialog
        name = f"incidents-{date.today():%Y-%m-%d}.csv"
        path, _ = QFileDialog.getSaveFileName(self.window, translate("TransferActions", "Export view"), name,
                                              translate("TransferActions", "CSV files (*.csv)"))
        if path:
            self.export_view_to(Path(path))

    def export_view_to(self, path: Path) -> None:
        """Write the table's filters and sort to ``path`` in a worker, with a progress dialog and Cancel."""
        model = self.window.model
        self._start_progress(translate("TransferActions", "Exporting the view…"))
        self.pool.submit(self.transfer.export_csv, path, filters=model.filters(), sort=model.current_sort(),
                         progress=self._relay.sig_progress.emit, cancel=self.cancel_event,
                         on_done=lambda n: self._finish(translate("TransferActions",
                                 "Exported {n:,} incidents to {path}.").format(n=n, path=path)),
                         on_error=self._failed)

    # ---- backups -----------------------------------------------------------------------------------------

    @Slot()
    def _on_backup_now(self) -> None:
        from PySide6.QtWidgets import QFileDialog
        name = f"{self.desk.store.path.stem}-backup-{date.today():%Y-%m-%d}.db" if self.desk.store.path else ""
        path, _ = QFileDialog.getSaveFileName(self.window, translate("TransferActions", "Back up the database"), name,
                                              translate("TransferActions", "Databases (*.db)"))
        if path:
            self.backup_to(Path(path))

    def backup_to(self, path: Path) -> None:
        self.window.status_message(translate("TransferActions", "Backing up to {path}…").format(path=path))
        self.pool.submit(self.transfer.backup, path, on_done=self._on_backed_up, on_error=self._failed)

    @Slot(object)
    def _on_backed_up(self, path) -> None:
        self.window.status_message(translate("TransferActions", "Backed up the database to {path}.").format(path=path),
                                   15_000)
        self.sig_backed_up.emit(str(path))

    def start_daily_backup(self) -> None:
        """Today's backup in the backups folder unless it exists; the oldest beyond the kept number go."""
        if not self.desk.store.is_sqlite:
            return
        folder, keep = self.folder, self.keep()
        self.act_backups_folder.setToolTip(translate("TransferActions",
                                                     "Daily backups (the last {keep}) are kept in {folder}").format(
                keep=keep, folder=folder))
        self.act_backups_folder.setStatusTip(self.act_backups_folder.toolTip())
        self.pool.submit(self.transfer.backups.daily, folder, keep=keep, on_done=self._on_daily_done,
                         on_error=self._failed)

    @Slot(object)
    def _on_daily_done(self, path) -> None:
        if path is not None:
            self.window.status_message(translate("TransferActions",
                                                 "Daily backup written to {path} (the last {keep} are kept).").format(
                    path=path, keep=self.keep()), 15_000)
            self.sig_backed_up.emit(str(path))

    @Slot()
    def _on_open_folder(self) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices
        self.folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder)))

    # ---- progress ------------------------------------------------------------------------------------------

    def _start_progress(self, label: str) -> None:
        from incident_desk.ui.progress import ProgressRelay, cancellable_progress
        self.cancel_event = threading.Event()
        self.progress = cancellable_progress(self.window, label, self.cancel_event)
        self._relay = ProgressRelay()
        self._relay.sig_progress.connect(self._on_progress)

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, _phase: str) -> None:
        if self.progress is not None and total:
            self.progress.setValue(int(done * 100 / total))

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _finish(self, message: str) -> None:
        self._close_progress()
        self.window.status_message(message, 15_000)

    def _failed(self, exc: BaseException) -> None:
        from incident_desk.services.errors import describe_failure
        cancelled = self.cancel_event is not None and self.cancel_event.is_set()
        self._close_progress()
        message, _ = describe_failure(exc)
        self.window.status_message(translate("TransferActions",
                                             "Cancelled; nothing was written.") if cancelled else message, 15_000)

    def shutdown(self) -> None:
        self.pool.close()
