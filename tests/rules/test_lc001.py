"""LC001 unpinned-requirement: an entry that does not fix the release it installs."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from lockcheck.config import Settings
from lockcheck.discover import Target
from lockcheck.engine import run
from lockcheck.findings import Finding
from lockcheck.parsers import detect_format
from rules.conftest import check
from support_requirements import codes

Writer = Callable[..., Path]
PROJECTS = Path(__file__).resolve().parents[2] / "fixtures" / "projects"
H1 = "sha256:" + "1" * 64


def findings(path: Path, *codes: str) -> list[Finding]:
    fmt = detect_format(str(path))
    assert fmt is not None
    report = run([Target(str(path), fmt)], lambda _p: Settings(select=codes or ("LC001",)))
    assert not report.errors, report.errors
    return list(report.findings)


# --- requirements files -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["constraints.txt", "requirements-dev.txt", "requirements.txt"])
def test_requirements_constraints_and_names_beside_pins_are_fine(name: str) -> None:
    # constraints.txt holds ranges (it installs nothing); requirements-dev.txt has a bare
    # `six` beside the pinned set it includes (pip installs the pin: see fixtures/README.md).
    assert findings(PROJECTS / "requirements-constraints" / name) == []


def test_requirements_range_in_an_included_constraints_file_is_fine(write: Writer) -> None:
    write("pins.txt", "foo>=1,<3\nbar\n")
    path = write("requirements.txt", f"-c pins.txt\nfoo==2.0 --hash={H1}\n")
    assert findings(path) == []


def test_requirements_bare_name_pinned_by_a_constraint_is_fine(write: Writer) -> None:
    write("constraints.txt", f"foo==2.0 --hash={H1}\n")
    assert findings(write("requirements.txt", "-c constraints.txt\nfoo\n")) == []


def test_requirements_pin_that_covers_only_some_platforms_does_not_count(write: Writer) -> None:
    path = write("requirements.txt", f"foo==2.0 ; sys_platform == 'linux' --hash={H1}\nfoo\n")
    assert [f.location.line for f in findings(path)] == [2]


def test_requirements_unpinned_without_any_pin_is_flagged(write: Writer) -> None:
    path = write("requirements.txt", f"foo>=1\nbar==1.0 --hash={H1}\nbar<1\n")
    assert [f.location.line for f in findings(path)] == [1, 3]


# --- pylock.toml ------------------------------------------------------------------------


def _pylock_without_version(tmp_path: Path, *, drop_hashes: bool = False) -> Path:
    target = tmp_path / "pylock.toml"
    shutil.copy(PROJECTS / "small-app" / "pylock.toml", target)
    text = target.read_text()
    # PEP 751 allows leaving out `version`; the sdist and wheels still fix the files.
    text = text.replace('name = "certifi"\nversion = "2026.10.18"\n', 'name = "certifi"\n')
    if drop_hashes:
        start = text.index('name = "certifi"')
        end = text.index("[[packages]]", start)
        block = re.sub(r", hashes = \{[^}]*\}", "", text[start:end])
        text = text[:start] + block + text[end:]
    target.write_text(text)
    return target


def test_pylock_entry_without_version_fixed_by_its_files_is_fine(tmp_path: Path) -> None:
    assert findings(_pylock_without_version(tmp_path)) == []


def test_pylock_entry_without_version_still_needs_hashes(tmp_path: Path) -> None:
    path = _pylock_without_version(tmp_path, drop_hashes=True)
    found = findings(path, "LC001", "LC002")
    assert sorted(f.code for f in found) == ["LC002", "LC002"]  # its sdist and its wheel
    assert all(f.package == "certifi" for f in found)


# --- uv.lock and poetry.lock -------------------------------------------------------------


@pytest.mark.parametrize("lock", ["uv-conflicts/uv.lock", "poetry-multiple-versions/poetry.lock"])
def test_tool_locks_pin_everything(lock: str) -> None:
    assert findings(PROJECTS / lock) == []


@pytest.mark.parametrize(
    ("line", "fires"),
    [
        ("requests>=2.31", True),
        ("requests", True),
        ("requests==2.*", True),
        ("requests~=2.32", True),
        ("requests>=2.32,<=2.32", True),
        ("requests==2.32.3", False),
        ("requests===2.32.3", False),
    ],
)
def test_requirements_unpinned(write: Writer, line: str, fires: bool) -> None:
    found = check(write("requirements.txt", f"{line} --hash={H1}\n"))
    assert ("LC001" in codes(found)) is fires
    if fires:
        lc001 = next(f for f in found if f.code == "LC001")
        assert lc001.location.line == 1
        assert lc001.package == "requests"
