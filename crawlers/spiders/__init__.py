"""One spider class per source type."""

from .api import ApiSpider
from .base import SourceSpider
from .browser import BrowserSpider
from .feed import FeedSpider
from .html import HtmlSpider
from .ocds import OcdsSpider

SPIDERS: dict[str, type[SourceSpider]] = {
    spider.source_type: spider for spider in (FeedSpider, OcdsSpider, HtmlSpider, BrowserSpider, ApiSpider)
}

__all__ = ["SPIDERS", "SourceSpider"]
