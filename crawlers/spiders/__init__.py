"""One spider class per source type."""

from .base import SourceSpider
from .feed import FeedSpider
from .html import HtmlSpider
from .ocds import OcdsSpider

SPIDERS: dict[str, type[SourceSpider]] = {
    spider.source_type: spider for spider in (FeedSpider, OcdsSpider, HtmlSpider)
}

__all__ = ["SPIDERS", "SourceSpider"]
