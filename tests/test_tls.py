"""--verify trusts what pip trusts and goes where pip goes (issue 12, item 1): the system
store, the CA bundles pip and requests read, client certificates, and proxies. Every
index is an HTTPS (or HTTP) server on 127.0.0.1 with a CA made for the test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from conftest import Result
from fake_index import FakeIndex, fake_digest, local_server
from lockcheck.index.http import HttpSettings, ssl_context
from support_index_env import (
    isolated_index_env,  # noqa: F401 (a fixture)
    run_verify,
)
from support_tls import Pki, https_index, https_server, make_pki

WHEEL = "six-1.16.0-py2.py3-none-any.whl"


pytestmark = pytest.mark.usefixtures("isolated_index_env")


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def _tls_server(pki: Pki) -> Iterator[HTTPServer]:
    with https_server(pki) as server:
        yield server


@pytest.fixture
def tls_index(_tls_server: HTTPServer) -> Iterator[FakeIndex]:
    _tls_server.clear()
    index = https_index(_tls_server)
    index.add_file("six", "1.16.0", WHEEL)
    yield index


def lock(tmp_path: Path) -> Path:
    path = tmp_path / "requirements.txt"
    path.write_text(f"six==1.16.0 --hash=sha256:{fake_digest(WHEEL)}\n", encoding="utf-8")
    return path


def verify(tmp_path: Path, index_url: str) -> Result:
    return run_verify("--index-url", index_url, str(lock(tmp_path)))


def pip_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    config = tmp_path / "pip.conf"
    lines = "".join(f"{key.replace('_', '-')} = {value}\n" for key, value in values.items())
    config.write_text(f"[global]\n{lines}", encoding="utf-8")
    monkeypatch.setenv("PIP_CONFIG_FILE", str(config))


@pytest.mark.parametrize(
    "setting", ["PIP_CERT", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "pip config cert"]
)
def test_the_index_ca_comes_from_each_setting_pip_reads(
    setting: str,
    pki: Pki,
    tls_index: FakeIndex,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert tls_index.url.startswith("https://127.0.0.1:")
    if setting == "pip config cert":
        pip_config(tmp_path, monkeypatch, cert=str(pki.ca))
    else:
        monkeypatch.setenv(setting, str(pki.ca))
    result = verify(tmp_path, tls_index.url)
    assert result.exit_code == 0, result.stderr
    assert result.json["summary"]["verified"] == 1
    assert tls_index.count() >= 1


def test_the_system_trust_store_is_used() -> None:
    """pip verifies through truststore (the platform's store, where a company CA is
    installed): so does lockcheck, with the named bundles added to it."""
    import truststore

    assert isinstance(ssl_context(HttpSettings()), truststore.SSLContext)


def test_untrusted_ca_is_a_permanent_failure(tls_index: FakeIndex, tmp_path: Path) -> None:
    result = verify(tmp_path, tls_index.url)
    assert result.exit_code == 2
    (line,) = [x for x in result.stderr.splitlines() if "TLS" in x]
    assert f"index {tls_index.url} cannot be used" in line
    assert "TLS certificate verification failed" in line and "PIP_CERT" in line
    assert result.json["findings"] == []  # no LC306: retrying would not help
    assert result.json["summary"]["unverified"] == 1


def test_a_bundle_that_does_not_exist_is_named(
    tls_index: FakeIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "nowhere.pem"
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(missing))
    result = verify(tmp_path, tls_index.url)
    assert result.exit_code == 2
    assert f"REQUESTS_CA_BUNDLE={missing}" in result.stderr


@pytest.fixture
def mtls_index(pki: Pki) -> Iterator[FakeIndex]:
    with https_server(pki, client_certs=True) as server:
        index = https_index(server)
        index.add_file("six", "1.16.0", WHEEL)
        yield index


@pytest.mark.parametrize("setting", ["PIP_CLIENT_CERT", "pip config client-cert"])
def test_client_certificate_from_pip_settings(
    setting: str,
    pki: Pki,
    mtls_index: FakeIndex,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PIP_CERT", str(pki.ca))
    monkeypatch.setenv("PIP_RETRIES", "0")
    assert verify(tmp_path, mtls_index.url).exit_code != 0  # the server wants a certificate
    if setting == "PIP_CLIENT_CERT":
        monkeypatch.setenv("PIP_CLIENT_CERT", str(pki.client))
    else:
        pip_config(tmp_path, monkeypatch, client_cert=str(pki.client))
    result = verify(tmp_path, mtls_index.url)
    assert result.exit_code == 0, result.stderr
    assert result.json["summary"]["verified"] == 1


@pytest.fixture
def proxy() -> Iterator[FakeIndex]:
    """A server that answers as the index for whatever URL it is asked through it."""
    with local_server() as server:
        index = FakeIndex(server)
        index.add_file("six", "1.16.0", WHEEL)
        yield index


@pytest.mark.parametrize("setting", ["HTTP_PROXY", "pip config proxy"])
def test_requests_go_through_the_proxy(
    setting: str, proxy: FakeIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A host name that resolves nowhere: only the proxy can answer for it.
    target = "http://index.invalid/simple"
    if setting == "HTTP_PROXY":
        monkeypatch.setenv("HTTP_PROXY", proxy.base)
    else:
        pip_config(tmp_path, monkeypatch, proxy=proxy.base)
    result = verify(tmp_path, target)
    assert result.exit_code == 0, result.stderr + result.stdout
    assert result.json["summary"]["verified"] == 1
    assert [r.headers["host"] for r in proxy.requests] == ["index.invalid"]
