"""The detail editor's Resolution tab: resolution and root cause, the caller's confirmation, closing (by a
lead, or automatically), the children, the problem record, the postmortem's state, and the report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from incident_desk.domain.closure import AUTO_CLOSE_ACTOR, ROOT_CAUSE_CATEGORIES, ClosurePolicy, Problem
from incident_desk.domain.incident import DomainError, Incident, Link, LinkKind, Status
from incident_desk.domain.postmortem import Postmortem
from incident_desk.services.errors import StorageError
from incident_desk.ui.dialogs.closure_dialogs import NoteDialog, ProblemDialog
from incident_desk.ui.dialogs.prompts import run_modal
from incident_desk.ui.i18n import translate
from incident_desk.ui.ops import ops_for
from incident_desk.ui.widgets.form_fields import Banner
from incident_desk.ui.widgets.lazy_tab import RefreshWhenShown

_WHEN = "%Y-%m-%d %H:%M"


def _when(value) -> str:
    return value.astimezone().strftime(_WHEN) if value else "-"


def _row(*buttons: QPushButton) -> QHBoxLayout:
    """Buttons side by side, flush left."""
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row


def _label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)  # what people typed is shown as text, never as markup
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


@dataclass(frozen=True)
class _Shown:
    """What one refresh read (on the desk's network reader on PostgreSQL), handed to the GUI thread."""

    children: tuple[Link, ...]
    problem: Problem | None
    postmortem: Postmortem | None
    policy: ClosurePolicy
    closer: str | None  # who closed it (a closed incident only)


class ResolutionTab(RefreshWhenShown, QWidget):
    """Reads and writes through the desk's services; loads when shown (arrowing through rows stays cheap)."""

    sig_incident_changed = Signal(str)
    """A write here changed the incident's fields (its version moved): the editor should reload it."""
    sig_open_incident = Signal(str)
    """The user wants to open this incident (a child)."""
    sig_postmortem_requested = Signal()
    """The user wants to see the postmortem tab."""

    def __init__(self, desk, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        # Dialogs go through this so tests answer them with real widgets, no modal loop.
        self.run_dialog: Callable[[QDialog], bool] = run_modal
        self.incident: Incident | None = None
        self._stale = True
        self._asked = 0  # counts refreshes: only the newest one's answer is shown
        self.export_dialog = None
        self._build()
        self._connect_signals()

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its controls take the keyboard, and scroll it into view
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        page = QWidget()
        col = QVBoxLayout(page)
        col.setContentsMargins(6, 8, 6, 6)
        self.banner = Banner(page)
        col.addWidget(self.banner)

        box = QGroupBox(translate("ResolutionTab", "Resolution"), page)
        form = QFormLayout(box)
        self.code_label, self.notes_label = _label(box), _label(box)
        form.addRow(translate("ResolutionTab", "Code:"), self.code_label)
        form.addRow(translate("ResolutionTab", "Notes:"), self.notes_label)
        cause_row = QWidget(box)
        row = QHBoxLayout(cause_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.cause_combo = QComboBox(cause_row)
        self.cause_combo.setAccessibleName(translate("ResolutionTab", "Root cause"))
        self.cause_combo.addItem(translate("ResolutionTab", "Not recorded"), "")
        for category in ROOT_CAUSE_CATEGORIES:
            self.cause_combo.addItem(category.capitalize(), category)
        self.cause_button = QPushButton(translate("ResolutionTab", "Set root cause"), cause_row)
        row.addWidget(self.cause_combo, 1)
        row.addWidget(self.cause_button)
        form.addRow(translate("ResolutionTab", "Root cause:"), cause_row)
        col.addWidget(box)

        box = QGroupBox(translate("ResolutionTab", "Caller confirmation"), page)
        lay = QVBoxLayout(box)
        self.confirmation_label = _label(box)
        lay.addWidget(self.confirmation_label)
        self.confirm_button = QPushButton(translate("ResolutionTab", "Caller &confirmed the fix…"), box)
        self.dispute_button = QPushButton(translate("ResolutionTab", "Caller says it is &not fixed…"), box)
        self.dispute_button.setToolTip(translate("ResolutionTab", "Reopens the incident with the caller's words"))
        lay.addLayout(_row(self.confirm_button, self.dispute_button))
        col.addWidget(box)

        box = QGroupBox(translate("ResolutionTab", "Closing"), page)
        lay = QVBoxLayout(box)
        self.closing_label = _label(box)
        lay.addWidget(self.closing_label)
        col.addWidget(box)

        box = QGroupBox(translate("ResolutionTab", "Child incidents"), page)
        lay = QVBoxLayout(box)
        self.children_label = _label(box)
        self.children_list = QListWidget(box)
        self.children_list.setMaximumHeight(120)
        lay.addWidget(self.children_label)
        lay.addWidget(self.children_list)
        col.addWidget(box)

        box = QGroupBox(translate("ResolutionTab", "Problem"), page)
        lay = QVBoxLayout(box)
        self.problem_label = _label(box)
        lay.addWidget(self.problem_label)
        self.link_problem_button = QPushButton(translate("ResolutionTab", "&Link to a problem…"), box)
        self.unlink_problem_button = QPushButton(translate("ResolutionTab", "Unlink"), box)
        lay.addLayout(_row(self.link_problem_button, self.unlink_problem_button))
        col.addWidget(box)

        box = QGroupBox(translate("ResolutionTab", "Postmortem and report"), page)
        lay = QVBoxLayout(box)
        self.postmortem_label = _label(box)
        lay.addWidget(self.postmortem_label)
        self.postmortem_button = QPushButton(translate("ResolutionTab", "Open the postmortem"), box)
        self.export_button = QPushButton(translate("ResolutionTab", "&Export report…"), box)
        self.export_button.setToolTip(translate("ResolutionTab",
                                                "The closure report or postmortem as PDF, HTML or Markdown, for the "
                                                "team "
                                      "or for customers"))
        lay.addLayout(_row(self.postmortem_button, self.export_button))
        col.addWidget(box)
        col.addStretch(1)
        scroll.setWidget(page)
        outer.addWidget(scroll)

    def _connect_signals(self) -> None:
        self.cause_button.clicked.connect(self._on_cause_clicked)
        self.confirm_button.clicked.connect(self._on_confirm_clicked)
        self.dispute_button.clicked.connect(self._on_dispute_clicked)
        self.link_problem_button.clicked.connect(self._on_link_problem_clicked)
        self.unlink_problem_button.clicked.connect(self._on_unlink_problem_clicked)
        self.postmortem_button.clicked.connect(self.sig_postmortem_requested)
        self.export_button.clicked.connect(self._on_export_clicked)
        self.children_list.itemActivated.connect(self._on_child_activated)

    # ---- loading ----------------------------------------------------------------------------------

    def set_incident(self, incident: Incident | None) -> None:
        """Show ``incident`` (loaded now if the tab is visible, else when it is next shown)."""
        self.incident = incident
        self.mark_stale()

    def refresh(self) -> None:
        self._stale = False
        inc = self.incident
        if inc is None:
            return
        self._asked += 1
        asked = self._asked
        try:
            shown = ops_for(self.desk).run_read(lambda: self._read(inc))
        except (DomainError, StorageError) as exc:
            if asked == self._asked and self.incident is inc:
                self.banner.show_message(str(exc), "error")
            return
        if asked != self._asked or self.incident is not inc:
            return  # another incident (or a newer refresh) was asked for while this was read: it shows that
        self._fill(inc, shown)

    def _read(self, inc: Incident) -> _Shown:
        """Everything the tab shows besides the incident itself; runs on the desk's network reader on
        PostgreSQL, so it touches no widget."""
        desk = self.desk
        closer = None
        if inc.status == Status.CLOSED:
            closer = next((e.actor for e in desk.incidents.timeline(inc.key)
                           if e.kind == "status" and e.new_value == Status.CLOSED.slug), None)
        children = tuple(link for link in desk.incidents.links(inc.key)
                         if link.kind == LinkKind.PARENT_OF and link.from_key == inc.key)
        return _Shown(children=children, problem=desk.problems.problem_of(inc.id),
                      postmortem=desk.postmortems.get(inc.key), policy=desk.settings.closure_policy(), closer=closer)

    def _fill(self, inc: Incident, shown: _Shown) -> None:
        actor = self.desk.actor
        resolved = inc.status in (Status.RESOLVED, Status.CLOSED)
        self.code_label.setText(inc.resolution_code.capitalize() if inc.resolution_code else translate("ResolutionTab",
                "Not resolved yet"))
        self.notes_label.setText(inc.resolution_notes or "-")
        self.cause_combo.setCurrentIndex(max(0, self.cause_combo.findData(inc.root_cause or "")))
        may_cause = inc.status != Status.CANCELLED and actor.can("incident.edit") and \
            (inc.status != Status.CLOSED or actor.can("incident.close"))
        self.cause_combo.setEnabled(may_cause)
        self.cause_button.setEnabled(may_cause)

        if inc.caller_confirmed_at:
            self.confirmation_label.setText(translate("ResolutionTab",
                                                      "Confirmed {when}: {caller_confirmation}").format(when=_when(
                    inc.caller_confirmed_at), caller_confirmation=inc.caller_confirmation))
        elif resolved:
            self.confirmation_label.setText(translate("ResolutionTab",
                                                      "Not recorded. Ask the caller whether the fix works."))
        else:
            self.confirmation_label.setText(translate("ResolutionTab", "Asked for once the incident is resolved."))
        self.confirm_button.setEnabled(resolved and actor.can("incident.transition"))
        self.dispute_button.setEnabled(inc.status == Status.RESOLVED and actor.can("incident.transition"))

        self.closing_label.setText(self._closing_text(inc, shown.policy, shown.closer))
        self._fill_children(inc, shown.children)

        problem = shown.problem
        if problem is not None:
            text = f"{problem.key} · {problem.status.label} · {problem.title}"
            if problem.workaround:
                text += translate("ResolutionTab", "\nWorkaround: {workaround}").format(workaround=problem.workaround)
            self.problem_label.setText(text)
        else:
            self.problem_label.setText(translate("ResolutionTab",
                                                 "Not linked to a problem. Link it when incidents like this recur."))
        self.link_problem_button.setEnabled(problem is None and actor.can("problem.manage"))
        self.unlink_problem_button.setEnabled(problem is not None and actor.can("problem.manage"))
        self._problem_key = problem.key if problem else None

        pm = shown.postmortem
        required = shown.policy.requires_postmortem(inc.priority)
        if pm is not None:
            status = translate("ResolutionTab", "{status} (required)").format(status=pm.status.label) \
                if pm.required else pm.status.label
            author = pm.author or translate("ResolutionTab", "nobody yet")
            if pm.approver:
                text = translate("ResolutionTab", "Postmortem: {status}; written by {author}, approved by {approver}.")
            else:
                text = translate("ResolutionTab", "Postmortem: {status}; written by {author}.")
            self.postmortem_label.setText(text.format(status=status, author=author, approver=pm.approver))
        elif required:
            self.postmortem_label.setText(translate("ResolutionTab",
                                                    "A postmortem is required for {label}: it starts as a draft when "
                                                    "the incident is resolved.").format(label=inc.priority.label))
        else:
            self.postmortem_label.setText(translate("ResolutionTab",
                                                    "No postmortem (optional for this priority); start one on the "
                                          "Postmortem tab once the incident is resolved."))

    @staticmethod
    def _closing_text(inc: Incident, policy: ClosurePolicy, closer: str | None) -> str:
        if inc.status == Status.CLOSED:
            if closer == AUTO_CLOSE_ACTOR:
                return translate("ResolutionTab", "Closed {when} automatically (policy).").format(
                    when=_when(inc.closed_at))
            return translate("ResolutionTab", "Closed {when} by {who}.").format(
                when=_when(inc.closed_at), who=closer or translate("ResolutionTab", "someone"))
        if inc.status == Status.CANCELLED:
            return translate("ResolutionTab", "Cancelled {when}: {reason}").format(when=_when(inc.closed_at),
                    reason=inc.cancel_reason or '-')
        resolved = inc.status == Status.RESOLVED
        due = policy.auto_close_at(inc.resolved_at) if inc.resolved_at and resolved else None
        lead = translate("ResolutionTab", "A lead may close it now") if resolved else translate("ResolutionTab",
                "Once resolved, a lead closes it")
        if due is not None:
            return translate("ResolutionTab",
                             "{lead}, or the desk closes it by itself on {when} ({auto_close_days} days after "
                             "resolution). A reopen before then continues this incident.").format(lead=lead, when=_when(
                    due), auto_close_days=policy.auto_close_days)
        if not policy.auto_close_days:
            return translate("ResolutionTab",
                             "{lead}; the desk never closes resolved incidents by itself (policy).").format(lead=lead)
        return translate("ResolutionTab",
                         "{lead}, or the desk closes it {auto_close_days} days after resolution (policy).").format(
                lead=lead, auto_close_days=policy.auto_close_days)

    def _fill_children(self, inc: Incident, children: tuple[Link, ...]) -> None:
        self.children_list.clear()
        open_ones = sum(1 for c in children if c.to_status is not None and c.to_status.is_open)
        for link in children:
            status = link.to_status.label if link.to_status else "?"
            item = QListWidgetItem(f"{link.to_key} · {status} · {link.to_title}")
            item.setData(Qt.ItemDataRole.UserRole, link.to_key)
            self.children_list.addItem(item)
        if not children:
            self.children_label.setText(translate("ResolutionTab", "No child incidents."))
        elif open_ones and inc.status.is_open:
            self.children_label.setText(translate("ResolutionTab",
                                                  "{open_ones} of {count} still open: resolving this incident offers "
                                                  "to resolve them the same way.").format(open_ones=open_ones,
                    count=len(children)))
        else:
            self.children_label.setText(translate("ResolutionTab",
                                                  "{open_ones} of {count} still open.").format(open_ones=open_ones,
                    count=len(children)))
        self.children_list.setVisible(bool(children))

    # ---- writes -----------------------------------------------------------------------------------

    def _write(self, call, *, bumps: bool = True) -> bool:
        key = self.incident.key
        ops = ops_for(self.desk)
        try:
            ops.run_write(call)  # on the desk's writer thread; the window paints on
        except (DomainError, StorageError) as exc:
            self.banner.show_message(str(exc), "error")
            return False
        self.banner.clear()
        if self.incident is None or self.incident.key != key:
            return True  # another incident was opened while this was written: the tab shows that one
        try:
            incident = ops.run_read(lambda: self.desk.incidents.get_incident(key))
        except (DomainError, StorageError) as exc:
            self.banner.show_message(str(exc), "error")
            return True
        if self.incident is None or self.incident.key != key:
            return True
        self.incident = incident
        self.refresh()
        if bumps:
            self.sig_incident_changed.emit(key)
        return True

    def set_root_cause(self, category: str | None) -> bool:
        inc = self.incident
        return self._write(lambda: self.desk.incidents.set_root_cause(
            actor=self.desk.actor, key=inc.key, category=category, expected_version=inc.version))

    def confirm(self, note: str) -> bool:
        inc = self.incident
        return self._write(lambda: self.desk.incidents.confirm_resolution(
            actor=self.desk.actor, key=inc.key, note=note, expected_version=inc.version))

    def dispute(self, note: str) -> bool:
        inc = self.incident
        return self._write(lambda: self.desk.incidents.confirm_resolution(
            actor=self.desk.actor, key=inc.key, confirmed=False, note=note, expected_version=inc.version))

    @Slot()
    def _on_cause_clicked(self) -> None:
        if self.incident is not None:
            self.set_root_cause(self.cause_combo.currentData() or None)

    @Slot()
    def _on_confirm_clicked(self) -> None:
        if self.incident is None:
            return
        dialog = NoteDialog(translate("ResolutionTab", "{key}: the caller confirmed").format(key=self.incident.key),
                            translate("ResolutionTab", "What the caller said:"), translate("ResolutionTab",
                "Record"), self,
                            placeholder=translate("ResolutionTab", "e.g. 'Printing works again' (optional)"))
        if self.run_dialog(dialog):
            self.confirm(dialog.text())
        dialog.deleteLater()

    @Slot()
    def _on_dispute_clicked(self) -> None:
        if self.incident is None:
            return
        dialog = NoteDialog(translate("ResolutionTab", "{key}: not fixed").format(key=self.incident.key),
                            translate("ResolutionTab", "What is still wrong:"), translate("ResolutionTab",
                "Reopen"), self,
                            placeholder=translate("ResolutionTab",
                                                  "The caller's words; they go on the timeline with the reopen"),
                            required=True)
        if self.run_dialog(dialog):
            self.dispute(dialog.text())
        dialog.deleteLater()

    @Slot()
    def _on_link_problem_clicked(self) -> None:
        inc = self.incident
        if inc is None:
            return
        try:
            problems = ops_for(self.desk).run_read(lambda: self.desk.problems.list(statuses=("open", "known_error")))
        except (DomainError, StorageError) as exc:
            self.banner.show_message(str(exc), "error")
            return
        if self.incident is None or self.incident.key != inc.key:
            return  # another incident was opened while the problems were read
        dialog = ProblemDialog(problems, [self.incident.key], self)
        if self.run_dialog(dialog):
            self.link_problem(dialog.existing(), dialog.values())
        dialog.deleteLater()

    def link_problem(self, existing: str | None, values: dict) -> bool:
        key = self.incident.key
        if existing:
            return self._write(lambda: self.desk.problems.link(actor=self.desk.actor, key=existing, incidents=[key]),
                               bumps=False)
        return self._write(lambda: self.desk.problems.create(actor=self.desk.actor, incidents=[key], **values),
                           bumps=False)

    @Slot()
    def _on_unlink_problem_clicked(self) -> None:
        if self.incident is not None and self._problem_key:
            key, problem = self.incident.key, self._problem_key
            self._write(lambda: self.desk.problems.unlink(actor=self.desk.actor, key=problem, incident=key),
                        bumps=False)

    @Slot()
    def _on_export_clicked(self) -> None:
        if self.incident is None:
            return
        from incident_desk.ui.dialogs.report_dialogs import open_export_dialog
        self.export_dialog = open_export_dialog(self.desk, self.incident.key, self)

    @Slot(QListWidgetItem)
    def _on_child_activated(self, item: QListWidgetItem) -> None:
        self.sig_open_incident.emit(item.data(Qt.ItemDataRole.UserRole))
