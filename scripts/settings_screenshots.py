"""Screenshots of the first-run welcome and three Settings pages, as a person sees them on a 1366x768 screen.

Run under Xvfb, once per scheme:
    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/settings_screenshots.py docs/screenshots
    INCIDENT_DESK_THEME=dark xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/settings_screenshots.py \
        docs/screenshots
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

PAGES = (("NotificationsPage", "notifications"), ("PriorityMatrixPage", "priority-matrix"),
         ("PeoplePage", "people"), ("CategoriesPage", "categories"), ("ServicesPage", "services"))


def main(out: Path) -> int:
    work = Path(tempfile.mkdtemp(prefix="desk-shots-"))
    # Settings of a throwaway home: the welcome shows a first run, nothing of the real user's is touched.
    os.environ["XDG_CONFIG_HOME"] = str(work / "config")
    os.environ["XDG_DATA_HOME"] = str(work / "data")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from incident_desk.services.desk import Desk
    from incident_desk.ui.dialogs.settings import SettingsContext, SettingsDialog
    from incident_desk.ui.dialogs.welcome import WelcomeDialog
    from incident_desk.ui.ops import ops_for, shutdown_all
    from incident_desk.ui.theme import ThemeWatcher, is_dark

    app = QApplication(sys.argv[:1])
    ThemeWatcher(app)
    scheme = "dark" if is_dark() else "light"
    out.mkdir(parents=True, exist_ok=True)

    def settle() -> None:
        for _ in range(10):
            app.processEvents()

    # Shown as on a real first run (the path is only written on Start, which a screenshot never presses).
    welcome = WelcomeDialog(local_path=Path("/home/anna/.local/share/incident-desk/desk.db"))
    welcome.display_name.setText("Anna Rossi")
    welcome.show()
    settle()
    welcome.grab().save(str(out / f"welcome-{scheme}.png"))
    welcome.done(0)

    desk = Desk.open(str(work / "desk.db"))
    admin = desk.actor
    for username, name, role, team in (("lena", "Lena Lead", "lead", "Service Desk"),
                                       ("alex", "Alex Agent", "agent", "Service Desk"),
                                       ("sam", "Sam Agent", "agent", "Network"),
                                       ("max", "Max Manager", "lead", "Network")):
        desk.users.add_user(actor=admin, username=username, display_name=name, role=role, team=team)
    desk.users.set_team_lead(actor=admin, team="Service Desk", username="lena")
    desk.users.set_team_lead(actor=admin, team="Network", username="max")
    desk.notifications.set_quiet_hours(actor=admin, start="22:00", end="07:00", timezone_name="Europe/Berlin")
    # Services with owners and incidents, one retired; a category renamed and one retired, as a desk a year on.
    from incident_desk.services.incidents import IncidentDraft
    comm = desk.communication
    for name, team, text in (("Payroll", "Service Desk", "Salaries and expense claims"),
                             ("Web Shop", "Network", "The public shop and its checkout"),
                             ("VPN", "Network", "Remote access for staff"),
                             ("Fax gateway", None, "Inbound faxes to e-mail"),
                             ("Intranet", "Service Desk", "")):
        comm.add_service(actor=admin, name=name, team=team, description=text, public=name == "Web Shop")
    for title, category, sub, service in (("Checkout fails", "Software", "Crash", "Web Shop"),
                                          ("Cannot connect from home", "Network", "VPN", "VPN"),
                                          ("Payslips missing", "Business application", "HR system", "Payroll"),
                                          ("Fax not delivered", "Telephony", "Voicemail", "Fax gateway"),
                                          ("Printer jams", "Printing", "Printer", None)):
        desk.incidents.log_incident(actor=admin, draft=IncidentDraft(title=title, category=category,
                                                                     subcategory=sub, service=service))
    comm.retire_service(actor=admin, name="Fax gateway")
    desk.settings.rename_category(actor=admin, name="Printing", new_name="Print and scan")
    desk.settings.retire_category(actor=admin, name="Telephony")
    ops = ops_for(desk)
    context = SettingsContext(desk=desk, run_write=ops.run_write, run_read=ops.run_read,
                              app_settings=QSettings(str(work / "app.ini"), QSettings.Format.IniFormat),
                              desk_settings=QSettings(str(work / "desk.ini"), QSettings.Format.IniFormat))
    dialog = SettingsDialog(context)
    dialog.show()
    for page, name in PAGES:
        shown = dialog.show_page(page)
        if page == "CategoriesPage":  # the renamed category open, one of its subcategories chosen
            top = next(shown.tree.topLevelItem(i) for i in range(shown.tree.topLevelItemCount())
                       if shown.tree.topLevelItem(i).text(0) == "Print and scan")
            top.setExpanded(True)
            shown.tree.setCurrentItem(top.child(1))
        if page == "ServicesPage":
            shown.table.setCurrentCell(2, 0)
        settle()
        dialog.grab().save(str(out / f"settings-{name}-{scheme}.png"))
    dialog.done(0)
    shutdown_all()
    desk.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else ".")))
