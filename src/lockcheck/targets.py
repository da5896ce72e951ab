"""What a path is to lockcheck: a lockfile (by name or, failing that, by content), a
manifest whose lockfiles sit beside it, or a lock-like file of a tool lockcheck cannot read.
"""

from __future__ import annotations

import os
from typing import NamedTuple

from lockcheck.model import Location, LockFormat, Note
from lockcheck.names import (
    format_from_name,
    looks_hashed_requirements,
    manifest_locks,
    may_matter,
    unsupported_tool,
)


class NameKind(NamedTuple):
    """What a file name says: a format, a tool lockcheck cannot read, or (both None) a
    ``.txt`` file worth a look at its first few KB."""

    format: LockFormat | None
    unsupported: str | None


_SNIFF = NameKind(None, None)


def classify_name(name: str, parent: str) -> NameKind | None:
    """None for a file discovery skips; ``parent`` is the base name of its directory.
    Called on every file in a tree, so cheap first."""
    if not may_matter(name):
        return None
    found = format_from_name(name, parent)
    if found is not None:
        return NameKind(found, None)
    tool = unsupported_tool(name)
    if tool is not None:
        return NameKind(None, tool)
    return _SNIFF if name.lower().endswith(".txt") else None


def parent_name(directory: str) -> str:
    """The base name of a directory as os.walk spells it ("." and "dir/" included)."""
    parent = os.path.basename(directory.rstrip(os.sep))
    if parent in ("", ".", ".."):
        parent = os.path.basename(os.path.abspath(directory))
    return parent


def lock_like_note(path: str, tool: str) -> Note:
    return Note(Location(path), f"a {tool} lock: lockcheck cannot read this format, not checked")


def manifest_targets(path: str) -> list[tuple[str, LockFormat]] | None:
    """For a manifest (pyproject.toml, Pipfile): the lockfiles beside it; else None."""
    names = manifest_locks(os.path.basename(path))
    if names is None:
        return None
    directory = os.path.dirname(path)
    found = []
    for name in names:
        beside = os.path.join(directory, name)
        fmt = format_from_name(name)
        if fmt is not None and os.path.isfile(beside):
            found.append((beside, fmt))
    return found


def by_content(path: str) -> LockFormat | None:
    """The format of a file given by a name lockcheck does not know, from its content:
    a Pipfile.lock under another name, or any text a requirements parser should read.
    None for a lock-like file of another tool and for files that are structured data."""
    if unsupported_tool(os.path.basename(path)) is not None:
        return None
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return LockFormat.REQUIREMENTS  # the parser reports why it cannot read it
    stripped = head.lstrip()
    if stripped.startswith(b"{"):
        return LockFormat.PIPFILE if b'"_meta"' in head else None
    if looks_hashed_requirements(path):
        return LockFormat.REQUIREMENTS
    lower = path.lower()
    if lower.endswith((".toml", ".json", ".yml", ".yaml", ".cfg", ".ini", ".md", ".py")):
        return None
    return LockFormat.REQUIREMENTS
