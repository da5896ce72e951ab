"""What a scan finds: lockfiles by the names people use and by content, lock-like files it
cannot read (a note), nothing at all (exit 2), files given by name, manifests."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import FIXTURES, run_cli
from lockcheck.discover import scan
from lockcheck.model import LockFormat
from lockcheck.parsers import detect_format

Writer = Callable[..., Path]
PROJECTS = FIXTURES / "projects"
HASHED = "idna==3.7 \\\n    --hash=sha256:" + "a" * 64 + "\n"


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("requirements.txt", LockFormat.REQUIREMENTS),
        ("requirements-dev.txt", LockFormat.REQUIREMENTS),
        ("dev-requirements.txt", LockFormat.REQUIREMENTS),
        ("test_requirements.txt", LockFormat.REQUIREMENTS),
        ("requirements/prod.txt", LockFormat.REQUIREMENTS),
        ("constraints.txt", LockFormat.REQUIREMENTS),
        ("constraints-py310.txt", LockFormat.REQUIREMENTS),
        ("deps/prod.pip", LockFormat.REQUIREMENTS),
        ("requirements.lock", LockFormat.REQUIREMENTS),
        ("requirements-dev.lock", LockFormat.REQUIREMENTS),
        ("pdm.lock", LockFormat.PDM),
        ("Pipfile.lock", LockFormat.PIPFILE),
        ("uv.lock", LockFormat.UV),
        ("poetry.lock", LockFormat.POETRY),
        ("pylock.toml", LockFormat.PYLOCK),
        ("pylock.dev.toml", LockFormat.PYLOCK),
        ("requirements.in", None),
        ("notes.txt", None),
        ("pyproject.toml", None),
        ("Pipfile", None),
        ("pixi.lock", None),
        ("requirements/nested/base.txt", None),
    ],
)
def test_names(name: str, fmt: LockFormat | None) -> None:
    assert detect_format(f"/project/{name}") is fmt


def test_a_scan_meets_every_format_and_names_the_unreadable(tmp_path: Path) -> None:
    """The issue's "done when": every supported format, requirements files under all the
    names people use, a hashed .txt under another name, and unsupported lock-like files."""
    root = tmp_path / "repo"
    for project in ("small-app", "pdm-app", "pipenv-app"):
        shutil.copytree(PROJECTS / project, root / project)
    names = [
        "dev-requirements.txt",
        "requirements/prod.txt",
        "constraints.txt",
        "deps/prod.pip",
        "requirements-dev.lock",
        "vendor/locked-deps.txt",  # found by its --hash= lines
    ]
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(HASHED)
    (root / "docs").mkdir()
    (root / "docs" / "notes.txt").write_text("idna==3.7\n")  # no hash: not a lock by content
    (root / "conda-lock.yml").write_text("version: 1\n")
    (root / "pixi.lock").write_text("version: 6\n")
    result = run_cli("check", "--format", "json", str(root))

    def rel(path: str) -> str:
        return str(Path(path).resolve().relative_to(root.resolve()))

    files = {rel(f["path"]): f["format"] for f in result.json["files"]}
    assert {n: files.get(n) for n in names} == dict.fromkeys(names, "requirements")
    formats = set(files.values())
    assert formats == {"requirements", "uv", "poetry", "pylock", "pdm", "pipfile"}
    assert "docs/notes.txt" not in files
    notes = {rel(n["path"]): n["message"] for n in result.json["notes"]}
    assert "conda-lock" in notes["conda-lock.yml"] and "pixi" in notes["pixi.lock"]
    assert result.json["errors"] == []


def test_sniffing_reads_only_the_head_of_txt_files(tmp_path: Path) -> None:
    (tmp_path / "late.txt").write_text("# comment\n" * 2000 + HASHED)  # --hash= after 8 KB
    (tmp_path / "early.txt").write_text(HASHED)
    (tmp_path / "hashed.md").write_text(HASHED)  # not .txt: never opened
    found = scan([str(tmp_path)])
    assert [Path(t.path).name for t in found.targets] == ["early.txt"]


def test_no_lockfile_found_is_exit_2(write: Writer) -> None:
    write("README.md", "no lockfiles here\n")
    write("pixi.lock", "version: 6\n")
    result = run_cli("check", ".")
    assert result.exit_code == 2
    assert "no lockfiles found under ." in result.stderr
    assert "pixi.lock: note: a pixi lock" in result.stdout


def test_unknown_format_by_name_is_unsupported_not_a_parse_error(write: Writer) -> None:
    write("pixi.lock", "version: 6\n")
    write("settings.toml", "[x]\n")
    write("data.json", '{"a": 1}\n')
    for name, what in (
        ("pixi.lock", "a pixi lock"),
        ("settings.toml", "not a lockfile lockcheck knows"),
    ):
        result = run_cli("check", name)
        assert result.exit_code == 2
        assert f"{name}: error: unsupported format ({what})" in result.stderr
    result = run_cli("check", "data.json")
    assert "unsupported format" in result.stderr and "cannot parse" not in result.stderr


def test_a_pipfile_lock_under_another_name_is_read_by_content(write: Writer) -> None:
    text = (PROJECTS / "pipenv-stale" / "before" / "Pipfile.lock").read_text()
    write("backup.lock", text)
    result = run_cli("check", "--format", "json", "backup.lock")
    assert result.json["files"][0]["format"] == "pipfile"
    assert result.exit_code == 0


# --- manifests as triggers ----------------------------------------------------------------


def test_pyproject_means_the_locks_beside_it(tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(PROJECTS / "pdm-stale" / "edited", project)
    shutil.copy(PROJECTS / "stale" / "edited" / "uv.lock", project / "uv.lock")
    result = run_cli("check", "--format", "json", str(project / "pyproject.toml"))
    assert sorted(f["format"] for f in result.json["files"]) == ["pdm", "uv"]
    assert {f["code"] for f in result.json["findings"]} == {"LC201"}
    assert result.exit_code == 1


def test_pipfile_means_the_lock_beside_it() -> None:
    result = run_cli("check", "--format", "json", str(PROJECTS / "pipenv-stale/edited/Pipfile"))
    assert [f["format"] for f in result.json["files"]] == ["pipfile"]
    assert [f["code"] for f in result.json["findings"]] == ["LC201"]


def test_a_manifest_with_no_lock_is_exit_0(write: Writer) -> None:
    write("pyproject.toml", "[project]\nname = 'x'\n")
    write("sub/Pipfile", "[packages]\n")
    result = run_cli("check", "pyproject.toml", "sub/Pipfile")
    assert result.exit_code == 0, result.stderr
    assert "Checked 0 files" in result.stdout


# --- cost of a scan -----------------------------------------------------------------------


def test_unlikely_names_cost_no_path_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a git work tree, only names that can matter are resolved and opened."""
    repo = tmp_path / "repo"
    (repo / "src").mkdir(parents=True)
    for i in range(300):
        (repo / "src" / f"module_{i}.py").write_text("")
    (repo / "requirements.txt").write_text(HASHED)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    import os.path

    resolved: list[str] = []
    real = os.path.realpath

    def counting(path: str, *args: object, **kwargs: object) -> str:
        resolved.append(str(path))
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os.path, "realpath", counting)
    found = scan([str(repo)])
    assert [Path(t.path).name for t in found.targets] == ["requirements.txt"]
    assert not any(p.endswith(".py") for p in resolved)


