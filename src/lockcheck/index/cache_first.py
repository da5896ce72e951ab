"""Answer from the cache when it can; start the HTTP client only for what it cannot.

The HTTP stack (httpx, ssl, asyncio) costs more to import than a warm run takes in all,
and a warm run of an unchanged lock needs no request: this wrapper lets it skip both.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lockcheck.index.credentials import split_credentials
from lockcheck.index.interface import (
    CacheStore,
    LookupStatus,
    PackageIndex,
    ProgressFn,
    Release,
    ReleaseKey,
    read_cached,
)
from lockcheck.index.metadata import CoreMetadata, MetadataSource, read_metadata


class CacheFirstIndex:
    def __init__(self, make_client: Callable[[], PackageIndex], cache: CacheStore) -> None:
        self._make_client = make_client
        self._cache = cache
        self._client: PackageIndex | None = None
        self._credential_urls: list[tuple[str, bool]] = []

    @property
    def requests_made(self) -> int:
        return int(getattr(self._client, "requests_made", 0)) if self._client else 0

    def add_credentials(self, url: str, *, user_chosen: bool = False) -> str:
        clean = split_credentials(url)[0]  # raises InvalidIndexURL, client or not
        self._credential_urls.append((url, user_chosen))
        if self._client is not None:
            return self._client.add_credentials(url, user_chosen=user_chosen)
        return clean

    def fetch(
        self,
        keys: Sequence[ReleaseKey],
        *,
        fresh: bool = False,
        progress: ProgressFn | None = None,
    ) -> dict[ReleaseKey, Release]:
        unique = list(dict.fromkeys(keys))
        # Older entries are left to the client, which asks again and fails closed.
        found = {} if fresh else read_cached(self._cache, unique)[0]
        missing = [k for k in unique if k not in found]
        if progress is not None and found:
            progress(len(found), len(unique))
        if not missing:
            return found

        def offset(done: int, total: int) -> None:
            if progress is not None:
                progress(len(found) + done, len(found) + total)

        found.update(self._http().fetch(missing, fresh=fresh, progress=offset))
        return found

    def fetch_metadata(self, keys: Sequence[ReleaseKey]) -> dict[ReleaseKey, CoreMetadata]:
        unique = list(dict.fromkeys(keys))
        found = read_metadata(self._cache, unique)
        missing = [k for k in unique if k not in found]
        client = self._http() if missing else None
        if isinstance(client, MetadataSource):
            found.update(client.fetch_metadata(missing))
        return {k: found.get(k, CoreMetadata(k, None, "not looked up")) for k in unique}

    def project_status(self, index_url: str, names: Sequence[str]) -> dict[str, LookupStatus]:
        return self._http().project_status(index_url, names)

    def _http(self) -> PackageIndex:
        if self._client is None:
            self._client = self._make_client()
            for url, user_chosen in self._credential_urls:
                self._client.add_credentials(url, user_chosen=user_chosen)
        return self._client
