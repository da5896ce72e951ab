"""A configured private package name that also exists on the public index.

## What it does
With `--verify` and `[tool.lockcheck.private]` configured, asks the public index (pip's
default) whether each locked package matching the private globs exists there.

## Why is this bad?
A private name that someone has registered on the public index is a loaded
dependency-confusion attack: any resolver that can see both indexes, or any developer
machine without your index configured, installs the public one. Even when the lock is
right today, the next `pip install acme-billing` outside it is not.

## How to fix
Find out who owns the public project. If it is not you, report it to the index and make
sure the package is pinned to your private index everywhere; consider registering your
names (or a prefix) on the public index yourself.

## Example
```toml
[tool.lockcheck.private]
packages = ["acme-*"]
index = "https://pypi.acme.example/simple"
```
and `acme-billing` exists on the public index.
"""

from __future__ import annotations

from collections.abc import Iterator

from lockcheck.findings import Finding, Severity
from lockcheck.index.snapshot import LookupStatus
from lockcheck.model import Lockfile
from lockcheck.rules.base import RuleContext, define
from lockcheck.rules.private_names import private_packages
from lockcheck.urls import redact


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    snapshot = ctx.index
    patterns = ctx.settings.private_packages
    if snapshot is None or not patterns:
        return
    for package in private_packages(lock, patterns):
        if snapshot.public_names.get(package.name) is LookupStatus.FOUND:
            yield RULE.finding(
                package.location,
                f"private package name {package.name!r} also exists on the public index "
                f"{redact(snapshot.public_index or '')}",
                package=package,
                fix="find out who owns it; pin the package to your private index everywhere",
            )


RULE = define(
    __doc__,
    code="LC307",
    name="private-name-on-public-index",
    severity=Severity.WARNING,
    check=check,
    needs_index=True,
)
