"""The same package pinned twice, to different versions, where both pins can apply.

## What it does
Flags a package that appears more than once (in the file or in the files it includes,
constraints too) with different versions or sources, when the environment markers of the
two entries can both be true on some platform and Python version.

## Why is this bad?
Which pin wins depends on the installer and the order of files: pip stops with
"double requirement" or "cannot install ... because these package versions have
conflicting dependencies", and other tools pick one silently. Either way the lock does not
say what will be installed. Entries with markers that exclude each other (for example one
for `python_version < "3.11"` and one for the rest) are fine and not flagged.

## How to fix
Regenerate the lock from one set of inputs, or give the entries markers that exclude each
other.

## Example
```
-r base.txt          # has urllib3==2.2.3
urllib3==1.26.20
```
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from lockcheck.findings import Finding, Severity
from lockcheck.markers import describe, overlap
from lockcheck.model import LockedPackage, Lockfile
from lockcheck.rules import fixes
from lockcheck.rules.base import RuleContext, define


def _pin(package: LockedPackage) -> tuple[str, str | None, str, str | None]:
    return (package.specifier, package.version, package.source.kind.value, package.source.url)


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    by_name: dict[str, list[LockedPackage]] = defaultdict(list)
    for package in lock.packages:
        # An unnamed entry (a local editable whose directory does not name its project)
        # cannot be matched with another one by name.
        if not package.is_project and package.name:
            by_name[package.name].append(package)
    for entries in by_name.values():
        if len(entries) < 2:
            continue
        for i, later in enumerate(entries[1:], start=1):
            for earlier in entries[:i]:
                if _pin(earlier) == _pin(later):
                    continue
                env = overlap(earlier.marker, later.marker)
                if env is None:
                    continue
                shown = (
                    earlier.display_name + earlier.specifier if earlier.specifier else earlier.label
                )
                yield RULE.finding(
                    later.location,
                    f"also pinned as {shown} at {earlier.location}; both apply on {describe(env)}",
                    package=later,
                    fix=fixes.regenerate(lock),
                )
                break


RULE = define(__doc__, code="LC005", name="conflicting-pins", severity=Severity.ERROR, check=check)
