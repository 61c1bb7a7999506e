"""The desk's main window: views, filter bar, incident table, detail panel, menus, toolbar, status bar."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QSettings, QSignalBlocker, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QLabel,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from incident_desk.config import EDITOR_DRAFTS_GROUP
from incident_desk.domain.incident import DomainError, IncidentFilter, Status, allowed_transitions, key_in_text
from incident_desk.services.desk import Desk
from incident_desk.services.errors import StorageError
from incident_desk.ui import focus, icons, theme
from incident_desk.ui.bridge import DeskBridge
from incident_desk.ui.drafts import IncidentDrafts
from incident_desk.ui.i18n import translate
from incident_desk.ui.models.incident_table_model import IncidentTableModel
from incident_desk.ui.models.saved_views import SavedView, ViewStore
from incident_desk.ui.people import FormChoices, PeopleDirectory
from incident_desk.ui.plain import plain_label, tooltip
from incident_desk.ui.transfer_actions import TransferActions
from incident_desk.ui.widgets.filter_bar import FilterBar
from incident_desk.ui.widgets.incident_table import IncidentTable
from incident_desk.ui.widgets.lazy_tab import LazyTab
from incident_desk.ui.widgets.views_panel import ViewsPanel

if TYPE_CHECKING:
    from incident_desk.ui.detail.editor import IncidentDetailEditor


DEFAULT_VIEW = "All open"
REFRESH_DELAY_MS = 150
COUNTS_FALLBACK_MS = 1000
# The detail panel's usable minimum: Save, Revert and the workflow buttons (which wrap) stay whole down
# to this width; the splitter never goes below it, so the panel cannot be squeezed into a sliver.
DETAIL_MIN_WIDTH = 360
DETAIL_DEFAULT_WIDTH = 420
TABLE_MIN_WIDTH = 320
VIEWS_DEFAULT_WIDTH = 200
# Without a saved layout the window takes this much of the screen it opens on, and never more.
SCREEN_SHARE = 0.92


class MainWindow(QMainWindow):
    """Lays out the desk's widgets and wires them together; behaviour lives in those widgets."""

    sig_first_page_painted = Signal()
    """The table's first page is on screen: work that should not delay it may start."""

    def __init__(self, desk: Desk, bridge: DeskBridge, settings: QSettings, parent: QWidget | None = None,
                 *, use_workers: bool = True):
        super().__init__(parent)
        self.desk = desk
        self.bridge = bridge
        self.settings = settings
        self.view_store = ViewStore(settings)
        self.detail_windows: list = []
        self.log_dialog = None
        self.policy_dialog = None
        self.about_dialog = None  # Help -> About and the F1 help page: modeless, made on first use
        self.help_window = None
        self.settings_dialog = None
        self.switch_to: str | None = None  # File -> Switch database…: app.py reopens on this one
        self._active_view: SavedView | None = None
        self._splitter_state = None
        self.setObjectName("mainWindow")
        self.setWindowTitle(translate("MainWindow",
                                      "Incident Desk — {display_name}").format(display_name=desk.store.display_name))
        self.setWindowIcon(icons.app_icon())

        # Who is who, read once (a few users): the table, the filters and the editor show display names.
        self.people = bridge.ops.run_read(lambda: PeopleDirectory.of(desk))
        self.form_choices: FormChoices | None = None  # the editors' lists, once _load_choices has read them
        self.model = IncidentTableModel(desk.incidents, clock=desk.clock, sla_policy=desk.settings.sla_policy(),
                                        use_workers=use_workers, run_read=bridge.ops.run_read,
                                        name=self.people.name, parent=self)
        # The live counts of every view wait until the first page is painted: on two cores they
        # otherwise compete with it (and with building this window) for the CPU and the GIL.
        self.views = ViewsPanel(desk.incidents, username=desk.actor.username, clock=desk.clock,
                                view_store=self.view_store, count_now=False, parent=self)
        self.first_page_painted = False
        self._deferred_started = False
        self.filter_bar = FilterBar(desk.clock, self)
        self.table = IncidentTable(self.model, self)
        self.incidents_page = QWidget(self)
        page_layout = QVBoxLayout(self.incidents_page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.setSpacing(0)
        page_layout.addWidget(self.filter_bar)
        page_layout.addWidget(self.table)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.incidents_page, translate("MainWindow", "Incidents"))
        self.metrics_tab = None
        # Dialogs being built: their constructors read through run_read, and on PostgreSQL the window takes
        # clicks while they wait; a second click on the same action then opens no second dialog.
        self._opening: set[str] = set()
        self.tabs.addTab(QWidget(self), translate("MainWindow", "Metrics"))  # replaced by the real tab when first shown
        # The editor is built when first needed (see the editor property): a third of this window's
        # widgets, and nothing of the first painted page. Its panel scrolls down, never across: below
        # DETAIL_MIN_WIDTH the splitter stops, so Save and the workflow buttons are always whole.
        self._editor: IncidentDetailEditor | None = None
        self.detail_panel = QScrollArea(self)
        self.detail_panel.setObjectName("detailPanel")
        self.detail_panel.setWidgetResizable(True)
        self.detail_panel.setFrameShape(QFrame.Shape.NoFrame)
        self.detail_panel.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.detail_panel.setMinimumWidth(DETAIL_MIN_WIDTH)
        self.detail_panel.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a Tab stop of its own would show nothing
        self.detail_panel.setWidget(self._empty_detail())
        self.tabs.setMinimumWidth(TABLE_MIN_WIDTH)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.detail_panel)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self._splitter_sized = False
        self._incidents_split: list[int] | None = None  # the sizes to come back to from the Metrics tab
        self.setCentralWidget(self.splitter)
        # The views sit in a dock on the left; the notification panel, when the alerts start, goes
        # under them (dock_notifications) rather than taking another column of a laptop's width.
        self.views_dock = QDockWidget(translate("MainWindow", "Views"), self)
        self.views_dock.setObjectName("viewsDock")
        self.views_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.views_dock.setWidget(self.views)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.views_dock)
        self.resizeDocks([self.views_dock], [VIEWS_DEFAULT_WIDTH], Qt.Orientation.Horizontal)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._select_timer = QTimer(self)
        self._select_timer.setSingleShot(True)
        self._select_timer.setInterval(120)  # arrowing through rows loads the editor once, at the end
        # A timer of the window's own, not a pending Python call: one of those holding the window would
        # keep it from being freed by reference counting (test_closure_gui).
        self._late_tab_pages: list[QWidget] = []
        self._late_tab_timer = QTimer(self)
        self._late_tab_timer.setSingleShot(True)
        self._late_tab_timer.setInterval(0)

        self._tab_in_reading_order(self.views.tree, self.tabs, self.tabs.tabBar(), self.filter_bar.search)
        self._build_status_bar()
        self._build_actions()
        self._build_menus_and_toolbar()
        from incident_desk.ui.widgets.closure_actions import ClosureActions
        self.closure = ClosureActions(self)  # problems, action items, reports, closure policy
        self._connect_signals()
        self._fit_to_screen()
        self.restore_settings()
        self.table.sig_painted.connect(self._on_table_painted)
        # Counts and choices load anyway if the table is never painted (a window that is not shown).
        QTimer.singleShot(COUNTS_FALLBACK_MS, self._start_deferred)

    @staticmethod
    def _tab_in_reading_order(*widgets: QWidget) -> None:
        """Tab goes from pane to pane as they are read: the views (and the notifications under them), the
        Incidents/Metrics tabs, the search and filters, the table, then the detail panel."""
        for before, after in zip(widgets, widgets[1:]):
            QWidget.setTabOrder(before, after)

    @Slot()
    def _on_table_painted(self) -> None:
        if self.first_page_painted or self.model.is_loading():
            return
        self.first_page_painted = True
        self.table.sig_painted.disconnect(self._on_table_painted)
        QTimer.singleShot(0, self._on_first_page_painted)

    @Slot()
    def _on_first_page_painted(self) -> None:
        self._start_deferred()
        self.sig_first_page_painted.emit()

    @Slot()
    def _start_deferred(self) -> None:
        """What waits for the first page: the filter bar's lists (three queries), the views' counts and
        the note about edits kept from before a crash."""
        if self._deferred_started:
            return
        self._deferred_started = True
        # Public-update cadence in the SLA column: the communication service and a read over every open
        # major incident, neither needed for the first page.
        desk = self.desk
        self.model.set_comms_reader(lambda: desk.communication.cadence_due())
        self._load_choices()
        self.views.start_counts()
        self._mention_kept_drafts()

    def _mention_kept_drafts(self) -> None:
        """Say which incidents have edits kept from a desk that closed before they were saved."""
        keys = IncidentDrafts(self.settings, EDITOR_DRAFTS_GROUP).keys()
        if keys:
            shown = ", ".join(keys[:5]) if len(keys) <= 5 else self.tr("{keys} and %n more", "", len(keys) - 5).format(
                keys=", ".join(keys[:5]))
            self.status_message(translate("MainWindow",
                                          "Unsaved changes kept from before the desk closed: {shown}. Open an "
                                          "incident to see and save them.").format(shown=shown), 30_000)

    @property
    def editor(self) -> IncidentDetailEditor:
        """The detail panel's editor, built on first use."""
        if self._editor is None:
            from incident_desk.ui.detail.editor import IncidentDetailEditor
            editor = IncidentDetailEditor(self.desk, self, settings=self.settings, choices=self.form_choices)
            editor.sig_close_requested.connect(self._on_back_to_table)
            editor.sig_open_incident.connect(self.select_incident)
            self._editor = editor
            self.detail_panel.setWidget(editor)  # the scroll area deletes the empty state
        return self._editor

    def _editor_key(self) -> str | None:
        """The key in the detail panel, without building the editor for the question."""
        return self._editor.current_key() if self._editor is not None else None

    def _empty_detail(self) -> QWidget:
        empty = QWidget(self)
        empty.setObjectName("detailEmpty")
        col = QVBoxLayout(empty)
        col.setContentsMargins(16, 16, 16, 16)
        title = QLabel(translate("MainWindow", "No incident selected"), empty)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() + 3)
        font.setBold(True)
        title.setFont(font)
        hint = QLabel(translate("MainWindow",
                                "Choose an incident in the list (Enter opens it), or log a new one with "
                                "Ctrl+N."), empty)
        hint.setWordWrap(True)
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        col.addWidget(title)
        col.addWidget(hint)
        col.addStretch(1)
        return empty

    # ---- layout pieces -----------------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        # Names and paths are someone's text: shown as typed, never as markup; a password never shown.
        self.db_label = plain_label(translate("MainWindow",
                                              "Database: {display_name}").format(
                display_name=self.desk.store.display_name), self)
        self.db_label.setToolTip(tooltip(self.desk.store.safe_url))
        self.user_label = plain_label(translate("MainWindow",
                                                "Signed in: {display_name} ({role})").format(
                display_name=self.desk.actor.display_name, role=self.desk.actor.role), self)
        self.rows_label = QLabel("", self)
        # Shown while a write waits on the database (ui/ops.py): the window paints on, and says why
        # the save has not finished yet.
        self.waiting_label = QLabel("", self)
        theme.style(self.waiting_label, "waiting")
        self.waiting_label.hide()
        # Team database: said while the server is away (the window keeps what was typed meanwhile).
        self.connection_label = QLabel("", self)
        theme.style(self.connection_label, "error")
        self.connection_label.hide()
        for w in (self.connection_label, self.waiting_label, self.rows_label, self.user_label, self.db_label):
            w.setContentsMargins(8, 0, 8, 0)
            bar.addPermanentWidget(w)

    def _action(self, text: str, slot, *, shortcut=None, icon: str | None = None, tip: str = "",
                context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut) -> QAction:
        act = QAction(text, self)
        if icon:
            act.setIcon(icons.action_icon(icon))
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
            act.setShortcutContext(context)
        tip_text = tip or text.replace("&", "").rstrip("…")
        if shortcut is not None:
            tip_text += f" ({act.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
        act.setToolTip(tip_text)
        act.setStatusTip(tip or text.replace("&", ""))
        act.triggered.connect(slot)
        return act

    def _build_actions(self) -> None:
        local = Qt.ShortcutContext.WidgetWithChildrenShortcut
        a = self._action
        self.act_log = a(translate("MainWindow", "&Log incident…"), self._on_log_incident, shortcut="Ctrl+N",
                         icon="new",
                         tip=translate("MainWindow", "Log a new incident"))
        self.act_search = a(translate("MainWindow", "&Search"), self._on_focus_search, shortcut="Ctrl+F", icon="search",
                            tip=translate("MainWindow", "Search incidents by title, description and comments"))
        self.act_open = a(translate("MainWindow", "&Open incident"), self._on_open_current, shortcut=Qt.Key.Key_Return,
                          context=local,
                          tip=translate("MainWindow", "Open the selected incident in the detail panel"))
        self.act_open_window = a(translate("MainWindow", "Open in new &window"), self._on_open_window,
                                 shortcut="Ctrl+Shift+O",
                                 icon="window", tip=translate("MainWindow",
                                         "Open the selected incident in a window of its own"))
        # Save and Esc are local to the table area: inside the editor its own shortcuts answer.
        self.act_save = a(translate("MainWindow", "&Save"), self._on_save, shortcut=QKeySequence.StandardKey.Save,
                          icon="save",
                          context=local, tip=translate("MainWindow", "Save the changes in the detail panel"))
        self.act_back = a(translate("MainWindow", "&Back to table"), self._on_back_to_table,
                          shortcut=Qt.Key.Key_Escape, context=local,
                          tip=translate("MainWindow", "Leave the search box or the editor and return to the table"))
        self.act_ack = a(translate("MainWindow", "&Acknowledge"), self._on_acknowledge, shortcut="Ctrl+Shift+A",
                         icon="acknowledge",
                         tip=translate("MainWindow", "Acknowledge the selected incident"))
        self.act_resolve = a(translate("MainWindow", "&Resolve…"), self._on_resolve, shortcut="Ctrl+Shift+R",
                             icon="resolve",
                             tip=translate("MainWindow", "Resolve the selected incident (asks for a code and notes)"))
        self.act_assign_me = a(translate("MainWindow", "Assign to &me"), self._on_assign_to_me,
                               shortcut="Ctrl+Shift+M", icon="assign_me",
                               tip=translate("MainWindow", "Assign the selected incident to yourself"))
        self.act_refresh = a(translate("MainWindow", "&Refresh"), self._on_refresh_now,
                             shortcut=QKeySequence.StandardKey.Refresh,
                             icon="refresh", tip=translate("MainWindow", "Re-read the incidents and counts"))
        self.act_save_view = a(translate("MainWindow", "Save &view as…"), self._on_save_view, shortcut="Ctrl+Shift+S",
                               icon="save_view",
                               tip=translate("MainWindow",
                                             "Save the current filter, sort and columns as a view of your own"))
        self.act_columns = a(translate("MainWindow", "&Columns…"), self._on_columns_menu, icon="columns",
                             tip=translate("MainWindow", "Choose which columns the table shows"))
        self.act_toggle_detail = a(translate("MainWindow", "&Detail panel"), self._on_toggle_detail, shortcut="Ctrl+D",
                                   tip=translate("MainWindow", "Show or hide the detail panel"))
        self.act_toggle_detail.setCheckable(True)
        self.act_toggle_detail.setChecked(True)
        self.act_metrics = a(translate("MainWindow", "&Metrics"), self._on_show_metrics, shortcut="Ctrl+2",
                             tip=translate("MainWindow", "Show the metrics tab"))
        self.act_incidents = a(translate("MainWindow", "&Incidents"), self._on_show_incidents, shortcut="Ctrl+1",
                               tip=translate("MainWindow", "Show the incident table"))
        self.act_quit = a(translate("MainWindow", "&Quit"), self.close, shortcut=QKeySequence.StandardKey.Quit,
                          tip=translate("MainWindow", "Close Incident Desk"))
        self.act_about = a(translate("MainWindow", "&About Incident Desk"), self._on_about, tip=translate("MainWindow",
                "Version, database and licences"))
        self.act_help = a(translate("MainWindow", "Incident Desk &help"), self._on_help,
                          shortcut=QKeySequence.StandardKey.HelpContents,
                          tip=translate("MainWindow",
                                        "Quick keys, the incident workflow and the metric definitions (offline)"))
        self.act_policies = a(translate("MainWindow", "SLA && &escalation policies…"), self._on_policies,
                              tip=translate("MainWindow",
                                            "Response and resolution targets, business calendar and escalation rules"))
        self.act_statuspage = a(translate("MainWindow", "&Publish status page…"), self._on_publish_statuspage,
                                tip=translate("MainWindow",
                                              "Write the static status page (public services, incidents and updates) "
                                    "into a folder"))
        self.act_statuspage_on_update = a(translate("MainWindow", "Publish the status page on every public &update"),
                                          self._on_statuspage_on_update_toggled,
                                          tip=translate("MainWindow",
                                                        "Each public update posted from this desk republishes the "
                                                        "page"))
        self.act_statuspage_on_update.setCheckable(True)
        from incident_desk.ui import statuspage_actions
        self.act_statuspage_on_update.setChecked(statuspage_actions.publish_on_update(self.settings))
        self.act_settings = a(translate("MainWindow", "&Settings…"), self._on_settings, shortcut="Ctrl+,",
                              tip=translate("MainWindow",
                                            "Appearance, notifications, priorities, categories, people, policies, "
                                            "backups"))
        self.act_switch = a(translate("MainWindow", "Switch &database…"), self._on_switch_database,
                            tip=translate("MainWindow", "Open another desk: a recent one, a file, or a team server"))
        self.act_oncall = a(translate("MainWindow", "&On-call schedule…"), self._on_oncall,
                            tip=translate("MainWindow",
                                          "Who is on call per team, the coming shifts, rotations and overrides"))
        for act in (self.act_save, self.act_back):
            self.incidents_page.addAction(act)
            self.views.addAction(act)
        # Enter opens only from the table, so Enter in the search box still searches at once.
        self.act_open.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.table.addAction(self.act_open)

    def _build_menus_and_toolbar(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(translate("MainWindow", "&File"))
        file_menu.addActions([self.act_log, self.act_save])
        file_menu.addSeparator()
        self.transfer = TransferActions(self)
        file_menu.addActions(self.transfer.actions())
        file_menu.addSeparator()
        file_menu.addAction(self.act_switch)
        file_menu.addAction(self.act_quit)
        inc_menu = bar.addMenu(translate("MainWindow", "&Incident"))
        inc_menu.addActions([self.act_open, self.act_open_window])
        inc_menu.addSeparator()
        inc_menu.addActions([self.act_ack, self.act_resolve, self.act_assign_me])
        view_menu = bar.addMenu(translate("MainWindow", "&View"))
        view_menu.addActions([self.act_search, self.act_back, self.act_refresh])
        view_menu.addSeparator()
        view_menu.addActions([self.act_save_view, self.act_columns, self.act_toggle_detail])
        view_menu.addSeparator()
        view_menu.addActions([self.act_incidents, self.act_metrics])
        self.tools_menu = bar.addMenu(translate("MainWindow", "&Tools"))
        self.tools_menu.addAction(self.act_settings)
        self.tools_menu.addAction(self.act_policies)
        self.tools_menu.addActions([self.act_statuspage, self.act_statuspage_on_update])
        self._add_team_actions()
        self.tools_menu.addAction(self.act_oncall)
        help_menu = bar.addMenu(translate("MainWindow", "&Help"))
        help_menu.addActions([self.act_help, self.act_about])
        self.toolbar = QToolBar(translate("MainWindow", "Main toolbar"), self)
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.addActions([self.act_log, self.act_save])
        self.toolbar.addSeparator()
        self.toolbar.addActions([self.act_ack, self.act_resolve, self.act_assign_me, self.act_open_window])
        self.toolbar.addSeparator()
        self.toolbar.addActions([self.act_search, self.act_refresh, self.act_save_view, self.act_columns])
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        self._apply_role()

    def _add_team_actions(self) -> None:
        """The audit trail (admins) and, on a team database, the signed-in person's password."""
        self.act_audit = self._action(translate("MainWindow", "&Audit trail…"), self._on_audit,
                                      tip=translate("MainWindow", "Sign-ins, failed sign-ins, refused "
                                      "actions and account changes"))
        self.act_password = self._action(translate("MainWindow", "Change &password…"), self._on_change_password,
                                         tip=translate("MainWindow", "Your password on this team database"))
        self.act_audit.setVisible(self.desk.actor.can("audit.view"))
        self.act_password.setVisible(self.desk.store.is_team)
        self.tools_menu.addSeparator()
        self.tools_menu.addActions([self.act_audit, self.act_password])

    def _apply_role(self) -> None:
        """What the role cannot do is not offered at all (a viewer sees no Log, Save or workflow
        buttons); the services refuse it regardless."""
        actor = self.desk.actor
        for act, permission in ((self.act_log, "incident.log"), (self.act_save, "incident.edit"),
                                (self.act_ack, "incident.transition"), (self.act_resolve, "incident.transition"),
                                (self.act_assign_me, "incident.assign")):
            act.setVisible(actor.can(permission))

    @Slot()
    def _on_audit(self) -> None:
        from incident_desk.ui.dialogs.audit_dialog import AuditDialog
        dialog = AuditDialog(self.desk, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    @Slot()
    def _on_change_password(self) -> None:
        from incident_desk.ui.dialogs.sign_in_dialog import ChangePasswordDialog
        dialog = ChangePasswordDialog(self.desk, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _load_choices(self) -> None:
        try:
            choices = self.bridge.ops.run_read(lambda: FormChoices.read(self.desk))
        except (DomainError, StorageError) as exc:
            self._on_load_failed(str(exc))
            return
        self.form_choices = choices
        categories, teams = choices.category_names, choices.teams  # retired ones too: old incidents have them
        self.filter_bar.set_choices(categories=categories, people=self.people.active(), teams=teams,
                                    me=self.desk.actor.username, me_label=self.desk.actor.display_name)

    def _connect_signals(self) -> None:
        self.views.sig_view_chosen.connect(self._on_view_chosen)
        self.views.sig_view_delete_requested.connect(self._on_delete_view)
        self.filter_bar.sig_filter_changed.connect(self._on_filter_changed)
        self.filter_bar.sig_key_entered.connect(self._on_key_entered)
        self.table.sig_current_changed.connect(self._on_current_changed)
        self.table.sig_incident_activated.connect(self._on_incident_activated)
        self.model.modelReset.connect(self._on_row_count_changed)
        self.model.rowsInserted.connect(self._on_row_count_changed)
        self.model.rowsRemoved.connect(self._on_row_count_changed)
        self.model.sig_load_failed.connect(self._on_load_failed)
        for signal in (self.model.modelReset, self.model.dataChanged, self.model.sig_refreshed):
            signal.connect(self._update_incident_actions)
        self.bridge.sig_incident_changed.connect(self._on_incident_changed)
        self.bridge.sig_database_changed.connect(self._on_database_changed)
        self.bridge.ops.sig_waiting_changed.connect(self._on_waiting_changed)
        self.bridge.sig_connection_changed.connect(self._on_connection_changed)
        self._refresh_timer.timeout.connect(self._on_refresh_due)
        self._select_timer.timeout.connect(self._on_load_selected)
        self._late_tab_timer.timeout.connect(self._on_late_tab_pages)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.transfer.sig_imported.connect(self._on_refresh_now)

    @Slot(bool, str)
    def _on_connection_changed(self, connected: bool, reason: str) -> None:
        if connected:
            self.connection_label.hide()
            self.status_message(translate("MainWindow", "Connected to the team server again; the desk has caught up."))
        else:
            self.connection_label.setText(translate("MainWindow",
                                                    "Team server unreachable: reconnecting… (what you type is kept)"))
            self.connection_label.setToolTip(tooltip(reason))
            self.connection_label.show()

    @Slot(str)
    def _on_load_failed(self, text: str) -> None:
        if not self.bridge.connection_in_doubt:  # else the connection state already says why
            self.status_message(text)

    @Slot(str)
    def _on_waiting_changed(self, text: str) -> None:
        self.waiting_label.setText(text)
        self.waiting_label.setVisible(bool(text))

    # ---- public API --------------------------------------------------------------------------------

    def status_message(self, text: str, timeout_ms: int = 8000) -> None:
        """Show a one-line message in the status bar (errors, confirmations, notifications)."""
        self.statusBar().showMessage(text, timeout_ms)

    def open_view(self, name: str) -> bool:
        """Switch to the view called ``name`` (built-in or the user's); False if there is none."""
        view = self.views.view_named(name)
        if view is None:
            return False
        self.views.select_view(view.name, emit=False)
        self._apply_view(view)
        return True

    def apply_filter(self, filters: IncidentFilter, *, label: str | None = None) -> None:
        """Show the incidents matching ``filters`` (a drill-down): no view is highlighted."""
        self.tabs.setCurrentWidget(self.incidents_page)
        self.views.clear_selection()
        self._active_view = None
        self.filter_bar.set_filter(filters, label=label)
        self.model.set_query(filters, self.model.current_sort())

    def attach_alerts(self, alerts) -> None:
        """Wire the notification dock and tray (ui.alerts.AlertsController) into this window."""
        self.alerts = alerts
        self.tools_menu.addAction(alerts.dock.toggleViewAction())
        self._tab_in_reading_order(self.views.tree, *alerts.dock.tab_chain(), self.tabs, self.tabs.tabBar())
        # Team database: another desk's escalation or assignment reaches this inbox and tray at once.
        self.bridge.sig_tables_changed.connect(lambda tables: "notification" in tables and alerts.poll_now())
        # Back after the server was away: what reached the inbox meanwhile is read now, not at the next poll.
        self.bridge.sig_connection_changed.connect(lambda up, _why: up and alerts.poll_now())
        alerts.sig_open_incident.connect(self.select_incident)
        alerts.sig_log_incident_requested.connect(self._on_log_incident)
        alerts.sig_scan_finished.connect(self._on_escalations_raised)
        # Do not disturb (switched on, or quiet hours) is said in the window too, not only in the tray.
        from incident_desk.ui.alerts import DoNotDisturbIndicator
        self.dnd_indicator = DoNotDisturbIndicator(alerts, self)
        self.dnd_indicator.setContentsMargins(8, 0, 8, 0)
        self.statusBar().insertPermanentWidget(0, self.dnd_indicator)

    @Slot(int)
    def _on_escalations_raised(self, count: int) -> None:
        if count:
            self.model.refresh()
            self.views.refresh_counts()

    @Slot()
    def _on_publish_statuspage(self) -> None:
        from incident_desk.ui import statuspage_actions
        folder = statuspage_actions.choose_folder(self, self.settings)
        if not folder:
            return
        try:
            result = statuspage_actions.publish(self.bridge.ops, self.desk, folder)
        except (DomainError, OSError) as exc:
            self.status_message(translate("MainWindow", "The status page was not published: {exc}").format(exc=exc))
            return
        self.status_message(statuspage_actions.describe(result))

    def _on_statuspage_on_update_toggled(self, checked: bool = False) -> None:
        from incident_desk.ui import statuspage_actions
        on = self.act_statuspage_on_update.isChecked()
        if on and not statuspage_actions.status_folder(self.settings):
            if not statuspage_actions.choose_folder(self, self.settings):
                self.act_statuspage_on_update.setChecked(False)
                return
        statuspage_actions.set_publish_on_update(self.settings, on)

    def _on_oncall(self) -> None:
        from incident_desk.ui.dialogs.oncall_dialog import OncallDialog
        dialog = self._build_dialog("oncall", lambda: OncallDialog(self.desk, self))
        if dialog is None:
            return
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.oncall_dialog = dialog
        dialog.show()

    def _build_dialog(self, name: str, build):
        """``build()``, unless the same dialog is already being built (its reads wait on PostgreSQL) or a
        read fails (said in the status bar): then None."""
        if name in self._opening:
            return None
        self._opening.add(name)
        try:
            return build()
        except (DomainError, StorageError) as exc:
            self.status_message(str(exc))
            return None
        finally:
            self._opening.discard(name)

    def _on_policies(self) -> None:
        from incident_desk.ui.dialogs.policy_editor import PolicyEditorDialog
        dialog = self._build_dialog("policies", lambda: PolicyEditorDialog(self.desk, self))
        if dialog is None:
            return
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_saved.connect(self._on_refresh_now)
        self.policy_dialog = dialog
        dialog.open()

    @Slot()
    def _on_settings(self) -> None:
        from incident_desk.ui.dialogs.settings import open_settings
        self.settings_dialog = open_settings(self)
        self.settings_dialog.finished.connect(self._on_settings_closed)

    @Slot(int)
    def _on_settings_closed(self, _result: int) -> None:
        # What the menu shows of a setting the dialog may have changed.
        from incident_desk.ui import statuspage_actions
        with QSignalBlocker(self.act_statuspage_on_update):
            self.act_statuspage_on_update.setChecked(statuspage_actions.publish_on_update(self.settings))

    @Slot()
    def _on_switch_database(self) -> None:
        from incident_desk.ui.dialogs.switch_database import ask_and_switch
        ask_and_switch(self)

    def select_incident(self, key: str) -> bool:
        """Select ``key`` in the table and open it in the detail panel (scrolling to it)."""
        self.tabs.setCurrentWidget(self.incidents_page)
        if not self.table.select_key(key):
            self.status_message(translate("MainWindow", "{key} is not in the current view.").format(key=key))
            self.editor.load_incident(key)
            return False
        self._on_load_selected()
        return True

    def current_view_name(self) -> str | None:
        return self._active_view.name if self._active_view is not None else None

    # ---- settings -------------------------------------------------------------------------------------

    def restore_settings(self) -> None:
        s = self.settings
        geometry = s.value("window/geometry")
        if geometry:
            self.restoreGeometry(geometry)
        state = s.value("window/state")
        if state:
            self.restoreState(state)
        self._splitter_state = s.value("window/splitter")
        self.table.restore_header_state(s.value("table/header"))
        name = s.value("views/last", DEFAULT_VIEW)
        if not (isinstance(name, str) and self.open_view(name)):
            self.open_view(DEFAULT_VIEW)
        self.act_toggle_detail.setChecked(self.detail_panel.isVisibleTo(self) or not self.isVisible())

    def _fit_to_screen(self) -> None:
        """A first start fills most of the screen it opens on (a laptop's 1366x768 included), centred."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(1600, 940)
            return
        area = screen.availableGeometry()
        width = min(1600, int(area.width() * SCREEN_SHARE))
        height = min(1000, int(area.height() * SCREEN_SHARE))
        self.resize(max(width, self.minimumSizeHint().width()), max(height, self.minimumSizeHint().height()))
        self.move(area.center() - self.rect().center())

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._splitter_sized:
            return
        self._splitter_sized = True
        # Sized only once the window has its real size, or Qt rescales the widths.
        self.layout().activate()
        restored = bool(self._splitter_state) and self.splitter.restoreState(self._splitter_state)
        self._splitter_state = None
        sizes = self.splitter.sizes()
        if not restored or len(sizes) != 2 or sizes[1] < DETAIL_MIN_WIDTH:
            total = sum(sizes)
            self.splitter.setSizes([max(TABLE_MIN_WIDTH, total - DETAIL_DEFAULT_WIDTH), DETAIL_DEFAULT_WIDTH])

    def save_settings(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/splitter", self.splitter.saveState())
        s.setValue("table/header", self.table.save_header_state())
        s.setValue("views/last", self._active_view.name if self._active_view else DEFAULT_VIEW)
        s.sync()

    # ---- views and filters -------------------------------------------------------------------------

    def _apply_view(self, view: SavedView) -> None:
        self._active_view = view
        self.tabs.setCurrentWidget(self.incidents_page)
        if view.columns:
            self.table.apply_columns(view.columns)
        self.filter_bar.set_filter(view.filters)
        self.model.set_query(view.filters, view.sort)

    @Slot(object)
    def _on_view_chosen(self, view: SavedView) -> None:
        self._apply_view(view)

    @Slot(object)
    def _on_filter_changed(self, filters: IncidentFilter) -> None:
        filters = self._widen_for_key(filters)
        if self._active_view is not None and filters != self._active_view.filters:
            self.views.clear_selection()
            self._active_view = None
        self.model.set_query(filters, self.model.current_sort())

    def _widen_for_key(self, filters: IncidentFilter) -> IncidentFilter:
        """A key typed in the search box (INC-000123, 123, #123) finds that incident even when the view's
        other conditions leave it out (a closed ticket in 'All open'): the search then covers every
        incident, the filter bar shows so, and the status bar says why."""
        number = key_in_text(filters.text)
        if number is None or replace(filters, text="") == IncidentFilter():
            return filters
        service = self.desk.incidents
        try:
            found = self.bridge.ops.run_read(lambda: service.rows_by_ids([number]))
            inside = found and self.bridge.ops.run_read(
                lambda: service.count_incidents(filters=replace(filters, keys=frozenset({number}))))
        except (DomainError, StorageError):  # a lost server is said by the connection state
            return filters
        if not found or inside:
            return filters
        widened = IncidentFilter(text=filters.text)
        self.filter_bar.set_filter(widened)
        self.status_message(translate("MainWindow",
                                      "{key} is {lower}, outside the view: the search now covers every "
                                      "incident.").format(key=found[0].key, lower=found[0].status.label.lower(
                )), 15_000)
        return widened

    @Slot(str)
    def _on_key_entered(self, key: str) -> None:
        """Enter on a key in the search box: open that incident and leave the keyboard on its row."""
        if self.select_incident(key):
            self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    @Slot()
    def _on_save_view(self) -> None:
        from PySide6.QtWidgets import QInputDialog
        name, ok = QInputDialog.getText(self, translate("MainWindow", "Save view"),
                                        translate("MainWindow", "Name of the view:"))
        if ok:
            self.save_current_view(name)

    def save_current_view(self, name: str) -> SavedView | None:
        """Store the table's filter, sort and columns as the user's view ``name``."""
        filters = replace(self.model.filters(), breach_at=None)
        view = SavedView(name=name, filters=filters, sort=self.model.current_sort(),
                         columns=self.table.visible_columns())
        try:
            self.view_store.upsert(view)
        except DomainError as exc:
            self.status_message(str(exc))
            return None
        self.views.rebuild()
        saved = self.views.view_named(name)
        self.views.select_view(saved.name, emit=False)
        self._active_view = saved
        self.status_message(translate("MainWindow", "Saved the view '{name}'.").format(name=saved.name))
        return saved

    @Slot(str)
    def _on_delete_view(self, name: str) -> None:
        self.view_store.remove(name)
        if self._active_view is not None and self._active_view.name == name:
            self._active_view = None
        self.views.rebuild()
        self.status_message(translate("MainWindow", "Deleted the view '{name}'.").format(name=name))

    # ---- selection and the detail panel -----------------------------------------------------------

    @Slot(str)
    def _on_current_changed(self, _key: str) -> None:
        self._select_timer.start()
        self._update_incident_actions()

    @Slot()
    def _update_incident_actions(self, *_args) -> None:
        """Acknowledge, Resolve and Assign to me are offered only when the selected incident allows them
        (and the role does): a move that would be refused is never a button."""
        row = self.table.current_row()
        actor = self.desk.actor
        allowed = allowed_transitions(row.status) if row is not None else ()
        self.act_ack.setEnabled(Status.ACKNOWLEDGED in allowed and actor.can("incident.transition"))
        self.act_resolve.setEnabled(Status.RESOLVED in allowed and actor.can("incident.transition"))
        self.act_assign_me.setEnabled(row is not None and row.status.is_open and row.assignee != actor.username
                                      and actor.can("incident.assign"))

    @Slot()
    def _on_load_selected(self) -> None:
        self._select_timer.stop()
        key = self.table.current_key()
        if not key or self._editor_key() == key:
            return
        if not self.editor.load_incident(key):
            # The user kept unsaved edits of another incident: point the table back at it.
            kept = self.editor.current_key()
            if kept:
                self.table.select_key(kept, scroll=False)

    @Slot(str)
    def _on_incident_activated(self, key: str) -> None:
        self.detail_panel.setVisible(True)
        self.act_toggle_detail.setChecked(True)
        if self._editor_key() != key and not self.editor.load_incident(key):
            return
        # The keyboard goes to the first field, never to a workflow button that Enter would press.
        self.editor.focus_form()

    @Slot()
    def _on_open_current(self) -> None:
        if self.table.current_key():
            self._on_incident_activated(self.table.current_key())

    @Slot()
    def _on_open_window(self) -> None:
        key = self.table.current_key()
        if not key:
            return
        from incident_desk.ui.detail.window import DetailWindow
        window = DetailWindow(self.desk, key, self, settings=self.settings, choices=self.form_choices)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.destroyed.connect(lambda _=None, w=window: self.detail_windows.remove(w)
                                 if w in self.detail_windows else None)
        self.detail_windows.append(window)
        window.show()

    def _editor_on_current(self) -> bool:
        """Load the table's current incident into the editor for a shortcut; False if none."""
        key = self.table.current_key()
        if not key:
            self.status_message(translate("MainWindow", "Select an incident first."))
            return False
        return self._editor_key() == key or self.editor.load_incident(key)

    @Slot()
    def _on_acknowledge(self) -> None:
        if self._editor_on_current():
            self.editor.acknowledge()

    @Slot()
    def _on_resolve(self) -> None:
        if self._editor_on_current():
            self.editor.resolve()

    @Slot()
    def _on_assign_to_me(self) -> None:
        if self._editor_on_current():
            self.editor.assign_to_me()

    @Slot()
    def _on_save(self) -> None:
        if self._editor is not None and self._editor.has_unsaved_changes():
            self._editor.save()

    @Slot()
    def _on_back_to_table(self) -> None:
        self.tabs.setCurrentWidget(self.incidents_page)
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    @Slot()
    def _on_focus_search(self) -> None:
        self.tabs.setCurrentWidget(self.incidents_page)
        self.filter_bar.focus_search()

    @Slot()
    def _on_toggle_detail(self) -> None:
        self.detail_panel.setVisible(self.act_toggle_detail.isChecked())

    @Slot()
    def _on_columns_menu(self) -> None:
        menu = self.table.column_menu(self)
        menu.popup(self.table.mapToGlobal(self.table.rect().topLeft()))

    # ---- logging ---------------------------------------------------------------------------------------

    @Slot()
    def _on_log_incident(self) -> None:
        from incident_desk.ui.dialogs.log_dialog import LogIncidentDialog
        # The desk's own settings file (0600): the report kept as it is typed stays private.
        dialog = LogIncidentDialog(self.desk, self, settings=self.settings)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_incident_logged.connect(self._on_incident_logged)
        dialog.sig_link_instead.connect(self.select_incident)
        self.log_dialog = dialog
        dialog.open()

    @Slot(str)
    def _on_incident_logged(self, key: str) -> None:
        self._refresh_timer.stop()
        self.model.refresh()
        self.views.refresh_counts()
        if self.select_incident(key):
            self.status_message(translate("MainWindow", "Logged {key}.").format(key=key))
        else:
            self.status_message(translate("MainWindow", "Logged {key}; it is not in this view.").format(key=key))

    # ---- data changes -----------------------------------------------------------------------------------

    @Slot(str, str)
    def _on_incident_changed(self, _key: str, _kind: str) -> None:
        self._refresh_timer.start()

    @Slot()
    def _on_database_changed(self) -> None:
        self._refresh_timer.start()
        if self._editor_key():
            self._editor.refresh_from_store()
        for window in self.detail_windows:
            window.editor.refresh_from_store()

    @Slot()
    def _on_refresh_due(self) -> None:
        self.model.refresh()
        self.views.refresh_counts()

    @Slot()
    def _on_refresh_now(self) -> None:
        self._load_choices()
        self.model.set_sla_policy(self.desk.settings.sla_policy())
        self.model.refresh()
        self.views.refresh_counts(immediately=True)

    @Slot()
    def _on_row_count_changed(self, *_args) -> None:
        n = self.model.rowCount()
        self.rows_label.setText(self.tr("%Ln incidents", "", n))

    # ---- tabs -------------------------------------------------------------------------------------------------

    @Slot()
    def _on_show_metrics(self) -> None:
        self.tabs.setCurrentIndex(1)

    @Slot()
    def _on_show_incidents(self) -> None:
        self.tabs.setCurrentWidget(self.incidents_page)

    @Slot(int)
    def _on_tab_changed(self, index: int) -> None:
        # The Metrics tab never takes the detail panel's width for good: the split of the Incidents tab
        # is kept when leaving it and put back on coming back.
        if index == 1:
            self._incidents_split = self.splitter.sizes()
        elif index == 0 and self._incidents_split:
            self.splitter.setSizes(self._incidents_split)
        page = self.tabs.widget(index)
        if isinstance(page, LazyTab):
            self._tab_after_tab_bar(page)
        if index != 1 or self.metrics_tab is not None:
            return
        # Imported here, never at startup: the metrics tab pulls in matplotlib.
        from incident_desk.ui.widgets.metrics_tab import MetricsTab
        self.metrics_tab = MetricsTab(self.desk, self)
        self.metrics_tab.sig_drill_down.connect(self._on_drill_down)
        # In a scroll area, so its charts' minimum size scrolls instead of widening the window.
        holder = QScrollArea(self)
        holder.setObjectName("metricsScroll")
        holder.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from the tab bar to the tab's own controls
        holder.setWidgetResizable(True)
        holder.setFrameShape(QFrame.Shape.NoFrame)
        holder.setWidget(self.metrics_tab)
        with QSignalBlocker(self.tabs):
            old = self.tabs.widget(1)
            self.tabs.removeTab(1)
            self.tabs.insertTab(1, holder, translate("MainWindow", "Metrics"))
            self.tabs.setCurrentIndex(1)
        old.deleteLater()
        self._tab_after_tab_bar(holder)

    def _tab_after_tab_bar(self, page: QWidget) -> None:
        """A tab page built when first shown comes last in the Tab order, after the detail panel: put its
        controls right after the tab bar, once the page is built and laid out (reordering the Metrics tab
        in the middle of building it was seen to leave its flow layout holding deleted layout items)."""
        self._late_tab_pages.append(page)
        self._late_tab_timer.start()

    @Slot()
    def _on_late_tab_pages(self) -> None:
        pages, self._late_tab_pages = self._late_tab_pages, []
        for page in pages:
            if shiboken6.isValid(page):
                focus.chain_after(self.tabs.tabBar(), page)

    def dock_notifications(self, dock: QDockWidget) -> None:
        """Put the notification panel where the user left it, or the first time under the views."""
        if not self.restoreDockWidget(dock):
            self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
            self.splitDockWidget(self.views_dock, dock, Qt.Orientation.Vertical)
            self.resizeDocks([self.views_dock], [VIEWS_DEFAULT_WIDTH], Qt.Orientation.Horizontal)

    @Slot(object, str)
    def _on_drill_down(self, filters: IncidentFilter, label: str) -> None:
        self.apply_filter(filters, label=label)

    @Slot()
    def _on_about(self) -> None:
        from incident_desk.ui.dialogs.about_dialog import AboutDialog
        if self.about_dialog is None or not shiboken6.isValid(self.about_dialog):
            self.about_dialog = AboutDialog(self.desk.store.safe_url, self)
        self.about_dialog.show()
        self.about_dialog.raise_()
        self.about_dialog.activateWindow()

    @Slot()
    def _on_help(self) -> None:
        from incident_desk.ui.dialogs.help_window import HelpWindow
        if self.help_window is None or not shiboken6.isValid(self.help_window):
            # Built when first asked for: the quick keys are the window's actions as they are then.
            self.help_window = HelpWindow(self.findChildren(QAction), self)
        self.help_window.show_page()

    # ---- closing ----------------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._editor is not None and not self._editor.confirm_discard():
            event.ignore()
            return
        # The log dialog and the policy editor are children: closing the window (Quit in the tray
        # menu) would destroy them, and a half-typed phone report with them, without asking.
        for dialog in (self.log_dialog, self.policy_dialog):
            if dialog is not None and shiboken6.isValid(dialog) and dialog.isVisible() and \
                    not dialog.confirm_discard():
                event.ignore()
                dialog.raise_()
                dialog.activateWindow()
                return
        for window in list(self.detail_windows):
            if not window.close():
                event.ignore()
                return
        self.save_settings()
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Stop timers and background reads (close, and test teardown)."""
        self._refresh_timer.stop()
        self._select_timer.stop()
        self._late_tab_timer.stop()
        self.model.shutdown()
        self.views.shutdown()
        if self.metrics_tab is not None:
            self.metrics_tab.pool.close()  # a refresh still drawing charts must not outlive the window
        self.transfer.shutdown()
        # Destroying the tabs later emits currentChanged; by then this window's Python side may be gone,
        # and PySide would call the slot on a bare wrapper without the window's attributes.
        self.tabs.blockSignals(True)
        # The bridge listens on this window's behalf: its socket notifier must go with the window, on
        # this thread, before the desk closes the socket under it (the descriptor's number is soon
        # another file's, which the event loop would then watch).
        self.bridge.stop()
