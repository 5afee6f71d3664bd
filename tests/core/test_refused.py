"""The wording of a refused write: "full" when the error or the free space says so, else why.
(A real full disk is made in tests/crawlers/test_data_dir_faults.py.)"""

from __future__ import annotations

import errno
import os
import re
import shutil
import sqlite3

from core.refused import ALMOST_FULL, refused_write

SIZE = r"\d+(\.\d)? (bytes|KiB|MiB|GiB|TiB)"


def refused(code: int, folder, file: str = "") -> str:
    return str(refused_write(OSError(code, os.strerror(code)), folder, file))


def test_no_space_is_full_whatever_is_left_a_large_write_may_not_fit(tmp_path):
    assert re.fullmatch(
        rf"the data directory {re.escape(str(tmp_path))} \(OBSERVATORIO_DATA_DIR\) is full: {SIZE} free of "
        rf"{SIZE}; cannot write to it: No space left on device", refused(errno.ENOSPC, tmp_path))


def test_an_io_error_with_room_left_is_not_called_full(tmp_path):
    assert shutil.disk_usage(tmp_path).free >= ALMOST_FULL
    assert refused(errno.EIO, tmp_path, "health.db") == (
        f"cannot write {tmp_path / 'health.db'} (OBSERVATORIO_DATA_DIR): Input/output error")


def test_an_errno_equal_to_sqlite_full_is_not_taken_for_it(tmp_path):
    assert errno.EACCES == sqlite3.SQLITE_FULL  # the numbers overlap
    assert refused(errno.EACCES, tmp_path) == (
        f"cannot write to the data directory {tmp_path} (OBSERVATORIO_DATA_DIR): Permission denied")


def test_a_folder_that_could_not_be_made_is_measured_on_its_parent(tmp_path):
    assert "is full" in refused(errno.ENOSPC, tmp_path / "not" / "made")
