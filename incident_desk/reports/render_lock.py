"""The one lock under which this process builds, measures and renders every matplotlib figure."""

from __future__ import annotations

import threading

# matplotlib keeps one FreeType library for the whole process and opens and frees font faces on it
# from whichever thread first measures text. FreeType is not thread-safe on a shared library, and
# matplotlib's own lock covers only Figure.draw, not text measured outside it (a pick, a layout, a
# new font). A metrics refresh renders on a worker while the GUI thread may pick, export or redraw,
# and a report may render on yet another worker: each of them holds this lock while it works.
# Reentrant: an export rebuilds a chart (locked) and then saves it (locked again).
RENDER_LOCK = threading.RLock()
