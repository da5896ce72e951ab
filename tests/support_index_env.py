"""One isolation for every test that reaches an index (--verify, LC307, the index client),
and the --verify run they make:
nothing from this machine changes where lockcheck goes, what it trusts or sends, or how long
it waits. A module uses it with

    from support_index_env import isolated_index_env  # noqa: F401  (a fixture)

    pytestmark = pytest.mark.usefixtures("isolated_index_env")

(pytest finds a fixture in the module's namespace; only the root conftest may use
``pytest_plugins``.)
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import Result, run_cli
from lockcheck.index import http

# What this machine may set that changes where --verify goes or what it trusts.
AMBIENT = (
    "PIP_CERT",
    "PIP_CLIENT_CERT",
    "PIP_PROXY",
    "PIP_INDEX_URL",
    "PIP_EXTRA_INDEX_URL",
    "PIP_RETRIES",
    "REQUESTS_CA_BUNDLE",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "UV_DEFAULT_INDEX",
    "UV_INDEX_URL",
    "UV_INDEX",
    "UV_EXTRA_INDEX_URL",
    "UV_CONFIG_FILE",
    "UV_NO_CONFIG",
    "LOCKCHECK_PUBLIC_INDEX_URL",
    "LOCKCHECK_TIMEOUT",
    "LOCKCHECK_KEYRING_PROVIDER",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
)
# Index logins named after an index (UV_INDEX_<NAME>_USERNAME, POETRY_HTTP_BASIC_<SOURCE>_...).
AMBIENT_PREFIXES = ("UV_INDEX_", "POETRY_HTTP_BASIC_")


@pytest.fixture
def isolated_index_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Only what the test sets: no index, certificate, proxy, login or timeout from the
    environment, no pip or uv config file, no ~/.netrc, and a cache of the test's own."""
    for variable in AMBIENT:
        monkeypatch.delenv(variable, raising=False)
    for variable in list(os.environ):
        if variable.startswith(AMBIENT_PREFIXES):
            monkeypatch.delenv(variable)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    # uv's user and system uv.toml: only what a test writes.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "config-dirs"))
    monkeypatch.setenv("LOCKCHECK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))


# The two below are opt-in: some tests time lockcheck with its production waits.


@pytest.fixture
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test waits on the production backoff between retries."""
    monkeypatch.setattr(http, "BACKOFF", 0.01)


@pytest.fixture
def verify_timeout(isolated_index_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """LOCKCHECK_TIMEOUT=5 (after ``isolated_index_env`` removed any): a --verify run that
    hangs fails in seconds."""
    monkeypatch.setenv("LOCKCHECK_TIMEOUT", "5")


def run_verify(*args: str, select: str | None = "LC3") -> Result:
    """``lockcheck check --verify`` in-process with a JSON report and no progress bar,
    only the ``select``ed rules (None: all of them)."""
    selected = ("--select", select) if select else ()
    return run_cli("check", "--verify", "--no-progress", "--format", "json", *selected, *args)
