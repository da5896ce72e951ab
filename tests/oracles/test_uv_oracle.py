"""Differential test: `uv lock --check` is the oracle for LC201 (stale-lock) on uv.lock.

Every fixture project with a uv.lock is copied to a temporary directory and judged by real
uv and by lockcheck; the two must agree. The fixtures under uv-lc201/ were locked against
tiny packages that this test serves on 127.0.0.1 (the copy is pointed at it), so uv gives
its full verdict: exit 0, or "needs to be updated". The others were locked against the
public index, which a test never reaches: uv runs with ``--offline``, where a stale lock
shows as uv's own reason for not taking the lock as it is ("Resolving despite existing
lockfile due to mismatched ..." or "... change in Python requirement"), the comparison
LC201 makes.

Besides the fixtures as committed, each of a few edits to a fresh fixture is judged by both
(MUTATIONS): edits uv ignores must not be findings, edits uv rejects must be.
uv's own verdict is asserted too (from the state's name), so a change in uv fails here first.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import FIXTURES
from support_oracle import PROJECTS, copy_fixture, edit, lockcheck_says
from support_uv_index import git_repository, served, write_index

UV = shutil.which("uv", path=str(Path(sys.executable).parent))
pytestmark = pytest.mark.skipif(
    UV is None, reason=f"uv is not installed beside {sys.executable} (the test environment)"
)

SERVED = "uv-lc201"  # locked against the packages in uv-lc201/wheels, served here
PLACEHOLDER = "https://private.example.test"  # the served index's URL in the fixtures
GIT_PLACEHOLDER = "https://git.example.test/epsilon.git"  # the git source's URL in them
DEFAULT_INDEX = "https://index.test/simple"  # the public index's URL in the fixtures
LOCKS = sorted(str(p.parent.relative_to(PROJECTS)) for p in PROJECTS.rglob("uv.lock"))
STALE_STATES = {"stale", "edited", "dynamic-edited"}
# Where lockcheck cannot know what uv knows; it says so in a note instead.
CANNOT_KNOW = {
    "uv-lc201/dynamic/dynamic-edited": "the dependencies are dynamic: only the build backend "
    "knows them, and uv runs it",
}

# (fixture, file, old, new, uv says stale): edits of a fresh fixture, judged offline.
MUTATIONS = [
    ("data-tool", "pyproject.toml", '"rich>=13"', '"rich >= 13"', False),
    ("data-tool", "pyproject.toml", '"rich>=13"', '"rich>=13.0"', False),
    ("data-tool", "pyproject.toml", '"rich>=13"', '"rich~=13.0"', True),
    (
        "data-tool",
        "pyproject.toml",
        'python_version < "3.11"',
        'python_full_version < "3.11"',
        False,
    ),
    ("data-tool", "pyproject.toml", 'python_version < "3.11"', 'python_version <= "3.10"', False),
    ("data-tool", "pyproject.toml", 'python_version < "3.11"', 'python_version < "3.12"', True),
    ("data-tool", "pyproject.toml", '"attrs>=23.1",', "", True),
    ("data-tool", "pyproject.toml", 'yaml = ["pyyaml>=6.0"]', 'yaml = ["pyyaml>=6.0.1"]', True),
    ("data-tool", "pyproject.toml", 'dev = ["pytest>=8"]', 'dev = ["pytest>=8", "attrs"]', True),
    ("data-tool", "pyproject.toml", "lockcheck fixture:", "changed description:", False),
    (
        "data-tool",
        "pyproject.toml",
        'requires-python = ">=3.10"',
        'requires-python = ">=3.11"',
        True,
    ),
    (
        "data-tool",
        "pyproject.toml",
        'requires-python = ">=3.10"',
        'requires-python = ">=3.10.0"',
        False,
    ),
    (
        "data-tool",
        "pyproject.toml",
        'requires-python = ">=3.10"',
        'requires-python = ">=3.10,<4"',
        True,
    ),
    ("workspace", "packages/ws-cli/pyproject.toml", '"ws-core",', '"ws-core>=0.1",', False),
    ("workspace", "packages/ws-cli/pyproject.toml", '"click>=8.1,<8.5"', '"click>=8.2,<8.5"', True),
    ("stale/after", "pyproject.toml", '"requests>=2.32",', '"requests>=2.32,!=2.33.0",', True),
    ("uv-lc201/include-group/fresh", "pyproject.toml", '{ include-group = "lint" }, ', "", True),
    ("uv-lc201/self-extra/fresh", "pyproject.toml", 'version = "0.1.0"', 'version = "0.1.1"', True),
    (
        "uv-lc201/self-extra/fresh",
        "pyproject.toml",
        'version = "0.1.0"',
        'version = "0.1.0.0"',
        False,
    ),
    (
        "uv-lc201/direct-sources/fresh",
        "packages/member/pyproject.toml",
        'version = "0.1.0"',
        'version = "0.2.0"',
        True,
    ),
    (
        "uv-lc201/source-markers/fresh",
        "pyproject.toml",
        "marker = \"sys_platform == 'linux'\"",
        "marker = \"platform_system == 'Linux'\"",
        False,
    ),
]


@pytest.fixture(scope="session")
def index_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("uv-index")
    write_index(PROJECTS / SERVED / "wheels", root)
    with served(root) as url:
        yield url


@pytest.fixture(scope="session")
def git_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path_factory.mktemp("git") / "epsilon"
    commit = git_repository(
        PROJECTS / SERVED / "git-src" / "epsilon", FIXTURES / "uv_lc201_backend.py", repo
    )
    assert f"#{commit}" in (PROJECTS / SERVED / "direct-sources/fresh/uv.lock").read_text()
    return f"file://localhost{repo}"


@pytest.fixture(scope="session")
def uv_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "PIP_"))}
    env.update(
        UV_CACHE_DIR=str(tmp_path_factory.mktemp("uv-cache")),
        # No user or system uv.toml (UV_NO_CONFIG would also drop the project's [tool.uv]).
        XDG_CONFIG_HOME=str(tmp_path_factory.mktemp("config")),
        XDG_CONFIG_DIRS=str(tmp_path_factory.mktemp("config-dirs")),
        UV_PYTHON=sys.executable,
        UV_PYTHON_DOWNLOADS="never",
        PIP_CONFIG_FILE=os.devnull,
    )
    return env


def copy_project(fixture: str, target: Path, index_url: str, git_url: str) -> Path:
    project = copy_fixture(fixture, target / "project")
    if fixture.startswith(SERVED):
        for path in [*project.rglob("pyproject.toml"), project / "uv.lock"]:
            text = path.read_text().replace(PLACEHOLDER, index_url)
            path.write_text(text.replace(GIT_PLACEHOLDER, git_url))
    return project


# uv's reasons for not taking a lock as it is that are LC201's business (with --offline, uv
# stops there); others (a missing index, an exclude-newer change) are not a verdict.
_DESPITE = "Resolving despite existing lockfile due to"
_STALE_REASONS = ("mismatched", "change in Python requirement")


def uv_says_stale(project: Path, fixture: str, env: dict[str, str]) -> bool:
    served_here = fixture.startswith(SERVED)
    args = [str(UV), "lock", "--check", "-v"]
    if not served_here:
        args.append("--offline")
        env = {**env, "UV_DEFAULT_INDEX": DEFAULT_INDEX}
    proc = subprocess.run(args, cwd=project, env=env, capture_output=True, text=True, timeout=120)
    if proc.returncode == 0:
        return False
    if served_here and "needs to be updated, but `--check` was provided" in proc.stderr:
        return True
    if not served_here and any(f"{_DESPITE} {reason}" in proc.stderr for reason in _STALE_REASONS):
        return True
    tail = "\n".join(proc.stderr.splitlines()[-15:])
    pytest.fail(f"uv gave no verdict on {fixture} (exit {proc.returncode}):\n{tail}")


@pytest.mark.parametrize("fixture", LOCKS)
def test_lc201_agrees_with_uv(
    fixture: str, tmp_path: Path, index_url: str, git_url: str, uv_env: dict[str, str]
) -> None:
    project = copy_project(fixture, tmp_path, index_url, git_url)
    expected = Path(fixture).name in STALE_STATES
    assert uv_says_stale(project, fixture, uv_env) is expected
    stale, notes = lockcheck_says(project / "uv.lock")
    if fixture in CANNOT_KNOW:
        assert not stale
        assert any("dynamic" in n for n in notes), notes
    else:
        assert stale is expected


@pytest.mark.parametrize(("fixture", "file", "old", "new", "expected"), MUTATIONS)
def test_lc201_agrees_with_uv_on_an_edit(
    fixture: str,
    file: str,
    old: str,
    new: str,
    expected: bool,
    tmp_path: Path,
    index_url: str,
    git_url: str,
    uv_env: dict[str, str],
) -> None:
    project = copy_project(fixture, tmp_path, index_url, git_url)
    edit(project / file, old, new)
    assert uv_says_stale(project, fixture, uv_env) is expected
    assert lockcheck_says(project / "uv.lock")[0] is expected


def test_every_served_fixture_has_both_states() -> None:
    served_locks = [f for f in LOCKS if f.startswith(SERVED)]
    patterns = {Path(f).parent.name for f in served_locks}
    assert len(patterns) == 8
    for pattern in patterns:
        states = {Path(f).name for f in served_locks if Path(f).parent.name == pattern}
        assert {"fresh", "stale"} <= states, pattern


def test_a_lock_inside_a_workspace_member_is_not_what_uv_checks(
    tmp_path: Path, index_url: str, uv_env: dict[str, str]
) -> None:
    # A stale uv.lock left in a member's directory (seen in a real repository): uv checks
    # the workspace's lock instead and accepts it; lockcheck only notes it.
    project = copy_project("workspace", tmp_path, index_url, "")
    member = project / "packages" / "ws-cli"
    (member / "uv.lock").write_text(
        'version = 1\nrevision = 3\nrequires-python = ">=3.10"\n\n[[package]]\n'
        'name = "ws-cli"\nversion = "0.1.0"\nsource = { editable = "." }\n\n'
        '[package.metadata]\nrequires-dist = [{ name = "six" }]\n'
    )
    assert uv_says_stale(member, "workspace", uv_env) is False
    stale, notes = lockcheck_says(member / "uv.lock")
    assert not stale
    assert any("uv does not use this lock" in n for n in notes), notes
