"""Signed links and the shared rate limiter: what the subscription and firm links rely on."""

import pytest
from itsdangerous import URLSafeTimedSerializer

from web.ratelimit import RateLimit, rate_limit
from web.tokens import InvalidToken, sign, unsign


def test_a_token_gives_back_its_value_for_its_purpose_only(app):
    with app.app_context():
        token = sign("unsubscribe", {"id": 7})
        assert unsign("unsubscribe", token) == {"id": 7}
        with pytest.raises(InvalidToken):
            unsign("edit-firm", token)


def test_an_altered_or_foreign_token_is_refused(app):
    with app.app_context():
        token = sign("confirm", "ana@example.org")
        with pytest.raises(InvalidToken):
            unsign("confirm", token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
        forged = URLSafeTimedSerializer("another key", salt="observatorio:confirm").dumps("ana@example.org")
        with pytest.raises(InvalidToken):
            unsign("confirm", forged)


def test_an_expired_token_is_refused(app):
    with app.app_context():
        token = sign("confirm", "ana@example.org")
        assert unsign("confirm", token, max_age=3600) == "ana@example.org"
        with pytest.raises(InvalidToken):
            unsign("confirm", token, max_age=-1)


def test_the_limit_counts_per_bucket_and_key_and_is_shared_through_the_file(app):
    with app.app_context():
        limiter = rate_limit()
        for _ in range(3):
            limiter.hit("subscribe", "ana@example.org")
        limiter.hit("login", "ana@example.org")
        other_worker = RateLimit(limiter.path)
        assert other_worker.exceeded("subscribe", "ana@example.org", limit=3, window=60)
        assert not other_worker.exceeded("subscribe", "ana@example.org", limit=4, window=60)
        assert not other_worker.exceeded("login", "ana@example.org", limit=2, window=60)
        other_worker.clear("subscribe", "ana@example.org")
        assert not limiter.exceeded("subscribe", "ana@example.org", limit=1, window=60)
