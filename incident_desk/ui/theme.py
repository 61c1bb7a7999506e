"""Light/dark appearance that follows the system, and every colour the desk uses (no widget has its own)."""

from __future__ import annotations

import os
from functools import lru_cache

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Qt, Signal, Slot
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from incident_desk.domain.incident import Priority, Status
from incident_desk.domain.sla import (
    STATE_BREACHED,
    STATE_MET,
    STATE_MISSED,
    STATE_NONE,
    STATE_OK,
    STATE_PAUSED,
    STATE_STOPPED,
    STATE_WARNING,
)
from incident_desk.ui.i18n import translate

THEME_ENV_VAR = "INCIDENT_DESK_THEME"  # "dark" / "light" forces a scheme (screenshots, tests)

# Marked for the catalogue; priority_label() and the table's badge translate them where shown.
PRIORITY_NAMES = {Priority.P1: QT_TRANSLATE_NOOP("Theme", "Critical"), Priority.P2: QT_TRANSLATE_NOOP("Theme", "High"),
                  Priority.P3: QT_TRANSLATE_NOOP("Theme", "Moderate"), Priority.P4: QT_TRANSLATE_NOOP("Theme", "Low"),
                  Priority.P5: QT_TRANSLATE_NOOP("Theme", "Planning")}

# (light, dark) pairs: dark variants are lighter so they keep contrast on a dark base.
_PRIORITY = {
    Priority.P1: ("#c62828", "#ef5350"),
    Priority.P2: ("#e65100", "#ff8a50"),
    Priority.P3: ("#b28704", "#e6c34a"),
    Priority.P4: ("#1565c0", "#64a8f0"),
    Priority.P5: ("#616161", "#9e9e9e"),
}
# The SLA states are the domain's (domain/sla.py, with their one label table STATE_LABELS).
SLA_OK, SLA_WARNING, SLA_BREACHED, SLA_PAUSED, SLA_NONE = STATE_OK, STATE_WARNING, STATE_BREACHED, STATE_PAUSED, \
    STATE_NONE
_SLA = {
    SLA_OK: ("#2e7d32", "#66bb6a"),
    SLA_WARNING: ("#b26a00", "#ffb74d"),
    SLA_BREACHED: ("#c62828", "#ef5350"),
    SLA_PAUSED: ("#5c6bc0", "#9fa8da"),
    SLA_NONE: ("#757575", "#9e9e9e"),
    STATE_MET: ("#2e7d32", "#66bb6a"),
    STATE_MISSED: ("#c62828", "#ef5350"),
    STATE_STOPPED: ("#757575", "#9e9e9e"),
}
_STATUS = {
    Status.NEW: ("#1565c0", "#64a8f0"),
    Status.ACKNOWLEDGED: ("#6a1b9a", "#ce93d8"),
    Status.IN_PROGRESS: ("#00796b", "#4db6ac"),
    Status.ON_HOLD: ("#5c6bc0", "#9fa8da"),
    Status.RESOLVED: ("#2e7d32", "#81c784"),
    Status.CLOSED: ("#616161", "#9e9e9e"),
    Status.CANCELLED: ("#757575", "#8a8a8a"),
}


# Semantic tones: (light, dark) pairs of (fill, text, accent). Fills stay quiet in the dark scheme
# (no light pastel card on a dark window); text keeps contrast on its fill.
_TONES = {
    "error": (("#fce8e6", "#8c1d18", "#c5221f"), ("#3b1f1e", "#f6aea9", "#ef5350")),
    "warning": (("#fef7e0", "#6b4a00", "#f9ab00"), ("#3a3120", "#fdd663", "#f9ab00")),
    "info": (("#e8f0fe", "#174ea6", "#1a73e8"), ("#1e2a3d", "#aecbfa", "#64a8f0")),
    "success": (("#e6f4ea", "#0d652d", "#188038"), ("#1e3325", "#a8dab5", "#66bb6a")),
    "accent": (("#f3e8fd", "#4a148c", "#7e57c2"), ("#2d2438", "#d7aefb", "#b388ff")),
    "neutral": (("#f1f3f4", "#3c4043", "#9aa0a6"), ("#2d2f31", "#d0d2d6", "#8c8f94")),
}
# Charts: a colour-blind-safe categorical palette (Okabe-Ito) that reads on both schemes, and the rest.
CATEGORY_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")
OTHER_CATEGORY_COLOR = "#9e9e9e"
_CHART = {
    False: {"face": "#ffffff", "text": "#202124", "muted": "#5f6368", "grid": "#e3e5e8", "mean": "#1565c0",
            "p90": "#e65100", "line": "#37474f", "marker": "#c62828", "target": "#2e7d32"},
    True: {"face": "#1f2124", "text": "#e6e6e6", "muted": "#a8a8a8", "grid": "#3a3d42", "mean": "#64a8f0",
           "p90": "#ffb74d", "line": "#e6e6e6", "marker": "#ff6e6e", "target": "#81c784"},
}
LIGHT_TEXT, DARK_TEXT = "#ffffff", "#1a1a1a"
TRAY_BACKGROUND, TRAY_ALERT = "#2c3e50", "#d32f2f"
ACCENT = ("#2f65ca", "#64a8f0")


