"""Tools → Settings…: search, each page's check (one sentence, nothing written), writes, roles, keyboard alone."""

from __future__ import annotations

import configparser
import json
import sqlite3

import pytest
from PySide6.QtCore import QSettings, Qt, QTime
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QApplication, QComboBox, QLineEdit, QWidget

from incident_desk.domain.incident import Level, Priority
from incident_desk.services.errors import PermissionDenied
from incident_desk.ui.dialogs.settings import PAGES, SettingsContext, SettingsDialog
from incident_desk.ui.ops import ops_for


@pytest.fixture
def open_dialog(team_desk, tmp_path, qtbot):
    """The dialog over the team desk (SQLite file) as ``username``, with settings files of this test."""
    made = []

    def make(username: str | None = None) -> SettingsDialog:
        if username:
            team_desk.act_as(username)
        ops = ops_for(team_desk)
        context = SettingsContext(
            desk=team_desk, run_write=ops.run_write, run_read=ops.run_read,
            app_settings=QSettings(str(tmp_path / "app.ini"), QSettings.Format.IniFormat),
            desk_settings=QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat))
        dialog = SettingsDialog(context)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        made.append(dialog)
        return dialog
    yield make
    for dialog in made:
        dialog.close()


def raw(db_path, query: str, *params):
    con = sqlite3.connect(db_path)
    try:
        return con.execute(query, params).fetchall()
    finally:
        con.close()


def stored_matrix(db_path):
    rows = raw(db_path, "SELECT value FROM setting WHERE key = 'priority_matrix'")
    return json.loads(rows[0][0]) if rows else None


# ---- the dialog --------------------------------------------------------------------------------------------

def test_every_registered_page_is_listed_in_order(open_dialog):
    dialog = open_dialog()
    titles = [dialog.page_list.item(i).text() for i in range(dialog.page_list.count())]
    assert titles == ["Appearance", "Notifications", "Priority matrix", "Categories", "Services", "Teams and people",
                      "SLA policies and business calendar", "Escalation policies", "Closure and postmortems",
                      "Backups", "Status page", "On-call rotations", "Alert intake"]
    assert len(PAGES) == 13


def test_search_finds_pages_by_title_keyword_and_the_words_on_the_page(open_dialog, qtbot):
    dialog = open_dialog()
    qtbot.keyClicks(dialog.search, "matrix")
    assert dialog.visible_titles() == ["Priority matrix"]
    assert dialog.stack.currentIndex() == 2  # the one match is shown
    dialog.search.clear()
    qtbot.keyClicks(dialog.search, "beep")  # a check box's text on the notifications page
    assert dialog.visible_titles() == ["Notifications"]
    dialog.search.clear()
    qtbot.keyClicks(dialog.search, "rotation")  # a keyword of the backups and the on-call pages
    assert dialog.visible_titles() == ["Backups", "On-call rotations"]
    dialog.search.clear()
    qtbot.keyClicks(dialog.search, "kraken")
    assert dialog.visible_titles() == []
    assert dialog.no_match.isVisible()
    dialog.search.clear()
    assert len(dialog.visible_titles()) == len(PAGES)


# ---- each page's check: one sentence on the page, nothing written ---------------------------------------------

def test_priority_matrix_refuses_a_higher_impact_with_a_lower_priority(open_dialog, db_path):
    dialog = open_dialog()
    page = dialog.show_page("PriorityMatrixPage")
    before = stored_matrix(db_path)
    combo = page.cells[(Level.HIGH, Level.LOW)]
    combo.setCurrentIndex(4)  # P5 for High impact / Low urgency, below Medium/Low's P4
    dialog.apply_button.click()
    assert page.error.text() == ("Impact High / urgency Low gives P5, less urgent than P4 for impact Medium / "
                                 "urgency Low: a higher impact may not lower the priority.")
    assert stored_matrix(db_path) == before
    assert dialog.isVisible() and dialog.current_page() is page


