"""An index or artifact host outside the configured `allowed-hosts`.

## What it does
When `allowed-hosts` is configured, flags every index, find-links, repository or artifact
URL whose host is not in it. Entries may be exact host names or `*.example.com`.

## Why is this bad?
A lock should fetch only from hosts the organisation vouches for. A new host in a lock is
how a dependency from a personal fork, a look-alike mirror or an attacker's server slips
in unnoticed in review.

## How to fix
Lock the package from an allowed index, or add the host to `allowed-hosts` after review.

## Example
```toml
[tool.lockcheck]
allowed-hosts = ["pypi.internal.example", "*.files.internal.example"]
```
flags `--extra-index-url https://mirror.elsewhere.example/simple`.
"""

from __future__ import annotations

from collections.abc import Iterator

from lockcheck.findings import Finding, Severity
from lockcheck.model import Lockfile
from lockcheck.rules.base import RuleContext, define
from lockcheck.urls import host, host_matches, iter_urls, redact


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    allowed = ctx.settings.allowed_hosts
    if allowed is None:
        return
    for item in iter_urls(lock):
        name = host(item.url)
        if name is None or host_matches(name, allowed):
            continue
        yield RULE.finding(
            item.location,
            f"{item.what} {redact(item.url)}: host {name} is not in allowed-hosts",
            package=item.package,
            fix="lock it from an allowed index, or add the host to allowed-hosts after review",
        )


RULE = define(__doc__, code="LC105", name="disallowed-host", severity=Severity.ERROR, check=check)
