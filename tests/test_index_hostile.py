"""A hostile or broken index cannot exhaust memory, hold a run open, plant cache rows that
are trusted forever, or turn a failed lookup into a pass (issue 9, items 13-18 and 20)."""

from __future__ import annotations

import gzip
import socket
import threading
import time
import tracemalloc
import zlib
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

import lockcheck.index.cache as cache_module
from fake_index import FakeIndex, SocketServer, fake_digest
from lockcheck.index import http
from lockcheck.index.cache import ReleaseCache
from lockcheck.index.cache_first import CacheFirstIndex
from lockcheck.index.client import IndexClient
from lockcheck.index.decoding import BoundedDecoder, DecodingError, TooLarge
from lockcheck.index.http import HttpSettings
from lockcheck.index.interface import LookupStatus, Release, ReleaseKey
from support_index_env import isolated_index_env, quick_backoff  # noqa: F401 (fixtures)

FOUND, FAILED = LookupStatus.FOUND, LookupStatus.FAILED
MIB = 1024 * 1024


pytestmark = pytest.mark.usefixtures("isolated_index_env", "quick_backoff")


def quick_client(**overrides: object) -> IndexClient:
    """Every wait the production client has, made short through its settings."""
    settings: dict[str, object] = {"retries": 1, "connect_timeout": 1.0, "read_timeout": 2.0}
    settings.update(overrides)
    return IndexClient(HttpSettings(**settings))  # type: ignore[arg-type]


def fetch_one(index_client: IndexClient, url: str, name: str, version: str) -> Release:
    key = ReleaseKey(url, name, version)
    return index_client.fetch([key])[key]


# --- 13: decoded bytes are capped as they are decoded -----------------------------------


