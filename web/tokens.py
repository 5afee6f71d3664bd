"""Signed links that act without a login: confirm or cancel a subscription, edit a firm's profile.

A token carries its purpose (the salt) and a value, signed with the application's secret key, so
a token made for one purpose is refused for another and nobody can forge one for an address or a
firm they do not control. `max_age` makes a link expire; links that must work for as long as the
messages that carry them (one-click unsubscribe) are checked without it.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer


class InvalidToken(ValueError):
    """A link that was altered, made for another purpose, or has expired."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"observatorio:{purpose}")


def sign(purpose: str, value) -> str:
    """A URL-safe token for `value` (anything JSON can hold), valid only for `purpose`."""
    return _serializer(purpose).dumps(value)


def unsign(purpose: str, token: str, max_age: float | None = None):
    """The value `token` was made for, or InvalidToken (SignatureExpired is a BadSignature)."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except BadSignature as exc:
        raise InvalidToken(str(exc)) from exc
