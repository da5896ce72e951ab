"""Where lockcheck may read from: the repository that holds a file, never outside it.

A pull request can commit a symlink (``requirements.txt -> ~/.netrc``) or an include
(``-r /etc/passwd``); lockcheck would print what it read into findings and annotations.
The boundary is the directory holding ``.git`` nearest above the file; outside a
repository, the directory that was scanned (or, for a file named on its own, its
directory). A file whose real path is not under the boundary's real path is not read.
"""

from __future__ import annotations

import os


def repository_root(directory: str) -> str | None:
    """The nearest directory at or above ``directory`` (absolute) that holds ``.git``."""
    current = directory
    while True:
        if os.path.lexists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def boundary_for(path: str, scanned_root: str | None = None) -> str:
    """The directory ``path`` must stay inside: its repository, else the scanned root,
    else its own directory. Symlinks in ``path`` itself are not resolved here."""
    directory = os.path.dirname(os.path.abspath(path))
    found = repository_root(directory)
    if found is not None:
        return found
    return os.path.abspath(scanned_root) if scanned_root is not None else directory


def is_inside(path: str, boundary: str) -> bool:
    """Does ``path``, with every symlink followed, lie under ``boundary``?"""
    real = os.path.realpath(path)
    base = os.path.realpath(boundary)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


def outside_message(boundary: str) -> str:
    """Why a file is not read: ``... outside the repository; not read``."""
    where = "repository" if repository_root(boundary) == boundary else "checked directory"
    return f"leads outside the {where}; not read"
