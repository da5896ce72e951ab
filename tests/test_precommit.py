"""The pre-commit hooks in .pre-commit-hooks.yaml, run by the real pre-commit.

pre-commit installs this repository with pip into an environment of its own, as it does for
users: that needs the package index (through pip as configured on the machine), and each
test here skips, saying why, when the install fails for want of it.

What pre-commit installs is this work tree as it is, uncommitted changes and new files
included: a snapshot of it committed to a throwaway repository (``try-repo`` on the work
tree itself would leave out files git does not track yet). Two environments are installed
per session: one by ``try-repo`` (it always installs into a temporary store), and one in a
shared PRE_COMMIT_HOME that every ``pre-commit run`` test reuses.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pre_commit.clientlib import load_manifest

from conftest import FIXTURES, REPO
from fake_index import FakeIndex, local_server
from lockcheck.names import manifest_locks
from lockcheck.parsers import detect_format
from test_verify import publish_project

MANIFEST = REPO / ".pre-commit-hooks.yaml"
H1 = "sha256:" + "a" * 64
H2 = "sha256:" + "b" * 64
CLEAN = f"idna==3.7 \\\n    --hash={H1} \\\n    --hash={H2}\n"
MISSING_HASH = "idna==3.7\n"

# What pip says when it cannot reach an index (or the index lacks the build backend).
_NO_INDEX = re.compile(
    r"No matching distribution found|Could not find a version that satisfies"
    r"|Failed to establish a new connection|Temporary failure in name resolution"
    r"|Name or service not known|Network is unreachable|Max retries exceeded"
    r"|Connection refused|timed out|ProxyError|SSLError"
)


# --- the manifest -------------------------------------------------------------------------


def test_manifest_is_valid_for_pre_commit() -> None:
    hooks = {hook["id"]: hook for hook in load_manifest(str(MANIFEST))}
    assert set(hooks) == {"lockcheck", "lockcheck-verify"}
    fast, verify = hooks["lockcheck"], hooks["lockcheck-verify"]
    assert fast["language"] == verify["language"] == "python"
    assert fast["entry"] == "lockcheck check"
    assert "--verify" in [*verify["entry"].split(), *verify["args"]]
    assert "--verify" not in [*fast["entry"].split(), *fast["args"]]
    assert fast["pass_filenames"] and verify["pass_filenames"]
    assert fast["files"] == verify["files"]
    assert verify["stages"] == ["manual"]
    assert fast["stages"] == []  # every stage: pre-commit's default_stages decide


@pytest.mark.parametrize(
    "name",
    [
        "uv.lock",
        "a/b/uv.lock",
        "UV.LOCK",
        "xuv.lock",
        "uv.lock.bak",
        "poetry.lock",
        "sub/poetry.lock",
        "pyproject.toml",
        "pylock.toml",
        "pylock.dev.toml",
        "pylock.a.b.toml",
        "pylockx.toml",
        "pylock.toml.orig",
        "requirements.txt",
        "Requirements-Dev.TXT",
        "deps/requirements_test.lock",
        "requirements.in",
        "dev-requirements.txt",
        "requirements.txt.bak",
        "constraints.txt",
        "constraints-py310.txt",
        "constraints.lock",
        "requirements/base.txt",
        "x/requirements/prod.lock",
        "requirements/base.in",
        "requirements/nested/base.txt",
        "README.md",
        "setup.cfg",
        "pdm.lock",
        "sub/PDM.lock",
        "pdm.lock.orig",
        "Pipfile.lock",
        "app/pipfile.lock",
        "Pipfile",
        "xPipfile",
        "test-requirements.txt",
        "test_requirements.txt",
        "deps/prod.pip",
        "prod.pip.bak",
        "pixi.lock",
        "conda-lock.yml",
        "notes.txt",
    ],
)
def test_files_pattern_matches_what_lockcheck_detects(name: str) -> None:
    """The hook's `files` regex and lockcheck's own detection agree on every name: the
    lockfiles, plus the manifests that stand for the lockfiles beside them."""
    pattern = re.compile(load_manifest(str(MANIFEST))[0]["files"])
    path = os.path.join(os.sep, "project", name)
    detected = detect_format(path) is not None or manifest_targets_name(name)
    assert bool(pattern.search(name)) is detected


def manifest_targets_name(name: str) -> bool:
    return manifest_locks(os.path.basename(name)) is not None


# --- running the hooks ---------------------------------------------------------------------


def _env(home: Path, **extra: str) -> dict[str, str]:
    """The environment minus anything git or pre-commit left (tests may run inside a hook),
    with a fixed git identity, no user or system git config, and ``home`` as PRE_COMMIT_HOME."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GIT_", "PRE_COMMIT")) and key != "SKIP"
    }
    env.update(
        GIT_AUTHOR_NAME="lockcheck tests",
        GIT_AUTHOR_EMAIL="tests@lockcheck.invalid",
        GIT_COMMITTER_NAME="lockcheck tests",
        GIT_COMMITTER_EMAIL="tests@lockcheck.invalid",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        PRE_COMMIT_HOME=str(home),
        **extra,
    )
    return env


