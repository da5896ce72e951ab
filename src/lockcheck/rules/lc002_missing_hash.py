r"""A pinned package or an artifact that carries no hash.

## What it does
Flags a pinned package from an index with no `--hash`, a direct URL or local archive with
no hash, and in uv.lock, poetry.lock and pylock.toml every registry artifact recorded
without a hash (including poetry's `files = []`).

## Why is this bad?
Hashes are what stop a tampered or re-uploaded file from being installed. pip checks hashes
only if *every* entry has one: a single unhashed line switches hash-checking off for the
whole file (or, with `--require-hashes`, makes the install fail). A lock with no hashes at
all installs whatever the index serves today without any check.

## How to fix
Regenerate the lock with hashes: `pip-compile --generate-hashes`, `uv pip compile
--generate-hashes`, `uv export` (hashes are on by default) or `poetry lock`.

## Example
```
certifi==2024.8.30
```
Use instead:
```
certifi==2024.8.30 \
    --hash=sha256:922820b53db7a7257ffbda3f597266d435245903d80737e34f8a45ff3e3230d8
```
"""

from __future__ import annotations

from collections.abc import Iterator

from lockcheck.findings import Finding, Severity
from lockcheck.model import Lockfile, LockFormat, SourceKind
from lockcheck.rules import fixes
from lockcheck.rules.base import RuleContext, define

_HASHABLE = (SourceKind.REGISTRY, SourceKind.URL, SourceKind.PATH)


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    if fixes.tool(lock) == "uv export":
        fix = fixes.regenerate(lock, dropping="--no-hashes")
    elif lock.format is LockFormat.REQUIREMENTS:
        fix = fixes.regenerate(lock, adding="--generate-hashes")
    else:
        fix = fixes.regenerate(lock)
    for package in lock.packages:
        if package.is_project or package.source.editable:
            continue
        if package.source.kind not in _HASHABLE:
            continue  # VCS and directories cannot be hashed: LC007
        # Unpinned: LC001 says so, a hash would not help. (pylock.toml may leave out
        # `version`: then the files it names fix what installs, and need their hashes.)
        unpinned = package.version is None and not package.artifacts
        if package.source.kind is SourceKind.REGISTRY and unpinned:
            continue
        if package.hashes:
            continue
        if not package.artifacts:
            yield RULE.finding(
                package.location, "no hash: pip installs it unchecked", package=package, fix=fix
            )
            continue
        for artifact in package.artifacts:
            if not artifact.hashes:
                what = artifact.filename or artifact.url or "an artifact"
                yield RULE.finding(
                    artifact.location, f"{what} has no hash", package=package, fix=fix
                )


RULE = define(__doc__, code="LC002", name="missing-hash", severity=Severity.ERROR, check=check)
