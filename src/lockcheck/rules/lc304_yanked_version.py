"""A pinned release, or a locked file of it, that its authors yanked.

## What it does
With `--verify`, reports releases the index marks as yanked (PEP 592), and locked files
that are yanked even though the release is not, with the reason the authors gave.

## Why is this bad?
Authors yank releases that are broken or dangerous: a security hole, a corrupted upload,
a release published by mistake (or by an attacker with a stolen token). Installers skip
yanked releases unless they are pinned exactly, which a lock does, so a lock keeps
installing it.

## How to fix
Read the reason. Upgrade to a release that is not yanked and regenerate the lock, or, if
the reason does not affect you, add a waiver with that reason and an expiry date.

## Example
`cryptography==42.0.3` while the index marks it yanked: "regression in ...".
"""

from __future__ import annotations

from collections.abc import Iterator

from lockcheck.findings import Finding, Severity
from lockcheck.index.snapshot import LookupStatus
from lockcheck.index.verification import checked_packages, published
from lockcheck.model import Lockfile
from lockcheck.rules.base import RuleContext, define


def _because(reason: str | None) -> str:
    return f": {reason}" if reason else " (no reason given)"


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    fix = "upgrade to a release that is not yanked, or waive it with the reason"
    for package, release in checked_packages(lock, ctx.index):
        if release.status is not LookupStatus.FOUND:
            continue
        if release.yanked:
            yield RULE.finding(
                package.location,
                f"{package.name} {package.version} is yanked{_because(release.yanked_reason)}",
                package=package,
                fix=fix,
            )
            continue
        for artifact in package.artifacts:
            file = published(release, artifact.filename)
            if file is not None and file.yanked:
                yield RULE.finding(
                    artifact.location,
                    f"{file.filename} is yanked{_because(file.yanked_reason)}",
                    package=package,
                    fix=fix,
                )


RULE = define(
    __doc__,
    code="LC304",
    name="yanked-version",
    severity=Severity.WARNING,
    check=check,
    needs_index=True,
)
