"""The HTTP client for package indexes: the only module that imports httpx.

Per index it speaks the JSON API (per-version pages, else project pages) and falls back to
the Simple API (PEP 691 JSON or PEP 503 HTML) when an index has no JSON API. What works is
learnt once per index and remembered. Only a definitive 404 says "not published";
everything else that goes wrong, after retries, is a failed lookup, which is never a pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import os
import random
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import TypeVar
from urllib.parse import quote, urlsplit, urlunsplit

import httpx

import lockcheck
from lockcheck.errors import ConfigError
from lockcheck.index.credentials import CredentialStore, split_credentials
from lockcheck.index.decoding import ACCEPT_ENCODING, BoundedDecoder, DecodingError, TooLarge
from lockcheck.index.interface import (
    MAX_CACHE_AGE,
    CacheStore,
    LookupStatus,
    ProgressFn,
    Release,
    ReleaseKey,
    read_cached,
)
from lockcheck.index.metadata import (
    CoreMetadata,
    read_metadata,
    release_metadata,
    store_metadata,
)
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

TIMEOUT_ENV = "LOCKCHECK_TIMEOUT"
_JSON_ACCEPT = "application/json"
_SIMPLE_ACCEPT = "application/vnd.pypi.simple.v1+json, text/html;q=0.1"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MAX_REDIRECTS = 10
# Environment variables that name the certificates to trust (httpx reads the SSL_ ones).
_CERT_VARIABLES = ("SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "PIP_CERT")


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
    # Single-version lookups go one at a time until the index's API is known, so that a
    # mirror without per-version pages costs one wasted request, not one per package.
    probing: bool = True


class _Failed(Exception):
    """A lookup that failed for good: the message is short and safe to show."""

    def __init__(self, message: str, url: str | None = None) -> None:
        text = f"{message} ({url})" if url else message
        super().__init__(redact(text))


class _Retryable(Exception):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


@dataclass(frozen=True)
class _Page:
    url: str  # after redirects
    content_type: str
    body: bytes


@dataclass
class _Session:
    """What one synchronous call shares between its concurrent lookups."""

    client: httpx.AsyncClient
    slots: asyncio.Semaphore
    probe_locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    def probe_lock(self, index: str) -> asyncio.Lock:
        return self.probe_locks.setdefault(index, asyncio.Lock())


class OriginAuth(httpx.Auth):
    """Basic auth for the origin (scheme, host, port) credentials belong to, and no other.

    It runs for every request, redirects included (the client follows them itself), so a
    redirect to another host or port goes out without an ``Authorization`` header.
    """

    def __init__(self, store: CredentialStore) -> None:
        self._store = store

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers.pop("Authorization", None)
        credentials = self._store.for_url(str(request.url))
        if credentials is not None:
            request.headers["Authorization"] = credentials.authorization()
        yield request


class IndexClient:
    """``PackageIndex`` over HTTP: concurrent inside, synchronous to the caller."""

    def __init__(
        self,
        *,
        jobs: int = 16,
        connect_timeout: float | None = None,  # default 10 s, or $LOCKCHECK_TIMEOUT
        read_timeout: float | None = None,  # default 30 s, or $LOCKCHECK_TIMEOUT
        retries: int = 3,
        backoff: float = 0.5,
        max_retry_after: float = 60.0,
        max_body: int = 64 * 1024 * 1024,
        # For one request, redirects and the whole body included; default 120 s, or twice
        # the read timeout if that is longer.
        deadline: float | None = None,
        cache: CacheStore | None = None,
        max_cache_age: float = MAX_CACHE_AGE,
        credentials: Iterable[str] = (),
        use_netrc: bool = True,
        user_agent: str | None = None,
    ) -> None:
        if jobs < 1:
            raise ConfigError(f"the number of parallel requests must be at least 1, not {jobs}")
        from_env = _timeout_from_env()
        self._connect_timeout = _first(connect_timeout, from_env, 10.0)
        self._read_timeout = _first(read_timeout, from_env, 30.0)
        self._jobs = jobs
        self._retries = max(0, retries)
        self._backoff = backoff
        self._max_retry_after = max_retry_after
        self._max_body = max_body
        if deadline is None:
            deadline = max(120.0, 2 * self._read_timeout)
        if not deadline > 0:
            raise ConfigError(f"the request deadline must be positive, not {deadline}")
        self._deadline = deadline
        self._cache = cache
        self._max_cache_age = max_cache_age
        self._credentials = CredentialStore(use_netrc=use_netrc)
        for url in credentials:
            self._credentials.add(url)
        self._user_agent = user_agent or f"lockcheck/{lockcheck.__version__}"
        self._indexes: dict[str, _IndexState] = {}
        # HTTP requests sent so far: every attempt and every redirect hop counts once.
        self.requests_made = 0

    def add_credentials(self, url: str, *, user_chosen: bool = False) -> str:
        """Remember the credentials an index URL carries (for its origin only); returns the
        URL without them, as ``ReleaseKey.index_url`` wants it."""
        return self._credentials.add(url, user_chosen=user_chosen)

    # --- the PackageIndex interface ---------------------------------------------------

    def fetch(
        self,
        keys: Sequence[ReleaseKey],
        *,
        fresh: bool = False,
        progress: ProgressFn | None = None,
    ) -> dict[ReleaseKey, Release]:
        unique = list(dict.fromkeys(keys))
        results: dict[ReleaseKey, Release] = {}
        stale: dict[ReleaseKey, float] = {}  # key -> age of the cached entry
        if not fresh and self._cache is not None:
            results, stale = read_cached(self._cache, unique, self._max_cache_age)
        done = len(results)
        if progress is not None and done:
            progress(done, len(unique))

        def advance(count: int) -> None:
            nonlocal done
            done += count
            if progress is not None:
                progress(done, len(unique))

        todo = [key for key in unique if key not in results]
        fetched = _run_sync(self._fetch_all(todo, advance)) if todo else {}
        for key, release in fetched.items():
            results[key] = self._settle(release, stale.get(key))
        return {key: results[key] for key in unique}

    def project_status(self, index_url: str, names: Sequence[str]) -> dict[str, LookupStatus]:
        unique = list(dict.fromkeys(names))
        return _run_sync(self._statuses(index_url, unique)) if unique else {}

    def fetch_metadata(self, keys: Sequence[ReleaseKey]) -> dict[ReleaseKey, CoreMetadata]:
        """Each release's declared dependencies (lockcheck.index.metadata has the protocol);
        over the same transport, cached beside the digests."""
        unique = list(dict.fromkeys(keys))
        results = read_metadata(self._cache, unique)
        todo = [key for key in unique if key not in results]
        if todo:
            fetched = _run_sync(self._metadata_all(todo))
            for found in fetched.values():
                store_metadata(self._cache, found)
            results.update(fetched)
        return {key: results[key] for key in unique}

    async def _metadata_all(self, keys: list[ReleaseKey]) -> dict[ReleaseKey, CoreMetadata]:
        async with self._session() as session:

            async def get(url: str, accept: str) -> MetadataPage | None:
                page = await self._get(session, url, accept)
                return MetadataPage(page.url, page.content_type, page.body) if page else None

            async def one(key: ReleaseKey) -> CoreMetadata:
                index = self._credentials.add(key.index_url).rstrip("/")
                try:
                    state = self._state(index)
                    json_base = state.json_base if state.json_api is not False else None
                    return await release_metadata(get, json_base, key)
                except _Failed as error:
                    return CoreMetadata(key, None, str(error))
                except Exception as error:  # a bug: nothing judged, never a crash
                    return CoreMetadata(key, None, redact(f"{type(error).__name__}: {error}"))

            found = await asyncio.gather(*(one(key) for key in keys))
        return {f.key: f for f in found}

    # --- cache ------------------------------------------------------------------------

    def _settle(self, release: Release, stale_age: float | None) -> Release:
        """Store what is worth storing; fail closed when a stale entry could not be renewed."""
        if release.status is LookupStatus.FOUND and self._cache is not None:
            with contextlib.suppress(Exception):  # as above: caching is best effort
                self._cache.put(release)
        if release.status is LookupStatus.FAILED and stale_age is not None:
            note = (
                f"the cached entry is {stale_age / 60:.0f} min old, too old to trust for "
                "yank status"
            )
            return replace(release, error=f"{release.error}; {note}")
        return release

    # --- lookups ----------------------------------------------------------------------

    async def _fetch_all(
        self, keys: list[ReleaseKey], advance: Callable[[int], None]
    ) -> dict[ReleaseKey, Release]:
        groups: dict[tuple[str, str], list[ReleaseKey]] = {}
        for key in keys:
            groups.setdefault((key.index_url, key.name), []).append(key)
        results: dict[ReleaseKey, Release] = {}
        async with self._session() as session:
            lookups = [self._lookup_group(session, group) for group in groups.values()]
            for finished in asyncio.as_completed(lookups):
                releases = await finished
                results.update(releases)
                advance(len(releases))
        return results

    async def _lookup_group(
        self, session: _Session, keys: list[ReleaseKey]
    ) -> dict[ReleaseKey, Release]:
        """Every version of one project on one index, with as few requests as possible."""
        index = self._credentials.add(keys[0].index_url).rstrip("/")
        state = self._state(index)
        name = normalize_name(keys[0].name)
        versions = [key.version for key in keys]
        try:
            if len(versions) == 1 and state.probing:
                async with session.probe_lock(index):
                    if state.probing:
                        try:
                            found = await self._resolve(session, state, name, versions)
                        except _Failed:
                            state.probing = False  # a broken index: stop queueing behind it
                            raise
                        if state.json_api is False or state.version_pages is not None:
                            state.probing = False
                        return _keyed(keys, found)
            return _keyed(keys, await self._resolve(session, state, name, versions))
        except _Failed as error:
            return {key: Release(key, LookupStatus.FAILED, error=str(error)) for key in keys}
        except Exception as error:  # a bug must not pass a package: fail closed, say why
            message = redact(f"unexpected error: {type(error).__name__}: {error}")
            return {key: Release(key, LookupStatus.FAILED, error=message) for key in keys}

    async def _resolve(
        self, session: _Session, state: _IndexState, name: str, versions: list[str]
    ) -> dict[str, tuple[LookupStatus, ReleaseFiles | None, _Api]]:
        """The protocol: JSON per-version page, JSON project page, then the Simple API."""
        base = state.json_base
        if base is not None and state.json_api is not False:
            tried_version_page = False
            if len(versions) == 1 and state.version_pages is not False:
                tried_version_page = True
                url = f"{base}/{name}/{quote(versions[0], safe='+!')}/json"
                page = await self._json(
                    session, url, lambda body: json_version_page(body, versions[0])
                )
                if page is not None:
                    state.json_api = state.version_pages = True
                    return {versions[0]: (LookupStatus.FOUND, page, _Api.JSON_VERSION)}
            url = f"{base}/{name}/json"
            project = await self._json(session, url, lambda body: json_project_page(body, versions))
            if project is not None:
                state.json_api = True
                published = project.get(versions[0])
                if (
                    tried_version_page
                    and state.version_pages is None
                    and published is not None
                    and published.version == versions[0]
                ):
                    # The release exists, its own page does not: this index has none.
                    state.version_pages = False
                return _outcomes(versions, project, _Api.JSON_PROJECT)
        simple = await self._simple(session, state, name, versions)
        if simple is None:
            return dict.fromkeys(versions, (LookupStatus.NO_PROJECT, None, _Api.SIMPLE))
        if base is not None and state.json_api is None:
            state.json_api = False  # the project is there, the JSON API is not
        return _outcomes(versions, simple, _Api.SIMPLE)

    async def _statuses(self, index_url: str, names: list[str]) -> dict[str, LookupStatus]:
        index = self._credentials.add(index_url).rstrip("/")
        state = self._state(index)
        async with self._session() as session:
            statuses = await asyncio.gather(*(self._exists(session, state, n) for n in names))
        return dict(zip(names, statuses, strict=True))

    async def _exists(self, session: _Session, state: _IndexState, name: str) -> LookupStatus:
        name = normalize_name(name)
        try:
            if state.json_base is not None and state.json_api is not False:
                url = f"{state.json_base}/{name}/json"
                page = await self._json(session, url, lambda body: json_project_page(body, ()))
                if page is not None:
                    state.json_api = True
                    return LookupStatus.FOUND
            if await self._simple(session, state, name, ()) is None:
                return LookupStatus.NO_PROJECT
        except _Failed:
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

    async def _json(self, session: _Session, url: str, reduce: Callable[[bytes], T]) -> T | None:
        """A JSON API page reduced at once; None when the index says 404."""
        page = await self._get(session, url, _JSON_ACCEPT)
        if page is None:
            return None
        media_type, _ = parse_content_type(page.content_type)
        if media_type and media_type != "application/json" and not media_type.endswith("+json"):
            raise _Failed(f"expected JSON, got {media_type}", url)
        return _reduce(lambda: reduce(page.body), url)

    async def _simple(
        self, session: _Session, state: _IndexState, name: str, versions: list[str] | tuple[()]
    ) -> dict[str, ReleaseFiles] | None:
        url = f"{state.simple_base}/{name}/"
        page = await self._get(session, url, _SIMPLE_ACCEPT)
        if page is None:
            return None
        return _reduce(
            lambda: simple_page(page.body, page.content_type, page.url, name, versions), url
        )

    async def _get(self, session: _Session, url: str, accept: str) -> _Page | None:
        """GET with retries on 429, 5xx and transport errors; None on a 404."""
        attempts = self._retries + 1
        for attempt in range(1, attempts + 1):
            try:
                async with session.slots:
                    # Timeouts bound each read, not the whole answer: an index that
                    # trickles a byte a second would otherwise hold the run open forever.
                    return await asyncio.wait_for(
                        self._follow(session.client, url, accept), self._deadline
                    )
            except asyncio.TimeoutError:  # the builtin TimeoutError from 3.11 on
                # Not retried: an index this slow would only hold the run several times over.
                raise _Failed(f"no complete answer within {self._deadline:g} s", url) from None
            except _Retryable as problem:
                if attempt == attempts:
                    times = f" after {attempts} attempts" if attempts > 1 else ""
                    raise _Failed(f"{problem.message}{times}", url) from None
                await asyncio.sleep(self._delay(attempt, problem.retry_after))
        raise AssertionError("unreachable")  # pragma: no cover

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is None:
            # Exponential, with jitter so that parallel lookups do not retry in lockstep.
            retry_after = self._backoff * 2 ** (attempt - 1) * random.uniform(0.5, 1.5)
        return max(0.0, min(retry_after, self._max_retry_after))

    async def _follow(self, client: httpx.AsyncClient, url: str, accept: str) -> _Page | None:
        """One attempt. Redirects are followed here, not by httpx, so that every hop goes
        through ``OriginAuth`` again."""
        target = url
        try:
            for _ in range(_MAX_REDIRECTS + 1):
                request = client.build_request("GET", target, headers={"Accept": accept})
                self.requests_made += 1
                response = await client.send(request, stream=True)
                try:
                    location = response.headers.get("location")
                    if response.status_code not in _REDIRECTS:
                        return await self._read(response)
                    if not location:
                        raise _Failed(f"HTTP {response.status_code} without a Location", url)
                    target = split_credentials(str(response.url.join(location)))[0]
                finally:
                    await response.aclose()
        except httpx.TransportError as error:
            message, retry = self._describe(error)
            if retry:
                raise _Retryable(message) from None
            raise _Failed(message, url) from None
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            raise _Failed(f"{type(error).__name__}: {error}", url) from None
        raise _Failed("too many redirects", url)

    async def _read(self, response: httpx.Response) -> _Page | None:
        status = response.status_code
        if status == 404:
            return None
        if status == 429 or 500 <= status <= 599:
            raise _Retryable(f"HTTP {status}", _retry_after(response.headers.get("retry-after")))
        if not 200 <= status <= 299:
            hint = " (credentials missing or refused)" if status in (401, 403) else ""
            raise _Failed(f"HTTP {status}{hint}", str(response.url))
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._max_body:
            raise _Failed(self._too_large(), str(response.url))
        # Decoded here, not by httpx, so that the limit holds for the decoded bytes as they
        # are decoded (a doubly gzipped answer of a few KB can expand to gigabytes).
        try:
            decoder = BoundedDecoder(response.headers.get("content-encoding", ""), self._max_body)
            chunks: list[bytes] = []
            async for raw in response.aiter_raw():
                chunks.extend(decoder.feed(raw))
            chunks.extend(decoder.finish())
        except TooLarge:
            raise _Failed(self._too_large(), str(response.url)) from None
        except DecodingError as error:
            raise _Failed(str(error), str(response.url)) from None
        content_type = response.headers.get("content-type", "")
        return _Page(str(response.url), content_type, b"".join(chunks))

    def _too_large(self) -> str:
        mib, rest = divmod(self._max_body, 1024 * 1024)
        limit = f"{mib} MiB" if mib and not rest else f"{self._max_body} bytes"
        return f"response larger than {limit}"

    def _describe(self, error: httpx.TransportError) -> tuple[str, bool]:
        """A short message for a transport error, and whether trying again may help."""
        if isinstance(error, httpx.ConnectTimeout):
            return f"connect timeout ({self._connect_timeout:g} s)", True
        if isinstance(error, (httpx.ReadTimeout, httpx.WriteTimeout)):
            return f"read timeout ({self._read_timeout:g} s)", True
        if isinstance(error, httpx.TimeoutException):
            return "timeout", True
        if isinstance(error, httpx.UnsupportedProtocol):
            return "unsupported URL scheme", False
        causes = list(_causes(error))
        if any(isinstance(cause, ssl.SSLCertVerificationError) for cause in causes):
            return "TLS certificate verification failed", False
        if any(isinstance(cause, ConnectionRefusedError) for cause in causes):
            return "connection refused", True
        if any(isinstance(cause, ConnectionResetError) for cause in causes):
            return "connection reset", True
        if isinstance(error, httpx.RemoteProtocolError):
            return f"connection closed by the server: {error}", True
        detail = str(error) or type(error).__name__
        return f"network error: {detail[:200]}", True

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[_Session]:
        timeout = httpx.Timeout(
            connect=self._connect_timeout,
            read=self._read_timeout,
            write=self._read_timeout,
            pool=None,  # the semaphore already bounds how many requests wait for a slot
        )
        limits = httpx.Limits(max_connections=self._jobs, max_keepalive_connections=self._jobs)
        try:
            client = httpx.AsyncClient(
                timeout=timeout,
                limits=limits,
                headers={"User-Agent": self._user_agent, "Accept-Encoding": ACCEPT_ENCODING},
                auth=OriginAuth(self._credentials),
                follow_redirects=False,
            )
        except (OSError, ssl.SSLError) as error:  # the trust store named in the environment
            raise ConfigError(_trust_store_problem(error)) from None
        async with client:
            yield _Session(client, asyncio.Semaphore(self._jobs))


def _trust_store_problem(error: Exception) -> str:
    values = {v: os.environ.get(v, "") for v in _CERT_VARIABLES}
    missing = [f"{v}={value}" for v, value in values.items() if value and not os.path.exists(value)]
    where = f" ({', '.join(missing)})" if missing else ""
    detail = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    return redact(f"cannot load the TLS certificates to trust{where}: {detail}")


def json_api_base(index_url: str) -> str | None:
    """``https://host/simple`` -> ``https://host/pypi``; None for an index URL not ending
    in ``/simple`` (no known JSON API there)."""
    parts = urlsplit(index_url)
    path = parts.path.rstrip("/")
    if not path.lower().endswith("/simple"):
        return None
    return urlunsplit(parts._replace(path=path[: -len("/simple")] + "/pypi", query="", fragment=""))


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
        raise _Failed(str(error), url) from None


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds, given as seconds or as an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _causes(error: BaseException) -> Iterable[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _timeout_from_env() -> float | None:
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise ConfigError(f"{TIMEOUT_ENV} must be a positive number of seconds, not {raw!r}")
    return value


def _first(*values: float | None) -> float:
    return next(value for value in values if value is not None)


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
