"""A dependency of a locked package that the lock does not contain.

## What it does
Walks the dependency graph a uv.lock, poetry.lock or pdm.lock records and reports an
edge that leads nowhere: a locked package declares a dependency, in an environment the
lock is for, and the lock has no entry of that name that can apply there.

Only what the installer would install counts: an optional dependency matters only when
some package or the project asks for that extra; an edge's environment marker is judged
over the environments the lock covers (its `requires-python`, uv's
`supported-markers`/`environments`, pdm's `targets`), on a grid of platforms and Python
versions. Where an entry or edge carries a marker lockcheck cannot judge (uv's conflict
markers, a poetry lock that records no markers), it is not flagged.

Requirements files, pylock.toml and Pipfile.lock record no dependency edges: with
`--verify`, each release's dependencies are read from its core metadata (the JSON API's
`requires_dist`, or the PEP 658 `.metadata` file beside a wheel, checked against its
published hash) and judged for the environments the file was made for: what the command
in its header says (`--universal`, `--python-version`, `--python-platform`; exports from
uv, poetry and pdm are universal), pylock.toml's `requires-python` and `environments`;
otherwise the running interpreter, and a note says so. Release metadata is cached like
the digests.

## Why is this bad?
The lock does not install what it claims: the installer either fails (pip in hash mode
refuses a requirement it has no hash for) or, with an installer that resolves, fetches the
missing package unpinned and unchecked at install time. A lock edited by hand or merged
wrongly looks complete and is not.

## How to fix
Regenerate the lock with the tool that wrote it (`uv lock`, `poetry lock`, `pdm lock`),
and review why the entry went missing.

## Example
```toml
[[package]]
name = "click"
version = "8.4.2"
dependencies = [
    { name = "colorama", marker = "sys_platform == 'win32'" },
]
```
in a uv.lock that has no `colorama` entry: Windows installs fail.
"""

from __future__ import annotations

from collections.abc import Iterator

from lockcheck.findings import Finding, Severity
from lockcheck.graph import active_edges, entries_by_name, targets, walk
from lockcheck.markers import ACTIVE, describe, environments, supported, truth
from lockcheck.model import Dependency, LockedPackage, Lockfile
from lockcheck.rules import fixes
from lockcheck.rules.base import RuleContext, define


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    if not lock.has_graph:
        yield from _from_metadata(lock, ctx)
        return
    within = supported(lock.requires_python, lock.supported_markers)
    packages = lock.packages
    by_name = entries_by_name(lock)
    # Every entry counts as a start: an edge of an unreachable entry is judged too, and
    # the extras asked of an entry are those any entry asks.
    asked = walk(lock, everything=True).extras
    own = set(lock.roots.names) if lock.roots is not None else set()
    for i, package in enumerate(packages):
        where: int | None = None  # where the entry applies: evaluated only if needed
        reported: set[str] = set()
        for edge in active_edges(package, asked.get(i, ())):
            if edge.name == package.name or edge.name in own or edge.name in reported:
                continue
            found = targets(edge, packages, by_name)
            if edge.version is not None and any(packages[j].version == edge.version for j in found):
                continue  # the lock names the very entry it means (uv, several versions)
            candidates = [_judged(packages[j]) for j in found]
            if None in candidates:
                continue  # an entry that applies everywhere: no marker to evaluate
            if where is None:
                where = within & truth(_judged(package), ACTIVE)
            needed = truth(edge.marker, edge.when_extra or ACTIVE) & where
            if not needed or any(truth(m, ACTIVE) & needed for m in candidates):
                continue
            reported.add(edge.name)
            env = environments()[(needed & -needed).bit_length() - 1]
            yield RULE.finding(
                package.location,
                f"requires {_label(edge)}, which the lock does not contain "
                f"(needed on {describe(env)})",
                package=package,
                fix=fixes.regenerate(lock),
            )


def _from_metadata(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    """Requirements files, pylock.toml, Pipfile.lock: with --verify only (the snapshot
    holds each release's core metadata)."""
    snapshot = ctx.index
    if snapshot is None or not snapshot.metadata:
        return
    from lockcheck.lock_environments import targets
    from lockcheck.metadata_graph import missing

    for gap in missing(lock, targets(lock), snapshot.assignments, snapshot.metadata):
        env = environments()[(gap.where & -gap.where).bit_length() - 1]
        yield RULE.finding(
            gap.package.location,
            f"requires {gap.requirement} (its core metadata says), which the file does not "
            f"contain (needed on {describe(env)})",
            package=gap.package,
            fix=fixes.regenerate(lock),
        )


def _judged(package: LockedPackage) -> str | None:
    """The entry's marker, or None (everywhere) where lockcheck cannot judge it: poetry
    before lock-version 2.1, uv's conflict markers on synthetic extras."""
    marker = package.marker
    if not package.marker_known or (marker and "extra" in marker):
        return None
    return marker


def _label(edge: Dependency) -> str:
    text = edge.name + (f"[{','.join(edge.extras)}]" if edge.extras else "")
    text += f" {edge.specifier}" if edge.specifier and edge.specifier != "*" else ""
    if edge.when_extra:
        text += f" (for its extra {edge.when_extra!r})"
    return text + (f"; {edge.marker}" if edge.marker else "")


RULE = define(
    __doc__,
    code="LC203",
    name="missing-dependency",
    severity=Severity.ERROR,
    check=check,
    reads_index=True,
)
