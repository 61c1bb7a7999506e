"""Translation: every user-facing string in ui/ goes through translate(); the app installs the catalogues at start."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from incident_desk import resource_path

LANG_ENV_VAR = "INCIDENT_DESK_LANG"  # "de", "pt_BR", …: overrides the system locale (translators, screenshots)
CATALOGUE = "incident_desk"
# The English catalogue is always loaded first: the source texts are English, but plural messages
# ("%n incidents") take their singular and plural forms from it. A language's own catalogue, loaded
# after it, is asked first.
SOURCE_LANGUAGE = "en"


def translate(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """QCoreApplication.translate under a short name pyside6-lupdate recognises: the context and text must be
    string literals at the call (lupdate reads the source), the count positional (``translate(C, "%n rows", "",
            n)``)."""
    return QCoreApplication.translate(context, text, disambiguation, n)


def catalogue_folder() -> Path:
    """The compiled catalogues (.qm): package data, so they load from a checkout, a wheel and the bundle."""
    return resource_path("i18n")


def chosen_locale() -> QLocale:
    """$INCIDENT_DESK_LANG when set, else the system's locale."""
    name = os.environ.get(LANG_ENV_VAR, "").strip()
    return QLocale(name) if name else QLocale.system()


def install_translators(app: QCoreApplication, locale: QLocale | None = None,
                        folders: Iterable[Path] | None = None) -> list[QTranslator]:
    """Install the desk's catalogues for ``locale`` (default chosen_locale()) and Qt's own (qtbase: the
    standard buttons and dialogs). Translators are parented to ``app`` so they live as long as it does;
    the ones installed are returned (remove them with remove_translators)."""
    locale = chosen_locale() if locale is None else locale
    folders = [catalogue_folder()] if folders is None else [Path(f) for f in folders]
    installed: list[QTranslator] = []

    def add(load) -> None:
        translator = QTranslator(app)
        if load(translator) and app.installTranslator(translator):
            installed.append(translator)
        else:
            translator.deleteLater()

    for folder in folders:
        add(lambda t, folder=folder: t.load(f"{CATALOGUE}_{SOURCE_LANGUAGE}", str(folder)))
    if locale.language() not in (QLocale.Language.C, QLocale.Language.English):
        qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        add(lambda t: t.load(locale, "qtbase", "_", qt_folder))
        for folder in folders:
            add(lambda t, folder=folder: t.load(locale, CATALOGUE, "_", str(folder)))
    return installed


def remove_translators(app: QCoreApplication, translators: Iterable[QTranslator]) -> None:
    """Undo install_translators (tests switch languages within one application)."""
    for translator in translators:
        app.removeTranslator(translator)
        translator.deleteLater()
