"""One bot per database: an advisory lock on a file beside it (`<database>.lock`).

The running bot holds it exclusively for its whole life; a second `run` and `restore` refuse
while it is held (two processes on one database put each other's in-flight rows back to
pending and hit "database is locked"; a restore under a running bot is silently undone).
`status` only peeks. The kernel drops the lock when the process dies, even by kill -9, so a
crash never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from pathlib import Path

from storage.db import DatabaseError

# A `status` peeking at the lock holds it for an instant; a starting bot tries a few times
# before it concludes another process really owns the database.
_TRIES, _PAUSE = 5, 0.1


def lock_path(database: str | Path) -> Path:
    """The lock file of a database."""
    return Path(f"{database}.lock")


class InstanceLock:
    """The exclusive lock of one database, held until `release` (or process exit)."""

    def __init__(self, database: str | Path, *, purpose: str) -> None:
        self.path = lock_path(database)
        self.database = database
        self.purpose = purpose
        self._fd: int | None = None

    def acquire(self) -> InstanceLock:
        """Take the lock or raise DatabaseError with what to do."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        for attempt in range(_TRIES):
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if attempt + 1 < _TRIES:
                    time.sleep(_PAUSE)
                continue
            self._fd = fd
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            return self
        os.close(fd)
        raise DatabaseError(
            f"The bot is already running on {self.database} (another process holds "
            f"{self.path}); {self.purpose}."
        )

    def release(self) -> None:
        """Let go of the lock."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def is_held(database: str | Path) -> bool:
    """Whether a bot is running on this database (a shared peek, released at once)."""
    path = lock_path(database)
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing releases a lock we took
    return False
