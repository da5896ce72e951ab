"""The package index protocol: the JSON API and the Simple API, over ``http.Transport``.

Per index it asks the smallest page that says everything verification needs (hashes,
yanked and why, size, upload time): a JSON API per-version page; else the Simple API's
JSON form (PEP 691, with PEP 700's upload times), a fraction of the project JSON page's
bytes; else the JSON API's project page; else the Simple API as it is (PEP 503 HTML). What
works is learnt once per index and remembered. Only a definitive 404 says "not published";
everything else that goes wrong, after retries, is a failed lookup, which is never a pass.
It neither reads nor writes the cache: ``cache_first.CacheFirstIndex`` alone does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import Enum
from typing import TypeVar
from urllib.parse import quote, urlsplit, urlunsplit

from lockcheck.index.credentials import CredentialStore
from lockcheck.index.http import FetchError, HttpSettings, Page, Session, Transport
from lockcheck.index.interface import LookupStatus, ProgressFn, Release, ReleaseKey
from lockcheck.index.metadata import NO_CORE_METADATA, CoreMetadata, release_metadata
from lockcheck.index.metadata import Page as MetadataPage
from lockcheck.index.responses import (
    ReleaseFiles,
    ResponseError,
    json_project_page,
    json_version_page,
    parse_content_type,
    simple_page,
)
from lockcheck.model import normalize_name
from lockcheck.urls import redact

T = TypeVar("T")

_JSON_ACCEPT = "application/json"
_SIMPLE_ACCEPT = "application/vnd.pypi.simple.v1+json, text/html;q=0.1"


class _Api(str, Enum):
    JSON_VERSION = "json-version"
    JSON_PROJECT = "json-project"
    SIMPLE = "simple"


@dataclass
class _IndexState:
    """What this client has learnt about one index; kept across calls."""

    json_base: str | None  # <base>/pypi, or None when the index URL gives no JSON API
    simple_base: str
    json_api: bool | None = None  # None: not known yet
    version_pages: bool | None = None  # do per-version JSON pages exist?
    # Does the Simple API answer in JSON with upload times (PEP 691 + 700)? False: it
    # answers in HTML or without them, and the JSON API's project pages come first.
    simple_complete: bool | None = None
    # Single-version lookups go one at a time until the index's API is known, so that a
    # mirror without per-version pages costs one wasted request, not one per package.
    probing: bool = True


@dataclass
class _Lookups:
    """What one synchronous call shares between its concurrent lookups."""

    session: Session
    probe_locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    def probe_lock(self, index: str) -> asyncio.Lock:
        return self.probe_locks.setdefault(index, asyncio.Lock())


class IndexClient:
    """``PackageIndex`` over HTTP: concurrent inside, synchronous to the caller."""

    def __init__(self, settings: HttpSettings | None = None) -> None:
        settings = settings or HttpSettings()
        self._http = Transport(settings, CredentialStore(keyring=settings.keyring))
        self._indexes: dict[str, _IndexState] = {}
        # (index, project) whose Simple API page, fetched in this run, names no core
        # metadata (PEP 658) for any file: LC203's lookup need not fetch it again to see.
        self._without_metadata: set[tuple[str, str]] = set()

    @property
    def requests_made(self) -> int:
        """HTTP requests sent so far: every attempt and every redirect hop counts once."""
        return self._http.requests_made

    def add_credentials(
        self, url: str, *, user_chosen: bool = False, variables: Sequence[str] = ()
    ) -> str:
        """Register an index (credentials it carries or its variables name are kept for its
        origin only); returns the URL without them, as ``ReleaseKey.index_url`` wants it."""
        return self._http.credentials.add(url, user_chosen=user_chosen, variables=variables)

    # --- the PackageIndex interface ---------------------------------------------------

    def fetch(
        self,
        keys: Sequence[ReleaseKey],
        *,
        fresh: bool = False,  # this client keeps nothing: every answer is fresh
        progress: ProgressFn | None = None,
    ) -> dict[ReleaseKey, Release]:
        unique = list(dict.fromkeys(keys))
        done = 0

        def advance(count: int) -> None:
            nonlocal done
            done += count
            if progress is not None:
                progress(done, len(unique))

        fetched = _run_sync(self._fetch_all(unique, advance)) if unique else {}
        return {key: fetched[key] for key in unique}

    def fetch_metadata(self, keys: Sequence[ReleaseKey]) -> dict[ReleaseKey, CoreMetadata]:
        """Each release's declared dependencies (lockcheck.index.metadata has the protocol),
        over the same transport; CacheFirstIndex caches them beside the digests."""
        unique = list(dict.fromkeys(keys))
        return _run_sync(self._metadata_all(unique)) if unique else {}

    def project_status(self, index_url: str, names: Sequence[str]) -> dict[str, LookupStatus]:
        unique = list(dict.fromkeys(names))
        return _run_sync(self._statuses(index_url, unique)) if unique else {}

    # --- lookups ----------------------------------------------------------------------

    async def _fetch_all(
        self, keys: list[ReleaseKey], advance: Callable[[int], None]
    ) -> dict[ReleaseKey, Release]:
        groups: dict[tuple[str, str], list[ReleaseKey]] = {}
        for key in keys:
            groups.setdefault((key.index_url, key.name), []).append(key)
        results: dict[ReleaseKey, Release] = {}
        async with self._http.session() as session:
            shared = _Lookups(session)
            lookups = [self._lookup_group(shared, group) for group in groups.values()]
            for finished in asyncio.as_completed(lookups):
                releases = await finished
                results.update(releases)
                advance(len(releases))
        return results

    async def _lookup_group(
        self, lookups: _Lookups, keys: list[ReleaseKey]
    ) -> dict[ReleaseKey, Release]:
        """Every version of one project on one index, with as few requests as possible."""
        index = self._http.credentials.add(keys[0].index_url).rstrip("/")
        state = self._state(index)
        name = normalize_name(keys[0].name)
        versions = [key.version for key in keys]
        try:
            if len(versions) == 1 and state.probing:
                async with lookups.probe_lock(index):
                    if state.probing:
                        try:
                            found = await self._resolve(lookups, state, name, versions)
                        except FetchError:
                            state.probing = False  # a broken index: stop queueing behind it
                            raise
                        if state.json_api is False or state.version_pages is not None:
                            state.probing = False
                        return _keyed(keys, found)
            return _keyed(keys, await self._resolve(lookups, state, name, versions))
        except FetchError as error:
            return {
                key: Release(key, LookupStatus.FAILED, error=str(error), permanent=error.permanent)
                for key in keys
            }
        except Exception as error:  # a bug must not pass a package: fail closed, say why
            message = redact(f"unexpected error: {type(error).__name__}: {error}")
            return {key: Release(key, LookupStatus.FAILED, error=message) for key in keys}

    async def _resolve(
        self, lookups: _Lookups, state: _IndexState, name: str, versions: list[str]
    ) -> dict[str, tuple[LookupStatus, ReleaseFiles | None, _Api]]:
        """The protocol: JSON per-version page, Simple API in JSON, JSON project page,
        then the Simple API as it answers."""
        base = state.json_base
        json_api = base is not None and state.json_api is not False
        tried_version_page = False
        if json_api and len(versions) == 1 and state.version_pages is not False:
            tried_version_page = True
            url = f"{base}/{name}/{quote(versions[0], safe='+!')}/json"
            page = await self._json(lookups, url, lambda body: json_version_page(body, versions[0]))
            if page is not None:
                state.json_api = state.version_pages = True
                return {versions[0]: (LookupStatus.FOUND, page, _Api.JSON_VERSION)}
        no_project: dict[str, tuple[LookupStatus, ReleaseFiles | None, _Api]] = dict.fromkeys(
            versions, (LookupStatus.NO_PROJECT, None, _Api.SIMPLE)
        )
        simple: dict[str, ReleaseFiles] | None = None
        if state.simple_complete is not False or not json_api:
            simple, complete = await self._simple(lookups, state, name, versions)
            if simple is None:
                return no_project
            if tried_version_page:
                _learn_version_pages(state, simple, versions[0])
            if complete or not json_api:
                return _outcomes(versions, simple, _Api.SIMPLE)
        url = f"{base}/{name}/json"
        project = await self._json(lookups, url, lambda body: json_project_page(body, versions))
        if project is not None:
            state.json_api = True
            if tried_version_page:
                _learn_version_pages(state, project, versions[0])
            return _outcomes(versions, project, _Api.JSON_PROJECT)
        if simple is None:
            simple, _ = await self._simple(lookups, state, name, versions)
            if simple is None:
                return no_project
        if state.json_api is None:
            state.json_api = False  # the project is there, the JSON API is not
        return _outcomes(versions, simple, _Api.SIMPLE)

    async def _metadata_all(self, keys: list[ReleaseKey]) -> dict[ReleaseKey, CoreMetadata]:
        async with self._http.session() as session:

            async def get(url: str, accept: str) -> MetadataPage | None:
                page = await self._http.get(session, url, accept)
                return MetadataPage(page.url, page.content_type, page.body) if page else None

            async def one(key: ReleaseKey) -> CoreMetadata:
                index = self._http.credentials.add(key.index_url).rstrip("/")
                try:
                    state = self._state(index)
                    json_base = state.json_base if state.json_api is not False else None
                    if state.version_pages is False:
                        json_base = None  # requires_dist is on the per-version page only
                    known = (index, normalize_name(key.name))
                    if json_base is None and known in self._without_metadata:
                        return CoreMetadata(key, None, NO_CORE_METADATA, source="absent")
                    return await release_metadata(get, json_base, key)
                except FetchError as error:
                    return CoreMetadata(key, None, str(error))
                except Exception as error:  # a bug: nothing judged, never a crash
                    return CoreMetadata(key, None, redact(f"{type(error).__name__}: {error}"))

            found = await asyncio.gather(*(one(key) for key in keys))
        return {f.key: f for f in found}

    async def _statuses(self, index_url: str, names: list[str]) -> dict[str, LookupStatus]:
        index = self._http.credentials.add(index_url).rstrip("/")
        state = self._state(index)
        async with self._http.session() as session:
            lookups = _Lookups(session)
            statuses = await asyncio.gather(*(self._exists(lookups, state, n) for n in names))
        return dict(zip(names, statuses, strict=True))

    async def _exists(self, lookups: _Lookups, state: _IndexState, name: str) -> LookupStatus:
        name = normalize_name(name)
        try:
            json_first = state.json_base is not None and state.json_api is not False
            if json_first and not state.simple_complete:  # a known JSON Simple API is lighter
                url = f"{state.json_base}/{name}/json"
                page = await self._json(lookups, url, lambda body: json_project_page(body, ()))
                if page is not None:
                    state.json_api = True
                    return LookupStatus.FOUND
            found, _ = await self._simple(lookups, state, name, ())
            if found is None:
                return LookupStatus.NO_PROJECT
        except FetchError:
            return LookupStatus.FAILED
        except Exception:  # a bug or a page no reducer expected: "could not ask", not a crash
            return LookupStatus.FAILED
        return LookupStatus.FOUND

    def _state(self, index: str) -> _IndexState:
        state = self._indexes.get(index)
        if state is None:
            json_base = json_api_base(index)
            state = _IndexState(json_base, index)
            if json_base is None:
                state.json_api, state.probing = False, False
            self._indexes[index] = state
        return state

    # --- one page: request, check, reduce ---------------------------------------------

    async def _json(self, lookups: _Lookups, url: str, reduce: Callable[[bytes], T]) -> T | None:
        """A JSON API page reduced at once; None when the index says 404."""
        page = await self._get(lookups, url, _JSON_ACCEPT)
        if page is None:
            return None
        media_type, _ = parse_content_type(page.content_type)
        if media_type and media_type != "application/json" and not media_type.endswith("+json"):
            raise FetchError(f"expected JSON, got {media_type}", url)
        return _reduce(lambda: reduce(page.body), url)

    async def _simple(
        self, lookups: _Lookups, state: _IndexState, name: str, versions: list[str] | tuple[()]
    ) -> tuple[dict[str, ReleaseFiles] | None, bool]:
        """The project's Simple API page (None: 404), and whether it says all that the JSON
        API would: JSON with an upload time on every file asked for. What it says of one
        page is remembered for the index."""
        url = f"{state.simple_base}/{name}/"
        page = await self._get(lookups, url, _SIMPLE_ACCEPT)
        if page is None:
            return None, False
        if b"core-metadata" not in page.body and b"dist-info-metadata" not in page.body:
            self._without_metadata.add((state.simple_base, name))
        found = _reduce(
            lambda: simple_page(page.body, page.content_type, page.url, name, versions), url
        )
        files = [f for release in found.values() for f in release.files]
        if not files:
            return found, False  # nothing to learn from: the version is not there
        complete = all(f.upload_time is not None for f in files)
        if state.simple_complete is None:
            state.simple_complete = complete
        return found, complete

    async def _get(self, lookups: _Lookups, url: str, accept: str) -> Page | None:
        return await self._http.get(lookups.session, url, accept)


def json_api_base(index_url: str) -> str | None:
    """``https://host/simple`` -> ``https://host/pypi``; None for an index URL not ending
    in ``/simple`` (no known JSON API there)."""
    parts = urlsplit(index_url)
    path = parts.path.rstrip("/")
    if not path.lower().endswith("/simple"):
        return None
    return urlunsplit(parts._replace(path=path[: -len("/simple")] + "/pypi", query="", fragment=""))


def _learn_version_pages(state: _IndexState, found: dict[str, ReleaseFiles], version: str) -> None:
    """The release exists, its own JSON page did not: this index has none."""
    if state.version_pages is not None:
        return
    published = found.get(version)
    if published is not None and published.version == version:
        state.version_pages = False


def _outcomes(
    versions: list[str], found: dict[str, ReleaseFiles], api: _Api
) -> dict[str, tuple[LookupStatus, ReleaseFiles | None, _Api]]:
    return {
        version: (LookupStatus.FOUND, found[version], api)
        if version in found
        else (LookupStatus.NO_VERSION, None, api)
        for version in versions
    }


def _keyed(
    keys: list[ReleaseKey], outcomes: dict[str, tuple[LookupStatus, ReleaseFiles | None, _Api]]
) -> dict[ReleaseKey, Release]:
    releases: dict[ReleaseKey, Release] = {}
    for key in keys:
        status, files, api = outcomes[key.version]
        if files is None:
            releases[key] = Release(key, status, api=api.value)
        else:
            releases[key] = Release(
                key,
                status,
                files=files.files,
                yanked=files.yanked,
                yanked_reason=files.yanked_reason,
                api=api.value,
            )
    return releases


def _reduce(reduce: Callable[[], T], url: str) -> T:
    try:
        return reduce()
    except ResponseError as error:
        raise FetchError(str(error), url) from None


def _run_sync(work: Awaitable[T]) -> T:
    """Run a coroutine to completion from synchronous code, even inside an event loop."""

    async def main() -> T:
        return await work

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(main())
    with ThreadPoolExecutor(max_workers=1) as pool:  # a caller already running a loop
        return pool.submit(asyncio.run, main()).result()
