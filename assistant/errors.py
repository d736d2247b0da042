"""The project's exceptions: one base class, and bad input that the CLI turns into exit code 2."""

from __future__ import annotations

import reprlib
from typing import Any


class AssistantError(Exception):
    """Base class of every error this package raises on purpose."""


class BadInput(AssistantError):
    """The user gave something we cannot use; the message says what and where.

    The CLI prints the message on stderr and exits with code 2, without a traceback.
    """

    exit_code = 2

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


class IndexMismatch(BadInput):
    """The index on disk was built with another embedder, or does not exist yet."""


# Echoing user input in a message must cost no more than the message: reprlib never walks more than a few
# items of a container or characters of a string, however large the value (a YAML alias bomb is not expanded).
_REPR = reprlib.Repr()
_REPR.maxlevel = 2
_REPR.maxstring = 60
_REPR.maxother = 60
_REPR.maxlong = 40
for _name in ("maxdict", "maxlist", "maxtuple", "maxset", "maxfrozenset", "maxdeque", "maxarray"):
    setattr(_REPR, _name, 4)


def shown(value: Any, limit: int = 60) -> str:
    """A short, bounded repr of user input for an error message: `'abc'`, `[1, 2, 3, 4, ...]`, `'long te...'`."""
    text = _REPR.repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
