"""A tab page that builds its real content the first time it is shown (nothing of it costs the start)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QVBoxLayout, QWidget


class LazyTab(QWidget):
    """Holds a factory; ``content`` is built on the first show (or when asked for)."""

    def __init__(self, factory: Callable[[QWidget], QWidget], parent: QWidget | None = None):
        super().__init__(parent)
        self._factory = factory
        self._content: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    @property
    def content(self) -> QWidget:
        if self._content is None:
            self._content = self._factory(self)
            self._layout.addWidget(self._content)
        return self._content

    def is_built(self) -> bool:
        return self._content is not None

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self.content  # noqa: B018 (built on first show)
        super().showEvent(event)


class RefreshWhenShown:
    """Mixin for a QWidget with a ``refresh()`` that must clear ``_stale``: what changes while the widget is
    hidden is read once, when it is next shown (arrowing through incidents never reads hidden tabs)."""

    _stale = True

    def mark_stale(self) -> None:
        """Something changed: re-read now if shown, else when next shown."""
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if self._stale:
            self.refresh()
