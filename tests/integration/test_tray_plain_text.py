"""A title full of markup reaches the desktop notification escaped: a server that reads markup shows it as typed."""

from __future__ import annotations

import html
import sys
from pathlib import Path

import pytest

try:
    from .test_tray_app import seed_overdue_p1
    from .tray_harness import tray, tray_desktop  # noqa: F401  (fixtures)
except ImportError:  # tests/ is not a package: pytest put this folder on sys.path
    from test_tray_app import seed_overdue_p1
    from tray_harness import tray, tray_desktop  # noqa: F401  (fixtures)

pytestmark = pytest.mark.tray
ROOT = Path(__file__).resolve().parents[2]
TITLE = "<b>Printer</b> <img src='file:///etc/passwd'> & <a href='https://evil.example'>fire</a>"


def test_notify_body_carries_the_title_escaped(tray, tmp_path):
    db = tmp_path / "desk.db"
    key = seed_overdue_p1(db, title=TITLE)
    with tray.launch([sys.executable, "-m", "incident_desk", "--db", str(db)], env={"PYTHONPATH": str(ROOT)},
                     cwd=ROOT, grace=1) as app:
        call = tray.wait_for_notify(summary_contains=key, process=app, timeout=30)
    body = call["body"]
    assert "<b>" not in body and "<img" not in body and "<a " not in body
    assert html.unescape(body).startswith(TITLE + " — P1")
