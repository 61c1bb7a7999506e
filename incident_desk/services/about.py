"""What Help -> About lists: the desk's licence and the third-party distributions it runs on, from their metadata."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import metadata

APP_DISTRIBUTION = "incident-desk"
# Optional extras that are part of the running desk when installed (team mode's driver); the test,
# packaging and development extras are tools, not something the desk ships with.
RUNTIME_EXTRAS = ("postgres",)
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_EXTRA = re.compile(r"""extra\s*==\s*["']([^"']+)["']""")


@dataclass(frozen=True)
class Distribution:
    name: str
    version: str
    licence: str
    summary: str


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirements(dist: metadata.Distribution, extras: tuple[str, ...] = ()) -> list[str]:
    """Names of ``dist``'s requirements without an extra marker or with one of ``extras``. Other
    markers (platform, Python version) are not evaluated: a requirement for another platform is not
    installed here, and what is not installed is not listed."""
    names = []
    for req in dist.requires or ():
        requirement, _, marker = req.partition(";")
        match = _NAME.match(requirement)
        if not match:
            continue
        extra = _EXTRA.search(marker)
        if extra and extra.group(1) not in extras:
            continue
        names.append(match.group(1))
    return names


def runtime_distributions() -> list[str]:
    """The installed distributions the desk runs on, transitively from its own requirements (the
    runtime extras included when installed), sorted by name; the desk itself is not in the list."""
    try:
        root = metadata.distribution(APP_DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return []
    seen: dict[str, str] = {}
    todo = _requirements(root, RUNTIME_EXTRAS)
    while todo:
        name = todo.pop()
        key = _normal(name)
        if key in seen or key == APP_DISTRIBUTION:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # an optional extra not installed, or a platform-only requirement
        seen[key] = dist.metadata["Name"] or name
        todo += _requirements(dist)
    return sorted(seen.values(), key=str.lower)


def licence_of(meta) -> str:
    """The licence a distribution declares: its SPDX expression, else a one-line License field, else
    its licence classifiers; a License field holding a whole licence text says so."""
    expression = (meta.get("License-Expression") or "").strip()
    if expression:
        return expression
    field = (meta.get("License") or "").strip()
    if field and "\n" not in field and len(field) <= 80:
        return field
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or ()
                   if c.startswith("License ::") and c.count("::") >= 2]
    if classifiers:
        return " / ".join(classifiers)
    if field:
        return "own licence (text in its licence file)"
    return "not stated in its metadata"


def third_party() -> list[Distribution]:
    """Name, version, licence and summary of every distribution runtime_distributions() names."""
    found = []
    for name in runtime_distributions():
        meta = metadata.metadata(name)
        found.append(Distribution(name=meta["Name"] or name, version=meta["Version"] or "",
                                  licence=licence_of(meta), summary=(meta.get("Summary") or "").strip()))
    return found


def app_licence() -> tuple[str, str]:
    """The desk's SPDX licence and its text from the installed metadata ('' when the text is missing)."""
    try:
        dist = metadata.distribution(APP_DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "MIT", ""
    expression = (dist.metadata.get("License-Expression") or dist.metadata.get("License") or "MIT").strip()
    for path in dist.files or ():
        if path.name.upper().startswith(("LICENSE", "LICENCE", "COPYING")):
            text = path.read_text(encoding="utf-8") if path.locate().is_file() else None
            if text:
                return expression, text
    return expression, ""
