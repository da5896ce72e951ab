"""Errors lockcheck reports to the user (exit code 2), never as tracebacks."""

from __future__ import annotations


class LockcheckError(Exception):
    """Base class: the message is meant for the user as it is."""


class LockfileError(LockcheckError):
    """A lockfile (or an included file) that cannot be read or parsed."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class ConfigError(LockcheckError):
    """A bad configuration file or command-line setting."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class PackageIndexError(LockcheckError):
    """Base of the package-index failures (the design's "IndexError family"; renamed so it
    does not shadow the builtin)."""
