"""Request parameters, from a query string or the command line, as validated models.

Every endpoint family (search, opportunities, trends, digest) has one model; the HTTP views,
the feeds, the CLI and the OpenAPI document all read it, and every bad value becomes the same
InvalidQuery naming its parameter (a 400 on the web, exit 2 on the command line).
"""

from __future__ import annotations

import re
import typing
from collections.abc import Mapping
from typing import Annotated, Any, Self

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, ValidationError

from .errors import InvalidQuery

SLUG = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MESSAGES = {
    "extra_forbidden": "is not a known parameter",
    "int_parsing": "must be an integer", "int_from_float": "must be an integer",
    "bool_parsing": "must be true or false",
    "date_parsing": "must be a date as YYYY-MM-DD",
    "date_from_datetime_parsing": "must be a date as YYYY-MM-DD",
}


def split_terms(value: Any) -> Any:
    """?topic=ai&topic=iot and ?topic=ai,iot both work; blanks and repeats are dropped."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        return value
    return tuple(dict.fromkeys(part.strip() for v in value for part in str(v).split(",") if part.strip()))


def _slugs(values: tuple[str, ...]) -> tuple[str, ...]:
    bad = next((v for v in values if not SLUG.match(v)), None)
    if bad is not None:
        raise ValueError(f"{bad[:40]!r} is not a topic slug")
    return values


Terms = Annotated[tuple[str, ...], BeforeValidator(split_terms)]
Slugs = Annotated[tuple[str, ...], BeforeValidator(split_terms), AfterValidator(_slugs)]


class RequestModel(BaseModel):
    """A request's parameters: unknown names and bad values raise InvalidQuery, whichever way
    the model is built (`from_params` for raw parameters, the constructor from code)."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True)

    def __init__(self, /, **data: Any):
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise invalid_query(exc, type(self)) from None

    @classmethod
    def parameters(cls) -> list[str]:
        """The names a request may carry (fields excluded from output are set by code only)."""
        return [name for name, info in cls.model_fields.items() if not info.exclude]

    @classmethod
    def is_list(cls, name: str) -> bool:
        return typing.get_origin(cls.model_fields[name].annotation) is tuple

    @classmethod
    def from_params(cls, params: Mapping[str, Any], **defaults: Any) -> Self:
        """Build from request-like parameters, each a string or a list of strings (of a single
        value the last one counts); blank values are left out and `defaults` fill the gaps."""
        values: dict[str, Any] = dict(defaults)
        known = cls.parameters()
        for name, raw in params.items():
            if name not in known:
                raise InvalidQuery(name, "is not a known parameter")
            items = [str(v).strip() for v in (raw if isinstance(raw, list | tuple) else [raw])]
            items = [v for v in items if v]
            if items:
                values[name] = items if cls.is_list(name) else items[-1]
        return cls(**values)


def invalid_query(exc: ValidationError, model: type[BaseModel]) -> InvalidQuery:
    """The first problem of a validation, as the InvalidQuery a user sees."""
    error = exc.errors()[0]
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, InvalidQuery):
        return cause
    field = str(error["loc"][0]) if error["loc"] else "?"
    kind = error["type"]
    if kind in MESSAGES:
        return InvalidQuery(field, MESSAGES[kind])
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return InvalidQuery(field, _bounds(model, field))
    if kind in ("literal_error", "enum"):
        return InvalidQuery(field, f"must be one of {error['ctx']['expected'].replace(chr(39), '')}")
    if kind == "string_too_long":
        return InvalidQuery(field, f"is longer than {error['ctx']['max_length']} characters")
    return InvalidQuery(field, str(error["msg"]).removeprefix("Value error, "))


def _bounds(model: type[BaseModel], field: str) -> str:
    limits = {name: getattr(m, name) for m in model.model_fields[field].metadata
              for name in ("ge", "le") if hasattr(m, name)}
    if "ge" in limits and "le" in limits:
        return f"must be between {limits['ge']} and {limits['le']}"
    return f"must be {limits['ge']} or more" if "ge" in limits else f"must be {limits.get('le')} or less"