def test_priority_matrix_saves_a_sound_change(open_dialog, db_path, team_desk):
    dialog = open_dialog()
    page = dialog.show_page("PriorityMatrixPage")
    page.cells[(Level.MEDIUM, Level.LOW)].setCurrentIndex(2)  # P3 instead of P4
    page.cells[(Level.LOW, Level.MEDIUM)].setCurrentIndex(2)
    dialog.ok_button.click()
    assert page.error.text() == ""
    assert not dialog.isVisible()
    saved = stored_matrix(db_path)
    assert saved["medium/low"] == "P3" and saved["low/medium"] == "P3" and saved["high/high"] == "P1"
    assert team_desk.settings.priority_matrix().priority(Level.MEDIUM, Level.LOW) == Priority.P3


def test_categories_refuse_a_duplicate_and_add_a_new_subcategory(open_dialog, db_path, qtbot):
    dialog = open_dialog()
    page = dialog.show_page("CategoriesPage")
    count = raw(db_path, "SELECT COUNT(*) FROM category")[0][0]
    qtbot.keyClicks(page.name, "network")
    page.add_button.click()
    assert page.error.text() == "The category 'network' exists."
    assert raw(db_path, "SELECT COUNT(*) FROM category")[0][0] == count
    page.name.clear()
    page.parent_box.setCurrentIndex(page.parent_box.findData("Network"))
    qtbot.keyClicks(page.name, "Firewall")
    qtbot.keyClick(page.name, Qt.Key.Key_Return)
    assert page.error.text() == ""
    assert raw(db_path, "SELECT c.name FROM category c JOIN category p ON c.parent_id = p.id "
                        "WHERE p.name = 'Network' AND c.name = 'Firewall'") == [("Firewall",)]


def test_categories_rename_retire_and_delete_from_the_page(open_dialog, db_path, qtbot, team_desk):
    from incident_desk.services.incidents import IncidentDraft
    team_desk.incidents.log_incident(actor=team_desk.actor, draft=IncidentDraft(
        title="Printer jams", category="Printing", subcategory="Printer"))
    dialog = open_dialog()
    page = dialog.show_page("CategoriesPage")
    top = page.tree.findItems("Printing", Qt.MatchFlag.MatchExactly)[0]
    assert (top.text(1), top.text(2)) == ("1", "")
    page.tree.setCurrentItem(top)
    assert page.rename_edit.text() == "Printing"
    before = raw(db_path, "SELECT name, active FROM category ORDER BY id")
    for bad, sentence in (("", "A category name needs 1 to 100 characters."),
                          ("x" * 101, "A category name needs 1 to 100 characters."),
                          ("network", "The category 'network' exists.")):
        page.rename_edit.setText(bad)
        page.rename_button.click()
        assert page.error.text() == sentence
        assert raw(db_path, "SELECT name, active FROM category ORDER BY id") == before
    page.rename_edit.clear()
    qtbot.keyClicks(page.rename_edit, "Print and scan")
    qtbot.keyClick(page.rename_edit, Qt.Key.Key_Return)
    assert page.error.text() == ""
    assert raw(db_path, "SELECT category FROM incident") == [("Print and scan",)]
    assert page.chosen().name == "Print and scan"
    page.delete_button.click()
    assert page.error.text() == "'Print and scan' is on 1 incident; retire it instead of deleting it."
    page.retire_button.click()
    assert raw(db_path, "SELECT active FROM category WHERE name = 'Print and scan'") == [(0,)]
    assert page.tree.currentItem().text(2) == "Retired" and page.retire_button.text() == "&Bring back"
    assert "Print and scan" not in team_desk.settings.categories()
    page.tree.setCurrentItem(page.tree.findItems("Facilities", Qt.MatchFlag.MatchExactly)[0])
    page.delete_button.click()
    assert page.error.text() == ""
    assert raw(db_path, "SELECT COUNT(*) FROM category WHERE name IN ('Facilities', 'Meeting room')") == [(0,)]


