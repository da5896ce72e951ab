"""Comparing what a lock pins with what the index published: pure functions the LC30x rules
and the engine's verified/unverified counts share."""

from __future__ import annotations

import datetime as dt
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


def check_hashes(package: LockedPackage, release: Release) -> list[HashCheck]:
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
    if filename is None:
        return None
    for file in release.files:
        if file.filename == filename:
            return file
    return None


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
