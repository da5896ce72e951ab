"""LC308 url-not-on-index, with --verify: the real fixtures, pointed at an index on
127.0.0.1 that serves their files, give no finding; an edited copy whose wheel URL moved
to a look-alike host (hash kept) is found; a mirror asked with --index-url is not judged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from conftest import FIXTURES, Result
from fake_index import FakeIndex, locked_files
from support_index_env import (
    isolated_index_env,  # noqa: F401 (a fixture)
    run_verify,
)

PROJECTS = FIXTURES / "projects"
FILE_URL = re.compile(r"https://files\.index\.test/packages/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]+/")


pytestmark = pytest.mark.usefixtures("isolated_index_env")


def served_copy(tmp_path: Path, project: str, name: str, index: FakeIndex) -> Path:
    """The fixture, its index and file URLs pointed at ``index``; every file it locks
    published there."""
    text = (PROJECTS / project / name).read_text()
    text = text.replace("https://index.test/simple", index.url)
    text = FILE_URL.sub(f"{index.base}/packages/", text)
    copy = tmp_path / name
    copy.write_text(text)
    for package, artifact in locked_files(copy):
        index.add_locked(package, artifact)
    return copy


def verify(path: Path, *extra: str) -> Result:
    return run_verify(*extra, str(path))


CASES = [("small-app", "uv.lock"), ("small-app", "pylock.toml"), ("data-tool", "uv.lock")]


@pytest.mark.parametrize(("project", "name"), CASES)
def test_fixture_served_by_its_index_is_clean(
    server: HTTPServer, tmp_path: Path, project: str, name: str
) -> None:
    index = FakeIndex(server)
    copy = served_copy(tmp_path, project, name, index)
    assert index.url in copy.read_text() and f"{index.base}/packages/" in copy.read_text()
    result = verify(copy)
    assert result.json["errors"] == [] and result.json["findings"] == []
    assert result.exit_code == 0 and result.json["summary"]["verified"] > 0


@pytest.mark.parametrize(("project", "name"), CASES)
def test_wheel_moved_to_a_lookalike_host_is_found(
    server: HTTPServer, tmp_path: Path, project: str, name: str
) -> None:
    index = FakeIndex(server)
    copy = served_copy(tmp_path, project, name, index)
    clean = verify(copy).json["summary"]["verified"]
    lines = copy.read_text().splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if ".whl" in line and index.base in line)
    lines[number] = lines[number].replace(f"{index.base}/", "https://files.indez.test/", 1)
    copy.write_text("".join(lines))
    result = verify(copy)
    # The hash still matches a published file: only the URL gives it away.
    assert [(f["code"], f["line"]) for f in result.json["findings"]] == [("LC308", number + 1)]
    message = result.json["findings"][0]["message"]
    assert "https://files.indez.test/" in message and f"{index.base}/packages/" in message
    assert result.exit_code == 1
    # Every hash matched a published file, but one file would come from elsewhere: that
    # package is no longer counted as verified.
    assert result.json["summary"]["verified"] == clean - 1


def test_poetry_lock_records_no_file_urls(server: HTTPServer, tmp_path: Path) -> None:
    """poetry.lock names files without URLs: the installer asks the index, nothing to judge."""
    index = FakeIndex(server)
    copy = served_copy(tmp_path, "small-app", "poetry.lock", index)
    result = verify(copy, "--index-url", index.url)
    assert result.json["findings"] == [] and result.exit_code == 0


def test_mirror_given_with_index_url_is_not_judged(server: HTTPServer, tmp_path: Path) -> None:
    index = FakeIndex(server)
    copy = served_copy(tmp_path, "small-app", "uv.lock", index)
    mirror = FakeIndex(server, root="/mirror")
    served_copy(tmp_path / "m", "small-app", "uv.lock", mirror) if (
        tmp_path / "m"
    ).mkdir() is None else None
    # The mirror serves the same files from its own URLs: the lock's URLs are not its own.
    result = verify(copy, "--index-url", mirror.url)
    assert result.json["errors"] == [] and result.json["findings"] == []


@pytest.mark.parametrize(
    ("locked", "served", "same"),
    [
        ("https://h.example/p/a.whl", "https://h.example/p/a.whl", True),
        ("https://H.example:443/p/a.whl", "https://h.example/p/a.whl", True),
        ("https://h.example/p/%61.whl", "https://h.example/p/a.whl", True),
        ("https://h.example/p/a.whl?sig=1", "https://h.example/p/a.whl?sig=2#sha256=ab", True),
        ("https://u:pw@h.example/p/a.whl", "https://h.example/p/a.whl", True),
        ("https://h.examp1e/p/a.whl", "https://h.example/p/a.whl", False),
        ("http://h.example/p/a.whl", "https://h.example/p/a.whl", False),
        ("https://h.example:8443/p/a.whl", "https://h.example/p/a.whl", False),
        ("https://h.example/q/a.whl", "https://h.example/p/a.whl", False),
    ],
)
def test_what_counts_as_the_same_place(locked: str, served: str, same: bool) -> None:
    """A query string (signed URLs), a fragment, credentials, the default port and
    percent-encoding do not make another place; scheme, host, port and path do."""
    from lockcheck.index.verification import file_location

    assert (file_location(locked) == file_location(served)) is same