def test_services_page_adds_renames_moves_retires_and_deletes(open_dialog, db_path, qtbot, team_desk):
    from incident_desk.services.incidents import IncidentDraft
    team_desk.communication.add_service(actor=team_desk.actor, name="Payroll", team="Service Desk")
    team_desk.incidents.log_incident(actor=team_desk.actor, draft=IncidentDraft(
        title="Payslips missing", category="Software", service="Payroll"))
    dialog = open_dialog("lena")
    page = dialog.show_page("ServicesPage")
    assert not page.is_read_only()
    cells = [[page.table.item(r, c).text() for c in range(5)] for r in range(page.table.rowCount())]
    assert cells == [["Payroll", "Service Desk", "", "1", "In use"]]
    services = lambda: raw(db_path, "SELECT s.name, t.name, s.description, s.retired_at IS NOT NULL "  # noqa: E731
                                    "FROM business_service s LEFT JOIN team t ON t.id = s.team_id ORDER BY s.name")
    before = services()
    # Empty, taken and too long: one sentence on the page, nothing written.
    page.add_button.click()
    assert page.error.text() == "Type the name of the service to add."
    for bad, sentence in (("payroll", "There is already a service 'payroll'."),
                          ("y" * 201, "The service name is 201 characters long; the limit is 200.")):
        page.name.setText(bad)
        dialog.apply_button.click()
        assert page.error.text() == sentence
        assert services() == before
    page.name.clear()
    qtbot.keyClicks(page.name, "Web Shop")
    page.new_team.setCurrentIndex(page.new_team.findData("Network"))
    qtbot.keyClicks(page.description, "The shop")
    qtbot.keyClick(page.name, Qt.Key.Key_Return)
    assert page.error.text() == ""
    assert services() == [("Payroll", "Service Desk", "", 0), ("Web Shop", "Network", "The shop", 0)]
    assert page.chosen().name == "Web Shop"
    page.rename_edit.setText("Online shop")
    page.rename_button.click()
    page.team_box.setCurrentIndex(page.team_box.findData(""))
    page.team_button.click()
    assert services()[0] == ("Online shop", None, "The shop", 0)
    page.delete_button.click()
    assert [r[0] for r in services()] == ["Payroll"]
    page.table.setCurrentCell(0, 0)
    page.delete_button.click()
    assert page.error.text() == "The service 'Payroll' is on 1 incident; retire it instead of deleting it."
    page.retire_button.click()
    assert services() == [("Payroll", "Service Desk", "", 1)]
    assert page.table.item(0, 4).text() == "Retired" and page.retire_button.text() == "&Bring back"
    assert team_desk.communication.service_names() == []
    assert [r[0] for r in raw(db_path, "SELECT action FROM audit WHERE action LIKE 'settings.services.%' "
                                       "ORDER BY id")] == [
        "settings.services.add", "settings.services.add", "settings.services.rename", "settings.services.team",
        "settings.services.delete", "settings.services.retire"]


@pytest.mark.parametrize("who", ["alex", "viv"])
def test_agents_and_viewers_see_services_and_categories_read_only(open_dialog, team_desk, db_path, who):
    if who == "viv":
        team_desk.users.add_user(actor=team_desk.actor, username="viv", display_name="Viv Viewer", role="viewer")
    team_desk.communication.add_service(actor=team_desk.actor, name="Payroll")
    team_desk.communication.add_service(actor=team_desk.actor, name="Mail")
    dialog = open_dialog(who)
    role = "an agent" if who == "alex" else "a viewer"
    services, categories = dialog.page("ServicesPage"), dialog.page("CategoriesPage")
    assert services.read_only_label.text() == f"You are {role}; only a lead or an admin may change services."
    assert categories.read_only_label.text() == (f"You are {role}; only a lead or an admin may add, rename, "
                                                 "retire or delete categories.")
    for widget in (services.add_button, services.rename_button, services.retire_button, services.delete_button,
                   services.team_button, services.name, categories.rename_button, categories.retire_button,
                   categories.delete_button):
        assert not widget.isEnabled()
    assert services.table.currentRow() == 0
    services.table.setCurrentCell(1, 0)  # choosing another row enables nothing
    assert services.rename_edit.text() == "Payroll" and not services.retire_button.isEnabled()
    categories.tree.setCurrentItem(categories.tree.topLevelItem(2))
    assert not categories.rename_button.isEnabled() and not categories.delete_button.isEnabled()
    with pytest.raises(PermissionDenied):
        team_desk.communication.retire_service(actor=team_desk.actor, name="Payroll")
    with pytest.raises(PermissionDenied):
        team_desk.settings.rename_category(actor=team_desk.actor, name="Network", new_name="Net")
    assert raw(db_path, "SELECT retired_at FROM business_service") == [(None,), (None,)]
    assert raw(db_path, "SELECT COUNT(*) FROM category WHERE name = 'Network'") == [(1,)]


