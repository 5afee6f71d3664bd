"""One crawl of a source at a time, across processes: a lock file per source in the data directory.

The lock is an flock on `locks/<source>.lock`: the system drops it when its process ends, however
it ends (SIGKILL included), so a killed crawl never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from core.errors import ObservatorioError
from core.paths import data_dir


class CrawlAlreadyRunning(ObservatorioError):
    """Another process is crawling one of the sources asked for."""


@contextmanager
def source_locks(source_ids: Iterable[str], folder: Path | None = None) -> Iterator[None]:
    """Hold every source's lock for the block, or raise CrawlAlreadyRunning naming the first taken."""
    folder = (folder or data_dir()) / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        for source_id in sorted(set(source_ids)):
            path = folder / f"{source_id}.lock"
            handle = stack.enter_context(path.open("a"))
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise CrawlAlreadyRunning(
                    f"a crawl of {source_id} is already running (it holds {path}); "
                    "this one does nothing") from None
        yield
