"""LC201 stale-lock: uv.lock and poetry.lock against the pyproject.toml beside them.

The uv cases are the fixtures in fixtures/projects/uv-lc201, one project per pattern
uv records differently from how pyproject.toml spells it, each locked by real uv; every
state's verdict is the one `uv lock --check` gave (fixtures/uv_lc201.py checks it when the
fixtures are made, tests/oracles/test_uv_oracle.py checks it again against real uv).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES, REPO, run_cli
from rules.conftest import UV_ROOT, Writer, check, uv_lock, uv_package
from support_requirements import codes

UV_LC201 = FIXTURES / "projects" / "uv-lc201"
STALE = FIXTURES / "projects" / "stale"


def lc201(path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """LC201 findings and the notes for one lockfile."""
    # --isolated: the fixtures' lockcheck.toml adds its own notes (what it sets).
    result = run_cli("check", "--isolated", "--format", "json", "--select", "LC201", str(path))
    assert result.json["errors"] == []
    return result.json["findings"], result.json["notes"]


def message(path: Path) -> str:
    findings, _ = lc201(path)
    assert [f["code"] for f in findings] == ["LC201"]
    return str(findings[0]["message"])


# --- uv.lock: the real-uv fixtures, fresh ----------------------------------------------

FRESH = [
    "dev-dependencies/fresh",  # item 1: [tool.uv] dev-dependencies are the dev group
    "include-group/fresh",  # item 2: {include-group = ...} is recorded flattened
    "direct-sources/fresh",  # item 3: workspace, path and git sources drop the specifier
    "direct-sources/respecified",  # item 3: so a new specifier there changes nothing
    "source-markers/fresh",  # item 4: one requirement per source marker, plus the rest
    "group-requires-python/fresh",  # item 5: the group's Python range becomes a marker
    "self-extra/fresh",  # item 6: all = ["project[async]"]
    "groups-only/fresh",  # no [project]: uv records the groups under [manifest]
    "dynamic/fresh",  # item 7: dynamic dependencies are not compared
    "dynamic/dynamic-edited",  # item 7: ... so an edit there cannot be seen (uv rebuilds)
]


@pytest.mark.parametrize("state", FRESH)
def test_uv_lock_that_uv_accepts_is_not_stale(state: str) -> None:
    findings, _ = lc201(UV_LC201 / state / "uv.lock")
    assert findings == []


# --- uv.lock: the real-uv fixtures, stale ----------------------------------------------


def test_uv_stale_dev_dependencies() -> None:
    assert message(UV_LC201 / "dev-dependencies/stale/uv.lock") == (
        "pyproject.toml declares group dev: alpha<3, the lock does not record it"
    )


def test_uv_stale_included_group() -> None:
    assert message(UV_LC201 / "include-group/stale/uv.lock") == (
        "pyproject.toml declares group test: beta, the lock does not record it"
    )


def test_uv_stale_with_direct_sources() -> None:
    assert message(UV_LC201 / "direct-sources/stale/uv.lock") == (
        "pyproject.toml declares gamma, the lock does not record it"
    )


def test_uv_stale_source_marker_shows_both_markers() -> None:
    text = message(UV_LC201 / "source-markers/stale/uv.lock")
    assert "alpha; sys_platform == 'win32', which pyproject.toml no longer declares" in text
    assert "with a marker" not in text


def test_uv_stale_group_requires_python_shows_the_markers() -> None:
    text = message(UV_LC201 / "group-requires-python/stale/uv.lock")
    assert text.startswith(
        "group lint: beta>=1 has marker `python_full_version >= '3.12'` in pyproject.toml "
        "but marker `python_full_version >= '3.11'` in the lock"
    )


def test_uv_stale_self_referencing_extra() -> None:
    assert message(UV_LC201 / "self-extra/stale/uv.lock") == (
        "gamma has marker `extra == 'async' or extra == 'all'` in pyproject.toml "
        "but marker `extra == 'all'` in the lock"
    )


def test_uv_stale_groups_without_a_project() -> None:
    assert message(UV_LC201 / "groups-only/stale/uv.lock") == (
        "pyproject.toml declares group dev: gamma, the lock does not record it; "
        "pyproject.toml declares group lint: gamma, the lock does not record it"
    )


def test_uv_dynamic_dependencies_are_a_note_and_groups_still_count() -> None:
    for state, stale in (("fresh", False), ("dynamic-edited", False), ("stale", True)):
        findings, notes = lc201(UV_LC201 / "dynamic" / state / "uv.lock")
        assert bool(findings) is stale, state
        assert [(Path(n["path"]).name, n["line"]) for n in notes] == [("pyproject.toml", 5)]
        assert (
            "`dependencies` and `optional-dependencies` of lc201-dynamic are dynamic"
            in (notes[0]["message"])
        )
    assert message(UV_LC201 / "dynamic/stale/uv.lock") == (
        "pyproject.toml declares group dev: beta, the lock does not record it"
    )


# --- uv.lock: written here, for what the fixtures do not cover --------------------------

ROOT_LOCK = """\
version = 1
revision = 3
requires-python = ">=3.9"

