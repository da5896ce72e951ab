"""LC101 insecure-transport on `-e git://...`: pip rewrites it to `git+git://`, an
unencrypted VCS URL (and `@master` is a branch, LC008)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from lockcheck.model import LockFormat
from rules.conftest import FILES, A, pylock, pylock_package
from support_requirements import check, codes

Writer = Callable[..., Path]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("-e git://git.example.test/x.git@master#egg=x", {"LC006", "LC008", "LC101"}),
        ("-e git+https://git.example.test/x.git@master#egg=x", {"LC006", "LC008"}),
        ("-e svn://svn.example.test/x@10#egg=x", {"LC006", "LC008", "LC101"}),
    ],
)
def test_editable_vcs_scheme(write: Writer, line: str, expected: set[str]) -> None:
    findings = check(write("requirements.txt", line + "\n"))
    assert {f.code for f in findings} == expected
    for finding in findings:
        assert finding.package == "x"
    lc101 = [f for f in findings if f.code == "LC101"]
    assert all("VCS repository" in f.message for f in lc101)


@pytest.mark.parametrize(
    ("line", "fires"),
    [
        ("--index-url http://index.example.test/simple", True),
        ("--extra-index-url http://index.example.test/simple", True),
        ("--find-links http://files.example.test/", True),
        ("--index-url https://index.example.test/simple", False),
        ("--index-url http://127.0.0.1:8080/simple", False),
        ("--index-url http://localhost/simple", False),
        ("--index-url http://[::1]:3141/simple", False),
        ("--find-links ./wheelhouse", False),
        ("foo @ http://files.example.test/foo-1.0.tar.gz#sha256=" + "a" * 64, True),
        ("foo @ git+git://git.example.test/foo@" + "a" * 40, True),
        ("foo @ git+http://git.example.test/foo@" + "a" * 40, True),
    ],
)
def test_requirements_insecure_transport(write: Writer, line: str, fires: bool) -> None:
    assert ("LC101" in codes(check(write("requirements.txt", line + "\n")))) is fires


def test_pylock_http_index(write: Writer) -> None:
    body = (
        'index = "http://index.example.test/simple"\n'
        f'wheels = [{{ url = "{FILES}/six-1.16.0-py3-none-any.whl", hashes = {{ sha256 = "{A}" }} }}]'
    )
    lock = pylock(pylock_package(body=body))
    found = [
        f for f in check(write("pylock.toml", lock), fmt=LockFormat.PYLOCK) if f.code == "LC101"
    ]
    assert len(found) == 1  # on the index URL
    assert "http://index.example.test" in found[0].message