# The scheme chosen in Settings -> Appearance ("light"/"dark"; None follows the system); the env var wins.
_chosen_scheme: str | None = None


def set_chosen_scheme(value: str | None) -> None:
    """Follow ``value`` ("light", "dark", or "system"/None) from now on; apply_scheme() shows it."""
    global _chosen_scheme
    _chosen_scheme = value if value in ("dark", "light") else None


def apply_scheme() -> None:
    """Repaint the running app in the scheme now in force (after set_chosen_scheme)."""
    app = QApplication.instance()
    watcher = app.findChild(ThemeWatcher) if app is not None else None
    if watcher is not None:
        watcher.apply()


def _forced_scheme() -> str | None:
    value = os.environ.get(THEME_ENV_VAR, "").strip().lower()
    return value if value in ("dark", "light") else _chosen_scheme


def is_dark() -> bool:
    """True when the app shows a dark scheme (system setting, or a dark palette as fallback)."""
    forced = _forced_scheme()
    if forced:
        return forced == "dark"
    app = QGuiApplication.instance()
    if app is None:
        return False
    scheme = QGuiApplication.styleHints().colorScheme()
    if scheme == Qt.ColorScheme.Dark:
        return True
    if scheme == Qt.ColorScheme.Light:
        return False
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


@lru_cache(maxsize=64)
def _color(name: str) -> QColor:
    # Shared, never mutated: a table paint asks for these thousands of times.
    return QColor(name)


def _pick(pair: tuple[str, str], dark: bool | None = None) -> QColor:
    if dark is None:
        dark = is_dark()
    return _color(pair[1] if dark else pair[0])


def priority_color(priority: Priority, dark: bool | None = None) -> QColor:
    """The priority's colour; pass ``dark`` when already known (saves asking the style hints)."""
    return _pick(_PRIORITY[Priority(priority)], dark)


def priority_label(priority: Priority) -> str:
    """'P1 Critical': the text that carries the meaning the colour repeats."""
    p = Priority(priority)
    return translate("Theme", "{priority} {name}").format(priority=p.label, name=translate("Theme", PRIORITY_NAMES[p]))


def sla_color(state: str, dark: bool | None = None) -> QColor:
    return _pick(_SLA.get(state, _SLA[SLA_NONE]), dark)


def status_color(status: Status, dark: bool | None = None) -> QColor:
    return _pick(_STATUS[Status(status)], dark)


def tone(name: str, dark: bool | None = None) -> tuple[QColor, QColor, QColor]:
    """(fill, text, accent) of a semantic tone: error, warning, info, success, accent, neutral."""
    light, dark_set = _TONES[name]
    chosen = dark_set if (is_dark() if dark is None else dark) else light
    return _color(chosen[0]), _color(chosen[1]), _color(chosen[2])


def text_on(fill: QColor) -> QColor:
    """White or near-black, whichever reads on ``fill``."""
    return _color(LIGHT_TEXT if fill.lightness() < 170 else DARK_TEXT)


def badge_colors(kind: str, value, dark: bool | None = None) -> tuple[QColor, QColor]:
    """(fill, text) of a priority, status or SLA badge: the same table paints the header's badges,
    the table's pills and the log dialog's live priority."""
    fill = {"priority": priority_color, "status": status_color, "sla": sla_color}[kind](value, dark)
    return fill, text_on(fill)


def chart_style(dark: bool) -> dict:
    """Matplotlib colours for a chart drawn in the light or the dark scheme."""
    return dict(_CHART[bool(dark)])


def person_color(index: int) -> QColor:
    """A person's colour in a schedule strip: the categorical palette, in turn; overrides use the accent."""
    return _color(CATEGORY_COLORS[index % (len(CATEGORY_COLORS) - 1)])


def accent_color(dark: bool | None = None) -> QColor:
    return _pick(ACCENT, dark)


