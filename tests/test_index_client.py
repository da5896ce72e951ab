"""The index client against real HTTP on 127.0.0.1: protocols, fallbacks, failures that
must never pass, retries, credentials, the cache. Small timeouts keep it fast."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer

import lockcheck
from fake_index import FakeIndex, RawServer, closed_port_url, fake_digest, local_server
from lockcheck.errors import ConfigError
from lockcheck.index import http
from lockcheck.index.cache_first import CacheFirstIndex
from lockcheck.index.client import IndexClient, json_api_base
from lockcheck.index.credentials import (
    Credentials,
    CredentialStore,
    netrc_credentials,
    split_credentials,
)
from lockcheck.index.http import HttpSettings
from lockcheck.index.interface import LookupStatus, Release, ReleaseKey
from lockcheck.index.metadata import NO_CORE_METADATA
from lockcheck.index.responses import (
    ResponseError,
    file_version,
    json_project_page,
    json_version_page,
    simple_html_page,
    simple_json_page,
)
from support_index_env import isolated_index_env, quick_backoff  # noqa: F401 (fixtures)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
WHEEL = "demo-1.0-py3-none-any.whl"
SDIST = "demo-1.0.tar.gz"
FOUND, FAILED = LookupStatus.FOUND, LookupStatus.FAILED
NO_VERSION, NO_PROJECT = LookupStatus.NO_VERSION, LookupStatus.NO_PROJECT


@pytest.fixture(scope="module")
def _shared_server() -> Iterator[HTTPServer]:
    with local_server() as server:
        yield server


@pytest.fixture
def server(_shared_server: HTTPServer) -> Iterator[HTTPServer]:
    _shared_server.clear()
    yield _shared_server
    assert not _shared_server.handler_errors, _shared_server.handler_errors


@pytest.fixture(scope="module")
def _other_server() -> Iterator[HTTPServer]:
    with local_server() as server:
        yield server


@pytest.fixture
def other_server(_other_server: HTTPServer) -> Iterator[HTTPServer]:
    """A second origin on 127.0.0.1 (another port)."""
    _other_server.clear()
    yield _other_server


pytestmark = pytest.mark.usefixtures("isolated_index_env", "quick_backoff")


def client(*, credentials: tuple[str, ...] = (), **overrides: object) -> IndexClient:
    """Quick to give up: tests wait milliseconds, not seconds."""
    settings: dict[str, object] = {"retries": 2, "connect_timeout": 1.0, "read_timeout": 2.0}
    settings.update(overrides)
    made = IndexClient(HttpSettings(**settings))  # type: ignore[arg-type]
    for url in credentials:
        made.add_credentials(url)
    return made


def cached(cache: object, **overrides: object) -> CacheFirstIndex:
    """The cache's one owner, in front of a quick client."""
    return CacheFirstIndex(lambda: client(**overrides), cache)  # type: ignore[arg-type]


def demo_index(server: HTTPServer, mode: str = "json", **kwargs: str) -> FakeIndex:
    index = FakeIndex(server, mode, **kwargs)
    index.add_file("demo", "1.0", WHEEL, size=1000, upload_time="2026-01-02T03:04:05.000001Z")
    index.add_file("demo", "1.0", SDIST, size=900)
    index.add_file("demo", "2.0", "demo-2.0-py3-none-any.whl")
    return index


def fetch_one(index_client: IndexClient, url: str, name: str, version: str) -> Release:
    key = ReleaseKey(url, name, version)
    return index_client.fetch([key])[key]


# --- each API returns the right files -------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "api", "requests"),
    [
        ("json", "json-version", 1),
        ("mirror", "simple", 2),  # the per-version 404, then the Simple API's JSON
        ("project-json-only", "json-project", 3),  # ... its HTML has no upload times
        ("simple-json", "simple", 2),
        ("simple-html", "simple", 3),  # the version page, the Simple API, the project page
    ],
)
def test_each_api_gives_the_release_files(
    server: HTTPServer, mode: str, api: str, requests: int
) -> None:
    index = demo_index(server, mode)
    release = fetch_one(client(), index.url, "demo", "1.0")
    assert release.status is FOUND, release.error
    assert release.api == api
    assert not release.from_cache and not release.yanked
    by_name = {f.filename: f for f in release.files}
    assert set(by_name) == {WHEEL, SDIST}
    wheel = by_name[WHEEL]
    assert wheel.digests["sha256"] == fake_digest(WHEEL)
    assert wheel.url == f"{index.base}/packages/{WHEEL}"  # relative HTML links resolved
    if mode != "simple-html":  # PEP 503 HTML has neither
        assert wheel.size == 1000
        assert wheel.upload_time == "2026-01-02T03:04:05.000001Z"
    assert index.count() == requests


def test_simple_json_and_html_are_told_apart_by_content_type(server: HTTPServer) -> None:
    index = demo_index(server, "simple-json")
    fetch_one(client(), index.url, "demo", "1.0")
    simple = [r for r in index.requests if r.path == "/simple/demo/"]
    assert simple[0].headers["accept"] == "application/vnd.pypi.simple.v1+json, text/html;q=0.1"


