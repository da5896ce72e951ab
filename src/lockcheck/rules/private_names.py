"""Which locked packages `[tool.lockcheck.private]` names (LC106, LC306, LC307, LC401)."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Iterator

from lockcheck.model import LockedPackage, Lockfile


def is_private(name: str, patterns: Iterable[str]) -> bool:
    """Whether a (normalised) name matches one of the private globs."""
    return any(fnmatch.fnmatchcase(name, p) for p in patterns)


def private_packages(lock: Lockfile, patterns: tuple[str, ...]) -> Iterator[LockedPackage]:
    """The lock's packages with a private name; the project's own code is never one."""
    for package in lock.packages:
        if not package.is_project and is_private(package.name, patterns):
            yield package
