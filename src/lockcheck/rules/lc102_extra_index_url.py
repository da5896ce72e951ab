"""An extra index beside the primary one: the setup dependency confusion needs.

## What it does
Flags `--extra-index-url` in requirements files. (uv and poetry lock each package to one
recorded index; for private packages there, see LC106.)

## Why is this bad?
pip treats every index as equal and installs the highest version it finds anywhere. If your
private index serves `acme-utils` and someone publishes `acme-utils` 99.0 on the public
index, pip installs theirs. This is how the 2021 dependency-confusion attacks worked.

## How to fix
Use one index that proxies the others (most artifact managers can), or pin each private
package to its index with uv's `[tool.uv.sources]` / poetry's `source = ...` with explicit
priority, and keep hashes on every entry.

## Example
```
--index-url https://pypi.internal.example/simple
--extra-index-url https://mirror.example/simple
```
"""

from __future__ import annotations

from collections.abc import Iterator

from lockcheck.findings import Finding, Severity
from lockcheck.model import Lockfile, UrlRole
from lockcheck.rules.base import RuleContext, define
from lockcheck.urls import redact


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    for ref in lock.indexes:
        if ref.role is UrlRole.EXTRA_INDEX:
            yield RULE.finding(
                ref.location,
                f"extra index {redact(ref.url)}: pip installs the highest version found on "
                "any index, so a public package can shadow a private one",
                fix="use a single index (a proxy) or pin private packages to their index",
            )


RULE = define(__doc__, code="LC102", name="extra-index-url", severity=Severity.WARNING, check=check)
