"""Find lockfiles under the paths the user names, and say what format each one is."""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Callable, Sequence
from typing import NamedTuple

from lockcheck.boundary import boundary_for, is_inside, outside_message
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
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
    }
)
# Virtual environments: skipped unless git tracks the file found in them (a virtual
# environment is never committed: a tracked file is the project's, whatever holds it).
VENV_DIRS = frozenset({".venv", "venv", "site-packages"})


class Target(NamedTuple):
    path: str
    format: LockFormat
    root: str | None = None  # the directory scanned: the read boundary outside a repository


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
            found = _walk(path, *exclude_for(path), notes, errors)
        elif os.path.exists(path) or os.path.islink(path):
            directory = os.path.dirname(os.path.abspath(path))
            beside = manifest_targets(path)
            if beside is not None:
                manifests.append(path)
                found = [Target(p, f, directory) for p, f in beside]
            else:
                boundary = boundary_for(path, directory)
                if not is_inside(path, boundary):
                    # Not even sniffed: nothing outside the repository is opened.
                    why = f"is a symlink that {outside_message(boundary)}"
                    errors.append(ErrorEntry.of(path, None, why))
                    continue
                fmt = detect_format(path) or by_content(path)
                if fmt is None:
                    errors.append(ErrorEntry.of(path, None, unsupported_message(path)))
                    continue
                found = [Target(path, fmt, directory)]
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
    return Discovery(targets, errors, notes, manifests)


def unsupported_message(path: str) -> str:
    from lockcheck.names import SUPPORTED_TEXT, unsupported_tool

    tool = unsupported_tool(os.path.basename(path))
    what = f"a {tool} lock" if tool else "not a lockfile lockcheck knows"
    return f"unsupported format ({what}): lockcheck reads {SUPPORTED_TEXT}"


def _missing(path: str) -> str:
    """Why a named path cannot be looked at: absent, or in a directory we may not enter."""
    try:
        os.lstat(path)
    except PermissionError:
        return "permission denied"
    except OSError:
        pass
    return "no such file or directory"


def _walk(
    root: str,
    base: str,
    exclude: tuple[str, ...],
    notes: list[Note],
    errors: list[ErrorEntry],
) -> list[Target]:
    listing = _git_listing(root)
    if listing is not None:
        return _listed(root, listing, base, exclude, notes)
    return _walked(root, base, exclude, notes, errors)


def _walked(
    root: str,
    base: str,
    exclude: tuple[str, ...],
    notes: list[Note],
    errors: list[ErrorEntry],
) -> list[Target]:
    """Outside a git work tree: lockfiles under root, top-down in name order, without
    recursion (a hostile tree may be thousands of levels deep); a directory that cannot
    be listed is an error."""
    scanned = os.path.abspath(root)
    found: list[Target] = []
    stack = [root]
    while stack:
        directory = stack.pop()
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            why = "permission denied" if isinstance(exc, PermissionError) else exc.strerror
            where = os.path.normpath(directory)
            errors.append(ErrorEntry.of(where, None, f"cannot list directory: {why or exc}"))
            continue
        parent = parent_name(directory)
        subdirectories = []
        for entry in entries:
            path = os.path.join(directory, entry.name)
            if _is_directory(entry):
                if _descend(path, entry.name, base, exclude):
                    subdirectories.append(path)
                continue
            kind = classify_name(entry.name, parent)
            if kind is None or _excluded(path, base, exclude):
                continue  # most files: rejected by name before any path work
            _add(found, notes, os.path.normpath(path), kind, scanned)
        stack.extend(reversed(subdirectories))
    return found


def _is_directory(entry: os.DirEntry[str]) -> bool:
    """A directory, not a symlink to one (never followed, as os.walk does not)."""
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _descend(path: str, name: str, base: str, exclude: tuple[str, ...]) -> bool:
    if name in SKIP_DIRS or name in VENV_DIRS or _excluded(path, base, exclude):
        return False
    return not _is_venv(path)


