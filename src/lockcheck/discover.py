"""Find lockfiles under the paths the user names, and say what format each one is."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Sequence
from typing import NamedTuple

from lockcheck.findings import ErrorEntry
from lockcheck.model import LockFormat, Note
from lockcheck.names import looks_hashed_requirements
from lockcheck.parsers import detect_format
from lockcheck.targets import by_content, classify_name, lock_like_note, manifest_targets

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
    found = []
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d not in SKIP_DIRS
            and not _is_venv(os.path.join(directory, d))
            and not _excluded(os.path.join(directory, d), base, exclude)
        )
        for name in sorted(filenames):
            kind = classify_name(name, directory)
            if kind is None:
                continue  # most files: rejected by name before any path work
            path = os.path.join(directory, name)
            if _excluded(path, base, exclude):
                continue
            if visible is not None and os.path.realpath(path) not in visible:
                continue  # ignored by git
            if kind.unsupported is not None:
                notes.append(lock_like_note(os.path.normpath(path), kind.unsupported))
            elif kind.format is not None or looks_hashed_requirements(path):
                found.append(Target(os.path.normpath(path), kind.format or LockFormat.REQUIREMENTS))
    return found


def _git_visible(root: str) -> set[str] | None:
    """Files under root that git does not ignore, or None outside a work tree (or no git)."""
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
    # Paths come relative to root. Only names discovery could want are resolved: a large
    # repository lists tens of thousands of files, and realpath costs system calls.
    from lockcheck.names import may_matter

    names = result.stdout.decode("utf-8", "surrogateescape").split("\0")
    return {
        os.path.realpath(os.path.join(root, name))
        for name in names
        if name and may_matter(name.rsplit("/", 1)[-1])
    }


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
