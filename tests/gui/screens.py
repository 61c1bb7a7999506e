"""Virtual screens of a given size for subprocesses: Qt's offscreen platform with a screen config."""

from __future__ import annotations

import json
import os
from pathlib import Path


def offscreen_platform(width: int, height: int, *, folder: Path | None = None) -> str:
    """A QT_QPA_PLATFORM value for an offscreen screen of ``width`` x ``height`` at 96 dpi."""
    folder = folder or Path(os.environ.get("TMPDIR", "/tmp"))
    path = folder / f"incident-desk-offscreen-{width}x{height}.json"
    path.write_text(json.dumps({"screens": [{"name": f"{width}x{height}", "x": 0, "y": 0, "width": width,
                                             "height": height, "logicalDpi": 96, "logicalBaseDpi": 96,
                                             "dpr": 1}]}))
    return f"offscreen:configfile={path}"
