"""HTTP for package indexes: the only module that imports httpx.

It owns how a page is fetched: the connection limits, timeouts and the overall deadline,
retries with backoff (honouring Retry-After), redirects (followed here, so credentials go
only to their own origin), bounded decoding, TLS that trusts what pip trusts, and the
proxies pip would use. It knows nothing of package indexes' APIs (``client.py`` does).

Failures come out as ``FetchError``: ``permanent`` when no retry can fix them (credentials
refused, a certificate that does not verify, a URL no client can ask), so that the run can
stop with a message instead of asking the user to try again.
"""

from __future__ import annotations

import asyncio
import email.utils
import importlib.util
import os
import random
import socket
import ssl
import sys
import time
from collections.abc import AsyncIterator, Generator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

import lockcheck
from lockcheck.errors import ConfigError
from lockcheck.index.credentials import CredentialStore, Origin, origin, split_credentials
from lockcheck.index.decoding import ACCEPT_ENCODING, BoundedDecoder, DecodingError, TooLarge
from lockcheck.index.pipconfig import pip_settings
from lockcheck.urls import redact

# httpcore tries `import sniffio` on every request (to tell asyncio from trio). Without
# sniffio installed, each try searched every sys.path entry again: 1,580 failed imports in
# one --verify run. Its absence, recorded once, makes each later try fail at once, as it
# would anyway.
if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
    sys.modules["sniffio"] = None  # type: ignore[assignment]

TIMEOUT_ENV = "LOCKCHECK_TIMEOUT"
USER_AGENT = f"lockcheck/{lockcheck.__version__}"
# Waits between attempts: BACKOFF * 2**n seconds, jittered; a Retry-After is capped.
BACKOFF = 0.5
MAX_RETRY_AFTER = 60.0
# A name that does not resolve is asked once more, after this short pause (a resolver
# hiccup), and not again: retrying for seconds only delays the report.
DNS_RETRY_DELAY = 0.2
MAX_BODY = 64 * 1024 * 1024  # decoded bytes of one answer
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MAX_REDIRECTS = 10
# Where the certificates to trust may be named, beside pip's own `cert` setting.
_CA_VARIABLES = ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR")

CREDENTIALS_HELP = (
    "give the index's login in its URL's variables (UV_INDEX_<NAME>_USERNAME/_PASSWORD, "
    "POETRY_HTTP_BASIC_<SOURCE>_USERNAME/_PASSWORD), in ~/.netrc, or through the keyring "
    "(--keyring-provider subprocess)"
)
TLS_HELP = (
    "trust the index's CA: install it in the system trust store, or name its bundle with "
    "PIP_CERT, REQUESTS_CA_BUNDLE, SSL_CERT_FILE or pip's `cert` setting"
)


class FetchError(Exception):
    """A request that failed for good; the message is short, redacted and safe to show.

    ``permanent``: retrying cannot help (the run stops with exit 2). ``unreachable``: the
    host could not be connected to at all (every other request to it fails at once)."""

    def __init__(
        self,
        message: str,
        url: str | None = None,
        *,
        permanent: bool = False,
        unreachable: bool = False,
        per_host: bool = False,
    ) -> None:
        text = f"{message} ({url})" if url else message
        super().__init__(redact(text))
        self.permanent = permanent
        self.unreachable = unreachable
        self.per_host = per_host  # every URL on this host would fail the same way


class _Retryable(Exception):
    def __init__(
        self, message: str, retry_after: float | None = None, *, unreachable: bool = False
    ) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after
        self.unreachable = unreachable


class _Unresolved(_Retryable):
    """The host name does not resolve: asked once more, quickly."""


class _Refused(Exception):
    """401 or 403; the caller may ask the keyring and try once more."""

    def __init__(self, status: int, url: str) -> None:
        super().__init__(status)
        self.status = status
        self.url = url


@dataclass(frozen=True)
class Page:
    url: str  # after redirects
    content_type: str
    body: bytes


