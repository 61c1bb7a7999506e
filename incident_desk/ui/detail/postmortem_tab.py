"""The detail editor's Postmortem tab: the blameless template, computed durations, the generated timeline
(edited here, never in the audit trail), action items, and review: submit, send back, approve, reopen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QIntValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from incident_desk.domain.incident import DomainError, Incident, Status
from incident_desk.domain.postmortem import (
    DURATION_DEFINITIONS,
    SECTIONS,
    KeyDurations,
    Postmortem,
    PostmortemStatus,
    blame_hints,
)
from incident_desk.domain.reporting import hours_text
from incident_desk.services.errors import ConflictError, StorageError, ValidationError
from incident_desk.ui import theme
from incident_desk.ui.dialogs.closure_dialogs import ActionItemDialog, EntryDialog, KeyCommentsDialog, NoteDialog
from incident_desk.ui.dialogs.prompts import Ask, ask_with_message_box, run_modal
from incident_desk.ui.i18n import translate
from incident_desk.ui.ops import ops_for
from incident_desk.ui.widgets.form_fields import Banner
from incident_desk.ui.widgets.lazy_tab import RefreshWhenShown

_SLA = {
    "met": "met",
    "missed": "missed",
    "none": QT_TRANSLATE_NOOP("PostmortemTab", "no target"),
    "running": QT_TRANSLATE_NOOP("PostmortemTab", "still running"),
}


def _cell(text: str, *, data=None, colour: QColor | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    if colour is not None:
        item.setForeground(QBrush(colour))
    item.setToolTip(text)
    return item


def _table(parent: QWidget, headers: tuple[str, ...], stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(list(headers))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.setWordWrap(True)
    header = table.horizontalHeader()
    for k in range(len(headers)):
        header.setSectionResizeMode(k, QHeaderView.ResizeMode.Stretch if k == stretch
                                    else QHeaderView.ResizeMode.ResizeToContents)
    table.setMinimumHeight(150)
    table.setMinimumWidth(200)
    # Wrapped cells need their rows re-measured whenever a column's width changes.
    header.sectionResized.connect(table.resizeRowsToContents)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    return table


@dataclass(frozen=True)
class _Shown:
    """What one refresh read (on the desk's network reader on PostgreSQL), handed to the GUI thread."""

    incident: Incident
    postmortem: Postmortem | None
    items: tuple
    durations: KeyDurations
    usernames: tuple[str, ...]
    required: bool


class PostmortemTab(RefreshWhenShown, QWidget):
    """Writes through the postmortem and action-item services; its edits never bump the incident's version."""

    sig_postmortem_changed = Signal(str)
    """The postmortem (or its action items) of this incident (key) was written."""

    def __init__(self, desk, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.run_dialog: Callable[[QDialog], bool] = run_modal
        self.ask: Ask = ask_with_message_box
        self.incident: Incident | None = None
        self.pm: Postmortem | None = None
        self.items: list = []
        self._stale = True
        self._asked = 0  # counts refreshes: only the newest one's answer is shown
        self._loading = False
        self.texts: dict[str, QPlainTextEdit] = {}
        self.hints: dict[str, QLabel] = {}
        self.export_dialog = None
        self._build()
        self._connect_signals()

    # ---- construction -----------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.banner = Banner(self)
        outer.addWidget(self.banner)
        # Two rows (state, then the few buttons that apply): the panel sits beside the table, so it is narrow.
        self.state_label = QLabel(self)
        self.state_label.setTextFormat(Qt.TextFormat.PlainText)
        self.state_label.setWordWrap(True)
        self.state_label.setContentsMargins(6, 4, 6, 0)
        self.state_label.setStyleSheet("font-weight: 600;")
        outer.addWidget(self.state_label)
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 0, 6, 0)
        self.start_button = QPushButton(translate("PostmortemTab", "St&art postmortem"), self)
        self.save_button = QPushButton(translate("PostmortemTab", "Save"), self)
        self.submit_button = QPushButton(translate("PostmortemTab", "Submit for review"), self)
        self.send_back_button = QPushButton(translate("PostmortemTab", "Send back…"), self)
        self.publish_button = QPushButton(translate("PostmortemTab", "Approve and publish"), self)
        self.reopen_button = QPushButton(translate("PostmortemTab", "Reopen…"), self)
        self.export_button = QPushButton(translate("PostmortemTab", "Export report…"), self)
        for b in (self.start_button, self.save_button, self.submit_button, self.send_back_button,
                  self.publish_button, self.reopen_button, self.export_button):
            bar.addWidget(b)
            b.hide()  # _update_buttons shows the few that apply; all at once would widen the panel
        bar.addStretch(1)
        outer.addLayout(bar)

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.page = QWidget()
        col = QVBoxLayout(self.page)
        col.setContentsMargins(6, 6, 6, 6)

        box = QGroupBox(translate("PostmortemTab", "Key durations (computed, never typed)"), self.page)
        box.setToolTip(translate("PostmortemTab",
                                 "Computed from the incident's recorded times and the milestones marked on the "
                                 "timeline."))
        grid = QGridLayout(box)
        self.duration_labels: dict[str, QLabel] = {}
        names = (("detect", translate("PostmortemTab", "Time to detect")),
                 ("acknowledge", translate("PostmortemTab", "Time to acknowledge")),
                 ("mitigate", translate("PostmortemTab", "Time to mitigate")),
                 ("resolve", translate("PostmortemTab", "Time to resolve")),
                 ("impact", translate("PostmortemTab", "Impact duration")),
                 ("response", translate("PostmortemTab", "Response target")),
                 ("resolution", translate("PostmortemTab", "Resolution target")))
        for k, (name, title) in enumerate(names):
            definition = DURATION_DEFINITIONS.get(name, DURATION_DEFINITIONS["sla"])
            caption = QLabel(translate("PostmortemTab", "{duration}:").format(duration=title), box)
            caption.setToolTip(definition)
            value = QLabel("-", box)
            value.setToolTip(definition)
            value.setStyleSheet("font-weight: 600;")
            value.setWordWrap(True)
            grid.addWidget(caption, k, 0)
            grid.addWidget(value, k, 1)
            self.duration_labels[name] = value
        grid.setColumnStretch(1, 1)
        col.addWidget(box)

        box = QGroupBox(translate("PostmortemTab", "Who wrote it"), self.page)
        form = QFormLayout(box)
        self.author_combo = QComboBox(box)
        form.addRow(translate("PostmortemTab", "Author:"), self.author_combo)
        self.who_edit = QLineEdit(box)
        self.who_edit.setPlaceholderText(translate("PostmortemTab",
                                                   "Who was affected, e.g. 'Every mailbox of the company'"))
        self.count_edit = QLineEdit(box)
        self.count_edit.setValidator(QIntValidator(0, 2_000_000_000, self.count_edit))
        self.count_edit.setPlaceholderText(translate("PostmortemTab", "How many (people, customers, orders…)"))
        self.how_long_label = QLabel("-", box)
        self.how_long_label.setToolTip(DURATION_DEFINITIONS["impact"])
        form.addRow(translate("PostmortemTab", "Who was affected:"), self.who_edit)
        form.addRow(translate("PostmortemTab", "How many:"), self.count_edit)
        form.addRow(translate("PostmortemTab", "How long:"), self.how_long_label)
        col.addWidget(box)

        for section in SECTIONS:
            box = QGroupBox(section.heading, self.page)
            lay = QVBoxLayout(box)
            edit = QPlainTextEdit(box)
            edit.setPlaceholderText(section.prompt)
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(64)
            edit.setMaximumHeight(110)
            hint = QLabel(box)
            hint.setWordWrap(True)
            theme.style(hint, "caution")
            hint.hide()
            lay.addWidget(edit)
            lay.addWidget(hint)
            self.texts[section.name] = edit
            self.hints[section.name] = hint
            col.addWidget(box)

        box = QGroupBox(translate("PostmortemTab", "Timeline"), self.page)
        lay = QVBoxLayout(box)
        note = QLabel(translate("PostmortemTab",
                                "Generated from the incident's events and the comments marked key. Editing it changes "
                                "the "
                      "postmortem only; the incident's own timeline keeps what happened."), box)
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(placeholder-text);")
        lay.addWidget(note)
        self.timeline_table = _table(box, (translate("PostmortemTab", "Time (UTC)"),
                                           translate("PostmortemTab", "What happened"), translate("PostmortemTab",
                "Who"), translate("PostmortemTab", "Marks")), 1)
        self.timeline_table.setMinimumHeight(220)
        lay.addWidget(self.timeline_table)
        self.add_entry_button = QPushButton(translate("PostmortemTab", "Add entry…"), box)
        self.edit_entry_button = QPushButton(translate("PostmortemTab", "Edit…"), box)
        self.hide_entry_button = QPushButton(translate("PostmortemTab", "Hide / show"), box)
        self.regenerate_button = QPushButton(translate("PostmortemTab", "Add new events"), box)
        self.regenerate_button.setToolTip(translate("PostmortemTab",
                                                    "Add entries for events since the timeline was made; your edits "
                                                    "stay"))
        self.key_comments_button = QPushButton(translate("PostmortemTab", "Key comments…"), box)
        # Two short rows keep the tab as narrow as the rest of the detail panel.
        for buttons in ((self.add_entry_button, self.edit_entry_button, self.hide_entry_button),
                        (self.regenerate_button, self.key_comments_button)):
            row = QHBoxLayout()
            for b in buttons:
                row.addWidget(b)
            row.addStretch(1)
            lay.addLayout(row)
        col.addWidget(box)

        box = QGroupBox(translate("PostmortemTab", "Action items"), self.page)
        lay = QVBoxLayout(box)
        self.items_table = _table(box, (translate("PostmortemTab", "Action"), translate("PostmortemTab", "Owner"),
                                        translate("PostmortemTab", "Due"), translate("PostmortemTab", "Status")), 0)
        self.items_table.setMinimumHeight(110)
        lay.addWidget(self.items_table)
        row = QHBoxLayout()
        self.add_item_button = QPushButton(translate("PostmortemTab", "Add action item…"), box)
        self.edit_item_button = QPushButton(translate("PostmortemTab", "Edit…"), box)
        self.done_item_button = QPushButton(translate("PostmortemTab", "Mark done"), box)
        for b in (self.add_item_button, self.edit_item_button, self.done_item_button):
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        col.addWidget(box)
        col.addStretch(1)
        scroll.setWidget(self.page)
        outer.addWidget(scroll, 1)
        self.empty_label = QLabel(self)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.empty_label.setContentsMargins(8, 8, 8, 8)
        outer.addWidget(self.empty_label, 1)
        self.scroll = scroll

    def _connect_signals(self) -> None:
        self.start_button.clicked.connect(self._on_start_clicked)
        self.save_button.clicked.connect(self._on_save_clicked)
        self.submit_button.clicked.connect(self._on_submit_clicked)
        self.send_back_button.clicked.connect(self._on_send_back_clicked)
        self.publish_button.clicked.connect(self._on_publish_clicked)
        self.reopen_button.clicked.connect(self._on_reopen_clicked)
        self.export_button.clicked.connect(self._on_export_clicked)
        self.add_entry_button.clicked.connect(self._on_add_entry_clicked)
        self.edit_entry_button.clicked.connect(self._on_edit_entry_clicked)
        self.hide_entry_button.clicked.connect(self._on_hide_entry_clicked)
        self.regenerate_button.clicked.connect(self._on_regenerate_clicked)
        self.key_comments_button.clicked.connect(self._on_key_comments_clicked)
        self.add_item_button.clicked.connect(self._on_add_item_clicked)
        self.edit_item_button.clicked.connect(self._on_edit_item_clicked)
        self.done_item_button.clicked.connect(self._on_done_item_clicked)
        for edit in self.texts.values():
            edit.textChanged.connect(self._on_text_changed)
        for line in (self.who_edit, self.count_edit):
            line.textEdited.connect(self._on_text_changed)
        self.author_combo.currentIndexChanged.connect(self._on_text_changed)
        self.timeline_table.itemDoubleClicked.connect(self._on_edit_entry_clicked)
        self.items_table.itemDoubleClicked.connect(self._on_edit_item_clicked)

    # ---- loading --------------------------------------------------------------------------------------

    def set_incident(self, incident: Incident | None) -> None:
        """Show ``incident``'s postmortem (loaded now if visible, else when next shown). Unsaved edits of
        another incident's postmortem are offered for saving first."""
        if self.incident is not None and incident is not None and incident.key != self.incident.key \
                and self.has_unsaved_changes():
            if self.ask(self, translate("PostmortemTab", "Unsaved postmortem"),
                        translate("PostmortemTab",
                                  "The postmortem of {key} has unsaved changes. Save them?").format(
                    key=self.incident.key), ("save", "discard")) == "save":
                self.save()
        self.incident = incident
        self.mark_stale()

    def refresh(self) -> None:
        self._stale = False
        inc = self.incident
        if inc is None:
            return
        self._asked += 1
        asked = self._asked
        before = self._field_values()
        try:
            shown = ops_for(self.desk).run_read(lambda: self._read(inc.key))
        except (DomainError, StorageError) as exc:
            if asked == self._asked and self.incident is inc:
                self.banner.show_message(str(exc), "error")
            return
        if asked != self._asked or self.incident is not inc:
            return  # another incident (or a newer refresh) was asked for while this was read: it shows that
        # What was typed while the read ran (PostgreSQL: the window takes keys meanwhile) stays as typed.
        same = self.pm is not None and shown.postmortem is not None and self.pm.id == shown.postmortem.id
        now = self._field_values()
        typed = {name for name, value in now.items() if value != before[name]} if same else set()
        self.incident, self.pm, self.items = shown.incident, shown.postmortem, list(shown.items)
        self._loading = True
        try:
            self._fill(shown, keep=typed)
        finally:
            self._loading = False
        if typed:
            self._on_text_changed()
        self._update_buttons()

    def _read(self, key: str) -> _Shown:
        """Everything the tab shows; runs on the desk's network reader on PostgreSQL, so it touches no widget."""
        desk = self.desk
        incident = desk.incidents.get_incident(key)
        pm = desk.postmortems.get(key)
        return _Shown(incident=incident, postmortem=pm, items=tuple(desk.action_items.for_incident(incident.id)),
                      durations=desk.postmortems.durations(key, pm), usernames=tuple(desk.users.usernames()),
                      required=desk.settings.closure_policy().requires_postmortem(incident.priority))

    def _field_values(self) -> dict:
        """The editable fields as they are on screen (to tell what was typed while a read ran)."""
        values: dict = {name: edit.toPlainText() for name, edit in self.texts.items()}
        values.update(impact_who=self.who_edit.text(), impact_count=self.count_edit.text(),
                      author=self.author_combo.currentData())
        return values

    def _fill(self, shown: _Shown, *, keep: set[str]) -> None:
        """Show what was read; the fields named in ``keep`` hold what the user typed meanwhile."""
        pm, inc, required = self.pm, self.incident, shown.required
        has = pm is not None
        self.scroll.setVisible(has)
        self.empty_label.setVisible(not has)
        if not has:
            need = translate("PostmortemTab", "required for {priority}").format(priority=inc.priority.label) \
                if required else translate("PostmortemTab", "optional for this priority")
            if inc.status in (Status.RESOLVED, Status.CLOSED):
                when = translate("PostmortemTab", "Start it now.")
            elif required:
                when = translate("PostmortemTab", "It can be started once the incident is resolved (it then starts "
                                                  "by itself).")
            else:
                when = translate("PostmortemTab", "It can be started once the incident is resolved.")
            self.empty_label.setText(translate("PostmortemTab",
                                               "{key} has no postmortem ({need}). {when}\n\nA postmortem is "
                                               "blameless: it asks what in the system and the process allowed this, "
                                               "never who erred.").format(key=inc.key, need=need, when=when))
            self.state_label.setText("")
            return
        # A list of facts, each translated whole, joined by " · ".
        facts = [pm.status.label]
        if pm.required:
            facts.append(translate("PostmortemTab", "required"))
        facts.append(translate("PostmortemTab", "written by {author}").format(
            author=pm.author or translate("PostmortemTab", "nobody yet")))
        if pm.approver and pm.published_at:
            facts.append(translate("PostmortemTab", "approved by {approver} {date:%Y-%m-%d}").format(
                approver=pm.approver, date=pm.published_at))
        facts.append(translate("PostmortemTab", "version {version}").format(version=pm.version))
        self.state_label.setText(" · ".join(facts))
        d = shown.durations
        values = {"detect": hours_text(d.detect_s) if d.detect_s is not None else translate("PostmortemTab",
                "unknown (mark when it began)"),
                  "acknowledge": hours_text(d.acknowledge_s), "mitigate": hours_text(d.mitigate_s)
                  + ("" if d.mitigation_marked or d.mitigate_s is None else translate("PostmortemTab",
                          " (resolution)")),
                  "resolve": hours_text(d.resolve_s), "impact": hours_text(d.impact_s),
                  "response": translate("PostmortemTab", _SLA.get(d.response_sla, d.response_sla)),
                  "resolution": translate("PostmortemTab", _SLA.get(d.resolution_sla, d.resolution_sla))}
        for name, label in self.duration_labels.items():
            label.setText(values[name])
        self.how_long_label.setText(values["impact"])
        author = self.author_combo.currentData() if "author" in keep else (pm.author or "")
        self.author_combo.clear()
        self.author_combo.addItem(translate("PostmortemTab", "Nobody yet"), "")
        for name in shown.usernames:
            self.author_combo.addItem(name, name)
        for name in (pm.author, author):
            if name and self.author_combo.findData(name) < 0:
                self.author_combo.addItem(name, name)
        self.author_combo.setCurrentIndex(max(0, self.author_combo.findData(author or "")))
        for name, edit in self.texts.items():
            if name not in keep and edit.toPlainText() != pm.text(name):
                edit.setPlainText(pm.text(name))
        if "impact_who" not in keep:
            self.who_edit.setText(pm.text("impact_who"))
        if "impact_count" not in keep:
            self.count_edit.setText("" if pm.impact_count is None else str(pm.impact_count))
        self._fill_timeline()
        self._fill_items()
        self._update_hints()

    def _fill_timeline(self) -> None:
        entries = sorted(self.pm.entries, key=lambda e: (e.at, e.id))
        table = self.timeline_table
        table.setRowCount(len(entries))
        for r, e in enumerate(entries):
            colour = theme.muted_text_color() if e.hidden else None
            marks = ", ".join(m for m in (e.milestone.label if e.milestone else "", "hidden" if e.hidden else "",
                                          "edited" if e.edited else "") if m)
            table.setItem(r, 0, _cell(e.at.strftime("%Y-%m-%d %H:%M"), data=e.id, colour=colour))
            table.setItem(r, 1, _cell(e.text, colour=colour))
            table.setItem(r, 2, _cell(e.actor or "system", colour=colour))
            table.setItem(r, 3, _cell(marks, colour=colour))
        table.resizeRowsToContents()

    def _fill_items(self) -> None:
        today = self.desk.action_items.today()
        table = self.items_table
        table.setRowCount(len(self.items))
        for r, item in enumerate(self.items):
            late = item.overdue(today)
            table.setItem(r, 0, _cell(item.title, data=item.id))
            overdue = theme.tone("error")[2]
            table.setItem(r, 1, _cell(item.owner or translate("PostmortemTab", "no owner"),
                                      colour=overdue if item.owner is None else None))
            table.setItem(r, 2, _cell(item.due.isoformat() if item.due else "-", colour=overdue if late else None))
            status = translate("PostmortemTab", "{status} (overdue)").format(status=item.status.label) if late \
                else item.status.label
            table.setItem(r, 3, _cell(status,
                                      colour=overdue if late else None))
        table.resizeRowsToContents()

    def _update_buttons(self) -> None:
        actor, pm, inc = self.desk.actor, self.pm, self.incident
        writer = actor.can("postmortem.write")
        approver = actor.can("postmortem.approve")
        editable = pm is not None and pm.status != PostmortemStatus.PUBLISHED and writer
        self.start_button.setVisible(pm is None)
        self.start_button.setEnabled(inc is not None and inc.status in (Status.RESOLVED, Status.CLOSED) and writer)
        status = pm.status if pm else None
        self.save_button.setVisible(pm is not None)
        self.save_button.setEnabled(editable and self.has_unsaved_changes())
        self.submit_button.setVisible(status == PostmortemStatus.DRAFT)
        self.submit_button.setEnabled(writer)
        self.send_back_button.setVisible(status == PostmortemStatus.IN_REVIEW)
        self.send_back_button.setEnabled(approver)
        self.publish_button.setVisible(status == PostmortemStatus.IN_REVIEW)
        self.publish_button.setEnabled(approver)
        if not approver:
            self.publish_button.setToolTip(translate("PostmortemTab", "Only a lead or an admin approves a postmortem."))
        self.reopen_button.setVisible(status == PostmortemStatus.PUBLISHED)
        self.reopen_button.setEnabled(approver)
        self.export_button.setVisible(inc is not None)
        for w in (*self.texts.values(), self.who_edit, self.count_edit, self.author_combo):
            w.setEnabled(editable)
        for b in (self.add_entry_button, self.edit_entry_button, self.hide_entry_button, self.regenerate_button,
                  self.key_comments_button, self.add_item_button, self.edit_item_button, self.done_item_button):
            b.setEnabled(editable if b not in (self.add_item_button, self.edit_item_button, self.done_item_button)
                         else pm is not None and actor.can("action.manage"))

    def _update_hints(self) -> None:
        for name, edit in self.texts.items():
            found = blame_hints(edit.toPlainText())
            hint = self.hints[name]
            hint.setText(translate("PostmortemTab", "Blameless wording: describe the conditions, not a culprit "
                                                    "({words}).").format(words=", ".join(f"'{w}'" for w in found))
                         if found else "")
            hint.setVisible(bool(found))

    # ---- unsaved edits --------------------------------------------------------------------------------

    def pending_changes(self) -> dict:
        pm = self.pm
        if pm is None:
            return {}
        out = {name: edit.toPlainText() for name, edit in self.texts.items() if edit.toPlainText() != pm.text(name)}
        if self.who_edit.text().strip() != pm.text("impact_who"):
            out["impact_who"] = self.who_edit.text()
        count = self.count_edit.text().strip()
        if count != ("" if pm.impact_count is None else str(pm.impact_count)):
            out["impact_count"] = count or None
        author = self.author_combo.currentData() or None
        if self.author_combo.count() and author != pm.author:
            out["author"] = author
        return out

    def has_unsaved_changes(self) -> bool:
        return bool(self.pending_changes())

    @Slot()
    def _on_text_changed(self, *_args) -> None:
        if self._loading:
            return
        self._update_hints()
        self.save_button.setEnabled(self.pm is not None and self.pm.status != PostmortemStatus.PUBLISHED
                                    and self.has_unsaved_changes())

    # ---- writes ---------------------------------------------------------------------------------------

    def _write(self, call, *, keep_edits: bool = True) -> bool:
        pending = self.pending_changes() if keep_edits else {}
        try:
            ops_for(self.desk).run_write(call)  # on the desk's writer thread; the window paints on
        except ConflictError as exc:
            self.banner.show_message(translate("PostmortemTab",
                                               "{exc} Reload to see their changes; yours are still here to "
                                               "copy.").format(exc=exc), "warning")
            return False
        except (ValidationError, DomainError, StorageError) as exc:
            self.banner.show_message(str(exc), "error")
            return False
        self.banner.clear()
        self.refresh()
        # Edits typed before an entry or item change stay on screen, still unsaved.
        self._loading = True
        try:
            for name, value in pending.items():
                if name in self.texts:
                    self.texts[name].setPlainText(value)
                elif name == "impact_who":
                    self.who_edit.setText(value)
                elif name == "impact_count":
                    self.count_edit.setText(value or "")
        finally:
            self._loading = False
        self._on_text_changed()
        self.sig_postmortem_changed.emit(self.incident.key)
        return True

    def start(self) -> bool:
        key = self.incident.key
        return self._write(lambda: self.desk.postmortems.start(actor=self.desk.actor, key=key), keep_edits=False)

    def save(self) -> bool:
        changes = self.pending_changes()
        if not changes or self.pm is None:
            return True
        key, version = self.incident.key, self.pm.version
        return self._write(lambda: self.desk.postmortems.update(actor=self.desk.actor, key=key,
                                                                expected_version=version, changes=changes),
                           keep_edits=False)

    def move(self, target: PostmortemStatus, note: str | None = None) -> bool:
        if self.has_unsaved_changes() and not self.save():
            return False
        key = self.incident.key
        return self._write(lambda: self.desk.postmortems.move(actor=self.desk.actor, key=key, to=target,
                                                              expected_version=self.pm.version, note=note))

    def _usernames(self) -> list[str] | None:
        """The people an action item may be given to, read for a dialog; None (said on the banner) when
        there is no postmortem, the read failed, or another incident was opened while it ran."""
        pm = self.pm
        if pm is None:
            return None
        try:
            usernames = ops_for(self.desk).run_read(self.desk.users.usernames)
        except (DomainError, StorageError) as exc:
            self.banner.show_message(str(exc), "error")
            return None
        return usernames if self.pm is not None and self.pm.id == pm.id else None

    def _selected_id(self, table: QTableWidget) -> int | None:
        row = table.currentRow()
        if row < 0 or table.item(row, 0) is None:
            return None
        return table.item(row, 0).data(Qt.ItemDataRole.UserRole)

    @Slot()
    def _on_start_clicked(self) -> None:
        if self.incident is not None:
            self.start()

    @Slot()
    def _on_save_clicked(self) -> None:
        self.save()

    @Slot()
    def _on_submit_clicked(self) -> None:
        self.move(PostmortemStatus.IN_REVIEW)

    @Slot()
    def _on_publish_clicked(self) -> None:
        self.move(PostmortemStatus.PUBLISHED)

    @Slot()
    def _on_send_back_clicked(self) -> None:
        self._move_with_note(PostmortemStatus.DRAFT, translate("PostmortemTab", "Send back to draft"),
                             translate("PostmortemTab", "What needs work:"))

    @Slot()
    def _on_reopen_clicked(self) -> None:
        self._move_with_note(PostmortemStatus.DRAFT, translate("PostmortemTab", "Reopen for revision"),
                             translate("PostmortemTab", "Why it is revised:"))

    def _move_with_note(self, target: PostmortemStatus, title: str, label: str) -> None:
        dialog = NoteDialog(title, label, title.split()[0], self)
        if self.run_dialog(dialog):
            self.move(target, dialog.text() or None)
        dialog.deleteLater()

    @Slot()
    def _on_add_entry_clicked(self) -> None:
        if self.pm is None:
            return
        dialog = EntryDialog(translate("PostmortemTab", "Add a timeline entry"), self, at=self.incident.opened_at)
        if self.run_dialog(dialog):
            key = self.incident.key
            self._write(lambda: self.desk.postmortems.add_entry(actor=self.desk.actor, key=key, at=dialog.at(),
                                                                text=dialog.text(), milestone=dialog.milestone()))
        dialog.deleteLater()

    @Slot()
    def _on_edit_entry_clicked(self, *_args) -> None:
        entry_id = self._selected_id(self.timeline_table)
        entry = next((e for e in self.pm.entries if e.id == entry_id), None) if self.pm else None
        if entry is None or self.pm.status == PostmortemStatus.PUBLISHED:
            return
        dialog = EntryDialog(translate("PostmortemTab", "Edit the timeline entry"), self, entry=entry)
        if self.run_dialog(dialog):
            key = self.incident.key
            text = dialog.text() if dialog.text() != entry.text else None
            at = dialog.at() if dialog.at() != entry.at else None
            self._write(lambda: self.desk.postmortems.edit_entry(actor=self.desk.actor, key=key, entry_id=entry.id,
                                                                 text=text, at=at, milestone=dialog.milestone()))
        dialog.deleteLater()

    @Slot()
    def _on_hide_entry_clicked(self) -> None:
        entry_id = self._selected_id(self.timeline_table)
        entry = next((e for e in self.pm.entries if e.id == entry_id), None) if self.pm else None
        if entry is None:
            return
        key = self.incident.key
        self._write(lambda: self.desk.postmortems.edit_entry(actor=self.desk.actor, key=key, entry_id=entry.id,
                                                             hidden=not entry.hidden))

    @Slot()
    def _on_regenerate_clicked(self) -> None:
        key = self.incident.key
        added = []
        if self._write(lambda: added.append(self.desk.postmortems.regenerate(actor=self.desk.actor, key=key))):
            self.banner.show_message(self.tr("Added %n entries from the incident's events.", "",
                                               added[0]), "info")

    @Slot()
    def _on_key_comments_clicked(self) -> None:
        inc = self.incident
        try:
            comments = ops_for(self.desk).run_read(lambda: self.desk.postmortems.comments(inc.key))
        except (DomainError, StorageError) as exc:
            self.banner.show_message(str(exc), "error")
            return
        if self.incident is not inc:
            return  # another incident was opened while its comments were read
        if not comments:
            self.banner.show_message(translate("PostmortemTab",
                                               "{key} has no comments or work notes to mark.").format(
                    key=self.incident.key), "info")
            return
        dialog = KeyCommentsDialog(comments, self)
        if self.run_dialog(dialog):
            wanted = dialog.checked_ids()
            changes = [(eid, True) for eid in wanted - dialog.before] + [(eid, False) for eid in dialog.before - wanted]

            def apply() -> None:
                for event_id, is_key in changes:
                    self.desk.postmortems.mark_key_comment(actor=self.desk.actor, event_id=event_id,
                                                           key_comment=is_key)
            if changes:
                self._write(apply)
        dialog.deleteLater()

    @Slot()
    def _on_add_item_clicked(self) -> None:
        usernames = self._usernames()
        if usernames is None:
            return
        dialog = ActionItemDialog(translate("PostmortemTab", "Add an action item"), usernames, self,
                                  today=self.desk.action_items.today())
        if self.run_dialog(dialog):
            v = dialog.values()
            key = self.incident.key

            def add() -> None:
                item = self.desk.action_items.add(actor=self.desk.actor, title=v["title"], owner=v["owner"],
                                                  due=v["due"], incident=key)
                if v["status"] != "open":
                    self.desk.action_items.update(actor=self.desk.actor, item_id=item.id, status=v["status"])
            self._write(add)
        dialog.deleteLater()

    @Slot()
    def _on_edit_item_clicked(self, *_args) -> None:
        item_id = self._selected_id(self.items_table)
        item = next((i for i in self.items if i.id == item_id), None)
        if item is None:
            return
        usernames = self._usernames()
        if usernames is None:
            return
        dialog = ActionItemDialog(translate("PostmortemTab", "Edit the action item"), usernames,
                                  self, item=item,
                                  today=self.desk.action_items.today())
        if self.run_dialog(dialog):
            v = dialog.values()
            self._write(lambda: self.desk.action_items.update(
                actor=self.desk.actor, item_id=item.id, expected_version=item.version, title=v["title"],
                owner=v["owner"], due=v["due"], status=v["status"]))
        dialog.deleteLater()

    @Slot()
    def _on_done_item_clicked(self) -> None:
        item_id = self._selected_id(self.items_table)
        if item_id is not None:
            self._write(lambda: self.desk.action_items.update(actor=self.desk.actor, item_id=item_id, status="done"))

    @Slot()
    def _on_export_clicked(self) -> None:
        if self.incident is None:
            return
        from incident_desk.ui.dialogs.report_dialogs import open_export_dialog
        self.export_dialog = open_export_dialog(self.desk, self.incident.key, self)