def test_people_refuse_a_bad_username_and_add_a_person(open_dialog, db_path, qtbot):
    dialog = open_dialog()
    page = dialog.show_page("PeoplePage")
    users = raw(db_path, 'SELECT COUNT(*) FROM "user"')[0][0]
    qtbot.keyClicks(page.username, "anna rossi")
    page.add_button.click()
    assert page.error.text() == ("'anna rossi' is not a valid username; use letters, digits, '.', '_' or '-' "
                                 "(max 64).")
    assert raw(db_path, 'SELECT COUNT(*) FROM "user"')[0][0] == users
    page.username.clear()
    qtbot.keyClicks(page.username, "anna.rossi")
    qtbot.keyClicks(page.display_name, "Anna Rossi")
    page.role.setCurrentText("lead")
    page.team.setCurrentText("Network")
    page.add_button.click()
    assert page.error.text() == ""
    assert raw(db_path, 'SELECT u.display_name, u.role, t.name FROM "user" u JOIN team t ON u.team_id = t.id '
                        "WHERE u.username = 'anna.rossi'") == [("Anna Rossi", "lead", "Network")]
    page.lead_team.setCurrentText("Network")
    page.lead_person.setCurrentIndex(page.lead_person.findData("anna.rossi"))
    page.lead_button.click()
    assert raw(db_path, "SELECT u.username FROM team t JOIN \"user\" u ON t.lead_id = u.id "
                        "WHERE t.name = 'Network'") == [("anna.rossi",)]


def test_quiet_hours_that_start_when_they_end_are_refused(open_dialog, db_path, team_desk):
    dialog = open_dialog()
    page = dialog.show_page("NotificationsPage")
    page.quiet.setChecked(True)
    page.start.setTime(QTime(9, 0))
    page.end.setTime(QTime(9, 0))
    page.sound.setChecked(True)
    dialog.apply_button.click()
    assert page.error.text() == "The quiet hours start and end at the same time."
    me = team_desk.actor.id
    assert raw(db_path, 'SELECT dnd_start, dnd_end FROM "user" WHERE id = ?', me) == [(None, None)]
    assert not dialog.context.app_settings.contains("alerts/sound")  # nothing of the page was written
    page.end.setTime(QTime(7, 30))
    page.start.setTime(QTime(22, 0))
    page.zone.set_zone("Europe/Berlin")
    dialog.apply_button.click()
    assert page.error.text() == ""
    assert raw(db_path, 'SELECT dnd_start, dnd_end, dnd_timezone FROM "user" WHERE id = ?', me) == \
        [("22:00", "07:30", "Europe/Berlin")]
    dialog.context.app_settings.sync()
    assert dialog.context.app_settings.value("alerts/sound", type=bool) is True


def test_minimise_to_tray_without_the_tray_icon_is_refused(open_dialog, tmp_path):
    dialog = open_dialog()
    page = dialog.show_page("NotificationsPage")
    page.tray.setChecked(False)
    page.keep.setChecked(True)
    dialog.apply_button.click()
    assert page.error.text() == ("Minimising to the tray needs the tray icon; switch the icon on or leave the "
                                 "window to close.")
    ini = configparser.ConfigParser()
    ini.read(tmp_path / "app.ini")
    assert not ini.has_section("alerts")


