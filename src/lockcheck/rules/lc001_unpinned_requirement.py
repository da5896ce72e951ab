"""A requirement that is not pinned to one exact version.

## What it does
Flags every package from an index that is not pinned with `==` to one version (without a
`*` wildcard) or with `===`: ranges, wildcards and bare names.

## Why is this bad?
An unpinned entry installs whatever the index serves on the day, including a release
published after you locked: exactly what a hijacked maintainer account or a typosquat
relies on. pip refuses unpinned entries in hash-checking mode; lockcheck also flags them
in files without hashes, where pip would install them silently.

## How to fix
Generate the lock with a resolver that writes exact pins, for example
`pip-compile --generate-hashes` or `uv pip compile --generate-hashes`.

## Example
```
requests>=2.31          # any future release
urllib3==2.*            # any 2.x release
```
Use instead:
```
requests==2.32.3 --hash=sha256:...
```
"""

from __future__ import annotations

from collections.abc import Iterator

from lockcheck.findings import Finding, Severity
from lockcheck.model import Lockfile, SourceKind
from lockcheck.rules import fixes
from lockcheck.rules.base import RuleContext, define


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    for package in lock.packages:
        if package.source.kind is not SourceKind.REGISTRY or package.version is not None:
            continue
        if package.is_project or package.source.editable:
            continue
        if package.specifier.startswith("==") and package.specifier.endswith(".*"):
            why = f"the wildcard pin {package.specifier} allows any matching release"
        elif package.specifier:
            why = f"{package.specifier} allows more than one version"
        else:
            why = "no version given: any release can be installed"
        yield RULE.finding(
            package.location,
            f"{why}",
            package=package,
            fix=fixes.regenerate(lock),
        )


RULE = define(
    __doc__, code="LC001", name="unpinned-requirement", severity=Severity.ERROR, check=check
)