def test_in_a_git_work_tree_the_walk_rules_still_hold(tmp_path: Path) -> None:
    """git's listing replaces the walk; what the walk skipped is still skipped: ignored
    files, build and vendored directories, virtualenvs, excluded paths, files deleted
    from the work tree, and links to files outside the repository."""
    outside = tmp_path / "outside.txt"
    outside.write_text(HASHED)
    repo = tmp_path / "repo"
    files = [
        "requirements.txt",
        "app/requirements/prod.txt",
        "ignored/requirements.txt",
        "node_modules/pkg/requirements.txt",
        "env/requirements.txt",
        "vendor/requirements.txt",
        "gone/requirements.txt",
    ]
    for name in files:
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(HASHED)
    (repo / "env" / "pyvenv.cfg").write_text("")
    (repo / ".gitignore").write_text("ignored/\n")
    (repo / "linked-requirements.txt").symlink_to(outside)
    (repo / "inner-requirements.txt").symlink_to(repo / "app" / "requirements" / "prod.txt")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "gone"], check=True)
    (repo / "gone" / "requirements.txt").unlink()

    def exclude_for(root: str) -> tuple[str, tuple[str, ...]]:
        return root, ("vendor",)

    found = scan([str(repo)], exclude_for)
    assert [Path(t.path).relative_to(repo).as_posix() for t in found.targets] == [
        "inner-requirements.txt",  # a link inside the repository is followed
        "requirements.txt",
    ]  # (app/requirements/prod.txt is the file inner-requirements.txt names: once)
