"""TLS certificate verification switched off for a host.

## What it does
Flags `--trusted-host` options.

## Why is this bad?
`--trusted-host` makes pip accept plain HTTP and any certificate from that host, so anyone
on the network path can impersonate the index.

## How to fix
Give the index a valid certificate (or point pip at your CA bundle with `--cert` /
`PIP_CERT`) and remove `--trusted-host`.

## Example
```
--trusted-host pypi.internal.example
```
"""

from __future__ import annotations

from collections.abc import Iterator

from lockcheck.findings import Finding, Severity
from lockcheck.model import Lockfile
from lockcheck.rules.base import RuleContext, define
from lockcheck.urls import is_loopback


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    for trusted in lock.trusted_hosts:
        if is_loopback(trusted.host.split(":", 1)[0]):
            continue
        yield RULE.finding(
            trusted.location,
            f"--trusted-host {trusted.host} switches off TLS verification for it",
            fix="fix the host's certificate (or use --cert) and drop --trusted-host",
        )


RULE = define(__doc__, code="LC103", name="trusted-host", severity=Severity.ERROR, check=check)
