"""Errors the services raise; each message is one sentence a user can act on."""

from __future__ import annotations

from incident_desk.domain.incident import DomainError
from incident_desk.storage.database import ConflictError, ConnectionLost, NoDatabase, StorageError


class ValidationError(DomainError):
    """Bad input for a named field; ``field`` lets a form show the message beside it."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


class NotFoundError(DomainError):
    """A key, user, team or category that does not exist."""


class PermissionDenied(DomainError):
    """The acting user's role may not do this."""


__all__ = ["DomainError", "ValidationError", "NotFoundError", "PermissionDenied", "ConflictError",
           "ConnectionLost", "NoDatabase", "StorageError"]


def describe_failure(exc: BaseException) -> tuple[str, bool]:
    """One line for any failure, and whether it was the user's input (True) or our fault (False)."""
    from incident_desk.storage.database import NOT_UTF8_TEXT, is_database_error, translate_error
    if isinstance(exc, (DomainError, StorageError)):
        return str(exc), True
    if is_database_error(exc):
        return str(translate_error(exc)), True
    if isinstance(exc, UnicodeError):
        return NOT_UTF8_TEXT, True
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc} ({exc.filename})" if getattr(exc, "filename", None) else str(exc), True
    return f"internal error: {type(exc).__name__}: {exc}", False
