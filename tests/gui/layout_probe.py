"""Opens the real desk window as a normal start does (notification panel included) on a screen of a given
size, types into the editor, visits the Metrics tab, and prints what a user would see as JSON.

Run by tests/gui/test_laptop_layout.py in a process of its own per screen size and theme:
    python -m tests.gui.layout_probe DB SCREENSHOT.png
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QRect, QSettings, Qt
from PySide6.QtWidgets import QWidget


def fully_visible(widget: QWidget, window: QWidget) -> bool:
    """Shown, not clipped by any parent, and inside the window."""
    if not widget.isVisible():
        return False
    if widget.visibleRegion().boundingRect() != widget.rect():
        return False
    top_left = widget.mapTo(window, widget.rect().topLeft())
    return window.rect().contains(QRect(top_left, widget.size()))


def inside_horizontally(widget: QWidget, container: QWidget) -> bool:
    left = widget.mapTo(container, widget.rect().topLeft()).x()
    return left >= 0 and left + widget.width() <= container.width()


def probe(window, editor) -> dict:
    panel = window.detail_panel.viewport()
    buttons = [editor.save_button, editor.revert_button, *editor.transition_buttons.values(),
               editor.duplicate_button, editor.assign_me_button, editor.reporter_button, editor.watch_button]
    shown = [b for b in buttons if not b.isHidden()]
    fields = [f.editor for f in editor.fields.values() if f.editor.isVisibleTo(editor)]
    return {
        "buttons": {b.text().replace("&", ""): fully_visible(b, window) for b in shown},
        "fields_inside_panel": all(inside_horizontally(f, panel) for f in fields if f.isVisible()),
        "editor_fits_panel": editor.width() <= panel.width(),
        "form_hscroll": editor.form.horizontalScrollBar().isVisible(),
        "panel_width": window.detail_panel.width(),
        "save_enabled": editor.save_button.isEnabled(),
        "title_width": title_width(window.table),
    }


def squeezed_overlaps(app, window, dock) -> list[list[str]]:
    """The dock made as short as it lets itself be (the user drags the views dock down): what overlaps then."""
    before = dock.height()
    window.resizeDocks([dock], [1], Qt.Orientation.Vertical)
    for _ in range(20):
        app.processEvents()
    found = overlaps(dock.widget())
    window.resizeDocks([dock], [before], Qt.Orientation.Vertical)
    for _ in range(20):
        app.processEvents()
    return found


def overlaps(panel: QWidget) -> list[list[str]]:
    """Pairs of the panel's visible children drawn over each other (a wrapped row squeezed under the next)."""
    shown = [w for w in panel.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
             if w.isVisible()]
    return [[a.objectName() or a.metaObject().className() + ":" + str(getattr(a, "text", lambda: "")()),
             b.objectName() or b.metaObject().className() + ":" + str(getattr(b, "text", lambda: "")())]
            for i, a in enumerate(shown) for b in shown[i + 1:] if a.geometry().intersects(b.geometry())]


def title_width(table) -> int:
    """The width of the table's Title column, found by its header text."""
    model = table.model()
    column = next(c for c in range(model.columnCount()) if model.headerData(c, Qt.Orientation.Horizontal) == "Title")
    return table.horizontalHeader().sectionSize(column)


def main(db: str, png: str) -> int:
    import faulthandler
    faulthandler.dump_traceback_later(60, exit=True)  # a hang shows where, instead of a silent timeout
    from incident_desk.app import _application
    from incident_desk.services.desk import Desk
    from incident_desk.ui.alerts import AlertsController
    from incident_desk.ui.bridge import DeskBridge
    from incident_desk.ui.theme import ThemeWatcher
    from incident_desk.ui.widgets.main_window import MainWindow

    app = _application([sys.argv[0]])
    ThemeWatcher(app)
    desk = Desk.open(db)
    bridge = DeskBridge(desk)
    # A settings file of this run only (never /dev/null: Qt saves settings by writing a new file and
    # renaming it over the old one, which would replace the device with a plain file).
    settings_path = str(Path(png).with_suffix(".ini"))
    window = MainWindow(desk, bridge, QSettings(settings_path, QSettings.Format.IniFormat))
    alerts = AlertsController(desk, window, settings=QSettings(settings_path, QSettings.Format.IniFormat),
                              scan_interval_ms=3_600_000, first_scan_ms=3_600_000, tray_available=lambda: False)
    window.attach_alerts(alerts)
    window.show()
    for _ in range(50):
        app.processEvents()
    screen = app.primaryScreen().availableGeometry()
    key = window.model.row_at(0).key
    window.table.select_key(key)
    window._on_incident_activated(key)
    for _ in range(20):
        app.processEvents()
    editor = window.editor
    out = {"screen": [screen.width(), screen.height()],
           "window": [window.frameGeometry().width(), window.frameGeometry().height()],
           "size": [window.width(), window.height()],
           "minimum": [window.minimumSizeHint().width(), window.minimumSizeHint().height()],
           "dock_visible": alerts.dock.isVisible(),
           "dock_overlaps": squeezed_overlaps(app, window, alerts.dock),
           "opened": probe(window, editor)}
    # Typing makes the unsaved note appear: it must not push Save out of view.
    editor.title_edit.end(False)
    editor.title_edit.insert(" — and a long addition typed by the agent to see whether Save stays on screen")
    editor.title_edit.textEdited.emit(editor.title_edit.text())
    editor.description_edit.setPlainText("A description " * 40)
    for _ in range(20):
        app.processEvents()
    out["typed"] = probe(window, editor)
    # Someone else changes the incident meanwhile: the banner's Reload and Keep editing stay whole too.
    other = Desk.on_store(desk.store)
    other.incidents.edit_incident(actor=other.actor, key=key, expected_version=editor.current_incident().version,
                                  changes={"reporter_name": "Someone Else With A Rather Long Name"})
    editor.refresh_from_store()
    for _ in range(20):
        app.processEvents()
    out["changed_meanwhile"] = {**probe(window, editor),
                                "banner": {b.text().replace("&", ""): fully_visible(b, window)
                                           for b in (editor.reload_remote_button, editor.keep_editing_button)}}
    editor.keep_editing_button.click()
    for _ in range(20):
        app.processEvents()
    window.tabs.setCurrentIndex(1)
    for _ in range(50):
        app.processEvents()
    window.tabs.setCurrentIndex(0)
    for _ in range(20):
        app.processEvents()
    out["after_metrics"] = probe(window, editor)
    window.grab().save(png, "PNG")
    print("LAYOUT " + json.dumps(out), flush=True)
    editor.revert()
    alerts.shutdown()
    window.shutdown()
    bridge.stop()
    from incident_desk.ui.ops import shutdown_all
    shutdown_all()
    desk.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