def _git(cwd: Path, env: dict[str, str], *args: str) -> str:
    proc = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, f"git {' '.join(args)}:\n{proc.stdout}{proc.stderr}"
    return proc.stdout


def _pre_commit(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run the real pre-commit; skip when installing lockcheck failed for want of an index."""
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", *args, "--color", "never"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = proc.stdout + proc.stderr
    log = Path(env["PRE_COMMIT_HOME"]) / "pre-commit.log"
    if proc.returncode == 3 and "'-mpip', 'install'" in output:
        details = log.read_text(errors="replace") if log.exists() else output
        match = _NO_INDEX.search(details)
        if match:
            pytest.skip(f"pre-commit could not pip-install lockcheck (no index?): {match[0]}")
    return proc


def _new_repo(path: Path, env: dict[str, str], files: dict[str, str]) -> Path:
    path.mkdir(parents=True)
    _git(path, env, "init", "--quiet")
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This work tree (tracked and untracked files, not ignored ones) as one commit in a
    throwaway repository: what pre-commit clones and installs. Returns (path, commit)."""
    if not (REPO / ".git").exists():
        pytest.skip("not a git work tree: pre-commit installs hooks from a git repository")
    base = tmp_path_factory.mktemp("hook-repo")
    env = _env(base / "unused-home")
    listed = _git(REPO, env, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    snapshot = base / "lockcheck"
    snapshot.mkdir()
    for name in sorted(set(filter(None, listed.split("\0")))):
        source = REPO / name
        if source.is_file():  # a tracked file deleted in the work tree is left out
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / name)
    _git(snapshot, env, "init", "--quiet")
    _git(snapshot, env, "add", "--all")
    _git(snapshot, env, "commit", "--quiet", "--message", "snapshot of the work tree")
    return snapshot, _git(snapshot, env, "rev-parse", "HEAD").strip()


def _config(hook_repo: tuple[Path, str], verify_args: tuple[str, ...] = ()) -> str:
    """A .pre-commit-config.yaml with both hooks from ``hook_repo`` (JSON is YAML too)."""
    path, rev = hook_repo
    lines = [
        "repos:",
        f"  - repo: {json.dumps(str(path))}",
        f"    rev: {rev}",
        "    hooks:",
        "      - id: lockcheck",
        "      - id: lockcheck-verify",
    ]
    if verify_args:
        lines.append(f"        args: {json.dumps(list(verify_args))}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="session")
def precommit_home(tmp_path_factory: pytest.TempPathFactory, hook_repo: tuple[Path, str]) -> Path:
    """A PRE_COMMIT_HOME with the hooks' environment installed once, for every run test."""
    base = tmp_path_factory.mktemp("pre-commit")
    home = base / "home"
    env = _env(home)
    repo = _new_repo(base / "installer", env, {".pre-commit-config.yaml": _config(hook_repo)})
    proc = _pre_commit(repo, env, "install-hooks")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return home


def test_try_repo_fails_on_a_missing_hash(tmp_path: Path, hook_repo: tuple[Path, str]) -> None:
    """What a user tries first: `pre-commit try-repo <lockcheck> lockcheck --files ...`."""
    env = _env(tmp_path / "home")
    project = _new_repo(
        tmp_path / "project", env, {"requirements.txt": MISSING_HASH, "README.md": "hi\n"}
    )
    path, rev = hook_repo
    proc = _pre_commit(
        project,
        env,
        "try-repo",
        str(path),
        "lockcheck",
        "--ref",
        rev,
        "--files",
        "requirements.txt",
        "README.md",
        "--verbose",
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert re.search(r"^lockcheck\.+Failed$", output, re.M), output
    assert "requirements.txt:1: LC002 missing-hash idna==3.7" in output
    # README.md was never handed to lockcheck (it would check any file it is given).
    assert "Checked 1 file (1 requirements)" in output
    assert "README.md" not in output.split("- exit code: 1", 1)[1]


def _run_hook(
    tmp_path: Path, home: Path, hook_repo: tuple[Path, str], files: dict[str, str], *args: str
) -> tuple[int, str]:
    env = _env(home)
    files = {".pre-commit-config.yaml": _config(hook_repo), **files}
    project = _new_repo(tmp_path / "project", env, files)
    _git(project, env, "add", "--all")
    proc = _pre_commit(project, env, "run", *args, "--verbose")
    return proc.returncode, proc.stdout + proc.stderr


def test_hashed_lock_passes(
    tmp_path: Path, precommit_home: Path, hook_repo: tuple[Path, str]
) -> None:
    code, output = _run_hook(
        tmp_path,
        precommit_home,
        hook_repo,
        {"requirements.txt": CLEAN},
        "lockcheck",
        "--files",
        "requirements.txt",
    )
    assert code == 0, output
    assert re.search(r"^lockcheck\.+Passed$", output, re.M), output
    assert "Checked 1 file (1 requirements), 1 package: no findings" in output


def test_non_lockfile_is_not_passed(
    tmp_path: Path, precommit_home: Path, hook_repo: tuple[Path, str]
) -> None:
    code, output = _run_hook(
        tmp_path,
        precommit_home,
        hook_repo,
        {"README.md": "requirements.txt is elsewhere\n"},
        "lockcheck",
        "--files",
        "README.md",
    )
    assert code == 0, output
    assert re.search(r"^lockcheck\.+\(no files to check\)Skipped$", output, re.M), output


def test_all_files_finds_lockfiles_anywhere_and_only_them(
    tmp_path: Path, precommit_home: Path, hook_repo: tuple[Path, str]
) -> None:
    """On a commit (no hook named, every stage but manual): the offline hook alone runs, on
    every lockfile in the tree and nothing else."""
    code, output = _run_hook(
        tmp_path,
        precommit_home,
        hook_repo,
        {
            "uv-app/requirements/prod.txt": MISSING_HASH,
            "constraints.txt": CLEAN,
            "requirements.in": "idna\n",
            "README.md": "hi\n",
        },
        "--all-files",
    )
    assert code == 1, output
    assert "uv-app/requirements/prod.txt:1: LC002 missing-hash idna==3.7" in output
    assert "Checked 2 files (2 requirements), 2 packages: 1 finding (1 error)" in output
    assert not re.search(r"^lockcheck --verify\.", output, re.M)  # manual stage only


@pytest.fixture
def index() -> Iterator[FakeIndex]:
    with local_server() as server:
        yield FakeIndex(server)


def _publish_small_app(index: FakeIndex) -> str:
    """Publish what fixtures/projects/small-app/requirements.txt locks; return that lock."""
    publish_project(index, "small-app")
    return (FIXTURES / "projects" / "small-app" / "requirements.txt").read_text(encoding="utf-8")


def test_verify_hook_in_the_manual_stage(
    tmp_path: Path, precommit_home: Path, hook_repo: tuple[Path, str], index: FakeIndex
) -> None:
    """`pre-commit run --hook-stage manual lockcheck-verify --all-files`, as in CI, against
    an index on 127.0.0.1: a clean lock verifies; a flipped hash is LC301."""
    lock = _publish_small_app(index)
    digest = lock.split("--hash=sha256:")[3][:64]
    flipped = lock.replace(digest, ("0" if digest[0] != "0" else "1") + digest[1:])
    env_extra = {
        "LOCKCHECK_CACHE_DIR": str(tmp_path / "cache"),
        "LOCKCHECK_PUBLIC_INDEX_URL": index.url,
        "LOCKCHECK_TIMEOUT": "5",
        "NETRC": str(tmp_path / "no-netrc"),
    }
    results = {}
    for name, text in {"clean": lock, "flipped": flipped}.items():
        env = _env(precommit_home, **env_extra)
        project = _new_repo(
            tmp_path / name,
            env,
            {
                ".pre-commit-config.yaml": _config(hook_repo, ("--index-url", index.url)),
                "requirements.txt": text,
            },
        )
        _git(project, env, "add", "--all")
        proc = _pre_commit(
            project,
            env,
            "run",
            "--hook-stage",
            "manual",
            "lockcheck-verify",
            "--all-files",
            "--verbose",
        )
        results[name] = (proc.returncode, proc.stdout + proc.stderr)
    code, output = results["clean"]
    assert code == 0, output
    assert re.search(r"^lockcheck --verify\.+Passed$", output, re.M), output
    code, output = results["flipped"]
    assert code == 1, output
    assert "LC301" in output, output


STALE = FIXTURES / "projects" / "stale"


def test_a_commit_of_only_pyproject_runs_lc201(
    tmp_path: Path, precommit_home: Path, hook_repo: tuple[Path, str]
) -> None:
    """The lock was committed fresh; then only pyproject.toml changes and is staged. The
    hook (on the staged files, as `git commit` runs it) gets pyproject.toml alone and
    checks the uv.lock beside it: LC201."""
    env = _env(precommit_home)
    project = _new_repo(
        tmp_path / "project",
        env,
        {
            ".pre-commit-config.yaml": _config(hook_repo),
            "pyproject.toml": (STALE / "before" / "pyproject.toml").read_text(),
            "uv.lock": (STALE / "before" / "uv.lock").read_text(),
        },
    )
    _git(project, env, "add", "--all")
    _git(project, env, "commit", "--quiet", "--no-verify", "--message", "fresh lock")
    (project / "pyproject.toml").write_text((STALE / "after" / "pyproject.toml").read_text())
    _git(project, env, "add", "pyproject.toml")
    proc = _pre_commit(project, env, "run", "lockcheck", "--verbose")
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert "uv.lock:" in output and "LC201 stale-lock" in output
    assert "Checked 1 file (1 uv)" in output
