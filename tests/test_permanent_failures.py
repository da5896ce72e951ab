"""What a retry cannot fix is exit 2 with one message naming the index and what to do;
what it can fix is LC306 and exit 3, once per (file, index), quickly (issue 12, item 4).
Every index is a server (or a closed port) on 127.0.0.1, or a name that resolves nowhere."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from conftest import Result
from fake_index import FakeIndex, closed_port_url, fake_digest, local_server
from lockcheck.index import http
from support_index_env import (
    isolated_index_env,  # noqa: F401 (a fixture)
    run_verify,
)

NAMES = [f"pkg{i}" for i in range(25)]


pytestmark = pytest.mark.usefixtures("isolated_index_env")


@pytest.fixture(scope="module")
def _server() -> Iterator[HTTPServer]:
    with local_server() as server:
        yield server


@pytest.fixture
def index(_server: HTTPServer) -> Iterator[FakeIndex]:
    _server.clear()
    made = FakeIndex(_server)
    for name in NAMES:
        made.add_file(name, "1.0", f"{name}-1.0.tar.gz")
    yield made


def lock(tmp_path: Path, name: str = "requirements.txt", index_url: str | None = None) -> Path:
    path = tmp_path / name
    header = f"--index-url {index_url}\n" if index_url else ""
    body = "".join(f"{n}==1.0 --hash=sha256:{fake_digest(f'{n}-1.0.tar.gz')}\n" for n in NAMES)
    path.write_text(header + body, encoding="utf-8")
    return path


def verify(*args: str) -> Result:
    return run_verify(*args, select=None)


@pytest.mark.parametrize(
    ("status", "says"), [(401, "the index wants a login"), (403, "the index refused this login")]
)
def test_refused_login_is_exit_2_with_one_message(
    status: int, says: str, index: FakeIndex, tmp_path: Path
) -> None:
    index.fail("*", status)
    secret = index.url.replace("http://", "http://ci:t0ken@")
    result = verify("--index-url", secret, str(lock(tmp_path)))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines  # one message for the index, not one per package
    (line,) = lines
    assert f"index {index.url} cannot be used: HTTP {status}: {says}" in line
    assert "UV_INDEX_<NAME>" in line and "--keyring-provider subprocess" in line  # what to do
    assert "t0ken" not in result.stdout + result.stderr
    assert [f["code"] for f in result.json["findings"]] == []  # not LC306: a retry won't help
    assert result.json["summary"]["unverified"] == len(NAMES)
    assert index.count() == 1  # not retried, and the index is not asked once per package


def test_invalid_index_url_is_exit_2_saying_what_to_correct(tmp_path: Path) -> None:
    result = verify("--index-url", "htps://index.example.test/simple", str(lock(tmp_path)))
    assert result.exit_code == 2
    assert "invalid index URL htps://index.example.test/simple" in result.stderr
    assert "correct --index-url" in result.stderr


def test_unreachable_index_is_one_lc306_per_file_with_the_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http, "BACKOFF", 0.01)  # refused connections are retried with backoff
    url = closed_port_url()
    first, second = lock(tmp_path, "a.txt", url), lock(tmp_path, "b.txt", url)
    result = verify("--select", "LC3", str(first), str(second))
    assert result.exit_code == 3
    findings = result.json["findings"]
    assert sorted((f["code"], Path(f["path"]).name) for f in findings) == [
        ("LC306", "a.txt"),
        ("LC306", "b.txt"),
    ]
    assert all(f"could not be asked about {len(NAMES)} packages" in f["message"] for f in findings)
    assert all("connection refused" in f["message"] for f in findings)
    assert result.json["summary"]["unverified"] == 2 * len(NAMES)
    assert result.json["summary"]["verified"] == 0


def test_a_host_that_does_not_resolve_is_given_up_on_quickly(tmp_path: Path) -> None:
    # Production retries and backoff: a name that does not resolve is asked once more only.
    started = time.monotonic()
    result = verify(
        "--select", "LC3", "--index-url", "http://index.invalid/simple", str(lock(tmp_path))
    )
    elapsed = time.monotonic() - started
    assert result.exit_code == 3
    (finding,) = result.json["findings"]
    assert finding["code"] == "LC306"
    assert "does not resolve after 2 attempts" in finding["message"]
    assert f"about {len(NAMES)} packages" in finding["message"]
    assert elapsed < 5, elapsed


def test_one_failing_project_is_still_an_lc306_naming_it(index: FakeIndex, tmp_path: Path) -> None:
    index.fail("pkg3", 503, headers={"Retry-After": "0"})
    result = verify("--select", "LC3", "--index-url", index.url, str(lock(tmp_path)))
    assert result.exit_code == 3
    (finding,) = result.json["findings"]
    assert finding["package"] == "pkg3" and "HTTP 503" in finding["message"]
    assert result.json["summary"] == {
        "files": 1,
        "packages": len(NAMES),
        "findings": 1,
        "verified": len(NAMES) - 1,
        "unverified": 1,
    }
