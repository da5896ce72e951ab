"""A registry package's file on a host its index does not serve files from.

## What it does
For every package resolved from an index (uv.lock `source.registry`, pylock.toml `index`),
checks the host of each artifact URL the lock records. The host must be the index's own
host, or a host that index serves files from:

- for the default index (pip's, and pip's test index), exactly the files host pip names
  for it;
- for any other index, a host in the same registrable domain by the Public Suffix List
  (an index on `download.example.org` serving from `download-r2.example.org`);
- or a host listed in `artifact-hosts`.

In pdm.lock, which never records an index, entries are judged against `index-url`, else
the installer's configured index or pip's default. A pylock.toml entry without `index`
came from its URL (a find-links page, a vendor's host: what `pip lock --find-links`
writes), not from an index, and is not judged. Offline: no request is made.

## Why is this bad?
An installer of a uv.lock or pylock.toml downloads each file from the URL the lock
records; the hash only says the file is the one the lock's author (or attacker) chose.
A pull request that moves one wheel to a look-alike host (one letter changed) and keeps
the hash installs the attacker's file, and nothing else in the lock looks different.

## How to fix
Regenerate the lock from the index, or restore the URL from the index. If your index
really serves files from another domain (a CDN, object storage), add that host to
`artifact-hosts` after checking it:
```toml
[tool.lockcheck]
artifact-hosts = ["cdn.example-storage.net"]
```

## Example
```toml
[[package]]
name = "certifi"
version = "2026.10.18"
source = { registry = "https://pypi.example.org/simple" }
wheels = [{ url = "https://files.pypi.examp1e.org/certifi-2026.10.18-py3-none-any.whl", hash = "sha256:..." }]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from lockcheck.findings import Finding, Severity
from lockcheck.model import Lockfile, LockFormat, SourceKind
from lockcheck.rules.base import RuleContext, define
from lockcheck.urls import host, host_matches, is_loopback, redact


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    judge = _Judge(ctx.settings.artifact_hosts)
    index_hosts: dict[str | None, tuple[str, ...]] = {}  # a lock has few indexes
    file_hosts: dict[str, str | None] = {}  # and thousands of files on few hosts
    for package in lock.packages:
        if package.source.kind is not SourceKind.REGISTRY or package.is_project:
            continue
        if package.source.url is None and lock.format is LockFormat.PYLOCK:
            continue  # no `index`: its files come from their URLs, not from an index
        for artifact in package.artifacts:
            if not artifact.url or "://" not in artifact.url:
                continue
            name = _host(artifact.url, file_hosts)
            if name is None:
                continue  # not a URL an installer could fetch; other rules say so
            recorded = package.source.url
            if recorded not in index_hosts:
                registries = _registries(recorded, ctx.settings.index_url)
                found = (h for h in (host(r) for r in registries) if h)
                index_hosts[recorded] = tuple(dict.fromkeys(found))
            hosts = index_hosts[recorded]
            if not hosts or any(judge.serves(index_host, name) for index_host in hosts):
                continue
            yield RULE.finding(
                artifact.location,
                f"artifact {redact(artifact.url)}: host {name} is neither the host of its "
                f"index ({', '.join(hosts)}) nor one that index serves files from",
                package=package,
                fix="restore the index's URL for this file (regenerate the lock); if the "
                "index really serves files from this host, add it to artifact-hosts",
            )


def _host(url: str, seen: dict[str, str | None]) -> str | None:
    """``host(url)``, parsed once per scheme and authority (urlsplit is the cost here)."""
    scheme, _, rest = url.partition("://")
    prefix = f"{scheme}://{rest.split('/', 1)[0]}"
    if prefix not in seen:
        seen[prefix] = host(prefix)
    return seen[prefix]


def _registries(recorded: str | None, configured: str | None) -> tuple[str, ...]:
    """The index the entry came from: the one it records, else the one it would be
    installed from."""
    if recorded:
        return (recorded,)
    if configured:
        return (configured,)
    from lockcheck.index import resolve  # reads pip's configuration: only when needed
    from lockcheck.index.pip_defaults import pip_default_index

    return tuple(i for i in (resolve.installer_index(), pip_default_index()) if i)


class _Judge:
    """Whether an index host serves files from a host; the costly parts (pip's index
    table, the Public Suffix List) are loaded only for hosts that differ."""

    def __init__(self, extra: tuple[str, ...]) -> None:
        self._extra = extra
        self._verdicts: dict[tuple[str, str], bool] = {}  # thousands of files, few hosts

    def serves(self, index_host: str, file_host: str) -> bool:
        pair = (index_host, file_host)
        verdict = self._verdicts.get(pair)
        if verdict is None:
            verdict = self._verdicts[pair] = self._judge(index_host, file_host)
        return verdict

    def _judge(self, index_host: str, file_host: str) -> bool:
        if file_host == index_host or host_matches(file_host, self._extra):
            return True
        if is_loopback(index_host) and is_loopback(file_host):
            return True
        from lockcheck.index.pip_defaults import pip_file_hosts

        known = pip_file_hosts().get(index_host)
        if known is not None:
            return file_host == known  # the default index: its own files host, no other
        from lockcheck import psl

        domain = psl.registrable_domain(index_host)
        return domain is not None and domain == psl.registrable_domain(file_host)


RULE = define(
    __doc__,
    code="LC107",
    name="foreign-artifact-host",
    severity=Severity.ERROR,
    check=check,
)
