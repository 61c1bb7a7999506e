"""Every user-facing literal in ui/ goes through translate() or self.tr(): an AST scan of Qt setters and widgets."""

from __future__ import annotations

import ast
import re
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "incident_desk" / "ui"

# Qt calls whose string arguments a person reads.
QT_SINKS = {
    "setText", "setWindowTitle", "setToolTip", "setStatusTip", "setWhatsThis", "setPlaceholderText", "setTitle",
    "addAction", "addMenu", "addTab", "insertTab", "setTabText", "setTabToolTip", "setHeaderLabels",
    "setHorizontalHeaderLabels", "setVerticalHeaderLabels", "addItem", "addItems", "insertItem", "setLabelText",
    "setInformativeText", "setDetailedText", "setAccessibleName", "setAccessibleDescription", "setSpecialValueText",
    "setSuffix", "setPrefix", "addRow", "setButtonText", "showMessage", "setSubTitle", "information", "warning",
    "critical", "question", "getText", "getItem", "getInt", "getOpenFileName", "getSaveFileName",
    "getExistingDirectory", "setCancelButtonText", "addButton", "setNameFilter", "setNameFilters", "setItemText",
    "setPlainText",
    "QLabel", "QPushButton", "QToolButton", "QCheckBox", "QRadioButton", "QGroupBox", "QAction", "QMenu",
    "QMessageBox", "QCommandLinkButton", "QListWidgetItem", "QTreeWidgetItem", "QStandardItem", "QProgressDialog",
    "QDockWidget", "QToolBar",
}
# The desk's own helpers that put text on screen (banners, status bar, error labels, untrusted-text labels);
# their arguments also carry keys ("error", "warning"), so only literals that read as words count here.
DESK_SINKS = {
    "show_message", "status_message", "ask", "set_error", "set_hint", "show_error", "plain_label", "tooltip",
    "menu_text", "notification_body", "ValidationError", "DomainError", "set_title", "HeadlineCard",
}
KEY_LIKE = re.compile(r"^[a-z_][a-z0-9_.\-/]*$")
NOT_TEXT_KEYWORDS = {"objectName", "shortcut", "icon", "context", "role", "level", "kind", "key", "name", "data"}
# Positional arguments that are not captions: a file dialog's starting path.
NOT_TEXT_POSITIONS = {"getOpenFileName": {2}, "getSaveFileName": {2}, "getExistingDirectory": {2}}
TRANSLATED = {"translate", "tr"}
# (file relative to ui/, literal) pairs shown untranslated on purpose, each with its reason.
ALLOWED: dict[tuple[str, str], str] = {}


def _name(call: ast.Call) -> str | None:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None


def _words(text: str) -> bool:
    return bool(re.search("[A-Za-z]", text))


def _bare(node: ast.AST, desk: bool):
    """Literals under an argument that reach the screen without translation (through +, %, `x if c else y`,
    `or`, lists, str.format)."""
    if isinstance(node, ast.Call) and _name(node) in TRANSLATED:
        return
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        if _words(node.value) and not (desk and KEY_LIKE.match(node.value)):
            yield node
    elif isinstance(node, ast.JoinedStr):
        if any(isinstance(v, ast.Constant) and _words(v.value) for v in node.values):
            yield node
    elif isinstance(node, ast.IfExp):
        yield from _bare(node.body, desk)
        yield from _bare(node.orelse, desk)
    elif isinstance(node, ast.BoolOp):
        for v in node.values:
            yield from _bare(v, desk)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        yield from _bare(node.left, desk)
        if isinstance(node.op, ast.Add):
            yield from _bare(node.right, desk)
    elif isinstance(node, (ast.List, ast.Tuple)):
        for e in node.elts:
            yield from _bare(e, desk)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        yield from _bare(node.func.value, desk)


