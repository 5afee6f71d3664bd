"""Errors of the crawl, under one root class."""

from core.errors import ObservatorioError


class CrawlError(ObservatorioError):
    """Root of the errors a crawl reports for one page or file and then goes on."""


class UnreadableContent(CrawlError):
    """A response arrived but is not what the source type reads (not a feed, not OCDS JSON, ...)."""


class AttachmentError(CrawlError):
    """A linked document could not be read: corrupt, encrypted, too large or of another type."""
