"""A configured private package locked from an index other than the private one.

## What it does
With `[tool.lockcheck.private]` set (`packages`, a list of name globs, and `index`, the
private index URL), flags every locked package whose name matches a glob but which the
lock takes from another index, from the default public index (no index recorded), or,
in a requirements file, from a set of indexes that includes any other.

## Why is this bad?
This is dependency confusion as it happens: `acme-billing` lives on your private index,
someone publishes `acme-billing` on the public index, and a resolver that can see both
takes theirs. If the lock already records the public one, the attack has succeeded.

## How to fix
Pin the package to the private index (`[tool.uv.sources] acme-billing = { index = "acme" }`
with `explicit = true`, or poetry's `source = "acme"` with `priority = "explicit"`), drop
`--extra-index-url`, and regenerate the lock.

## Example
```toml
[tool.lockcheck.private]
packages = ["acme-*"]
index = "https://pypi.acme.example/simple"
```
flags `acme-billing` locked with `source = { registry = "https://index.example/simple" }`.
"""

from __future__ import annotations

from collections.abc import Iterator

from lockcheck.findings import Finding, Severity
from lockcheck.model import LockedPackage, Lockfile, LockFormat, SourceKind, UrlRole
from lockcheck.rules.base import RuleContext, define
from lockcheck.rules.private_names import private_packages
from lockcheck.urls import redact, same_index


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    patterns = ctx.settings.private_packages
    private = ctx.settings.private_index
    if not patterns or not private:
        return
    for package in private_packages(lock, patterns):
        where = _other_index(lock, package, private)
        if where:
            yield RULE.finding(
                package.location,
                f"private package locked from {where}, not from {redact(private)}",
                package=package,
                fix="pin it to the private index (explicit source) and regenerate the lock",
            )


def _other_index(lock: Lockfile, package: LockedPackage, private: str) -> str | None:
    """Where the lock takes the package from, when that is not only the private index."""
    if package.source.kind is not SourceKind.REGISTRY:
        return None  # VCS, URL and path sources name their origin exactly: LC105 covers hosts
    if lock.format is LockFormat.REQUIREMENTS:
        indexes = [r.url for r in lock.indexes if r.role in (UrlRole.INDEX, UrlRole.EXTRA_INDEX)]
        primary = [r.url for r in lock.indexes if r.role is UrlRole.INDEX]
        if not primary:
            return "the default index (the file sets no --index-url)"
        others = [u for u in indexes if not same_index(u, private)]
        return f"any of {', '.join(redact(u) for u in others)}" if others else None
    if package.source.url is None:
        return "the default index"
    if same_index(package.source.url, private):
        return None
    return redact(package.source.url)


RULE = define(
    __doc__,
    code="LC106",
    name="package-from-wrong-index",
    severity=Severity.ERROR,
    check=check,
)
