"""The URL the lock records for a file is not where the index serves that file.

## What it does
With `--verify`, compares each artifact URL in the lock with the URL the index publishes
for the file of that name (scheme, host, port and path; a query string or fragment is
not compared, since some indexes sign their file URLs). It runs only where the index
asked is the one the lock records for the package: a mirror given with `--index-url`
serves the same files from its own URLs.

## Why is this bad?
Installers of uv.lock and pylock.toml download from the URL in the lock. A file the
index publishes with the locked hash proves nothing about a URL that points elsewhere:
a look-alike host can serve the same bytes today and other bytes tomorrow, or serve
an attacker's file whose hash the pull request also changed.

## How to fix
Regenerate the lock from the index, or restore the URL the index gives for the file.

## Example
The lock records `https://files.pypi.examp1e.org/.../certifi-2026.10.18-py3-none-any.whl`
and the index it names serves that file from
`https://files.pypi.example.org/.../certifi-2026.10.18-py3-none-any.whl`.
"""

from __future__ import annotations

from collections.abc import Iterator

from lockcheck.findings import Finding, Severity
from lockcheck.index.verification import checked_packages, moved_artifacts
from lockcheck.model import Lockfile
from lockcheck.rules.base import RuleContext, define
from lockcheck.urls import redact


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    for package, release in checked_packages(lock, ctx.index):
        for artifact, served in moved_artifacts(package, release):
            yield RULE.finding(
                artifact.location,
                f"{artifact.filename}: the lock downloads it from {redact(artifact.url or '')}, "
                f"the index serves it from {redact(served)}",
                package=package,
                fix="restore the index's URL for this file (regenerate the lock)",
            )


RULE = define(
    __doc__,
    code="LC308",
    name="url-not-on-index",
    severity=Severity.ERROR,
    check=check,
    needs_index=True,
)
