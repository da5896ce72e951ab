"""Every locked package with its hashes and what ``--verify`` found about each: the
inventory an SBOM lists. Built only when a report asks for it (it costs a pass over
every hash)."""

from __future__ import annotations

from lockcheck.findings import HashRecord, PackageRecord
from lockcheck.index.interface import IndexSnapshot, LookupStatus, entry_key
from lockcheck.model import LockedPackage, Lockfile, LockFormat, SourceKind, UrlRole
from lockcheck.urls import redact, split


def records(lock: Lockfile, snapshot: IndexSnapshot | None) -> list[PackageRecord]:
    return [_record(lock, package, snapshot) for package in lock.packages]


def _record(
    lock: Lockfile, package: LockedPackage, snapshot: IndexSnapshot | None
) -> PackageRecord:
    status: dict[tuple[str, str], bool] = {}
    index = _recorded_index(lock, package)
    release = None
    if snapshot is not None:
        release = snapshot.release_for(package)
    if snapshot is not None and release is not None and release.status is LookupStatus.FOUND:
        # Imported here: only a --verify run has a snapshot.
        from lockcheck.index.verification import check_hashes

        for check in check_hashes(package, release):
            if check.unverifiable:
                continue  # the index publishes no digest of this algorithm: unchecked
            key = (check.hash.algorithm.lower(), check.hash.digest.lower())
            status[key] = check.matched is not None
        index = _answering_index(package, snapshot) or index
    hashes = [
        HashRecord(h.algorithm, h.digest, None, status.get((h.algorithm.lower(), h.digest.lower())))
        for h in package.hashes
    ]
    hashes += [
        HashRecord(
            h.algorithm, h.digest, a.filename, status.get((h.algorithm.lower(), h.digest.lower()))
        )
        for a in package.artifacts
        for h in a.hashes
    ]
    kind = package.source.kind
    url = package.source.url if kind is not SourceKind.REGISTRY else None
    return PackageRecord(
        lock.path,
        package.name,
        package.version,
        _without_credentials(index) if index else None,
        tuple(hashes),
        kind.value,
        url,
    )


def _without_credentials(url: str) -> str:
    """An index's address without the user and password a lock may embed (LC104)."""
    parts = split(url)
    if parts is None or "@" not in parts.netloc:
        return redact(url)
    netloc = parts.netloc.rpartition("@")[2]
    return redact(parts._replace(netloc=netloc).geturl())


def _recorded_index(lock: Lockfile, package: LockedPackage) -> str | None:
    if package.source.kind is not SourceKind.REGISTRY:
        return None
    if package.source.url:
        return package.source.url
    if lock.format is LockFormat.REQUIREMENTS:
        primary = [r.url for r in lock.indexes if r.role is UrlRole.INDEX]
        return primary[-1] if primary else None
    return None


def _answering_index(package: LockedPackage, snapshot: IndexSnapshot) -> str | None:
    """The index the release was found on (the first, with several candidates)."""
    for key in snapshot.assignments.get(entry_key(package), ()):
        release = snapshot.releases.get(key)
        if release is not None and release.status is LookupStatus.FOUND:
            return str(key.index_url)
    return None
