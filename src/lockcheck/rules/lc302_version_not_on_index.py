"""A pinned version that does not exist on the index.

## What it does
With `--verify`, reports packages whose project exists on the index but has no release
with the pinned version.

## Why is this bad?
The lock cannot be installed from this index: it was made against another index (a
private mirror, a dependency-confusion source), or the release was deleted. A deleted
release whose version number is re-used later is exactly how a takeover goes unnoticed.

## How to fix
Check which index the lock was made against; regenerate it against the index you install
from.

## Example
`requests==2.99.0` while the index's newest requests is 2.32.3.
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
        if release.status is LookupStatus.NO_VERSION:
            yield RULE.finding(
                package.location,
                f"{package.name} has no release {package.version} on "
                f"{redact(release.key.index_url)}",
                package=package,
                fix="regenerate the lock against the index you install from",
            )


RULE = define(
    __doc__,
    code="LC302",
    name="version-not-on-index",
    severity=Severity.ERROR,
    check=check,
    needs_index=True,
)
