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

from collections.abc import Iterable, Iterator

from lockcheck.findings import Finding, Severity
from lockcheck.markers import truth
from lockcheck.model import LockedPackage, Lockfile, SourceKind
from lockcheck.rules import fixes
from lockcheck.rules.base import RuleContext, define


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    pins: dict[str, list[LockedPackage]] = {}
    for package in lock.packages:
        if package.version is not None and package.source.kind is SourceKind.REGISTRY:
            pins.setdefault(package.name, []).append(package)
    for package in lock.packages:
        if package.source.kind is not SourceKind.REGISTRY or package.version is not None:
            continue
        if package.is_project or package.source.editable or package.is_constraint:
            continue  # a constraint installs nothing; LC005 checks it admits the pin
        if package.artifacts:
            continue  # the lock names the files (pylock without `version`): they fix it
        if _pinned_elsewhere(package, pins.get(package.name, ())):
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


def _pinned_elsewhere(package: LockedPackage, pins: Iterable[LockedPackage]) -> bool:
    """`foo` or `foo>=1` beside `foo==1.2` (or a constraint pinning it) installs 1.2: the
    pin decides, wherever this entry applies."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        specifier = SpecifierSet(package.specifier)
    except InvalidSpecifier:
        return False
    where = truth(package.marker)
    for pin in pins:
        if pin.version is None or pin.source.url != package.source.url:
            continue
        covered = truth(pin.marker) & where == where
        if covered and specifier.contains(pin.version, prereleases=True):
            return True
    return False


RULE = define(
    __doc__, code="LC001", name="unpinned-requirement", severity=Severity.ERROR, check=check
)