@dataclass(frozen=True)
class HttpSettings:
    """How requests are made; ``from_environment`` reads them where pip would."""

    jobs: int = 16
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    retries: int = 3
    # For one request, redirects and the whole body included.
    deadline: float = 120.0
    # Trusted beside the system store: (the setting that names it, the file or directory).
    ca_bundles: tuple[tuple[str, str], ...] = ()
    client_cert: str | None = None  # a PEM file with the certificate and its key
    proxy: str | None = None  # pip's `proxy`; else the environment's *_PROXY variables
    keyring: bool = False  # ask the `keyring` command when an index refuses a request

    def __post_init__(self) -> None:
        if self.jobs < 1:
            raise ConfigError(
                f"the number of parallel requests must be at least 1, not {self.jobs}"
            )
        if not self.deadline > 0:
            raise ConfigError(f"the request deadline must be positive, not {self.deadline}")

    @classmethod
    def from_environment(
        cls, *, jobs: int = 16, keyring: bool = False, environ: Mapping[str, str] | None = None
    ) -> HttpSettings:
        env = os.environ if environ is None else environ
        pip = pip_settings(env)
        timeout = _timeout(env)
        read = timeout if timeout is not None else 30.0
        pip_cert = "PIP_CERT" if env.get("PIP_CERT", "").strip() else "pip's cert setting"
        bundles = [(pip_cert, pip.get("cert", ""))]
        bundles += [(variable, env.get(variable, "")) for variable in _CA_VARIABLES]
        return cls(
            jobs=jobs,
            connect_timeout=timeout if timeout is not None else 10.0,
            read_timeout=read,
            retries=_retries(pip.get("retries")),
            deadline=max(120.0, 2 * read),
            ca_bundles=_unique_paths(bundles),
            client_cert=pip.get("client-cert") or None,
            proxy=pip.get("proxy") or None,
            keyring=keyring,
        )


