"""The incident detail editor: fields by role, workflow buttons, SLA clocks, timeline, links, conflicts."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QSettings, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QCloseEvent, QDesktopServices, QFont, QGuiApplication, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from incident_desk.config import EDITOR_DRAFTS_GROUP
from incident_desk.domain.incident import (
    RESOLUTION_CODES,
    TERMINAL_STATUSES,
    Channel,
    DomainError,
    Incident,
    Level,
    Priority,
    Status,
    TimelineEvent,
    allowed_transitions,
    clean_text,
    clean_title,
)
from incident_desk.services import reporter_update
from incident_desk.services.errors import ConflictError, StorageError, ValidationError
from incident_desk.services.sla_view import clock_text, pause_policy_text, sla_clocks, state_label
from incident_desk.ui import drafts
from incident_desk.ui.detail.links_panel import LinksPanel
from incident_desk.ui.detail.timeline_view import TimelineView
from incident_desk.ui.dialogs.incident_picker import IncidentPicker
from incident_desk.ui.dialogs.prompts import Ask, ask_with_message_box, run_modal
from incident_desk.ui.dialogs.workflow import (
    CancelDialog,
    ConflictDialog,
    HoldDialog,
    ReporterUpdateDialog,
    ResolveDialog,
)
from incident_desk.ui.models.timeline_model import describe_event
from incident_desk.ui.widgets.form_fields import (
    Badge,
    Banner,
    CommitOnTab,
    FormField,
    align_form_labels,
    clear_errors,
    complete_item,
    match_item,
    searchable_combo,
    show_field_error,
)

log = logging.getLogger(__name__)

FIELDS = ("title", "description", "category", "subcategory", "service", "reporter_name", "reporter_contact",
          "channel", "impact", "urgency", "priority", "override_reason", "assignee", "team", "resolution_code",
          "resolution_notes")
_LABELS = {"reporter_name": "reporter name", "reporter_contact": "reporter contact",
           "override_reason": "override reason", "resolution_code": "resolution code",
           "resolution_notes": "resolution notes"}
# Button text per target status; moving back to In progress reads differently from each side.
_ACTION_TEXT = {Status.ACKNOWLEDGED: "Acknowledge", Status.ON_HOLD: "Put on hold…", Status.RESOLVED: "Resolve…",
                Status.CLOSED: "Close", Status.CANCELLED: "Cancel incident…"}
_IN_PROGRESS_TEXT = {Status.ACKNOWLEDGED: "Start work", Status.ON_HOLD: "Resume work", Status.RESOLVED: "Reopen"}


def _text(value) -> str:
    return "" if value is None else str(value)


class IncidentDetailEditor(QWidget):
    """Edits one incident at a time; nothing typed is lost to a conflict, an error or a switch."""

    sig_incident_saved = Signal(str)
    """The field edits of this incident (key) were saved."""
    sig_incident_changed = Signal(str)
    """Any write made from the editor (save, transition, comment, link, reporter update) committed."""
    sig_close_requested = Signal()
    """The user pressed Esc: the host may close or hide the editor."""
    sig_open_incident = Signal(str)
    """The user wants to open another incident (a linked one) by key."""

    def __init__(self, desk, parent: QWidget | None = None, *, settings: QSettings | None = None):
        super().__init__(parent)
        self.desk = desk
        # Where unsaved edits are kept as they are typed (crash safety); None keeps them in memory only.
        self.settings = settings
        # Prompts and dialogs go through these two so tests answer them with real widgets, no modal loop.
        self.ask: Ask = ask_with_message_box
        self.run_dialog: Callable[[QDialog], bool] = run_modal
        self._incident: Incident | None = None
        self._loading = False
        self._writing = False
        self._last_event_id = 0
        self._pending_remote: Incident | None = None
        self.fields: dict[str, FormField] = {}
        self.transition_buttons: dict[Status, QPushButton] = {}
        self._build()
        self._connect_signals()
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(drafts.DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self._write_draft)
        self.timeline_view.note_edit.textChanged.connect(self._on_draft_changed)
        self._show_empty()

    # ---- construction -------------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.setSpacing(6)
        outer.addWidget(self._build_header())
        self.banner = Banner(self)
        outer.addWidget(self.banner)
        outer.addWidget(self._build_workflow_bar())
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._build_details(), "&Details")
        self.timeline_view = TimelineView(self)
        self.tabs.addTab(self.timeline_view, "&Timeline")
        self.links_panel = LinksPanel(self.desk, self)
        self.tabs.addTab(self.links_panel, "&Links")
        outer.addWidget(self.tabs, 1)

    def _build_header(self) -> QWidget:
        header = QFrame(self)
        header.setObjectName("editorHeader")
        header.setStyleSheet("QFrame#editorHeader { border-bottom: 1px solid palette(mid); }")
        col = QVBoxLayout(header)
        col.setContentsMargins(4, 0, 4, 6)
        row = QHBoxLayout()
        self.key_label = QLabel(header)
        key_font = QFont(self.font())
        key_font.setPointSizeF(self.font().pointSizeF() + 3)
        key_font.setBold(True)
        self.key_label.setFont(key_font)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.key_label)
        self.priority_badge = Badge(header)
        self.status_badge = Badge(header)
        row.addWidget(self.priority_badge)
        row.addWidget(self.status_badge)
        self.assignee_label = QLabel(header)
        self.assignee_label.setStyleSheet("color: palette(placeholder-text);")
        row.addStretch(1)
        self.dirty_label = QLabel("● Unsaved changes", header)
        self.dirty_label.setStyleSheet("color: #b06000; font-weight: 600;")
        row.addWidget(self.dirty_label)
        self.revert_button = QPushButton("Re&vert", header)
        self.revert_button.setToolTip("Throw away your unsaved edits")
        self.save_button = QPushButton("&Save", header)
        self.save_button.setToolTip("Save your edits (Ctrl+S)")
        self.save_button.setDefault(False)
        row.addWidget(self.revert_button)
        row.addWidget(self.save_button)
        col.addLayout(row)
        self.title_label = QLabel(header)
        title_font = QFont(self.font())
        title_font.setPointSizeF(self.font().pointSizeF() + 1.5)
        self.title_label.setFont(title_font)
        self.title_label.setWordWrap(True)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        col.addWidget(self.title_label)
        # Who has it goes on its own line: beside the badges it made the panel too wide to dock.
        col.addWidget(self.assignee_label)
        return header

    def _build_workflow_bar(self) -> QWidget:
        # Two rows (workflow, then people) keep the panel narrow enough to sit beside the table.
        bar = QWidget(self)
        rows = QVBoxLayout(bar)
        rows.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        rows.addLayout(row)
        self.transition_row = QHBoxLayout()
        row.addLayout(self.transition_row)
        self.duplicate_button = QPushButton("Resolve as duplicate of…", bar)
        row.addWidget(self.duplicate_button)
        row.addStretch(1)
        self.watch_button = QPushButton("Watch", bar)
        self.watch_button.setCheckable(True)
        self.watch_button.setToolTip("Get a notification when this incident changes or gets a comment")
        row.addWidget(self.watch_button)
        row = QHBoxLayout()
        rows.addLayout(row)
        self.assign_me_button = QPushButton("Assign to &me", bar)
        self.reporter_button = QPushButton("&Update the reporter…", bar)
        self.copy_summary_button = QPushButton("Copy status summary", bar)
        for button in (self.assign_me_button, self.reporter_button, self.copy_summary_button):
            row.addWidget(button)
        row.addStretch(1)
        return bar

    def _add_field(self, form: QFormLayout, label: str, name: str, editor: QWidget, hint: str = "") -> FormField:
        field = FormField(editor, hint=hint)
        self.fields[name] = field
        form.addRow(label, field)
        return field

    @staticmethod
    def _form(box: QGroupBox) -> QFormLayout:
        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setVerticalSpacing(6)
        return form

    def _build_details(self) -> QWidget:
        page = QWidget()
        grid = QGridLayout(page)
        grid.setContentsMargins(6, 8, 6, 6)
        grid.setHorizontalSpacing(12)
        settings = self.desk.settings

        incident_box = QGroupBox("Incident", page)
        form = self._form(incident_box)
        self.title_edit = QLineEdit()
        self._add_field(form, "T&itle:", "title", self.title_edit)
        self.description_edit = QPlainTextEdit()
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setMinimumHeight(90)
        self.description_edit.setMaximumHeight(220)
        self._add_field(form, "Descri&ption:", "description", self.description_edit)
        self.category_combo = searchable_combo(settings.categories(), placeholder="Type to search categories")
        self._add_field(form, "&Category:", "category", self.category_combo)
        self.subcategory_combo = QComboBox()
        self._add_field(form, "Subcategory:", "subcategory", self.subcategory_combo)
        self.service_edit = QLineEdit()
        self.service_edit.setPlaceholderText("Affected business service (optional)")
        self._add_field(form, "Ser&vice:", "service", self.service_edit)

        reporter_box = QGroupBox("Reporter", page)
        form = self._form(reporter_box)
        self.reporter_name_edit = QLineEdit()
        self._add_field(form, "Name:", "reporter_name", self.reporter_name_edit)
        self.reporter_contact_edit = QLineEdit()
        self.reporter_contact_edit.setPlaceholderText("E-mail address or phone number")
        self._add_field(form, "Contact:", "reporter_contact", self.reporter_contact_edit)
        self.channel_combo = QComboBox()
        for channel in Channel:
            self.channel_combo.addItem(channel.label, channel.value)
        self._add_field(form, "Channel:", "channel", self.channel_combo)

        priority_box = QGroupBox("Priority", page)
        form = self._form(priority_box)
        self.impact_combo = QComboBox()
        self.urgency_combo = QComboBox()
        for combo in (self.impact_combo, self.urgency_combo):
            for level in Level:
                combo.addItem(level.label, level.name.lower())
        self._add_field(form, "I&mpact:", "impact", self.impact_combo)
        self._add_field(form, "U&rgency:", "urgency", self.urgency_combo)
        self.priority_combo = QComboBox()
        self.priority_combo.addItem("From the matrix", "")
        for p in Priority:
            self.priority_combo.addItem(f"Override: {p.label}", p.label)
        self._add_field(form, "Priorit&y:", "priority", self.priority_combo, hint=" ")
        self.override_edit = QLineEdit()
        self.override_edit.setPlaceholderText("Why the matrix priority is wrong here (required for an override)")
        self._add_field(form, "Override reason:", "override_reason", self.override_edit)

        assign_box = QGroupBox("Assignment", page)
        form = self._form(assign_box)
        self.assignee_combo = searchable_combo([""] + self.desk.users.usernames(), placeholder="Unassigned")
        self._add_field(form, "&Assignee:", "assignee", self.assignee_combo)
        self.team_combo = QComboBox()
        self.team_combo.addItems([""] + self.desk.users.team_names())
        self._add_field(form, "Team:", "team", self.team_combo)

        sla_box = QGroupBox("SLA", page)
        sla_grid = QGridLayout(sla_box)
        sla_grid.setColumnStretch(2, 1)
        self.sla_widgets: dict[str, tuple[Badge, QLabel]] = {}
        for row, (name, label) in enumerate((("response", "Response:"), ("resolution", "Resolution:"))):
            title = QLabel(label, sla_box)
            title.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            badge = Badge(sla_box)
            badge.setMinimumWidth(84)
            text = QLabel(sla_box)
            text.setWordWrap(True)
            sla_grid.addWidget(title, row, 0)
            sla_grid.addWidget(badge, row, 1)
            sla_grid.addWidget(text, row, 2)
            self.sla_widgets[name] = (badge, text)
        self.pause_policy_label = QLabel(pause_policy_text(), sla_box)
        self.pause_policy_label.setWordWrap(True)
        self.pause_policy_label.setStyleSheet("color: #5f6368; font-size: 11px;")
        sla_grid.addWidget(self.pause_policy_label, 2, 0, 1, 3)

        self.resolution_box = QGroupBox("Resolution", page)
        form = self._form(self.resolution_box)
        self.resolution_code_combo = QComboBox()
        self.resolution_code_combo.addItem("", "")
        for code in RESOLUTION_CODES:
            self.resolution_code_combo.addItem(code.capitalize(), code)
        self._add_field(form, "Code:", "resolution_code", self.resolution_code_combo)
        self.resolution_notes_edit = QPlainTextEdit()
        self.resolution_notes_edit.setTabChangesFocus(True)
        self.resolution_notes_edit.setFixedHeight(70)
        self._add_field(form, "Notes:", "resolution_notes", self.resolution_notes_edit)
        self.cancel_reason_label = QLabel()
        self.cancel_reason_label.setWordWrap(True)
        form.addRow("Cancelled because:", self.cancel_reason_label)

        # One column: the panel sits beside the table, so it grows down (it scrolls), not across.
        align_form_labels((incident_box, priority_box, assign_box, reporter_box, self.resolution_box))
        column = QVBoxLayout()
        for box in (incident_box, priority_box, assign_box, sla_box, reporter_box, self.resolution_box):
            column.addWidget(box)
        column.addStretch(1)
        grid.addLayout(column, 0, 0)
        scroll = QScrollArea()
        scroll.setWidget(page)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        return scroll

    def _connect_signals(self) -> None:
        for _name, field in self.fields.items():
            editor = field.editor
            if isinstance(editor, QLineEdit):
                editor.textEdited.connect(self._on_field_edited)
            elif isinstance(editor, QPlainTextEdit):
                editor.textChanged.connect(self._on_field_edited)
            elif isinstance(editor, QComboBox):
                editor.currentIndexChanged.connect(self._on_field_edited)
                if editor.isEditable():
                    editor.editTextChanged.connect(self._on_field_edited)
        self.category_combo.lineEdit().editingFinished.connect(self._on_category_committed)
        self._category_tab = CommitOnTab(self._on_category_committed, self)
        self.category_combo.lineEdit().installEventFilter(self._category_tab)
        self.category_combo.completer().popup().installEventFilter(self._category_tab)
        self.category_combo.installEventFilter(self._category_tab)
        self.category_combo.currentTextChanged.connect(self._on_category_text_changed)
        self.save_button.clicked.connect(self._on_save_clicked)
        self.revert_button.clicked.connect(self._on_revert_clicked)
        self.duplicate_button.clicked.connect(self._on_duplicate_clicked)
        self.assign_me_button.clicked.connect(self._on_assign_me_clicked)
        self.reporter_button.clicked.connect(self._on_reporter_clicked)
        self.copy_summary_button.clicked.connect(self._on_copy_summary_clicked)
        self.watch_button.clicked.connect(self._on_watch_clicked)
        self.timeline_view.sig_note_submitted.connect(self._on_note_submitted)
        self.links_panel.sig_links_changed.connect(self._on_links_changed)
        self.links_panel.sig_open_incident.connect(self.sig_open_incident)
        # Set after construction: PySide ignores a context= keyword here, and a window-wide Ctrl+S
        # would clash with the main window's Save action (Qt then runs neither).
        save_shortcut = QShortcut(QKeySequence.StandardKey.Save, self, self._on_save_clicked)
        save_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Esc reaches here when no child (an open combo popup, say) used it first.
        if event.key() == Qt.Key.Key_Escape and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            self.sig_close_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    # ---- public interface ----------------------------------------------------------------------------

    def current_key(self) -> str | None:
        return self._incident.key if self._incident else None

    def current_incident(self) -> Incident | None:
        """The incident as last loaded from the store (without the unsaved edits)."""
        return self._incident

    def field(self, name: str) -> FormField:
        return self.fields[name]

    def load_incident(self, key: str) -> bool:
        """Show incident ``key``; False if the user chose to keep unsaved edits of the current one."""
        if self._incident is not None and key == self._incident.key and self.has_unsaved_changes():
            return True
        if not self.confirm_discard():
            return False
        try:
            incident = self.desk.incidents.get_incident(key)
        except (DomainError, StorageError) as exc:
            self.banner.show_message(str(exc), "error")
            return False
        self.banner.clear()
        draft = self._stored_draft(key)  # read before loading: a clean load forgets it
        self.timeline_view.clear_composer()
        stale = bool(draft) and draft["version"] not in (None, incident.version)
        # Edited on an older version: keep editing that version, so saving meets the usual conflict
        # (who changed what, reapply) instead of quietly overwriting what was saved since.
        base = replace(incident, version=draft["version"]) if stale else incident
        self._load(base, pending=draft.get("pending") if draft else None)
        if draft:
            self.timeline_view.note_edit.setPlainText(str(draft.get("note") or ""))
            restored = (f"Restored your unsaved changes to {key} from {draft['when']}: the desk closed before "
                        f"they were saved.")
            if stale:
                self.banner.show_message(f"{restored} {key} has been changed since; saving shows what changed first.",
                                         "warning")
            else:
                self.banner.show_message(restored, "info")
        return True

    def has_unsaved_changes(self) -> bool:
        return bool(self.pending_changes())

    def pending_changes(self) -> dict:
        """Edited fields and their new values, in the form the edit service takes."""
        if self._incident is None:
            return {}
        pending = {name: self._read(name) for name in FIELDS if self._read(name) != self._loaded(name)}
        if pending.get("priority"):
            pending["override_reason"] = self._read("override_reason")
        elif "priority" in pending:
            pending.pop("override_reason", None)
        return pending

    def confirm_discard(self) -> bool:
        """Ask Save / Discard / Cancel when there are unsaved edits, then about a note typed and not
        added yet; True when it is fine to move on."""
        pending = self.pending_changes()
        if pending:
            names = ", ".join(_LABELS.get(n, n) for n in pending)
            answer = self.ask(self, "Unsaved changes",
                              f"{self._incident.key} has unsaved changes ({names}). Save them before moving on?",
                              ("save", "discard", "cancel"))
            if answer == "save":
                if not self.save():
                    return False
            elif answer == "discard":
                self.revert()
            else:
                return False
        if self._incident is not None and self.timeline_view.draft_note().strip():
            # Comment or work note is the writer's choice, so this one is not saved for them.
            answer = self.ask(self, "Note not added",
                              f"The note you wrote on {self._incident.key} is not on its timeline yet. "
                              f"Discard it?", ("discard", "cancel"))
            if answer != "discard":
                self.tabs.setCurrentWidget(self.timeline_view)
                self.timeline_view.note_edit.setFocus()
                return False
            self.timeline_view.clear_composer()
        return True

    def save(self) -> bool:
        """Save the pending edits; on any failure keep them, say why, and return False."""
        if self._incident is None:
            return False
        pending = self.pending_changes()
        if not pending:
            return True
        clear_errors(self.fields.values())
        changes = {name: (value or None) if name in ("priority", "assignee", "team", "subcategory") else value
                   for name, value in pending.items()}
        key = self._incident.key
        before = self._incident
        try:
            self._writing = True
            incident = self.desk.incidents.edit_incident(actor=self.desk.actor, key=key,
                                                         expected_version=before.version, changes=changes)
        except ValidationError as exc:
            show_field_error(self.fields, exc.field, str(exc), lambda m: self.banner.show_message(m, "error"))
            return False
        except ConflictError as exc:
            self._handle_conflict(exc)
            return False
        except (DomainError, StorageError) as exc:
            self.banner.show_message(f"Not saved: {exc} Your edits are kept.", "error")
            return False
        finally:
            self._writing = False
        self.banner.clear()
        self._load(incident)
        self.sig_incident_saved.emit(key)
        self.sig_incident_changed.emit(key)
        return True

    def revert(self) -> None:
        """Drop unsaved edits and show the stored incident again."""
        if self._incident is None:
            return
        try:
            incident = self.desk.incidents.get_incident(self._incident.key)
        except (DomainError, StorageError) as exc:
            self.banner.show_message(str(exc), "error")
            return
        self.banner.clear()
        self._load(incident)

    def acknowledge(self) -> bool:
        return self.transition_to(Status.ACKNOWLEDGED)

    def resolve(self) -> bool:
        return self.transition_to(Status.RESOLVED)

    def set_watching(self, watching: bool) -> bool:
        """Watch (or stop watching) the incident: its changes and comments reach my inbox."""
        if self._incident is None:
            return False
        try:
            self.desk.incidents.watch(actor=self.desk.actor, key=self._incident.key, watching=watching)
        except (DomainError, StorageError) as exc:
            self.banner.show_message(str(exc))
            self._update_watch_button()
            return False
        self._update_watch_button()
        return True

    def is_watching(self) -> bool:
        return self._incident is not None and \
            self.desk.actor.username in self.desk.incidents.watchers(self._incident.key)

    def _update_watch_button(self) -> None:
        watching = self.is_watching()
        self.watch_button.setChecked(watching)
        self.watch_button.setText("Watching" if watching else "Watch")

    @Slot(bool)
    def _on_watch_clicked(self, checked: bool) -> None:
        self.set_watching(checked)

    def assign_to_me(self) -> bool:
        if self._incident is None:
            return False
        me = self.desk.actor.username
        version = self._incident.version
        return self._perform(lambda: self.desk.incidents.assign(actor=self.desk.actor, key=self._incident.key,
                                                                assignee=me, expected_version=version),
                             bumps=1, drop=("assignee", "team"))

    def transition_to(self, target: Status, *, duplicate_of: str | None = None) -> bool:
        """Move the incident to ``target``, asking for what that move needs (code, reason, hold reason)."""
        if self._incident is None:
            return False
        key, version = self._incident.key, self._incident.version
        if target not in allowed_transitions(self._incident.status, as_duplicate=bool(duplicate_of)):
            self.banner.show_message(f"{key} cannot move from {self._incident.status.label} to {target.label}.")
            return False
        kwargs: dict = {}
        if target == Status.RESOLVED and duplicate_of:
            kwargs["duplicate_of"] = duplicate_of
        elif target == Status.RESOLVED:
            dialog = ResolveDialog(key, self)
            if not self.run_dialog(dialog):
                return False
            kwargs.update(resolution_code=dialog.code(), resolution_notes=dialog.notes())
        elif target == Status.CANCELLED:
            dialog = CancelDialog(key, self)
            if not self.run_dialog(dialog):
                return False
            kwargs["cancel_reason"] = dialog.reason()
        elif target == Status.ON_HOLD:
            dialog = HoldDialog(key, self)
            if not self.run_dialog(dialog):
                return False
            kwargs.update(hold_reason=dialog.reason(), note=dialog.note())
        return self._perform(lambda: self.desk.incidents.transition(
            actor=self.desk.actor, key=key, to=target, expected_version=version, **kwargs), bumps=1)

    def resolve_as_duplicate(self) -> bool:
        if self._incident is None:
            return False
        picker = IncidentPicker(self.desk, title=f"{self._incident.key} is a duplicate of…",
                                prompt="Find the original incident. This one is resolved with code 'duplicate' "
                                       "and linked to it.", exclude_key=self._incident.key, parent=self)
        chosen = self.run_dialog(picker) and picker.selected_key()
        picker.deleteLater()
        return bool(chosen) and self.transition_to(Status.RESOLVED, duplicate_of=chosen)

    def add_note(self, text: str, work_note: bool = False) -> bool:
        if self._incident is None:
            return False
        key = self._incident.key
        ok = self._perform(lambda: self.desk.incidents.comment(actor=self.desk.actor, key=key, text=text,
                                                               work_note=work_note),
                           bumps=1, error_sink=self.timeline_view.show_error)
        if ok:
            self.timeline_view.clear_composer()
            self.tabs.setCurrentWidget(self.timeline_view)
        return ok

    def status_summary(self, message: str = "") -> str:
        if self._incident is None:
            return ""
        return reporter_update.status_summary(self._incident, message, agent=self.desk.actor.display_name)

    def copy_status_summary(self, message: str = "") -> str:
        text = self.status_summary(message)
        if text:
            QGuiApplication.clipboard().setText(text)
            self.banner.show_message("The status summary is on the clipboard.", "info")
        return text

    def send_reporter_update(self, message: str = "") -> bool:
        """Open the user's mail client with the summary, then note on the timeline that it was sent."""
        if self._incident is None:
            return False
        incident = self._incident
        url = QUrl(reporter_update.mailto_url(incident, message, agent=self.desk.actor.display_name),
                   QUrl.ParsingMode.StrictMode)
        if not url.isValid() or not QDesktopServices.openUrl(url):
            self.banner.show_message("No mail client could be opened; use “Copy status summary” and paste it "
                                     "into your mail instead.", "error")
            return False
        summary = self.status_summary(message)
        return self._perform(lambda: self.desk.incidents.record_reporter_update(
            actor=self.desk.actor, key=incident.key, message=summary), bumps=1)

    def refresh_from_store(self) -> None:
        """Another desk changed the database: follow it, unless that would hide the user's edits."""
        if self._incident is None or self._writing:
            return
        try:
            incident = self.desk.incidents.get_incident(self._incident.key)
        except (DomainError, StorageError) as exc:
            self.banner.show_message(str(exc), "error")
            return
        if incident.version == self._incident.version:
            self._update_sla()
            return
        if not self.has_unsaved_changes():
            self._load(incident)
            return
        self._show_remote_change(incident)

    # ---- loading and reading the form -----------------------------------------------------------------

    def _loaded(self, name: str) -> str:
        inc = self._incident
        if name == "channel":
            return inc.channel.value
        if name in ("impact", "urgency"):
            return getattr(inc, name).name.lower()
        if name == "priority":
            return inc.priority.label if inc.priority_overridden else ""
        return _text(getattr(inc, name))

    def _read(self, name: str) -> str:
        editor = self.fields[name].editor
        if isinstance(editor, QLineEdit):
            return editor.text()
        if isinstance(editor, QPlainTextEdit):
            return editor.toPlainText()
        if editor.isEditable():
            return editor.currentText().strip()
        data = editor.currentData()
        return editor.currentText() if data is None else _text(data)

    def _write(self, name: str, value: str) -> None:
        editor = self.fields[name].editor
        if isinstance(editor, QLineEdit):
            editor.setText(value)
            editor.setCursorPosition(0)
        elif isinstance(editor, QPlainTextEdit):
            if editor.toPlainText() != value:
                editor.setPlainText(value)
        elif editor.isEditable():
            index = editor.findText(value, Qt.MatchFlag.MatchFixedString)
            editor.setCurrentIndex(index)
            editor.setEditText(value)
        else:
            index = editor.findData(value)
            if index < 0:
                index = editor.findText(value)
            if index < 0 and value:
                editor.addItem(value, value)
                index = editor.count() - 1
            editor.setCurrentIndex(max(index, 0))

    def _load(self, incident: Incident, pending: dict | None = None) -> None:
        """Show ``incident``; ``pending`` edits (field -> value) are put back on top and stay unsaved."""
        self._loading = True
        try:
            self._incident = incident
            self._pending_remote = None
            self._fill_subcategories(incident.category)
            for name in FIELDS:
                self._write(name, self._loaded(name))
            for name, value in (pending or {}).items():
                if name == "category":
                    self._fill_subcategories(value)
                self._write(name, value)
            clear_errors(self.fields.values())
            self._update_header()
            self._update_workflow()
            self._update_permissions()
            self._update_priority_hint()
            self._update_sla()
            self._refresh_side_tabs()
        finally:
            self._loading = False
        self._update_dirty()
        self._validate_live()

    def _refresh_side_tabs(self) -> None:
        key = self._incident.key
        try:
            events = self.desk.incidents.timeline(key)
        except (DomainError, StorageError) as exc:
            self.timeline_view.show_error(str(exc))
            events = []
        self.timeline_view.set_events(events)
        self._last_event_id = max((e.id for e in events), default=0)
        if self.links_panel.key != key:
            self.links_panel.set_incident(key)
        else:
            self.links_panel.refresh()

    def _show_empty(self) -> None:
        self.key_label.setText("No incident selected")
        self.title_label.setText("Choose an incident in the list, or log a new one.")
        for widget in (self.priority_badge, self.status_badge, self.dirty_label, self.save_button,
                       self.revert_button, self.tabs, self.duplicate_button, self.assign_me_button,
                       self.reporter_button, self.copy_summary_button, self.watch_button):
            widget.hide()

    def _update_header(self) -> None:
        inc = self._incident
        for widget in (self.priority_badge, self.status_badge, self.save_button, self.revert_button, self.tabs,
                       self.reporter_button, self.copy_summary_button, self.watch_button):
            widget.show()
        self._update_watch_button()
        self.key_label.setText(inc.key)
        self.title_label.setText(inc.title)
        self.priority_badge.show_priority(inc.priority)
        detail = inc.hold_reason.value if inc.hold_reason and inc.status == Status.ON_HOLD else None
        self.status_badge.show_status(inc.status, detail)
        who = inc.assignee or "Unassigned"
        self.assignee_label.setText(f"{who}" + (f" · {inc.team}" if inc.team else ""))
        show_resolution = inc.status in (Status.RESOLVED, Status.CLOSED, Status.CANCELLED)
        self.resolution_box.setVisible(show_resolution)
        self.cancel_reason_label.setText(inc.cancel_reason or "—")

    def _update_workflow(self) -> None:
        while self.transition_row.count():
            item = self.transition_row.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.transition_buttons = {}
        inc, actor = self._incident, self.desk.actor
        if actor.can("incident.transition"):
            for target in allowed_transitions(inc.status):
                if (target == Status.CLOSED and not actor.can("incident.close")) or \
                        (target == Status.CANCELLED and not actor.can("incident.cancel")):
                    continue
                text = _IN_PROGRESS_TEXT.get(inc.status, "Start work") if target == Status.IN_PROGRESS \
                    else _ACTION_TEXT[target]
                button = QPushButton(text, self)
                button.setProperty("target_status", target.slug)
                button.clicked.connect(self._on_transition_clicked)
                self.transition_row.addWidget(button)
                button.show()
                self.transition_buttons[target] = button
        self.duplicate_button.setVisible(inc.status.is_open and actor.can("incident.transition"))
        self.assign_me_button.setVisible(inc.status.is_open and inc.assignee != actor.username
                                         and actor.can("incident.assign"))

    def is_read_only(self) -> bool:
        return self._incident is not None and self._incident.status in TERMINAL_STATUSES and \
            not self.desk.actor.can("incident.edit_closed")

    def _update_permissions(self) -> None:
        actor = self.desk.actor
        read_only = self.is_read_only() or not actor.can("incident.edit")
        for name, field in self.fields.items():
            enabled = not read_only
            if name in ("priority", "override_reason"):
                enabled = enabled and actor.can("incident.override_priority")
            if name in ("assignee", "team"):
                enabled = enabled and actor.can("incident.assign")
            field.editor.setEnabled(enabled)
        if not actor.can("incident.override_priority"):
            self.fields["priority"].set_hint(self.fields["priority"].hint_label.text())
        self.timeline_view.set_read_only(not actor.can("incident.comment"))
        self.links_panel.set_read_only(read_only or not actor.can("incident.link"))
        if self.is_read_only():
            self.banner.show_message(f"{self._incident.key} is {self._incident.status.label.lower()}; only an "
                                     "admin may change its fields. Comments can still be added.", "info")

    def _update_priority_hint(self) -> None:
        matrix = self.desk.settings.priority_matrix()
        impact = Level.parse(self._read("impact"))
        urgency = Level.parse(self._read("urgency"))
        derived = matrix.priority(impact, urgency)
        self.priority_combo.setItemText(0, f"From the matrix: {derived.label}")
        override = self._read("priority")
        explain = f"{derived.label} — Impact {impact.label} x Urgency {urgency.label}"
        if override and override != derived.label:
            text = f"Overridden to {override}; the matrix gives {explain}."
        else:
            text = f"{explain} (from the matrix)."
        if not self.desk.actor.can("incident.override_priority"):
            text += " Only a lead may override."
        self.fields["priority"].set_hint(text)
        form = self.fields["override_reason"].parentWidget().layout()
        if isinstance(form, QFormLayout):
            form.setRowVisible(self.fields["override_reason"], bool(override))

    def _update_sla(self) -> None:
        if self._incident is None:
            return
        try:
            clocks = sla_clocks(self.desk, self._incident.key)
        except (DomainError, StorageError) as exc:
            for badge, text in self.sla_widgets.values():
                badge.show_sla("none", "?")
                text.setText(str(exc))
            return
        for name, clock in (("response", clocks.response), ("resolution", clocks.resolution)):
            badge, text = self.sla_widgets[name]
            badge.show_sla(clock.state, state_label(clock.state))
            line = clock_text(clock)
            if clock.due_at is not None and clock.state in ("ok", "warning"):
                line += f" — due {clock.due_at.astimezone().strftime('%a %d %b %H:%M')}"
            text.setText(line)

    def _update_dirty(self) -> None:
        pending = self.pending_changes()
        dirty = bool(pending)
        self.dirty_label.setVisible(dirty)
        if dirty:
            self.dirty_label.setToolTip("Edited: " + ", ".join(_LABELS.get(n, n) for n in pending))
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
        self._on_draft_changed()

    # ---- unsaved edits on disk ---------------------------------------------------------------------------

    @Slot()
    def _on_draft_changed(self) -> None:
        if self.settings is None or self._incident is None or self._loading:
            return
        if self.pending_changes() or self.timeline_view.draft_note().strip():
            self._draft_timer.start()  # one write after the typing pauses
        else:
            # Clean now (saved, reverted, note added): forget at once, before another incident loads.
            self._draft_timer.stop()
            self._forget_draft(self._incident.key)

    @Slot()
    def _write_draft(self) -> None:
        if self.settings is None or self._incident is None:
            return
        pending, note = self.pending_changes(), self.timeline_view.draft_note()
        if not pending and not note.strip():
            self._forget_draft(self._incident.key)
            return
        drafts.keep(self.settings, f"{EDITOR_DRAFTS_GROUP}/{self._incident.key}",
                    {"version": self._incident.version, "pending": pending, "note": note}, now=self.desk.clock())

    def _forget_draft(self, key: str) -> None:
        if self.settings is not None:
            drafts.forget(self.settings, f"{EDITOR_DRAFTS_GROUP}/{key}")

    def _stored_draft(self, key: str) -> dict | None:
        """Unsaved edits of ``key`` left by a desk that closed without saving them, or None."""
        if self.settings is None:
            return None
        name = f"{EDITOR_DRAFTS_GROUP}/{key}"
        data = drafts.kept(self.settings, name)
        if data is None:
            return None
        try:
            pending = {k: str(v) for k, v in dict(data.get("pending") or {}).items() if k in FIELDS}
        except (TypeError, ValueError):
            drafts.forget(self.settings, name)  # unreadable: nothing to give back
            return None
        when = data["saved_at"].astimezone().strftime("%Y-%m-%d %H:%M")
        version = data.get("version")
        return {"pending": pending, "note": data.get("note") or "", "when": when,
                "version": version if isinstance(version, int) else None}

    def _fill_subcategories(self, category: str) -> None:
        tree = self.desk.settings.categories()
        match = match_item(tree, category)
        current = self.subcategory_combo.currentText()
        blocked = self.subcategory_combo.blockSignals(True)
        self.subcategory_combo.clear()
        self.subcategory_combo.addItem("", "")
        for sub in tree.get(match, []) if match else []:
            self.subcategory_combo.addItem(sub, sub)
        self.subcategory_combo.setCurrentIndex(max(0, self.subcategory_combo.findText(current)))
        self.subcategory_combo.blockSignals(blocked)

    def _validate_live(self) -> None:
        """Catch the obvious mistakes while typing; the service still has the last word on save."""
        if self._incident is None:
            return
        checks = {
            "title": lambda: clean_title(self._read("title")),
            "description": lambda: clean_text(self._read("description"), what="description"),
            "reporter_name": lambda: clean_text(self._read("reporter_name"), what="reporter name", limit=200),
            "reporter_contact": lambda: clean_text(self._read("reporter_contact"), what="reporter contact",
                                                   limit=254),
            "service": lambda: clean_text(self._read("service"), what="service", limit=200),
        }
        pending = self.pending_changes()
        for name, check in checks.items():
            if name not in pending:
                self.fields[name].set_error(None)
                continue
            try:
                check()
                self.fields[name].set_error(None)
            except DomainError as exc:
                self.fields[name].set_error(str(exc))
        needs_reason = bool(pending.get("priority")) and not self._read("override_reason").strip()
        self.fields["override_reason"].set_error("Give a reason for overriding the priority." if needs_reason
                                                 else None)

    # ---- writes and their outcomes -------------------------------------------------------------------------

    def _perform(self, call: Callable[[], object], *, bumps: int, drop: tuple[str, ...] = (),
                 error_sink: Callable[[str], None] | None = None) -> bool:
        """Run one write; then follow the store while keeping the user's unsaved edits on top."""
        before = self._incident
        pending = {k: v for k, v in self.pending_changes().items() if k not in drop}
        sink = error_sink or (lambda message: self.banner.show_message(message, "error"))
        try:
            self._writing = True
            call()
        except ConflictError as exc:
            self._handle_conflict(exc)
            return False
        except ValidationError as exc:
            sink(str(exc))
            return False
        except (DomainError, StorageError) as exc:
            sink(str(exc))
            return False
        finally:
            self._writing = False
        self.banner.clear()
        try:
            incident = self.desk.incidents.get_incident(before.key)
        except (DomainError, StorageError) as exc:
            self.banner.show_message(str(exc), "error")
            return True
        if incident.version == before.version + bumps or not pending:
            self._load(incident, pending)
        else:
            # Someone else wrote too: rebasing silently could overwrite their change with ours.
            self._refresh_side_tabs()
            self._show_remote_change(incident)
        self.sig_incident_changed.emit(before.key)
        return True

    def _handle_conflict(self, exc: ConflictError) -> None:
        pending = self.pending_changes()
        dialog = ConflictDialog(str(exc), list(exc.changes), pending, self)
        self.run_dialog(dialog)
        choice = dialog.choice
        dialog.deleteLater()
        try:
            incident = self.desk.incidents.get_incident(self._incident.key)
        except (DomainError, StorageError) as err:
            self.banner.show_message(str(err), "error")
            return
        if choice == ConflictDialog.DISCARD:
            self._load(incident)
            self.banner.clear()
            return
        self._load(incident, pending)
        if pending:
            self.banner.show_message(f"Your edits ({', '.join(_LABELS.get(n, n) for n in pending)}) are re-applied "
                                     f"on version {incident.version}; check them and save again.", "warning")
        else:
            self.banner.show_message("The incident was reloaded with the other changes; try again.", "warning")

    def _show_remote_change(self, incident: Incident) -> None:
        self._pending_remote = incident
        newer: list[TimelineEvent] = []
        try:
            newer = [e for e in self.desk.incidents.timeline(incident.key) if e.id > self._last_event_id]
        except (DomainError, StorageError):
            pass
        who = sorted({e.actor or "system" for e in newer}) or ["someone"]
        what = "; ".join(describe_event(e)[0] for e in reversed(newer[:5]))
        reload_button = QPushButton("Reload")
        reload_button.setToolTip("Load their version and put your unsaved edits back on top")
        keep_button = QPushButton("Keep editing")
        reload_button.clicked.connect(self._on_reload_remote_clicked)
        keep_button.clicked.connect(self._on_keep_editing_clicked)
        self.banner.show_message(f"Changed by someone else ({', '.join(who)}) — " + (what or "see the timeline")
                                 + ". Reload, or keep editing and resolve it when you save.", "warning",
                                 (reload_button, keep_button))
        self.reload_remote_button, self.keep_editing_button = reload_button, keep_button

    # ---- slots -----------------------------------------------------------------------------------------------

    @Slot()
    def _on_field_edited(self, *_args) -> None:
        if self._loading or self._incident is None:
            return
        self._update_priority_hint()
        self._update_dirty()
        self._validate_live()

    @Slot(str)
    def _on_category_text_changed(self, text: str) -> None:
        if self._loading:
            return
        if match_item(self.desk.settings.categories(), text):
            self._fill_subcategories(text)
            self._update_dirty()

    @Slot()
    def _on_category_committed(self) -> None:
        if self._loading or self._incident is None:
            return
        text = self._read("category")
        tree = self.desk.settings.categories()
        match = complete_item(tree, text)
        if match and match != text:
            self._write("category", match)
            self.category_combo.completer().popup().hide()
        self.fields["category"].set_error(None if match or not text else
                                          f"Unknown category '{text[:60]}'; pick one from the list.")
        self._update_dirty()

    @Slot()
    def _on_save_clicked(self) -> None:
        self.save()

    @Slot()
    def _on_revert_clicked(self) -> None:
        self.revert()

    @Slot()
    def _on_transition_clicked(self) -> None:
        target = Status.parse(self.sender().property("target_status"))
        self.transition_to(target)

    @Slot()
    def _on_duplicate_clicked(self) -> None:
        self.resolve_as_duplicate()

    @Slot()
    def _on_assign_me_clicked(self) -> None:
        self.assign_to_me()

    @Slot()
    def _on_reporter_clicked(self) -> None:
        if self._incident is None:
            return
        dialog = ReporterUpdateDialog(self._incident.key, self.status_summary, self)
        dialog.sig_send_requested.connect(self._on_send_requested)
        dialog.sig_copy_requested.connect(self._on_copy_requested)
        self.reporter_dialog = dialog
        self.run_dialog(dialog)

    @Slot(str)
    def _on_send_requested(self, message: str) -> None:
        if self.send_reporter_update(message) and self.sender() is not None:
            self.sender().accept()

    @Slot(str)
    def _on_copy_requested(self, message: str) -> None:
        self.copy_status_summary(message)

    @Slot()
    def _on_copy_summary_clicked(self) -> None:
        self.copy_status_summary()

    @Slot(str, bool)
    def _on_note_submitted(self, text: str, work_note: bool) -> None:
        self.add_note(text, work_note)

    @Slot(str)
    def _on_links_changed(self, key: str) -> None:
        before = self._incident
        if before is None:
            return
        pending = self.pending_changes()
        incident = self.desk.incidents.get_incident(key)
        if incident.version == before.version + 1 or not pending:
            self._load(incident, pending)
        else:
            self._show_remote_change(incident)
        self.sig_incident_changed.emit(key)

    @Slot()
    def _on_reload_remote_clicked(self) -> None:
        pending = self.pending_changes()
        try:
            incident = self.desk.incidents.get_incident(self._incident.key)
        except (DomainError, StorageError) as exc:
            self.banner.show_message(str(exc), "error")
            return
        self.banner.clear()
        self._load(incident, pending)

    @Slot()
    def _on_keep_editing_clicked(self) -> None:
        self.banner.clear()


class DetailWindow(QMainWindow):
    """The detail editor in its own window; closing it asks about unsaved edits."""

    def __init__(self, desk, key: str, parent: QWidget | None = None, *, settings: QSettings | None = None):
        super().__init__(parent)
        self.editor = IncidentDetailEditor(desk, self, settings=settings)
        self.setCentralWidget(self.editor)
        self.resize(1100, 760)
        self.editor.sig_close_requested.connect(self.close)
        self.editor.sig_incident_saved.connect(self._on_incident_saved)
        self.editor.load_incident(key)
        self._update_title()

    def _update_title(self) -> None:
        inc = self.editor.current_incident()
        self.setWindowTitle(f"{inc.key} — {inc.title}" if inc else "Incident")

    @Slot(str)
    def _on_incident_saved(self, _key: str) -> None:
        self._update_title()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.editor.confirm_discard():
            event.accept()
        else:
            event.ignore()
