"""Errors of the crawl, under one root class."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.errors import DataDirError, ObservatorioError

if TYPE_CHECKING:
    from .health import SourceRun


class CrawlError(ObservatorioError):
    """Root of the errors a crawl reports for one page or file and then goes on."""


class UnreadableContent(CrawlError):
    """A response arrived but is not what the source type reads (not a feed, not OCDS JSON, ...)."""


class AttachmentError(CrawlError):
    """A linked document could not be read: corrupt, encrypted, too large or of another type."""


class HealthNotRecorded(DataDirError):
    """The crawl ran, but the data directory refused its health rows; `runs` holds what it did."""

    def __init__(self, runs: list[SourceRun], sources: list[str], reason: DataDirError):
        super().__init__(f"the health rows of {', '.join(sources)} (what `observatorio sources` and "
                         f"the admin show) were not recorded: {reason}")
        self.runs = runs