def projects(
    server: HTTPServer, mode: str, count: int, tail: str = "-py3-none-any.whl", **file: int
) -> tuple[FakeIndex, list[ReleaseKey]]:
    """An index of ``count`` projects pkgN, each with one file of version 1.0."""
    index = FakeIndex(server, mode)
    keys = [ReleaseKey(index.url, f"pkg{i}", "1.0") for i in range(count)]
    for key in keys:
        index.add_file(key.name, "1.0", f"{key.name}-1.0{tail}", **file)
    return index, keys


def test_real_uv_lock_served_and_verified(server: HTTPServer) -> None:
    index = FakeIndex(server, "json")
    added = index.add_from_uv_lock(FIXTURES / "projects/small-app/uv.lock")
    assert added > 8
    key = ReleaseKey(index.url, "certifi", "2026.10.18")
    release = client().fetch([key])[key]
    digests = {f.filename: f.digests["sha256"] for f in release.files}
    assert digests["certifi-2026.10.18-py3-none-any.whl"] == (
        "73191c47aaa79da394e8fee2dbc2ec827432cab56311122c9e47abf79e390f62"
    )
    assert {f.upload_time for f in release.files} == {
        "2026-10-18T16:21:07.655Z",
        "2026-10-18T16:21:06.276Z",
    }


# --- the protocol: fallbacks, remembered per index ------------------------------------


def test_missing_version_pages_are_remembered(server: HTTPServer) -> None:
    index, keys = projects(server, "project-json-only", 20)
    index_client = client()
    results = index_client.fetch(keys)
    assert all(r.status is FOUND and r.api == "json-project" for r in results.values())
    assert index.count(prefix="/pypi/") == 21  # one per-version 404, then project pages
    assert index.count(prefix="/simple/") == 1  # its HTML has no upload times: asked once
    # ... and across calls on the same client
    index.reset_log()
    index.add_file("late", "1.0", "late-1.0-py3-none-any.whl")
    assert fetch_one(index_client, index.url, "late", "1.0").status is FOUND
    assert index.paths() == ["/pypi/late/json"]


def test_index_without_json_api_is_remembered_as_simple(server: HTTPServer) -> None:
    index, keys = projects(server, "simple-html", 10, ".tar.gz")
    results = client().fetch(keys)
    assert all(r.status is FOUND and r.api == "simple" for r in results.values())
    assert index.count(prefix="/pypi/") == 2  # the probe only
    assert index.count(prefix="/simple/") == 10


def test_index_url_not_ending_in_simple_uses_only_the_simple_api(server: HTTPServer) -> None:
    index = demo_index(server, "json", simple_path="/repository/python")
    release = fetch_one(client(), index.url, "demo", "1.0")
    assert release.status is FOUND and release.api == "simple"
    assert index.paths() == ["/repository/python/demo/"]


def test_indexes_sharing_a_server_are_kept_apart(server: HTTPServer) -> None:
    public = demo_index(server, "json")
    private = FakeIndex(server, "simple-html", root="/private")
    private.add_file("demo", "1.0", "demo-1.0.tar.gz", sha256="cd" * 32)
    assert private.url == f"{public.base}/private/simple"
    results = client().fetch(
        [ReleaseKey(public.url, "demo", "1.0"), ReleaseKey(private.url, "demo", "1.0")]
    )
    public_release, private_release = results.values()
    assert public_release.api == "json-version" and len(public_release.files) == 2
    assert private_release.api == "simple"
    assert [f.digests["sha256"] for f in private_release.files] == ["cd" * 32]
    assert private.count("/simple/demo/") == 1 and public.count() == 1


def test_several_versions_of_a_project_take_one_request(server: HTTPServer) -> None:
    index = demo_index(server, "json")
    keys = [ReleaseKey(index.url, "demo", v) for v in ("1.0", "2.0", "3.0")]
    results = client().fetch(keys)
    assert [results[k].status for k in keys] == [FOUND, FOUND, NO_VERSION]
    assert [results[k].api for k in keys] == ["simple"] * 3
    assert index.paths() == ["/simple/demo/"]  # in JSON, with upload times: all it takes


def test_simple_api_in_json_is_preferred_to_project_pages(server: HTTPServer) -> None:
    # A mirror without per-version pages: its Simple API's JSON carries what verification
    # needs in a fraction of a project page's bytes; the project pages are never asked.
    index, keys = projects(server, "mirror", 20, size=10)
    results = client().fetch(keys)
    assert all(r.status is FOUND and r.api == "simple" for r in results.values())
    assert all(f.upload_time and f.size == 10 for r in results.values() for f in r.files)
    assert index.count(prefix="/pypi/") == 1  # the one per-version probe
    assert index.count(prefix="/simple/") == 20


def test_simple_api_without_upload_times_falls_back_to_the_project_page(
    server: HTTPServer,
) -> None:
    index = FakeIndex(server, "mirror")
    index.add_file("demo", "1.0", WHEEL, upload_time=None)
    release = fetch_one(client(), index.url, "demo", "1.0")
    assert release.status is FOUND and release.api == "json-project"
    assert index.paths() == ["/pypi/demo/1.0/json", "/simple/demo/", "/pypi/demo/json"]


