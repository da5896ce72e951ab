"""A hostile tree cannot make lockcheck read, hang on or trip over what it should not
(issue 9: items 8, 9, 10, 11 and the parse/config part of 20).

Each bad file is one error line (exit 2) naming it, and the good files beside it are
still checked and reported.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import Result, run_cli
from lockcheck.errors import LockfileError
from lockcheck.parsers.text import read_regular_file

H1 = "sha256:" + "a" * 64
GOOD = f"six==1.16.0 --hash={H1}\n"
SECRET = "hunter2-token-value"


def git(directory: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(directory), *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with one good lockfile, and a secret outside it."""
    root = tmp_path / "repo"
    (root / "good").mkdir(parents=True)
    (root / "good" / "requirements.txt").write_text(GOOD, encoding="utf-8")
    git(root, "init", "-q")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text(f"{SECRET}==1.0\n", encoding="utf-8")
    return root


def checked_files(result: Result) -> list[str]:
    return sorted(os.path.basename(os.path.dirname(f["path"])) for f in result.json["files"])


def error_for(result: Result, name: str) -> dict[str, object]:
    matching = [e for e in result.json["errors"] if str(e["path"]).endswith(name)]
    assert len(matching) == 1, result.json["errors"]
    return matching[0]


def assert_secret_not_shown(result: Result) -> None:
    assert SECRET not in result.stdout + result.stderr
    assert "root:x:" not in result.stdout + result.stderr


# --- 8: symlinks and includes stay inside the repository --------------------------------


@pytest.mark.parametrize("target", ["../outside/secret.txt", "/etc/passwd"])
def test_committed_symlink_out_of_the_repository_is_not_read(repo: Path, target: str) -> None:
    link = repo / "requirements.txt"
    link.symlink_to(target if target.startswith("/") else repo.parent / "outside" / "secret.txt")
    git(repo, "add", "-A")
    for args in ([str(repo)], [str(link), str(repo / "good" / "requirements.txt")]):
        result = run_cli("check", "--format", "json", *args)  # a scan, then paths given
        assert result.exit_code == 2
        assert "outside the repository" in str(error_for(result, "requirements.txt")["message"])
        assert checked_files(result) == ["good"]
        assert_secret_not_shown(result)


@pytest.mark.parametrize(
    "include",
    [
        "-r /etc/passwd",
        "-c /etc/passwd",
        "-r file:///etc/passwd",
        "-r ../../outside/secret.txt",
        "--constraint=../../outside/secret.txt",
        "-r linked.txt",
    ],
)
def test_include_never_leaves_the_repository(repo: Path, include: str) -> None:
    (repo / "sub").mkdir()
    (repo / "sub" / "linked.txt").symlink_to(repo.parent / "outside" / "secret.txt")
    lock = repo / "sub" / "requirements.txt"
    lock.write_text(f"{include}\n{GOOD}", encoding="utf-8")
    result = run_cli("check", "--format", "json", str(repo))
    assert result.exit_code == 2
    error = error_for(result, "sub/requirements.txt")
    assert error["line"] == 1
    assert "outside the repository" in str(error["message"])
    assert checked_files(result) == ["good"]
    assert_secret_not_shown(result)


def test_symlinks_and_includes_inside_the_repository_are_followed(repo: Path) -> None:
    (repo / "base.txt").write_text(GOOD, encoding="utf-8")
    (repo / "app").mkdir()
    (repo / "app" / "requirements.txt").write_text("-r ../base.txt\n", encoding="utf-8")
    (repo / "linked").mkdir()
    (repo / "linked" / "requirements.txt").symlink_to(repo / "app" / "requirements.txt")
    result = run_cli("check", "--format", "json", str(repo))
    assert result.exit_code == 0, result.json["errors"]
    # The link is the same file as app's; base.txt is found too, by its hashed content.
    assert checked_files(result) == ["app", "good", "repo"]


def test_outside_a_repository_the_scanned_directory_is_the_boundary(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "app").mkdir(parents=True)
    (root / "base.txt").write_text(GOOD, encoding="utf-8")
    (root / "app" / "requirements.txt").write_text("-r ../base.txt\n", encoding="utf-8")
    (tmp_path / "secret.txt").write_text(f"{SECRET}==1.0\n", encoding="utf-8")
    (root / "requirements.txt").symlink_to(tmp_path / "secret.txt")
    (root / "requirements-dev.txt").write_text("-r ../secret.txt\n", encoding="utf-8")
    result = run_cli("check", "--format", "json", str(root))
    assert result.exit_code == 2
    assert "outside the checked directory" in str(error_for(result, "/requirements.txt")["message"])
    assert "outside the checked directory" in str(
        error_for(result, "requirements-dev.txt")["message"]
    )
    # base.txt is found by its hashed content; the two bad links are not read.
    assert sorted(f["path"] for f in result.json["files"]) == [
        "project/app/requirements.txt",
        "project/base.txt",
    ]
    assert_secret_not_shown(result)


