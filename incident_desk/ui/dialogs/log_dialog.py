"""The log-incident dialog: keyboard-first form, live priority, recent reporters and duplicate suggestions."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import (
    QDate,
    QDateTime,
    QEvent,
    QObject,
    QSettings,
    QSignalBlocker,
    QStringListModel,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from incident_desk.config import LOG_DRAFT_KEY
from incident_desk.domain.formatting import time_short
from incident_desk.domain.incident import RESOLUTION_CODES, Channel, DomainError, Level, clean_title
from incident_desk.domain.limits import FIRST_YEAR
from incident_desk.services.errors import StorageError, ValidationError
from incident_desk.services.incidents import IncidentDraft
from incident_desk.ui import drafts, theme
from incident_desk.ui.dialogs.incident_picker import row_text
from incident_desk.ui.dialogs.prompts import Ask, ask_with_message_box
from incident_desk.ui.i18n import translate
from incident_desk.ui.ops import ops_for
from incident_desk.ui.people import PeopleDirectory, PersonCombo
from incident_desk.ui.plain import plain_label, tooltip
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
from incident_desk.ui.widgets.known_errors_panel import KnownErrorsPanel

SIMILAR_DELAY_MS = 250
RECENT_MAX = 30
# Where releases before schema 9 kept a permanent list of callers' names and contacts; the suggestions
# now come from the incidents, and the old list is removed wherever it is found.
OLD_RECENT_KEY = "log_dialog/recent_reporters"
# The report being typed, kept on disk (QSettings) half a second after each change, so a crash,
# a killed session or a power cut between typing and logging costs nothing; cleared once logged.


class CtrlEnterFilter(QObject):
    """Calls ``action`` on Ctrl+Return or Ctrl+Enter in any watched widget, and eats the key."""

    def __init__(self, action, parent: QObject):
        super().__init__(parent)
        self.action = action

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.action()
            return True
        return False


class LogIncidentDialog(QDialog):
    """Log a new incident, or attach the caller to an open one that is the same problem."""

    sig_incident_logged = Signal(str)
    """A new incident was logged; the key is given."""
    sig_link_instead = Signal(str)
    """The caller's report was added to this existing incident instead of logging a new one."""

    def __init__(self, desk, parent: QWidget | None = None, *, settings: QSettings | None = None):
        super().__init__(parent)
        self.desk = desk
        self.ops = ops_for(desk)
        self._writing = False
        self.settings = settings or QSettings()
        self.ask: Ask = ask_with_message_box
        self.fields: dict[str, FormField] = {}
        self._restored = False
        self.setWindowTitle(translate("LogDialog", "Log an incident"))
        self.resize(980, 640)
        if self.settings.contains(OLD_RECENT_KEY):
            self.settings.remove(OLD_RECENT_KEY)
        self._recent: list[tuple[str, str]] = []
        self._build()
        self._connect_signals()
        self._restore_draft()
        self._update_priority()
        self.title_edit.setFocus()
        self._load_recent()  # after _build: the answer fills the completer built there

    # ---- construction --------------------------------------------------------------------------

    def _add(self, form: QFormLayout, label: str, name: str, editor: QWidget, hint: str = "") -> FormField:
        field = FormField(editor, hint=hint)
        self.fields[name] = field
        form.addRow(label, field)
        return field

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.banner = Banner(self)
        outer.addWidget(self.banner)
        body = QHBoxLayout()
        outer.addLayout(body, 1)

        form_box = QWidget(self)
        col = QVBoxLayout(form_box)
        col.setContentsMargins(0, 0, 0, 0)
        what = QGroupBox(translate("LogDialog", "What is wrong"), form_box)
        form = QFormLayout(what)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(translate("LogDialog", "In a few words, e.g. “VPN drops every ten minutes”"))
        self._add(form, translate("LogDialog", "&Title:"), "title", self.title_edit)
        self.description_edit = QPlainTextEdit()
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setPlaceholderText(translate("LogDialog",
                                                           "What the caller sees, since when, who is affected"))
        self.description_edit.setFixedHeight(90)
        self._add(form, translate("LogDialog", "&Description:"), "description", self.description_edit)
        self.category_combo = searchable_combo(self.desk.settings.categories(), placeholder=translate("LogDialog",
                "Type to search"))
        self._add(form, translate("LogDialog", "&Category:"), "category", self.category_combo)
        self.subcategory_combo = QComboBox()
        self._add(form, translate("LogDialog", "Su&bcategory:"), "subcategory", self.subcategory_combo)
        self.impact_combo = QComboBox()
        self.urgency_combo = QComboBox()
        for combo in (self.impact_combo, self.urgency_combo):
            for level in Level:
                combo.addItem(level.label, level.name.lower())
            combo.setCurrentIndex(combo.findData("medium"))
        impact_row = QWidget()
        row = QHBoxLayout(impact_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.impact_combo, 1)
        urgency_label = QLabel(translate("LogDialog", "&Urgency:"))
        urgency_label.setBuddy(self.urgency_combo)
        row.addWidget(urgency_label)
        row.addWidget(self.urgency_combo, 1)
        self._add(form, translate("LogDialog", "&Impact:"), "impact", impact_row)
        self.fields["urgency"] = self.fields["impact"]
        self.impact_combo.setAccessibleName(translate("LogDialog", "Impact"))  # its row label names the pair
        self.priority_badge = Badge()
        self.priority_text = QLabel()
        prow = QWidget()
        row = QHBoxLayout(prow)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.priority_badge)
        row.addWidget(self.priority_text, 1)
        form.addRow(translate("LogDialog", "Priority:"), prow)
        col.addWidget(what)

        who = QGroupBox(translate("LogDialog", "Who reports it"), form_box)
        form = QFormLayout(who)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.reporter_name_edit = QLineEdit()
        self.reporter_name_edit.setPlaceholderText(translate("LogDialog", "Name (recent callers are suggested)"))
        self.recent_names = QStringListModel(self)  # filled when the recent callers have been read
        self.reporter_completer = QCompleter(self.recent_names, self)
        self.reporter_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.reporter_completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.reporter_name_edit.setCompleter(self.reporter_completer)
        self._add(form, translate("LogDialog", "&Name:"), "reporter_name", self.reporter_name_edit)
        self.reporter_contact_edit = QLineEdit()
        self.reporter_contact_edit.setPlaceholderText(translate("LogDialog", "E-mail address or phone number"))
        self._add(form, translate("LogDialog", "C&ontact:"), "reporter_contact", self.reporter_contact_edit)
        self.channel_combo = QComboBox()
        for channel in Channel:
            self.channel_combo.addItem(channel.label, channel.value)
        self._add(form, translate("LogDialog", "C&hannel:"), "channel", self.channel_combo)
        col.addWidget(who)

        more = QGroupBox(translate("LogDialog", "Optional"), form_box)
        form = QFormLayout(more)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.people = self.ops.run_read(lambda: PeopleDirectory.of(self.desk))
        self.assignee_edit = PersonCombo(self.people, placeholder=translate("LogDialog", "Leave empty for the queue"))
        self._add(form, translate("LogDialog", "&Assign to:"), "assignee", self.assignee_edit)
        # The team (assignment group): taken from the assignee when one is chosen, so a P1 never lands
        # with nobody's team; it can be set alone, to put the incident in a team's queue.
        self.team_combo = QComboBox()
        self.team_combo.addItem("", "")
        for team in self.ops.run_read(self.desk.users.team_names):
            self.team_combo.addItem(team, team)
        self._team_follows_assignee = True
        self._add(form, translate("LogDialog", "Tea&m:"), "team", self.team_combo)
        opened = QWidget()
        row = QHBoxLayout(opened)
        row.setContentsMargins(0, 0, 0, 0)
        self.earlier_check = QCheckBox(translate("LogDialog", "Reported &earlier, at"))
        self.opened_edit = QDateTimeEdit(QDateTime.fromSecsSinceEpoch(int(self.desk.clock().timestamp())))
        self.opened_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.opened_edit.setMinimumDate(QDate(FIRST_YEAR, 1, 2))  # the desk's years, in any time zone
        self.opened_edit.setCalendarPopup(True)
        self.opened_edit.setEnabled(False)
        row.addWidget(self.earlier_check)
        row.addWidget(self.opened_edit, 1)
        self._add(form, translate("LogDialog", "Opened:"), "opened_at", opened)
        col.addWidget(more)
        # A call solved while the caller is still on the line: logged resolved, in one step.
        self.solved_box = QGroupBox(translate("LogDialog", "&Solved during the call"), form_box)
        self.solved_box.setCheckable(True)
        self.solved_box.setChecked(False)
        form = QFormLayout(self.solved_box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.resolution_code_combo = QComboBox()
        for code in RESOLUTION_CODES:
            if code != "duplicate":
                self.resolution_code_combo.addItem(code.capitalize(), code)
        self._add(form, translate("LogDialog", "Code:"), "resolution_code", self.resolution_code_combo)
        self.resolution_notes_edit = QLineEdit()
        self.resolution_notes_edit.setPlaceholderText(translate("LogDialog",
                "What fixed it (for the next person with the same problem)"))
        self._add(form, translate("LogDialog", "Notes:"), "resolution_notes", self.resolution_notes_edit)
        col.addWidget(self.solved_box)
        col.addStretch(1)
        align_form_labels((what, who, more, self.solved_box))
        body.addWidget(form_box, 3)

        side = QGroupBox(translate("LogDialog", "Possible duplicates (open incidents)"), self)
        side_col = QVBoxLayout(side)
        self.similar_hint = plain_label(translate("LogDialog",
                                                  "Start typing the title; open incidents with the same words appear "
                                                  "here."))
        self.similar_hint.setWordWrap(True)
        theme.style(self.similar_hint, "muted")
        side_col.addWidget(self.similar_hint)
        self.known_errors = KnownErrorsPanel(self.desk.problems, side)
        side_col.addWidget(self.known_errors)
        self.similar_list = QListWidget()
        self.similar_list.setWordWrap(True)
        self.similar_list.setAccessibleName(translate("LogDialog", "Possible duplicates"))
        self.similar_list.setSpacing(2)
        self.similar_list.setAlternatingRowColors(True)
        side_col.addWidget(self.similar_list, 1)
        self.same_button = QPushButton(translate("LogDialog", "This is the same incident"))
        self.same_button.setToolTip(translate("LogDialog",
                                              "Add this caller's report as a comment to the selected incident instead"))
        self.same_button.setEnabled(False)
        side_col.addWidget(self.same_button)
        body.addWidget(side, 2)

        buttons = QHBoxLayout()
        keys = QLabel(translate("LogDialog", "Ctrl+Enter logs · Esc cancels"))
        theme.style(keys, "muted")
        buttons.addWidget(keys)
        buttons.addStretch(1)
        self.cancel_button = QPushButton(translate("LogDialog", "Cancel"))
        self.log_button = QPushButton(translate("LogDialog", "&Log incident"))
        self.log_button.setToolTip(translate("LogDialog", "Ctrl+Enter"))
        for b in (self.cancel_button, self.log_button, self.same_button):
            b.setAutoDefault(False)  # Enter in a field must not log a half-typed form
        self.log_button.setStyleSheet("QPushButton { font-weight: 600; padding: 4px 14px; }")
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.log_button)
        outer.addLayout(buttons)
        self._fill_subcategories("")
        self.setTabOrder(self.title_edit, self.description_edit)
        self.setTabOrder(self.description_edit, self.category_combo)
        self.setTabOrder(self.category_combo, self.subcategory_combo)
        self.setTabOrder(self.subcategory_combo, self.impact_combo)
        self.setTabOrder(self.impact_combo, self.urgency_combo)
        self.setTabOrder(self.urgency_combo, self.reporter_name_edit)
        self.setTabOrder(self.reporter_name_edit, self.reporter_contact_edit)
        self.setTabOrder(self.reporter_contact_edit, self.channel_combo)
        self.setTabOrder(self.channel_combo, self.assignee_edit)
        self.setTabOrder(self.assignee_edit, self.team_combo)
        self.setTabOrder(self.team_combo, self.earlier_check)
        self.setTabOrder(self.earlier_check, self.opened_edit)
        self.setTabOrder(self.opened_edit, self.solved_box)
        self.setTabOrder(self.solved_box, self.resolution_code_combo)
        self.setTabOrder(self.resolution_code_combo, self.resolution_notes_edit)
        # Then the duplicates beside the form, then the buttons under both, as they read.
        self.setTabOrder(self.resolution_notes_edit, self.similar_list)
        self.setTabOrder(self.similar_list, self.same_button)
        self.setTabOrder(self.same_button, self.cancel_button)
        self.setTabOrder(self.cancel_button, self.log_button)

    def _connect_signals(self) -> None:
        self._similar_timer = QTimer(self)
        self._similar_timer.setSingleShot(True)
        self._similar_timer.setInterval(SIMILAR_DELAY_MS)
        self._similar_timer.timeout.connect(self.refresh_similar)
        self.title_edit.textChanged.connect(self._on_title_changed)
        self.assignee_edit.editTextChanged.connect(self._on_assignee_changed)
        self.team_combo.activated.connect(self._on_team_chosen)
        self.solved_box.toggled.connect(self._on_solved_toggled)
        self.category_combo.currentTextChanged.connect(self._on_category_changed)
        self.category_combo.lineEdit().editingFinished.connect(self._on_category_committed)
        self._category_tab = CommitOnTab(self._on_category_committed, self)
        self.category_combo.lineEdit().installEventFilter(self._category_tab)
        self.category_combo.completer().popup().installEventFilter(self._category_tab)
        self.category_combo.installEventFilter(self._category_tab)
        self.impact_combo.currentIndexChanged.connect(self._on_level_changed)
        self.urgency_combo.currentIndexChanged.connect(self._on_level_changed)
        self.reporter_completer.activated.connect(self._on_reporter_chosen)
        self.reporter_name_edit.editingFinished.connect(self._on_reporter_name_done)
        self._reporter_tab = CommitOnTab(self._on_reporter_name_done, self)
        self.reporter_name_edit.installEventFilter(self._reporter_tab)
        self.reporter_completer.popup().installEventFilter(self._reporter_tab)
        self.earlier_check.toggled.connect(self.opened_edit.setEnabled)
        self.similar_list.currentItemChanged.connect(self._on_similar_current_changed)
        self.same_button.clicked.connect(self._on_same_clicked)
        self.log_button.clicked.connect(self._on_log_clicked)
        self.cancel_button.clicked.connect(self.close)
        # A filter rather than a QShortcut: it works whichever child has focus, before a text box
        # turns Ctrl+Return into a line break, and without the window being active (tests, Xvfb).
        # The filter is its own object (not the dialog) so no event reaches a half-destroyed dialog.
        self._ctrl_enter = CtrlEnterFilter(self._on_log_clicked, self)
        for child in self.findChildren(QWidget):
            child.installEventFilter(self._ctrl_enter)
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(drafts.DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self._save_draft)
        # Through a slot of our own: connected directly, a signal's argument (the text, the index)
        # would become QTimer.start's interval.
        for signal in (self.title_edit.textChanged, self.reporter_name_edit.textChanged,
                       self.reporter_contact_edit.textChanged, self.assignee_edit.editTextChanged,
                       self.team_combo.currentIndexChanged, self.solved_box.toggled,
                       self.resolution_code_combo.currentIndexChanged, self.resolution_notes_edit.textChanged,
                       self.description_edit.textChanged, self.category_combo.editTextChanged,
                       self.subcategory_combo.currentIndexChanged, self.impact_combo.currentIndexChanged,
                       self.urgency_combo.currentIndexChanged, self.channel_combo.currentIndexChanged,
                       self.earlier_check.toggled, self.opened_edit.dateTimeChanged):
            signal.connect(self._on_form_edited)

    # ---- reading the form ------------------------------------------------------------------------

    def draft(self) -> IncidentDraft:
        opened_at = None
        if self.earlier_check.isChecked():
            opened_at = self.opened_edit.dateTime().toPython().astimezone(UTC)
        return IncidentDraft(
            title=self.title_edit.text(), description=self.description_edit.toPlainText(),
            category=self.category_combo.currentText(), subcategory=self.subcategory_combo.currentText() or None,
            impact=self.impact_combo.currentData(), urgency=self.urgency_combo.currentData(),
            reporter_name=self.reporter_name_edit.text(), reporter_contact=self.reporter_contact_edit.text(),
            channel=self.channel_combo.currentData(), assignee=self.assignee_edit.username() or None,
            team=self.team_combo.currentData() or None, opened_at=opened_at,
            resolution_code=self.resolution_code_combo.currentData() if self.solved_box.isChecked() else None,
            resolution_notes=self.resolution_notes_edit.text() if self.solved_box.isChecked() else None)

    def is_empty(self) -> bool:
        return not any((self.title_edit.text().strip(), self.description_edit.toPlainText().strip(),
                        self.reporter_name_edit.text().strip(), self.reporter_contact_edit.text().strip(),
                        self.assignee_edit.currentText().strip()))

    # ---- actions ------------------------------------------------------------------------------------

    def _write(self, call):
        """``call`` on the writer thread; the log buttons say so and cannot be pressed twice meanwhile."""
        self._writing = True
        self.log_button.setEnabled(False)
        try:
            return self.ops.run_write(call)
        finally:
            self._writing = False
            self.log_button.setEnabled(True)

    def log_incident(self) -> str | None:
        """Log the form; on a bad field say so under it, keep everything, and return None. The write
        runs on the desk's writer thread; the dialog keeps painting (and taking keystrokes) meanwhile."""
        if self._writing:
            return None  # Ctrl+Enter pressed again while the first one is being written
        clear_errors(self.fields.values())
        self.banner.clear()
        draft = self.draft()
        try:
            incident = self._write(lambda: self.desk.incidents.log_incident(actor=self.desk.actor, draft=draft))
        except ValidationError as exc:
            show_field_error(self.fields, exc.field, str(exc), lambda m: self.banner.show_message(m, "error"))
            return None
        except (DomainError, StorageError) as exc:
            self.banner.show_message(translate("LogDialog",
                                               "Not logged: {exc} Nothing you typed is lost.").format(exc=exc), "error")
            return None
        self._forget_draft()
        self.logged_key = incident.key
        problem = self.known_errors.problem_to_link()
        if problem:
            try:
                self._write(lambda: self.desk.problems.link(actor=self.desk.actor, key=problem,
                                                            incidents=[incident.key]))
            except (DomainError, StorageError):
                pass  # logged all the same; linking can be done from the Resolution tab
        self.sig_incident_logged.emit(incident.key)
        self.accept()
        return incident.key

    def link_instead(self, key: str) -> bool:
        """Add this caller's report to ``key`` as a comment instead of logging a new incident."""
        draft = self.draft()
        caller = draft.reporter_name.strip() or translate("LogDialog", "An unnamed caller")
        contact = f" ({draft.reporter_contact.strip()})" if draft.reporter_contact.strip() else ""
        text = translate("LogDialog", "Also reported by {caller}{contact} via {channel}: {title}").format(caller=caller,
                contact=contact, channel=Channel(draft.channel).value, title=draft.title.strip())
        if draft.description.strip():
            text += f"\n\n{draft.description.strip()}"
        if self._writing:
            return False
        try:
            self._write(lambda: self.desk.incidents.comment(actor=self.desk.actor, key=key, text=text))
        except (DomainError, StorageError) as exc:
            self.banner.show_message(str(exc), "error")
            return False
        self._forget_draft()
        self.sig_link_instead.emit(key)
        self.accept()
        return True

    @Slot()
    def refresh_similar(self) -> None:
        """Look for open incidents sharing the title's words (the throttle calls this)."""
        text = self.title_edit.text().strip()
        self.known_errors.show_for(f"{text} {self.description_edit.toPlainText()[:500]}")
        current = self.similar_list.currentItem()
        selected = current.data(Qt.ItemDataRole.UserRole) if current else None
        self.similar_list.clear()
        if len(text) < 3:
            self.similar_hint.setText(translate("LogDialog",
                                                "Start typing the title; open incidents with the same words appear "
                                                "here."))
            return
        try:
            rows = self.ops.run_read(lambda: self.desk.incidents.similar_open(text[:300]))
        except (DomainError, StorageError) as exc:
            self.similar_hint.setText(str(exc))
            return
        for row in rows:
            item = QListWidgetItem(f"{row.key}  ·  {row.priority.label}  ·  {row.status.label}\n{row.title}")
            item.setData(Qt.ItemDataRole.UserRole, row.key)
            item.setToolTip(tooltip(row_text(row)))
            self.similar_list.addItem(item)
            if row.key == selected:
                self.similar_list.setCurrentItem(item)
        self.similar_hint.setText(translate("LogDialog",
                                            "Same problem? Select it and press “This is the same incident”.") if rows
                                  else translate("LogDialog", "No open incident shares these words."))

    def confirm_discard(self) -> bool:
        """True when the form is empty or the user agreed to throw the report away."""
        if not self.is_empty() and self.ask(self, translate("LogDialog", "Discard this report?"),
                                            translate("LogDialog", "The form has text in it. Discard it?"),
                                            ("discard", "cancel")) != "discard":
            return False
        self._forget_draft()
        return True

    # ---- the draft on disk ---------------------------------------------------------------------------

    @Slot()
    def _on_form_edited(self, *_args) -> None:
        self._draft_timer.start()  # restarts: one write after the typing pauses

    def _save_draft(self) -> None:
        if self.is_empty():
            self._forget_draft()
            return
        draft = self.draft()
        data = {"title": draft.title, "description": draft.description,
                "category": draft.category, "subcategory": draft.subcategory or "", "impact": draft.impact,
                "urgency": draft.urgency, "reporter_name": draft.reporter_name,
                "reporter_contact": draft.reporter_contact, "channel": draft.channel,
                "assignee": draft.assignee or "", "team": draft.team or "",
                "resolution_code": draft.resolution_code or "", "resolution_notes": draft.resolution_notes or "",
                "opened_at": draft.opened_at.isoformat() if draft.opened_at else None}
        drafts.keep(self.settings, LOG_DRAFT_KEY, data, now=self.desk.clock())

    def _forget_draft(self) -> None:
        self._draft_timer.stop()
        drafts.forget(self.settings, LOG_DRAFT_KEY)

    def _restore_draft(self) -> None:
        """Refill the form with a report typed before the desk closed without logging it."""
        data = drafts.kept(self.settings, LOG_DRAFT_KEY)
        if data is None:
            return
        saved_at = data["saved_at"]
        text = lambda key: str(data.get(key) or "")  # noqa: E731
        self.title_edit.setText(text("title"))
        self.description_edit.setPlainText(text("description"))
        self.category_combo.setEditText(text("category"))
        self._fill_subcategories(text("category"))
        for combo, key in ((self.subcategory_combo, "subcategory"), (self.impact_combo, "impact"),
                           (self.urgency_combo, "urgency"), (self.channel_combo, "channel")):
            index = combo.findData(data.get(key)) if key != "subcategory" else combo.findText(text(key))
            if index >= 0:
                combo.setCurrentIndex(index)
        self.reporter_name_edit.setText(text("reporter_name"))
        self.reporter_contact_edit.setText(text("reporter_contact"))
        self.assignee_edit.set_username(text("assignee"))
        self.team_combo.setCurrentIndex(max(0, self.team_combo.findData(text("team"))))
        if text("resolution_code"):
            self.solved_box.setChecked(True)
            self.resolution_code_combo.setCurrentIndex(max(0, self.resolution_code_combo.findData(
                text("resolution_code"))))
            self.resolution_notes_edit.setText(text("resolution_notes"))
        if data.get("opened_at"):
            try:
                opened = datetime.fromisoformat(data["opened_at"])
                self.opened_edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(opened.timestamp())))
                self.earlier_check.setChecked(True)
            except ValueError:
                pass
        self._restored = True
        when = time_short(saved_at)
        self.banner.show_message(translate("LogDialog",
                                           "Restored the report you were typing at {when}; the desk closed before it "
                                           "was logged.").format(when=when), "info")

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._restored:
            # Showing focuses the title as if tabbed to, which selects all of it: one keystroke would
            # then replace the restored title. Put the cursor after it instead.
            QTimer.singleShot(0, lambda: self.title_edit.end(False))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Esc closes through closeEvent, which asks first; QDialog would reject without asking.
        if event.key() == Qt.Key.Key_Escape and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            event.accept()
            self.close()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.result() == QDialog.DialogCode.Accepted or self.confirm_discard():
            # Accepting is enough: the window hides; QDialog.closeEvent would call reject() again.
            event.accept()
        else:
            event.ignore()

    # ---- recent reporters ---------------------------------------------------------------------------

    def _load_recent(self) -> None:
        """(name, contact) of recent callers, from the latest incidents in the database. On SQLite read in
        place; on PostgreSQL on the desk's network reader, so the dialog opens at once and the suggestions
        come when the answer does (nothing typed meanwhile is touched: only the completer's list changes)."""
        read = lambda: self.desk.incidents.recent_reporters(limit=RECENT_MAX)  # noqa: E731
        if not self.ops.reads_cross_network:
            try:
                self._on_recent_read(read())
            except (DomainError, StorageError):
                pass  # suggestions are a convenience: a busy database must not stop the form
            return
        if not self.ops.is_closed():
            self.ops.read(read, on_done=self._on_recent_read, on_error=self._on_recent_failed)

    def _on_recent_read(self, recent: list[tuple[str, str]]) -> None:
        """The recent callers arrived: the name field suggests them from now on."""
        self._recent = list(recent)
        self.recent_names.setStringList([name for name, _ in self._recent])

    def _on_recent_failed(self, _exc: BaseException) -> None:
        pass  # suggestions are a convenience: a busy or unreachable database must not stop the form

    def _fill_contact_for(self, name: str) -> None:
        match = next((c for n, c in self._recent if n.lower() == name.strip().lower()), None)
        if match and not self.reporter_contact_edit.text().strip():
            self.reporter_contact_edit.setText(match)

    # ---- live updates ----------------------------------------------------------------------------------

    def _fill_subcategories(self, category: str) -> None:
        tree = self.desk.settings.categories()
        match = match_item(tree, category)
        self.subcategory_combo.clear()
        self.subcategory_combo.addItem("")
        self.subcategory_combo.addItems(tree.get(match, []) if match else [])

    def _update_priority(self) -> None:
        impact = Level.parse(self.impact_combo.currentData())
        urgency = Level.parse(self.urgency_combo.currentData())
        priority = self.desk.settings.priority_matrix().priority(impact, urgency)
        self.priority_badge.show_priority(priority)
        self.priority_text.setText(translate("LogDialog",
                                             "{priority} — Impact {impact} x Urgency {urgency}").format(
                priority=priority.label, impact=impact.label, urgency=urgency.label))

    @Slot(str)
    def _on_title_changed(self, text: str) -> None:
        self._similar_timer.start()
        if not text:
            self.fields["title"].set_error(None)
            return
        try:
            clean_title(text)
            self.fields["title"].set_error(None)
        except DomainError as exc:
            self.fields["title"].set_error(str(exc))

    @Slot(str)
    def _on_category_changed(self, text: str) -> None:
        self._fill_subcategories(text)

    @Slot()
    def _on_category_committed(self) -> None:
        text = self.category_combo.currentText()
        match = complete_item(self.desk.settings.categories(), text)
        if match and match != text:
            self.category_combo.setEditText(match)
            self.category_combo.completer().popup().hide()
        self.fields["category"].set_error(None if match or not text.strip() else
                                          translate("LogDialog",
                                                    "Unknown category '{strip}'; pick one from the list.").format(
                                                  strip=text.strip()[:60]))

    @Slot(int)
    def _on_level_changed(self, _index: int) -> None:
        self._update_priority()

    @Slot(str)
    def _on_reporter_chosen(self, name: str) -> None:
        self._fill_contact_for(name)

    @Slot()
    def _on_reporter_name_done(self) -> None:
        self._fill_contact_for(self.reporter_name_edit.text())

    @Slot(QListWidgetItem, QListWidgetItem)
    def _on_similar_current_changed(self, current, _previous) -> None:
        self.same_button.setEnabled(current is not None)

    @Slot()
    def _on_same_clicked(self) -> None:
        item = self.similar_list.currentItem()
        if item is not None:
            self.link_instead(item.data(Qt.ItemDataRole.UserRole))

    @Slot(str)
    def _on_assignee_changed(self, _text: str) -> None:
        # The team follows the assignee until the user picks a team by hand.
        if not self._team_follows_assignee:
            return
        team = self.people.team_of(self.assignee_edit.username())
        with QSignalBlocker(self.team_combo):
            self.team_combo.setCurrentIndex(max(0, self.team_combo.findData(team or "")))

    @Slot(int)
    def _on_team_chosen(self, _index: int) -> None:
        self._team_follows_assignee = False

    @Slot(bool)
    def _on_solved_toggled(self, solved: bool) -> None:
        self.log_button.setText(translate("LogDialog", "&Log as resolved") if solved else translate("LogDialog",
                "&Log incident"))
        if solved:
            self.resolution_notes_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def _on_log_clicked(self) -> None:
        self.log_incident()
