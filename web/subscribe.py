"""Subscribing by e-mail from the digest, topic and search pages; confirming, unsubscribing, managing.

POST /subscribe needs no CSRF token: it acts on no session (anyone may ask for any address, which
is why nothing but the confirmation is sent until the address confirms, and why it is rate-limited
per address and per client), and the pages that carry its form are cached for every visitor, so
they cannot hold a per-session token. The one-click unsubscribe POST (RFC 8058) comes from mail
clients, with no session at all. Confirming and managing are POSTed from their own uncached pages,
with a token, like every other form of the site.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs

from flask import Blueprint, current_app, render_template, request
from flask_babel import get_locale, gettext

from core import clock
from search.query import SearchQuery

from . import mail, tokens
from .alerts import AlertLog, candidates
from .backend import get_backend
from .labels import get_topic
from .mailings import CONFIRM_MAX_AGE, MANAGE_MAX_AGE, confirmation, describe
from .outbox import Outbox
from .ratelimit import rate_limit
from .subscriptions import (
    InvalidAddress,
    InvalidSubscription,
    Subscription,
    Subscriptions,
    canonical_query,
    masked,
    normal_request,
)

bp = Blueprint("subscriptions", __name__)
bp.add_app_template_filter(describe, "describe")
bp.add_app_template_filter(masked, "masked")

PER_ADDRESS = (3, 3600)  # confirmation requests for one address per hour
PER_CLIENT = (10, 3600)  # subscription requests from one client address per hour


def _data(name: str) -> Path:
    return Path(current_app.config["DATA_DIR"]) / name


def store() -> Subscriptions:
    return Subscriptions(_data(Subscriptions.filename))


def _asked() -> dict:
    """The subscription the form asks for, validated (InvalidSubscription says what is wrong)."""
    form, kind = request.form, request.form.get("kind", "")
    topics = tuple(dict.fromkeys(form.getlist("topic")))
    unknown = [slug for slug in topics if get_topic(slug) is None]
    if unknown:
        raise InvalidSubscription(gettext("Tema desconocido: %(slug)s", slug=unknown[0][:40]))
    query = ""
    if kind == "search":
        query = canonical_query(SearchQuery.from_params(parse_qs(form.get("query", ""))))
    if kind == "search" and not query:
        raise InvalidSubscription(gettext("Busque algo primero: no hay búsqueda que guardar."))
    return {"kind": kind, "topics": topics, "query": query, "frequency": form.get("frequency", "weekly"),
            "lang": "en" if str(get_locale()) == "en" else "es", "base_url": request.url_root}


def _limited(address: str) -> bool:
    limiter, client = rate_limit(), request.remote_addr or "?"
    if (limiter.exceeded("subscribe:address", address, *PER_ADDRESS)
            or limiter.exceeded("subscribe:client", client, *PER_CLIENT)):
        return True
    limiter.hit("subscribe:address", address)
    limiter.hit("subscribe:client", client)
    return False


@bp.post("/subscribe")
def subscribe():
    try:
        asked = _asked()
        address = normal_request(request.form.get("email", ""), **asked)
    except InvalidAddress as exc:
        problem = gettext("La dirección de correo no es válida: %(reason)s", reason=exc)
        return render_template("subscriptions/done.html", problem=problem), 400
    except InvalidSubscription as exc:
        return render_template("subscriptions/done.html", problem=str(exc)), 400
    if _limited(address):  # before storing: a flood of requests must not fill the store either
        return render_template("subscriptions/done.html", problem=gettext(
            "Demasiadas solicitudes de suscripción. Inténtelo de nuevo dentro de una hora.")), 429
    subscription = store().request(address, **asked)
    if subscription.confirmed_at is None:  # one confirmation a day: asking again after the link expired works
        try:
            key = f"confirm:{subscription.id}:{clock.today()}"
            Outbox(_data(Outbox.filename)).send([(key, confirmation(subscription, request.url_root))])
        except mail.MailError:
            current_app.logger.exception("confirmation for subscription %s not sent", subscription.id)
            return render_template("subscriptions/done.html", problem=gettext(
                "No pudimos enviar el mensaje de confirmación. Inténtelo de nuevo más tarde.")), 503
    return render_template("subscriptions/done.html", sent=subscription)


def _subscription(purpose: str, token: str, max_age: float | None = None) -> Subscription | None:
    try:
        return store().get(int(tokens.unsign(purpose, token, max_age)))
    except (tokens.InvalidToken, TypeError, ValueError):
        return None


def _bad_link():
    return render_template("subscriptions/done.html", problem=gettext(
        "Este enlace no es válido o ha caducado. Suscríbase de nuevo desde la página.")), 400


@bp.route("/subscriptions/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """GET shows a button (mail scanners open links); POST confirms."""
    subscription = _subscription("confirm", token, CONFIRM_MAX_AGE)
    if subscription is None or subscription.cancelled_at:
        return _bad_link()
    if request.method == "GET":
        return render_template("subscriptions/confirm.html", subscription=subscription)
    first = subscription.confirmed_at is None  # a second click must not swallow what is new since
    subscription = store().confirm(subscription.id)
    if subscription is None:
        return _bad_link()
    if first and subscription.kind != "digest":  # what matches now is not news: alerts start from here
        matching = candidates(get_backend(), subscription)
        AlertLog(_data(Subscriptions.filename)).baseline(subscription.id, matching)
    return render_template("subscriptions/done.html", confirmed=subscription,
                           manage=tokens.sign("manage", subscription.address))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """GET shows a button; POST (the button, or a mail client's one-click) cancels."""
    subscription = _subscription("unsubscribe", token)
    if subscription is None:
        return _bad_link()
    if request.method == "GET":
        return render_template("subscriptions/unsubscribe.html", subscription=subscription)
    store().cancel([subscription.id])
    return render_template("subscriptions/done.html", cancelled=[subscription],
                           manage=tokens.sign("manage", subscription.address))


@bp.route("/subscriptions/manage/<token>", methods=["GET", "POST"])
def manage(token: str):
    """The address's subscriptions; POST cancel=<id> cancels one, cancel=all every one."""
    try:
        address = tokens.unsign("manage", token, MANAGE_MAX_AGE)
    except tokens.InvalidToken:
        return _bad_link()
    subscriptions = store().of_address(address)
    cancelled = []
    if request.method == "POST":
        chosen = request.form.get("cancel", "")
        cancelled = [s for s in subscriptions if chosen in ("all", str(s.id))]
        store().cancel([s.id for s in cancelled])
        subscriptions = [s for s in subscriptions if s not in cancelled]
    return render_template("subscriptions/manage.html", address=address, subscriptions=subscriptions,
                           cancelled=cancelled)


def init_app(app) -> None:
    from . import csrf

    csrf.exempt(subscribe)
    csrf.exempt(unsubscribe)
