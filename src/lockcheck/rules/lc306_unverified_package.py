"""A package the index could not be asked about: never counted as verified.

## What it does
With `--verify`, reports the packages whose lookup failed after retries (network
errors, timeouts, 5xx and 429 responses, responses that are not what the API promises):
one finding per lockfile and index, with how many packages it could not verify. Also
packages whose locked hashes use an algorithm the index publishes no digest for, and
configured private packages the public index could not be asked about (LC307).
What no retry can fix (credentials refused, a certificate that does not verify, an
invalid index URL) is not this rule: the run stops with exit 2 and says what to do.
When these are the only findings, lockcheck exits with status 3: verification is
incomplete, which is neither a pass nor a failure of the lock.

## Why is this bad?
An unverified package is not a verified one. Treating "could not check" as "fine" is how
a verification step becomes decoration, and how an attacker who can block a request
makes a check pass.

## How to fix
Re-run when the index is reachable; check `--index-url`, credentials (`.netrc`) and
proxies. For hashes in an algorithm the index does not publish, regenerate the lock with
sha256 hashes.

## Example
`requirements.txt:3: LC306 unverified-package: index https://pypi.internal/simple could not
be asked about 25 packages (certifi, idna, ...): HTTP 503 after 4 attempts`.
"""

from __future__ import annotations

from collections.abc import Iterator

from lockcheck.findings import Finding, Severity
from lockcheck.index.snapshot import LookupStatus, Release
from lockcheck.index.verification import check_hashes, checked_packages
from lockcheck.model import LockedPackage, Lockfile
from lockcheck.rules.base import RuleContext, define
from lockcheck.rules.private_names import private_packages
from lockcheck.urls import redact


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    # One finding per (file, index): an unreachable index is one problem, not one per package.
    failed: dict[tuple[str, str], list[tuple[LockedPackage, Release]]] = {}
    for package, release in checked_packages(lock, ctx.index):
        if release.status is LookupStatus.FAILED:
            if not release.permanent:  # exit 2 and its own message say what to do
                where = (package.location.path, release.key.index_url)
                failed.setdefault(where, []).append((package, release))
            continue
        if release.status is not LookupStatus.FOUND:
            continue
        algorithms = sorted(
            {i.hash.algorithm for i in check_hashes(package, release) if i.unverifiable}
        )
        if algorithms:
            yield RULE.finding(
                package.location,
                f"the index publishes no {', '.join(algorithms)} digests: these hashes "
                "could not be verified",
                package=package,
                fix="regenerate the lock with sha256 hashes",
            )
    for (_, index_url), entries in failed.items():
        yield _unreachable(index_url, entries)
    yield from _unasked_private_names(lock, ctx)


def _unreachable(index_url: str, entries: list[tuple[LockedPackage, Release]]) -> Finding:
    package, release = entries[0]
    error = redact(release.error or "unknown error")
    if len(entries) == 1:
        return RULE.finding(
            package.location,
            f"index {redact(index_url)} could not be asked: {error}",
            package=package,
            fix="re-run when the index is reachable",
        )
    names = [p.name for p, _ in entries]
    shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
    return RULE.finding(
        package.location,
        f"index {redact(index_url)} could not be asked about {len(entries)} packages "
        f"({shown}): {error}",
        fix="re-run when the index is reachable",
    )


def _unasked_private_names(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    """LC307 could not ask the public index: that check did not pass, it did not run."""
    snapshot, patterns = ctx.index, ctx.settings.private_packages
    if snapshot is None or not patterns:
        return
    for package in private_packages(lock, patterns):
        if snapshot.public_names.get(package.name) is LookupStatus.FAILED:
            yield RULE.finding(
                package.location,
                f"the public index {redact(snapshot.public_index or '')} could not be asked "
                f"whether the private name {package.name!r} exists there (LC307)",
                package=package,
                fix="re-run when the public index is reachable",
            )


RULE = define(
    __doc__,
    code="LC306",
    name="unverified-package",
    severity=Severity.ERROR,
    check=check,
    needs_index=True,
)
