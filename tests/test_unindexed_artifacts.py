"""--verify on files the lock takes from no index (a CDN, a vendor's wheel host): they are
not compared with the default index (a false LC301), and a note says why, not LC306."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from conftest import FIXTURES
from fake_index import FakeIndex, local_server
from support_index_env import isolated_index_env, run_verify, verify_timeout  # noqa: F401 (fixtures)

PYLOCK = FIXTURES / "projects" / "vendor-wheels" / "pylock.toml"


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    with local_server() as server:
        yield server


pytestmark = pytest.mark.usefixtures("isolated_index_env", "verify_timeout")


def verify(path: Path, index: FakeIndex) -> dict:  # type: ignore[type-arg]
    result = run_verify("--index-url", index.url, str(path), select=None)
    report: dict = json.loads(result.stdout)  # type: ignore[type-arg]
    report["exit"] = result.exit_code
    return report


def test_vendor_wheel_is_a_note_not_lc301(server: HTTPServer, tmp_path: Path) -> None:
    index = FakeIndex(server)
    index.add_file("vendorlib", "1.2.0", "vendorlib-1.2.0-py3-none-any.whl")  # another digest
    lock = tmp_path / "pylock.toml"
    shutil.copyfile(PYLOCK, lock)
    report = verify(lock, index)
    assert [f["code"] for f in report["findings"]] == []
    assert report["exit"] == 0
    [note] = [n for n in report["notes"] if "vendorlib" in n["message"]]
    assert "wheels.vendor.example.test" in note["message"]
    assert "cannot be verified" in note["message"]
    assert index.requests == []  # nothing was asked about it


def test_the_same_wheel_on_the_index_host_is_verified(server: HTTPServer, tmp_path: Path) -> None:
    index = FakeIndex(server)
    index.add_file("vendorlib", "1.2.0", "vendorlib-1.2.0-py3-none-any.whl")
    lock = tmp_path / "pylock.toml"
    lock.write_text(
        PYLOCK.read_text().replace("https://wheels.vendor.example.test/", f"{index.base}/files/")
    )
    report = verify(lock, index)
    assert [f["code"] for f in report["findings"]] == ["LC301"]
    # Not the "served elsewhere" note: the file is on the index (LC203's own note on the
    # release's core metadata, which this fake index does not serve, is another matter).
    assert not [n for n in report["notes"] if "is not an index" in n["message"]]
