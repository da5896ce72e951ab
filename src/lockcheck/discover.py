"""Find lockfiles under the paths the user names, and say what format each one is."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Sequence
from typing import NamedTuple

from lockcheck.boundary import boundary_for, is_inside, outside_message
from lockcheck.findings import ErrorEntry
from lockcheck.model import LockFormat
from lockcheck.parsers import detect_format

# Directories that hold other people's code or build output, never the project's locks.
SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "build",
        "dist",
        ".tox",
        ".nox",
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
    }
)
# Virtual environments: skipped unless git tracks something in them (see _descend).
VENV_DIRS = frozenset({".venv", "venv", "site-packages"})


class Target(NamedTuple):
    path: str
    format: LockFormat
    root: str | None = None  # the directory scanned: the read boundary outside a repository


# For a directory being walked: the directory exclude globs are relative to, and the globs.
ExcludeFor = Callable[[str], tuple[str, tuple[str, ...]]]


def _no_exclude(root: str) -> tuple[str, tuple[str, ...]]:
    return root, ()


def discover(
    paths: Sequence[str], exclude_for: ExcludeFor = _no_exclude
) -> tuple[list[Target], list[ErrorEntry]]:
    """Expand files and directories into lockfile targets; missing paths are errors."""
    targets: list[Target] = []
    errors: list[ErrorEntry] = []
    seen: set[str] = set()
    for path in paths:
        if os.path.isdir(path):
            found = _walk(path, *exclude_for(path), errors)
        elif os.path.exists(path) or os.path.islink(path):
            # A file named on the command line is checked even if its name is unusual.
            fmt = detect_format(path) or LockFormat.REQUIREMENTS
            found = [Target(path, fmt, os.path.dirname(os.path.abspath(path)))]
        else:
            errors.append(ErrorEntry.of(path, None, _missing(path)))
            continue
        for target in found:
            boundary = boundary_for(target.path, target.root)
            if not is_inside(target.path, boundary):
                why = f"is a symlink that {outside_message(boundary)}"
                errors.append(ErrorEntry.of(target.path, None, why))
                continue
            key = os.path.realpath(target.path)
            if key not in seen:
                seen.add(key)
                targets.append(target)
    return targets, errors


def _missing(path: str) -> str:
    """Why a named path cannot be looked at: absent, or in a directory we may not enter."""
    try:
        os.lstat(path)
    except PermissionError:
        return "permission denied"
    except OSError:
        pass
    return "no such file or directory"


class _GitView(NamedTuple):
    """What git says about a tree: the files it shows, and the directories holding them."""

    visible: frozenset[str]  # relative paths of files tracked or untracked-but-not-ignored
    visible_dirs: frozenset[str]  # their directories (relative, "" for the root)
    tracked_dirs: frozenset[str]  # directories holding a file git tracks


def _walk(root: str, base: str, exclude: tuple[str, ...], errors: list[ErrorEntry]) -> list[Target]:
    """Lockfiles under root, depth first in name order, without recursion (a hostile tree
    may be thousands of levels deep); a directory that cannot be listed is an error."""
    git = _git_view(root)
    scanned = os.path.abspath(root)
    found = []
    stack = [(root, "")]
    while stack:
        directory, relative = stack.pop()
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            why = "permission denied" if isinstance(exc, PermissionError) else exc.strerror
            where = os.path.normpath(directory)
            errors.append(ErrorEntry.of(where, None, f"cannot list directory: {why or exc}"))
            continue
        subdirectories = []
        for entry in entries:
            path = os.path.join(directory, entry.name)
            inner = f"{relative}/{entry.name}" if relative else entry.name
            if _is_directory(entry):
                if _descend(path, entry.name, inner, git, base, exclude):
                    subdirectories.append((path, inner))
                continue
            fmt = detect_format(path)
            if fmt is None or _excluded(path, base, exclude):
                continue
            if git is not None and inner not in git.visible:
                continue  # ignored by git
            found.append(Target(os.path.normpath(path), fmt, scanned))
        stack.extend(reversed(subdirectories))
    return found


def _is_directory(entry: os.DirEntry[str]) -> bool:
    """A directory, or a symlink to one (never followed: like os.walk, not descended)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _descend(
    path: str, name: str, relative: str, git: _GitView | None, base: str, exclude: tuple[str, ...]
) -> bool:
    try:
        if os.path.islink(path):
            return False
    except OSError:
        return False
    if git is not None and relative not in git.visible_dirs:
        return False  # nothing git shows is in there: nothing to find, nothing to list
    if _excluded(path, base, exclude):
        return False
    is_venv = name in VENV_DIRS or _is_venv(path)
    if is_venv:
        # A virtual environment is never committed: a directory holding a file git
        # tracks is the project's, whatever it is called or holds (pyvenv.cfg).
        return git is not None and relative in git.tracked_dirs
    return name not in SKIP_DIRS


# Tracked and untracked-but-not-ignored files, each tagged ("?" untracked), NUL-separated.
_LS_FILES = ("--cached", "--others", "--exclude-standard", "-t", "-z")


def _git_view(root: str) -> _GitView | None:
    """What git shows under root, or None outside a work tree (or without git)."""
    import subprocess

    try:
        result = subprocess.run(
            ["git", "-C", root, "ls-files", *_LS_FILES],
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None  # not a work tree
    visible: set[str] = set()
    visible_dirs: set[str] = {""}
    tracked_dirs: set[str] = set()
    # "TAG path" entries, paths relative to root; "?" is untracked, any other tag tracked.
    for item in result.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if len(item) < 3:
            continue
        tag, name = item[0], item[2:]
        visible.add(name)
        _add_parents(name, visible_dirs)
        if tag != "?":
            _add_parents(name, tracked_dirs)
    return _GitView(frozenset(visible), frozenset(visible_dirs), frozenset(tracked_dirs))


def _add_parents(name: str, into: set[str]) -> None:
    directory = name.rpartition("/")[0]
    while directory and directory not in into:
        into.add(directory)
        directory = directory.rpartition("/")[0]


def _is_venv(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "pyvenv.cfg"))


def _excluded(path: str, base: str, patterns: tuple[str, ...]) -> bool:
    if not patterns:
        return False
    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(base)).replace(os.sep, "/")
    name = os.path.basename(path)
    return any(
        fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(name, p) or fnmatch.fnmatch(path, p)
        for p in patterns
    )
