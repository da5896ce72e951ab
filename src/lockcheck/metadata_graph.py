"""LC203 for files that record no dependency edges: the edges come from each release's core
metadata (fetched with --verify into the index snapshot), judged in the environments the
file is for (``lock_environments``).

An extra counts when the file asks for it (`requests[socks]==...`) or a release's own
requirements ask for it where they apply. A dependency is missing where it applies and no
entry of its name does (an entry's marker, as written, says where it applies).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from lockcheck.index.snapshot import EntryKey, ReleaseKey, entry_key
from lockcheck.lock_environments import Targets
from lockcheck.markers import ACTIVE, truth
from lockcheck.model import LockedPackage, Lockfile, normalize_name


class Missing(NamedTuple):
    package: LockedPackage
    requirement: str  # as the metadata writes it
    name: str
    where: int  # environments (bits) where it is needed and absent


class _Edge(NamedTuple):
    name: str
    extras: tuple[str, ...]
    marker: str | None
    text: str


def missing(
    lock: Lockfile,
    targets: Targets,
    assignments: Mapping[EntryKey, tuple[ReleaseKey, ...]],
    metadata: Mapping[ReleaseKey, tuple[str, ...] | None],
) -> Iterator[Missing]:
    if not targets.bits:
        return
    declared: dict[int, list[_Edge]] = {}
    for i, package in enumerate(lock.packages):
        if package.is_constraint:
            continue  # a constraint installs nothing: its dependencies are not needed
        for key in assignments.get(entry_key(package), ()):
            requires = metadata.get(key)
            if requires is not None:
                declared[i] = [e for e in map(_edge, requires) if e is not None]
                break
    by_name: dict[str, list[int]] = defaultdict(list)
    for i, package in enumerate(lock.packages):
        by_name[package.name].append(i)
    extras = _asked_extras(lock, declared, by_name, targets.bits)
    for i, edges in declared.items():
        package = lock.packages[i]
        where = targets.bits & truth(package.marker, ACTIVE)
        seen: set[str] = set()
        for edge in edges:
            if edge.name == package.name or edge.name in seen:
                continue
            needed = _applies(edge, extras[i]) & where
            if not needed:
                continue
            present = 0
            for j in by_name.get(edge.name, ()):
                present |= truth(lock.packages[j].marker, ACTIVE)
            gap = needed & ~present
            if gap:
                seen.add(edge.name)
                yield Missing(package, edge.text, edge.name, gap)


def _applies(edge: _Edge, extras: set[str]) -> int:
    """Where a requirement applies, for the extras asked of its release."""
    if not edge.marker:
        return truth(None)
    if "extra" not in edge.marker:
        return truth(edge.marker, ACTIVE)
    bits = truth(edge.marker, "")
    for extra in sorted(extras):
        bits |= truth(edge.marker, extra)
    return bits


def _asked_extras(
    lock: Lockfile,
    declared: dict[int, list[_Edge]],
    by_name: dict[str, list[int]],
    within: int,
) -> dict[int, set[str]]:
    """The extras asked of each entry: by the file, then by requirements that apply."""
    extras: dict[int, set[str]] = {i: set(p.extras) for i, p in enumerate(lock.packages)}
    changed = True
    while changed:
        changed = False
        for i, edges in declared.items():
            for edge in edges:
                if not edge.extras or not (_applies(edge, extras[i]) & within):
                    continue
                for j in by_name.get(edge.name, ()):
                    if not set(edge.extras) <= extras[j]:
                        extras[j] |= set(edge.extras)
                        changed = True
    return extras


def _edge(text: str) -> _Edge | None:
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        parsed = Requirement(text)
    except InvalidRequirement:
        return None  # metadata pip could not read either: nothing to judge
    marker = str(parsed.marker) if parsed.marker is not None else None
    extras = tuple(sorted(normalize_name(e) for e in parsed.extras))
    return _Edge(normalize_name(parsed.name), extras, marker, text)