def test_backup_folder_must_be_a_full_path_and_a_folder(open_dialog, tmp_path, qtbot):
    dialog = open_dialog()
    page = dialog.show_page("BackupPage")
    page.folder.setText("backups")
    page.keep.setValue(30)
    dialog.apply_button.click()
    assert page.error.text() == ("'backups' is not a full path; give one that starts at the root, "
                                 "e.g. /home/you/backups.")
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    page.folder.setText(str(a_file / "inside"))
    dialog.apply_button.click()
    assert page.error.text() == f"{a_file} is a file, not a folder; choose a folder for the backups."
    ini = configparser.ConfigParser()
    ini.read(tmp_path / "desk.ini")
    assert not ini.has_section("backup")
    page.folder.setText(str(tmp_path / "kept"))
    dialog.apply_button.click()
    assert page.error.text() == ""
    ini.read(tmp_path / "desk.ini")
    assert ini.get("backup", "folder") == str(tmp_path / "kept")
    assert ini.get("backup", "keep") == "30"


def test_status_page_folder_is_checked_and_kept_for_this_desk(open_dialog, tmp_path):
    dialog = open_dialog()
    page = dialog.show_page("StatusPagePage")
    page.on_update.setChecked(True)
    dialog.apply_button.click()
    assert page.error.text() == "Choose the folder first: publishing on every update needs one."
    page.folder.setText("public/status")
    dialog.apply_button.click()
    assert page.error.text() == ("'public/status' is not a full path; give one that starts at the root, "
                                 "e.g. /srv/www/status.")
    ini = configparser.ConfigParser()
    ini.read(tmp_path / "desk.ini")
    assert not ini.has_section("statuspage")
    page.folder.setText(str(tmp_path / "status"))
    dialog.apply_button.click()
    assert page.error.text() == ""
    ini.read(tmp_path / "desk.ini")
    assert ini.get("statuspage", "folder") == str(tmp_path / "status")
    assert ini.get("statuspage", "publish_on_update") == "true"


def test_intake_page_checks_address_token_and_mapping_and_writes_nothing_until_all_hold(open_dialog, db_path,
                                                                                        tmp_path):
    dialog = open_dialog()
    page = dialog.show_page("IntakePage")
    before = raw(db_path, "SELECT key, value FROM setting WHERE key LIKE 'intake%' ORDER BY key")
    page.run_here.setChecked(True)
    page.listen.setText("localhost")
    dialog.apply_button.click()
    assert page.error.text() == "'localhost' is not HOST:PORT, such as 127.0.0.1:9095."
    page.listen.setText("127.0.0.1:9095")
    short = tmp_path / "short-token"
    short.write_text("abc\n")
    page.token_file.setText(str(short))
    dialog.apply_button.click()
    assert page.error.text() == f"The token in {short} must be one line of at least 16 characters without spaces."
    good = tmp_path / "token"
    good.write_text("s3cr3t-t0ken-for-alertmanager\n")
    page.token_file.setText(str(good))
    page.mapping.setPlainText('{"severity_priority": ')
    dialog.apply_button.click()
    assert page.error.text().startswith("The mapping is not JSON (")
    assert raw(db_path, "SELECT key, value FROM setting WHERE key LIKE 'intake%' ORDER BY key") == before
    page.mapping.setPlainText(json.dumps({"severity_priority": {"critical": "P1", "error": "P2", "warning": "P4",
                                                                 "info": "P5"}, "default_category": "Network"}))
    dialog.apply_button.click()
    assert page.error.text() == ""
    stored = dict(raw(db_path, "SELECT key, value FROM setting WHERE key LIKE 'intake%'"))
    assert json.loads(stored["intake_window"]) == {"listen": "127.0.0.1:9095", "token_file": str(good)}
    mapping = json.loads(stored["intake_mapping"])
    assert mapping["severity_priority"]["warning"] == "P4" and mapping["default_category"] == "Network"


def test_oncall_page_says_who_is_on_call_per_team(open_dialog, team_desk):
    dialog = open_dialog()
    page = dialog.show_page("OncallPage")
    assert page.summary.text() == ("No team has a rotation yet: escalations go to team leads and the manager "
                                   "on duty.")
    team_desk.oncall.set_rotation(actor=team_desk.actor, team="Network", users=["sam", "max"], every="1w",
                                  start="2020-01-06T09:00", tz="UTC")
    page.refresh()
    assert page.summary.text().startswith("Network: ") and page.summary.text().endswith(" on call now")
    assert page.summary.text() in ("Network: Sam Agent on call now", "Network: Max Manager on call now")


