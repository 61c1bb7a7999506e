"""What every settings page is: a title, words to find it by, its own check, its own write, its roles."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from incident_desk.services.auth import with_article
from incident_desk.services.errors import DomainError, StorageError
from incident_desk.ui import theme
from incident_desk.ui.i18n import translate
from incident_desk.ui.plain import plain_label


@dataclass
class SettingsContext:
    """What pages work with: the desk (services, actor), its writer, the app's and this desk's settings
    files, and the main window when there is one (to apply a change live)."""

    desk: Any
    run_write: Callable[[Callable], Any]
    app_settings: QSettings
    desk_settings: QSettings
    window: Any = None
    run_read: Callable[[Callable], Any] | None = None  # reads that may cross a network (PostgreSQL)


class SettingsPage(QWidget):
    """One page. Subclasses set TITLE, KEYWORDS and EXPLAIN, build their form in ``build()``, say in
    ``read_only_reason()`` why this person may only look, check in ``validate()`` (one sentence, or None)
    and write in ``save()``; ``is_dirty()`` tells the dialog whether Apply has something to do."""

    TITLE = ""
    KEYWORDS: tuple[str, ...] = ()
    EXPLAIN = ""

    sig_changed = Signal()
    """The form changed (the dialog enables Apply)."""

    def __init__(self, context: SettingsContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.setObjectName(f"settingsPage_{type(self).__name__}")
        self.setAccessibleName(translate("SettingsDialog", self.TITLE))
        self._layout = QVBoxLayout(self)
        heading = QLabel(translate("SettingsDialog", self.TITLE), self)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        heading.setFont(font)
        self._layout.addWidget(heading)
        if self.EXPLAIN:
            explain = QLabel(translate("SettingsDialog", self.EXPLAIN), self)
            explain.setWordWrap(True)
            theme.style(explain, "muted")
            self._layout.addWidget(explain)
        self.read_only_label = QLabel("", self)
        self.read_only_label.setObjectName("readOnlyReason")
        self.read_only_label.setWordWrap(True)
        self.read_only_label.setAccessibleName(translate("SettingsBase", "Why this page is read-only"))
        theme.style(self.read_only_label, "caution")
        self.read_only_label.hide()
        self._layout.addWidget(self.read_only_label)
        self.body = QWidget(self)
        self._layout.addWidget(self.body, 1)
        self.error = plain_label("", self)  # messages quote what was typed
        self.error.setObjectName("pageError")
        self.error.setWordWrap(True)
        self.error.setAccessibleName(translate("SettingsBase", "Problem on this page"))
        theme.style(self.error, "error")
        self._layout.addWidget(self.error)
        self.build(self.body)
        reason = self.read_only_reason()
        if reason:
            self.read_only_label.setText(reason)
            self.read_only_label.show()
            self.set_read_only()

    # ---- what subclasses provide --------------------------------------------------------------------

    def build(self, body: QWidget) -> None:
        raise NotImplementedError

    # Who may change this page: the permission the services check, and the sentence after "You are a…;".
    PERMISSION = ""
    REFUSAL = ""

    def read_only_reason(self) -> str:
        actor = self.context.desk.actor
        if not self.PERMISSION or actor.can(self.PERMISSION):
            return ""
        return translate("SettingsBase", "You are {role}; {refusal}").format(role=with_article(
                actor.role), refusal=translate("SettingsDialog", self.REFUSAL))

    def set_read_only(self) -> None:
        """Disable what writes; lists and tables stay readable, scrollable and reachable by Tab."""
        for widget in self.body.findChildren(QWidget):
            if isinstance(widget, (QAbstractButton, QComboBox, QAbstractSpinBox, QLineEdit)):
                widget.setEnabled(False)

    def is_dirty(self) -> bool:
        return False

    def validate(self) -> str | None:
        return None

    def save(self) -> None:
        """Write (through the services, on the desk's writer thread); raise DomainError to refuse."""

    # ---- used by the dialog -------------------------------------------------------------------------

    def search_text(self) -> str:
        """The title, the keywords and every label and button on the page, for the dialog's search."""
        # English words find a page in any language; the translated title and explanation too.
        words = [self.TITLE, *self.KEYWORDS, self.EXPLAIN, translate("SettingsDialog", self.TITLE),
                 translate("SettingsDialog", self.EXPLAIN) if self.EXPLAIN else ""]
        for widget in self.findChildren(QWidget):
            text = getattr(widget, "text", None)
            if isinstance(widget, (QLabel, QAbstractButton)) and callable(text):
                words.append(text())
            if widget.accessibleName():
                words.append(widget.accessibleName())
        return " ".join(w.replace("&", "") for w in words if w).lower()

    def is_read_only(self) -> bool:
        return not self.read_only_label.isHidden()

    def show_error(self, text: str) -> None:
        self.error.setText(text)

    def change_now(self, fn: Callable[[], Any], keep: Any = None) -> bool:
        """One immediate change (a rename, a retirement: not kept for OK or Apply); the services' sentence
        goes on the page when refused. The page reloads keeping ``keep`` chosen, and the window re-reads
        the names its forms and filters offer."""
        self.error.clear()
        try:
            self.write(fn)
        except (DomainError, StorageError) as exc:
            self.show_error(str(exc))
            return False
        self.reload(keep=keep)
        window = self.context.window
        if window is not None and hasattr(window, "_load_choices"):
            window._load_choices()
        return True

    def apply(self) -> bool:
        """Validate and save; the problem goes on the page in one sentence and nothing is written."""
        self.error.clear()
        if self.is_read_only() or not self.is_dirty():
            return True
        problem = self.validate()
        if problem:
            self.show_error(problem)
            return False
        try:
            self.save()
        except (DomainError, StorageError) as exc:
            self.show_error(str(exc))
            return False
        return True

    def read(self, fn: Callable) -> Any:
        """A read of the database, off the GUI thread when it crosses a network."""
        return self.context.run_read(fn) if self.context.run_read is not None else fn()

    def write(self, fn: Callable) -> Any:
        """Run a service call on the desk's writer thread, waiting with the event loop running."""
        return self.context.run_write(fn)