def _add(found: list[Target], notes: list[Note], path: str, kind: NameKind, scanned: str) -> None:
    if kind.unsupported is not None:
        notes.append(lock_like_note(path, kind.unsupported))
    elif kind.format is not None or looks_hashed_requirements(path):
        found.append(Target(path, kind.format or LockFormat.REQUIREMENTS, scanned))


def _listed(
    root: str,
    listing: list[tuple[str, bool]],
    base: str,
    exclude: tuple[str, ...],
    notes: list[Note],
) -> list[Target]:
    """In a git work tree: the files git lists (tracked, or untracked and not ignored).
    No walk of the tree: a name is judged first, and only a candidate costs path work
    (the directory rules of the walk, a stat)."""
    found: list[Target] = []
    pruned: dict[str, bool] = {}  # per directory: skipped by name or excluded?
    venv: dict[str, bool] = {}  # per directory: inside a virtual environment?
    scanned = os.path.abspath(root)
    root_name = parent_name(root)
    for relative, tracked in sorted(listing, key=lambda item: _walk_order(item[0])):
        inside, _, name = relative.rpartition("/")
        kind = classify_name(name, inside.rpartition("/")[2] if inside else root_name)
        if kind is None:
            continue
        if inside and _judged(inside, pruned, lambda d: _pruned(root, d, base, exclude)):
            continue
        # A virtual environment is never committed: a tracked file is the project's.
        if inside and not tracked and _judged(inside, venv, lambda d: _venv(root, d)):
            continue
        path = os.path.normpath(os.path.join(root, relative))
        if _excluded(path, base, exclude) or not _present(path):
            continue
        _add(found, notes, path, kind, scanned)
    return found


def _judged(inside: str, cache: dict[str, bool], test: Callable[[str], bool]) -> bool:
    """Does ``test`` hold for ``inside`` or one of its ancestors? Each directory is judged
    once, and without recursion (a hostile tree may be thousands of levels deep)."""
    pending = []
    directory = inside
    while directory and directory not in cache:
        pending.append(directory)
        directory = directory.rpartition("/")[0]
    verdict = cache.get(directory, False) if directory else False
    for directory in reversed(pending):
        verdict = verdict or test(directory)
        cache[directory] = verdict
    return verdict


def _pruned(root: str, inside: str, base: str, exclude: tuple[str, ...]) -> bool:
    part = inside.rpartition("/")[2]
    return part in SKIP_DIRS or _excluded(os.path.join(root, inside), base, exclude)


def _venv(root: str, inside: str) -> bool:
    part = inside.rpartition("/")[2]
    return part in VENV_DIRS or _is_venv(os.path.join(root, inside))


def _present(path: str) -> bool:
    """A regular file or a symlink to something (git's index still lists files deleted
    from the work tree). Where a symlink leads is judged by the caller, which reports one
    that leaves the repository instead of skipping it silently."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return False
    if stat.S_ISLNK(mode):
        return os.path.exists(path)
    return stat.S_ISREG(mode)


def _walk_order(relative: str) -> list[tuple[int, str]]:
    """os.walk's order (top-down, sorted): a directory's files, then its subdirectories."""
    *parts, name = relative.split("/")
    return [(1, part) for part in parts] + [(0, name)]


# Tracked and untracked-but-not-ignored files, each tagged ("?" untracked), NUL-separated.
_LS_FILES = ("--cached", "--others", "--exclude-standard", "-t", "-z")


def _git_listing(root: str) -> list[tuple[str, bool]] | None:
    """Files under root that git does not ignore, relative to root with "/", each with
    whether git tracks it; None outside a work tree (or without git)."""
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
    # "TAG path" entries ("?" untracked). Only names discovery could want are kept: a large
    # repository lists tens of thousands of files.
    from lockcheck.names import may_matter

    listing = []
    for item in result.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if len(item) > 2 and may_matter(item[2:].rsplit("/", 1)[-1]):
            listing.append((item[2:], item[0] != "?"))
    return listing


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
