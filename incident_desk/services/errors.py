"""Errors the services raise; each message is one sentence a user can act on."""

from __future__ import annotations

from incident_desk.domain.incident import DomainError
from incident_desk.storage.database import ConflictError, StorageError


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
           "StorageError"]
