"""The incident detail editor: loads, saves and moves one incident; nothing typed is lost on the way."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QT_TRANSLATE_NOOP, QSettings, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from incident_desk.config import EDITOR_DRAFTS_GROUP
from incident_desk.domain.incident import (
    TERMINAL_STATUSES,
    DomainError,
    Incident,
    Level,
    Status,
    TimelineEvent,
    allowed_transitions,
    clean_text,
    clean_title,
)
from incident_desk.services import reporter_update
from incident_desk.services.errors import ConflictError, StorageError, ValidationError
from incident_desk.services.sla_view import sla_clocks
from incident_desk.ui.detail.form import FIELDS, LABELS, NONE_WHEN_EMPTY, DetailsForm, stored_value
from incident_desk.ui.detail.header import EditorHeader
from incident_desk.ui.detail.links_panel import LinksPanel
from incident_desk.ui.detail.postmortem_tab import PostmortemTab
from incident_desk.ui.detail.resolution_tab import ResolutionTab
from incident_desk.ui.detail.timeline_view import TimelineView
from incident_desk.ui.detail.workflow_bar import WorkflowBar
from incident_desk.ui.dialogs.incident_picker import IncidentPicker
from incident_desk.ui.dialogs.prompts import Ask, ask_with_message_box, run_modal
from incident_desk.ui.dialogs.public_update_dialog import PublicUpdateDialog
from incident_desk.ui.dialogs.workflow import (
    CancelDialog,
    ConflictDialog,
    HoldDialog,
    ReporterUpdateDialog,
    ResolveDialog,
)
from incident_desk.ui.drafts import DRAFT_DELAY_MS, IncidentDrafts
from incident_desk.ui.i18n import translate
from incident_desk.ui.models.timeline_model import describe_event
from incident_desk.ui.ops import ops_for
from incident_desk.ui.people import FormChoices
from incident_desk.ui.widgets.form_fields import (
    Banner,
    CommitOnTab,
    FormField,
    complete_item,
    match_item,
    show_field_error,
)

log = logging.getLogger(__name__)

_READ_ERRORS = (DomainError, StorageError)
SAVING_TEXT = QT_TRANSLATE_NOOP("Editor", "Saving…")


class IncidentDetailEditor(QWidget):
    """Edits one incident at a time; nothing typed is lost to a conflict, an error or a switch.

    Every write runs on the desk's writer thread (ui/ops.py) while the window goes on painting and
    taking keystrokes; what is typed meanwhile stays in the form as unsaved edits on top of the result."""

    sig_incident_saved = Signal(str)
    """The field edits of this incident (key) were saved."""
    sig_incident_changed = Signal(str)
    """Any write made from the editor (save, transition, comment, link, reporter update) committed."""
    sig_close_requested = Signal()
    """The user pressed Esc: the host may close or hide the editor."""
    sig_open_incident = Signal(str)
    """The user wants to open another incident (a linked one) by key."""

    def __init__(self, desk, parent: QWidget | None = None, *, settings: QSettings | None = None,
                 choices: FormChoices | None = None):
        super().__init__(parent)
        self.desk = desk
        # The window's snapshot when it has one: building the editor then reads nothing.
        self._choices = choices
        self.ops = ops_for(desk)
        # Where unsaved edits are kept as they are typed (crash safety); None keeps them in memory only.
        self.settings = settings
        self.drafts = IncidentDrafts(settings, EDITOR_DRAFTS_GROUP)
        # Prompts and dialogs go through these two so tests answer them with real widgets, no modal loop.
        self.ask: Ask = ask_with_message_box
        self.run_dialog: Callable[[QDialog], bool] = run_modal
        self._incident: Incident | None = None
        self._loading = False
        self._busy = ""  # what the write in progress is doing; '' when none runs
        self._last_event_id = 0
        self._pending_remote: Incident | None = None
        self._build()
        self._connect_signals()
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self._write_draft)
        self._show_empty()
        if self._unread_choices is not None:
            self.banner.show_message(translate("Editor", "The lists of people, categories and teams could not be "
                                               "read: {reason}").format(reason=self._unread_choices), "error")

    # ---- construction -------------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.setSpacing(6)
        self.header = EditorHeader(self)
        outer.addWidget(self.header)
        self.banner = Banner(self)
        outer.addWidget(self.banner)
        self.workflow = WorkflowBar(self)
        outer.addWidget(self.workflow)
        self.tabs = QTabWidget(self)
        choices, unread = self._choices, None
        if choices is None:
            try:
                choices = self.ops.run_read(lambda: FormChoices.read(self.desk))
            except _READ_ERRORS as exc:  # a team server away: the editor opens all the same, and says so
                choices, unread = FormChoices.empty(), exc
        self._unread_choices = unread
        self.people = choices.people
        self.form = DetailsForm(categories=choices.categories, people=self.people, teams=choices.teams,
                                services=choices.services, parent=self)
        self.tabs.addTab(self.form, translate("Editor", "&Details"))
        self.timeline_view = TimelineView(self)
        self.timeline_view.model.name = self.people.name
        self.tabs.addTab(self.timeline_view, translate("Editor", "Ti&meline"))
        self.links_panel = LinksPanel(self.desk, self)
        self.tabs.addTab(self.links_panel, translate("Editor", "Links"))
        self.resolution_tab = ResolutionTab(self.desk, self)
        self.tabs.addTab(self.resolution_tab, translate("Editor", "&Resolution"))
        self.postmortem_tab = PostmortemTab(self.desk, self)
        self.tabs.addTab(self.postmortem_tab, translate("Editor", "Postmortem"))
        outer.addWidget(self.tabs, 1)
        # The parts' widgets under the names the rest of the window (and its tests) use.
        self.fields: dict[str, FormField] = self.form.fields
        for name in ("key_label", "title_label", "priority_badge", "status_badge", "assignee_label", "dirty_label",
                     "save_button", "revert_button"):
            setattr(self, name, getattr(self.header, name))
        for name in ("duplicate_button", "watch_button", "assign_me_button", "reporter_button",
                     "copy_summary_button"):
            setattr(self, name, getattr(self.workflow, name))
        for name in ("title_edit", "description_edit", "category_combo", "subcategory_combo", "service_edit",
                     "reporter_name_edit", "reporter_contact_edit", "channel_combo", "impact_combo",
                     "urgency_combo", "priority_combo", "override_edit", "assignee_combo", "team_combo",
                     "resolution_box", "resolution_code_combo", "resolution_notes_edit", "cancel_reason_label"):
            setattr(self, name, getattr(self.form, name))
        self.sla_widgets = self.form.sla_panel.widgets
        self.pause_policy_label = self.form.sla_panel.pause_policy_label

    @property
    def transition_buttons(self) -> dict:
        return self.workflow.transition_buttons

    def _connect_signals(self) -> None:
        for field in self.fields.values():
            editor = field.editor
            if isinstance(editor, QLineEdit):
                editor.textEdited.connect(self._on_field_edited)
            elif isinstance(editor, QPlainTextEdit):
                editor.textChanged.connect(self._on_field_edited)
            elif isinstance(editor, QComboBox):
                editor.currentIndexChanged.connect(self._on_field_edited)
                if editor.isEditable():
                    editor.editTextChanged.connect(self._on_field_edited)
        category = self.form.category_combo
        category.lineEdit().editingFinished.connect(self._on_category_committed)
        self._category_tab = CommitOnTab(self._on_category_committed, self)
        for watched in (category.lineEdit(), category.completer().popup(), category):
            watched.installEventFilter(self._category_tab)
        category.currentTextChanged.connect(self._on_category_text_changed)
        self.header.save_button.clicked.connect(self._on_save_clicked)
        self.header.revert_button.clicked.connect(self._on_revert_clicked)
        self.workflow.sig_transition_requested.connect(self._on_transition_requested)
        self.workflow.duplicate_button.clicked.connect(self._on_duplicate_clicked)
        self.workflow.assign_me_button.clicked.connect(self._on_assign_me_clicked)
        self.workflow.reporter_button.clicked.connect(self._on_reporter_clicked)
        self.workflow.copy_summary_button.clicked.connect(self._on_copy_summary_clicked)
        self.workflow.public_update_button.clicked.connect(self._on_public_update_clicked)
        self.workflow.watch_button.clicked.connect(self._on_watch_clicked)
        self.timeline_view.sig_note_submitted.connect(self._on_note_submitted)
        self.timeline_view.note_edit.textChanged.connect(self._on_draft_changed)
        self.links_panel.sig_links_changed.connect(self._on_links_changed)
        self.links_panel.sig_open_incident.connect(self.sig_open_incident)
        self.resolution_tab.sig_incident_changed.connect(self._on_links_changed)
        self.resolution_tab.sig_open_incident.connect(self.sig_open_incident)
        self.resolution_tab.sig_postmortem_requested.connect(self._on_postmortem_requested)
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

    def is_busy(self) -> bool:
        """A write of this editor is running (the window paints on; nothing else is started)."""
        return bool(self._busy)

    def focus_form(self) -> None:
        """Put the keyboard in the first field that can be edited (never on a workflow button)."""
        for name in FIELDS:
            editor = self.fields[name].editor
            if editor.isEnabled() and editor.isVisibleTo(self):
                self.tabs.setCurrentWidget(self.form)
                editor.setFocus(Qt.FocusReason.ShortcutFocusReason)
                return
        self.tabs.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def load_incident(self, key: str) -> bool:
        """Show incident ``key``; False if the user chose to keep unsaved edits of the current one, or a
        write of the current one is still running."""
        if self._incident is not None and key == self._incident.key and self.has_unsaved_changes():
            return True
        if self._busy or not self.confirm_discard():
            return False
        try:
            incident = self.ops.run_read(lambda: self.desk.incidents.get_incident(key))
        except _READ_ERRORS as exc:
            self.banner.show_message(str(exc), "error")
            return False
        self.banner.clear()
        draft = self.drafts.kept(key, FIELDS)  # read before loading: a clean load forgets it
        self.timeline_view.clear_composer()
        stale = bool(draft) and draft["version"] not in (None, incident.version)
        # Edited on an older version: keep editing that version, so saving meets the usual conflict
        # (who changed what, reapply) instead of quietly overwriting what was saved since.
        base = replace(incident, version=draft["version"]) if stale else incident
        self._load(base, pending=draft.get("pending") if draft else None)
        if draft:
            self.timeline_view.note_edit.setPlainText(str(draft.get("note") or ""))
            restored = (translate("Editor",
                                  "Restored your unsaved changes to {key} from {draft}: the desk closed before they "
                                  "were saved.").format(key=key, draft=draft['when']))
            if stale:
                self.banner.show_message(translate("Editor",
                                                   "{restored} {key} has been changed since; saving shows what "
                                                   "changed first.").format(restored=restored, key=key),
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
        return self._edits_against(self._incident)

    def _edits_against(self, incident: Incident) -> dict:
        read = self.form.read
        pending = {name: read(name) for name in FIELDS if read(name) != stored_value(incident, name)}
        if pending.get("priority"):
            pending["override_reason"] = read("override_reason")
        elif "priority" in pending:
            pending.pop("override_reason", None)
        return pending

    def confirm_discard(self) -> bool:
        """Ask Save / Discard / Cancel when there are unsaved edits, then about a note typed and not
        added yet; True when it is fine to move on."""
        if self._busy:
            return False  # the write in progress decides; moving on now could lose what it brings back
        pending = self.pending_changes()
        if pending:
            names = ", ".join(translate("Form", LABELS.get(n, n)) for n in pending)
            answer = self.ask(self, translate("Editor", "Unsaved changes"),
                              translate("Editor",
                                        "{key} has unsaved changes ({names}). Save them before moving on?").format(
                                      key=self._incident.key, names=names),
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
            answer = self.ask(self, translate("Editor", "Note not added"),
                              translate("Editor",
                                        "The note you wrote on {key} is not on its timeline yet. Discard it?").format(
                                      key=self._incident.key), ("discard", "cancel"))
            if answer != "discard":
                self.tabs.setCurrentWidget(self.timeline_view)
                self.timeline_view.note_edit.setFocus()
                return False
            self.timeline_view.clear_composer()
        return True

    def save(self) -> bool:
        """Save the pending edits; on any failure keep them, say why, and return False. The write runs on
        the writer thread; this returns when it has committed or failed, the window painting meanwhile."""
        if self._incident is None or self._busy:
            return False
        pending = self.pending_changes()
        if not pending:
            return True
        for field in self.fields.values():
            field.set_error(None)
        changes = {name: (value or None) if name in NONE_WHEN_EMPTY else value for name, value in pending.items()}
        before = self._incident
        key = before.key
        try:
            incident = self._run_write(lambda: self.desk.incidents.edit_incident(
                actor=self.desk.actor, key=key, expected_version=before.version, changes=changes))
        except ValidationError as exc:
            show_field_error(self.fields, exc.field, str(exc), lambda m: self.banner.show_message(m, "error"))
            return False
        except ConflictError as exc:
            self._handle_conflict(exc)
            return False
        except _READ_ERRORS as exc:
            self.banner.show_message(translate("Editor", "Not saved: {exc} Your edits are kept.").format(exc=exc),
                                     "error")
            return False
        self.banner.clear()
        # What was typed while the save ran is not part of it: it stays, as new unsaved edits.
        typed_meanwhile = {name: value for name, value in self.pending_changes().items() if pending.get(name) != value}
        self._load(incident, typed_meanwhile)
        self.sig_incident_saved.emit(key)
        self.sig_incident_changed.emit(key)
        return True

    def revert(self) -> None:
        """Drop unsaved edits and show the stored incident again."""
        if self._incident is None or self._busy:
            return
        try:
            incident = self.ops.run_read(lambda: self.desk.incidents.get_incident(self._incident.key))
        except _READ_ERRORS as exc:
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
        if self._incident is None or self._busy:
            return False
        key = self._incident.key
        try:
            self._run_write(lambda: self.desk.incidents.watch(actor=self.desk.actor, key=key, watching=watching))
        except _READ_ERRORS as exc:
            self.banner.show_message(str(exc))
            self._update_watch_button()
            return False
        self._update_watch_button()
        return True

    def is_watching(self) -> bool:
        if self._incident is None:
            return False
        key = self._incident.key
        return self.desk.actor.username in self.ops.run_read(lambda: self.desk.incidents.watchers(key))

    def assign_to_me(self) -> bool:
        if self._incident is None:
            return False
        key, me, version = self._incident.key, self.desk.actor.username, self._incident.version
        return self._perform(lambda: self.desk.incidents.assign(actor=self.desk.actor, key=key, assignee=me,
                                                                expected_version=version),
                             bumps=1, drop=("assignee", "team"))

    def transition_to(self, target: Status, *, duplicate_of: str | None = None) -> bool:
        """Move the incident to ``target``, asking for what that move needs (code, reason, hold reason)."""
        if self._incident is None or self._busy:
            return False
        incident = self._incident
        key, version = incident.key, incident.version
        allowed = allowed_transitions(incident.status, as_duplicate=bool(duplicate_of))
        if target not in allowed:
            moves = ", ".join(s.label for s in allowed) or translate("Editor", "none (it is final)")
            self.banner.show_message(translate("Editor",
                                               "{key} cannot move from {current} to {target}; from {current} it can "
                                               "move to: {moves}.").format(key=key, current=incident.status.label,
                                                                           target=target.label, moves=moves))
            return False
        kwargs: dict = {}
        if target == Status.RESOLVED and duplicate_of:
            kwargs["duplicate_of"] = duplicate_of
        elif target == Status.RESOLVED:
            try:
                children = self.ops.run_read(lambda: len(self.desk.incidents.open_children(key)))
            except _READ_ERRORS as exc:
                self.banner.show_message(str(exc), "error")
                return False
            if self._busy or self._incident is not incident:
                # While the children were read another incident was opened, or this one was reloaded
                # (changed elsewhere, or resolved by a second click): the move asked for is out of date.
                return False
            dialog = ResolveDialog(key, self, open_children=children)
            if not self.run_dialog(dialog):
                return False
            kwargs.update(resolution_code=dialog.code(), resolution_notes=dialog.notes(),
                          root_cause=dialog.root_cause(), with_children=dialog.with_children())
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
        if self._incident is None or self._busy:
            return False
        picker = IncidentPicker(self.desk, title=translate("Editor",
                                                           "{key} is a duplicate of…").format(key=self._incident.key),
                                prompt=translate("Editor",
                                                 "Find the original incident. This one is resolved with code "
                                                 "'duplicate' "
                                       "and linked to it."), exclude_key=self._incident.key,
                                exclude_statuses=frozenset({Status.CLOSED, Status.CANCELLED}), parent=self)
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
        return reporter_update.status_summary(self._incident, message, agent=self.desk.actor.display_name,
                                              assignee=self.people.name(self._incident.assignee, ""))

    def copy_status_summary(self, message: str = "") -> str:
        text = self.status_summary(message)
        if text:
            QGuiApplication.clipboard().setText(text)
            self.banner.show_message(translate("Editor", "The status summary is on the clipboard."), "info")
        return text

    def send_reporter_update(self, message: str = "") -> bool:
        """Open the user's mail client with the summary, then note on the timeline that it was sent."""
        if self._incident is None:
            return False
        incident = self._incident
        url = QUrl(reporter_update.mailto_url(incident, message, agent=self.desk.actor.display_name,
                                              assignee=self.people.name(incident.assignee, "")),
                   QUrl.ParsingMode.StrictMode)
        if not url.isValid() or not QDesktopServices.openUrl(url):
            self.banner.show_message(translate("Editor",
                                               "No mail client could be opened; use “Copy status summary” and paste it "
                                     "into your mail instead."), "error")
            return False
        summary = self.status_summary(message)
        return self._perform(lambda: self.desk.incidents.record_reporter_update(
            actor=self.desk.actor, key=incident.key, message=summary), bumps=1)

    def post_public_update(self, state, message: str, services: list[str], *, mail: bool = False,
                           copy: bool = False, publish: bool = False, major: bool | None = None,
                           copy_as: str = "markdown") -> bool:
        """Record the public update (a write, off the GUI thread), then hand it on: the mail client with
        everyone in BCC, the clipboard (``copy_as`` 'markdown' or 'text'), the status page folder."""
        if self._incident is None:
            return False
        key = self._incident.key
        def write() -> None:
            if major is not None:  # a lead's change of the flag first, so the update restarts the right cadence
                self.desk.communication.set_major(actor=self.desk.actor, key=key, major=major)
            self.desk.communication.announce(actor=self.desk.actor, key=key, state=state, message=message,
                                             services=services)
        was_major = self.ops.run_read(lambda: self.desk.communication.is_major(key)) if major is not None else None
        bumps = 2 if major is not None and major != was_major else 1
        if not self._perform(write, bumps=bumps):
            return False
        done = [translate("Editor", "The public update is on the timeline.")]
        try:
            if mail or copy:
                dist = self.ops.run_read(lambda: self.desk.communication.distribution(key))
                if copy and copy_as == "text":
                    QGuiApplication.clipboard().setText(dist.text)
                    done.append(translate("Editor", "It is on the clipboard as plain text."))
                elif copy:
                    QGuiApplication.clipboard().setText(dist.markdown)
                    done.append(translate("Editor", "It is on the clipboard as Markdown."))
                if mail:
                    url = QUrl(dist.mailto, QUrl.ParsingMode.StrictMode)
                    if not dist.recipients:
                        done.append(translate("Editor",
                                              "Nobody subscribes to its services and no reporter has an e-mail "
                                              "address."))
                    elif not url.isValid() or not QDesktopServices.openUrl(url):
                        done.append(translate("Editor", "No mail client could be opened; copy it as Markdown instead."))
            if publish:
                from incident_desk.ui import statuspage_actions
                folder = statuspage_actions.status_folder(self.settings)
                done.append(statuspage_actions.describe(statuspage_actions.publish(self.ops, self.desk, folder)))
        except (*_READ_ERRORS, OSError) as exc:
            self.banner.show_message(translate("Editor", "{done} But: {error}").format(done=" ".join(done), error=exc),
                                     "error")
            return True
        self.banner.show_message(" ".join(done), "info")
        return True

    def refresh_from_store(self) -> None:
        """Another desk changed the database: follow it, unless that would hide the user's edits."""
        if self._incident is None or self._busy:
            return
        key = self._incident.key
        try:
            incident = self.ops.run_read(lambda: self.desk.incidents.get_incident(key))
        except _READ_ERRORS as exc:
            self.banner.show_message(str(exc), "error")
            return
        if self._incident is None or self._incident.key != key:
            return  # another incident was opened while this was read
        if incident.version == self._incident.version:
            self._update_sla()
            return
        if not self.has_unsaved_changes():
            self._load(incident)
            return
        self._show_remote_change(incident)

    # ---- showing ------------------------------------------------------------------------------------

    def _load(self, incident: Incident, pending: dict | None = None) -> None:
        """Show ``incident``; ``pending`` edits (field -> value) are put back on top and stay unsaved."""
        self._loading = True
        try:
            self._incident = incident
            self._pending_remote = None
            self.form.show_incident(incident, pending)
            self._update_header()
            self.workflow.show_incident(incident, self.desk.actor)
            self._update_watch_button()
            self._update_permissions()
            self._update_priority_hint()
            self._update_sla()
            self._refresh_side_tabs()
            self.tabs.show()
        finally:
            self._loading = False
        self._update_dirty()
        self._validate_live()

    def _refresh_side_tabs(self) -> None:
        key = self._incident.key
        try:
            events = self.ops.run_read(lambda: self.desk.incidents.timeline(key))
        except _READ_ERRORS as exc:
            self.timeline_view.show_error(str(exc))
            events = []
        self.timeline_view.set_events(events)
        self._last_event_id = max((e.id for e in events), default=0)
        if self.links_panel.key != key:
            self.links_panel.set_incident(key)
        else:
            self.links_panel.refresh()
        self.resolution_tab.set_incident(self._incident)
        self.postmortem_tab.set_incident(self._incident)

    def _show_empty(self) -> None:
        self.header.show_empty()
        self.workflow.show_empty()
        self.tabs.hide()

    def _update_header(self) -> None:
        inc = self._incident
        self.header.show_incident(inc, assignee=self.people.name(inc.assignee,
                translate("Editor", "Unassigned")), team=inc.team)
        self.form.resolution_box.setVisible(inc.status in (Status.RESOLVED, Status.CLOSED, Status.CANCELLED))

    def _update_watch_button(self) -> None:
        try:
            self.workflow.show_watching(self.is_watching())
        except _READ_ERRORS:
            pass  # a read that failed leaves the button as it was; the next load tries again

    def is_read_only(self) -> bool:
        return self._incident is not None and self._incident.status in TERMINAL_STATUSES and \
            not self.desk.actor.can("incident.edit_closed")

    def _update_permissions(self) -> None:
        actor = self.desk.actor
        read_only = self.is_read_only() or not actor.can("incident.edit")
        self.form.set_editable(fields=not read_only, priority=actor.can("incident.override_priority"),
                               assignment=actor.can("incident.assign"))
        self.timeline_view.set_read_only(not actor.can("incident.comment"))
        self.links_panel.set_read_only(read_only or not actor.can("incident.link"))
        # A viewer edits nothing: Save and Revert are not offered at all.
        for button in (self.header.save_button, self.header.revert_button):
            button.setVisible(actor.can("incident.edit"))
        if self.is_read_only():
            self.banner.show_message(translate("Editor",
                                               "{key} is {lower}; only an admin may change its fields. Comments can "
                                               "still be added.").format(key=self._incident.key,
                    lower=self._incident.status.label.lower()), "info")

    def _update_priority_hint(self) -> None:
        read = self.form.read
        matrix = self.desk.settings.priority_matrix()
        if not read("impact") or not read("urgency"):
            self.form.priority_combo.setItemText(0, translate("Editor", "As imported"))
            self.fields["priority"].set_hint(translate("Editor",
                                                       "Impact or urgency is unknown (imported history): the priority "
                                                       "stays {label} until both are set.").format(
                    label=self._incident.priority.label))
            return
        impact, urgency = Level.parse(read("impact")), Level.parse(read("urgency"))
        derived = matrix.priority(impact, urgency)
        self.form.priority_combo.setItemText(0, translate("Editor",
                                                          "From the matrix: {label}").format(label=derived.label))
        override = read("priority")
        explain = translate("Editor", "{priority} — Impact {impact} x Urgency {urgency}").format(
            priority=derived.label, impact=impact.label, urgency=urgency.label)
        if override and override != derived.label:
            text = translate("Editor",
                             "Overridden to {override}; the matrix gives {explain}.").format(override=override,
                    explain=explain)
        else:
            text = translate("Editor", "{explain} (from the matrix).").format(explain=explain)
        if not self.desk.actor.can("incident.override_priority"):
            text += translate("Editor", " Only a lead may override.")
        self.fields["priority"].set_hint(text)
        self.form.show_override_reason(bool(override))

    def _update_sla(self) -> None:
        if self._incident is None:
            return
        key = self._incident.key
        try:
            self.form.sla_panel.show_clocks(self.ops.run_read(lambda: sla_clocks(self.desk, key)))
        except _READ_ERRORS as exc:
            self.form.sla_panel.show_error(str(exc))

    def _update_dirty(self) -> None:
        pending = self.pending_changes()
        self.header.show_dirty([translate("Form", LABELS.get(n, n)) for n in pending], busy_text=self._busy)
        self._on_draft_changed()

    def _validate_live(self) -> None:
        """Catch the obvious mistakes while typing; the service still has the last word on save."""
        if self._incident is None:
            return
        read = self.form.read
        checks = {
            "title": lambda: clean_title(read("title")),
            "description": lambda: clean_text(read("description"), what="description"),
            "reporter_name": lambda: clean_text(read("reporter_name"), what="reporter name", limit=200),
            "reporter_contact": lambda: clean_text(read("reporter_contact"), what="reporter contact", limit=254),
            "service": lambda: clean_text(read("service"), what="service", limit=200),
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
        needs_reason = bool(pending.get("priority")) and not read("override_reason").strip()
        self.fields["override_reason"].set_error(translate("Editor",
                                                           "Give a reason for overriding the priority.") if needs_reason
                                                 else None)

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
            self.drafts.forget(self._incident.key)

    @Slot()
    def _write_draft(self) -> None:
        if self._incident is None:
            return
        pending, note = self.pending_changes(), self.timeline_view.draft_note()
        if not pending and not note.strip():
            self.drafts.forget(self._incident.key)
            return
        self.drafts.keep(self._incident.key, version=self._incident.version, pending=pending, note=note,
                         now=self.desk.clock())

    # ---- writes and their outcomes -------------------------------------------------------------------------

    def _run_write(self, call: Callable[[], object], busy_text: str = SAVING_TEXT):
        """``call`` on the desk's writer thread; the editor says it is saving and starts nothing else
        until it is done, while the fields stay open to typing."""
        self._busy = translate("Editor", busy_text) if busy_text == SAVING_TEXT else busy_text
        self.workflow.set_busy(True)
        self._update_dirty()
        try:
            return self.ops.run_write(call)
        finally:
            self._busy = ""
            self.workflow.set_busy(False)
            if self._incident is not None:
                self._update_dirty()

    def _perform(self, call: Callable[[], object], *, bumps: int, drop: tuple[str, ...] = (),
                 error_sink: Callable[[str], None] | None = None) -> bool:
        """Run one write; then follow the store while keeping the user's unsaved edits on top."""
        if self._busy:
            return False
        before = self._incident
        sink = error_sink or (lambda message: self.banner.show_message(message, "error"))
        try:
            self._run_write(call)
        except ConflictError as exc:
            self._handle_conflict(exc)
            return False
        except _READ_ERRORS as exc:  # ValidationError and the rest: one sentence, nothing written
            sink(str(exc))
            return False
        # The edits as they are now (typed before or during the write), less what the write set itself.
        pending = {k: v for k, v in self.pending_changes().items() if k not in drop}
        self.banner.clear()
        try:
            incident = self.ops.run_read(lambda: self.desk.incidents.get_incident(before.key))
        except _READ_ERRORS as exc:
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
        dialog = ConflictDialog(self._incident.key, list(exc.changes), pending, self, name=self.people.name)
        self.run_dialog(dialog)
        choice = dialog.choice
        dialog.deleteLater()
        key = self._incident.key
        try:
            incident = self.ops.run_read(lambda: self.desk.incidents.get_incident(key))
        except _READ_ERRORS as err:
            self.banner.show_message(str(err), "error")
            return
        if choice == ConflictDialog.DISCARD:
            self._load(incident)
            self.banner.clear()
            return
        self._load(incident, pending)
        if pending:
            self.banner.show_message(translate("Editor",
                                               "Your edits ({fields}) are re-applied on the latest version; check them "
                                               "and save again.").format(
                    fields=", ".join(translate("Form", LABELS.get(n, n)) for n in pending)), "warning")
        else:
            self.banner.show_message(
                translate("Editor", "The incident was reloaded with the other changes; try again."), "warning")

    def _show_remote_change(self, incident: Incident) -> None:
        self._pending_remote = incident
        newer: list[TimelineEvent] = []
        try:
            events = self.ops.run_read(lambda: self.desk.incidents.timeline(incident.key))
            newer = [e for e in events if e.id > self._last_event_id]
        except _READ_ERRORS:
            pass
        who = sorted({self.people.name(e.actor) if e.actor else translate("Editor", "System") for e in newer}) \
            or [translate("Editor", "someone")]
        what = "; ".join(describe_event(e, name=self.people.name, with_actor=False)[0] for e in reversed(newer[:5]))
        reload_button = QPushButton(translate("Editor", "Reload"))
        reload_button.setToolTip(translate("Editor", "Load their version and put your unsaved edits back on top"))
        keep_button = QPushButton(translate("Editor", "Keep editing"))
        reload_button.clicked.connect(self._on_reload_remote_clicked)
        keep_button.clicked.connect(self._on_keep_editing_clicked)
        if what:
            text = translate("Editor", "Changed meanwhile by {who}: {what}. Reload, or keep editing and resolve it "
                                       "when you save.").format(who=", ".join(who), what=what)
        else:
            text = translate("Editor", "Changed meanwhile by {who}: see the timeline. Reload, or keep editing and "
                                       "resolve it when you save.").format(who=", ".join(who))
        self.banner.show_message(text, "warning",
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
            self.form.fill_subcategories(text)
            self._update_dirty()

    @Slot()
    def _on_category_committed(self) -> None:
        if self._loading or self._incident is None:
            return
        text = self.form.read("category")
        match = complete_item(self.desk.settings.categories(), text)
        if match and match != text:
            self.form.write("category", match)
            self.form.category_combo.completer().popup().hide()
        self.fields["category"].set_error(None if match or not text else
                                          translate("Editor",
                                                    "Unknown category '{text}'; pick one from the list.").format(
                                                  text=text[:60]))
        self._update_dirty()

    @Slot()
    def _on_save_clicked(self) -> None:
        self.save()

    @Slot()
    def _on_revert_clicked(self) -> None:
        self.revert()

    @Slot(object)
    def _on_transition_requested(self, target: Status) -> None:
        self.transition_to(target)

    @Slot()
    def _on_duplicate_clicked(self) -> None:
        self.resolve_as_duplicate()

    @Slot()
    def _on_assign_me_clicked(self) -> None:
        self.assign_to_me()

    @Slot(bool)
    def _on_watch_clicked(self, checked: bool) -> None:
        self.set_watching(checked)

    @Slot()
    def _on_reporter_clicked(self) -> None:
        if self._incident is None:
            return
        dialog = ReporterUpdateDialog(self._incident.key, self.status_summary, self)
        dialog.sig_send_requested.connect(self._on_send_requested)
        dialog.sig_copy_requested.connect(self._on_copy_requested)
        self.reporter_dialog = dialog
        self.run_dialog(dialog)

    @Slot()
    def _on_public_update_clicked(self) -> None:
        if self._incident is None:
            return
        from incident_desk.domain.communication import template_for
        from incident_desk.ui import statuspage_actions
        key = self._incident.key
        try:
            services = self.ops.run_read(lambda: self.desk.communication.services_of(key))
            major = self.ops.run_read(lambda: self.desk.communication.is_major(key))
        except _READ_ERRORS as exc:
            self.banner.show_message(str(exc), "error")
            return
        may_mark = self.desk.actor.can("incident.major")
        dialog = PublicUpdateDialog(key, services=services, template_for=template_for, major=major,
                                    may_mark_major=may_mark,
                                    status_folder=statuspage_actions.status_folder(self.settings),
                                    publish_by_default=statuspage_actions.publish_on_update(self.settings),
                                    parent=self)
        self.public_update_dialog = dialog
        if self.run_dialog(dialog):
            self.post_public_update(dialog.state(), dialog.message(), dialog.services(),
                                    mail=dialog.mail_check.isChecked(), copy=dialog.copy_as() is not None,
                                    copy_as=dialog.copy_as() or "markdown",
                                    publish=dialog.publish_check.isChecked(),
                                    major=dialog.major_check.isChecked() if may_mark else None)

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
        try:
            incident = self.ops.run_read(lambda: self.desk.incidents.get_incident(key))
        except _READ_ERRORS as exc:
            self.banner.show_message(str(exc), "error")
            return
        if incident.version == before.version + 1 or not pending:
            self._load(incident, pending)
        else:
            self._show_remote_change(incident)
        self.sig_incident_changed.emit(key)

    @Slot()
    def _on_postmortem_requested(self) -> None:
        self.tabs.setCurrentWidget(self.postmortem_tab)

    @Slot()
    def _on_reload_remote_clicked(self) -> None:
        pending = self.pending_changes()
        key = self._incident.key
        try:
            incident = self.ops.run_read(lambda: self.desk.incidents.get_incident(key))
        except _READ_ERRORS as exc:
            self.banner.show_message(str(exc), "error")
            return
        self.banner.clear()
        self._load(incident, pending)

    @Slot()
    def _on_keep_editing_clicked(self) -> None:
        self.banner.clear()
