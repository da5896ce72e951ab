"""LC203 missing-dependency: real uv, poetry and pdm locks, and copies with one edit."""

from __future__ import annotations

from pathlib import Path

import pytest

from lockcheck.config import Settings
from lockcheck.discover import Target
from lockcheck.engine import run
from lockcheck.findings import Finding
from lockcheck.parsers import detect_format
from support_graph_edits import (
    FIXTURES,
    copy_project,
    edit,
    line_of,
    without_package,
)

REAL_LOCKS = sorted(
    p.relative_to(FIXTURES).as_posix()
    for pattern in ("**/uv.lock", "**/poetry.lock", "**/pdm.lock")
    for p in FIXTURES.glob(pattern)
)


def findings(path: Path, code: str = "LC203") -> list[Finding]:
    fmt = detect_format(str(path))
    assert fmt is not None
    report = run([Target(str(path), fmt)], lambda _p: Settings(select=(code,)))
    assert not report.errors, report.errors
    return list(report.findings)


def removed(tmp_path: Path, project: str, lock: str, name: str) -> Path:
    path = copy_project(project, tmp_path, lock)
    path.write_text(without_package(path.read_text(), name))
    return path


def test_the_real_locks_are_many() -> None:
    assert len(REAL_LOCKS) > 30


@pytest.mark.parametrize("lock", REAL_LOCKS)
def test_no_finding_on_a_lock_a_tool_wrote(lock: str) -> None:
    assert findings(FIXTURES / lock) == []


# --- uv.lock ---------------------------------------------------------------------------


def test_uv_dependency_removed_is_reported_at_its_dependent(tmp_path: Path) -> None:
    path = removed(tmp_path, "workspace", "uv.lock", "colorama")
    [finding] = findings(path)
    assert finding.package == "click"
    assert finding.location.line == line_of(path, 'name = "click"') - 1
    assert "colorama" in finding.message and "win32" in finding.message


def test_uv_dependency_of_several_entries_is_reported_on_each(tmp_path: Path) -> None:
    path = removed(tmp_path, "workspace", "uv.lock", "attrs")
    assert sorted(f.package or "" for f in findings(path)) == ["ws-core", "ws-root"]


def test_uv_dependency_only_for_an_environment_the_lock_excludes(tmp_path: Path) -> None:
    """colorama is needed on Windows only; a lock for Linux only does not need it."""
    path = removed(tmp_path, "workspace", "uv.lock", "colorama")
    edit(
        path,
        'requires-python = ">=3.10"\n',
        'requires-python = ">=3.10"\nsupported-markers = ["sys_platform == \'linux\'"]\n',
    )
    assert findings(path) == []


def test_uv_optional_dependency_counts_when_its_extra_is_asked(tmp_path: Path) -> None:
    path = removed(tmp_path, "data-tool", "uv.lock", "h2")
    [finding] = findings(path)
    assert finding.package == "httpx" and "h2" in finding.message
    assert "'http2'" in finding.message


def test_uv_optional_dependency_of_an_extra_nobody_asks(tmp_path: Path) -> None:
    path = removed(tmp_path, "data-tool", "uv.lock", "h2")
    edit(path, '{ name = "httpx", extra = ["http2"] },', '{ name = "httpx" },')
    assert findings(path) == []


# --- poetry.lock -----------------------------------------------------------------------


def test_poetry_dependency_removed(tmp_path: Path) -> None:
    path = removed(tmp_path, "small-app", "poetry.lock", "idna")
    [finding] = findings(path)
    assert finding.package == "requests" and "idna" in finding.message
    assert finding.location.line == line_of(path, 'name = "requests"') - 1


def test_poetry_optional_dependency_of_an_asked_extra(tmp_path: Path) -> None:
    path = removed(tmp_path, "data-tool", "poetry.lock", "h2")
    [finding] = findings(path)
    assert finding.package == "httpx" and "'http2'" in finding.message


def test_poetry_dependency_for_pythons_the_lock_excludes(tmp_path: Path) -> None:
    """exceptiongroup and tomli are needed below Python 3.11 only."""
    path = removed(tmp_path, "data-tool", "poetry.lock", "exceptiongroup")
    assert {f.package for f in findings(path)} == {"anyio", "pytest"}
    edit(
        path,
        '[metadata]\nlock-version = "2.1"\npython-versions = ">=3.10"',
        '[metadata]\nlock-version = "2.1"\npython-versions = ">=3.11"',
    )
    assert findings(path) == []


# --- pdm.lock --------------------------------------------------------------------------


def test_pdm_dependency_removed(tmp_path: Path) -> None:
    path = removed(tmp_path, "pdm-app", "pdm.lock", "urllib3")
    [finding] = findings(path)
    assert finding.package == "requests" and "urllib3" in finding.message


def test_pdm_dependency_for_a_target_platform(tmp_path: Path) -> None:
    path = removed(tmp_path, "pdm-cross", "pdm.lock", "colorama")
    [finding] = findings(path)
    assert finding.package == "click" and "win32" in finding.message


def test_pdm_dependency_for_a_platform_the_targets_exclude(tmp_path: Path) -> None:
    path = removed(tmp_path, "pdm-cross", "pdm.lock", "colorama")
    edit(path, 'platform = "windows_amd64"', 'platform = "manylinux_2_40_aarch64"')
    assert findings(path) == []
