"""LC204 unreachable-package: real uv, poetry and pdm locks, and copies with an entry
copied in from another real lock (genuine hashes, nothing requires it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lockcheck.config import Settings
from lockcheck.discover import Target
from lockcheck.engine import run
from lockcheck.findings import Finding, Report
from lockcheck.parsers import detect_format
from support_graph_edits import FIXTURES, copy_project, line_of, package_block, with_package

REAL_LOCKS = sorted(
    p.relative_to(FIXTURES).as_posix()
    for pattern in ("**/uv.lock", "**/poetry.lock", "**/pdm.lock")
    for p in FIXTURES.glob(pattern)
)


def report(path: Path) -> Report:
    fmt = detect_format(str(path))
    assert fmt is not None
    result = run([Target(str(path), fmt)], lambda _p: Settings(select=("LC204",)))
    assert not result.errors, result.errors
    return result


def findings(path: Path) -> list[Finding]:
    return list(report(path).findings)


def injected(tmp_path: Path, project: str, lock: str, donor: str, name: str) -> Path:
    """``project``'s lock with the entry ``name`` of ``donor``'s lock of the same kind."""
    path = copy_project(project, tmp_path, lock)
    block = package_block((FIXTURES / donor / lock).read_text(), name)
    path.write_text(with_package(path.read_text(), block))
    return path


@pytest.mark.parametrize("lock", REAL_LOCKS)
def test_no_finding_on_a_lock_a_tool_wrote(lock: str) -> None:
    assert findings(FIXTURES / lock) == []


def test_uv_injected_entry(tmp_path: Path) -> None:
    path = injected(tmp_path, "workspace", "uv.lock", "small-app", "idna")
    [finding] = findings(path)
    assert finding.package == "idna" and finding.severity.value == "warning"
    assert finding.location.line == line_of(path, 'name = "idna"') - 1


def test_uv_entry_reached_only_through_a_dropped_edge(tmp_path: Path) -> None:
    """Removing the one edge to an entry leaves it (and what only it needs) unreached."""
    path = copy_project("workspace", tmp_path, "uv.lock")
    text = path.read_text()
    path.write_text(
        text.replace('    { name = "colorama", marker = "sys_platform == \'win32\'" },\n', "")
    )
    assert [f.package for f in findings(path)] == ["colorama"]


def test_poetry_injected_entry(tmp_path: Path) -> None:
    path = injected(tmp_path, "small-app", "poetry.lock", "data-tool", "pyyaml")
    [finding] = findings(path)
    assert finding.package == "pyyaml"
    assert finding.location.line == line_of(path, 'name = "pyyaml"') - 1


def test_poetry_extra_of_the_project_is_a_root(tmp_path: Path) -> None:
    """data-tool's `yaml` extra is all that asks for pyyaml; with that edge cut from the
    lock's own graph too, pyyaml is still reached through the project's extra."""
    path = copy_project("data-tool", tmp_path, "poetry.lock")
    assert "pyyaml" in path.read_text() and findings(path) == []
    manifest = tmp_path / "pyproject.toml"
    manifest.write_text(manifest.read_text().replace('yaml = ["pyyaml>=6.0"]', "yaml = []"))
    result = report(path)  # the pyproject is no longer the one the lock was made from
    assert result.findings == ()
    assert any("LC204 not checked" in note.message for note in result.notes)


def test_poetry_without_pyproject_is_a_note_not_a_finding(tmp_path: Path) -> None:
    path = injected(tmp_path, "small-app", "poetry.lock", "data-tool", "pyyaml")
    (tmp_path / "pyproject.toml").unlink()
    result = report(path)
    assert result.findings == ()
    assert any("LC204" in note.message for note in result.notes)


def test_pdm_injected_entry(tmp_path: Path) -> None:
    path = injected(tmp_path, "pdm-cross", "pdm.lock", "pdm-app", "idna")
    [finding] = findings(path)
    assert finding.package == "idna"


def test_pdm_stale_lock_is_not_judged(tmp_path: Path) -> None:
    """A pyproject.toml edited after locking (pdm-app's `test` group emptied): its roots are
    not the lock's, so iniconfig is not called unreachable; LC201 reports the staleness."""
    path = copy_project("pdm-app", tmp_path, "pdm.lock")
    manifest = tmp_path / "pyproject.toml"
    manifest.write_text(manifest.read_text().replace('test = ["iniconfig>=2"]', "test = []"))
    result = report(path)
    assert result.findings == ()
    assert any("LC204 not checked" in note.message for note in result.notes)


def test_uv_manifest_group_asking_for_an_extra_reaches_it(tmp_path: Path) -> None:
    # As in crewAI's uv.lock: a workspace's [manifest.dependency-groups] asks for
    # boto3-stubs[bedrock-runtime] (`extras`, where a package's own edges say `extra`).
    from conftest import run_cli
    from rules.conftest import uv_package

    stubs = uv_package(
        "stubs", "1.0", extra='[package.optional-dependencies]\nruntime = [{ name = "rt" }]\n'
    )
    path = tmp_path / "uv.lock"
    path.write_text(
        'version = 1\nrevision = 3\nrequires-python = ">=3.10"\n\n'
        "[manifest]\nmembers = []\n\n[manifest.dependency-groups]\n"
        'dev = [{ name = "stubs", extras = ["runtime"] }]\n\n'
        + stubs
        + "\n"
        + uv_package("rt", "1.0")
    )
    result = run_cli("check", "--isolated", "--format", "json", "--select", "LC204", str(path))
    assert result.json["errors"] == []
    assert result.json["findings"] == []
