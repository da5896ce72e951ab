"""An index, find-links, repository or artifact URL that is not encrypted.

## What it does
Flags URLs in the lock that use `http://`, `ftp://`, `git://`, `svn://` or another
unencrypted transport. Loopback addresses (127.0.0.0/8, ::1, localhost) are exempt.

## Why is this bad?
Anyone on the network path can answer in the index's place: serve other files, other
versions, other hashes. For a lock without hashes this is remote code execution; with
hashes it still lets an attacker choose which of the locked files you get or block updates.

## How to fix
Use the `https://` address of the index or repository.

## Example
```
--index-url http://pypi.internal.example/simple
```
Use instead:
```
--index-url https://pypi.internal.example/simple
```
"""

from __future__ import annotations

from collections.abc import Iterator

from lockcheck.findings import Finding, Severity
from lockcheck.model import Lockfile
from lockcheck.rules.base import RuleContext, define
from lockcheck.urls import INSECURE_SCHEMES, host, is_loopback, iter_urls, redact, scheme


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    for item in iter_urls(lock):
        if item.url.startswith("https://"):
            continue  # nearly every URL in a lock: no need to take it apart
        transport = scheme(item.url)
        if transport not in INSECURE_SCHEMES or is_loopback(host(item.url)):
            continue
        yield RULE.finding(
            item.location,
            f"{item.what} {redact(item.url)} uses unencrypted {transport}://",
            package=item.package,
            fix="use the https:// address",
        )


RULE = define(
    __doc__, code="LC101", name="insecure-transport", severity=Severity.ERROR, check=check
)
