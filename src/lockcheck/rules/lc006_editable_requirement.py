"""An editable install where the installer must check hashes.

## What it does
Flags editable entries (`-e ...`) in requirements files and pylock.toml, and editable
dependencies in uv.lock and poetry.lock that are not the project itself or one of its
workspace members.

## Why is this bad?
An editable install runs code from a directory or checkout that no hash covers. pip refuses
editables in hash-checking mode ("the editable requirement ... cannot be installed when
requiring hashes"), so a lock with `-e .` cannot be installed with `--require-hashes` at
all, and people respond by switching hash-checking off.

## How to fix
Leave the project out of the lock and install it separately: `uv export --no-emit-project`
(or `--no-emit-workspace`), then `pip install --no-deps -e .` after the locked install.

## Example
```
-e .
requests==2.32.3 --hash=sha256:...
```
"""

from __future__ import annotations

from collections.abc import Iterator

from lockcheck.findings import Finding, Severity
from lockcheck.model import Lockfile, LockFormat
from lockcheck.rules import fixes
from lockcheck.rules.base import RuleContext, define


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    always = lock.format in (LockFormat.REQUIREMENTS, LockFormat.PYLOCK)
    uv_export = fixes.tool(lock) == "uv export"
    for package in lock.packages:
        if not package.source.editable or (package.is_project and not always):
            continue
        if uv_export:
            # `-e .` is the project; any other editable uv exports is a workspace member.
            root = package.source.url in (".", "./", None)
            option = "--no-emit-project" if root else "--no-emit-workspace"
            fix = fixes.regenerate(lock, adding=option)
        else:
            fix = "leave it out of the lock"
        fix += "; install the project with `pip install --no-deps -e .` after the locked install"
        # Without a project name the finding has no package: say which line it is.
        unnamed = "" if package.name else f"{package.display_name}: "
        yield RULE.finding(
            package.location,
            f"{unnamed}editable install: no hash can cover it, and pip refuses it when "
            "requiring hashes",
            package=package,
            fix=fix,
        )


RULE = define(
    __doc__, code="LC006", name="editable-requirement", severity=Severity.ERROR, check=check
)
