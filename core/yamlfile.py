"""Load a YAML configuration file into a pydantic model, with errors that name file and line.

Shared by every file people edit by hand (the source catalogue, the topic taxonomy, the
organisations, the subscribers): each must say exactly where a mistake is.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .errors import ConfigError

Model = TypeVar("Model", bound=BaseModel)
Item = TypeVar("Item")


class LocatedError(ValueError):
    """Raised by a validator to point below the value it validates (e.g. one list item)."""

    def __init__(self, loc: tuple, message: str):
        super().__init__(message)
        self.loc = loc


def unique(items: list[Item], key: str, what: str) -> list[Item]:
    """`items` when no two share `key`; else a LocatedError at the second one ("source id 'x' is
    used twice"), for the list validators of the configuration files."""
    seen: set = set()
    for index, item in enumerate(items):
        value = getattr(item, key)
        if value in seen:
            raise LocatedError((index, key), f"{what} {value!r} is used twice")
        seen.add(value)
    return items


def load_model(path: Path | str, model: type[Model], context: dict | None = None) -> Model:
    """Parse `path` and validate it as `model`; raise ConfigError with the first problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, None, f"cannot read: {exc}") from None
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(path, mark.line + 1 if mark else None, f"invalid YAML: {problem}") from None
    try:
        return model.model_validate(data if data is not None else {}, context=context)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, LocatedError):
            loc += cause.loc
        line, field = _locate(root, loc)
        raise ConfigError(path, line, _message(error), field) from None


def _locate(node: yaml.Node | None, loc: tuple) -> tuple[int | None, str]:
    """Follow a pydantic error location through the YAML nodes to (line, dotted field name)."""
    if node is None:
        return None, ".".join(map(str, loc))
    line, field = node.start_mark.line + 1, ""
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == part), None)
            if match is None:
                if part == loc[-1]:  # a missing required key: name it, point at its parent
                    field += f".{part}" if field else str(part)
                continue  # otherwise a union tag or model name pydantic adds to the location
            key, node = match
            line = (node if isinstance(node, yaml.ScalarNode) else key).start_mark.line + 1
            field += f".{part}" if field else str(part)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
            field += f"[{part}]"
    return line, field


def _message(error: dict) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown key"
    return str(error["msg"]).removeprefix("Value error, ")
