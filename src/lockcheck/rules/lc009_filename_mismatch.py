"""An artifact whose filename names another project or another version than its entry.

## What it does
Reads the project name and version out of each wheel's and sdist's filename and flags a
file that cannot be the entry's: `requests-2.31.0-py3-none-any.whl` under `requests`
2.32.3, or `reqeusts-2.32.3.tar.gz` under `requests`. Names are compared normalised
(`Foo_Bar` is `foo-bar`), versions by PEP 440 (`1.0` is `1.0.0`, local versions such as
`+cpu` count), and legacy sdist names with dashes (`python-dateutil-2.8.2.tar.gz`) are
read every way they can be. Files from an index are checked, and wheels from a URL or a
path; an archive from a URL may be named anything, so it is not.

## Why is this bad?
The lock's hash then vouches for a file that is not the release it names: the lock was
edited by hand, merged badly or tampered with. An installer that trusts the lock installs
another project or version than the one reviewed, and `--verify` compares the hash with
the wrong release.

## How to fix
Find out where the file came from, then regenerate the lock with the tool that wrote it.

## Example
```
[[package]]
name = "requests"
version = "2.32.3"
wheels = [{ url = ".../requests-2.31.0-py3-none-any.whl", hash = "sha256:..." }]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from lockcheck import filenames
from lockcheck.findings import Finding, Severity
from lockcheck.model import Lockfile, SourceKind
from lockcheck.rules import fixes
from lockcheck.rules.base import RuleContext, define


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    for package in lock.packages:
        kind = package.source.kind
        if package.is_project or kind not in (SourceKind.REGISTRY, SourceKind.URL, SourceKind.PATH):
            continue
        for artifact in package.artifacts:
            name = artifact.filename
            if not name or (kind is not SourceKind.REGISTRY and not filenames.is_wheel(name)):
                continue
            if filenames.plainly_names(name, package.name, package.version):
                continue  # nearly every file of a lock: no version to parse
            found = filenames.readings(name)
            if not found or filenames.names(name, package.name, package.version):
                continue
            same_project = [r for r in found if r.project == package.name]
            if same_project:
                what = f"version {same_project[0].version}"
            else:
                what = f"project {found[-1].project}"
            yield RULE.finding(
                artifact.location,
                f"{filenames.unquoted(name)} names {what}, not this entry's ({package.label})",
                package=package,
                fix=f"find out where the file came from, then {fixes.regenerate(lock)}",
            )


RULE = define(__doc__, code="LC009", name="filename-mismatch", severity=Severity.ERROR, check=check)
