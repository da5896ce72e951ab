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


def parse_lockfile(path: str, fmt: LockFormat) -> Lockfile:
    """Parse ``path`` as ``fmt``; raises LockfileError on bad input."""
    # Imported on demand: a run reads only the parsers its files need.
    module = import_module(f"lockcheck.parsers.{_MODULES[fmt]}")
    lock: Lockfile = module.parse(path)
    return lock
