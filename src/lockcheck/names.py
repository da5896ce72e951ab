"""Which file names are lockfiles, manifests, or lock-like files lockcheck cannot read.

Discovery calls these on every file name in a tree, so the common case (a name that is
none of these) must be rejected with a set lookup and a suffix test, before any pattern
matching, path arithmetic or I/O.
"""

from __future__ import annotations

import fnmatch
import os

from lockcheck.model import LockFormat

_EXACT = {
    "uv.lock": LockFormat.UV,
    "poetry.lock": LockFormat.POETRY,
    "pdm.lock": LockFormat.PDM,
    "pipfile.lock": LockFormat.PIPFILE,
    "pylock.toml": LockFormat.PYLOCK,
}
# Only names ending like this can be anything discovery wants (sniffed .txt included).
_SUFFIXES = (".lock", ".txt", ".pip", ".toml", ".yml", ".yaml", "pipfile")

# Lock files of tools lockcheck does not read: a scan names them in a note.
UNSUPPORTED = {
    "conda-lock.yml": "conda-lock",
    "conda-lock.yaml": "conda-lock",
    "pixi.lock": "pixi",
}
_UNSUPPORTED_PATTERNS = (("*.conda-lock.yml", "conda-lock"), ("*.conda-lock.yaml", "conda-lock"))

# Manifests: given as a path, they mean the lockfiles beside them.
MANIFEST_LOCKS = {
    "pyproject.toml": ("uv.lock", "poetry.lock", "pdm.lock", "pylock.toml"),
    "pipfile": ("Pipfile.lock",),
}

SUPPORTED_TEXT = "requirements files, uv.lock, poetry.lock, pdm.lock, Pipfile.lock and pylock.toml"


def may_matter(name: str) -> bool:
    """Cheap first test on a base name: False means discovery can skip the file."""
    lower = name.lower()
    if not lower.endswith(_SUFFIXES):
        return False
    if lower.endswith(".toml"):
        return lower.startswith("pylock") or lower == "pyproject.toml"
    if lower.endswith((".yml", ".yaml")):
        return "conda-lock" in lower
    return True


def format_from_name(name: str, parent: str = "") -> LockFormat | None:
    """The format a base name (and its directory's base name) says, or None.

    String tests, not glob patterns: this runs on every candidate name in a tree.
    """
    lower = name.lower()
    found = _EXACT.get(lower)
    if found is not None:
        return found
    if lower.endswith(".pip"):
        return LockFormat.REQUIREMENTS
    if lower.endswith(".toml"):
        # pylock.*.toml (PEP 751 names a lock for a purpose so)
        named = lower.startswith("pylock.") and len(lower) >= len("pylock..toml")
        return LockFormat.PYLOCK if named else None
    if lower.endswith(".txt"):
        if lower.startswith(("requirements", "constraints")):
            return LockFormat.REQUIREMENTS
        if lower.endswith(("-requirements.txt", "_requirements.txt")):
            return LockFormat.REQUIREMENTS
    elif lower.endswith(".lock"):
        if lower.startswith("requirements"):
            return LockFormat.REQUIREMENTS
    else:
        return None
    if parent.lower() == "requirements":
        return LockFormat.REQUIREMENTS
    return None


def unsupported_tool(name: str) -> str | None:
    """The tool that writes a lock-like file lockcheck cannot read, by its base name."""
    lower = name.lower()
    if lower in UNSUPPORTED:
        return UNSUPPORTED[lower]
    if not lower.endswith((".yml", ".yaml")):
        return None
    return next((tool for p, tool in _UNSUPPORTED_PATTERNS if fnmatch.fnmatch(lower, p)), None)


def manifest_locks(name: str) -> tuple[str, ...] | None:
    """The lockfile names that belong to a manifest, or None if ``name`` is no manifest."""
    return MANIFEST_LOCKS.get(name.lower())


SNIFF_BYTES = 8192


def looks_hashed_requirements(path: str) -> bool:
    """A ``.txt`` file whose first few KB hold a ``--hash=`` option: a hashed requirements
    file under a name nobody would guess."""
    # os.open/os.read: a scan may sniff thousands of files, and a buffered file object
    # costs an extra system call and an allocation each.
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    except OSError:
        return False
    try:
        head = os.read(fd, SNIFF_BYTES)
    except OSError:
        return False
    finally:
        os.close(fd)
    return b"--hash=" in head or b"--hash " in head
