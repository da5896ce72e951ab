"""A dependency from a VCS checkout, a directory or a local path that hashes cannot cover.

## What it does
Flags non-editable dependencies installed from a version-control URL or a local source
directory. (Editable ones are reported by LC006 only.)

## Why is this bad?
A hash pins the bytes of one file. A checkout or a directory has no such file, so nothing
stops its content from changing between lock and install; pip refuses such requirements in
hash-checking mode ("Can't verify hashes for these requirements...").

## How to fix
Depend on a released version from your index, or build the dependency into a wheel, host it
on your index (or a find-links location) and lock it with its hash.

## Example
```
mylib @ git+https://git.example.com/org/mylib@4f1c3bd0f4b2a2e6c7a5d90b8f26fcd1e6a8a3b7
./vendor/otherlib
```
"""

from __future__ import annotations

from collections.abc import Iterator

from lockcheck.findings import Finding, Severity
from lockcheck.model import Lockfile, SourceKind
from lockcheck.rules.base import RuleContext, define

_WHAT = {SourceKind.VCS: "a VCS checkout", SourceKind.DIRECTORY: "a local directory"}


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    for package in lock.packages:
        what = _WHAT.get(package.source.kind)
        if what is None or package.source.editable or package.is_project:
            continue
        yield RULE.finding(
            package.location,
            f"installed from {what}: no hash can cover it",
            package=package,
            fix="publish a wheel to your index and lock it with its hash",
        )


RULE = define(__doc__, code="LC007", name="unhashable-source", severity=Severity.ERROR, check=check)
