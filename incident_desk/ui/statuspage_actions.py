"""Publishing the status page from the window: its folder and "on every public update" kept per database."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings
from PySide6.QtWidgets import QFileDialog, QWidget

from incident_desk.ui.i18n import translate

if TYPE_CHECKING:
    from incident_desk.reports.statuspage import PublishResult

FOLDER_KEY = "statuspage/folder"
ON_UPDATE_KEY = "statuspage/publish_on_update"


def status_folder(settings: QSettings | None) -> str:
    return str(settings.value(FOLDER_KEY, "") or "") if settings is not None else ""


def publish_on_update(settings: QSettings | None) -> bool:
    if settings is None:
        return False
    return str(settings.value(ON_UPDATE_KEY, "false")).lower() in ("true", "1")


def set_publish_on_update(settings: QSettings | None, on: bool) -> None:
    if settings is not None:
        settings.setValue(ON_UPDATE_KEY, "true" if on else "false")
        settings.sync()


def choose_folder(parent: QWidget | None, settings: QSettings | None) -> str:
    """Ask for the folder (a shared folder, a web server's), starting from the last one; '' if cancelled."""
    folder = QFileDialog.getExistingDirectory(parent, translate("StatuspageActions", "Publish the status page into"),
                                              status_folder(settings))
    if folder and settings is not None:
        settings.setValue(FOLDER_KEY, folder)
        settings.sync()
    return folder


def publish(ops, desk, folder: str) -> PublishResult:
    """Read and write off the GUI thread (the desk's reader): thousands of updates take a moment."""
    # Imported on use: the window asks this module for its settings at start, and the page renderer and
    # the communication service (70 ms of imports) are not needed for the first painted page.
    from incident_desk.reports.statuspage import publish_desk
    return ops.run_read(lambda: publish_desk(desk, folder))


class StatusPageText(QObject):
    """The translation context of this module's plural texts (lupdate marks plurals only for tr())."""


def describe(result: PublishResult) -> str:
    services = StatusPageText.tr("%n public services", "", result.services)
    incidents = StatusPageText.tr("%n incidents", "", result.incidents)
    return translate("StatuspageActions", "Published the status page into {folder}: {services}, {incidents}.").format(
        folder=result.directory, services=services, incidents=incidents)
