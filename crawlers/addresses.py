"""Refuse to fetch from private, loopback or link-local addresses (SSRF), checked at connect time.

Every fetch of a crawl (listing, feed, detail page, attachment, robots.txt, each redirect) goes
through Scrapy's HTTP download handler, which this module replaces with one whose connection
pool looks at the address each new connection actually reached before a byte of the request is
written: a name that resolves to a public address when checked and to 127.0.0.1 when connected
(DNS rebinding) is refused all the same. A source with `allow_private: true`, or the environment
variable OBSERVATORIO_ALLOW_PRIVATE=1 (the demo, the tests, local set-ups), lifts the check.
"""

from __future__ import annotations

import ipaddress
import os

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from twisted.web.client import HTTPConnectionPool

ENVIRONMENT = "OBSERVATORIO_ALLOW_PRIVATE"
SETTING = "OBSERVATORIO_ALLOW_PRIVATE"  # the crawler setting a source's `allow_private` becomes


class PrivateAddressRefused(ConnectionError):
    """The connection reached an address that is not public; nothing was sent."""


def allowed_by_environment() -> bool:
    return os.environ.get(ENVIRONMENT, "").strip().lower() in {"1", "true", "yes"}


def is_public(address: str) -> bool:
    """False for private, loopback, link-local, multicast, reserved and unspecified addresses."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone id says nothing here
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def refusal(name: str, address: str) -> str:
    """Why a fetch of `name`, which reached or resolves to `address`, was refused."""
    return (f"{name} resolves to the non-public address {address}: refused "
            f"(set allow_private: true on the source, or {ENVIRONMENT}=1, to crawl it)")


def private_allowed(crawler: Crawler) -> bool:
    """Whether this crawl may reach non-public addresses (its source's `allow_private`, or the
    environment)."""
    return crawler.settings.getbool(SETTING) or allowed_by_environment()


class GuardedConnectionPool(HTTPConnectionPool):
    """An HTTP connection pool that closes every new connection to a non-public peer."""

    def _newConnection(self, key, endpoint):
        return super()._newConnection(key, endpoint).addCallback(self._check_peer, key)

    @staticmethod
    def _check_peer(protocol, key):
        peer = protocol.transport.getPeer()
        host = getattr(peer, "host", None)
        if host is not None and not is_public(host):
            protocol.transport.abortConnection()
            name = key[1].decode("ascii", "replace") if len(key) > 1 and isinstance(key[1], bytes) else "?"
            raise PrivateAddressRefused(refusal(name, host))
        return protocol


class GuardedDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler with `GuardedConnectionPool`, unless private addresses are allowed."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        if not private_allowed(crawler):
            from twisted.internet import reactor

            pool = GuardedConnectionPool(reactor, persistent=True)
            pool.maxPersistentPerHost = self._pool.maxPersistentPerHost
            pool._factory = self._pool._factory
            self._pool = pool


DOWNLOAD_HANDLERS = {
    "http": "crawlers.addresses.GuardedDownloadHandler",
    "https": "crawlers.addresses.GuardedDownloadHandler",
}