def test_project_page_with_many_versions_is_reduced_to_the_asked_one(server: HTTPServer) -> None:
    index = FakeIndex(server, "project-json-only")
    for minor in range(60):
        for tag in ("py3-none-any.whl", "tar.gz"):
            sep = "-" if tag.endswith("whl") else "."
            index.add_file("big", f"1.{minor}.0", f"big-1.{minor}.0{sep}{tag}")
    release = fetch_one(client(), index.url, "big", "1.7")  # equal to 1.7.0
    assert release.status is FOUND
    assert sorted(f.filename for f in release.files) == [
        "big-1.7.0-py3-none-any.whl",
        "big-1.7.0.tar.gz",
    ]


def test_duplicate_keys_are_fetched_once(server: HTTPServer) -> None:
    index = demo_index(server)
    key = ReleaseKey(index.url, "demo", "1.0")
    results = client().fetch([key, key, key])
    assert list(results) == [key] and index.count() == 1


@pytest.mark.parametrize("mode", ["json", "project-json-only", "simple-json", "simple-html"])
def test_no_version_and_no_project(server: HTTPServer, mode: str) -> None:
    index = demo_index(server, mode)
    missing_version = ReleaseKey(index.url, "demo", "9.9")
    missing_project = ReleaseKey(index.url, "nothing-here", "1.0")
    index_client = client()
    results = index_client.fetch([missing_version, missing_project])
    assert results[missing_version].status is NO_VERSION
    assert results[missing_project].status is NO_PROJECT
    assert results[missing_project].error is None
    # Neither says per-version pages are missing: they are still used where they exist.
    found = fetch_one(index_client, index.url, "demo", "1.0")
    assert found.status is FOUND
    if mode == "json":
        assert found.api == "json-version"


def test_missing_project_is_asked_of_the_simple_api_before_giving_up(server: HTTPServer) -> None:
    index = demo_index(server, "json")
    fetch_one(client(), index.url, "ghost", "1.0")
    # The Simple API's 404 is as definitive as the project page's, and lighter.
    assert index.paths() == ["/pypi/ghost/1.0/json", "/simple/ghost/"]


def test_non_normalised_redirect_is_followed(server: HTTPServer) -> None:
    index = demo_index(server, "json")
    moved = f"{index.base}/pypi/demo/1.0/json?moved=1"
    index.redirect("/pypi/demo/1.0/json", moved, status=301, times=1)
    release = fetch_one(client(), index.url, "demo", "1.0")
    assert release.status is FOUND
    assert index.count("/pypi/demo/1.0/json") == 2


def test_per_version_page_about_another_version_fails(server: HTTPServer) -> None:
    index = demo_index(server)
    page = '{"info": {"version": "2.0"}, "urls": []}'
    index.respond_raw("/pypi/demo/1.0/json", page)
    release = fetch_one(client(), index.url, "demo", "1.0")
    assert release.status is FAILED
    assert "asked for version 1.0, the page is about 2.0" in str(release.error)


# --- yanked releases and files --------------------------------------------------------


@pytest.mark.parametrize("mode", ["json", "project-json-only", "simple-json", "simple-html"])
def test_yanked_release_with_reason(server: HTTPServer, mode: str) -> None:
    index = demo_index(server, mode)
    index.yank("demo", "1.0", "broken build")
    release = fetch_one(client(), index.url, "demo", "1.0")
    assert release.status is FOUND
    assert release.yanked and release.yanked_reason == "broken build"
    assert all(f.yanked and f.yanked_reason == "broken build" for f in release.files)


@pytest.mark.parametrize("mode", ["json", "simple-json", "simple-html"])
def test_yanked_without_reason_and_single_yanked_file(server: HTTPServer, mode: str) -> None:
    index = demo_index(server, mode)
    index.yank("demo", "2.0")  # no reason
    index.projects["demo"]["1.0"][0].yanked = True  # one file of 1.0 only
    results = client().fetch([ReleaseKey(index.url, "demo", "1.0")])
    one = next(iter(results.values()))
    assert not one.yanked
    assert {f.filename: f.yanked for f in one.files} == {WHEEL: True, SDIST: False}
    two = fetch_one(client(), index.url, "demo", "2.0")
    assert two.yanked and two.yanked_reason is None


# --- failures are FAILED, never a pass ------------------------------------------------


def test_server_errors_are_retried(server: HTTPServer) -> None:
    index = demo_index(server)
    index.fail("demo", 503, times=2)
    release = fetch_one(client(retries=3), index.url, "demo", "1.0")
    assert release.status is FOUND
    assert index.count("/pypi/demo/1.0/json") == 3