def _unique_paths(named: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    seen: dict[str, str] = {}
    for name, path in named:
        if path.strip():
            seen.setdefault(path.strip(), name)
    return tuple((name, path) for path, name in seen.items())


def _timeout(env: Mapping[str, str]) -> float | None:
    raw = env.get(TIMEOUT_ENV, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise ConfigError(f"{TIMEOUT_ENV} must be a positive number of seconds, not {raw!r}")
    return value


def _retries(raw: str | None) -> int:
    if raw is None:
        return 3
    try:
        return max(0, int(raw))
    except ValueError:
        raise ConfigError(f"pip's retries setting must be a whole number, not {raw!r}") from None


def ssl_context(settings: HttpSettings) -> ssl.SSLContext:
    """The system trust store (as pip uses it, through truststore), plus every bundle the
    settings name, plus the client certificate. A bundle that cannot be loaded is a
    ConfigError naming it: silently trusting less would only fail later, less clearly."""
    import truststore

    context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    for setting, bundle in settings.ca_bundles:
        try:
            if Path(bundle).is_dir():
                context.load_verify_locations(capath=bundle)
            else:
                context.load_verify_locations(cafile=bundle)
        except (OSError, ssl.SSLError) as error:
            where = f"{setting}={bundle}"
            raise ConfigError(
                _load_problem("the TLS certificates to trust", where, error)
            ) from None
    if settings.client_cert:
        try:
            context.load_cert_chain(settings.client_cert)
        except (OSError, ssl.SSLError) as error:
            problem = _load_problem("the client certificate", settings.client_cert, error)
            raise ConfigError(problem) from None
    return context


def _load_problem(what: str, path: str, error: Exception) -> str:
    detail = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    return redact(f"cannot load {what} from {path}: {detail}")


class OriginAuth(httpx.Auth):
    """Basic auth for the origin (scheme, host, port) credentials belong to, and no other.

    It runs for every request, redirects included (the transport follows them itself), so
    a redirect to another host or port goes out without an ``Authorization`` header.
    """

    def __init__(self, store: CredentialStore) -> None:
        self._store = store

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers.pop("Authorization", None)
        credentials = self._store.for_url(str(request.url))
        if credentials is not None:
            request.headers["Authorization"] = credentials.authorization()
        yield request


class Session:
    """One event loop's connection pool, and the bound on requests in flight."""

    def __init__(self, client: httpx.AsyncClient, jobs: int) -> None:
        self.client = client
        self.slots = asyncio.Semaphore(jobs)


class Transport:
    """GET pages with retries; concurrent, bounded, with one credential store."""

    def __init__(self, settings: HttpSettings, credentials: CredentialStore) -> None:
        self.settings = settings
        self.credentials = credentials
        self._down: dict[Origin, str] = {}  # hosts that could not be connected to, and why
        # Hosts that refused the login or failed TLS verification: asking them again for
        # every package would only repeat the answer (and, for logins, look like an attack).
        self._refused: dict[Origin, str] = {}
        # HTTP requests sent so far: every attempt and every redirect hop counts once.
        self.requests_made = 0

    @asynccontextmanager
    async def session(self) -> AsyncIterator[Session]:
        settings = self.settings
        timeout = httpx.Timeout(
            connect=settings.connect_timeout,
            read=settings.read_timeout,
            write=settings.read_timeout,
            pool=None,  # the semaphore already bounds how many requests wait for a slot
        )
        limits = httpx.Limits(
            max_connections=settings.jobs, max_keepalive_connections=settings.jobs
        )
        client = httpx.AsyncClient(
            timeout=timeout,
            limits=limits,
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING},
            auth=OriginAuth(self.credentials),
            follow_redirects=False,
            verify=ssl_context(settings),
            proxy=settings.proxy,
            trust_env=True,  # HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY, as pip
        )
        async with client:
            yield Session(client, settings.jobs)

    async def get(self, session: Session, url: str, accept: str) -> Page | None:
        """The page at ``url``; None on a 404. Retries 429, 5xx and transport errors."""
        where = origin(url)
        attempts = self.settings.retries + 1
        asked_keyring = False
        attempt = 0
        while True:
            attempt += 1
            if where in self._refused:
                raise FetchError(self._refused[where], permanent=True)
            if where in self._down:
                raise FetchError(self._down[where], url, unreachable=True)
            try:
                async with session.slots:
                    # Timeouts bound each read, not the whole answer: an index that
                    # trickles a byte a second would otherwise hold the run open forever.
                    return await asyncio.wait_for(
                        self._follow(session.client, url, accept), self.settings.deadline
                    )
            except asyncio.TimeoutError:  # the builtin TimeoutError from 3.11 on
                # Not retried: an index this slow would only hold the run several times over.
                raise FetchError(
                    f"no complete answer within {self.settings.deadline:g} s", url
                ) from None
            except _Refused as refused:
                if not asked_keyring and await asyncio.to_thread(
                    self.credentials.from_keyring, refused.url
                ):
                    asked_keyring = True
                    attempt -= 1  # a new login is a new question, not a retry
                    continue
                error = FetchError(_refusal(refused.status), refused.url, permanent=True)
                if where is not None:
                    self._refused.setdefault(where, str(error))
                raise error from None
            except FetchError as error:
                if error.permanent and error.per_host and where is not None:
                    self._refused.setdefault(where, str(error))
                raise
            except _Retryable as problem:
                last = attempt >= (2 if isinstance(problem, _Unresolved) else attempts)
                if last:
                    times = f" after {attempt} attempts" if attempt > 1 else ""
                    message = f"{problem.message}{times}"
                    if problem.unreachable and where is not None:
                        self._down.setdefault(where, message)
                    raise FetchError(message, url, unreachable=problem.unreachable) from None
                if isinstance(problem, _Unresolved):
                    await asyncio.sleep(DNS_RETRY_DELAY)
                else:
                    await asyncio.sleep(_delay(attempt, problem.retry_after))

    async def _follow(self, client: httpx.AsyncClient, url: str, accept: str) -> Page | None:
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
                        raise FetchError(f"HTTP {response.status_code} without a Location", url)
                    target = split_credentials(str(response.url.join(location)))[0]
                finally:
                    await response.aclose()
        except httpx.TransportError as error:
            raise self._transport_problem(error, url) from None
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            raise FetchError(
                f"invalid URL: {type(error).__name__}: {error}", url, permanent=True
            ) from None
        raise FetchError("too many redirects", url)

    async def _read(self, response: httpx.Response) -> Page | None:
        status = response.status_code
        if status == 404:
            return None
        if status in (401, 403):
            raise _Refused(status, str(response.url))
        if status == 429 or 500 <= status <= 599:
            raise _Retryable(f"HTTP {status}", _retry_after(response.headers.get("retry-after")))
        if not 200 <= status <= 299:
            raise FetchError(f"HTTP {status}", str(response.url))
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY:
            raise FetchError(_too_large(), str(response.url))
        # Decoded here, not by httpx, so that the limit holds for the decoded bytes as they
        # are decoded (a doubly gzipped answer of a few KB can expand to gigabytes).
        try:
            decoder = BoundedDecoder(response.headers.get("content-encoding", ""), MAX_BODY)
            chunks: list[bytes] = []
            async for raw in response.aiter_raw():
                chunks.extend(decoder.feed(raw))
            chunks.extend(decoder.finish())
        except TooLarge:
            raise FetchError(_too_large(), str(response.url)) from None
        except DecodingError as error:
            raise FetchError(str(error), str(response.url)) from None
        content_type = response.headers.get("content-type", "")
        return Page(str(response.url), content_type, b"".join(chunks))

    def _transport_problem(self, error: httpx.TransportError, url: str) -> Exception:
        """What a transport error means: fatal, retryable, or a host not there at all."""
        settings = self.settings
        if isinstance(error, httpx.ConnectTimeout):
            return _Retryable(f"connect timeout ({settings.connect_timeout:g} s)", unreachable=True)
        if isinstance(error, (httpx.ReadTimeout, httpx.WriteTimeout)):
            return _Retryable(f"read timeout ({settings.read_timeout:g} s)")
        if isinstance(error, httpx.TimeoutException):
            return _Retryable("timeout")
        if isinstance(error, httpx.UnsupportedProtocol):
            return FetchError("invalid URL: the scheme is not http or https", url, permanent=True)
        causes = list(_causes(error))
        for cause in causes:
            if isinstance(cause, ssl.SSLCertVerificationError):
                reason = cause.verify_message or cause.reason or "unknown reason"
                return FetchError(
                    f"TLS certificate verification failed ({reason}); {TLS_HELP}",
                    url,
                    permanent=True,
                    per_host=True,
                )
        if any(isinstance(cause, socket.gaierror) for cause in causes):
            return _Unresolved("the host name does not resolve", unreachable=True)
        if any(isinstance(cause, ConnectionRefusedError) for cause in causes):
            return _Retryable("connection refused", unreachable=True)
        if any(isinstance(cause, ConnectionResetError) for cause in causes):
            return _Retryable("connection reset")
        if isinstance(error, httpx.RemoteProtocolError):
            return _Retryable(f"connection closed by the server: {error}")
        detail = str(error) or type(error).__name__
        return _Retryable(
            f"network error: {detail[:200]}", unreachable=isinstance(error, httpx.ConnectError)
        )


def _refusal(status: int) -> str:
    if status == 401:
        return f"HTTP 401: the index wants a login; {CREDENTIALS_HELP}"
    return f"HTTP 403: the index refused this login or this client; {CREDENTIALS_HELP}"


def _too_large() -> str:
    mib, rest = divmod(MAX_BODY, 1024 * 1024)
    limit = f"{mib} MiB" if mib and not rest else f"{MAX_BODY} bytes"
    return f"response larger than {limit}"


def _delay(attempt: int, retry_after: float | None) -> float:
    if retry_after is None:
        # Exponential, with jitter so that parallel lookups do not retry in lockstep.
        retry_after = BACKOFF * 2 ** (attempt - 1) * random.uniform(0.5, 1.5)
    return max(0.0, min(retry_after, MAX_RETRY_AFTER))


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
