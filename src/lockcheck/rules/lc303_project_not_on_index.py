"""A project that does not exist on the index at all.

## What it does
With `--verify`, reports packages whose name the index does not know.

## Why is this bad?
The lock names a project its index has never heard of: a typo that happened to resolve
elsewhere, a package from a private index being checked against the public one (which
means anyone can register that name there: dependency confusion), or a project that was
removed.

## How to fix
If it is a private package, make sure it is locked from (and verified against) your
private index and configure `[tool.lockcheck.private]`; otherwise fix the name and
regenerate the lock.

## Example
`reqeusts==2.32.3` (sic) checked against an index that has no such project.
"""

from __future__ import annotations

from collections.abc import Iterator

from lockcheck.findings import Finding, Severity
from lockcheck.index.snapshot import LookupStatus
from lockcheck.index.verification import checked_packages
from lockcheck.model import Lockfile
from lockcheck.rules.base import RuleContext, define
from lockcheck.urls import redact


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    for package, release in checked_packages(lock, ctx.index):
        if release.status is LookupStatus.NO_PROJECT:
            yield RULE.finding(
                package.location,
                f"no project {package.name!r} on {redact(release.key.index_url)}",
                package=package,
                fix="fix the name, or lock and verify it against its own (private) index",
            )


RULE = define(
    __doc__,
    code="LC303",
    name="project-not-on-index",
    severity=Severity.ERROR,
    check=check,
    needs_index=True,
)
