"""A PEP 508 requirement string (or poetry's `name (>=1)` form) read into a Dependency.

Only what the graph rules need: the name, the extras asked for, the specifier and the
marker. A regular expression, not packaging's parser: locks hold many of these and the
offline check must stay fast. A string that names no project gives None.
"""

from __future__ import annotations

import re

from lockcheck.model import Dependency, normalize_name

_REQUIREMENT = re.compile(
    r"""\s*(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*
    (?:\[(?P<extras>[^\]]*)\])?\s*
    (?P<rest>[^;]*?)\s*
    (?:;\s*(?P<marker>.*?))?\s*$""",
    re.VERBOSE,
)


def parse_requirement(
    text: str, *, when_extra: str | None = None, group: str | None = None
) -> Dependency | None:
    found = _REQUIREMENT.fullmatch(text)
    if found is None or text.lstrip().startswith("-"):
        return None
    rest = found.group("rest").strip()
    if rest.startswith("(") and rest.endswith(")"):
        rest = rest[1:-1].strip()  # poetry's extras form: `trio (>=0.32.0)`
    if rest.startswith("@"):
        rest = ""  # a direct reference: no version range
    extras = tuple(
        normalize_name(e.strip()) for e in (found.group("extras") or "").split(",") if e.strip()
    )
    return Dependency(
        name=normalize_name(found.group("name")),
        extras=extras,
        marker=found.group("marker") or None,
        specifier=rest,
        when_extra=when_extra,
        group=group,
    )
