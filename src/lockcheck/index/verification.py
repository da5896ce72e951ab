"""Comparing what a lock pins with what the index published: pure functions the LC30x rules
and the engine's verified/unverified counts share."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from lockcheck.index.snapshot import IndexSnapshot, LookupStatus, PublishedFile, Release
from lockcheck.model import Artifact, Hash, Location, LockedPackage, Lockfile
from lockcheck.urls import same_index


class HashCheck(NamedTuple):
    """One locked hash against the release's published files."""

    hash: Hash
    location: Location
    claimed: str | None  # the filename the lock ties the hash to, if it says
    matched: PublishedFile | None  # the published file with this digest, if any
    unverifiable: bool  # the index publishes no digest of this algorithm


def check_hashes(package: LockedPackage, release: Release) -> tuple[HashCheck, ...]:
    """Each locked hash of the package against the release's files. Several rules and the
    engine ask this of every package: the answer is kept for the pair (by identity, both
    being immutable), so a release's digests are tabled once, not once per asker."""
    key = (id(package), id(release))
    kept = _checked.get(key)
    if kept is not None and kept[0] is package and kept[1] is release:
        return kept[2]
    checks = tuple(_check_hashes(package, release))
    if len(_checked) >= _KEEP:
        _checked.pop(next(iter(_checked)))
    _checked[key] = (package, release, checks)
    return checks


# Recent answers of check_hashes and published, oldest first; bounded for long-lived
# callers. Each entry holds its objects, so an id is not reused while it is kept.
_KEEP = 4096
_checked: dict[tuple[int, int], tuple[LockedPackage, Release, tuple[HashCheck, ...]]] = {}
_by_filename: dict[int, tuple[Release, dict[str, PublishedFile]]] = {}


def _check_hashes(package: LockedPackage, release: Release) -> list[HashCheck]:
    by_digest: dict[tuple[str, str], PublishedFile] = {}
    algorithms: set[str] = set()
    for file in release.files:
        for algorithm, digest in file.digests.items():
            by_digest[(algorithm.lower(), digest.lower())] = file
            algorithms.add(algorithm.lower())
    groups: list[tuple[Location, str | None, tuple[Hash, ...]]] = [
        (package.location, None, package.hashes)
    ]
    groups += [(a.location, a.filename, a.hashes) for a in package.artifacts]
    checks = []
    for location, claimed, hashes in groups:
        for h in hashes:
            algorithm = h.algorithm.lower()
            matched = by_digest.get((algorithm, h.digest.lower()))
            checks.append(
                HashCheck(
                    h, location, claimed, matched, matched is None and algorithm not in algorithms
                )
            )
    return checks


def published(release: Release, filename: str | None) -> PublishedFile | None:
    """The release's file of that name (the first, as the index lists them)."""
    if filename is None:
        return None
    kept = _by_filename.get(id(release))
    if kept is None or kept[0] is not release:
        table: dict[str, PublishedFile] = {}
        for file in release.files:
            table.setdefault(file.filename, file)
        if len(_by_filename) >= _KEEP:
            _by_filename.pop(next(iter(_by_filename)))
        kept = _by_filename[id(release)] = (release, table)
    return kept[1].get(filename)


def moved_artifacts(package: LockedPackage, release: Release) -> list[tuple[Artifact, str]]:
    """The artifacts whose recorded URL is not where the index serves that file, with the
    index's URL (LC308). Judged only when the index asked is the one the lock records: a
    mirror serves the same files from its own URLs."""
    recorded = package.source.url
    if release.status is not LookupStatus.FOUND or not recorded:
        return []
    if not same_index(release.key.index_url, recorded):
        return []
    moved = []
    for artifact in package.artifacts:
        file = published(release, artifact.filename)
        if artifact.url is None or file is None or file.url is None:
            continue  # a file the index does not publish is another rule's finding
        locked, served = file_location(artifact.url), file_location(file.url)
        if locked is not None and served is not None and locked != served:
            moved.append((artifact, file.url))
    return moved


def file_location(url: str) -> tuple[str, str, int | None, str] | None:
    """What names a file's location: scheme, host, port and path (decoded). A query string
    (signed URLs), a fragment (digests) and credentials do not."""
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


def artifact_disagreements(artifact: Artifact, file: PublishedFile) -> list[str]:
    """What the lock says about a file (size, upload time) that the index contradicts."""
    found = []
    if artifact.size is not None and file.size is not None and artifact.size != file.size:
        found.append(f"size {artifact.size} in the lock, {file.size} on the index")
    locked, indexed = instant(artifact.upload_time), instant(file.upload_time)
    if locked is not None and indexed is not None and locked != indexed:
        found.append(
            f"upload time {artifact.upload_time} in the lock, {file.upload_time} on the index"
        )
    return found


@functools.lru_cache(maxsize=8192)  # a lock and its index repeat the same few thousand
def instant(text: str | None) -> dt.datetime | None:
    """An ISO 8601 time to the second (locks and indexes differ in sub-second digits)."""
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).replace(microsecond=0)


def disagrees(package: LockedPackage, release: Release) -> bool:
    """Whether the index's answer contradicts the lock: a release or project it says does
    not exist, a locked hash that matches no published file (or another file than the one
    the lock ties it to), a size or upload time that differs. What the mismatch rules
    (LC301, LC302, LC303, LC305) report: an answer from the cache that says so is asked
    again, fresh, before anything is reported."""
    if release.status in (LookupStatus.NO_VERSION, LookupStatus.NO_PROJECT):
        return True
    if release.status is not LookupStatus.FOUND:
        return False
    for item in check_hashes(package, release):
        if item.unverifiable:
            continue
        if item.matched is None:
            return True
        if item.claimed is not None and item.matched.filename != item.claimed:
            return True
    return any(
        artifact_disagreements(artifact, file)
        for artifact in package.artifacts
        if (file := published(release, artifact.filename)) is not None
    )


def checked_packages(
    lock: Lockfile, snapshot: IndexSnapshot | None
) -> Iterator[tuple[LockedPackage, Release]]:
    """The lock's packages that were looked up on an index, with what the index said."""
    if snapshot is None:
        return
    for package in lock.packages:
        release = snapshot.release_for(package)
        if release is not None:
            yield package, release
