"""Closure in the main window: the Problems and Action items tabs, and the actions that create a problem from
the table's selection, export an incident's report, write the monthly review and edit the closure policy."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from incident_desk.domain.incident import DomainError
from incident_desk.services.errors import StorageError
from incident_desk.ui.i18n import translate
from incident_desk.ui.ops import ops_for
from incident_desk.ui.widgets.lazy_tab import LazyTab

MAX_SELECTED = 200  # a problem groups a handful of incidents, not a whole view


class ClosureActions(QObject):
    """Built by the main window; adds its tabs, menu entries and connections, and holds the open dialogs."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        # The window is reached through parent(), never held: a Python reference back to it would make a
        # cycle only the garbage collector frees, on whatever thread it runs (a worker's, deleting widgets).
        self.desk = window.desk
        self.problems_tab = LazyTab(self._make_problems, window)
        self.actions_tab = LazyTab(self._make_action_items, window)
        window.tabs.addTab(self.problems_tab, translate("ClosureActions", "Problems"))
        window.tabs.addTab(self.actions_tab, translate("ClosureActions", "Action items"))
        self.dialog = None
        self._problem_keys: list[str] = []
        self._reading_problems = False
        self.act_problem = self._action(translate("ClosureActions", "Create &problem from selection…"),
                                        self._on_create_problem,
                                        tip=translate("ClosureActions",
                                                      "Group the selected incidents under a problem record (new or "
                                                      "existing)"))
        self.act_export = self._action(translate("ClosureActions", "&Export report…"), self._on_export_report,
                                       tip=translate("ClosureActions",
                                                     "The selected incident's closure report or postmortem, as PDF, "
                                                     "HTML or "
                                           "Markdown, for the team or for customers"))
        self.act_review = self._action(translate("ClosureActions", "&Monthly review…"), self._on_monthly_review,
                                       tip=translate("ClosureActions",
                                                     "The month's review for team leads and the board (PDF, HTML, "
                                                     "Markdown)"))
        self.act_policy = self._action(translate("ClosureActions", "&Closure policy…"), self._on_closure_policy,
                                       tip=translate("ClosureActions",
                                                     "Which priorities need a postmortem; when resolved incidents "
                                                     "close"))
        self.act_show_problems = self._action(translate("ClosureActions", "&Problems"), self._on_show_problems,
                                              shortcut="Ctrl+3",
                                              tip=translate("ClosureActions", "Show the problem records"))
        self.act_show_actions = self._action(translate("ClosureActions", "Action i&tems"), self._on_show_actions,
                                             shortcut="Ctrl+4",
                                             tip=translate("ClosureActions", "Show my and all open action items"))
        menus = {m.title(): m for m in (a.menu() for a in window.menuBar().actions()) if isinstance(m, QMenu)}
        incident_menu, view_menu = menus.get("&Incident"), menus.get("&View")
        if incident_menu is not None:
            incident_menu.addSeparator()
            incident_menu.addActions([self.act_problem, self.act_export])
        if view_menu is not None:
            view_menu.addActions([self.act_show_problems, self.act_show_actions])
        window.tools_menu.addSeparator()
        window.tools_menu.addActions([self.act_review, self.act_policy])
        window.bridge.sig_data_changed.connect(self._on_data_changed)

    @property
    def window(self) -> QMainWindow:
        return self.parent()

    def _action(self, text: str, slot, *, shortcut: str | None = None, tip: str = "") -> QAction:
        act = QAction(text, self.window)
        if shortcut:
            act.setShortcut(QKeySequence(shortcut))
        act.setToolTip(tip or text.replace("&", "").rstrip("…"))
        act.setStatusTip(tip)
        act.triggered.connect(slot)
        self.window.addAction(act)
        return act

    # ---- the tabs ---------------------------------------------------------------------------------

    def _make_problems(self, parent):
        from incident_desk.ui.widgets.problems_view import ProblemsView
        view = ProblemsView(self.desk, parent)
        view.sig_open_incident.connect(self._on_open_incident)
        return view

    def _make_action_items(self, parent):
        from incident_desk.ui.widgets.action_items_view import ActionItemsView
        view = ActionItemsView(self.desk, parent)
        view.sig_open_incident.connect(self._on_open_incident)
        return view

    @Slot(str)
    def _on_open_incident(self, key: str) -> None:
        self.window.select_incident(key)

    @Slot()
    def _on_show_problems(self) -> None:
        self.window.tabs.setCurrentWidget(self.problems_tab)

    @Slot()
    def _on_show_actions(self) -> None:
        self.window.tabs.setCurrentWidget(self.actions_tab)

    @Slot()
    def _on_data_changed(self) -> None:
        for tab in (self.problems_tab, self.actions_tab):
            if tab.is_built():
                tab.content.mark_stale()

    # ---- actions ----------------------------------------------------------------------------------

    def selected_keys(self) -> list[str]:
        return self.window.table.selected_keys(limit=MAX_SELECTED)

    @Slot()
    def _on_create_problem(self) -> None:
        try:
            keys = self.selected_keys()
        except ValueError as exc:
            self.window.status_message(str(exc))
            return
        if not keys:
            self.window.status_message(translate("ClosureActions",
                                                 "Select the incidents of the problem in the table first."))
            return
        from incident_desk.ui.dialogs.closure_dialogs import ProblemDialog
        if self._reading_problems:
            return  # asked twice while the first read runs: one dialog is enough
        self._reading_problems = True
        try:
            problems = ops_for(self.desk).run_read(lambda: self.desk.problems.list(statuses=("open", "known_error")))
        except (DomainError, StorageError) as exc:
            self.window.status_message(str(exc))
            return
        finally:
            self._reading_problems = False
        dialog = ProblemDialog(problems, keys, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._on_problem_accepted)
        self._problem_keys = keys
        self.dialog = dialog
        dialog.open()

    @Slot()
    def _on_problem_accepted(self) -> None:
        dialog = self.sender()
        self.create_problem(dialog.existing(), dialog.values(), self._problem_keys)

    def create_problem(self, existing: str | None, values: dict, keys: list[str]) -> str | None:
        """Link ``keys`` to ``existing``, or to a new problem made of ``values``; the key, or None on error."""
        def write():
            if existing:
                return self.desk.problems.link(actor=self.desk.actor, key=existing, incidents=keys)
            return self.desk.problems.create(actor=self.desk.actor, incidents=keys, **values)
        try:
            problem = ops_for(self.desk).run_write(write)
        except (DomainError, StorageError) as exc:
            self.window.status_message(translate("ClosureActions", "Not linked: {exc}").format(exc=exc), 15_000)
            return None
        self.window.status_message(self.tr("{key} now groups %n incidents.", "",
                                             problem.incident_count).format(key=problem.key))
        if self.problems_tab.is_built():
            self.problems_tab.content.mark_stale()
        return problem.key

    @Slot()
    def _on_export_report(self) -> None:
        key = self.window.table.current_key()
        if not key:
            self.window.status_message(translate("ClosureActions", "Select an incident first."))
            return
        from incident_desk.ui.dialogs.report_dialogs import open_export_dialog
        self.dialog = open_export_dialog(self.desk, key, self.window)

    @Slot()
    def _on_monthly_review(self) -> None:
        from incident_desk.ui.dialogs.report_dialogs import MonthlyReviewDialog
        self._open(MonthlyReviewDialog(self.desk, self.window))

    @Slot()
    def _on_closure_policy(self) -> None:
        # The closure policy is a page of the one Settings dialog (ui/dialogs/settings/closure.py).
        from incident_desk.ui.dialogs.settings import open_settings
        self.dialog = open_settings(self.window, page="ClosurePage")

    def _open(self, dialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
