"""What a project's pyproject.toml declares, in a form a lock's record can be compared to.

Requirements are reduced to keys: normalised name, sorted extras, canonical specifier
set and a marker fingerprint (markers.signature), so that a lock tool's rewriting of a
requirement does not look like a change, and a real change always does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lockcheck.errors import LockfileError
from lockcheck.markers import signature
from lockcheck.model import normalize_name
from lockcheck.parsers.toml_document import TomlDocument


@dataclass(frozen=True)
class Declared:
    """One requirement as declared (pyproject) or as recorded (the lock's metadata)."""

    name: str
    extras: tuple[str, ...] = ()
    specifier: str = ""
    marker: str | None = None
    group: str | None = None  # a dependency group; optional dependencies are markers


def keys(
    requirements: Iterable[Declared], all_extras: Iterable[str], python: str | None
) -> tuple[str, ...]:
    """Comparable keys; both sides must be keyed with the same extras and Python range."""
    extras = tuple(sorted(set(all_extras)))
    found = {_key(r, extras, python) for r in requirements}
    return tuple(sorted(k for k in found if k))


def _key(req: Declared, all_extras: tuple[str, ...], python: str | None) -> str:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        spec = ",".join(sorted(str(s) for s in SpecifierSet(req.specifier or "")))
    except InvalidSpecifier:
        spec = req.specifier.replace(" ", "")
    shown = normalize_name(req.name)
    extras_text = ",".join(sorted({normalize_name(e) for e in req.extras}))
    if extras_text:
        shown += f"[{extras_text}]"
    shown += spec
    sig = signature(req.marker, all_extras, python)
    if sig == "never":
        return ""
    if sig != "always":
        shown += f" ; {sig}"
    return f"{req.group}: {shown}" if req.group else shown


def declared_requirements(document: TomlDocument) -> tuple[list[Declared], set[str]]:
    """[project] dependencies, optional-dependencies and [dependency-groups], and the
    extras the project provides."""
    from packaging.requirements import InvalidRequirement, Requirement

    project = document.data.get("project")
    if not isinstance(project, dict):
        return [], set()
    optional = project.get("optional-dependencies") or {}
    groups = document.data.get("dependency-groups") or {}
    if not isinstance(optional, dict) or not isinstance(groups, dict):
        raise LockfileError(
            document.path, None, "optional-dependencies and dependency-groups must be tables"
        )
    found: list[Declared] = []

    def add(text: Any, extra: str | None, group: str | None) -> None:
        if not isinstance(text, str):
            return  # {include-group = "..."}: the included group is listed on its own
        try:
            req = Requirement(text)
        except InvalidRequirement as exc:
            raise LockfileError(
                document.path, None, f"invalid requirement {text!r}: {exc}"
            ) from None
        marker = str(req.marker) if req.marker else None
        if extra is not None:
            clause = f'extra == "{extra}"'
            marker = f"({marker}) and {clause}" if marker else clause
        found.append(Declared(req.name, tuple(req.extras), str(req.specifier), marker, group))

    for text in project.get("dependencies") or []:
        add(text, None, None)
    for extra, entries in optional.items():
        for text in entries or []:
            add(text, normalize_name(extra), None)
    for group, entries in groups.items():
        for text in entries or []:
            add(text, None, f"group {normalize_name(group)}")
    return found, {normalize_name(e) for e in optional}
