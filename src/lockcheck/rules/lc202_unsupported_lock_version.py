"""A lock format version newer than lockcheck knows.

## What it does
Reports a uv.lock `version`, poetry.lock `lock-version` or pylock.toml `lock-version`
newer than the newest this version of lockcheck understands. The file is still read as
far as possible and checked.

## Why is this bad?
A newer format can record things lockcheck does not see (a new kind of source, hashes in
a new place), so a clean result is weaker than usual: findings may be missing.

## How to fix
Upgrade lockcheck. If you are on the newest lockcheck, report the new format version.

## Example
```toml
version = 2
revision = 1
```
in a uv.lock, while lockcheck knows version 1.
"""

from __future__ import annotations

from collections.abc import Iterator

from lockcheck.findings import Finding, Severity
from lockcheck.model import Lockfile
from lockcheck.rules.base import RuleContext, define


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    version = lock.format_version
    if version is None or not version.is_newer:
        return
    yield RULE.finding(
        version.location,
        f"{lock.format.value} lock format version {version.value} is newer than "
        f"{version.newest_known}, the newest lockcheck knows; checked as far as it could",
        fix="upgrade lockcheck",
    )


RULE = define(
    __doc__,
    code="LC202",
    name="unsupported-lock-version",
    severity=Severity.WARNING,
    check=check,
)
