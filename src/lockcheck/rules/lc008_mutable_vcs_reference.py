"""A VCS dependency that is not pinned to a full commit id.

## What it does
Flags version-control dependencies whose revision is a branch, a tag, a short commit id or
missing, and for which the lock records no full commit id. A recorded "commit" that is not
a full hex id (poetry `resolved_reference = "123456"`, a uv `#fragment` that is not 40 hex
digits, pylock `commit-id = "main"`) counts as not pinned.

## Why is this bad?
Branches move and tags can be re-pointed: whoever can push to the repository decides what
you install next. Only a full commit id names one immutable tree.

## How to fix
Pin the full 40-character commit id (`@<sha>`), or let uv or poetry record the resolved
commit in their lock.

## Example
```
mylib @ git+https://git.example.com/org/mylib@main
```
Use instead:
```
mylib @ git+https://git.example.com/org/mylib@4f1c3bd0f4b2a2e6c7a5d90b8f26fcd1e6a8a3b7
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lockcheck.findings import Finding, Severity
from lockcheck.model import Lockfile, SourceKind
from lockcheck.rules.base import RuleContext, define

# A full commit id: SHA-1 (40 hex digits) or SHA-256 (64) object names.
_FULL_COMMIT = re.compile(r"[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    for package in lock.packages:
        source = package.source
        if source.kind is not SourceKind.VCS or package.is_project:
            continue
        if source.commit and _FULL_COMMIT.fullmatch(source.commit):
            continue
        if source.commit:
            why = (
                f"the recorded commit {source.commit!r} is not a full commit id: "
                "a short id can become ambiguous and a name can move"
            )
        elif source.reference:
            why = f"pinned to {source.reference!r}, which is not a full commit id and can move"
        else:
            why = "no revision: whatever the default branch holds at install time"
        yield RULE.finding(
            package.location, why, package=package, fix="pin the full commit id: @<40-hex-sha>"
        )


RULE = define(
    __doc__, code="LC008", name="mutable-vcs-reference", severity=Severity.ERROR, check=check
)
