"""Errors raised by the search layer, under one root class."""

from core.errors import EXIT_USAGE, ObservatorioError


class SearchError(ObservatorioError):
    """Root of every error the search layer raises on purpose: a bad query, a backend that
    cannot be loaded or reached, a refused write (the CLI exits 2, as the README says)."""

    exit_code = EXIT_USAGE


class InvalidQuery(SearchError, ValueError):
    """A search parameter is malformed or out of range; `field` names it."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NotSupported(SearchError):
    """The backend does not implement an optional capability."""


class BackendUnavailable(SearchError):
    """The backend cannot be loaded or reached."""


class IndexingError(SearchError):
    """Some documents could not be indexed; `failures` maps id to reason."""

    def __init__(self, failures: dict[str, str]):
        first = next(iter(failures.items()), ("?", "?"))
        super().__init__(f"{len(failures)} document(s) not indexed, e.g. {first[0]}: {first[1]}")
        self.failures = failures
