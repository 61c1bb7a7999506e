"""Times an older release let in (years -1, 0 and 9999) cannot crash a reader in any time zone.

The database is written as `demo --until 0001-01-01` and `escalate --now 9999-12-31T23:00Z` used to
leave it; then every reader runs in a real process in a zone east of UTC (where 9999-12-31 23:00 UTC
is year 10000) and one west of it (where year 1 becomes year 0).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess

import pytest

from tests.reliability.reliability_tools import PYTHON, ROOT, assert_one_line_error, cli_env, make_demo_db, run_cli

YEAR_9999 = 253402297200            # 9999-12-31T23:00:00Z
YEAR_MINUS_1 = -62198755200         # what `demo --until 0001-01-01T00:00Z` wrote: before year 1
ZONES = ("Pacific/Kiritimati", "Etc/GMT+12")


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory):
    path = make_demo_db(tmp_path_factory.mktemp("poisoned") / "desk.db", count_=30)
    con = sqlite3.connect(path)
    with con:
        con.execute("UPDATE incident SET opened_at = ?, updated_at = ? WHERE id = 1", (YEAR_MINUS_1, YEAR_9999))
        con.execute("UPDATE incident SET opened_at = ?, acknowledged_at = ?, resolved_at = ?, closed_at = ?, "
                    "resolve_due_at = ?, response_due_at = ? WHERE id = 2",
                    (YEAR_9999, YEAR_9999, YEAR_9999, YEAR_9999, YEAR_9999, YEAR_9999))
        con.execute("INSERT INTO event (incident_id, at, actor_id, kind, note) VALUES (3, ?, NULL, 'escalation', "
                    "'fired in year 9999')", (YEAR_9999,))
        user_id = con.execute("SELECT value FROM schema_info WHERE key = 'local_account'").fetchone()[0]
        con.execute("INSERT INTO notification (user_id, incident_id, kind, severity, priority, title, body, "
                    "created_at) VALUES (?, 3, 'escalation', 'critical', 1, 'From the far future', '', ?)",
                    (int(user_id), YEAR_9999))
    con.close()
    return path


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("args", [["show", "INC-000001"], ["show", "INC-000002"], ["show", "INC-000003"],
                                  ["list", "--sort", "opened_at"], ["list", "--sort=-opened_at", "--json"],
                                  ["notifications"], ["metrics"], ["metrics", "--by", "month", "--json"]],
                         ids=lambda a: " ".join(a) if isinstance(a, list) else a)
def test_readers_show_stored_times_in_any_zone(poisoned, zone, args):
    result = run_cli(poisoned, *args, env={"TZ": zone})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_an_out_of_range_time_reads_as_the_nearest_bound(poisoned):
    shown = run_cli(poisoned, "show", "INC-000002", "--json", env={"TZ": "Pacific/Kiritimati"})
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data["opened_at"] == "2201-01-01T00:00:00+00:00"
    first = json.loads(run_cli(poisoned, "show", "INC-000001", "--json").stdout)
    assert first["opened_at"] == "1970-01-01T00:00:00+00:00"


# The window in a process of its own, in the zone given: the "All" view, every cell of every row read
# as the table paints it, then the window grabbed; one JSON line out.
_WINDOW_PROBE = r"""
import json, sys, time
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication
from incident_desk.services.desk import Desk
from incident_desk.ui.bridge import DeskBridge
from incident_desk.ui.widgets.main_window import MainWindow
app = QApplication([])
desk = Desk.open(sys.argv[1])
window = MainWindow(desk, DeskBridge(desk), QSettings(sys.argv[2], QSettings.Format.IniFormat))
window.open_view("All")
window.show()
deadline = time.monotonic() + 30
while time.monotonic() < deadline and (window.model.is_loading() or not window.first_page_painted):
    app.processEvents()
model = window.model
cells = {}
for row in range(model.rowCount()):
    key = model.index(row, 0).data()
    cells[key] = [model.index(row, c).data(role) for c in range(model.columnCount())
                  for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)]
window.select_incident("INC-000002")
app.processEvents()
print(json.dumps({"rows": model.rowCount(), "status": window.statusBar().currentMessage(),
                  "cells": {k: [str(v) for v in c] for k, c in cells.items()},
                  "painted": not window.grab().isNull()}))
window.shutdown()
desk.close()
"""


@pytest.mark.parametrize("zone, far_future", [("Pacific/Kiritimati", "2201-01-01 14:00"),
                                              ("Etc/GMT+12", "2200-12-31 12:00")])
def test_the_window_shows_them_in_any_zone(poisoned, tmp_path, zone, far_future):
    """It died with SIGSEGV in the table's paint east of UTC, and a year-0 row emptied the table."""
    result = subprocess.run([PYTHON, "-c", _WINDOW_PROBE, str(poisoned), str(tmp_path / "settings.ini")],
                            capture_output=True, text=True, timeout=120, env=cli_env({"TZ": zone}), cwd=str(ROOT))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "Error calling Python override" not in result.stderr, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["rows"] == 30 and probe["painted"] and "out of range" not in probe["status"], probe["status"]
    # The year-9999 opening reads as the end of 2200 (UTC), shown in the zone's own time (+14 h / -12 h).
    assert far_future in probe["cells"]["INC-000002"], probe["cells"]["INC-000002"]


def test_no_command_writes_such_a_time_any_more(poisoned, tmp_path):
    db = tmp_path / "fresh.db"
    assert run_cli(db, "init").returncode == 0
    for args in (["demo", "--count", "2", "--until", "0001-01-01T00:00Z"],
                 ["escalate", "--now", "9999-12-31T23:00Z", "--force"],
                 ["log", "--title", "x", "--category", "Network", "--opened-at", "0001-01-01T00:00+14:00"],
                 ["list", "--to", "9999-12-31T23:59-14:00"], ["metrics", "--to", "9999-12-31"]):
        assert_one_line_error(run_cli(db, *args), "outside the years 1970 to 2200")
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM incident").fetchone() == (0,)
    con.close()
