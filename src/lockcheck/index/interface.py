"""The interface every index implementation (the HTTP client, the cache-first wrapper,
test doubles of the engine) provides. The data they answer with is in ``snapshot`` (and
re-exported here)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
]


ProgressFn = Callable[[int, int], None]


class CacheStore(Protocol):
    """What lookups need from a cache (``lockcheck.index.cache.ReleaseCache`` is one)."""

    def get(self, key: ReleaseKey) -> tuple[Release, float] | None:
        """The cached release and its age in seconds, or None."""
        ...

    def put(self, release: Release) -> None: ...


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

    def add_credentials(
        self, url: str, *, user_chosen: bool = False, variables: Sequence[str] = ()
    ) -> str:
        """Keep the credentials in ``url`` for its own origin only; returns the URL without
        them (what ReleaseKey.index_url holds). Credentials may also come from the
        environment variables ``variables`` names (uv's and poetry's per-index ones).
        ``user_chosen``: the user named this index (so a ``.netrc`` ``default`` entry may
        go to it); raises InvalidIndexURL."""
        ...
