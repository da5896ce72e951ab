"""A hash made with an algorithm that pip refuses or that is broken.

## What it does
Flags hashes made with md5, sha1, sha224 or any other algorithm pip does not accept for
`--hash` (pip accepts sha256, sha384 and sha512).

## Why is this bad?
md5 and sha1 collisions can be manufactured, so a matching hash proves little. pip rejects
the whole requirements file when it meets such a `--hash`, and ignores such URL fragments.

## How to fix
Regenerate the lock; every current tool writes sha256.

## Example
```
six==1.16.0 --hash=md5:529d7fd7e14612ccde86417b4402d6f3
```
Use instead:
```
six==1.16.0 --hash=sha256:8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254
```
"""

from __future__ import annotations

from collections.abc import Iterator

from lockcheck.findings import Finding, Severity
from lockcheck.hashes import ACCEPTED, KNOWN_LENGTHS, hash_groups
from lockcheck.model import Lockfile
from lockcheck.rules import fixes
from lockcheck.rules.base import RuleContext, define


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    for package, location, hashes in hash_groups(lock):
        weak = sorted({h.algorithm.lower() for h in hashes} & set(KNOWN_LENGTHS) - ACCEPTED)
        if weak:
            yield RULE.finding(
                location,
                f"{', '.join(weak)} hash: pip accepts only sha256, sha384 and sha512",
                package=package,
                fix=fixes.regenerate(lock),
            )


RULE = define(
    __doc__, code="LC003", name="weak-hash-algorithm", severity=Severity.ERROR, check=check
)
