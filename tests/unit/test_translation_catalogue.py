"""The committed catalogue (incident_desk_en.ts and its .qm) is what `make ts` would write from ui/ today."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "incident_desk" / "ui"
I18N = ROOT / "incident_desk" / "resources" / "i18n"
TS = I18N / "incident_desk_en.ts"
BIN = Path(sys.executable).parent


def messages(ts: Path) -> set[tuple[str, str, str, bool]]:
    """(context, source, disambiguation, plural) of every live message: what translators see."""
    found = set()
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            kind = message.find("translation").get("type")
            if kind in ("obsolete", "vanished"):
                continue
            found.add((name, message.findtext("source"), message.findtext("comment") or "",
                       message.get("numerus") == "yes"))
    return found


def extract(tmp_path: Path) -> Path:
    """Run the Makefile's extraction on a copy of the committed catalogue."""
    fresh = tmp_path / TS.name
    shutil.copyfile(TS, fresh)
    sources = sorted(str(p) for p in UI.rglob("*.py"))
    subprocess.run([str(BIN / "pyside6-lupdate"), "-silent", "-locations", "none", "-no-obsolete",
                    "-source-language", "en", *sources, "-ts", str(fresh)], check=True, cwd=ROOT)
    return fresh


def test_committed_catalogue_is_up_to_date(tmp_path):
    committed, fresh = messages(TS), messages(extract(tmp_path))
    new, gone = sorted(fresh - committed), sorted(committed - fresh)
    assert not new and not gone, f"run `make ts`: new in the code {new[:10]}, no longer in the code {gone[:10]}"
    # the file itself, byte for byte, so the plural forms written by hand are the ones kept
    assert (tmp_path / TS.name).read_text(encoding="utf-8") == TS.read_text(encoding="utf-8")


def test_catalogue_holds_known_texts_in_their_contexts():
    found = messages(TS)
    assert ("MainWindow", "&Log incident…", "", False) in found
    assert ("MainWindow", "%Ln incidents", "", True) in found
    assert ("AboutDialog", "About Incident Desk", "", False) in found
    assert len(found) > 800  # every module of ui/, not a handful


def test_every_text_the_code_translates_is_in_the_catalogue():
    """lupdate's Python reader silently skips calls it cannot parse (a count such as len(x), a context in a
    variable): every literal passed to translate()/self.tr() must come out in the catalogue."""
    in_catalogue = {(ctx, src) for ctx, src, _, _ in messages(TS)}
    missing = []
    for path in sorted(UI.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        classes = [(n, {id(c) for c in ast.walk(n)}) for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call):
                continue
            f = call.func
            if isinstance(f, ast.Name) and f.id in ("translate", "QT_TRANSLATE_NOOP") and len(call.args) >= 2:
                if not isinstance(call.args[1], ast.Constant):
                    continue  # translate("Ctx", label) of a QT_TRANSLATE_NOOP-marked table
                key = (call.args[0].value, call.args[1].value)
            elif isinstance(f, ast.Attribute) and f.attr == "tr" and call.args:
                if isinstance(f.value, ast.Name) and f.value.id != "self":
                    key = (f.value.id, call.args[0].value)  # TrayController.tr(...): that class's context
                else:
                    owner = [c.name for c, inside in classes if id(call) in inside]
                    key = (owner[-1] if owner else "", call.args[0].value)
            else:
                continue
            if key not in in_catalogue:
                missing.append(f"{path.relative_to(ROOT)}:{call.lineno}: {key}")
    assert not missing, "\n".join(missing)


def test_english_plural_forms_are_written():
    """Source texts say "%n incidents": the English catalogue gives "1 incident" its singular."""
    unfinished = []
    for message in ET.parse(TS).getroot().iter("message"):
        if message.get("numerus") == "yes":
            forms = [f.text or "" for f in message.find("translation").iter("numerusform")]
            if message.find("translation").get("type") == "unfinished" or len(forms) != 2 or not all(forms):
                unfinished.append(message.findtext("source"))
    assert not unfinished, f"write the English singular and plural in {TS.name}: {unfinished}"


def test_compiled_catalogue_matches_the_source(tmp_path):
    qm = tmp_path / "fresh.qm"
    subprocess.run([str(BIN / "pyside6-lrelease"), "-silent", str(TS), "-qm", str(qm)], check=True)
    assert qm.read_bytes() == (I18N / "incident_desk_en.qm").read_bytes(), "run `make ts`: the .qm is stale"


def test_translations_keep_the_placeholders_of_their_source():
    """ui/ fills texts with str.format: a translation that drops, renames or invents a {placeholder} would
    raise at run time (or lose the value); %n must stay in plurals."""
    placeholder = re.compile(r"\{(\w*)[^{}]*\}|(%L?n)")

    def names(text: str) -> list[str]:
        text = text.replace("{{", "").replace("}}", "")
        return sorted({m.group(1) if m.group(2) is None else "%n" for m in placeholder.finditer(text)})

    problems = []
    for ts in sorted(I18N.glob("incident_desk_*.ts")):
        for message in ET.parse(ts).getroot().iter("message"):
            source = message.findtext("source")
            translation = message.find("translation")
            if translation.get("type") in ("unfinished", "obsolete", "vanished"):
                continue
            forms = [f.text or "" for f in translation.iter("numerusform")] or [translation.text or ""]
            expected = names(source)
            for form in forms:
                if names(form) != expected:
                    problems.append(f"{ts.name}: {source!r} -> {form!r}")
    assert not problems, "\n".join(problems)