# --- 9: only regular files, never more than the limit ------------------------------------


def test_fifo_named_like_a_lockfile_does_not_hang(repo: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    shutil.copytree(repo / "good", plain / "good")
    os.mkfifo(plain / "requirements.txt")
    result = run_cli("check", "--format", "json", str(plain))
    assert result.exit_code == 2
    assert "FIFO" in str(error_for(result, "requirements.txt")["message"])
    assert checked_files(result) == ["good"]
    # Named on the command line too; in a repository, git does not show it at all.
    result = run_cli("check", "--format", "json", str(plain / "requirements.txt"))
    assert result.exit_code == 2
    os.mkfifo(repo / "requirements.txt")
    result = run_cli("check", "--format", "json", str(repo))
    assert result.exit_code == 0
    assert checked_files(result) == ["good"]


def test_device_is_not_read(tmp_path: Path) -> None:
    # Named on its own, /dev/zero is inside its own directory's boundary: the regular-file
    # check is what stops it (it used to be read until memory ran out).
    good = tmp_path / "requirements.txt"
    good.write_text(GOOD, encoding="utf-8")
    result = run_cli("check", "--format", "json", "/dev/zero", str(good))
    assert result.exit_code == 2
    assert "character device" in str(error_for(result, "/dev/zero")["message"])
    assert len(result.json["files"]) == 1


def test_read_stops_at_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_bytes(b"x" * 11)
    assert read_regular_file(str(path), limit=11) == b"x" * 11
    with pytest.raises(LockfileError, match="at most 10"):
        read_regular_file(str(path), limit=10)


def test_fifo_as_config_does_not_hang(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text(GOOD, encoding="utf-8")
    os.mkfifo(tmp_path / "pyproject.toml")
    result = run_cli("check", "--format", "json", str(tmp_path))
    assert result.exit_code == 0
    os.unlink(tmp_path / "pyproject.toml")
    os.mkfifo(tmp_path / "lockcheck.toml")
    result = run_cli("check", "--format", "json", str(tmp_path))
    assert result.exit_code == 0  # not a file: not a configuration


# --- 10: a tracked pyvenv.cfg does not hide lockfiles -----------------------------------


def test_tracked_files_are_never_skipped_as_a_virtual_environment(repo: Path) -> None:
    for directory in ("env", "venv"):
        (repo / directory).mkdir()
        (repo / directory / "pyvenv.cfg").write_text("home = /usr/bin\n", encoding="utf-8")
        (repo / directory / "requirements.txt").write_text(GOOD, encoding="utf-8")
    git(repo, "add", "-A")
    # A real, untracked environment beside them is still skipped.
    (repo / ".venv" / "lib").mkdir(parents=True)
    (repo / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n", encoding="utf-8")
    (repo / ".venv" / "lib" / "requirements.txt").write_text("broken ==\n", encoding="utf-8")
    (repo / "scratch").mkdir()
    (repo / "scratch" / "pyvenv.cfg").write_text("home = /usr/bin\n", encoding="utf-8")
    (repo / "scratch" / "requirements.txt").write_text("broken ==\n", encoding="utf-8")
    result = run_cli("check", "--format", "json", str(repo))
    assert result.exit_code == 0, result.json["errors"]
    assert checked_files(result) == ["env", "good", "venv"]


# --- 11: unreadable and very deep directories --------------------------------------------


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory another user can enter (pytest's tmp_path is private to root)."""
    directory = Path(tempfile.mkdtemp(prefix="lockcheck-h6-"))
    directory.chmod(0o755)
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def run_as_nobody(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv is not installed: cannot drop privileges")
    if os.geteuid() != 0:
        pytest.skip("not root: the unreadable directory is made by changing users")
    src = Path(__file__).resolve().parent.parent / "src"
    env = {**os.environ, "PYTHONPATH": str(src), "HOME": str(cwd)}
    command = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    return subprocess.run(
        [*command, sys.executable, "-m", "lockcheck", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
        check=False,
    )


def test_unreadable_subdirectory_is_an_error(shared_dir: Path) -> None:
    (shared_dir / "good").mkdir(mode=0o755)
    (shared_dir / "good" / "requirements.txt").write_text(GOOD, encoding="utf-8")
    (shared_dir / "good" / "requirements.txt").chmod(0o644)
    locked = shared_dir / "locked"
    locked.mkdir()
    (locked / "requirements.txt").write_text(GOOD, encoding="utf-8")
    locked.chmod(0o700)  # root's; nobody cannot list it
    probe = run_as_nobody("--version", cwd=shared_dir)
    if probe.returncode != 0:
        pytest.skip(f"cannot run lockcheck as nobody: {probe.stderr.strip()[:200]}")

    scan = run_as_nobody("check", "--format", "json", str(shared_dir), cwd=shared_dir)
    assert scan.returncode == 2, scan.stderr
    assert "Traceback" not in scan.stderr
    assert [line for line in scan.stderr.splitlines() if "locked" in line] == [
        "locked: error: cannot list directory: permission denied"
    ]
    assert "good" in scan.stdout  # the readable file is still checked

    named = run_as_nobody("check", str(locked), cwd=shared_dir)
    assert named.returncode == 2
    assert "Traceback" not in named.stderr
    assert named.stderr.endswith("locked: error: cannot list directory: permission denied\n")

    inside = run_as_nobody("check", str(locked / "requirements.txt"), cwd=shared_dir)
    assert inside.returncode == 2
    assert inside.stderr.endswith("locked/requirements.txt: error: permission denied\n")


def test_very_deep_tree(tmp_path: Path) -> None:
    directory = tmp_path / "deep"
    directory.mkdir()
    depth = 1_200
    path = str(directory)
    for _ in range(depth):  # os.makedirs recurses too
        path = os.path.join(path, "d")
        os.mkdir(path)
    with open(os.path.join(path, "requirements.txt"), "w", encoding="utf-8") as handle:
        handle.write(GOOD)
    try:
        result = run_cli("check", "--format", "json", str(directory))
        assert result.exit_code == 0
        assert result.json["summary"]["packages"] == 1
    finally:
        os.unlink(os.path.join(path, "requirements.txt"))
        while path != str(directory):  # shutil.rmtree recurses as well
            os.rmdir(path)
            path = os.path.dirname(path)


# --- 20: malformed URLs and configuration are one-line errors ---------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-r file://[x\n", "invalid include URL"),
        ("--index-url http://[::1\n" + GOOD, "invalid index URL"),
        ("--extra-index-url https://user:pw@[::1/simple\n" + GOOD, "invalid extra-index URL"),
        ("--index-url https://host:99999/simple\n" + GOOD, "invalid index URL"),
    ],
)
def test_malformed_url_in_requirements(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "requirements.txt").write_text(text, encoding="utf-8")
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "requirements.txt").write_text(GOOD, encoding="utf-8")
    for verify in ([], ["--verify", "--no-cache"]):
        result = run_cli("check", "--format", "json", *verify, str(tmp_path / "bad"))
        assert result.exit_code == 2
        error = error_for(result, "bad/requirements.txt")
        assert error["line"] == 1
        assert message in str(error["message"])
        assert "pw@" not in str(error["message"])
    result = run_cli("check", "--format", "json", str(tmp_path))
    assert result.exit_code == 2
    assert checked_files(result) == ["good"]


def test_malformed_index_url_in_a_toml_lock(tmp_path: Path) -> None:
    (tmp_path / "uv.lock").write_text(
        'version = 1\nrequires-python = ">=3.10"\n\n[[package]]\nname = "six"\n'
        'version = "1.16.0"\nsource = { registry = "http://[::1" }\n'
        f'wheels = [{{ url = "https://files.example.test/six.whl", hash = "{H1}" }}]\n',
        encoding="utf-8",
    )
    result = run_cli("check", "--format", "json", "--verify", "--no-cache", str(tmp_path))
    assert result.exit_code == 2
    assert "invalid index URL" in str(error_for(result, "uv.lock")["message"])


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("select = " + "[" * 3000 + "]" * 3000 + "\n", "nested too deeply"),
        ("waiver-max-days = 9999999999\n", "at most 3650"),
    ],
)
def test_hostile_config_is_one_line(tmp_path: Path, config: str, message: str) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "lockcheck.toml").write_text(config, encoding="utf-8")
    (tmp_path / "a" / "requirements.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "requirements.txt").write_text(GOOD, encoding="utf-8")
    result = run_cli("check", "--format", "json", str(tmp_path))
    assert result.exit_code == 2
    assert message in str(error_for(result, "lockcheck.toml")["message"])
    assert checked_files(result) == ["b"]
