"""The house rules: each floor imports only the floors below it (walks every import statement)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "incident_desk"
QT = ("PySide6", "shiboken6", "matplotlib")
DATABASE = ("peewee", "playhouse", "sqlite3", "psycopg2", "incident_desk.storage")

# floor -> prefixes it must never import
FORBIDDEN = {
    "domain": QT + DATABASE + ("incident_desk.services", "incident_desk.ui", "incident_desk.app",
                               "incident_desk.cli", "incident_desk.config", "incident_desk.reports", "time"),
    # Paths and settings names (config) belong to whoever runs the desk, not to the rules or the SQL.
    "storage": QT + ("incident_desk.services", "incident_desk.ui", "incident_desk.app", "incident_desk.cli",
                     "incident_desk.config", "incident_desk.reports"),
    "services": QT + ("incident_desk.ui", "incident_desk.app", "incident_desk.cli"),
    "ui": DATABASE + ("incident_desk.app", "incident_desk.cli"),
    # The CLI works through the services; the window is app.py's (imported only to open it).
    "cli": QT + DATABASE + ("incident_desk.ui",),
    # Reports draw with Qt's text document and PDF writer (QtGui) and matplotlib, over the services'
    # data: no database, no widgets, nothing of the window or the command line.
    "reports": DATABASE + ("PySide6.QtWidgets", "incident_desk.ui", "incident_desk.app", "incident_desk.cli",
                           "matplotlib.pyplot"),
}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import: resolve against the module's package
                package = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-node.level]
                base = ".".join(package + ((node.module,) if node.module else ()))
            else:
                base = node.module or ""
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def _violations(floor: str) -> list[str]:
    bad = []
    for path in sorted((PACKAGE / floor).rglob("*.py")):
        for line, name in _imports(path):
            for prefix in FORBIDDEN[floor]:
                if name == prefix or name.startswith(prefix + "."):
                    bad.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}")
    return bad


@pytest.mark.parametrize("floor", sorted(FORBIDDEN))
def test_floor_imports_only_floors_below(floor):
    assert _violations(floor) == []


def test_every_floor_is_checked():
    """A new top-level package must get its rules here, or the walker would never look at it."""
    floors = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert floors == set(FORBIDDEN)


def test_the_walker_catches_a_wrong_arrow(tmp_path, monkeypatch):
    """A test that cannot fail proves nothing: plant a bad import and see it reported."""
    fake = tmp_path / "incident_desk"
    (fake / "domain").mkdir(parents=True)
    (fake / "domain" / "bad.py").write_text("from PySide6.QtCore import QObject\nimport peewee\n")
    (fake / "ui").mkdir()
    (fake / "ui" / "bad.py").write_text("from ..storage import tables\n")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", fake)
    assert len(_violations("domain")) == 3  # PySide6.QtCore, its QObject, peewee
    assert any("incident_desk.storage" in v for v in _violations("ui"))
    (fake / "ui" / "worse.py").write_text("from incident_desk.app import run_gui\n")
    assert any("incident_desk.app" in v for v in _violations("ui"))
    (fake / "storage").mkdir()
    (fake / "storage" / "bad.py").write_text("from .. import config\n")
    assert _violations("storage") == ["incident_desk/storage/bad.py:1 imports incident_desk.config"]


def test_colours_come_from_the_theme():
    """One colour table (ui/theme.py): a hex colour or a named QColor anywhere else in the UI is a second one."""
    import re
    pattern = re.compile(r"""#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b(?!-)|QColor\(["'][a-z]+["']\)|["'](white|black)["']""")
    bad = []
    for path in sorted((PACKAGE / "ui").rglob("*.py")):
        if path.name == "theme.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0] if not re.search(r"""["'][^"']*#""", line) else line
            if pattern.search(code) and "INC-000123" not in line:
                bad.append(f"{path.relative_to(PACKAGE.parent)}:{n}: {line.strip()}")
    assert bad == []


def test_signals_are_blocked_by_a_qsignalblocker_not_by_hand():
    """A blockSignals(True) ... blockSignals(False) pair leaves the widget mute when what is between raises;
    QSignalBlocker restores it however the block ends. (A window that is being torn down may mute its
    tabs for good: a blockSignals(True) with no pair is allowed.)"""
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if ".blockSignals(False)" in line or ".blockSignals(previous" in line:
                bad.append(f"{path.relative_to(PACKAGE.parent)}:{n}: {line.strip()}")
    assert bad == []
