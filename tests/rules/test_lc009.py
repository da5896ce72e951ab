"""LC009 filename-mismatch: a file that names another project or version than its entry."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from lockcheck.config import Settings
from lockcheck.discover import Target
from lockcheck.engine import run
from lockcheck.findings import Finding
from lockcheck.model import LockFormat
from lockcheck.parsers import detect_format

PROJECTS = Path(__file__).resolve().parents[2] / "fixtures" / "projects"
LOCKS = sorted(p for p in PROJECTS.rglob("*") if p.is_file() and detect_format(str(p)) is not None)
WHEEL = "certifi-2026.10.18-py3-none-any.whl"
SDIST = "certifi-2026.10.18.tar.gz"


def lc009(path: Path) -> list[Finding]:
    fmt = detect_format(str(path))
    assert fmt is not None
    report = run([Target(str(path), fmt)], lambda _p: Settings(select=("LC009",)))
    assert not report.errors, report.errors
    return list(report.findings)


@pytest.mark.parametrize("path", LOCKS, ids=lambda p: str(p.relative_to(PROJECTS)))
def test_no_finding_on_any_real_lock(path: Path) -> None:
    # Includes tinyaccel 2.0.0+cpu (`%2B` in the URL), poetry lock-version 1.1 whose
    # [metadata.files] lists every version's files together, and legacy sdist names.
    assert lc009(path) == []


def mutated(tmp_path: Path, lock: str, old: str, new: str) -> Path:
    target = tmp_path / Path(lock).name
    shutil.copy(PROJECTS / lock, target)
    text = target.read_text()
    assert old in text
    target.write_text(text.replace(old, new, 1))
    return target


@pytest.mark.parametrize(
    "lock", ["small-app/uv.lock", "small-app/pylock.toml", "small-app/poetry.lock"]
)
def test_wheel_of_another_version(tmp_path: Path, lock: str) -> None:
    path = mutated(tmp_path, lock, WHEEL, "certifi-2024.8.30-py3-none-any.whl")
    (finding,) = lc009(path)
    assert finding.package == "certifi"
    assert "version 2024.8.30" in finding.message
    line = path.read_text().splitlines()[finding.location.line - 1]  # type: ignore[operator]
    assert "certifi-2024.8.30-py3-none-any.whl" in line


@pytest.mark.parametrize(
    "lock", ["small-app/uv.lock", "small-app/pylock.toml", "small-app/poetry.lock"]
)
def test_sdist_of_another_project(tmp_path: Path, lock: str) -> None:
    path = mutated(tmp_path, lock, SDIST, "certifi_fork-2026.10.18.tar.gz")
    (finding,) = lc009(path)
    assert "project certifi-fork" in finding.message


@pytest.mark.parametrize(
    "name",
    [
        "Certifi-2026.10.18.tar.gz",  # case and separators are normalised
        "certifi-2026.10.18.0-py3-none-any.whl",  # the same version by PEP 440
        "certifi-latest.tar.gz",  # names no version: nothing to compare
    ],
)
def test_names_that_agree_or_say_nothing(tmp_path: Path, name: str) -> None:
    assert lc009(mutated(tmp_path, "small-app/poetry.lock", SDIST, name)) == []


def test_poetry_1_1_entries_keep_only_their_own_files() -> None:
    from lockcheck.parsers import parse_lockfile

    path = PROJECTS / "poetry-legacy-multiple-versions" / "poetry.lock"
    lock = parse_lockfile(str(path), LockFormat.POETRY)
    files = {p.version: sorted(a.filename or "" for a in p.artifacts) for p in lock.packages}
    assert files["3.6"] == ["idna-3.6-py3-none-any.whl", "idna-3.6.tar.gz"]
    assert files["3.7"] == ["idna-3.7-py3-none-any.whl", "idna-3.7.tar.gz"]


def test_requirements_direct_url_wheel_of_another_project(write: Callable[..., Path]) -> None:
    # pip refuses it too ("has inconsistent name"); an archive URL may be named anything.
    digest = "sha256:" + "a" * 64
    path = write(
        "requirements.txt",
        f"bar @ https://files.example.test/foo-1.0-py3-none-any.whl --hash={digest}\n"
        f"foo @ https://files.example.test/foo-1.0-py3-none-any.whl --hash={digest}\n"
        f"baz @ https://example.test/archive/qux-2.0.tar.gz --hash={digest}\n",
    )
    (finding,) = lc009(path)
    assert finding.location.line == 1
    assert "project foo" in finding.message
