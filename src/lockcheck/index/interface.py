"""What the index said about releases: the immutable data rules read, and the interface
every index implementation (the HTTP client, test doubles of the engine) provides."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple, Protocol

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


class LookupStatus(str, Enum):
    FOUND = "found"
    NO_VERSION = "no-version"  # the project exists; this version was never published
    NO_PROJECT = "no-project"  # the index answered, definitively, that there is no project
    FAILED = "failed"  # the index could not be asked: never a pass


@dataclass(frozen=True)
class PublishedFile:
    filename: str
    digests: Mapping[str, str]  # algorithm -> lower-case hex, as the index published them
    size: int | None = None
    upload_time: str | None = None  # ISO 8601, as published
    yanked: bool = False
    yanked_reason: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Release:
    key: ReleaseKey
    status: LookupStatus
    files: tuple[PublishedFile, ...] = ()
    yanked: bool = False  # the whole release (every file) is yanked
    yanked_reason: str | None = None
    error: str | None = None  # why a FAILED lookup failed (credentials already redacted)
    from_cache: bool = False
    api: str | None = None  # which API answered: "json-version", "json-project", "simple"


ProgressFn = Callable[[int, int], None]

# Published digests never change, but yanked status can: an older cached answer is asked
# again (the design's hour).
MAX_CACHE_AGE = 3600.0


class CacheStore(Protocol):
    """What lookups need from a cache (``lockcheck.index.cache.ReleaseCache`` is one)."""

    def get(self, key: ReleaseKey) -> tuple[Release, float] | None:
        """The cached release and its age in seconds, or None."""
        ...

    def put(self, release: Release) -> None: ...


def read_cached(
    cache: CacheStore, keys: Sequence[ReleaseKey], max_age: float = MAX_CACHE_AGE
) -> tuple[dict[ReleaseKey, Release], dict[ReleaseKey, float]]:
    """The found releases younger than ``max_age`` (marked from_cache), and the ages of the
    older ones. The cache only saves time: one that fails reads as empty."""
    fresh: dict[ReleaseKey, Release] = {}
    stale: dict[ReleaseKey, float] = {}
    for key in keys:
        try:
            hit = cache.get(key)
        except Exception:  # a broken cache must not fail a run
            hit = None
        if hit is None or hit[0].status is not LookupStatus.FOUND:
            continue
        release, age = hit
        if age < max_age:
            fresh[key] = replace(release, key=key, from_cache=True)
        else:
            stale[key] = age
    return fresh, stale


class PackageIndex(Protocol):
    """Fetches releases, concurrently, each key at most once per call."""

    def fetch(
        self,
        keys: Sequence[ReleaseKey],
        *,
        fresh: bool = False,
        progress: ProgressFn | None = None,
    ) -> dict[ReleaseKey, Release]:
        """Every key gets a Release; ``fresh`` bypasses the cache (for re-checking)."""
        ...

    def project_status(self, index_url: str, names: Sequence[str]) -> dict[str, LookupStatus]:
        """Whether each project exists on the index (LC307): FOUND, NO_PROJECT or FAILED."""
        ...

    def add_credentials(self, url: str, *, user_chosen: bool = False) -> str:
        """Keep the credentials in ``url`` for its own origin only; returns the URL without
        them (what ReleaseKey.index_url holds). ``user_chosen``: the user named this index
        (so a ``.netrc`` ``default`` entry may go to it); raises InvalidIndexURL."""
        ...


@dataclass(frozen=True)
class IndexSnapshot:
    """What rules see: the releases fetched up front, and which key each package maps to."""

    releases: Mapping[ReleaseKey, Release] = field(default_factory=lambda: MappingProxyType({}))
    # entry -> the keys it was looked up under (several indexes for a requirements file
    # with --extra-index-url)
    assignments: Mapping[EntryKey, tuple[ReleaseKey, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    # Configured private names found on the public index (LC307): name -> status.
    public_names: Mapping[str, LookupStatus] = field(default_factory=lambda: MappingProxyType({}))
    public_index: str | None = None
    # LC203 on files that record no dependency edges: each release's Requires-Dist from
    # its core metadata (None: the index could not say), and the notes about it.
    metadata: Mapping[ReleaseKey, tuple[str, ...] | None] = field(
        default_factory=lambda: MappingProxyType({})
    )
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
