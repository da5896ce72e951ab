"""A hash that cannot be a hash: unknown algorithm, not hex, or the wrong length.

## What it does
Flags hashes whose algorithm is unknown, whose digest is not lower-case hexadecimal, or
whose digest has the wrong number of digits for its algorithm.

## Why is this bad?
Such a hash can never match a file. pip fails the install (or, for a hash it cannot
parse, refuses the file); a hand-edited or corrupted lock often shows up this way first.

## How to fix
Regenerate the lock rather than editing hashes by hand.

## Example
```
idna==3.10 --hash=sha256:946d195a0d259cbba61165e88e65941f16e9b36ea6ddb97f00452bae8b1287d
```
(63 hex digits: one was lost.)
"""

from __future__ import annotations

from collections.abc import Iterator

from lockcheck.findings import Finding, Severity
from lockcheck.hashes import problems
from lockcheck.model import Lockfile
from lockcheck.rules import fixes
from lockcheck.rules.base import RuleContext, define


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    for package in lock.packages:
        groups = [(package.location, package.hashes)]
        groups += [(a.location, a.hashes) for a in package.artifacts]
        for location, hashes in groups:
            for _hash, why in problems(hashes):
                yield RULE.finding(
                    location,
                    why,
                    package=package,
                    fix=fixes.regenerate(lock),
                )


RULE = define(__doc__, code="LC004", name="malformed-hash", severity=Severity.ERROR, check=check)
