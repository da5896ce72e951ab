"""What a project's pyproject.toml declares, in a form a lock's record can be compared to.

Requirements are reduced to keys: normalised name, sorted extras, canonical specifier set
and a fingerprint of where the requirement applies (its marker's truth table over the
environments the lock covers). Entries with the same name, extras and specifier are
merged first, their markers joined with "or": a lock tool may split one requirement into
several (one per source marker) or write a marker differently, and neither is a change.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from lockcheck.errors import LockfileError
from lockcheck.markers import admits, environments, truth
from lockcheck.model import REQUIRES_PYTHON_KEY, VERSION_KEY, normalize_name
from lockcheck.parsers.toml_document import TomlDocument

_DYNAMIC = re.compile(r"^[ \t]*dynamic[ \t]*=", re.M)

# A condition on top of a requirement's own marker: (marker, negated). A lock tool adds
# these when it lowers a requirement (a source's marker, a group's requires-python).
Condition = tuple[str, bool]


@dataclass(frozen=True)
class Declared:
    """One requirement as declared (pyproject) or as recorded (the lock's metadata)."""

    name: str
    extras: tuple[str, ...] = ()
    specifier: str = ""
    marker: str | None = None
    group: str | None = None  # a dependency group; optional dependencies are markers
    extra: str | None = None  # the optional-dependencies table it was declared in
    conditions: tuple[Condition, ...] = ()
    # The groups it came through by {include-group = ...}: their settings apply too.
    via: tuple[str, ...] = ()

    def shown_marker(self) -> str | None:
        parts = [self.marker] if self.marker else []
        parts += [f"not ({m})" if negated else m for m, negated in self.conditions]
        if len(parts) > 1:
            parts = [f"({p})" if " or " in p else p for p in parts]
        return " and ".join(parts) or None


@dataclass(frozen=True)
class Manifest:
    """What pyproject.toml says: its requirements, extras, and which of them are dynamic."""

    requirements: list[Declared]
    extras: set[str]
    dynamic: frozenset[str]  # "dependencies" and/or "optional-dependencies"
    dynamic_line: int | None


def keys(
    requirements: Iterable[Declared], all_extras: Iterable[str], python: str | None
) -> tuple[tuple[str, ...], dict[str, str]]:
    """Comparable keys and, for each, how to show it; both sides must be keyed with the
    same extras and Python range."""
    extras = tuple(sorted(set(all_extras)))
    merged: dict[str, list[Declared]] = {}
    for req in requirements:
        merged.setdefault(_base(req), []).append(req)
    found: dict[str, str] = {}
    for base, entries in merged.items():
        sig = _signature(tuple(entries), extras, python)
        if sig == "never":
            continue
        if sig == "always":
            found[base] = base
            continue
        markers = [m for m in (e.shown_marker() for e in entries) if m]
        shown = " or ".join(f"({m})" if len(markers) > 1 and " or " in m else m for m in markers)
        found[f"{base} ; {sig}"] = f"{base} ; {shown}"
    return tuple(sorted(found)), found


def _base(req: Declared) -> str:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        spec = ",".join(sorted(_canonical(s) for s in SpecifierSet(req.specifier or "")))
    except InvalidSpecifier:
        spec = req.specifier.replace(" ", "")
    shown = normalize_name(req.name)
    extras_text = ",".join(sorted({normalize_name(e) for e in req.extras}))
    if extras_text:
        shown += f"[{extras_text}]"
    shown += spec
    return f"{req.group}: {shown}" if req.group else shown


def _canonical(specifier: Any) -> str:
    """``>=13.0`` and ``>=13`` admit the same versions (PEP 440 pads with zeros), and uv
    treats them as one; ``~=`` and wildcards count their components, so they stay."""
    from packaging.utils import canonicalize_version

    operator, version = specifier.operator, specifier.version
    if operator in ("~=", "===") or version.endswith(".*"):
        return str(specifier)
    return f"{operator}{canonicalize_version(version, strip_trailing_zero=True)}"


def _signature(entries: tuple[Declared, ...], extras: tuple[str, ...], python: str | None) -> str:
    """Where any of the entries applies, as a short fingerprint: "always", "never" or
    "marker#<digest of the truth table>" over the environments ``python`` admits, for each
    extra and for none."""
    admitted = [
        i for i, env in enumerate(environments()) if admits(python, env["python_full_version"])
    ]
    bits: list[str] = []
    for extra in ("", *extras):
        holds = 0
        for entry in entries:
            holds |= _holds(entry, extra)
        bits.extend("1" if holds >> i & 1 else "0" for i in admitted)
    table = "".join(bits)
    if "1" not in table:
        return "never"
    if "0" not in table:
        return "always"
    return "marker#" + _digest(table)


def _digest(table: str) -> str:
    """A short key for a truth table. CRC-32, not SHA-256: it only tells two tables of one
    run apart (as 32 bits of SHA-256 did), and hashlib's OpenSSL start-up costs 3 ms."""
    return f"{zlib.crc32(table.encode()):08x}"


def _holds(entry: Declared, extra: str) -> int:
    everywhere = (1 << len(environments())) - 1
    holds = truth(entry.marker, extra)
    for marker, negated in entry.conditions:
        where = truth(marker, extra)
        holds &= (everywhere & ~where) if negated else where
    return holds


@cache
def python_key(requires_python: str) -> str | None:
    """A requires-python specifier as a key, by the Python versions it admits: uv records
    ``>=3.11,<3.12`` as ``==3.11.*``, and ``>=3.10.0`` is ``>=3.10``. Cached: a lock and
    its manifest usually say the same, and 1,200 comparisons each cost milliseconds."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        specifiers = SpecifierSet(requires_python)
    except InvalidSpecifier:
        return None
    table = "".join(
        "1" if specifiers.contains(v, prereleases=True) else "0" for v in _python_versions()
    )
    return f"{REQUIRES_PYTHON_KEY} ; " + _digest(table)


@cache
def _python_versions() -> tuple[Any, ...]:
    """``_PYTHONS`` parsed once (``contains`` would parse each string on every call)."""
    from packaging.version import Version

    return tuple(Version(v) for v in _PYTHONS)


# Every Python release a requires-python could tell apart (and a few beyond).
_PYTHONS = tuple(
    f"{major}.{minor}.{patch}"
    for major, minors in ((2, 8), (3, 30), (4, 2))
    for minor in range(minors)
    for patch in range(30)
)


def version_key(version: str) -> str | None:
    """A project version as a key: equal versions (``0.1`` and ``0.1.0``), equal keys."""
    from packaging.utils import canonicalize_version
    from packaging.version import InvalidVersion, Version

    try:
        Version(version)
    except InvalidVersion:
        return None
    return f"{VERSION_KEY} ; {canonicalize_version(version, strip_trailing_zero=True)}"


def python_marker(requires_python: str) -> str | None:
    """A requires-python specifier as the marker a lock tool adds for it."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        specifiers = sorted(SpecifierSet(requires_python), key=str)
    except InvalidSpecifier:
        return None
    clauses = [f"python_full_version {s.operator} '{s.version}'" for s in specifiers]
    return " and ".join(clauses) or None


def declared_requirements(document: TomlDocument, *, groups_only: bool = False) -> Manifest:
    """[project] dependencies, optional-dependencies and [dependency-groups] (with each
    ``{include-group = ...}`` replaced by the group it names, as installers do), the extras
    the project provides, and which of these the project leaves dynamic."""
    project = document.data.get("project")
    if groups_only:
        project = {}
    elif not isinstance(project, dict):
        return Manifest([], set(), frozenset(), None)
    optional = project.get("optional-dependencies") or {}
    groups = document.data.get("dependency-groups") or {}
    if not isinstance(optional, dict) or not isinstance(groups, dict):
        raise LockfileError(
            document.path, None, "optional-dependencies and dependency-groups must be tables"
        )
    dynamic_value = project.get("dynamic") or []
    dynamic = (
        frozenset(d for d in dynamic_value if d in ("dependencies", "optional-dependencies"))
        if isinstance(dynamic_value, list)
        else frozenset()
    )
    found: list[Declared] = []

    def add(text: str, extra: str | None, group: str | None) -> None:
        found.append(requirement(document.path, text, extra, group))

    for text in _strings(project.get("dependencies")):
        add(text, None, None)
    for extra, entries in optional.items():
        for text in _strings(entries):
            add(text, normalize_name(extra), None)
    named = {normalize_name(g): entries for g, entries in groups.items()}
    for group in named:
        for text, via in _group_strings(named, group, ()):
            found.append(replace(requirement(document.path, text, None, f"group {group}"), via=via))
    found_line = _DYNAMIC.search(document.text) if dynamic else None
    line = document.line_of(found_line.start()) if found_line else None
    return Manifest(found, {normalize_name(e) for e in optional}, dynamic, line)


def requirement(path: str, text: str, extra: str | None, group: str | None) -> Declared:
    """A PEP 508 requirement from pyproject.toml; in an extra's table, with its marker."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        req = Requirement(text)
    except InvalidRequirement as exc:
        raise LockfileError(path, None, f"invalid requirement {text!r}: {exc}") from None
    marker = str(req.marker) if req.marker else None
    if extra is not None:
        clause = f"extra == '{extra}'"
        marker = f"({marker}) and {clause}" if marker else clause
    return Declared(req.name, tuple(req.extras), str(req.specifier), marker, group, extra)


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _group_strings(
    groups: dict[str, Any], group: str, seen: tuple[str, ...]
) -> list[tuple[str, tuple[str, ...]]]:
    """A group's requirements with its includes flattened, each with the groups it was
    included through (a cycle includes nothing more: the installer reports it, not the
    lock)."""
    entries = groups.get(group)
    if group in seen or not isinstance(entries, list):
        return []
    found: list[tuple[str, tuple[str, ...]]] = []
    for entry in entries:
        if isinstance(entry, str):
            found.append((entry, ()))
        elif isinstance(entry, dict) and isinstance(entry.get("include-group"), str):
            included = normalize_name(entry["include-group"])
            found += [
                (text, (included, *via))
                for text, via in _group_strings(groups, included, (*seen, group))
            ]
    return found
