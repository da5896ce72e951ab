"""A package index for tests: PyPI-shaped, on a real HTTP server on 127.0.0.1.

    with local_server() as server:
        index = FakeIndex(server, mode="project-json-only")
        index.add_file("demo", "1.0", "demo-1.0-py3-none-any.whl", sha256="ab" * 32)
        index.fail("demo", 503, times=2)          # then it recovers
        ... IndexClient().fetch([ReleaseKey(index.url, "demo", "1.0")]) ...
        assert index.count("/pypi/demo/json") == 1

Modes: ``json`` (per-version and project JSON pages, and the Simple API), ``mirror`` (every
per-version page 404s, as on some mirrors; project pages and the Simple API in JSON),
``project-json-only`` (the JSON API's project pages, and a Simple API in HTML only),
``simple-json`` (no JSON API; the Simple API answers PEP 691 JSON to clients that ask for
it, HTML otherwise) and ``simple-html`` (PEP 503 HTML only). Faults are injected per path (``/pypi/demo/json``), per project
(``demo``: every page of it) or for everything (``*``). Every request is recorded.

Beside it: ``RawServer`` (a socket that resets or truncates every connection, on the
``SocketServer`` scaffold) and ``closed_port_url`` (connection refused), for the transport
failures HTTP servers cannot fake.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import socket
import ssl
import struct
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

from packaging.version import InvalidVersion, Version
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from lockcheck.model import Artifact, LockedPackage, SourceKind, normalize_name
from lockcheck.parsers import detect_format, parse_lockfile
from lockcheck.tomlcompat import toml_module

MODES = ("json", "mirror", "project-json-only", "simple-json", "simple-html")
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
DEFAULT_UPLOAD_TIME = "2026-01-02T03:04:05.678901Z"


@contextmanager
def local_server(
    host: str = "127.0.0.1", ssl_context: ssl.SSLContext | None = None
) -> Iterator[HTTPServer]:
    """A threaded HTTP server on ``host`` and a free port (pytest's ``httpserver`` fixture
    listens on "localhost", which may not be 127.0.0.1); HTTPS with ``ssl_context``."""
    server = HTTPServer(host=host, port=0, ssl_context=ssl_context, threaded=True)
    server.start()
    try:
        yield server
    finally:
        server.clear()
        server.stop()


@dataclass
class IndexFile:
    filename: str
    digests: dict[str, str]
    size: int | None = None
    upload_time: str | None = DEFAULT_UPLOAD_TIME
    yanked: bool | str = False  # a string: yanked, with that reason ("" for none)


@dataclass
class Fault:
    """A canned answer (or a delay before the real one) for matching requests."""

    status: int | None = None  # None: answer normally (after the delay)
    body: bytes = b""
    content_type: str = "text/plain"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    times: int | None = None  # None: forever
    chunked: bool = False  # send the body without a Content-Length


@dataclass(frozen=True)
class SeenRequest:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    started: float  # time.monotonic() when the server got it


@dataclass(frozen=True)
class _Route:
    kind: str  # "simple-root", "simple", "project-json", "version-json", "file", "other"
    name: str | None = None  # as written in the path
    version: str | None = None


class FakeIndex:
    """A fake index on ``server``; ``url`` is the index URL (ending in ``/simple``)."""

    def __init__(
        self,
        server: HTTPServer,
        mode: str = "json",
        *,
        root: str = "",
        simple_path: str = "/simple",
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        self.server = server
        self.mode = mode
        self.root = root.rstrip("/")  # several indexes can share one server
        self.simple_path = simple_path.rstrip("/")
        self.base = f"http://{server.host}:{server.port}"
        self.projects: dict[str, dict[str, list[IndexFile]]] = {}  # name -> version -> files
        self.display_names: dict[str, str] = {}
        self.requests: list[SeenRequest] = []
        self.max_in_flight = 0
        self._faults: list[tuple[str, Fault]] = []
        self._in_flight = 0
        self._lock = threading.Lock()
        # Only this index's paths: several indexes (roots) can share one server.
        prefixes = "|".join(re.escape(p) for p in (self.simple_path, "/pypi", "/packages"))
        pattern = re.compile(f"^{re.escape(self.root)}({prefixes})(/|$)")
        server.expect_request(pattern).respond_with_handler(self._handle)

    @property
    def url(self) -> str:
        return f"{self.base}{self.root}{self.simple_path}"

    # --- content ----------------------------------------------------------------------

    def add_release(self, name: str, version: str) -> None:
        """A release (possibly without files)."""
        key = normalize_name(name)
        self.display_names.setdefault(key, name)
        self.projects.setdefault(key, {}).setdefault(version, [])

    def add_file(
        self,
        name: str,
        version: str,
        filename: str,
        sha256: str | None = None,
        *,
        digests: Mapping[str, str] | None = None,
        size: int | None = None,
        upload_time: str | None = DEFAULT_UPLOAD_TIME,
        yanked: bool | str = False,
    ) -> IndexFile:
        """Publish a file. Without ``sha256``/``digests`` its digest is the sha256 of its
        name (see ``fake_digest``)."""
        published = dict(digests or {})
        if sha256 is not None or not published:
            published["sha256"] = sha256 or fake_digest(filename)
        entry = IndexFile(filename, published, size, upload_time, yanked)
        self.add_release(name, version)
        self.projects[normalize_name(name)][version].append(entry)
        return entry

    def add_locked(self, package: LockedPackage, artifact: Artifact) -> IndexFile:
        """Publish a file as a lock records it (``locked_files``): its digests, size and
        upload time, as the real index had them."""
        assert package.version is not None and artifact.filename is not None
        return self.add_file(
            package.name,
            package.version,
            artifact.filename,
            digests={h.algorithm: h.digest for h in artifact.hashes},
            size=artifact.size,
            upload_time=artifact.upload_time,
        )

    def yank(self, name: str, version: str, reason: str = "") -> None:
        """Yank a whole release (every file of it)."""
        for entry in self.projects[normalize_name(name)][version]:
            entry.yanked = reason

    def add_from_uv_lock(self, path: str | Path, registry: str | None = None) -> int:
        """Publish every registry artifact of a uv.lock (name, version, filename from the
        URL, hash, size, upload time), optionally only those of one registry. Returns how
        many files were added."""
        data = toml_module().loads(Path(path).read_text(encoding="utf-8"))
        added = 0
        for package in data.get("package", []):
            source = package.get("source", {})
            if "registry" not in source or (registry and source["registry"] != registry):
                continue
            artifacts = [package["sdist"]] if "sdist" in package else []
            artifacts += package.get("wheels", [])
            for artifact in artifacts:
                if "url" not in artifact or "hash" not in artifact:
                    continue
                algorithm, _, digest = artifact["hash"].partition(":")
                self.add_file(
                    package["name"],
                    package["version"],
                    unquote(urlsplit(artifact["url"]).path.rsplit("/", 1)[-1]),
                    digests={algorithm: digest},
                    size=artifact.get("size"),
                    upload_time=artifact.get("upload-time"),
                )
                added += 1
        return added

    # --- faults -----------------------------------------------------------------------

    def inject(self, target: str, fault: Fault) -> Fault:
        """``target``: a path (starts with "/", without ``root``), a project name, or "*"."""
        with self._lock:
            self._faults.append((target, fault))
        return fault

    def fail(
        self,
        target: str,
        status: int,
        *,
        times: int | None = None,
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
    ) -> Fault:
        """Answer ``status`` (a 5xx, a 429 with Retry-After, a 302 with Location, ...)."""
        return self.inject(target, Fault(status, body, headers=dict(headers or {}), times=times))

    def delay(self, target: str, seconds: float, *, times: int | None = None) -> Fault:
        """Wait before answering normally."""
        return self.inject(target, Fault(delay=seconds, times=times))

    def respond_raw(
        self,
        target: str,
        body: bytes | str,
        *,
        content_type: str = "application/json",
        status: int = 200,
        times: int | None = None,
        headers: Mapping[str, str] | None = None,
        chunked: bool = False,
    ) -> Fault:
        """Answer exactly this body (truncated JSON, an HTML page with 200, ...)."""
        data = body.encode() if isinstance(body, str) else body
        fault = Fault(status, data, content_type, dict(headers or {}), times=times)
        fault.chunked = chunked
        return self.inject(target, fault)

    def redirect(
        self, target: str, location: str, *, status: int = 302, times: int | None = None
    ) -> Fault:
        return self.fail(target, status, headers={"Location": location}, times=times)

    # --- what the server saw ----------------------------------------------------------

    def count(self, path: str | None = None, *, prefix: str | None = None) -> int:
        """Requests seen (for ``path`` exactly, or paths starting with ``prefix``); paths
        are without ``root``."""
        with self._lock:
            paths = [r.path for r in self.requests]
        if path is not None:
            return paths.count(path)
        if prefix is not None:
            return sum(p.startswith(prefix) for p in paths)
        return len(paths)

    def paths(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]

    def reset_log(self) -> None:
        with self._lock:
            self.requests.clear()
            self.max_in_flight = 0

    # --- serving ----------------------------------------------------------------------

    def _handle(self, request: Request) -> Response:
        path = request.path[len(self.root) :]
        seen = SeenRequest(
            request.method, path, {k.lower(): v for k, v in request.headers}, time.monotonic()
        )
        route = self._route(path)
        with self._lock:
            self.requests.append(seen)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            fault = self._take_fault(path, route)
        try:
            if fault is not None and fault.delay:
                time.sleep(fault.delay)
            if fault is not None and fault.status is not None:
                # An iterable body has no known length: werkzeug sends it chunked.
                body = iter([fault.body]) if fault.chunked else fault.body
                return Response(body, fault.status, fault.headers, content_type=fault.content_type)
            return self._serve(request, route)
        finally:
            with self._lock:
                self._in_flight -= 1

    def _take_fault(self, path: str, route: _Route) -> Fault | None:
        project = normalize_name(route.name) if route.name else None
        for index, (target, fault) in enumerate(self._faults):
            matches = (
                target == "*" or target == path or (project and normalize_name(target) == project)
            )
            if not matches:
                continue
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    del self._faults[index]
            return fault
        return None

    def _route(self, path: str) -> _Route:
        simple = self.simple_path
        if path in (simple, simple + "/"):
            return _Route("simple-root")
        if path.startswith(simple + "/"):
            parts = path[len(simple) + 1 :].strip("/").split("/")
            return _Route("simple", unquote(parts[0])) if len(parts) == 1 else _Route("other")
        if path.startswith("/pypi/") and path.endswith("/json"):
            parts = path[len("/pypi/") : -len("/json")].split("/")
            if len(parts) == 1:
                return _Route("project-json", unquote(parts[0]))
            if len(parts) == 2:
                return _Route("version-json", unquote(parts[0]), unquote(parts[1]))
        if path.startswith("/packages/"):
            return _Route("file")
        return _Route("other")

    def _serve(self, request: Request, route: _Route) -> Response:
        if route.kind == "simple-root":
            return self._simple_root()
        if route.name is None:
            return _not_found()
        key = normalize_name(route.name)
        releases = self.projects.get(key)
        if releases is None:
            return _not_found()
        if route.name != key:  # like PyPI: one canonical URL per project
            where = request.path.replace(f"/{route.name}/", f"/{key}/", 1)
            return Response(b"", 301, {"Location": where})
        if route.kind == "simple":
            return self._simple_page(request, key, releases)
        if self.mode in ("simple-json", "simple-html"):
            return _not_found()
        if route.kind == "project-json":
            return _json(self._project_json(key, releases))
        if self.mode in ("mirror", "project-json-only") or route.version not in releases:
            return _not_found()
        return _json(self._version_json(key, route.version, releases[route.version]))

    # --- the pages --------------------------------------------------------------------

    def _file_url(self, filename: str) -> str:
        return f"{self.base}{self.root}/packages/{filename}"

    def _json_api_file(self, entry: IndexFile) -> dict[str, Any]:
        upload = entry.upload_time
        return {
            "filename": entry.filename,
            "url": self._file_url(entry.filename),
            "digests": dict(entry.digests),
            "size": entry.size,
            "upload_time": upload[:19] if upload else None,
            "upload_time_iso_8601": upload,
            "packagetype": "bdist_wheel" if entry.filename.endswith(".whl") else "sdist",
            "requires_python": None,
            "yanked": entry.yanked is not False,
            "yanked_reason": _reason(entry),
        }

    def _info(self, key: str, version: str, files: list[IndexFile]) -> dict[str, Any]:
        yanked = bool(files) and all(f.yanked is not False for f in files)
        reasons = [reason for f in files if (reason := _reason(f))]
        return {
            "name": self.display_names[key],
            "version": version,
            "yanked": yanked,
            "yanked_reason": reasons[0] if yanked and reasons else None,
        }

    def _version_json(self, key: str, version: str, files: list[IndexFile]) -> dict[str, Any]:
        return {
            "info": self._info(key, version, files),
            "urls": [self._json_api_file(f) for f in files],
            "vulnerabilities": [],
        }

    def _project_json(self, key: str, releases: dict[str, list[IndexFile]]) -> dict[str, Any]:
        latest = max(releases, key=_sort_key)
        return {
            "info": self._info(key, latest, releases[latest]),
            "releases": {v: [self._json_api_file(f) for f in fs] for v, fs in releases.items()},
            "urls": [self._json_api_file(f) for f in releases[latest]],
            "vulnerabilities": [],
        }

    def _simple_page(
        self, request: Request, key: str, releases: dict[str, list[IndexFile]]
    ) -> Response:
        files = [f for version in releases.values() for f in version]
        wants_json = SIMPLE_JSON in request.headers.get("Accept", "")
        if self.mode not in ("simple-html", "project-json-only") and wants_json:
            page = {
                "meta": {"api-version": "1.1"},
                "name": key,
                "versions": list(releases),
                "files": [self._simple_json_file(f) for f in files],
            }
            return Response(json.dumps(page), 200, content_type=SIMPLE_JSON)
        links = "\n".join(_anchor(f) for f in files)
        body = (
            "<!DOCTYPE html>\n<html><head>"
            '<meta name="pypi:repository-version" content="1.1">'
            f"<title>Links for {html.escape(key)}</title></head>\n<body>"
            f"<h1>Links for {html.escape(key)}</h1>\n{links}\n</body></html>\n"
        )
        return Response(body, 200, content_type="text/html; charset=utf-8")

    def _simple_json_file(self, entry: IndexFile) -> dict[str, Any]:
        data: dict[str, Any] = {
            "filename": entry.filename,
            "url": self._file_url(entry.filename),
            "hashes": dict(entry.digests),
            "requires-python": None,
            # PEP 691: a reason string, or true/false
            "yanked": _reason(entry) or entry.yanked is not False,
        }
        if entry.size is not None:
            data["size"] = entry.size
        if entry.upload_time is not None:
            data["upload-time"] = entry.upload_time
        return data

    def _simple_root(self) -> Response:
        links = "".join(f'<a href="{k}/">{k}</a>\n' for k in sorted(self.projects))
        return Response(f"<html><body>\n{links}</body></html>", 200, content_type="text/html")


def locked_files(path: Path | str) -> Iterator[tuple[LockedPackage, Artifact]]:
    """The files a lock has a hash for, of its registry packages, in the lock's order:
    what an index publishes for the lock to verify (see ``FakeIndex.add_locked``)."""
    fmt = detect_format(str(path))
    assert fmt is not None, path
    for package in parse_lockfile(str(path), fmt).packages:
        if package.source.kind is not SourceKind.REGISTRY or package.version is None:
            continue
        for artifact in package.artifacts:
            if artifact.filename and artifact.hashes:
                yield package, artifact


def fake_digest(filename: str) -> str:
    """The sha256 ``FakeIndex.add_file`` publishes for a file when none is given."""
    return hashlib.sha256(filename.encode()).hexdigest()


def _reason(entry: IndexFile) -> str | None:
    return entry.yanked if isinstance(entry.yanked, str) and entry.yanked else None


def _anchor(entry: IndexFile) -> str:
    # Relative, as real indexes write them: clients must resolve them against the page.
    fragment = "&".join(f"{a}={d}" for a, d in entry.digests.items())
    href = f"../../packages/{entry.filename}" + (f"#{fragment}" if fragment else "")
    yanked = ""
    if entry.yanked is True:
        yanked = " data-yanked"
    elif isinstance(entry.yanked, str):
        yanked = f' data-yanked="{html.escape(entry.yanked)}"'
    return f'<a href="{html.escape(href)}"{yanked}>{html.escape(entry.filename)}</a><br/>'


def _json(data: object) -> Response:
    return Response(json.dumps(data), 200, content_type="application/json")


def _not_found() -> Response:
    return Response(b'{"message": "Not Found"}', 404, content_type="application/json")


def _sort_key(version: str) -> tuple[int, Version | str]:
    try:
        return (1, Version(version))
    except InvalidVersion:
        return (0, version)


_Server = TypeVar("_Server", bound="SocketServer")


class SocketServer:
    """A TCP server on a free port of 127.0.0.1 that hands each connection to ``handle``
    (in its one accepting thread) until the ``with`` block ends. Subclasses decide what a
    connection gets: what an HTTP server cannot be made to do."""

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._socket.settimeout(0.1)  # how soon the accepting thread sees the stop
        self.port = self._socket.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/simple"

    def __enter__(self: _Server) -> _Server:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
        self._socket.close()
        self.stopped()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            self.handle(connection)

    def handle(self, connection: socket.socket) -> None:
        raise NotImplementedError

    def stopped(self) -> None:
        """Called last on leaving the ``with`` block (the stop event is set)."""


class RawServer(SocketServer):
    """A TCP server on 127.0.0.1 that breaks every connection, for transport errors.

    ``reset``: reads the request, then closes with SO_LINGER 0 (the client sees a reset).
    ``truncate``: answers a Content-Length longer than the body it sends, then closes.
    """

    def __init__(self, behaviour: str = "reset") -> None:
        if behaviour not in ("reset", "truncate"):
            raise ValueError(behaviour)
        self.behaviour = behaviour
        self.connections = 0
        super().__init__()

    def handle(self, connection: socket.socket) -> None:
        self.connections += 1
        with connection:
            _read_request(connection)
            if self.behaviour == "truncate":
                head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                connection.sendall(head + b'Content-Length: 1000\r\n\r\n{"info": ')
            else:
                linger = struct.pack("ii", 1, 0)
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)


def _read_request(connection: socket.socket) -> None:
    connection.settimeout(1.0)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = connection.recv(65536)
            if not chunk:
                return
            data += chunk
    except OSError:
        return


def closed_port_url() -> str:
    """An index URL on 127.0.0.1 where nothing listens: connections are refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/simple"
