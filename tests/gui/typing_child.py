"""A desk process that types into an editor or the log dialog and then waits to be killed (crash tests).

    python typing_child.py editor DB SETTINGS.ini KEY
    python typing_child.py log DB SETTINGS.ini

It prints "typed" once every key is in, then runs the event loop until the draft is kept, and SIGKILLs
itself the instant the keeping returns: no close event, no clean exit, and no later chance for Qt to
write the settings file by itself (QSettings also saves from the event loop a moment after a change,
so a test that waited for the file and then killed the process would pass even if keeping never
wrote to disk).
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from incident_desk.services.desk import Desk  # noqa: E402

EDITOR_TITLE = "Scanner on floor 4 jams on duplex"
EDITOR_NOTE = "Vendor ticket 5521 opened"
LOG_TITLE = "Badge reader at door B dead"
LOG_DESCRIPTION = "Since 8:00, nobody gets in"
LOG_REPORTER = "Nadia Haddad"


def refuse(*args):
    raise SystemExit(f"typing_child: unexpected prompt {args}")


def type_into_editor(desk: Desk, settings: QSettings, key: str):
    from incident_desk.ui.detail.editor import IncidentDetailEditor
    editor = IncidentDetailEditor(desk, settings=settings)
    editor.ask = refuse
    editor.run_dialog = refuse
    editor.resize(1100, 760)
    editor.show()
    assert editor.load_incident(key)
    editor.title_edit.setFocus()
    editor.title_edit.selectAll()
    QTest.keyClicks(editor.title_edit, EDITOR_TITLE)
    QTest.keyClicks(editor.timeline_view.note_edit, EDITOR_NOTE)
    return editor


def type_into_log_dialog(desk: Desk, settings: QSettings):
    from incident_desk.ui.dialogs.log_dialog import LogIncidentDialog
    dialog = LogIncidentDialog(desk, settings=settings)
    dialog.ask = refuse
    dialog.show()
    QTest.keyClicks(dialog.title_edit, LOG_TITLE)
    QTest.keyClicks(dialog.description_edit, LOG_DESCRIPTION)
    dialog.impact_combo.setFocus()
    QTest.keyClick(dialog.impact_combo, Qt.Key.Key_H)  # keyboard search in the list: High
    QTest.keyClicks(dialog.reporter_name_edit, LOG_REPORTER)
    return dialog


def main() -> None:
    kind, db, ini = sys.argv[1:4]
    app = QApplication([])
    desk = Desk.open(db)
    settings = QSettings(ini, QSettings.Format.IniFormat)
    keep = type_into_editor(desk, settings, sys.argv[4]) if kind == "editor" else type_into_log_dialog(desk, settings)
    from incident_desk.ui import drafts
    kept_now = drafts.keep

    def keep_then_die(*args, **kwargs):
        kept_now(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGKILL)
    drafts.keep = keep_then_die  # the editor's IncidentDrafts and the log dialog both call drafts.keep
    print("typed", flush=True)
    app.exec()
    del keep


if __name__ == "__main__":
    main()


def type_then_kill(kind: str, db, ini, key: str | None, *, draft_key: str, expected: dict,
                   timeout_s: float = 30.0) -> dict:
    """Run this script until it is SIGKILLed the instant its draft was kept; check that the draft on
    disk holds exactly ``expected`` (the fields named) and return it as it was read from the file."""
    import json
    import subprocess

    args = [sys.executable, str(Path(__file__).resolve()), kind, str(db), str(ini)] + ([key] if key else [])
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline().strip()
        assert line == "typed", (line, proc.stderr.read() if proc.poll() is not None else "")
        try:
            code = proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"no draft was kept within {timeout_s} s") from None
        assert code == -signal.SIGKILL, (code, proc.stderr.read())
        raw = QSettings(str(ini), QSettings.Format.IniFormat).value(draft_key)
        seen = json.loads(raw) if raw else None
        assert seen is not None and {k: seen.get(k) for k in expected} == expected, \
            f"the draft on disk after the crash is {seen}, not {expected}"
        return seen
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()
