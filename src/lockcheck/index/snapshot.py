"""What the index said about releases: the immutable, typed data the LC3xx rules read.

Plain data and no I/O, so the rules import it at load time and the offline check pays
next to nothing for it; the interface index implementations provide is in ``interface``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from lockcheck.model import LockedPackage, Note


class ReleaseKey(NamedTuple):
    """One release on one index. ``index_url`` has no credentials; ``name`` is normalised."""

    index_url: str
    name: str
    version: str


class EntryKey(NamedTuple):
    """Which lock entry a lookup is for: its identity, not where it is written (two entries
    of one project may share a line, or have none, and must never share a lookup)."""

    path: str
    name: str
    version: str
    source: str  # the index the lock records, "" when it records none


def entry_key(package: LockedPackage) -> EntryKey:
    return EntryKey(
        package.location.path, package.name, package.version or "", package.source.url or ""
    )


# The empty default of the snapshot's mappings: read-only, so one object serves them all.
_EMPTY: Mapping[Any, Any] = MappingProxyType({})


class LookupStatus(str, Enum):
    FOUND = "found"
    NO_VERSION = "no-version"  # the project exists; this version was never published
    NO_PROJECT = "no-project"  # the index answered, definitively, that there is no project
    FAILED = "failed"  # the index could not be asked: never a pass


class PublishedFile(NamedTuple):
    filename: str
    digests: Mapping[str, str]  # algorithm -> lower-case hex, as the index published them
    size: int | None = None
    upload_time: str | None = None  # ISO 8601, as published
    yanked: bool = False
    yanked_reason: str | None = None
    url: str | None = None


class Release(NamedTuple):
    key: ReleaseKey
    status: LookupStatus
    files: tuple[PublishedFile, ...] = ()
    yanked: bool = False  # the whole release (every file) is yanked
    yanked_reason: str | None = None
    error: str | None = None  # why a FAILED lookup failed (credentials already redacted)
    # A FAILED lookup no retry can fix (credentials refused, a certificate that does not
    # verify, an invalid URL): the run stops with exit 2 instead of LC306.
    permanent: bool = False
    from_cache: bool = False
    api: str | None = None  # which API answered: "json-version", "json-project", "simple"


class IndexSnapshot(NamedTuple):
    """What rules see: the releases fetched up front, and which key each package maps to."""

    releases: Mapping[ReleaseKey, Release] = _EMPTY
    # entry -> the keys it was looked up under (several indexes for a requirements file
    # with --extra-index-url)
    assignments: Mapping[EntryKey, tuple[ReleaseKey, ...]] = _EMPTY
    # Configured private names found on the public index (LC307): name -> status.
    public_names: Mapping[str, LookupStatus] = _EMPTY
    public_index: str | None = None
    # LC203 on files that record no dependency edges: each release's Requires-Dist from
    # its core metadata (None: the index could not say), and the notes about it.
    metadata: Mapping[ReleaseKey, tuple[str, ...] | None] = _EMPTY
    notes: tuple[Note, ...] = ()

    def release_for(self, package: LockedPackage) -> Release | None:
        keys = self.assignments.get(entry_key(package))
        if not keys:
            return None
        return merge(
            [self.releases[k] for k in keys if k in self.releases]
            or [Release(keys[0], LookupStatus.FAILED, error="not looked up")]
        )


def merge(releases: Sequence[Release]) -> Release:
    """One view of a release looked up on several indexes (pip with --extra-index-url):
    the files of every index that has it; FAILED if any index could not be asked and
    none has it (it might be exactly the one that serves it)."""
    if len(releases) == 1:
        return releases[0]
    found = [r for r in releases if r.status is LookupStatus.FOUND]
    first = releases[0]
    if found:
        files = tuple(f for r in found for f in r.files)
        yanked = all(r.yanked for r in found)
        reasons = [r.yanked_reason for r in found if r.yanked_reason]
        return Release(
            first.key,
            LookupStatus.FOUND,
            files,
            yanked,
            reasons[0] if yanked and reasons else None,
            from_cache=any(r.from_cache for r in found),
            api=found[0].api,
        )
    for status in (LookupStatus.FAILED, LookupStatus.NO_VERSION, LookupStatus.NO_PROJECT):
        matching = [r for r in releases if r.status is status]
        if matching:
            errors = "; ".join(f"{r.key.index_url}: {r.error}" for r in matching if r.error)
            return Release(
                first.key,
                status,
                error=errors or None,
                from_cache=any(r.from_cache for r in matching),
            )
    return first