def test_requests_made_counts_every_request_sent(server: HTTPServer) -> None:
    index = demo_index(server, "project-json-only")
    index_client = client(retries=3)
    assert index_client.requests_made == 0
    keys = [ReleaseKey(index.url, "demo", "1.0"), ReleaseKey(index.url, "demo", "2.0")]
    index_client.fetch(keys[:1])  # a per-version 404, the Simple API, the project page
    assert index_client.requests_made == index.count() == 3
    index.fail("/pypi/demo/json", 503, times=2)  # retries count too
    index_client.fetch(keys[1:])
    assert index_client.requests_made == index.count() == 6
    index_client.fetch(keys[1:])  # no cache: asked again, counted on
    assert index_client.requests_made == index.count() == 7


def test_server_errors_forever_fail(server: HTTPServer) -> None:
    index = demo_index(server)
    index.fail("demo", 500)
    release = fetch_one(client(retries=3), index.url, "demo", "1.0")
    assert release.status is FAILED
    assert release.error is not None
    assert release.error.startswith("HTTP 500 after 4 attempts (http://127.0.0.1:")
    assert index.count() == 4


def test_retry_after_is_honoured(server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    index = demo_index(server)
    monkeypatch.setattr(http, "BACKOFF", 0.0)
    index.fail("demo", 429, times=1, headers={"Retry-After": "1"})
    release = fetch_one(client(), index.url, "demo", "1.0")
    assert release.status is FOUND
    first, second = index.requests
    assert second.started - first.started >= 0.95


def test_retry_after_is_capped(server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    index = demo_index(server)
    index.fail("demo", 503, times=1, headers={"Retry-After": "3600"})
    started = time.monotonic()
    monkeypatch.setattr(http, "MAX_RETRY_AFTER", 0.1)
    release = fetch_one(client(), index.url, "demo", "1.0")
    assert release.status is FOUND
    assert time.monotonic() - started < 2


def test_retry_after_as_http_date(server: HTTPServer) -> None:
    index = demo_index(server)
    index.fail("demo", 503, times=1, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    assert fetch_one(client(), index.url, "demo", "1.0").status is FOUND  # in the past: now


def test_slow_server_times_out(server: HTTPServer) -> None:
    index = demo_index(server)
    index.delay("demo", 1.0)
    release = fetch_one(client(read_timeout=0.2, retries=1), index.url, "demo", "1.0")
    assert release.status is FAILED
    assert release.error is not None and release.error.startswith("read timeout (0.2 s) after 2")


def test_timeout_from_environment(server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCKCHECK_TIMEOUT", "0.2")
    monkeypatch.setenv("PIP_RETRIES", "0")  # pip's own setting: lockcheck retries as pip does
    index = demo_index(server)
    index.delay("demo", 1.0)
    release = fetch_one(IndexClient(HttpSettings.from_environment()), index.url, "demo", "1.0")
    assert release.status is FAILED and release.error is not None
    assert release.error.startswith("read timeout (0.2 s) (")
    monkeypatch.setenv("LOCKCHECK_TIMEOUT", "soon")
    with pytest.raises(ConfigError, match="LOCKCHECK_TIMEOUT"):
        HttpSettings.from_environment()


@pytest.mark.parametrize(
    ("body", "content_type", "error"),
    [
        ('{"info": {"yanked": false}, "urls": [{"filen', "application/json", "truncated JSON"),
        ("<html><body>Welcome</body></html>", "text/html", "expected JSON, got text/html"),
        ('{"info": {}, "urls": {"a": 1}}', "application/json", "'urls' is not a JSON list"),
        ('{"info": {}, "urls": [{"filename": "x", "size": "big"}]}', "application/json", "'size'"),
        ("[1, 2]", "application/json", "the page is not a JSON object"),
    ],
)
def test_bad_json_responses_fail(
    server: HTTPServer, body: str, content_type: str, error: str
) -> None:
    index = demo_index(server)
    index.respond_raw("demo", body, content_type=content_type)
    release = fetch_one(client(), index.url, "demo", "1.0")
    assert release.status is FAILED
    assert release.error is not None and error in release.error
    assert index.count() == 1  # a wrong answer is not retried


def test_bad_simple_page_fails(server: HTTPServer) -> None:
    index = demo_index(server, "simple-json")
    index.respond_raw("/simple/demo/", "{}", content_type="application/vnd.pypi.simple.v1+json")
    release = fetch_one(client(), index.url, "demo", "1.0")
    assert release.status is FAILED and "'files' is not a JSON list" in str(release.error)
    index.respond_raw("/simple/other/", "plain", content_type="text/plain")
    release = fetch_one(client(), index.url, "other", "1.0")
    assert release.status is FAILED and "expected a Simple API page" in str(release.error)


@pytest.mark.parametrize("status", [401, 403, 400, 410])
def test_other_statuses_fail_without_retry(server: HTTPServer, status: int) -> None:
    index = demo_index(server)
    index.fail("demo", status)
    release = fetch_one(client(), index.url, "demo", "1.0")
    assert release.status is FAILED and release.error is not None
    assert release.error.startswith(f"HTTP {status}")
    assert index.count() == 1


def test_body_over_the_limit_fails(server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http, "MAX_BODY", 100)
    index = demo_index(server)
    release = fetch_one(client(), index.url, "demo", "1.0")
    assert release.status is FAILED
    assert str(release.error).startswith("response larger than 100 bytes (")
    index.respond_raw("demo", b"x" * 500, chunked=True)  # no Content-Length to go by
    release = fetch_one(client(), index.url, "demo", "1.0")
    assert str(release.error).startswith("response larger than 100 bytes (")


def test_connection_refused() -> None:
    release = fetch_one(client(retries=1), closed_port_url(), "demo", "1.0")
    assert release.status is FAILED
    assert release.error is not None and release.error.startswith("connection refused after 2")


def test_refused_and_server_errors_say_whether_a_retry_can_help(server: HTTPServer) -> None:
    index = demo_index(server)
    index.add_file("other", "1.0", "other-1.0.tar.gz")
    index.fail("demo", 503)
    busy = fetch_one(client(retries=0), index.url, "demo", "1.0")
    assert busy.status is FAILED and not busy.permanent
    index.fail("*", 401)
    refused = fetch_one(client(), index.url, "other", "1.0")
    assert refused.status is FAILED and refused.permanent


def test_a_refusing_host_is_asked_once_not_once_per_project(server: HTTPServer) -> None:
    index = FakeIndex(server, "json")
    keys = [ReleaseKey(index.url, f"pkg{i}", "1.0") for i in range(10)]
    index.fail("*", 403)
    results = client().fetch(keys)
    assert all(r.status is FAILED and r.permanent for r in results.values())
    assert all("HTTP 403" in str(r.error) for r in results.values())
    assert index.count() == 1


def test_a_name_that_does_not_resolve_is_asked_twice_quickly() -> None:
    started = time.monotonic()
    release = fetch_one(client(retries=5), "http://index.invalid/simple", "demo", "1.0")
    assert release.status is FAILED and not release.permanent
    assert str(release.error).startswith("the host name does not resolve after 2 attempts")
    assert time.monotonic() - started < 3


def test_an_unreachable_host_fails_at_once_afterwards(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http, "BACKOFF", 1.0)  # a retry would cost at least 1 + 2 s
    index_client = client(retries=2)
    url = closed_port_url()
    first = fetch_one(index_client, url, "demo", "1.0")
    assert str(first.error).startswith("connection refused after 3 attempts")
    started = time.monotonic()
    results = index_client.fetch([ReleaseKey(url, f"pkg{i}", "1.0") for i in range(5)])
    assert time.monotonic() - started < 0.9  # no backoff: the host is known to be down
    assert all(str(r.error).startswith("connection refused after 3") for r in results.values())


def test_keyring_is_asked_once_per_origin_after_a_refusal(
    server: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "calls"
    keyring = tmp_path / "keyring"
    keyring.write_text(f'#!/bin/sh\necho "$@" >> {log}\nexit 1\n')
    keyring.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    index = FakeIndex(server, "json")
    index.fail("*", 401)
    keys = [ReleaseKey(index.url, f"pkg{i}", "1.0") for i in range(3)]
    results = client(keyring=True).fetch(keys)
    assert all(r.permanent for r in results.values())
    host = index.base.split("://", 1)[1]
    asked = log.read_text().splitlines()
    assert asked == [
        f"get {index.url} --mode creds",
        f"get {host} --mode creds",
        f"get http://{host} --mode creds",  # plain http: the scheme-qualified name too
    ]


@pytest.mark.parametrize(
    ("behaviour", "error"), [("reset", "connection reset"), ("truncate", "connection closed")]
)
def test_broken_connections(behaviour: str, error: str) -> None:
    with RawServer(behaviour) as raw:
        release = fetch_one(client(retries=1), raw.url, "demo", "1.0")
    assert release.status is FAILED
    assert release.error is not None and release.error.startswith(error)
    assert raw.connections == 2


def test_one_failure_does_not_spoil_the_others(server: HTTPServer) -> None:
    index = demo_index(server)
    index.add_file("other", "1.0", "other-1.0.tar.gz")
    index.fail("other", 500)
    keys = [ReleaseKey(index.url, "demo", "1.0"), ReleaseKey(index.url, "other", "1.0")]
    results = client(retries=0).fetch([*keys, ReleaseKey(closed_port_url(), "demo", "1.0")])
    assert [r.status for r in results.values()] == [FOUND, FAILED, FAILED]


# --- credentials, identity ------------------------------------------------------------


def test_credentials_go_only_to_their_own_origin(
    server: HTTPServer, other_server: HTTPServer
) -> None:
    index = demo_index(server)
    elsewhere = demo_index(other_server)
    index.redirect("/pypi/demo/1.0/json", f"{elsewhere.base}/pypi/demo/1.0/json")
    secret_url = index.url.replace("http://", "http://alice:s3cret@")
    release = fetch_one(client(credentials=(secret_url,)), index.url, "demo", "1.0")
    assert release.status is FOUND
    assert (
        index.requests[0].headers["authorization"] == Credentials("alice", "s3cret").authorization()
    )
    assert [r.path for r in elsewhere.requests] == ["/pypi/demo/1.0/json"]
    assert "authorization" not in elsewhere.requests[0].headers


def test_credentials_do_not_follow_to_another_host(server: HTTPServer) -> None:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.2", 0))
        except OSError:
            pytest.skip("127.0.0.2 is not a loopback address here")
    with local_server("127.0.0.2") as other:
        index = demo_index(server)
        elsewhere = demo_index(other)
        assert elsewhere.base.startswith("http://127.0.0.2:")
        index.redirect("/pypi/demo/1.0/json", f"{elsewhere.base}/pypi/demo/1.0/json")
        secret = index.url.replace("http://", "http://alice:s3cret@")
        assert fetch_one(client(credentials=(secret,)), index.url, "demo", "1.0").status is FOUND
        assert "authorization" in index.requests[0].headers
        assert "authorization" not in elsewhere.requests[0].headers


def test_credentials_added_after_construction(server: HTTPServer) -> None:
    index = demo_index(server)
    index_client = client()
    clean = index_client.add_credentials(index.url.replace("http://", "http://tok@"))
    assert clean == index.url
    assert fetch_one(index_client, clean, "demo", "1.0").status is FOUND
    expected = Credentials("tok", "").authorization()
    assert index.requests[0].headers["authorization"] == expected


def test_credentials_never_appear_in_errors(server: HTTPServer) -> None:
    index = demo_index(server)
    index.fail("demo", 503)
    secret_url = index.url.replace("http://", "http://alice:s3cret@")
    # Even a key that (against the contract) carries them.
    for url in (index.url, secret_url):
        release = fetch_one(client(credentials=(secret_url,), retries=0), url, "demo", "1.0")
        assert release.status is FAILED
        assert "s3cret" not in str(release.error) and "alice" not in str(release.error)
    assert repr(Credentials("alice", "s3cret")).count("s3cret") == 0


def test_netrc_credentials(
    server: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login bob password hunter2\n", encoding="utf-8")
    monkeypatch.setenv("NETRC", str(netrc))
    index = demo_index(server)
    assert fetch_one(client(), index.url, "demo", "1.0").status is FOUND
    expected = Credentials("bob", "hunter2").authorization()
    assert index.requests[0].headers["authorization"] == expected


def test_user_agent_names_lockcheck_and_its_version(server: HTTPServer) -> None:
    index = demo_index(server)
    fetch_one(client(), index.url, "demo", "1.0")
    assert index.requests[0].headers["user-agent"] == f"lockcheck/{lockcheck.__version__}"


# --- concurrency, progress, sync from async -------------------------------------------


def test_concurrency_is_bounded_by_jobs(server: HTTPServer) -> None:
    index, keys = projects(server, "json", 12, ".tar.gz")
    index.delay("*", 0.05)  # long enough for requests to overlap
    results = client(jobs=3).fetch(keys)
    assert all(r.status is FOUND for r in results.values())
    # Three at once: in parallel, and never more than --jobs (counted by the server, not
    # timed: a loaded machine must not fail this).
    assert index.max_in_flight == 3


def test_progress_is_reported_as_keys_complete(server: HTTPServer) -> None:
    index = demo_index(server)
    keys = [ReleaseKey(index.url, "demo", v) for v in ("1.0", "2.0")]
    keys += [ReleaseKey(index.url, f"gone{i}", "1.0") for i in range(3)]
    calls: list[tuple[int, int]] = []
    client().fetch(keys, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (5, 5)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_fetch_works_inside_a_running_event_loop(server: HTTPServer) -> None:
    index = demo_index(server)

    async def main() -> Release:
        return fetch_one(client(), index.url, "demo", "1.0")

    assert asyncio.run(main()).status is FOUND


# --- project_status (LC307) -----------------------------------------------------------


@pytest.mark.parametrize("mode", ["json", "simple-json", "simple-html"])
def test_project_status(server: HTTPServer, mode: str) -> None:
    index = demo_index(server, mode)
    index.add_file("broken", "1.0", "broken-1.0.tar.gz")
    index.fail("broken", 502)
    statuses = client(retries=0).project_status(index.url, ["demo", "absent", "broken"])
    assert statuses == {"demo": FOUND, "absent": NO_PROJECT, "broken": FAILED}


def test_project_status_normalises_names_for_the_request(server: HTTPServer) -> None:
    index = demo_index(server)
    assert client().project_status(index.url, ["Demo", "demo"]) == {"Demo": FOUND, "demo": FOUND}
    assert set(index.paths()) == {"/pypi/demo/json"}


def test_project_status_html_on_json_endpoint_fails(server: HTTPServer) -> None:
    index = demo_index(server)
    index.respond_raw("/pypi/demo/json", "<html></html>", content_type="text/html")
    assert client().project_status(index.url, ["demo"]) == {"demo": FAILED}


# --- the cache ------------------------------------------------------------------------


class DictCache:
    """The duck-typed cache API: get(key) -> (release, age) | None, put(release)."""

    def __init__(self) -> None:
        self.entries: dict[ReleaseKey, tuple[Release, float]] = {}
        self.puts: list[Release] = []

    def get(self, key: ReleaseKey) -> tuple[Release, float] | None:
        return self.entries.get(key)

    def put(self, release: Release) -> None:
        self.puts.append(release)
        self.entries[release.key] = (release, 0.0)


def test_warm_cache_makes_no_requests(server: HTTPServer) -> None:
    index = demo_index(server)
    cache = DictCache()
    keys = [ReleaseKey(index.url, "demo", "1.0"), ReleaseKey(index.url, "demo", "3.0")]
    cold = cached(cache).fetch(keys)
    assert [r.status for r in cold.values()] == [FOUND, NO_VERSION]
    assert [r.key for r in cache.puts] == [keys[0]]  # NO_VERSION is not cached
    assert not cache.puts[0].from_cache
    index.reset_log()
    warm = cached(cache).fetch(keys[:1])
    assert warm[keys[0]].from_cache and warm[keys[0]].files == cold[keys[0]].files
    assert index.count() == 0


def test_fresh_bypasses_the_cache(server: HTTPServer) -> None:
    index = demo_index(server)
    cache = DictCache()
    key = ReleaseKey(index.url, "demo", "1.0")
    cache.entries[key] = (Release(key, FOUND, files=()), 10.0)
    release = cached(cache).fetch([key], fresh=True)[key]
    assert not release.from_cache and len(release.files) == 2
    assert index.count() == 1 and cache.puts == [release]


def test_stale_entry_is_refetched(server: HTTPServer) -> None:
    index = demo_index(server)
    cache = DictCache()
    key = ReleaseKey(index.url, "demo", "1.0")
    cache.entries[key] = (Release(key, FOUND, files=()), 7200.0)
    index.yank("demo", "1.0", "since yanked")
    release = cached(cache).fetch([key])[key]
    assert release.yanked and not release.from_cache
    assert cache.puts == [release]


def test_stale_entry_with_failed_refetch_fails_closed(server: HTTPServer) -> None:
    index = demo_index(server)
    index.fail("demo", 503)
    cache = DictCache()
    key = ReleaseKey(index.url, "demo", "1.0")
    cache.entries[key] = (Release(key, FOUND, files=()), 7200.0)
    release = cached(cache, retries=0).fetch([key])[key]
    assert release.status is FAILED
    assert "HTTP 503" in str(release.error) and "too old to trust" in str(release.error)
    assert cache.puts == []


def test_broken_cache_is_only_a_miss(server: HTTPServer) -> None:
    class Broken:
        def get(self, key: ReleaseKey) -> tuple[Release, float] | None:
            raise OSError("disk on fire")

        def put(self, release: Release) -> None:
            raise OSError("disk on fire")

    index = demo_index(server)
    assert fetch_one(cached(Broken()), index.url, "demo", "1.0").status is FOUND


# --- pure parts: responses, credentials -----------------------------------------------


def test_json_version_page_info_yank() -> None:
    body = (
        b'{"info": {"version": "1.0", "yanked": true, "yanked_reason": "CVE"},'
        b' "urls": [{"filename": "a-1.0.tar.gz", "digests": {"sha256": "AB"}}]}'
    )
    page = json_version_page(body)
    assert page.yanked and page.yanked_reason == "CVE"
    assert page.files[0].digests == {"sha256": "ab"}


def test_json_project_page_matches_equal_versions() -> None:
    body = b'{"info": {"version": "2"}, "releases": {"1.0.0": [], "2": [], "junk!": []}}'
    found = json_project_page(body, ["1.0", "2.0", "3", "junk!"])
    assert {k: v.version for k, v in found.items()} == {
        "1.0": "1.0.0",
        "2.0": "2",
        "junk!": "junk!",
    }


@pytest.mark.parametrize(
    "body",
    [b"", b"null", b'{"releases": []}', b'{"releases": {"1": [{"filename": 3}]}}', b"\xff"],
)
def test_json_project_page_wrong_shapes_raise_response_error(body: bytes) -> None:
    with pytest.raises(ResponseError):
        json_project_page(body, ["1"])


def test_simple_json_ignores_other_projects_and_unparsable_files() -> None:
    body = (
        b'{"meta": {"api-version": "1.1"}, "files": ['
        b'{"filename": "demo-1.0-py3-none-any.whl", "hashes": {}, "yanked": "bad"},'
        b'{"filename": "demo_extra-1.0-py3-none-any.whl", "hashes": {}},'
        b'{"filename": "demo-1.0.exe", "hashes": {}},'
        b'{"filename": "Demo-1.0.tar.bz2", "hashes": {"sha256": "aa"}}]}'
    )
    found = simple_json_page(body, "demo", ["1.0"])["1.0"]
    assert [f.filename for f in found.files] == ["demo-1.0-py3-none-any.whl", "Demo-1.0.tar.bz2"]
    assert found.files[0].yanked_reason == "bad" and not found.yanked
    with pytest.raises(ResponseError, match="unsupported Simple API version"):
        simple_json_page(b'{"meta": {"api-version": "2.0"}, "files": []}', "demo", ["1.0"])


def test_simple_html_fragments_yanks_and_base() -> None:
    body = b"""<html><head><base href="https://files.example.test/root/"></head><body>
    <a href="p/demo-1.0.tar.gz#sha256=ABCD" data-yanked>demo-1.0.tar.gz</a>
    <a href="p/demo-1.0-py3-none-any.whl#md5=11&amp;sha512=ff" data-yanked="bad &amp; old">w</a>
    <a href="/demo-2.0.zip">demo-2.0.zip</a>
    </body></html>"""
    page = "https://index.example.test/simple/demo/"
    found = simple_html_page(body, page, "demo", ["1.0", "2.0"])
    sdist, wheel = found["1.0"].files
    assert sdist.url == "https://files.example.test/root/p/demo-1.0.tar.gz"
    assert sdist.digests == {"sha256": "abcd"} and sdist.yanked and sdist.yanked_reason is None
    assert wheel.digests == {"md5": "11", "sha512": "ff"} and wheel.yanked_reason == "bad & old"
    assert found["1.0"].yanked and found["1.0"].yanked_reason == "bad & old"
    assert found["2.0"].files[0].url == "https://files.example.test/demo-2.0.zip"


def test_file_version() -> None:
    assert (
        str(file_version("foo_bar-1.2-cp311-cp311-manylinux_2_17_x86_64.whl", "foo-bar")) == "1.2"
    )
    assert str(file_version("foo-bar-1.2.post1.tar.gz", "foo-bar")) == "1.2.post1"
    assert str(file_version("Foo.Bar-0.9.tgz", "foo-bar")) == "0.9"
    assert file_version("foo-1.2.tar.gz", "foo-bar") is None
    assert file_version("foo-bar-1.2.egg", "foo-bar") is None


def test_json_api_base() -> None:
    assert json_api_base("https://idx.example.test/simple") == "https://idx.example.test/pypi"
    assert json_api_base("https://idx.example.test/x/simple/") == "https://idx.example.test/x/pypi"
    assert json_api_base("https://idx.example.test/repository/python") is None


def test_split_credentials_and_origins(tmp_path: Path) -> None:
    clean, creds = split_credentials("https://to%40ken:p%3Aw@idx.example.test:8443/simple")
    assert clean == "https://idx.example.test:8443/simple"
    assert creds == Credentials("to@ken", "p:w")
    assert split_credentials("https://idx.example.test/simple") == (
        "https://idx.example.test/simple",
        None,
    )
    store = CredentialStore()  # NETRC names no file here
    store.add("https://tok@idx.example.test/simple")
    assert store.for_url("https://idx.example.test:443/pypi/x/json") == Credentials("tok", "")
    for other in (
        "http://idx.example.test/simple",
        "https://idx.example.test:8443/simple",
        "https://files.example.test/x",
    ):
        assert store.for_url(other) is None
    netrc = tmp_path / "netrc"
    netrc.write_text("machine a.example.test login u password p\ndefault login d password q\n")
    assert netrc_credentials("a.example.test", netrc) == Credentials("u", "p")
    # The default entry only for an index the user chose (see tests/test_secrets.py).
    assert netrc_credentials("b.example.test", netrc) is None
    assert netrc_credentials("b.example.test", netrc, use_default=True) == Credentials("d", "q")
    netrc.write_text("machine 'unterminated")
    assert netrc_credentials("a.example.test", netrc) is None


def test_jobs_must_be_positive() -> None:
    with pytest.raises(ConfigError):
        HttpSettings(jobs=0)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "info",
                    "urls",
                    "releases",
                    "files",
                    "filename",
                    "digests",
                    "hashes",
                    "yanked",
                    "size",
                    "1.0",
                    "meta",
                    "api-version",
                    "version",
                ]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES)
def test_any_json_gives_files_or_a_response_error(value: object) -> None:
    body = json.dumps(value).encode()
    for reduce in (
        lambda: json_version_page(body, "1.0"),
        lambda: json_project_page(body, ["1.0"]),
        lambda: simple_json_page(body, "demo", ["1.0"]),
    ):
        with contextlib.suppress(ResponseError):
            reduce()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="<>!/[]=\"'a-#&; \n", max_size=40))
def test_any_html_gives_files_or_a_response_error(text: str) -> None:
    with contextlib.suppress(ResponseError):
        simple_html_page(text.encode(), "http://idx.example.test/simple/demo/", "demo", ["1.0"])


def test_metadata_lookup_reuses_what_the_release_lookup_learnt(server: HTTPServer) -> None:
    # A mirror without per-version pages whose Simple API names no core metadata: LC203's
    # lookup asks nothing more (before: a per-version 404 and the page again, per release).
    index, keys = projects(server, "mirror", 5)
    index_client = client()
    index_client.fetch(keys)
    index.reset_log()
    found = index_client.fetch_metadata(keys)
    assert index.paths() == []
    assert {m.error for m in found.values()} == {NO_CORE_METADATA}
    # A fresh client knows nothing yet, and asks.
    assert client().fetch_metadata(keys[:1])[keys[0]].error == NO_CORE_METADATA
    assert index.paths() == ["/pypi/pkg0/1.0/json", "/simple/pkg0/"]
