"""The interface every index implementation (the HTTP client, the cache-first wrapper,
test doubles of the engine) provides. The data they answer with is in ``snapshot`` (and
re-exported here)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Protocol

from lockcheck.index.snapshot import (
    EntryKey,
    IndexSnapshot,
    LookupStatus,
    PublishedFile,
    Release,
    ReleaseKey,
    entry_key,
    merge,
)

__all__ = [
    "MAX_CACHE_AGE",
    "CacheStore",
    "EntryKey",
    "IndexSnapshot",
    "LookupStatus",
    "PackageIndex",
    "ProgressFn",
    "PublishedFile",
    "Release",
    "ReleaseKey",
    "entry_key",
    "merge",
    "read_cached",
]


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
