"""One parser per lockfile format; each returns a Lockfile or raises LockfileError."""

from __future__ import annotations

import fnmatch
import os

from lockcheck.model import Lockfile, LockFormat

_REQUIREMENTS_PATTERNS = ("requirements*.txt", "requirements*.lock", "constraints*.txt")


def detect_format(path: str) -> LockFormat | None:
    """The format a file's name says it has, or None when it is no lockfile we know."""
    name = os.path.basename(path).lower()
    if name == "uv.lock":
        return LockFormat.UV
    if name == "poetry.lock":
        return LockFormat.POETRY
    if name == "pylock.toml" or fnmatch.fnmatch(name, "pylock.*.toml"):
        return LockFormat.PYLOCK
    if any(fnmatch.fnmatch(name, p) for p in _REQUIREMENTS_PATTERNS):
        return LockFormat.REQUIREMENTS
    parent = os.path.basename(os.path.dirname(os.path.abspath(path))).lower()
    if parent == "requirements" and name.endswith((".txt", ".lock")):
        return LockFormat.REQUIREMENTS
    return None


def parse_lockfile(path: str, fmt: LockFormat, root: str | None = None) -> Lockfile:
    """Parse ``path`` as ``fmt``; raises LockfileError on bad input. ``root``: the
    directory scanned, which bounds includes outside a repository."""
    return _with_valid_index_urls(_parse(path, fmt, root))


def _parse(path: str, fmt: LockFormat, root: str | None) -> Lockfile:
    if fmt is LockFormat.REQUIREMENTS:
        from lockcheck.parsers import requirements

        return requirements.parse(path, root)
    if fmt is LockFormat.UV:
        from lockcheck.parsers import uv

        return uv.parse(path)
    if fmt is LockFormat.POETRY:
        from lockcheck.parsers import poetry

        return poetry.parse(path)
    from lockcheck.parsers import pylock

    return pylock.parse(path)


def _with_valid_index_urls(lock: Lockfile) -> Lockfile:
    """An index URL that cannot be parsed (``http://[::1``) is the lock's error, found
    here, once for every format: every later user of the URL may assume it parses."""
    from lockcheck.errors import LockfileError
    from lockcheck.urls import redact, split

    for ref in lock.indexes:
        if "://" in ref.url and split(ref.url) is None:
            what = ref.role.value.replace("-url", "")
            raise LockfileError(
                ref.location.path,
                ref.location.line,
                f"invalid {what} URL {redact(ref.url)!r}: not a valid URL (host or port)",
            )
    return lock
