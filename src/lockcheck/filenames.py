"""What a wheel's or an sdist's filename says about its project and version.

A wheel's name is exact (`{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`). An
sdist's is `{name}-{version}.tar.gz` today, but legacy sdists keep dashes in the name
(`python-dateutil-2.8.2.tar.gz`), so every split at a dash is a possible reading. A file
name lockcheck cannot read says nothing: no reading, no finding.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple
from urllib.parse import unquote

from lockcheck.model import normalize_name

SDIST_SUFFIXES = (".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar", ".zip")


class Reading(NamedTuple):
    project: str  # PEP 503 normalised
    version: str


@cache
def readings(filename: str) -> tuple[Reading, ...]:
    """Every (project, version) the filename can be read as; () when it is not a wheel or
    an sdist, or names no valid version."""
    name = unquoted(filename)
    if name.lower().endswith(".whl"):
        return _wheel(name)
    suffix = next((s for s in SDIST_SUFFIXES if name.lower().endswith(s)), None)
    if suffix is None:
        return ()
    stem = name[: -len(suffix)]
    found = []
    for i, char in enumerate(stem):
        if char == "-" and i and _valid_version(stem[i + 1 :]):
            found.append(Reading(normalize_name(stem[:i]), stem[i + 1 :]))
    return tuple(found)


def unquoted(filename: str) -> str:
    """The filename as the installer sees it: `torch-2.5.1%2Bcpu-...` is `torch-2.5.1+cpu-...`."""
    return unquote(filename).rsplit("/", 1)[-1]


def is_wheel(filename: str) -> bool:
    return unquote(filename).lower().endswith(".whl")


def same_version(first: str, second: str) -> bool:
    from packaging.version import InvalidVersion, Version

    try:
        return Version(first) == Version(second)
    except InvalidVersion:
        return first == second


def plainly_names(filename: str, project: str, version: str | None) -> bool:
    """The common case, decided without parsing a version: a wheel whose name and version
    parts are this project's and this version as written. (When it says yes, ``names``
    does too, or the file has no reading at all.)"""
    if not version or not filename.endswith(".whl") or "%" in filename or "/" in filename:
        return False
    parts = filename[: -len(".whl")].split("-")
    return len(parts) in (5, 6) and parts[1] == version and _normalized(parts[0]) == project


def names(filename: str, project: str, version: str | None) -> bool:
    """Can the filename be read as this project (and version, when given)?"""
    return any(
        r.project == project
        and (version is None or r.version == version or same_version(r.version, version))
        for r in readings(filename)
    )


def _wheel(name: str) -> tuple[Reading, ...]:
    # The layout says where the name and version are; packaging's full parse (tags, build
    # tag) is not needed for that, and older tools wrote names it refuses (a dot or upper
    # case in the project part). Versions are compared by value (same_version), so the
    # one written is kept as written.
    parts = name[: -len(".whl")].split("-")
    if len(parts) in (5, 6) and _valid_version(parts[1]):
        return (Reading(_normalized(parts[0]), parts[1]),)
    return ()


# Cached: every wheel of a release repeats its project's name and version.
_normalized = cache(normalize_name)


@cache
def _valid_version(text: str) -> bool:
    from packaging.version import InvalidVersion, Version

    try:
        Version(text)
    except InvalidVersion:
        return False
    return True
