"""LC101 insecure-transport on `-e git://...`: pip rewrites it to `git+git://`, an
unencrypted VCS URL (and `@master` is a branch, LC008)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from support_requirements import check

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
