"""A waiver that matched nothing.

## What it does
Reports waivers that silenced no finding in a run where their rule ran and their path (if
any) was checked.

## Why is this bad?
A stale waiver is a loaded gun: the day the problem it once covered comes back, it is
silenced without anyone deciding so.

## How to fix
Delete the waiver.

## Example
```toml
[[tool.lockcheck.waiver]]
code = "LC102"
reason = "mirror is ours"
expires = 2027-01-31
```
after the `--extra-index-url` line was removed.
"""

from __future__ import annotations

from collections.abc import Iterator

from lockcheck.config import Waiver
from lockcheck.findings import Finding, Severity
from lockcheck.model import Location, Lockfile
from lockcheck.rules.base import RuleContext, define


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    return iter(())  # waivers belong to the run, not to a lockfile: see finding_for


def finding_for(waiver: Waiver) -> Finding:
    target = f" for {waiver.package}" if waiver.package else ""
    return RULE.finding(
        Location(waiver.config_path, waiver.line),
        f"waiver of {waiver.code}{target} matched no finding",
        fix="delete the waiver",
    )


RULE = define(__doc__, code="LC902", name="unused-waiver", severity=Severity.WARNING, check=check)
