"""The dependency graph a uv.lock, poetry.lock or pdm.lock records, walked from its roots.

The roots are the project entries (uv: the project and workspace members, with every
extra and group) and what `Lockfile.roots` lists. Walking the edges gives the entries
something reaches and, for each, the extras some edge asks of it: a package's optional
dependencies count only for an extra that is asked for. Markers are not followed on the
walk (a package reached anywhere is reached), so the walk errs towards "reached".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from lockcheck.model import Dependency, LockedPackage, Lockfile, SourceKind


class Walk(NamedTuple):
    reached: frozenset[int]  # indexes into lock.packages
    extras: dict[int, frozenset[str]]  # the extras asked of each reached entry


def entries_by_name(lock: Lockfile) -> dict[str, list[int]]:
    by_name: dict[str, list[int]] = defaultdict(list)
    for i, package in enumerate(lock.packages):
        by_name[package.name].append(i)
    return by_name


def targets(
    edge: Dependency, packages: tuple[LockedPackage, ...], by_name: dict[str, list[int]]
) -> list[int]:
    """The entries an edge may mean: those of its name, the named version when the lock
    says which (uv, with several versions of one name)."""
    found = by_name.get(edge.name, [])
    if edge.version is not None and len(found) > 1:
        exact = [i for i in found if packages[i].version == edge.version]
        return exact or found
    return found


def active_edges(package: LockedPackage, extras: Iterable[str]) -> Iterable[Dependency]:
    """The edges that apply to an entry installed with these extras: the plain ones, and
    for the project's own entries every group."""
    chosen = set(extras)
    for edge in package.requires:
        if edge.group is not None:
            if package.is_project:
                yield edge
        elif edge.when_extra is None or package.is_project or edge.when_extra in chosen:
            yield edge


def walk(lock: Lockfile, *, everything: bool = False) -> Walk:
    """What the roots reach; with ``everything``, start from every entry as well (each
    with no extras), for judging edges when the lock names no roots."""
    packages = lock.packages
    by_name = entries_by_name(lock)
    extras: dict[int, set[str]] = {}
    queue: list[tuple[int, frozenset[str]]] = []
    for i, package in enumerate(packages):
        if package.is_project or everything:
            queue.append((i, frozenset()))
    roots = lock.roots
    if roots is not None:
        for edge in roots.requires:
            queue.extend((i, frozenset(edge.extras)) for i in targets(edge, packages, by_name))
        if roots.unnamed:  # a root requirement naming only a path or URL
            queue.extend(
                (i, frozenset())
                for i, p in enumerate(packages)
                if p.source.kind is not SourceKind.REGISTRY
            )
    while queue:
        i, asked = queue.pop()
        seen = extras.get(i)
        if seen is not None and asked <= seen:
            continue
        new = asked if seen is None else asked - seen
        first = seen is None
        extras.setdefault(i, set()).update(asked)
        package = packages[i]
        for edge in package.requires:
            if edge.group is not None or edge.when_extra is None or package.is_project:
                # Followed on the first visit: groups and extras of a project entry too.
                follow = first and (edge.group is None or package.is_project)
            else:
                follow = edge.when_extra in new  # an extra newly asked for
            if follow:
                queue.extend((j, frozenset(edge.extras)) for j in targets(edge, packages, by_name))
    return Walk(frozenset(extras), {i: frozenset(e) for i, e in extras.items()})
