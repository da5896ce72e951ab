"""The lock ties a hash, size or upload time to a file, and the index disagrees.

## What it does
With `--verify`, for locks that name each file (uv.lock, poetry.lock, pylock.toml):
reports a hash that the index published for a *different* file of the release, and a
size or upload time that differs from what the index published for that file.

## Why is this bad?
Every hash may be genuine and the lock still wrong: a hash moved from one file to another
lets the installer accept a file the lock's author never chose (an sdist instead of a
wheel, another platform's build). A different size or upload time for the same name
means the file on the index is not the one that was locked: it was replaced, or the lock
was made against another index.

## How to fix
Regenerate the lock from the index, and find out why the two disagree.

## Example
A uv.lock entry `{ url = ".../idna-3.10-py3-none-any.whl", hash = "sha256:<the sdist's
digest>" }`.
"""

from __future__ import annotations

from collections.abc import Iterator

from lockcheck.findings import Finding, Severity
from lockcheck.index.snapshot import LookupStatus
from lockcheck.index.verification import (
    artifact_disagreements,
    check_hashes,
    checked_packages,
    published,
)
from lockcheck.model import Lockfile
from lockcheck.rules.base import RuleContext, define

FIX = "regenerate the lock from the index, and find out why they disagree"


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    for package, release in checked_packages(lock, ctx.index):
        if release.status is not LookupStatus.FOUND:
            continue
        for item in check_hashes(package, release):
            if item.matched is None or item.claimed is None:
                continue
            if item.matched.filename != item.claimed:
                yield RULE.finding(
                    item.location,
                    f"the lock gives {item.claimed} the hash the index published for "
                    f"{item.matched.filename}",
                    package=package,
                    fix=FIX,
                )
        for artifact in package.artifacts:
            file = published(release, artifact.filename)
            if file is None:
                continue
            for disagreement in artifact_disagreements(artifact, file):
                yield RULE.finding(
                    artifact.location,
                    f"{file.filename}: {disagreement}",
                    package=package,
                    fix=FIX,
                )


RULE = define(
    __doc__,
    code="LC305",
    name="artifact-mismatch",
    severity=Severity.ERROR,
    check=check,
    needs_index=True,
)
