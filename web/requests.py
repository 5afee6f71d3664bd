"""The request models of the endpoint families besides search (search.query.SearchQuery):
the opportunities board, trends, the digest's topics and matches. Views, feeds, the CLI and the OpenAPI
document read the same models."""

from __future__ import annotations

from typing import Annotated, Literal, TypeVar, get_args

from flask import request
from pydantic import BeforeValidator, Field

from search.params import RequestModel, Slugs, split_terms
from search.query import SearchQuery

OpportunityKind = Literal["funding_call", "tender"]
OPPORTUNITY_KINDS: tuple[str, ...] = get_args(OpportunityKind)
DEFAULT_WEEKS = 12
MAX_WEEKS = 104
Model = TypeVar("Model", bound=RequestModel)


class OpportunityQuery(RequestModel):
    """Open funding calls and tenders, closing soonest first: only topic, kind and page vary."""

    topic: Slugs = ()
    kind: Annotated[tuple[OpportunityKind, ...], BeforeValidator(split_terms)] = ()
    page: int = Field(default=1, ge=1)

    def search(self, size: int = 20) -> SearchQuery:
        return SearchQuery(topic=self.topic, kind=self.kind or OPPORTUNITY_KINDS, open=True,
                           sort="deadline", page=self.page, size=size)


class TrendsPage(RequestModel):
    """The trends page: how many weeks back."""

    weeks: int = Field(default=DEFAULT_WEEKS, ge=1, le=MAX_WEEKS)


class TrendsQuery(TrendsPage):
    """GET /api/trends: the weeks, and the topics to count (default: every topic)."""

    topic: Slugs = ()


class MatchQuery(RequestModel):
    """A firm's matches or an opportunity's firms: how many, best first."""

    size: int = Field(default=10, ge=1, le=100, description="how many matches, best first")


class FirmMatchQuery(MatchQuery):
    """A firm's matches: with its private link's token, also when its profile is private."""

    token: str | None = Field(default=None, max_length=500,
                              description="the token of the firm's private link (a private profile)")


class TopicFilter(RequestModel):
    """A working group's view of the digest: only these topics (default: all)."""

    topic: Slugs = ()


def from_request(model: type[Model], **defaults) -> Model:
    """This request's query string as `model`; a bad or unknown parameter is an InvalidQuery."""
    return model.from_params(request.args.to_dict(flat=False), **defaults)
