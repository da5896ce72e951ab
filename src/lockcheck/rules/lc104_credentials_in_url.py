"""A password or token written into a URL in the lock.

## What it does
Flags URLs that embed a password (`user:secret@host`) or, on http(s), a bare token
(`token@host`). References to environment variables (`${PIP_TOKEN}`) are fine. The
credential is always redacted in lockcheck's output.

## Why is this bad?
Lockfiles are committed, copied into images and printed in CI logs. A credential in one is
a leaked credential.

## How to fix
Revoke the credential, then give it to the installer another way: a `${VARIABLE}`
reference, `.netrc`, a keyring, or `UV_INDEX_<NAME>_PASSWORD` / `POETRY_HTTP_BASIC_*`.

## Example
```
--extra-index-url https://ci:s3cr3t@pypi.internal.example/simple
```
Use instead:
```
--extra-index-url https://${PIP_USER}:${PIP_PASSWORD}@pypi.internal.example/simple
```
"""

from __future__ import annotations

from collections.abc import Iterator

from lockcheck.findings import Finding, Severity
from lockcheck.model import Lockfile
from lockcheck.rules.base import RuleContext, define
from lockcheck.urls import credentials, iter_urls, redact


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    for item in iter_urls(lock):
        secret = credentials(item.url)
        if secret:
            yield RULE.finding(
                item.location,
                f"{item.what} {redact(item.url)} contains {secret}",
                package=item.package,
                fix="revoke it; pass credentials via ${VARIABLE}, .netrc or a keyring",
            )


RULE = define(
    __doc__, code="LC104", name="credentials-in-url", severity=Severity.ERROR, check=check
)
