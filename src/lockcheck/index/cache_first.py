"""The cache's one owner: answer from it when it can, ask the index for the rest, and
store what the index answered.

The HTTP stack (httpx, ssl, asyncio) costs more to import than a warm run takes in all,
and a warm run of an unchanged lock needs no request: the client is made only for what
the cache cannot answer. The client itself never sees the cache.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol, TypeVar, runtime_checkable

from lockcheck.index.cache import ReleaseCache
from lockcheck.index.credentials import split_credentials
from lockcheck.index.interface import (
    CacheStore,
    LookupStatus,
    PackageIndex,
    ProgressFn,
    Release,
    ReleaseKey,
)
from lockcheck.index.metadata import CoreMetadata, MetadataSource

# Published digests never change, but yanked status can: an older cached answer is asked
# again (the design's hour).
MAX_CACHE_AGE = 3600.0

_T = TypeVar("_T")


@runtime_checkable
class MetadataCache(Protocol):
    """What metadata lookups need from a cache (``ReleaseCache`` is one)."""

    def get_metadata(self, key: ReleaseKey) -> tuple[str, ...] | None: ...

    def put_metadata(self, key: ReleaseKey, requires: tuple[str, ...]) -> None: ...


@runtime_checkable
class MetadataAbsenceCache(Protocol):
    """A cache that also keeps the index's answer that a release has no core metadata."""

    def get_metadata_absence(self, key: ReleaseKey) -> tuple[str, float] | None: ...

    def put_metadata_absence(self, key: ReleaseKey, reason: str) -> None: ...


class CacheFirstIndex:
    def __init__(self, make_client: Callable[[], PackageIndex], cache: CacheStore) -> None:
        self._make_client = make_client
        self._cache = cache
        self._client: PackageIndex | None = None
        # Indexes registered before the client exists, handed to it when it is made.
        self._registered: list[tuple[str, bool, tuple[str, ...]]] = []

    @property
    def cache_problem(self) -> str | None:
        """Why the cache could not be used this run (None while it works)."""
        return self._cache.problem if isinstance(self._cache, ReleaseCache) else None

    @property
    def requests_made(self) -> int:
        return int(getattr(self._client, "requests_made", 0)) if self._client else 0

    def add_credentials(
        self, url: str, *, user_chosen: bool = False, variables: Sequence[str] = ()
    ) -> str:
        clean = split_credentials(url)[0]  # raises InvalidIndexURL, client or not
        self._registered.append((url, user_chosen, tuple(variables)))
        if self._client is not None:
            return self._client.add_credentials(url, user_chosen=user_chosen, variables=variables)
        return clean

    def fetch(
        self,
        keys: Sequence[ReleaseKey],
        *,
        fresh: bool = False,
        progress: ProgressFn | None = None,
    ) -> dict[ReleaseKey, Release]:
        unique = list(dict.fromkeys(keys))
        found: dict[ReleaseKey, Release] = {}
        stale: dict[ReleaseKey, float] = {}  # key -> age of the cached entry
        if not fresh:
            found, stale = read_cached(self._cache, unique)
        missing = [k for k in unique if k not in found]
        if progress is not None and found:
            progress(len(found), len(unique))
        if not missing:
            return found

        def offset(done: int, total: int) -> None:
            if progress is not None:
                progress(len(found) + done, len(found) + total)

        fetched = self._http().fetch(missing, fresh=fresh, progress=offset)
        for key in missing:
            found[key] = self._settle(fetched[key], stale.get(key))
        return {key: found[key] for key in unique}

    def fetch_metadata(self, keys: Sequence[ReleaseKey]) -> dict[ReleaseKey, CoreMetadata]:
        """Core metadata never changes once published: the cache first, then the index,
        and what the index said is kept."""
        unique = list(dict.fromkeys(keys))
        found = _read_metadata(self._cache, unique)
        missing = [k for k in unique if k not in found]
        client = self._http() if missing else None
        if isinstance(client, MetadataSource):
            fetched = client.fetch_metadata(missing)
            for item in fetched.values():
                _store_metadata(self._cache, item)
            found.update(fetched)
        return {k: found.get(k, CoreMetadata(k, None, "not looked up")) for k in unique}

    def project_status(self, index_url: str, names: Sequence[str]) -> dict[str, LookupStatus]:
        return self._http().project_status(index_url, names)

    def _settle(self, release: Release, stale_age: float | None) -> Release:
        """Store what is worth storing; fail closed when a stale entry could not be renewed."""
        if release.status is LookupStatus.FOUND:
            _write(self._cache.put, release)
        if release.status is LookupStatus.FAILED and stale_age is not None:
            note = (
                f"the cached entry is {stale_age / 60:.0f} min old, too old to trust for "
                "yank status"
            )
            return release._replace(error=f"{release.error}; {note}")
        return release

    def _http(self) -> PackageIndex:
        if self._client is None:
            self._client = self._make_client()
            for url, user_chosen, variables in self._registered:
                self._client.add_credentials(url, user_chosen=user_chosen, variables=variables)
        return self._client


def read_cached(
    cache: CacheStore, keys: Sequence[ReleaseKey], max_age: float = MAX_CACHE_AGE
) -> tuple[dict[ReleaseKey, Release], dict[ReleaseKey, float]]:
    """The found releases younger than ``max_age`` (marked from_cache), and the ages of the
    older ones. The cache only saves time: one that fails reads as empty."""
    fresh: dict[ReleaseKey, Release] = {}
    stale: dict[ReleaseKey, float] = {}
    for key, (release, age) in _read_each(cache.get, keys).items():
        if release.status is not LookupStatus.FOUND:
            continue
        if age < max_age:
            fresh[key] = release._replace(key=key, from_cache=True)
        else:
            stale[key] = age
    return fresh, stale


def _read_metadata(cache: object, keys: Sequence[ReleaseKey]) -> dict[ReleaseKey, CoreMetadata]:
    """The cached metadata of ``keys``; a cache without metadata (or failing) reads as empty."""
    if not isinstance(cache, MetadataCache):
        return {}
    found = _read_each(cache.get_metadata, keys)
    read = {key: CoreMetadata(key, requires, source="cache") for key, requires in found.items()}
    if isinstance(cache, MetadataAbsenceCache):
        # A warm run asks no index about releases it already knows have no metadata.
        absent = _read_each(cache.get_metadata_absence, [k for k in keys if k not in read])
        for key, (reason, age) in absent.items():
            if age < MAX_CACHE_AGE:
                read[key] = CoreMetadata(key, None, reason, source="cache")
    return read


def _store_metadata(cache: object, found: CoreMetadata) -> None:
    if found.source == "absent" and isinstance(cache, MetadataAbsenceCache):
        _write(cache.put_metadata_absence, found.key, found.error or "")
    if found.requires is None or found.source == "cache" or not isinstance(cache, MetadataCache):
        return
    _write(cache.put_metadata, found.key, found.requires)


def _read_each(
    get: Callable[[ReleaseKey], _T | None], keys: Iterable[ReleaseKey]
) -> dict[ReleaseKey, _T]:
    """What the cache holds for each key. The cache only saves time: a read that fails is
    a miss, never a failed run."""
    found: dict[ReleaseKey, _T] = {}
    for key in keys:
        try:
            value = get(key)
        except Exception:
            continue
        if value is not None:
            found[key] = value
    return found


def _write(put: Callable[..., None], *args: object) -> None:
    """One cache write; caching is best effort, so a failing write is dropped."""
    with contextlib.suppress(Exception):
        put(*args)