def _role_css(role: str, dark: bool) -> str:
    muted = "#8c8f94" if dark else "#5f6368"
    error = _TONES["error"][1 if dark else 0]
    warning = _TONES["warning"][1 if dark else 0]
    if role == "muted":
        return f"color: {muted};"
    if role == "hint":
        return f"color: {muted}; font-size: 11px;"
    if role == "error":
        return f"color: {error[2]}; font-size: 11px;"
    if role == "unsaved":
        return f"color: {warning[2]}; font-weight: 600;"
    if role == "caution":  # a hint to reconsider (blaming wording in a postmortem), not an error
        return f"color: {warning[1] if dark else warning[2]};"
    if role == "waiting":
        return f"color: {warning[1] if dark else warning[2]};"
    if role == "invalid":
        return f"border: 1px solid {error[2]};"
    if role in ("better", "worse"):  # a figure's change against the previous period; the text says it too
        accent = _TONES["success" if role == "better" else "error"][1 if dark else 0][2]
        return f"color: {accent}; font-weight: 600;"
    if role in _TONES:  # a banner: QFrame#banner with its label
        fill, text, accent = _TONES[role][1 if dark else 0]
        return (f"QFrame#banner {{ background: {fill}; border: 1px solid {accent}; border-radius: 4px; }}"
                f" QFrame#banner QLabel {{ color: {text}; }}")
    raise ValueError(f"unknown theme role {role!r}")


def style(widget, role: str | None) -> None:
    """Colour ``widget`` by its role (muted, hint, error, unsaved, waiting, invalid, better, worse, or a
    tone for a banner); None removes it. A scheme switch restyles every widget that has a role (ThemeWatcher).
    Only these few widgets carry a style sheet: an application-wide one would slow every paint."""
    widget.setProperty("themeRole", role or "")
    widget.setStyleSheet(_role_css(role, is_dark()) if role else "")


def muted_text_color() -> QColor:
    pal = QGuiApplication.palette()
    return pal.color(QPalette.ColorGroup.Active, QPalette.ColorRole.PlaceholderText)


def dark_palette() -> QPalette:
    pal = QPalette()
    base, window, text = QColor("#1e1f22"), QColor("#2b2d30"), QColor("#dfe1e5")
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        pal.setColor(group, QPalette.ColorRole.Window, window)
        pal.setColor(group, QPalette.ColorRole.WindowText, text)
        pal.setColor(group, QPalette.ColorRole.Base, base)
        pal.setColor(group, QPalette.ColorRole.AlternateBase, QColor("#25272a"))
        pal.setColor(group, QPalette.ColorRole.Text, text)
        pal.setColor(group, QPalette.ColorRole.Button, window)
        pal.setColor(group, QPalette.ColorRole.ButtonText, text)
        pal.setColor(group, QPalette.ColorRole.ToolTipBase, QColor("#3c3f41"))
        pal.setColor(group, QPalette.ColorRole.ToolTipText, text)
        pal.setColor(group, QPalette.ColorRole.Highlight, QColor("#2f65ca"))
        pal.setColor(group, QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
        pal.setColor(group, QPalette.ColorRole.PlaceholderText, QColor("#8c8f94"))
        pal.setColor(group, QPalette.ColorRole.Link, QColor("#78a9ff"))
        pal.setColor(group, QPalette.ColorRole.Mid, QColor("#3c3f41"))
        pal.setColor(group, QPalette.ColorRole.Midlight, QColor("#45484c"))
        pal.setColor(group, QPalette.ColorRole.Dark, QColor("#18191b"))
        pal.setColor(group, QPalette.ColorRole.Light, QColor("#4a4d51"))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6f737a"))
    # A disabled field's example text (the welcome's server address) stays as readable as disabled text.
    pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.PlaceholderText, QColor("#6f737a"))
    pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Base, base)
    pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Window, window)
    pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Button, window)
    return pal


def light_palette() -> QPalette:
    pal = QApplication.style().standardPalette() if QApplication.instance() else QPalette()
    pal.setColor(QPalette.ColorRole.AlternateBase, QColor("#f5f7fa"))
    pal.setColor(QPalette.ColorRole.Highlight, QColor("#2f65ca"))
    pal.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    return pal


class ThemeWatcher(QObject):
    """Applies the palette for the system scheme now and whenever the system switches."""

    sig_theme_changed = Signal(bool)
    """The scheme changed; the argument is True for dark."""

    def __init__(self, app: QApplication, parent: QObject | None = None):
        super().__init__(parent or app)
        self._app = app
        self.apply()
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_scheme_changed)

    def apply(self) -> None:
        if self._app.style().name().lower() != "fusion":
            # Fusion draws the same on every platform and honours a dark palette fully.
            self._app.setStyle("Fusion")
        forced = _forced_scheme()
        dark = forced == "dark" if forced else \
            QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark
        self._app.setPalette(dark_palette() if dark else light_palette())
        for widget in self._app.allWidgets():
            role = widget.property("themeRole")
            if role:
                widget.setStyleSheet(_role_css(role, dark))
        self.sig_theme_changed.emit(dark)

    @Slot(Qt.ColorScheme)
    def _on_scheme_changed(self, _scheme) -> None:
        self.apply()
