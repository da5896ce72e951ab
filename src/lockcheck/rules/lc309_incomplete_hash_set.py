"""An entry whose hashes cover some but not all files the index published for it.

## What it does
With `--verify`, compares the files a locked entry has hashes for with the files the
index published for that release, and names the platforms (from the wheels' tags) where
no locked file can be installed: "no hash for the macOS arm64 and Windows amd64 wheels
(cp312)".

Only what can fail counts. A platform that a locked wheel serves (any manylinux or macOS
version of the same machine and Python; an abi3 wheel serves later CPythons), or that
can build a locked sdist, or install a locked pure wheel, is not named: pip and uv pick
a file the lock has a hash for. Yanked files, and pure wheels (`py3-none-any`: which
platforms would miss one cannot be told), are not counted.

Only files that existed when the lock was made are judged: those uploaded no later than
the lock's `exclude-newer` (uv.lock `[options]`, `uv pip compile --exclude-newer`), or,
without one, no later than the newest upload the lock records or the index gives for a
file the lock has a hash for (the lock cannot be older than that). A file with no upload
time is then not judged. Only where no upload time is known at all is every file judged.

Only the platforms the lock is for are judged: its requires-python (for a requirements
file that does not record one, no CPython older than the oldest it has a wheel for),
uv's and pylock's `environments`, pdm's `targets`, `uv pip compile
--python-platform/--python-version`, and the entry's own marker. A platform is excluded only when that is certain:
a marker naming something a wheel's tags cannot say counts as not targeted, so the wheel
is not judged. Requirements files are judged only when their header says a tool wrote
them that records every file's hash (pip-compile, uv, poetry, pdm or pipenv): a
hand-written file that hashes only the wheel its server installs is no mistake. A
pip-compile file was resolved on one platform, but pip-compile writes the hash of every
file of each pinned release (so does `uv pip compile --generate-hashes`): one missing
means the file was edited, so it is judged for every platform its Pythons allow.

## Why is this bad?
`pip install --require-hashes` and `uv pip install` refuse a file whose hash the lock
lacks. A lock with the hash of one wheel installs on its author's machine and fails on
every other platform: in CI, on a colleague's Mac, in the Windows build, or once a new
Python version is used. Locking tools record every file's hash; a lock that lacks some
was edited or written by a tool that dropped them.

## How to fix
Regenerate the lock so it records every file's hash (`uv lock`, `pip-compile
--generate-hashes`, `poetry lock`). If the lock deliberately targets some platforms,
say so where the tool can record it (uv `environments`, pdm `--platform` targets,
`uv pip compile --python-platform`), or waive this rule for the package.

## Example
A uv.lock entry for `numpy==2.4.6` whose `wheels` list holds only
`numpy-2.4.6-cp312-cp312-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl` and no sdist:
installing it on macOS or Windows fails.
"""

from __future__ import annotations

import datetime as dt
import shlex
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from lockcheck.findings import Finding, Severity
from lockcheck.index.snapshot import LookupStatus, PublishedFile, Release
from lockcheck.index.verification import check_hashes, checked_packages, instant
from lockcheck.model import LockedPackage, Lockfile, LockFormat
from lockcheck.rules.base import RuleContext, define
from lockcheck.wheel_platforms import (
    Slot,
    installs_anywhere,
    label,
    marker_holds,
    pdm_target_holds,
    platforms,
    python_allowed,
    python_version,
    serves,
    slots,
    wheel_tags,
)

# Requirements-file generators that write every published file's hash.
_COMPLETE_WRITERS = (
    "pip-compile",
    "uv pip compile",
    "uv export",
    "poetry export",
    "pdm export",
    "pipenv requirements",
)
# `uv pip compile --python-platform` values: (system, machine) they target.
_UV_PLATFORMS = {
    "linux": ("linux", "x86_64"),
    "windows": ("windows", "amd64"),
    "macos": ("macos", "arm64"),
}


class _Scope(NamedTuple):
    """The platforms and Pythons a lock is for, and when it was made."""

    requires_python: str | None = None
    python_floor: str | None = None  # no CPython older than this
    python_exact: str | None = None
    platform: tuple[str, str] | None = None
    markers: tuple[str, ...] = ()
    pdm_targets: tuple[tuple[str, str, str], ...] = ()
    exclude_newer: str | None = None
    package_marker: str | None = None  # where the entry itself is installed

    def targets(self, slot: Slot) -> bool:
        version = python_version(slot.python)
        if self.platform is not None and (slot.system, slot.machine) != self.platform:
            return False
        if self.python_exact and version is not None and str(version) != self.python_exact:
            return False
        if self.requires_python and not python_allowed(self.requires_python, slot):
            return False
        if self.python_floor and not python_allowed(f">={self.python_floor}", slot):
            return False
        if self.markers and not any(marker_holds(m, slot) for m in self.markers):
            return False
        if self.package_marker and not marker_holds(self.package_marker, slot):
            return False
        return not self.pdm_targets or any(pdm_target_holds(*t, slot) for t in self.pdm_targets)


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    scope = _scope(lock)
    if scope is None:
        return
    found = [
        (package, release, _covered(package, release))
        for package, release in checked_packages(lock, ctx.index)
        if release.status is LookupStatus.FOUND
    ]
    if scope.python_floor == "":  # no requires-python recorded: the oldest CPython it covers
        scope = scope._replace(python_floor=_oldest_cpython(c for _, _, c in found))
    cutoff = _cutoff(lock, scope, found)
    for package, release, covered in found:
        where = scope._replace(package_marker=package.marker)
        missing = _missing(release, covered, where, cutoff)
        if missing:
            yield _finding(package, release, covered, missing)


