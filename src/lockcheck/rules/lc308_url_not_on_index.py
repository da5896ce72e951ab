"""The URL the lock records for a file is not where the index serves that file.

## What it does
With `--verify`, compares each artifact URL in the lock with the URL the index publishes
for the file of that name (scheme, host, port and path; a query string or fragment is
not compared, since some indexes sign their file URLs). It runs only where the index
asked is the one the lock records for the package: a mirror given with `--index-url`
serves the same files from its own URLs.

## Why is this bad?
Installers of uv.lock and pylock.toml download from the URL in the lock. A file the
index publishes with the locked hash proves nothing about a URL that points elsewhere:
a look-alike host can serve the same bytes today and other bytes tomorrow, or serve
an attacker's file whose hash the pull request also changed.

## How to fix
Regenerate the lock from the index, or restore the URL the index gives for the file.

## Example
The lock records `https://files.pypi.examp1e.org/.../certifi-2026.10.18-py3-none-any.whl`
and the index it names serves that file from
`https://files.pypi.example.org/.../certifi-2026.10.18-py3-none-any.whl`.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import unquote, urlsplit

from lockcheck.findings import Finding, Severity
from lockcheck.model import Lockfile
from lockcheck.rules.base import RuleContext, define
from lockcheck.urls import redact, same_index


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    # Imported here: only --verify runs it, and the offline hook should not pay for it.
    from lockcheck.index.interface import LookupStatus
    from lockcheck.index.verification import checked_packages, published

    for package, release in checked_packages(lock, ctx.index):
        recorded = package.source.url
        if release.status is not LookupStatus.FOUND or not recorded:
            continue
        if not same_index(release.key.index_url, recorded):
            continue  # asked a mirror: it serves the same files from its own URLs
        for artifact in package.artifacts:
            file = published(release, artifact.filename)
            if artifact.url is None or file is None or file.url is None:
                continue  # a file the index does not publish is another rule's finding
            locked, served = _where(artifact.url), _where(file.url)
            if locked is None or served is None or locked == served:
                continue
            yield RULE.finding(
                artifact.location,
                f"{artifact.filename}: the lock downloads it from {redact(artifact.url)}, "
                f"the index serves it from {redact(file.url)}",
                package=package,
                fix="restore the index's URL for this file (regenerate the lock)",
            )


def _where(url: str) -> tuple[str, str, int | None, str] | None:
    """What names a file's location: scheme, host, port and path (decoded)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    default = {"http": 80, "https": 443}.get(scheme)
    return (scheme, parts.hostname.lower(), None if port == default else port, unquote(parts.path))


RULE = define(
    __doc__,
    code="LC308",
    name="url-not-on-index",
    severity=Severity.ERROR,
    check=check,
    needs_index=True,
)
