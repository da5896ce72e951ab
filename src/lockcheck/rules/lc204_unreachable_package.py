"""A locked package that nothing requires: no root, extra or dependency group reaches it.

## What it does
Walks the dependency graph of a uv.lock, poetry.lock or pdm.lock from its roots and
reports an entry the walk never reaches. The roots are the project and its workspace
members (uv), or what the pyproject.toml beside the lock requires (poetry.lock and
pdm.lock do not record the project): its dependencies, every extra and every dependency
group. Markers are not followed, so an entry reached on any platform is reached.

A poetry.lock or pdm.lock is judged only when the pyproject.toml beside it is the one it
was made from (its content hash matches): a stale lock is LC201's, and the requirements of
a changed pyproject.toml are not the lock's roots. Without such a pyproject.toml, a note
says LC204 was not checked.

## Why is this bad?
The tools never write such an entry: it was added by hand or by a pull request. A package
injected with genuine hashes passes every hash check, and an installer that installs the
whole lock (`pip install -r` of an export, `uv pip sync`) installs it.

## How to fix
Remove the entry, or regenerate the lock (`uv lock`, `poetry lock`, `pdm lock`) and review
the difference; if the project needs the package, add it to pyproject.toml first.

## Example
```toml
[[package]]
name = "requests-toolbelt"
version = "1.0.0"
```
in a poetry.lock where neither pyproject.toml nor any locked package requires it.
"""

from __future__ import annotations

from collections.abc import Iterator

from lockcheck.findings import Finding, Severity
from lockcheck.graph import walk
from lockcheck.model import Lockfile, LockFormat, made_from
from lockcheck.rules.base import RuleContext, define


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    if not lock.has_graph:
        return
    if lock.roots is None and not any(p.is_project for p in lock.packages):
        return  # nothing says where the graph starts: no guess
    if lock.format in (LockFormat.POETRY, LockFormat.PDM) and not made_from(lock.manifests):
        return  # a pyproject.toml the lock was not made from: its roots are not the lock's
    reached = walk(lock).reached
    for i, package in enumerate(lock.packages):
        if i in reached:
            continue
        yield RULE.finding(
            package.location,
            f"{package.label} is locked but no root, extra or dependency group requires it",
            package=package,
            fix="remove the entry, or regenerate the lock and review the difference",
        )


RULE = define(
    __doc__, code="LC204", name="unreachable-package", severity=Severity.WARNING, check=check
)
