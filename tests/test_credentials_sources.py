"""Index logins found where pip, uv and poetry find them (issue 12, item 2): the `keyring`
command (asked as uv asks it), uv's UV_INDEX_<NAME>_* for a uv.lock's named index,
poetry's POETRY_HTTP_BASIC_<SOURCE>_* for a poetry.lock's source; and still sent only to
their own origin. The indexes want a basic-auth login and run on 127.0.0.1."""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from conftest import Result
from fake_index import FakeIndex, local_server
from support_index_env import (
    isolated_index_env,  # noqa: F401 (a fixture)
    run_verify,
)
from support_locks import ACME_REQUIREMENT, ACME_WHEEL, acme_poetry_lock, acme_uv_lock
from support_tls import LoginIndex

USER, PASSWORD = "alice", "s3cret-from-the-vault"


pytestmark = pytest.mark.usefixtures("isolated_index_env")


@pytest.fixture(autouse=True)
def _no_pip_retries(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    request.getfixturevalue("isolated_index_env")  # first: it removes the machine's PIP_RETRIES
    monkeypatch.setenv("PIP_RETRIES", "0")


@pytest.fixture(scope="module")
def _server() -> Iterator[HTTPServer]:
    with local_server() as server:
        yield server


@pytest.fixture
def index(_server: HTTPServer) -> Iterator[LoginIndex]:
    _server.clear()
    made = LoginIndex(_server, USER, PASSWORD)
    made.add_file("acme-billing", "1.0", ACME_WHEEL)
    yield made


def requirements(tmp_path: Path, index_url: str | None = None) -> Path:
    path = tmp_path / "requirements.txt"
    header = f"--index-url {index_url}\n" if index_url else ""
    path.write_text(header + ACME_REQUIREMENT)
    return path


def verify(*args: str) -> Result:
    return run_verify(*args)


# --- the keyring command ------------------------------------------------------------------

KEYRING = """#!{python}
import json, sys
with open({log!r}, "a") as log:
    log.write(json.dumps(sys.argv[1:]) + "\\n")
args = sys.argv[1:]
known = {services!r}
if len(args) >= 2 and args[0] == "get" and args[1] in known:
    if args[2:] == ["--mode", "creds"]:
        print({user!r}); print({password!r}); sys.exit(0)
    if args[2:] == [{user!r}]:
        print({password!r}); sys.exit(0)
sys.exit(1)
"""


@pytest.fixture
def keyring_log(
    index: LoginIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """A `keyring` command on PATH that knows the login for the index's host:port."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "keyring.log"
    host = index.base.split("://", 1)[1]
    script = bin_dir / "keyring"
    script.write_text(
        KEYRING.format(
            python=sys.executable, log=str(log), services=[host], user=USER, password=PASSWORD
        )
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    yield log


def calls(log: Path) -> list[list[str]]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_keyring_command_gives_the_password(
    index: LoginIndex, keyring_log: Path, tmp_path: Path
) -> None:
    lock = requirements(tmp_path)
    result = verify("--keyring-provider", "subprocess", "--index-url", index.url, str(lock))
    assert result.exit_code == 0, result.stderr
    assert result.json["summary"]["verified"] == 1
    host = index.base.split("://", 1)[1]
    # As uv asks: the index URL first, then host:port; no username known: --mode creds.
    assert calls(keyring_log) == [
        ["get", index.url, "--mode", "creds"],
        ["get", host, "--mode", "creds"],
    ]
    assert "s3cret" not in result.stdout + result.stderr


def test_keyring_is_asked_with_the_username_the_url_gives(
    index: LoginIndex, keyring_log: Path, tmp_path: Path
) -> None:
    with_user = index.url.replace("http://", f"http://{USER}@")
    lock = requirements(tmp_path)
    result = verify("--keyring-provider", "subprocess", "--index-url", with_user, str(lock))
    assert result.exit_code == 0, result.stderr
    host = index.base.split("://", 1)[1]
    assert calls(keyring_log)[-1] == ["get", host, USER]


@pytest.mark.parametrize("how", ["environment", "config"])
def test_keyring_provider_from_environment_or_config(
    how: str,
    index: LoginIndex,
    keyring_log: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lock = requirements(tmp_path, index.url)
    if how == "environment":
        monkeypatch.setenv("LOCKCHECK_KEYRING_PROVIDER", "subprocess")
    else:
        (tmp_path / "lockcheck.toml").write_text('keyring-provider = "subprocess"\n')
    result = verify(str(lock))
    assert result.exit_code == 0, result.stderr
    assert calls(keyring_log)


def test_without_a_keyring_provider_the_keyring_is_not_asked(
    index: LoginIndex, keyring_log: Path, tmp_path: Path
) -> None:
    result = verify("--index-url", index.url, str(requirements(tmp_path)))
    assert result.exit_code == 2  # 401: no retry fixes it
    assert "HTTP 401" in result.stderr and "--keyring-provider subprocess" in result.stderr
    assert calls(keyring_log) == []


def test_bad_keyring_provider_in_the_environment_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOCKCHECK_KEYRING_PROVIDER", "import")
    result = verify(str(requirements(tmp_path, "http://127.0.0.1:9/simple")))
    assert result.exit_code == 2
    assert "LOCKCHECK_KEYRING_PROVIDER=import" in result.stderr


# --- uv's and poetry's variables ------------------------------------------------------------


def uv_lock(tmp_path: Path, registry: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "0"\n\n'
        f'[[tool.uv.index]]\nname = "acme-internal"\nurl = "{registry}"\n'
    )
    path = tmp_path / "uv.lock"
    path.write_text(acme_uv_lock(registry))
    return path


def poetry_lock(tmp_path: Path, registry: str) -> Path:
    path = tmp_path / "poetry.lock"
    path.write_text(acme_poetry_lock(registry, "acme.private"))
    return path


@pytest.mark.parametrize(
    ("lockfile", "prefix"),
    [("uv.lock", "UV_INDEX_ACME_INTERNAL"), ("poetry.lock", "POETRY_HTTP_BASIC_ACME_PRIVATE")],
)
def test_named_index_login_from_its_tools_variables(
    lockfile: str,
    prefix: str,
    index: LoginIndex,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make = uv_lock if lockfile == "uv.lock" else poetry_lock
    lock = make(tmp_path, index.url)
    refused = verify(str(lock))
    assert refused.exit_code == 2 and "HTTP 401" in refused.stderr
    monkeypatch.setenv(f"{prefix}_USERNAME", USER)
    monkeypatch.setenv(f"{prefix}_PASSWORD", PASSWORD)
    result = verify(str(lock))
    assert result.exit_code == 0, result.stderr
    assert result.json["summary"]["verified"] == 1
    assert PASSWORD not in result.stdout + result.stderr


def test_a_variables_login_goes_only_to_its_own_origin(
    index: LoginIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with local_server() as other:
        elsewhere = FakeIndex(other)
        elsewhere.add_file("acme-billing", "1.0", ACME_WHEEL)
        # The index sends every page to another origin (another port on 127.0.0.1).
        index.redirect(
            "/pypi/acme-billing/1.0/json", f"{elsewhere.base}/pypi/acme-billing/1.0/json"
        )
        monkeypatch.setenv("UV_INDEX_ACME_INTERNAL_USERNAME", USER)
        monkeypatch.setenv("UV_INDEX_ACME_INTERNAL_PASSWORD", PASSWORD)
        result = verify(str(uv_lock(tmp_path, index.url)))
        assert elsewhere.requests, result.stderr
        assert all("authorization" not in r.headers for r in elsewhere.requests)
        assert any("authorization" in r.headers for r in index.requests)


def test_requests_refused_at_once_all_use_the_keyrings_one_answer(
    index: LoginIndex, keyring_log: Path
) -> None:
    """Several projects asked concurrently, all refused at first: the keyring is asked
    once for the origin, and every lookup then succeeds with its answer."""
    from lockcheck.index.client import IndexClient
    from lockcheck.index.http import HttpSettings
    from lockcheck.index.interface import LookupStatus, ReleaseKey

    keys = []
    for i in range(6):
        for version in ("1.0", "2.0"):  # two versions: lookups that skip the probe
            index.add_file(f"pkg{i}", version, f"pkg{i}-{version}.tar.gz")
            keys.append(ReleaseKey(index.url, f"pkg{i}", version))
    client = IndexClient(HttpSettings(retries=0, keyring=True))
    results = client.fetch(keys)
    assert all(r.status is LookupStatus.FOUND for r in results.values())
    assert len(calls(keyring_log)) == 2  # the index URL, then host:port
    assert index.refused >= 1
