"""The project's exceptions: one base class, and bad input that the CLI turns into exit code 2."""

from __future__ import annotations


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
