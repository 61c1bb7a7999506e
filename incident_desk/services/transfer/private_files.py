"""Files that leave the desk (exports, backups) are written whole or not at all, and readable by their owner only."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from incident_desk.services.errors import ValidationError

PRIVATE = 0o600


def check_target(path: str | Path) -> Path:
    """A file to write: its folder must exist and be writable; it must not be a folder itself."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise ValidationError(f"{path} is a folder; give a file name.", field="file")
    if not path.parent.exists():
        raise ValidationError(f"The folder {path.parent} does not exist.", field="file")
    if not os.access(path.parent, os.W_OK):
        raise ValidationError(f"Cannot write in {path.parent} (permission denied).", field="file")
    return path


def part_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.part")


@contextlib.contextmanager
def private_writer(path: str | Path, *, newline: str | None = None) -> Iterator[IO[str]]:
    """A text file written beside ``path`` with mode 0600 and moved into place when complete; on any
    failure (a full disk, a cancel) the part is removed and an existing ``path`` is left as it was."""
    path = check_target(path)
    part = part_path(path)
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.chmod(part, PRIVATE)  # an existing part file kept its old mode through O_CREAT
        os.replace(part, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(part)
        raise
