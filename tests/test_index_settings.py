"""A requirements file that records no index (``uv export`` without ``--emit-index-url``) is
verified on the indexes its installer would search (issue 12, item 3): PIP_EXTRA_INDEX_URL,
pip's configuration, uv.toml and ``[[tool.uv.index]]``. The indexes run on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from conftest import Result
from fake_index import FakeIndex, fake_digest, local_server
from support_index_env import (
    isolated_index_env,  # noqa: F401 (a fixture)
    run_verify,
)

WHEEL = "acme_billing-1.0-py3-none-any.whl"


pytestmark = pytest.mark.usefixtures("isolated_index_env")


@pytest.fixture(autouse=True)
def _repository_root(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()  # the repository's root: uv's project files stop here


@pytest.fixture(scope="module")
def _server() -> Iterator[HTTPServer]:
    with local_server() as server:
        yield server


@pytest.fixture
def public(_server: HTTPServer) -> Iterator[FakeIndex]:
    """The default index: it does not have the private package."""
    _server.clear()
    index = FakeIndex(_server, root="/public")
    index.add_file("six", "1.16.0", "six-1.16.0-py2.py3-none-any.whl")
    yield index


@pytest.fixture
def private(_server: HTTPServer, public: FakeIndex) -> FakeIndex:
    index = FakeIndex(_server, root="/private")
    index.add_file("acme-billing", "1.0", WHEEL)
    return index


def exported(directory: Path) -> Path:
    """What ``uv export`` writes without ``--emit-index-url``: no index line at all."""
    path = directory / "requirements.txt"
    path.write_text(f"acme-billing==1.0 \\\n    --hash=sha256:{fake_digest(WHEEL)}\n")
    return path


def verify(lock: Path) -> Result:
    return run_verify(str(lock))


def test_without_the_extra_index_the_private_package_is_missing(
    public: FakeIndex, private: FakeIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The control: only the default index is asked, and it has no such project."""
    monkeypatch.setenv("PIP_INDEX_URL", public.url)
    result = verify(exported(tmp_path))
    assert [f["code"] for f in result.json["findings"]] == ["LC303"]
    assert private.count() == 0


@pytest.mark.parametrize(
    "where", ["PIP_EXTRA_INDEX_URL", "pip.conf", "UV_INDEX", "uv.toml", "tool.uv.index"]
)
def test_extra_indexes_from_the_installers_settings(
    where: str,
    public: FakeIndex,
    private: FakeIndex,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PIP_INDEX_URL", public.url)
    if where == "PIP_EXTRA_INDEX_URL":
        monkeypatch.setenv("PIP_EXTRA_INDEX_URL", f"file:///nowhere {private.url}")
    elif where == "pip.conf":
        config = tmp_path / "pip.conf"
        config.write_text(f"[global]\nextra-index-url =\n    file:///x\n    {private.url}\n")
        monkeypatch.setenv("PIP_CONFIG_FILE", str(config))
    elif where == "UV_INDEX":
        monkeypatch.setenv("UV_INDEX", f"acme={private.url}")
    elif where == "uv.toml":
        (tmp_path / "uv.toml").write_text(f'[[index]]\nname = "acme"\nurl = "{private.url}"\n')
    else:
        (tmp_path / "pyproject.toml").write_text(
            '[project]\nname = "app"\nversion = "0"\n\n'
            f'[[tool.uv.index]]\nname = "acme"\nurl = "{private.url}"\n'
        )
    result = verify(exported(tmp_path))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.json["summary"]["verified"] == 1
    assert private.count() >= 1


def test_uv_default_index_replaces_the_default(
    public: FakeIndex, private: FakeIndex, tmp_path: Path
) -> None:
    (tmp_path / "uv.toml").write_text(
        f'[[index]]\nname = "acme"\nurl = "{private.url}"\ndefault = true\n'
    )
    result = verify(exported(tmp_path))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.json["summary"]["verified"] == 1
    assert public.count() == 0


def test_netrc_default_login_goes_to_the_users_extra_index_not_the_projects(
    public: FakeIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pull request can edit pyproject.toml, not the CI's environment: the .netrc
    ``default`` login (a login for any host) goes only to an index the user chose."""
    netrc = tmp_path / "netrc"
    netrc.write_text("default login ci password t0ken\n")
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("PIP_INDEX_URL", public.url)
    with local_server() as other:  # another origin: logins are per scheme, host and port
        project_index = FakeIndex(other)
        project_index.add_file("acme-billing", "1.0", WHEEL)
        (tmp_path / "pyproject.toml").write_text(
            '[project]\nname = "app"\nversion = "0"\n\n'
            f'[[tool.uv.index]]\nurl = "{project_index.url}"\n'
        )
        verify(exported(tmp_path))
        assert project_index.requests
        assert all("authorization" not in r.headers for r in project_index.requests)
    assert public.requests and all("authorization" in r.headers for r in public.requests)


def test_the_project_is_found_above_the_exported_file(
    public: FakeIndex, private: FakeIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIP_INDEX_URL", public.url)
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "app"\nversion = "0"\n\n[[tool.uv.index]]\nurl = "{private.url}"\n'
    )
    (tmp_path / "requirements").mkdir()
    result = verify(exported(tmp_path / "requirements"))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.json["summary"]["verified"] == 1


@pytest.mark.parametrize("where", ["user", "UV_CONFIG_FILE"])
def test_uv_toml_outside_the_project(
    where: str,
    public: FakeIndex,
    private: FakeIndex,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PIP_INDEX_URL", public.url)
    config = (
        tmp_path / "config-home" / "uv" / "uv.toml" if where == "user" else tmp_path / "ci.toml"
    )
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'extra-index-url = ["{private.url}"]\n')
    if where == "UV_CONFIG_FILE":
        monkeypatch.setenv("UV_CONFIG_FILE", str(config))
    project = tmp_path / "project"
    project.mkdir()
    result = verify(exported(project))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.json["summary"]["verified"] == 1
    # UV_NO_CONFIG switches uv's files off, here as in uv.
    monkeypatch.setenv("UV_NO_CONFIG", "1")
    assert [f["code"] for f in verify(exported(project)).json["findings"]] == ["LC303"]
