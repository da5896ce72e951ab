"""LC008 mutable-vcs-reference: a VCS dependency not pinned to a full commit id."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from lockcheck.config import Settings
from lockcheck.discover import Target
from lockcheck.engine import run
from lockcheck.findings import Finding
from lockcheck.parsers import detect_format
from rules.conftest import check, uv_lock, uv_unhashed
from support_requirements import codes

Writer = Callable[..., Path]
GIT_DEP = Path(__file__).resolve().parents[2] / "fixtures" / "projects" / "git-dep"
COMMIT = "9e46d7c0098c1788b2584b4ff6aab8b4e3d9ad9c"  # what uv, poetry and pylock record


def lc008(path: Path) -> list[Finding]:
    fmt = detect_format(str(path))
    assert fmt is not None
    report = run([Target(str(path), fmt)], lambda _p: Settings(select=("LC008",)))
    assert not report.errors, report.errors
    return list(report.findings)


@pytest.mark.parametrize("name", ["poetry.lock", "uv.lock", "pylock.toml"])
def test_full_commit_recorded_by_the_tool_is_pinned(name: str) -> None:
    assert lc008(GIT_DEP / name) == []


@pytest.mark.parametrize(
    ("name", "recorded"),
    [
        ("poetry.lock", "123456"),  # resolved_reference = "123456"
        ("uv.lock", COMMIT[:7]),  # ...?rev=v0.1.0#9e46d7c
        ("pylock.toml", "main"),  # commit-id = "main"
        ("uv.lock", COMMIT + "0"),  # 41 digits: not an object name
        ("poetry.lock", "z" * 40),  # 40 characters, not hex
    ],
)
def test_recorded_commit_that_is_not_a_full_id(tmp_path: Path, name: str, recorded: str) -> None:
    path = tmp_path / name
    shutil.copy(GIT_DEP / name, path)
    path.write_text(path.read_text().replace(COMMIT, recorded))
    (finding,) = lc008(path)
    assert finding.package == "tinyutil"
    assert repr(recorded) in finding.message
    assert "not a full commit id" in finding.message


def test_requirements_sha256_object_name_is_pinned(write: Writer) -> None:
    line = "tinyutil @ git+https://git.example.test/tinyutil.git@" + "a" * 64 + "\n"
    assert lc008(write("requirements.txt", line)) == []


@pytest.mark.parametrize(
    ("ref", "fires"),
    [
        ("@main", True),
        ("@v1.2.0", True),
        ("@4f1c3bd", True),  # a short id is ambiguous and can collide
        ("", True),
        ("@4f1c3bd0f4b2a2e6c7a5d90b8f26fcd1e6a8a3b7", False),
    ],
)
def test_requirements_mutable_reference(write: Writer, ref: str, fires: bool) -> None:
    line = f"mylib @ git+https://git.example.test/org/mylib.git{ref}\n"
    assert ("LC008" in codes(check(write("requirements.txt", line)))) is fires


def test_requirements_user_in_host_is_not_a_reference(write: Writer) -> None:
    findings = check(write("requirements.txt", "mylib @ git+ssh://git@git.example.test/o/mylib\n"))
    found = [f for f in findings if f.code == "LC008"]
    assert len(found) == 1
    assert "no revision" in found[0].message


def test_uv_git_fragment_is_pinned_and_a_branch_is_not(write: Writer) -> None:
    sha = "4f1c3bd0f4b2a2e6c7a5d90b8f26fcd1e6a8a3b7"
    pinned = uv_unhashed("lib", "1.0", f'{{ git = "https://git.example.test/lib?tag=v1#{sha}" }}')
    # uv records the resolved commit in the fragment: pinned, so LC007 only.
    assert codes(check(write("uv.lock", uv_lock(pinned)))) == ["LC007"]
    moving = uv_unhashed("lib", "1.0", '{ git = "https://git.example.test/lib?branch=main" }')
    findings = check(write("b/uv.lock", uv_lock(moving)))
    assert codes(findings) == ["LC007", "LC008"]
    assert "'main'" in next(f.message for f in findings if f.code == "LC008")