[[package]]
name = "app"
version = "0.1.0"
source = {{ virtual = "." }}

[package.metadata]
requires-dist = [
{requires}
]
"""


def uv_project(tmp_path: Path, dependencies: str, requires: str, extra: str = "") -> Path:
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\n'
        f"dependencies = {dependencies}\n{extra}"
    )
    path = tmp_path / "uv.lock"
    path.write_text(ROOT_LOCK.format(requires=requires))
    return path


def test_uv_git_source_drops_the_specifier(tmp_path: Path) -> None:
    # As uv 0.13.9 records a git source (fixtures: uv-lc201/direct-sources): no specifier.
    sources = (
        '[tool.uv.sources]\ntool = { git = "https://git.example.test/tool.git", tag = "v1" }\n'
    )
    recorded = '    { name = "tool", git = "https://git.example.test/tool.git?tag=v1" },'
    path = uv_project(tmp_path, '["tool>=1.0"]', recorded, sources)
    assert lc201(path)[0] == []
    path = uv_project(tmp_path, '["tool>=1.0", "six"]', recorded, sources)
    assert message(path) == "pyproject.toml declares six, the lock does not record it"


def test_uv_message_lists_three_differences_and_counts_the_rest(tmp_path: Path) -> None:
    names = ["a1", "a2", "a3", "a4", "a5"]
    path = uv_project(tmp_path, str(names).replace("'", '"'), "")
    assert message(path) == (
        "pyproject.toml declares a1, the lock does not record it; "
        "pyproject.toml declares a2, the lock does not record it; "
        "pyproject.toml declares a3, the lock does not record it; and 2 more"
    )


def test_uv_removed_requirement_shows_its_marker(tmp_path: Path) -> None:
    recorded = '    { name = "six", marker = "sys_platform == \'win32\'" },'
    path = uv_project(tmp_path, "[]", recorded)
    assert message(path) == (
        "the lock records six; sys_platform == 'win32', which pyproject.toml no longer declares"
    )


def test_uv_marker_change_names_both_markers(tmp_path: Path) -> None:
    recorded = '    { name = "six", marker = "sys_platform == \'win32\'" },'
    path = uv_project(tmp_path, "[\"six; sys_platform == 'linux'\"]", recorded)
    assert message(path) == (
        'six has marker `sys_platform == "linux"` in pyproject.toml '
        "but marker `sys_platform == 'win32'` in the lock"
    )


# --- poetry.lock -----------------------------------------------------------------------


def test_poetry_content_hash() -> None:
    assert lc201(STALE / "before" / "poetry.lock")[0] == []
    assert lc201(STALE / "after" / "poetry.lock")[0] == []
    assert message(STALE / "edited" / "poetry.lock").startswith("content-hash ")


def test_uv_trailing_zeros_are_not_a_change(tmp_path: Path) -> None:
    # uv accepts `six>=1.16.0` against a recorded `>=1.16` (tests/oracles: rich>=13.0).
    recorded = '    { name = "six", specifier = ">=1.16" },'
    assert lc201(uv_project(tmp_path, '["six>=1.16.0"]', recorded))[0] == []
    assert lc201(uv_project(tmp_path, '["six~=1.16.0"]', recorded))[0] != []


def test_poetry_lock_version_1_content_hash(tmp_path: Path) -> None:
    # Poetry 2 judges a lock-version 1.1 lock by the same content-hash (tests/oracles).
    legacy = FIXTURES / "projects" / "poetry-legacy"
    assert lc201(legacy / "poetry.lock")[0] == []
    project = tmp_path / "legacy"
    shutil.copytree(legacy, project)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"^2.31"', '"^2.32"'))
    assert message(project / "poetry.lock").startswith("content-hash ")


MEMBER_LOCK = ROOT_LOCK.replace('name = "app"', 'name = "ws-cli"').format(
    requires='    { name = "six" },'
)


def test_uv_lock_inside_a_workspace_member_is_not_judged(tmp_path: Path) -> None:
    # uv locks a member with its workspace, in the root's uv.lock: a uv.lock left in the
    # member's directory is not used (seen in a real repository), so it is a note.
    workspace = tmp_path / "workspace"
    shutil.copytree(FIXTURES / "projects" / "workspace", workspace)
    member_lock = workspace / "packages" / "ws-cli" / "uv.lock"
    member_lock.write_text(MEMBER_LOCK)
    findings, notes = lc201(member_lock)
    assert findings == []
    assert [n["message"] for n in notes] == [
        "uv does not use this lock: the project beside it is a workspace member, locked in "
        "../../uv.lock; LC201 judges that lock instead"
    ]
    # Outside the workspace the same files are a stale lock.
    alone = tmp_path / "alone"
    shutil.copytree(workspace / "packages" / "ws-cli", alone)
    assert lc201(alone / "uv.lock")[0] != []


def test_uv_requires_python_of_a_lone_project(tmp_path: Path) -> None:
    # uv re-resolves when the project's requires-python is not the lock's
    # (tests/oracles: "change in Python requirement"); trailing zeros do not count.
    assert lc201(uv_project(tmp_path, "[]", ""))[0] == []
    path = uv_project(tmp_path, "[]", "")
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('">=3.9"', '">=3.9.0"'))
    assert lc201(path)[0] == []
    pyproject.write_text(pyproject.read_text().replace('">=3.9.0"', '">=3.10"'))
    assert message(path) == "requires-python is `>=3.10` in pyproject.toml but `>=3.9` in the lock"


def test_uv_requires_python_compared_by_the_versions_it_admits(tmp_path: Path) -> None:
    # uv records `>=3.11,<3.12` as `==3.11.*` (seen in a real lock uv accepts).
    path = uv_project(tmp_path, "[]", "")
    path.write_text(path.read_text().replace('">=3.9"', '"==3.11.*"'))
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('">=3.9"', '">=3.11,<3.12"'))
    assert lc201(path)[0] == []
    pyproject.write_text(pyproject.read_text().replace(",<3.12", ",<3.13"))
    assert "requires-python is `>=3.11,<3.13`" in message(path)


def test_uv_odd_pyproject_values_are_not_a_crash(tmp_path: Path) -> None:
    path = uv_project(tmp_path, '["six"]', '    { name = "six" },')
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text()
        + "[tool.uv]\nsources = 3\ndev-dependencies = [1]\n"
        + "[tool.uv.dependency-groups]\ndev = 5\n"
        + '[dependency-groups]\ndev = [{ include-group = "dev" }, 3]\n'
    )
    assert lc201(path)[0] == []
    pyproject.write_text('project = "not a table"\n')
    assert lc201(path)[0] == []


def test_poetry_lock_without_content_hash(tmp_path: Path) -> None:
    # `poetry check --lock` calls it stale (seen in poetry's own test data).
    project = tmp_path / "app"
    shutil.copytree(STALE / "before", project)
    lock = project / "poetry.lock"
    lock.write_text(
        "\n".join(line for line in lock.read_text().splitlines() if "content-hash" not in line)
    )
    assert message(lock) == "the lock records no content-hash, so it cannot match pyproject.toml"


def test_uv_changed_specifier_is_one_difference() -> None:
    assert message(STALE / "edited" / "uv.lock") == (
        "pyproject.toml declares group dev: pytest>=8, the lock does not record it; "
        "pyproject.toml declares requests>=2.32 where the lock records requests>=2.31; "
        'pyproject.toml declares tomli>=2; python_version < "3.11", the lock does not record it'
    )


def test_uv_project_version(tmp_path: Path) -> None:
    # uv re-resolves when a project's version is not the one locked ("mismatched version",
    # seen in real locks); 0.1.0.0 is 0.1.0.
    path = uv_project(tmp_path, "[]", "")
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"0.1.0"', '"0.1.0.0"'))
    assert lc201(path)[0] == []
    pyproject.write_text(pyproject.read_text().replace('"0.1.0.0"', '"0.2.0"'))
    assert (
        message(path)
        == "the project's version is `0.2.0` in pyproject.toml but `0.1.0` in the lock"
    )
    pyproject.write_text(
        pyproject.read_text().replace('version = "0.2.0"', 'dynamic = ["version"]')
    )
    assert lc201(path)[0] == []


PEERS = FIXTURES / "peers" / "uv"


@pytest.mark.parametrize(
    "case",
    [
        # Each group's requires-python applies to what it includes, too: uv records the
        # included entries of a contradicting pair as never installed.
        "lock__lock_group_includes_requires_python_contradiction",
        # With a dynamic version uv flattens a self-referencing extra into the extras it
        # names; with a static one it keeps the reference (uv-lc201/self-extra).
        "lock__lock_dynamic_version_self_extra_hatchling",
    ],
)
def test_uv_snapshots_uv_accepts_are_fresh(case: str) -> None:
    findings, _notes = lc201(PEERS / case / "uv.lock")
    assert findings == []


def test_uv_git_source_that_is_no_url_is_an_input_error(tmp_path: Path) -> None:
    # uv's snapshot sync__lock_git_poetry_path_dependency (a test placeholder for the URL),
    # kept under tests/data: it is an input error, not a fixture to scan.
    path = tmp_path / "uv.lock"
    path.write_bytes((REPO / "tests" / "data" / "uv-git-source-not-a-url.lock").read_bytes())
    result = run_cli("check", "--isolated", "--format", "json", str(path))
    assert result.exit_code == 2
    (error,) = result.json["errors"]
    assert error["line"] == 8
    assert "invalid git URL" in error["message"]


# --- uv.lock: small inline locks --------------------------------------------------------


def test_uv_inline_stale(write: Writer) -> None:
    root = (
        UV_ROOT + '\n[package.metadata]\nrequires-dist = [{ name = "six", specifier = ">=1.16" }]\n'
    )
    write(
        "pyproject.toml",
        '[project]\nname = "app"\nversion = "0.1.0"\ndependencies = ["six>=1.16"]\n',
    )
    path = write("uv.lock", uv_lock(root, uv_package()))
    assert check(path) == []
    write(
        "pyproject.toml",
        '[project]\nname = "app"\nversion = "0.1.0"\ndependencies = ["six>=1.16", "attrs"]\n',
    )
    findings = check(path)
    assert codes(findings) == ["LC201"]
    assert "attrs" in findings[0].message


def test_uv_marker_rewrites_are_not_changes(write: Writer) -> None:
    # uv writes python_version markers as python_full_version and drops what
    # requires-python already implies.
    root = UV_ROOT + (
        "\n[package.metadata]\nrequires-dist = [\n"
        '    { name = "tomli", marker = "python_full_version < \'3.11\'" },\n'
        '    { name = "pytest", marker = "extra == \'test\'" },\n]\n'
        'provides-extras = ["test"]\n'
    )
    write(
        "pyproject.toml",
        '[project]\nname = "app"\nversion = "0.1.0"\n'
        "dependencies = [\"tomli; python_version < '3.11' and python_version >= '3.8'\"]\n"
        '[project.optional-dependencies]\ntest = ["pytest"]\n',
    )
    assert check(write("uv.lock", uv_lock(root))) == []
