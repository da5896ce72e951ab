"""A waiver past its `expires` date.

## What it does
Reports every waiver whose `expires` date has passed. The expired waiver no longer
silences anything: the findings it covered are reported again, next to this one.

## Why is this bad?
A waiver is a decision with a shelf life ("we accept this yanked release until the fix
ships"). Past its date nobody has re-made the decision, so lockcheck stops honouring it.

## How to fix
Fix the finding and delete the waiver, or review it and move `expires` forward (at most
`waiver-max-days` ahead).

## Example
```toml
[[tool.lockcheck.waiver]]
code = "LC304"
package = "foo"
reason = "fix ships in 2.1"
expires = 2026-01-31
```
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
        f"waiver of {waiver.code}{target} expired on {waiver.expires}; its findings are "
        f"reported again (reason was: {waiver.reason})",
        fix="fix the finding and remove the waiver, or review it and extend 'expires'",
    )


RULE = define(__doc__, code="LC901", name="expired-waiver", severity=Severity.WARNING, check=check)