def _covered(package: LockedPackage, release: Release) -> list[PublishedFile]:
    matched = {c.matched.filename for c in check_hashes(package, release) if c.matched}
    return [f for f in release.files if f.filename in matched]


def _missing(
    release: Release, covered: list[PublishedFile], scope: _Scope, cutoff: dt.datetime | None
) -> set[Slot]:
    """The targeted slots no locked file installs in, but a published one would."""
    if not covered or any(installs_anywhere(f.filename) for f in covered):
        return set()  # no match at all is LC301's; an sdist or a pure wheel installs anywhere
    served = [tag for f in covered for tag in wheel_tags(f.filename) or ()]
    names = {f.filename for f in covered}
    missing: set[Slot] = set()
    for file in release.files:
        if file.filename in names or file.yanked or not _existed(file, cutoff):
            continue
        for slot in slots(file.filename):
            if scope.targets(slot) and not serves(served, slot):
                missing.add(slot)
    return missing


def _existed(file: PublishedFile, cutoff: dt.datetime | None) -> bool:
    if cutoff is None:
        return True  # nothing says when the lock was made: every file is judged
    uploaded = instant(file.upload_time)
    return uploaded is not None and uploaded <= cutoff


def _cutoff(
    lock: Lockfile,
    scope: _Scope,
    found: list[tuple[LockedPackage, Release, list[PublishedFile]]],
) -> dt.datetime | None:
    """When the lock was made, at the latest we can tell (see the docstring)."""
    if scope.exclude_newer:
        explicit = instant(scope.exclude_newer)
        if explicit is not None:
            return explicit
    times = [instant(a.upload_time) for p in lock.packages for a in p.artifacts]
    times += [instant(f.upload_time) for _, _, covered in found for f in covered]
    known = [t for t in times if t is not None]
    return max(known) if known else None


def _oldest_cpython(covered: Iterable[list[PublishedFile]]) -> str | None:
    """The oldest CPython a version-specific locked wheel is for (not abi3: an abi3 wheel
    names the oldest CPython it supports, not the oldest the lock is for)."""
    versions = [
        version
        for files in covered
        for file in files
        for tag in wheel_tags(file.filename) or ()
        if tag.interpreter.startswith("cp") and tag.abi.startswith("cp")
        if (version := python_version(tag.interpreter)) is not None
    ]
    return str(min(versions)) if versions else None


def _scope(lock: Lockfile) -> _Scope | None:
    """What the lock targets; None when it cannot be told (a hand-written requirements
    file): then nothing is judged."""
    if lock.format is not LockFormat.REQUIREMENTS:
        return _Scope(
            requires_python=lock.requires_python,
            python_floor=None if lock.requires_python else "",
            markers=lock.supported_markers,
            pdm_targets=lock.targets,
            exclude_newer=lock.exclude_newer,
        )
    command = lock.generated_by or ""
    if not any(writer in command for writer in _COMPLETE_WRITERS):
        return None
    if "uv pip compile" not in command:
        return _Scope(python_floor="")
    options = _options(command)
    scope = _Scope(exclude_newer=options.get("--exclude-newer"))
    python = options.get("--python-version")
    if "--universal" in options:
        return scope._replace(python_floor=python or "")
    scope = scope._replace(python_exact=python, python_floor=None if python else "")
    where = options.get("--python-platform")
    if where is not None:
        platform = _uv_platform(where)
        if platform is None:
            return None  # a platform we cannot read: do not guess
        scope = scope._replace(platform=platform)
    return scope


def _options(command: str) -> dict[str, str]:
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    options: dict[str, str] = {}
    for index, word in enumerate(words):
        if not word.startswith("--"):
            continue
        name, equals, value = word.partition("=")
        if not equals and index + 1 < len(words) and not words[index + 1].startswith("-"):
            value = words[index + 1]
        options[name] = value
    return options


def _uv_platform(value: str) -> tuple[str, str] | None:
    """``--python-platform``: an alias (linux, macos, windows) or a target triple
    (``aarch64-apple-darwin``, ``x86_64-unknown-linux-musl``, ``x86_64-manylinux_2_28``)."""
    value = value.lower()
    if value in _UV_PLATFORMS:
        return _UV_PLATFORMS[value]
    machine = value.split("-", 1)[0]
    if "apple-darwin" in value:
        return ("macos", "arm64" if machine == "aarch64" else machine)
    if "windows" in value:
        return ("windows", {"x86_64": "amd64", "aarch64": "arm64", "i686": "x86"}.get(machine, ""))
    system = "musllinux" if "musl" in value else "linux"
    if "linux" in value:
        known = platforms(f"manylinux_2_17_{machine}")
        return (system, machine) if known else None
    return None


def _finding(
    package: LockedPackage, release: Release, covered: list[PublishedFile], missing: set[Slot]
) -> Finding:
    machines: dict[str, set[str]] = {}
    for slot in missing:
        machines.setdefault(label(slot.system, ""), set()).add(slot.machine)
    where = [f"{system}{'/'.join(sorted(found))}" for system, found in sorted(machines.items())]
    pythons = sorted({s.python for s in missing}, key=lambda p: (len(p), p))
    named = " and ".join([", ".join(where[:-1]), where[-1]] if len(where) > 1 else where)
    return RULE.finding(
        package.location,
        f"{package.label}: no hash for the {named} "
        f"wheel{'s' if len(missing) > 1 else ''} ({', '.join(pythons)}) the index published; "
        f"installing it there fails (the lock hashes {len(covered)} of its "
        f"{len(release.files)} files)",
        package=package,
        fix="regenerate the lock so it records every file's hash, or declare the platforms "
        "it targets (uv `environments`, pdm targets)",
    )


RULE = define(
    __doc__,
    code="LC309",
    name="incomplete-hash-set",
    severity=Severity.WARNING,
    check=check,
    needs_index=True,
)