def untranslated(source: str) -> list[tuple[int, str, str]]:
    """(line, call, literal) for each literal passed to a user-facing call without translation."""
    found = []
    for call in ast.walk(ast.parse(source)):
        if not isinstance(call, ast.Call):
            continue
        name = _name(call)
        if name not in QT_SINKS and name not in DESK_SINKS:
            continue
        if isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name) \
                and call.func.value.id.lower().lstrip("_") in ("log", "logger", "logging"):
            continue  # logger.warning(...): the log is for developers
        args = list(enumerate(call.args))
        if name in ("addItem", "insertItem"):
            # addItem(text, userData) / insertItem(i, text, userData): only the first literal is a caption
            rest = args[1:] if name == "insertItem" else args
            rest = [a for a in rest if "icon" not in ast.unparse(a[1]).lower()]
            args = rest[:1]
        arguments = [a for i, a in args if i not in NOT_TEXT_POSITIONS.get(name, ())]
        arguments += [k.value for k in call.keywords if k.arg not in NOT_TEXT_KEYWORDS]
        for arg in arguments:
            for node in _bare(arg, name in DESK_SINKS):
                found.append((node.lineno, name, ast.unparse(node)))
    return found


def _modules():
    return sorted(p for p in UI.rglob("*.py") if p.name != "i18n.py")


def test_every_user_facing_literal_in_ui_is_translated():
    problems = []
    for path in _modules():
        rel = path.relative_to(UI).as_posix()
        for line, call, literal in untranslated(path.read_text(encoding="utf-8")):
            if (rel, literal) not in ALLOWED:
                problems.append(f"ui/{rel}:{line}: {call}({literal[:70]}) bypasses translate()")
    assert not problems, "\n".join(problems)


def test_translate_calls_are_ones_lupdate_can_read():
    """lupdate reads the source: a context or text held in a variable, or a count passed by keyword, is never
    extracted. One context per module keeps translators' contexts stable when code moves between classes."""
    problems = []
    # A table of captions marked QT_TRANSLATE_NOOP("Ctx", "text") is translated where it is shown, the text
    # in a variable: translate("Ctx", label) is fine for a context marked so anywhere in ui/.
    marked = {c.args[0].value for path in _modules() for c in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
              if isinstance(c, ast.Call) and _name(c) == "QT_TRANSLATE_NOOP" and isinstance(c.args[0], ast.Constant)}
    for path in _modules():
        rel = path.relative_to(UI).as_posix()
        contexts = set()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call):
                continue
            name = _name(call)
            if name == "translate" and isinstance(call.func, ast.Name):
                literal = [a for a in call.args[:2] if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                if len(literal) == 1 and isinstance(call.args[0], ast.Constant) and call.args[0].value in marked:
                    continue  # translate("Ctx", label): a label of a table marked with that context
                if len(literal) < 2 or call.keywords:
                    problems.append(f"ui/{rel}:{call.lineno}: translate() needs literal context and text, "
                                    f"positional arguments")
                else:
                    contexts.add(call.args[0].value)
            elif name == "tr" and isinstance(call.func, ast.Attribute):
                if not (call.args and isinstance(call.args[0], ast.Constant)) or call.keywords:
                    problems.append(f"ui/{rel}:{call.lineno}: self.tr() needs a literal text, positional arguments")
        if len(contexts) > 1:
            problems.append(f"ui/{rel}: several translation contexts {sorted(contexts)}; use one per module")
    assert not problems, "\n".join(problems)


def test_the_scan_finds_what_it_must():
    """The scanner itself: a bare caption, an f-string, a concatenated fragment and a conditional are found;
    translated text, keys and log calls are not."""
    code = '''
label = QLabel("Open incidents", self)
self.setWindowTitle(f"Incident {key}")
button.setToolTip("Saved " + when)
box.setText("On" if on else translate("Ctx", "Off"))
self.banner.show_message(translate("Ctx", "Saved."), "info")
self.banner.show_message("Could not save.", "error")
combo.addItem(translate("Ctx", "High"), "high")
log.warning("scan failed: %s", exc)
QFileDialog.getSaveFileName(self, translate("Ctx", "Export"), "incidents.csv", "CSV (*.csv)")
'''
    found = [(line, call, literal) for line, call, literal in untranslated(code)]
    assert found == [(2, "QLabel", "'Open incidents'"), (3, "setWindowTitle", "f'Incident {key}'"),
                     (4, "setToolTip", "'Saved '"), (5, "setText", "'On'"),
                     (7, "show_message", "'Could not save.'"), (10, "getSaveFileName", "'CSV (*.csv)'")]
