"""A hash that cannot be a hash: unknown algorithm, not hex, or the wrong length.

## What it does
Flags hashes whose algorithm is unknown, whose digest is not hexadecimal, or whose digest
has the wrong number of digits for its algorithm (errors). A well-formed digest written in
upper case is a warning only: pip 24.2 and later accept it, older pip refuses it.

## Why is this bad?
Such a hash can never match a file. pip fails the install (or, for a hash it cannot
parse, refuses the file); a hand-edited or corrupted lock often shows up this way first.
An upper-case digest matches with today's pip, but a lock is installed by whatever pip an
image or a CI runner has, and pip before 24.2 compares digests as written.

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
from lockcheck.hashes import all_lower_case, hash_groups, old_pip_refuses, problems
from lockcheck.model import Lockfile
from lockcheck.rules import fixes
from lockcheck.rules.base import RuleContext, define


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    for package, location, hashes in hash_groups(lock):
        for _hash, why in problems(hashes):
            yield RULE.finding(
                location,
                why,
                package=package,
                fix=fixes.regenerate(lock),
            )
        if all_lower_case(hashes):
            continue
        for h in hashes:
            if old_pip_refuses(h):
                # pip 24.2+ (the pip lockcheck is tested against) installs it: a warning.
                yield RULE.finding(
                    location,
                    f"{h.algorithm} digest is in upper case: pip 24.2 and later accept it, "
                    "pip before 24.2 refuses it (it compares digests as written)",
                    package=package,
                    fix="write the digest in lower case, as every locking tool does",
                ).with_severity(Severity.WARNING)


RULE = define(__doc__, code="LC004", name="malformed-hash", severity=Severity.ERROR, check=check)
