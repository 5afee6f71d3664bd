"""One wording for a write the data directory refused, for every writer of it: the probe before a
command, the state files, the embedded index.

A full disk does not always say so: SQLite reports a shared-memory file it cannot size, or a
journal it cannot grow, as a "disk I/O error". So the file system's free space is read when the
error is reported, and an I/O error with less than ALMOST_FULL left is called what it is.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

from .errors import DataDirError

ALMOST_FULL = 1024 * 1024  # bytes free: below this no SQLite transaction can count on room
# The errors that say the disk is full, and those that may mean it (I/O errors): errno values,
# then SQLite's primary result codes (the two overlap as numbers, so they are kept apart).
OS_FULL, OS_MAY_BE_FULL = {errno.ENOSPC}, {errno.EIO}
SQLITE_FULL, SQLITE_MAY_BE_FULL = {sqlite3.SQLITE_FULL}, {sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN}


def unwritable(exc: sqlite3.Error) -> bool:
    """The file system refused SQLite's write (full, read-only, an I/O error), not the SQL."""
    return isinstance(exc, sqlite3.OperationalError) and _sqlite_code(exc) in (
        SQLITE_FULL | SQLITE_MAY_BE_FULL | {sqlite3.SQLITE_READONLY})


def refused_write(exc: OSError | sqlite3.Error, folder: Path, file: str = "",
                  rolled_back: bool = False) -> DataDirError:
    """The error for a write to `file` of the data directory `folder` (to the folder itself
    without one) that failed with `exc`: that the directory is full when it is, else why."""
    reason = (exc.strerror or str(exc)) if isinstance(exc, OSError) else str(exc)
    target = f"cannot write {file}" if file else "cannot write to it"
    then = "; the change was rolled back" if rolled_back else ""
    usage = _usage(folder)
    if usage and _full(exc, usage.free):
        return DataDirError(f"the data directory {folder} (OBSERVATORIO_DATA_DIR) is full: "
                            f"{_size(usage.free)} free of {_size(usage.total)}; {target}: {reason}{then}")
    where = f"{folder / file}" if file else f"to the data directory {folder}"
    return DataDirError(f"cannot write {where} (OBSERVATORIO_DATA_DIR): {reason}{then}")


def _full(exc: OSError | sqlite3.Error, free: int) -> bool:
    """The error says the disk is full, or is an I/O error with (almost) no room left."""
    if isinstance(exc, OSError):
        code, says, may = exc.errno, OS_FULL, OS_MAY_BE_FULL
    else:
        code, says, may = _sqlite_code(exc), SQLITE_FULL, SQLITE_MAY_BE_FULL
    return code in says or (code in may and free < ALMOST_FULL)


def _sqlite_code(exc: sqlite3.Error) -> int:
    """The primary result code: extended codes (SQLITE_IOERR_SHMSIZE, ...) keep it in the low byte."""
    return getattr(exc, "sqlite_errorcode", 0) & 0xFF


def _usage(folder: Path):
    """The file system's size and free space, measured on `folder` or, when it could not even be
    made, on its nearest existing parent."""
    for existing in (folder, *folder.absolute().parents):
        try:
            return shutil.disk_usage(existing)
        except OSError:
            continue
    return None


def _size(count: float) -> str:
    """16 KiB, 1 MiB, 2.5 GiB: binary units, as `df -h` counts."""
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if count < 1024:
            return f"{round(count, 1):g} {unit}"
        count /= 1024
    return f"{round(count, 1):g} TiB"