def _gzip_twice(size: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = bytes(MIB)
    inner = b"".join(packer.compress(block) for _ in range(size // MIB)) + packer.flush()
    return gzip.compress(inner, 9)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return _gzip_twice(256 * MIB)  # a few KB on the wire


def test_gzip_gzip_bomb_fails_without_expanding(
    server: HTTPServer, bomb: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http, "MAX_BODY", MIB)
    assert len(bomb) < 64 * 1024
    headers = {"Content-Encoding": "gzip, gzip"}
    server.expect_request("/pypi/demo/1.0/json").respond_with_response(
        Response(bomb, 200, headers=headers, content_type="application/json")
    )
    url = server.url_for("/simple")
    tracemalloc.start()
    try:
        release = fetch_one(quick_client(), url, "demo", "1.0")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert release.status is FAILED
    assert "larger than 1 MiB" in (release.error or "")
    # Decoding chunk by chunk into the cap: never the 256 MiB the answer expands to.
    assert peak < 32 * MIB, f"peak {peak / MIB:.0f} MiB"


def test_encoded_answers_within_the_cap_still_decode(server: HTTPServer) -> None:
    index = FakeIndex(server, mode="json")
    index.add_file("demo", "1.0", "demo-1.0-py3-none-any.whl")
    plain = quick_client().fetch([ReleaseKey(index.url, "demo", "1.0")])
    page = server.url_for("/pypi/other/1.0/json")
    body = (
        b'{"info": {"name": "other", "version": "1.0"}, "urls": [{"filename": '
        b'"other-1.0.tar.gz", "digests": {"sha256": "' + b"ab" * 32 + b'"}}]}'
    )
    for coding, data in [
        ("gzip", gzip.compress(body)),
        ("deflate", zlib.compress(body)),
        ("gzip, gzip", gzip.compress(gzip.compress(body))),
    ]:
        server.clear()
        server.expect_request("/pypi/other/1.0/json").respond_with_response(
            Response(data, 200, headers={"Content-Encoding": coding}, mimetype="application/json")
        )
        release = fetch_one(quick_client(), page.rsplit("/pypi/", 1)[0] + "/simple", "other", "1.0")
        assert release.status is FOUND, (coding, release.error)
        assert [f.filename for f in release.files] == ["other-1.0.tar.gz"]
    assert next(iter(plain.values())).status is FOUND


def test_unknown_content_encoding_is_a_failed_lookup(server: HTTPServer) -> None:
    server.expect_request("/pypi/demo/1.0/json").respond_with_response(
        Response(b"\x00\x01", 200, headers={"Content-Encoding": "br"}, mimetype="application/json")
    )
    release = fetch_one(quick_client(), server.url_for("/simple"), "demo", "1.0")
    assert release.status is FAILED
    assert "unsupported Content-Encoding 'br'" in (release.error or "")


def test_bounded_decoder_counts_every_layer() -> None:
    decoder = BoundedDecoder("gzip", 1000)
    data = gzip.compress(bytes(5000))
    with pytest.raises(TooLarge):
        for _ in decoder.feed(data):
            pass
    decoded = BoundedDecoder("gzip", 5000)
    out = b"".join([*decoded.feed(data), *decoded.finish()])
    assert out == bytes(5000)
    with pytest.raises(DecodingError):
        list(BoundedDecoder("gzip", 5000).feed(b"not gzip at all"))


# --- 14: every request has an overall deadline ------------------------------------------


class TrickleServer(SocketServer):
    """Answers every request with headers promising a large body, then one byte every
    ``interval`` seconds: no read ever times out, the answer never completes."""

    def __init__(self, interval: float = 0.1) -> None:
        super().__init__()
        self.interval = interval
        self._threads: list[threading.Thread] = []

    def stopped(self) -> None:
        for thread in self._threads:  # each ends at the stop event
            thread.join()

    def handle(self, connection: socket.socket) -> None:
        # Its own thread: every connection trickles at once.
        thread = threading.Thread(target=self._trickle, args=(connection,), daemon=True)
        self._threads.append(thread)
        thread.start()

    def _trickle(self, connection: socket.socket) -> None:
        with connection:
            try:
                connection.settimeout(1.0)
                connection.recv(65536)
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: 1000000\r\n\r\n{"
                )
                while not self._stop.wait(self.interval):
                    connection.sendall(b" ")
            except OSError:
                return


def test_trickling_index_is_cut_off_at_the_deadline() -> None:
    with TrickleServer() as trickle:
        start = time.monotonic()
        release = fetch_one(quick_client(deadline=1.0), trickle.url, "demo", "1.0")
        elapsed = time.monotonic() - start
    assert release.status is FAILED
    assert "no complete answer within 1 s" in (release.error or "")
    assert elapsed < 5.0


def test_deadline_must_be_positive() -> None:
    from lockcheck.errors import ConfigError

    with pytest.raises(ConfigError):
        HttpSettings(deadline=0)


# --- 17: cache rows dated in the future are not trusted ---------------------------------


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_cache_row_from_the_future_is_a_miss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    monkeypatch.setattr(cache_module, "_now", clock)
    key = ReleaseKey("https://index.example.test/simple", "demo", "1.0")
    release = Release(key, FOUND, api="json-version")
    with ReleaseCache.open(tmp_path / "cache.sqlite3") as cache:
        clock.now += 10 * 365 * 86400  # planted, or written with a clock far ahead
        cache.put(release)
        clock.now -= 10 * 365 * 86400
        assert cache.get(key) is None
        clock.now += 10 * 365 * 86400 - 200  # a small step back of the clock is tolerated
        hit = cache.get(key)
        assert hit is not None and hit[1] == 0.0


def test_future_row_is_fetched_again(
    server: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = FakeIndex(server, mode="json")
    index.add_file("demo", "1.0", "demo-1.0-py3-none-any.whl")
    clock = Clock(time.time())
    monkeypatch.setattr(cache_module, "_now", clock)
    key = ReleaseKey(index.url, "demo", "1.0")
    planted = Release(key, FOUND)  # no files: would make every hash a mismatch
    with ReleaseCache.open(tmp_path / "cache.sqlite3") as cache:
        clock.now += 86400 * 400
        cache.put(planted)
        clock.now -= 86400 * 400
        release = CacheFirstIndex(quick_client, cache).fetch([key])[key]
    assert release.status is FOUND and not release.from_cache
    assert [f.digests["sha256"] for f in release.files] == [
        fake_digest("demo-1.0-py3-none-any.whl")
    ]


# --- 18: lookups are keyed by the entry's identity, not its line ------------------------


def test_entries_sharing_a_line_do_not_share_a_lookup(server: HTTPServer) -> None:
    from lockcheck import verify as verify_phase
    from lockcheck.config import Settings
    from lockcheck.model import (
        Artifact,
        Hash,
        Location,
        LockedPackage,
        Lockfile,
        LockFormat,
        Source,
        SourceKind,
    )
    from lockcheck.rules import lc301_hash_not_on_index, lc302_version_not_on_index
    from lockcheck.rules.base import RuleContext

    index = FakeIndex(server, mode="json")
    wheel = "demo-1.0-py3-none-any.whl"
    index.add_file("demo", "1.0", wheel)
    lost = Location("uv.lock", None)  # a parser that could not find the lines

    def entry(version: str) -> LockedPackage:
        hashes = (Hash("sha256", fake_digest(wheel)),)
        return LockedPackage(
            "demo",
            lost,
            Source(SourceKind.REGISTRY, index.url),
            version,
            artifacts=(Artifact(hashes, lost, f"demo-{version}-py3-none-any.whl"),),
        )

    # The real release first, a release that does not exist (with the real file's hash)
    # second: keyed by (path, line, name), the second lookup replaced the first's, or the
    # other way round, and one entry was judged by the other's answer.
    for order in ([entry("1.0"), entry("9.9")], [entry("9.9"), entry("1.0")]):
        lock = Lockfile("uv.lock", LockFormat.UV, tuple(order))
        settings = Settings()
        errors: list[object] = []
        snapshot = verify_phase.lookup([(settings, lock)], quick_client(), None, errors)  # type: ignore[arg-type]
        assert snapshot is not None and not errors
        context = RuleContext(settings, snapshot)
        missing = list(lc302_version_not_on_index.RULE.check(lock, context))
        assert [f.version for f in missing] == ["9.9"]
        assert list(lc301_hash_not_on_index.RULE.check(lock, context)) == []
        assert verify_phase.verification_counts([(settings, lock)], snapshot) == (1, 0)


# --- 20: an index URL that cannot be asked, a trust store that cannot be loaded ---------

HASH = "ab" * 32


@pytest.mark.parametrize("where", ["command line", "lockfile"])
def test_malformed_index_url_is_exit_2_and_other_files_still_reported(
    tmp_path: Path, where: str
) -> None:
    from conftest import run_cli

    bad = "http://[::1"
    lock = tmp_path / "requirements.txt"
    header = f"--index-url {bad}\n" if where == "lockfile" else ""
    lock.write_text(f"{header}demo==1.0 --hash=sha256:{HASH}\n")
    other = tmp_path / "other.txt"
    other.write_text("flask\n")
    extra = ["--index-url", bad] if where == "command line" else []
    result = run_cli(
        "check", "--verify", "--no-cache", "--no-progress", *extra, str(lock), str(other)
    )
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    # From a lockfile it is refused while parsing, at its line; from the command line
    # when verifying. Either way one line, and the other file is still reported.
    expected = (
        f"requirements.txt:1: error: invalid index URL '{bad}': not a valid URL (host or port)"
        if where == "lockfile"
        else f"requirements.txt: error: --verify: invalid index URL {bad}: Invalid IPv6 URL; "
        "correct --index-url, the config's index-url or the index the lock records"
    )
    assert lines == [expected]
    assert "LC001" in result.stdout and "other.txt" in result.stdout


def test_missing_ssl_cert_file_is_exit_2_and_other_files_still_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import run_cli

    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    lock = tmp_path / "requirements.txt"
    lock.write_text(f"demo==1.0 --hash=sha256:{HASH}\n")
    other = tmp_path / "other.txt"
    other.write_text("flask\n")
    result = run_cli(
        "check",
        "--verify",
        "--no-cache",
        "--no-progress",
        "--index-url",
        "https://127.0.0.1:9/simple",
        str(lock),
        str(other),
    )
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert "cannot load the TLS certificates to trust" in line
    assert f"SSL_CERT_FILE={tmp_path / 'missing.pem'}" in line
    assert "LC001" in result.stdout


def test_invalid_index_url_message_never_quotes_the_password(tmp_path: Path) -> None:
    from conftest import run_cli

    url = "https://user:pa55word@ex\u2100ample.test/simple"  # invalid under NFKC
    lock = tmp_path / "requirements.txt"
    lock.write_text(f"--index-url {url}\ndemo==1.0 --hash=sha256:{HASH}\n")
    result = run_cli("check", "--verify", "--no-cache", "--no-progress", str(lock))
    assert result.exit_code == 2
    assert "pa55word" not in result.stdout + result.stderr
    (line,) = result.stderr.splitlines()
    assert "invalid index URL" in line
    assert "ex\u2100ample.test/simple" in line
