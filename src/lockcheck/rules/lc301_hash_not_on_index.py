"""A locked hash that matches no file the index published for that release.

## What it does
With `--verify`, looks up every pinned package on its index (without downloading any
package) and compares each locked hash with the digests the index published for that
exact name and version. A hash that matches none of them is reported, with the file the
lock says it belongs to and the files the index has.

## Why is this bad?
Either the lock was edited (by hand, by a bad merge, or by an attacker in a pull
request), or the file the hash was taken from is not the one the index serves. pip
checks hashes only for the file it downloads: if a wheel's hash is wrong but the sdist's
is right, pip quietly builds the sdist and the tampering goes unnoticed. Only a check
against the published digests catches it.

## How to fix
Find out where the hash came from before anything else. Then regenerate the lock from
the index (`uv lock --upgrade-package NAME`, `pip-compile --generate-hashes`,
`poetry lock`).

## Example
A uv.lock whose wheel hash for `idna==3.10` was changed while its sdist hash was left
alone: pip would install the sdist; lockcheck reports the wheel's hash.
"""

from __future__ import annotations

from collections.abc import Iterator

from lockcheck.findings import Finding, Severity
from lockcheck.index.snapshot import LookupStatus
from lockcheck.index.verification import check_hashes, checked_packages
from lockcheck.model import Lockfile
from lockcheck.rules.base import RuleContext, define

_SHOWN_FILES = 4


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    for package, release in checked_packages(lock, ctx.index):
        if release.status is not LookupStatus.FOUND:
            continue
        for item in check_hashes(package, release):
            if item.matched is not None or item.unverifiable:
                continue
            claimed = f" (for {item.claimed})" if item.claimed else ""
            names = sorted(f.filename for f in release.files)
            shown = ", ".join(names[:_SHOWN_FILES])
            more = f" and {len(names) - _SHOWN_FILES} more" if len(names) > _SHOWN_FILES else ""
            yield RULE.finding(
                item.location,
                f"{item.hash.algorithm}:{item.hash.digest[:16]}...{claimed} matches no file "
                f"the index published for {package.name} {package.version}; it has "
                f"{shown or 'no files'}{more}",
                package=package,
                fix="find where the hash came from, then regenerate the lock from the index",
            )


RULE = define(
    __doc__,
    code="LC301",
    name="hash-not-on-index",
    severity=Severity.ERROR,
    check=check,
    needs_index=True,
)
