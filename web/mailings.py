"""The messages subscriptions send: the confirmation, the alerts, and the way out of every message.

Every digest and alert carries, for its subscription, a one-click unsubscribe link (in the body
and as RFC 8058's `List-Unsubscribe` and `List-Unsubscribe-Post` headers, so mail clients offer
their own button) and a link to the page that manages all of the address's subscriptions.
Links point at OBSERVATORIO_PUBLIC_URL, else at the address the visitor subscribed on.
"""

from __future__ import annotations

import os
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formataddr
from urllib.parse import parse_qsl, urlsplit

from flask import current_app, render_template
from flask_babel import force_locale, gettext, ngettext

from search.document import Document

from . import tokens
from .labels import topic_label
from .subscriptions import Subscription

CONFIRM_MAX_AGE = timedelta(days=7).total_seconds()
MANAGE_MAX_AGE = timedelta(days=120).total_seconds()  # a manage link lives as long as a few digests


def describe(subscription: Subscription) -> str:
    """What the subscription sends, in words: "Tema: Ciberseguridad (diario)"."""
    topics = ", ".join(topic_label(slug) for slug in subscription.topics)
    if subscription.kind == "digest":
        return gettext("Resumen semanal: %(topics)s", topics=topics) if topics else gettext(
            "Resumen semanal (todos los temas)")
    often = gettext("diario") if subscription.frequency == "daily" else gettext("semanal")
    if subscription.kind == "topic":
        return gettext("Tema: %(topic)s (%(often)s)", topic=topics, often=often)
    search = subscription.search()
    filters = [f"{name}: {value}" for name, value in parse_qsl(subscription.query) if name != "q"]
    words = [f"«{search.q}»"] if search.q else []
    return gettext("Búsqueda: %(search)s (%(often)s)", search=" · ".join(words + filters), often=often)


def base_url(subscription: Subscription) -> str:
    """The site's address for this subscription's links ("" when none is known)."""
    return os.environ.get("OBSERVATORIO_PUBLIC_URL") or subscription.base_url


def site_url(base: str, endpoint: str, **values) -> str:
    """An absolute URL of the site at `base` (e.g. https://observatorio.example/), outside a request."""
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)


def links(subscription: Subscription, base: str) -> dict[str, str]:
    """The subscription's confirm, unsubscribe and manage links, signed."""
    return {"confirm": site_url(base, "subscriptions.confirm", token=tokens.sign("confirm", subscription.id)),
            "unsubscribe": site_url(base, "subscriptions.unsubscribe",
                                    token=tokens.sign("unsubscribe", subscription.id)),
            "manage": site_url(base, "subscriptions.manage",
                               token=tokens.sign("manage", subscription.address))}


def addressed(subscription: Subscription, subject: str) -> EmailMessage:
    message = EmailMessage()
    message["To"] = formataddr((subscription.name, subscription.address))
    message["Subject"] = subject
    return message


def confirmation(subscription: Subscription, base: str) -> EmailMessage:
    """The only message sent before the address confirms: what was asked, and the link to confirm."""
    with force_locale(subscription.lang):
        message = addressed(subscription, gettext("Confirme su suscripción al Observatorio TIC"))
        message.set_content(render_template("subscriptions/confirmation.txt", subscription=subscription,
                                            links=links(subscription, base), days=7))
    return message


def with_way_out(message: EmailMessage, subscription: Subscription, text: str, html: str) -> EmailMessage:
    """Set the message's text and HTML, each ending with the unsubscribe and manage links, and the
    one-click headers; without a known site address, the bodies as they are."""
    base = base_url(subscription)
    if base:
        way_out = links(subscription, base)
        message["List-Unsubscribe"] = f"<{way_out['unsubscribe']}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        with force_locale(subscription.lang):
            text += render_template("subscriptions/footer.txt", links=way_out)
            footer = render_template("subscriptions/footer.html", links=way_out)
            html = html.replace("</body>", footer + "</body>")
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def alert(subscription: Subscription, documents: list[Document]) -> EmailMessage:
    """The documents new for a topic or search subscription, newest first, in its language."""
    base = base_url(subscription)
    items = [(doc, site_url(base, "search.item", doc_id=doc.id) if base else doc.url) for doc in documents]
    with force_locale(subscription.lang):
        count = ngettext("Observatorio TIC: %(num)s documento nuevo",
                         "Observatorio TIC: %(num)s documentos nuevos", len(documents))
        subject = f"{count} · {describe(subscription)}"
        page = {"subscription": subscription, "items": items}
        text = render_template("subscriptions/alert.txt", **page)
        html = render_template("subscriptions/alert.html", **page)
    return with_way_out(addressed(subscription, subject), subscription, text, html)