def test_closure_page_writes_the_policy(open_dialog, db_path):
    dialog = open_dialog()
    page = dialog.show_page("ClosurePage")
    page.days_spin.setValue(14)
    page.priority_checks[Priority.P3].setChecked(True)
    dialog.ok_button.click()
    assert page.error.text() == ""
    saved = json.loads(raw(db_path, "SELECT value FROM setting WHERE key = 'closure_policy'")[0][0])
    assert saved["auto_close_days"] == 14
    assert "P3" in saved["postmortem_priorities"]


def test_appearance_applies_the_chosen_scheme_at_once(open_dialog, monkeypatch):
    from PySide6.QtGui import QPalette

    from incident_desk.ui import theme
    monkeypatch.delenv(theme.THEME_ENV_VAR, raising=False)
    app = QApplication.instance()
    if app.findChild(theme.ThemeWatcher) is None:
        theme.ThemeWatcher(app)
    dialog = open_dialog()
    page = dialog.show_page("AppearancePage")
    try:
        page.buttons["dark"].setChecked(True)
        dialog.apply_button.click()
        assert theme.is_dark()
        assert app.palette().color(QPalette.ColorRole.Window).lightness() < 128
        assert dialog.context.app_settings.value("appearance/scheme") == "dark"
        page.buttons["light"].setChecked(True)
        dialog.apply_button.click()
        assert not theme.is_dark()
        assert app.palette().color(QPalette.ColorRole.Window).lightness() >= 128
    finally:
        theme.set_chosen_scheme(None)
        theme.apply_scheme()


# ---- roles ------------------------------------------------------------------------------------------------

def test_an_agent_sees_read_only_pages_and_the_services_refuse_anyway(open_dialog, team_desk, db_path):
    dialog = open_dialog("alex")
    matrix = dialog.page("PriorityMatrixPage")
    assert matrix.is_read_only()
    assert matrix.read_only_label.text() == "You are an agent; only an admin may change the priority matrix."
    assert all(not combo.isEnabled() for combo in matrix.cells.values())
    people = dialog.page("PeoplePage")
    assert people.read_only_label.text() == ("You are an agent; only an admin may add people or choose team "
                                             "leads.")
    assert not people.add_button.isEnabled() and not people.username.isEnabled()
    assert people.table.rowCount() == 5  # the list is still there to read
    for name in ("CategoriesPage", "ClosurePage", "SlaPoliciesPage", "EscalationPoliciesPage", "BackupPage"):
        assert dialog.page(name).is_read_only(), name
    for name in ("AppearancePage", "NotificationsPage"):  # one's own choices
        assert not dialog.page(name).is_read_only(), name
    before = stored_matrix(db_path)
    from incident_desk.domain.priority import PriorityMatrix
    with pytest.raises(PermissionDenied, match="only an admin"):
        team_desk.settings.set_priority_matrix(actor=team_desk.actor, matrix=PriorityMatrix())
    with pytest.raises(PermissionDenied):
        team_desk.settings.add_category(actor=team_desk.actor, name="Sneaky")
    with pytest.raises(PermissionDenied):
        team_desk.users.add_user(actor=team_desk.actor, username="sneaky")
    assert stored_matrix(db_path) == before
    assert raw(db_path, "SELECT COUNT(*) FROM category WHERE name = 'Sneaky'") == [(0,)]
    assert raw(db_path, "SELECT COUNT(*) FROM \"user\" WHERE username = 'sneaky'") == [(0,)]


# ---- the keyboard alone ------------------------------------------------------------------------------------

FOCUSABLE = (QAbstractButton, QComboBox, QAbstractSpinBox, QLineEdit)


def _focus(qtbot, widget: QWidget, key, modifier=Qt.KeyboardModifier.NoModifier) -> QWidget:
    qtbot.keyClick(widget, key, modifier)
    return QApplication.focusWidget()


