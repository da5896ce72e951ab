"""One parser per lockfile format; each returns a Lockfile or raises LockfileError."""

from __future__ import annotations

import os
from importlib import import_module

from lockcheck.model import Lockfile, LockFormat
from lockcheck.names import format_from_name

_MODULES = {
    LockFormat.REQUIREMENTS: "requirements",
    LockFormat.UV: "uv",
    LockFormat.POETRY: "poetry",
    LockFormat.PYLOCK: "pylock",
    LockFormat.PDM: "pdm",
    LockFormat.PIPFILE: "pipfile",
}


def detect_format(path: str) -> LockFormat | None:
    """The format a file's name says it has, or None when it is no lockfile we know."""
    name = os.path.basename(path)
    found = format_from_name(name)
    if found is None and name.lower().endswith((".txt", ".lock")):
        # requirements/*.txt: only then is the directory's name worth working out.
        found = format_from_name(name, os.path.basename(os.path.dirname(os.path.abspath(path))))
    return found


def parse_lockfile(path: str, fmt: LockFormat, root: str | None = None) -> Lockfile:
    """Parse ``path`` as ``fmt``; raises LockfileError on bad input. ``root``: the
    directory scanned, which bounds includes outside a repository."""
    return _with_valid_index_urls(_parse(path, fmt, root))


def _parse(path: str, fmt: LockFormat, root: str | None) -> Lockfile:
    # Imported on demand: a run reads only the parsers its files need.
    module = import_module(f"lockcheck.parsers.{_MODULES[fmt]}")
    # Only requirements files follow includes, which ``root`` bounds.
    lock: Lockfile = (
        module.parse(path, root) if fmt is LockFormat.REQUIREMENTS else module.parse(path)
    )
    return lock


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
