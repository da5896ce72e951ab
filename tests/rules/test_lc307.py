"""LC307 private-name-on-public-index: found, not found, and "could not ask" (which is
LC306 and exit 3, never a pass), in every format that can lock a private package."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from fake_index import FakeIndex, closed_port_url
from lockcheck.checking import SettingsResolver
from lockcheck.config import Overrides
from lockcheck.discover import discover
from lockcheck.engine import run
from lockcheck.findings import Report
from lockcheck.index.client import IndexClient
from lockcheck.index.http import HttpSettings
from support_index_env import isolated_index_env, quick_backoff  # noqa: F401 (fixtures)
from support_locks import ACME_REQUIREMENT, ACME_WHEEL, acme_poetry_lock, acme_uv_lock

pytestmark = pytest.mark.usefixtures("isolated_index_env", "quick_backoff")


def requirements(private: str) -> str:
    return f"--index-url {private}\n{ACME_REQUIREMENT}"


FORMATS: dict[str, Callable[[str], str]] = {
    "requirements.txt": requirements,
    "uv.lock": acme_uv_lock,
    "poetry.lock": lambda private: acme_poetry_lock(private, "acme"),
}


def check(
    tmp_path: Path,
    filename: str,
    private: FakeIndex,
    public_url: str,
    ignore: str = "",
    **client: object,
) -> Report:
    (tmp_path / "lockcheck.toml").write_text(
        f'select = ["LC3"]\nignore = [{ignore}]\n'
        f'[private]\npackages = ["acme-*"]\nindex = "{private.url}"\n'
    )
    lock = tmp_path / filename
    lock.write_text(FORMATS[filename](private.url))
    resolver = SettingsResolver(None, Overrides())
    targets, errors = discover([str(lock)], resolver.exclude_for)
    assert not errors
    # Retries through the real settings, made short.
    index = IndexClient(
        HttpSettings(retries=1, connect_timeout=1.0, read_timeout=2.0, **client)  # type: ignore[arg-type]
    )
    return run(targets, resolver, index=index)


@pytest.fixture
def private(server: HTTPServer) -> FakeIndex:
    index = FakeIndex(server, root="/private")
    index.add_file("acme-billing", "1.0", ACME_WHEEL)
    return index


@pytest.fixture
def set_public(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    return lambda url: monkeypatch.setenv("LOCKCHECK_PUBLIC_INDEX_URL", url)


def codes(report: Report) -> list[str]:
    return sorted(f.code for f in report.findings)


@pytest.mark.parametrize("filename", sorted(FORMATS))
def test_private_name_on_the_public_index(
    server: HTTPServer,
    tmp_path: Path,
    private: FakeIndex,
    filename: str,
    set_public: Callable[[str], None],
) -> None:
    public = FakeIndex(server, root="/public")
    public.add_file("acme-billing", "0.0.1", "acme_billing-0.0.1-py3-none-any.whl")
    set_public(public.url)
    report = check(tmp_path, filename, private, public.url)
    assert codes(report) == ["LC307"], report.findings
    assert report.exit_code() == 0  # a warning, below the default fail-on


@pytest.mark.parametrize("filename", sorted(FORMATS))
def test_private_name_absent_from_the_public_index(
    server: HTTPServer,
    tmp_path: Path,
    private: FakeIndex,
    filename: str,
    set_public: Callable[[str], None],
) -> None:
    public = FakeIndex(server, root="/public")
    public.add_file("other", "1.0", "other-1.0-py3-none-any.whl")
    set_public(public.url)
    report = check(tmp_path, filename, private, public.url)
    assert codes(report) == [] and report.exit_code() == 0
    assert report.verified == 1 and report.unverified == 0


@pytest.mark.parametrize("filename", sorted(FORMATS))
@pytest.mark.parametrize("fault", ["500", "refused"])
def test_public_index_that_cannot_be_asked_is_lc306_and_exit_3(
    server: HTTPServer,
    tmp_path: Path,
    private: FakeIndex,
    filename: str,
    fault: str,
    set_public: Callable[[str], None],
) -> None:
    if fault == "500":
        server.expect_request("/public/pypi/acme-billing/json").respond_with_data("", 500)
        server.expect_request("/public/simple/acme-billing/").respond_with_data("", 500)
        public_url = server.url_for("/public/simple")
    else:
        public_url = closed_port_url()
    set_public(public_url)
    report = check(tmp_path, filename, private, public_url)
    assert codes(report) == ["LC306"], report.findings
    (finding,) = report.findings
    assert "could not be asked whether the private name 'acme-billing'" in finding.message
    assert report.exit_code() == 3
    assert report.unverified == 1


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/html", '<a href="http://[::1/acme_billing-0.1.tar.gz">x</a>'),
        ("application/vnd.pypi.simple.v1+json", '{"files": [{"filename": 3}]}'),
        ("image/png", "<html></html>"),
        ("application/json", "[" * 100_000),
    ],
)
def test_malformed_public_page_is_lc306_not_a_traceback(
    server: HTTPServer,
    tmp_path: Path,
    private: FakeIndex,
    content_type: str,
    body: str,
    set_public: Callable[[str], None],
) -> None:
    # No JSON API at this URL (it does not end in /simple): the Simple page is all there is.
    server.expect_request("/public/acme-billing/").respond_with_response(
        Response(body, 200, content_type=content_type)
    )
    set_public(server.url_for("/public"))
    report = check(tmp_path, "requirements.txt", private, server.url_for("/public"))
    assert codes(report) == ["LC306"], report.findings
    assert report.exit_code() == 3


def test_ignoring_lc306_still_does_not_pass(
    server: HTTPServer, tmp_path: Path, private: FakeIndex, set_public: Callable[[str], None]
) -> None:
    set_public(closed_port_url())
    report = check(tmp_path, "requirements.txt", private, closed_port_url(), ignore='"LC306"')
    assert codes(report) == []
    assert report.unverified == 1
    assert report.exit_code() == 3


def test_private_names_are_not_sent_to_the_public_index_when_lc307_is_off(
    server: HTTPServer, tmp_path: Path, private: FakeIndex, set_public: Callable[[str], None]
) -> None:
    public = FakeIndex(server, root="/public")
    public.add_file("acme-billing", "0.0.1", "acme_billing-0.0.1-py3-none-any.whl")
    set_public(public.url)
    report = check(tmp_path, "requirements.txt", private, public.url, ignore='"LC307"')
    assert codes(report) == [] and report.exit_code() == 0
    assert public.requests == []