def test_every_page_is_reached_and_walked_with_the_keyboard_alone(open_dialog, qtbot):
    dialog = open_dialog()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
    dialog.search.setFocus()
    assert QApplication.focusWidget() is dialog.search
    focus = _focus(qtbot, dialog.search, Qt.Key.Key_Tab)
    assert focus is dialog.page_list
    dialog.page_list.setCurrentRow(0)
    for index, page in enumerate(dialog.pages):
        if index:
            focus = _focus(qtbot, dialog.page_list, Qt.Key.Key_Down)
            assert focus is dialog.page_list
        assert dialog.current_page() is page
        # Tab from the list walks the page's controls, then the buttons, round to the search box.
        seen: list[QWidget] = []
        focus = dialog.page_list
        for _ in range(60):
            focus = _focus(qtbot, focus, Qt.Key.Key_Tab)
            if focus is dialog.search:
                break
            seen.append(focus)
        else:
            pytest.fail(f"Tab never came back to the search box from {page.TITLE}")
        wanted = [w for w in page.findChildren(QWidget) if isinstance(w, FOCUSABLE) and w.isVisibleTo(page)
                  and w.isEnabled()
                  and not isinstance(w.parent(), (QComboBox, QAbstractSpinBox))]
        reached = set(map(id, seen))
        missed = [w.accessibleName() or type(w).__name__ for w in wanted
                  if id(w) not in reached and not (isinstance(w, QAbstractButton) and w.isCheckable()
                                                   and w.autoExclusive())]
        assert not missed, f"{page.TITLE}: Tab never reaches {missed}"
        for widget in seen:
            if widget in (dialog.ok_button, dialog.apply_button, dialog.cancel_button):
                continue
            name = widget.accessibleName() or (widget.text() if isinstance(widget, QAbstractButton) else "")
            assert name.replace("&", "").strip(), f"{page.TITLE}: a {type(widget).__name__} has no accessible name"
        # Shift+Tab goes back the same way: from the search box to the last control, then the one before.
        back = _focus(qtbot, dialog.search, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
        assert back is seen[-1]
        if len(seen) > 1:
            assert _focus(qtbot, back, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier) is seen[-2]
        dialog.page_list.setFocus()
    # Escape closes the dialog without writing anything.
    qtbot.keyClick(dialog.page_list, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_the_window_opens_settings_with_ctrl_comma_and_the_closure_policy_on_its_page(qtbot, seeded_desk, qsettings):
    from incident_desk.ui.dialogs.policy_editor import PolicyEditorDialog
    from tests.gui.test_main_window import close_window, open_window
    window = open_window(qtbot, seeded_desk, qsettings)
    try:
        window.table.setFocus()
        qtbot.keyClick(window.table, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: window.settings_dialog is not None and window.settings_dialog.isVisible(),
                        timeout=3000)
        dialog = window.settings_dialog
        assert dialog.current_page().TITLE == "Appearance"
        # The SLA page opens the one policy editor on its targets; the escalation page on its rules.
        page = dialog.show_page("EscalationPoliciesPage")
        assert "rule" in page.summary.text()
        page.open_button.click()
        editor = page.editor
        assert isinstance(editor, PolicyEditorDialog) and editor.isVisible()
        assert editor.tabs.tabText(editor.tabs.currentIndex()) == "Escalation"
        editor.reject()
        dialog.reject()
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
        window.closure.act_policy.trigger()
        closure_dialog = next((w for w in QApplication.topLevelWidgets()
                               if isinstance(w, SettingsDialog) and w.isVisible()), None)
        assert closure_dialog is not None, "Closure policy… opens the settings dialog"
        assert closure_dialog.current_page().TITLE == "Closure and postmortems"
        closure_dialog.reject()
    finally:
        close_window(window)


def test_no_page_shows_a_literal_ampersand_in_a_label(open_dialog):
    """'&Folder:' is a mnemonic only on a label with a buddy; without one Qt shows the '&' as typed."""
    import re

    from PySide6.QtWidgets import QLabel
    dialog = open_dialog()
    shown = []
    for _module, name in PAGES:
        page = dialog.show_page(name)
        for label in page.findChildren(QLabel):
            if label.textFormat() != Qt.TextFormat.PlainText and re.search(r"&\w", label.text()) \
                    and label.buddy() is None:
                shown.append((name, label.text()))
    assert shown == []
