"""`import`, `export`, `backup` and `restore` as a user runs them: exit codes, reports, files, progress."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from pathlib import Path

from incident_desk.cli.transfer import TerminalProgress
from tests.reliability.reliability_tools import run_cli

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "transfer"


def cli(db, *args):
    """The real CLI on ``db``: a tests.backends.Backend (signed in as its admin on PostgreSQL) or a URL."""
    return run_cli(db, *args, timeout=120)


def test_import_reports_and_exit_codes(backend):
    db = backend
    db.open().close()  # the desk exists (a SQLite file would be made by the first command)
    before = db.content()
    refused = cli(db, "import", "pagerduty", FIXTURES / "pagerduty.csv", "--tz", "UTC")
    assert refused.returncode == 2 and refused.stdout == ""
    db.assert_unchanged(before)
    assert "Nothing was imported: 1 problem" in refused.stderr
    assert "row 5, column 'priority': no priority" in refused.stderr
    assert "--value 'priority:=P3'" in refused.stderr
    done = cli(db, "import", "pagerduty", FIXTURES / "pagerduty.csv", "--tz", "UTC", "--value", "priority:=P3",
               "--json")
    assert done.returncode == 0 and done.stderr == ""  # no progress bar when stderr is not a terminal
    report = json.loads(done.stdout)
    assert report["written"] and report["counts"]["new"] == 4
    assert report["created"]["teams"] == ["Database", "Web"]
    assert db.value("SELECT count(*) FROM incident WHERE source = 'pagerduty'") == 4


def test_saved_mapping_used_from_the_command_line(backend):
    db = backend
    args = ["--map", "Nummer=key", "--map", "Kurzbeschreibung=title", "--map", "Status=status", "--map",
            "Priorität=priority", "--map", "Eröffnet=opened_at", "--map", "Geschlossen=closed_at",
            "--value", "status:Neu=new", "--value", "status:In Bearbeitung=in_progress",
            "--value", "status:Geschlossen=closed", "--tz", "Europe/Berlin"]
    saved = cli(db, "import", "csv", FIXTURES / "local_de.csv", *args, "--dry-run", "--save-profile", "Altes Tool")
    assert saved.returncode == 0, saved.stderr
    again = cli(db, "import", "csv", FIXTURES / "local_de.csv", "--profile", "altes tool", "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["counts"]["new"] == 4
    wrong = cli(db, "import", "jira", FIXTURES / "jira.csv", "--profile", "Altes Tool")
    assert wrong.returncode == 2 and "is for csv, not jira" in wrong.stderr


def test_csv_export_reads_back_with_import_csv(backend, other_backend, tmp_path):
    db, other = backend, other_backend
    assert cli(db, "import", "servicenow", FIXTURES / "servicenow_list.csv", "--tz", "UTC").returncode == 0
    out = cli(db, "export", "csv", tmp_path / "open.csv", "--open", "--sort", "key")
    assert out.returncode == 0 and "Exported 4 incidents" in out.stdout
    assert stat.S_IMODE(os.stat(tmp_path / "open.csv").st_mode) == 0o600
    with open(tmp_path / "open.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["external_key"] for r in rows] == ["INC0010003", "INC0010004", "INC0010005", "INC0010007"]
    assert [r["status"] for r in rows] == ["in_progress", "on_hold", "in_progress", "new"]
    back = cli(other, "import", "csv", tmp_path / "open.csv", "--json")
    assert back.returncode == 0, back.stderr
    got = other.rows("SELECT external_key, title, status, priority FROM incident ORDER BY external_key")
    assert got == [(r["key"], r["title"], {"new": 10, "in_progress": 30, "on_hold": 40}[r["status"]],
                    int(r["priority"][1])) for r in rows]


def test_json_export_and_import_say_rows_per_section(backend, other_backend, tmp_path):
    assert cli(backend, "import", "servicenow", FIXTURES / "servicenow_list.csv", "--tz", "UTC").returncode == 0
    out = cli(backend, "export", "json", tmp_path / "all.json")
    assert out.returncode == 0, out.stderr
    first = out.stdout.splitlines()[0]
    assert first.startswith(f"Exported the whole desk to {tmp_path / 'all.json'}; rows per section: ")
    assert ", incidents 8, " in first and "1 teams" not in first
    back = cli(other_backend, "import", "json", tmp_path / "all.json")
    assert back.returncode == 0, back.stderr
    assert any(line.startswith("Rows per section: ") and ", incidents 8, " in line
               for line in back.stdout.splitlines())


def test_json_export_takes_no_filters(backend, tmp_path):
    backend.open().close()
    refused = cli(backend, "export", "json", tmp_path / "x.json", "--open")
    assert refused.returncode == 2 and "the list filters apply to `export csv`" in refused.stderr
    assert not (tmp_path / "x.json").exists()


def test_postgres_backup_says_how(tmp_path):
    pg = cli("postgresql://ann@db.example:5433/desk", "backup", tmp_path / "desk.dump")
    assert pg.returncode == 2
    assert pg.stdout.strip() == (f"pg_dump --format=custom --file={tmp_path / 'desk.dump'} --host=db.example "
                                 "--port=5433 --username=ann desk")


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_draws_on_a_terminal_only():
    screen = FakeTerminal()
    bar = TerminalProgress("import x.csv", stream=screen)
    bar(50, 100, "writing")
    bar(100, 100, "writing")
    bar.close()
    assert "import x.csv: writing [###############---------------]  50 %" in screen.getvalue()
    assert "100 %" in screen.getvalue()
    piped = io.StringIO()
    TerminalProgress("x", stream=piped)(1, 2, "writing")
    assert piped.getvalue() == ""


def test_csv_export_never_hands_a_spreadsheet_a_formula(backend, tmp_path):
    db = backend
    db.open().close()
    assert cli(db, "log", "--title", "=HYPERLINK(\"http://x\")", "--category", "Network",
               "--reporter", "@admin").returncode == 0
    assert cli(db, "export", "csv", tmp_path / "x.csv").returncode == 0
    with open(tmp_path / "x.csv", encoding="utf-8-sig", newline="") as fh:
        [row] = list(csv.DictReader(fh))
    assert (row["title"], row["reporter"]) == ("'=HYPERLINK(\"http://x\")", "'@admin")


def test_without_tz_times_are_read_in_this_machines_zone_as_tz_says(backend, tmp_path):
    """'Default: this machine's zone' is the zone its clocks use: TZ when set (it was ignored for
    /etc/localtime, UTC here), a zone of three parts too; a TZ without an IANA name is refused, not guessed."""
    from tests.reliability.reliability_tools import assert_one_line_error
    db = backend
    path = tmp_path / "zones.csv"
    path.write_text("key,title,status,priority,opened_at\nZ-1,Tokyo,new,P3,2026-11-01 10:00\n", encoding="utf-8")
    dry = cli_env(db, "import", "csv", path, "--dry-run", env={"TZ": "Asia/Tokyo"})
    assert dry.stdout.startswith("Would import 1 incident from 1 row: 1 new,"), dry.stdout
    tokyo = cli_env(db, "import", "csv", path, "--json", env={"TZ": "Asia/Tokyo"})
    assert tokyo.returncode == 0, tokyo.stderr
    assert json.loads(tokyo.stdout)["detected"]["zone"] == "Asia/Tokyo for times without an offset"
    # 10:00 in Tokyo (UTC+9, no summer time) is 01:00 UTC: 2026-11-01T01:00:00Z.
    assert db.value("SELECT opened_at FROM incident WHERE external_key = 'Z-1'") == 1793494800
    path.write_text("key,title,status,priority,opened_at\nZ-1,Tokyo,new,P3,2026-11-01 10:00\n"
                    "Z-2,Buenos Aires,new,P3,2026-11-01 10:00\n", encoding="utf-8")
    again = cli_env(db, "import", "csv", path, env={"TZ": "America/Argentina/Buenos_Aires"})
    assert again.stdout.startswith("Imported 2 incidents from 2 rows: 1 new, 1 updated,"), again.stdout
    # Buenos Aires is UTC-3 all year: 13:00 UTC. Z-1 is read again in that zone too (same key: updated).
    assert db.value("SELECT opened_at FROM incident WHERE external_key = 'Z-2'") == 1793494800 + 12 * 3600
    before = db.content()
    assert_one_line_error(cli_env(db, "import", "csv", path, env={"TZ": "CET-1CEST"}), "TZ=CET-1CEST", "--tz")
    db.assert_unchanged(before)


def cli_env(db, *args, env):
    return run_cli(db, *args, timeout=120, env=env)
