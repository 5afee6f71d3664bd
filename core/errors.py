"""The root of every error the observatory raises on purpose, and what each means on exit."""

from __future__ import annotations

from pathlib import Path

EXIT_FAILURE = 1  # the command ran and something failed: a refused e-mail, a lost write
EXIT_USAGE = 2  # the command was asked wrongly: a bad argument, parameter or configuration


class ObservatorioError(Exception):
    """Root of the errors raised on purpose; the CLI prints the message and exits `exit_code`."""

    exit_code = EXIT_FAILURE


class ConfigError(ObservatorioError):
    """A configuration file or variable is missing, unreadable, or does not fit its schema."""

    exit_code = EXIT_USAGE

    def __init__(self, path: Path | str, line: int | None, message: str, field: str = ""):
        self.path, self.line, self.field, self.message = str(path), line, field, message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {field + ': ' if field else ''}{message}")


class DataDirError(ObservatorioError):
    """The data directory (or a file in it) cannot be written: read-only, full, or not permitted."""
