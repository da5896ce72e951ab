"""Find lockfiles under the paths the user names, and say what format each one is."""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Callable, Sequence
from typing import NamedTuple

from lockcheck.findings import ErrorEntry
from lockcheck.model import LockFormat, Note
from lockcheck.names import looks_hashed_requirements
from lockcheck.parsers import detect_format
from lockcheck.targets import (
    NameKind,
    by_content,
    classify_name,
    lock_like_note,
    manifest_targets,
    parent_name,
)

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
        ".venv",
        "venv",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        "site-packages",
    }
)


class Target(NamedTuple):
    path: str
    format: LockFormat


# For a directory being walked: the directory exclude globs are relative to, and the globs.
ExcludeFor = Callable[[str], tuple[str, tuple[str, ...]]]


def _no_exclude(root: str) -> tuple[str, tuple[str, ...]]:
    return root, ()


class Discovery(NamedTuple):
    targets: list[Target]
    errors: list[ErrorEntry]
    notes: list[Note]
    # Paths given that were manifests (pyproject.toml, Pipfile): none with a lock is fine.
    manifests: list[str]


def discover(
    paths: Sequence[str], exclude_for: ExcludeFor = _no_exclude
) -> tuple[list[Target], list[ErrorEntry]]:
    """Expand files and directories into lockfile targets; missing paths are errors."""
    found = scan(paths, exclude_for)
    return found.targets, found.errors


def scan(paths: Sequence[str], exclude_for: ExcludeFor = _no_exclude) -> Discovery:
    """Expand files and directories into lockfile targets, with the errors (missing paths,
    files of no format lockcheck reads) and notes (lock-like files it cannot read)."""
    targets: list[Target] = []
    errors: list[ErrorEntry] = []
    notes: list[Note] = []
    manifests: list[str] = []
    seen: set[str] = set()
    for path in paths:
        if os.path.isdir(path):
            found = _walk(path, *exclude_for(path), notes)
        elif os.path.exists(path) or os.path.islink(path):
            beside = manifest_targets(path)
            if beside is not None:
                manifests.append(path)
                found = [Target(p, f) for p, f in beside]
            else:
                fmt = detect_format(path) or by_content(path)
                if fmt is None:
                    errors.append(ErrorEntry.of(path, None, unsupported_message(path)))
                    continue
                found = [Target(path, fmt)]
        else:
            errors.append(ErrorEntry.of(path, None, "no such file or directory"))
            continue
        for target in found:
            key = os.path.realpath(target.path)
            if key not in seen:
                seen.add(key)
                targets.append(target)
    return Discovery(targets, errors, notes, manifests)


def unsupported_message(path: str) -> str:
    from lockcheck.names import SUPPORTED_TEXT, unsupported_tool

    tool = unsupported_tool(os.path.basename(path))
    what = f"a {tool} lock" if tool else "not a lockfile lockcheck knows"
    return f"unsupported format ({what}): lockcheck reads {SUPPORTED_TEXT}"


def _walk(root: str, base: str, exclude: tuple[str, ...], notes: list[Note]) -> list[Target]:
    visible = _git_visible(root)
    if visible is not None:
        return _listed(root, visible, base, exclude, notes)
    found: list[Target] = []
    for directory, dirnames, filenames in os.walk(root):
        parent = parent_name(directory)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d not in SKIP_DIRS
            and not _is_venv(os.path.join(directory, d))
            and not _excluded(os.path.join(directory, d), base, exclude)
        )
        for name in sorted(filenames):
            kind = classify_name(name, parent)
            if kind is None:
                continue  # most files: rejected by name before any path work
            path = os.path.join(directory, name)
            if _excluded(path, base, exclude):
                continue
            _add(found, notes, os.path.normpath(path), kind)
    return found


def _add(found: list[Target], notes: list[Note], path: str, kind: NameKind) -> None:
    if kind.unsupported is not None:
        notes.append(lock_like_note(path, kind.unsupported))
    elif kind.format is not None or looks_hashed_requirements(path):
        found.append(Target(path, kind.format or LockFormat.REQUIREMENTS))


def _listed(
    root: str, listing: list[str], base: str, exclude: tuple[str, ...], notes: list[Note]
) -> list[Target]:
    """In a git work tree: the files git lists (tracked, or untracked and not ignored).
    No walk of the tree: a name is judged first, and only a candidate costs path work
    (the directory rules of the walk, a stat, a look at a symlink's target)."""
    found: list[Target] = []
    skipped: dict[str, bool] = {}  # per directory: would the walk have pruned it?
    real_root = os.path.realpath(root)
    root_name = parent_name(root)
    for relative in sorted(listing, key=_walk_order):
        inside, _, name = relative.rpartition("/")
        kind = classify_name(name, inside.rpartition("/")[2] if inside else root_name)
        if kind is None:
            continue
        if inside and _pruned(root, inside, base, exclude, skipped):
            continue
        path = os.path.normpath(
            os.path.join(root, inside, name) if inside else os.path.join(root, name)
        )
        if _excluded(path, base, exclude) or not _regular_inside(path, real_root):
            continue
        _add(found, notes, path, kind)
    return found


def _pruned(
    root: str, inside: str, base: str, exclude: tuple[str, ...], cache: dict[str, bool]
) -> bool:
    """The walk's directory rules (skipped names, virtualenvs, excludes) for ``inside``
    and its ancestors, each directory judged once."""
    if inside not in cache:
        parent, _, part = inside.rpartition("/")
        path = os.path.join(root, inside)
        cache[inside] = (
            (bool(parent) and _pruned(root, parent, base, exclude, cache))
            or part in SKIP_DIRS
            or _is_venv(path)
            or _excluded(path, base, exclude)
        )
    return cache[inside]


def _regular_inside(path: str, real_root: str) -> bool:
    """A regular file (git's index still lists files deleted from the work tree), and if
    a symlink, one to a file inside the repository: never read through a link out of it."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return False
    if stat.S_ISLNK(mode):
        return os.path.isfile(path) and _within(os.path.realpath(path), real_root)
    return stat.S_ISREG(mode)


def _walk_order(relative: str) -> list[tuple[int, str]]:
    """os.walk's order (top-down, sorted): a directory's files, then its subdirectories."""
    *parts, name = relative.split("/")
    return [(1, part) for part in parts] + [(0, name)]


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _git_visible(root: str) -> list[str] | None:
    """Files under root that git does not ignore, relative to root with "/", or None
    outside a work tree (or without git)."""
    import subprocess

    try:
        result = subprocess.run(
            ["git", "-C", root, "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None  # not a work tree
    # Paths come relative to root, as git spells them. Only names discovery could want are
    # kept: a large repository lists tens of thousands of files.
    from lockcheck.names import may_matter

    names = result.stdout.decode("utf-8", "surrogateescape").split("\0")
    return [name for name in names if name and may_matter(name.rsplit("/", 1)[-1])]


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
