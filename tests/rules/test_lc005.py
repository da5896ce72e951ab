"""LC005 conflicting-pins: two pins of one package that an installer could meet together."""

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
from lockcheck.model import LockFormat
from lockcheck.parsers import detect_format
from rules.conftest import check, uv_lock, uv_package
from support_requirements import codes

Writer = Callable[..., Path]
PROJECTS = Path(__file__).resolve().parents[2] / "fixtures" / "projects"
H1 = "sha256:" + "1" * 64
H2 = "sha256:" + "2" * 64


def lc005(path: Path) -> list[Finding]:
    fmt = detect_format(str(path))
    assert fmt is not None
    report = run([Target(str(path), fmt)], lambda _p: Settings(select=("LC005",)))
    assert not report.errors, report.errors
    return [f for f in report.findings if f.code == "LC005"]


def copy(project: str, tmp_path: Path) -> Path:
    target = tmp_path / project
    shutil.copytree(PROJECTS / project, target)
    return target


# --- uv.lock ---------------------------------------------------------------------------


def test_uv_versions_split_by_conflicting_extras_and_groups_are_fine() -> None:
    # six 1.16.0/1.17.0 for two conflicting extras, idna 3.6/3.7 for two conflicting
    # groups: uv writes no markers on them, only `conflicts` and the project's edges.
    assert lc005(PROJECTS / "uv-conflicts" / "uv.lock") == []


def test_uv_cpu_and_gpu_builds_from_two_indexes_are_fine() -> None:
    # The torch setup: one build per extra, each from its own index, with uv's synthetic
    # `extra == 'extra-9-accel-app-cpu'` clauses on the edges.
    assert lc005(PROJECTS / "uv-conflicts-accel" / "uv.lock") == []


def test_uv_without_conflicts_the_same_versions_do_conflict(tmp_path: Path) -> None:
    # The same lock with its `conflicts` table gone: both extras can be enabled at once.
    lock = copy("uv-conflicts", tmp_path) / "uv.lock"
    text = lock.read_text()
    lock.write_text(re.sub(r"conflicts = \[\[.*?\]\]\n", "", text, flags=re.S))
    findings = lc005(lock)
    assert sorted(f.package or "" for f in findings) == ["idna", "six"]


def test_uv_conflict_in_only_one_set_is_still_found(tmp_path: Path) -> None:
    # Keep the extras' conflict, drop the groups' one: only idna meets itself.
    lock = copy("uv-conflicts", tmp_path) / "uv.lock"
    text = lock.read_text()
    start = text.index("], [\n")
    end = text.index("]]\n", start)
    lock.write_text(text[:start] + text[end:])
    assert [f.package for f in lc005(lock)] == ["idna"]


def test_uv_example_environment_is_one_the_lock_supports(tmp_path: Path) -> None:
    lock = copy("uv-conflicts", tmp_path) / "uv.lock"
    text = re.sub(r"conflicts = \[\[.*?\]\]\n", "", lock.read_text(), flags=re.S)
    lock.write_text(text)  # requires-python = ">=3.11"
    messages = [f.message for f in lc005(lock)]
    assert messages and all("Python 3.11" in m for m in messages), messages
    lock.write_text(text.replace('requires-python = ">=3.11"', 'requires-python = ">=3.13"'))
    assert all("Python 3.13" in f.message for f in lc005(lock))


def test_uv_overlap_only_outside_requires_python_is_fine(tmp_path: Path) -> None:
    lock = copy("uv-conflicts", tmp_path) / "uv.lock"
    text = re.sub(r"conflicts = \[\[.*?\]\]\n", "", lock.read_text(), flags=re.S)
    # six 1.16.0 only below 3.11, idna 3.6 only on Python 2: never where the lock installs.
    for name, version, marker in (
        ("six", "1.16.0", "python_full_version < '3.11'"),
        ("idna", "3.6", "python_full_version < '3.0'"),
    ):
        entry = f'name = "{name}"\nversion = "{version}"\n'
        text = text.replace(entry, entry + f'resolution-markers = ["{marker}"]\n')
    lock.write_text(text)
    assert lc005(lock) == []


def test_uv_environments_limit_the_grid(tmp_path: Path) -> None:
    lock = copy("uv-conflicts", tmp_path) / "uv.lock"
    text = re.sub(r"conflicts = \[\[.*?\]\]\n", "", lock.read_text(), flags=re.S)
    entry = 'name = "six"\nversion = "1.16.0"\n'
    text = text.replace(entry, entry + "resolution-markers = [\"sys_platform == 'win32'\"]\n")
    text = text.replace(
        'requires-python = ">=3.11"\n',
        'requires-python = ">=3.11"\nsupported-markers = ["sys_platform == \'linux\'"]\n',
    )
    lock.write_text(text)
    assert [f.package for f in lc005(lock)] == ["idna"]


# --- poetry.lock -----------------------------------------------------------------------


@pytest.mark.parametrize("project", ["poetry-multiple-versions", "poetry-legacy-multiple-versions"])
def test_poetry_lock_without_package_markers_is_not_guessed(project: str) -> None:
    # poetry 1.8 (lock-version 2.0) and 1.2 (1.1): two idna versions chosen by Python
    # version in pyproject.toml; the lock records no marker on either, and requests'
    # `idna>=2.5,<4` edge admits both. A note says LC005 could not judge them.
    path = PROJECTS / project / "poetry.lock"
    assert lc005(path) == []
    report = run([Target(str(path), LockFormat.POETRY)], lambda _p: Settings())
    assert [n.message.split()[0] for n in report.notes] == ["idna"]


def test_poetry_lock_2_1_markers_are_still_judged(tmp_path: Path) -> None:
    lock = copy("poetry-multiple-versions", tmp_path) / "poetry.lock"
    text = lock.read_text().replace('lock-version = "2.0"', 'lock-version = "2.1"')
    lock.write_text(text)
    (finding,) = lc005(lock)
    assert finding.package == "idna"
    assert "Python 3.9" in finding.message  # python-versions = ">=3.9,<3.14"
    # Poetry's own constraint syntax: `^3.11` starts the grid at 3.11.
    lock.write_text(text.replace('python-versions = ">=3.9,<3.14"', 'python-versions = "^3.11"'))
    (finding,) = lc005(lock)
    assert "Python 3.11" in finding.message


# --- pylock.toml -----------------------------------------------------------------------


def _pylock_with_two_urllib3(tmp_path: Path, header: str) -> Path:
    # The uv-exported pylock.toml of small-app, with its `urllib3` entry repeated at
    # another version for Windows only.
    text = (PROJECTS / "small-app" / "pylock.toml").read_text()
    start = text.index('[[packages]]\nname = "urllib3"')
    end = text.find("[[packages]]", start + 1)
    block = text[start : end if end != -1 else len(text)]
    other = block.replace('version = "', 'marker = "sys_platform == \'win32\'"\nversion = "0.', 1)
    path = tmp_path / "pylock.toml"
    path.write_text(text.replace('requires-python = ">=3.10"\n', header) + "\n" + other)
    return path


def test_pylock_overlap_is_found_and_shown_within_requires_python(tmp_path: Path) -> None:
    path = _pylock_with_two_urllib3(tmp_path, 'requires-python = ">=3.12"\n')
    (finding,) = lc005(path)
    assert "win32, Python 3.12" in finding.message


def test_pylock_environments_limit_the_grid(tmp_path: Path) -> None:
    header = 'requires-python = ">=3.10"\nenvironments = ["sys_platform == \'linux\'"]\n'
    assert lc005(_pylock_with_two_urllib3(tmp_path, header)) == []


# --- requirements files -----------------------------------------------------------------


def test_requirements_bare_name_and_constraints_beside_pins_are_fine() -> None:
    project = PROJECTS / "requirements-constraints"
    for name in ("requirements-dev.txt", "constraints.txt", "requirements.txt"):
        assert lc005(project / name) == [], name


def test_requirements_ranges_that_admit_the_pin_are_fine(write: Writer) -> None:
    path = write("requirements.txt", f"foo>=1\nfoo<3\nfoo==2.0 --hash={H1}\nfoo==2 --hash={H1}\n")
    assert lc005(path) == []


def test_requirements_range_that_excludes_the_pin_conflicts(write: Writer) -> None:
    path = write("requirements.txt", f"foo==2.0 --hash={H1}\nfoo<2\n")
    findings = lc005(path)
    assert [f.location.line for f in findings] == [2]
    assert "foo==2.0" in findings[0].message


def test_requirements_constraint_that_excludes_the_pin_conflicts(write: Writer) -> None:
    write("constraints.txt", "foo<2\n")
    path = write("requirements.txt", f"-c constraints.txt\nfoo==2.0 --hash={H1}\n")
    findings = lc005(path)
    assert len(findings) == 1
    assert findings[0].fix is not None and "constraint" in findings[0].fix
    assert "constraints.txt:1" in findings[0].fix


def test_requirements_fix_changes_the_outcome(write: Writer) -> None:
    # Regenerating requirements.txt would not touch base.txt: say which lines to change.
    write("base.txt", f"urllib3==2.2.3 --hash={H1}\n")
    path = write("requirements.txt", f"-r base.txt\nurllib3==1.26.20 --hash={H2}\n")
    (finding,) = lc005(path)
    assert finding.fix is not None and "base.txt:1" in finding.fix
    assert "regenerate" not in finding.fix


def test_requirements_two_different_pins_still_conflict(write: Writer) -> None:
    path = write("requirements.txt", f"foo==1.0 --hash={H1}\nfoo==2.0 --hash={H2}\n")
    assert len(lc005(path)) == 1


WHEEL = "https://files.example.test/foo-{}-py3-none-any.whl --hash=" + H1
COMMIT = "a" * 40


@pytest.mark.parametrize(
    "lines",
    [
        ["foo==1.0 --hash=" + H2, "foo @ " + WHEEL.format("1.0")],  # the pin's own file
        ["foo", f"foo @ git+https://git.example.test/foo.git@{COMMIT}"],  # pip takes the URL
        ["foo>=1", "foo @ " + WHEEL.format("1.2")],
        # A checkout whose version the file does not say: a range cannot be judged.
        ["foo>=2", f"foo @ git+https://git.example.test/foo.git@{COMMIT}"],
    ],
)
def test_requirements_direct_references_that_agree(write: Writer, lines: list[str]) -> None:
    assert lc005(write("requirements.txt", "\n".join(lines) + "\n")) == []


@pytest.mark.parametrize(
    "lines",
    [
        ["foo==1.0 --hash=" + H2, "foo @ " + WHEEL.format("2.0")],
        ["foo>=2", "foo @ " + WHEEL.format("1.0")],
        [
            f"foo @ git+https://git.example.test/foo.git@{COMMIT}",
            f"foo @ git+https://git.example.test/fork.git@{COMMIT}",
        ],
    ],
)
def test_requirements_direct_references_that_conflict(write: Writer, lines: list[str]) -> None:
    assert [f.location.line for f in lc005(write("requirements.txt", "\n".join(lines) + "\n"))] == [
        2
    ]


def test_pylock_entries_without_version_compare_their_files(tmp_path: Path) -> None:
    # PEP 751 lets `version` out; the files still say which release each entry is.
    path = _pylock_with_two_urllib3(tmp_path, 'requires-python = ">=3.10"\n')
    text = path.read_text()
    path.write_text(text.replace('version = "2.8.0"\n', "").replace('version = "0.2.8.0"\n', ""))
    assert lc005(path) == []  # both name urllib3 2.8.0 in their files: one release
    other = path.read_text()
    tail = other.rindex('name = "urllib3"')
    path.write_text(other[:tail] + other[tail:].replace("urllib3-2.8.0", "urllib3-2.7.0"))
    assert [f.package for f in lc005(path)] == ["urllib3"]


def test_uv_conflict_reached_through_a_choice_names_it(tmp_path: Path) -> None:
    # The old-idna group also pulls in six 1.16.0: `--extra current --group old-idna`
    # installs both six versions, and the message says which choice does it.
    lock = copy("uv-conflicts", tmp_path) / "uv.lock"
    text = lock.read_text()
    edge = '{ name = "six", version = "1.16.0", source = { registry = "https://index.test/simple" } },\n'
    old = 'old-idna = [\n    { name = "idna"'
    assert old in text
    lock.write_text(text.replace(old, "old-idna = [\n    " + edge + '    { name = "idna"'))
    (finding,) = lc005(lock)
    assert finding.package == "six"
    assert "with extra 'current' of conflicting-app, group 'old-idna' of conflicting-app" in (
        finding.message
    )


def test_requirements_conflict_across_include(write: Writer) -> None:
    write("base.txt", f"urllib3==2.2.3 --hash={H1}\n")
    path = write("requirements.txt", f"-r base.txt\nurllib3==1.26.20 --hash={H2}\n")
    findings = check(path)
    assert codes(findings) == ["LC005"]
    assert findings[0].location == findings[0].location.__class__(str(path), 2)
    assert "base.txt:1" in findings[0].message


def test_requirements_disjoint_markers_are_fine(write: Writer) -> None:
    path = write(
        "requirements.txt",
        f"tomli==2.0.1 ; python_version < '3.11' --hash={H1}\n"
        f"tomli==2.2.1 ; python_version >= '3.11' --hash={H2}\n",
    )
    assert check(path) == []


def test_requirements_overlapping_markers_conflict(write: Writer) -> None:
    path = write(
        "requirements.txt",
        f"tomli==2.0.1 ; python_version < '3.12' --hash={H1}\n"
        f"tomli==2.2.1 ; sys_platform == 'linux' --hash={H2}\n",
    )
    findings = check(path)
    assert codes(findings) == ["LC005"]
    assert "linux" in findings[0].message


def test_requirements_identical_duplicate_is_not_a_conflict(write: Writer) -> None:
    path = write("requirements.txt", f"six==1.16.0 --hash={H1}\nsix==1.16.0 --hash={H1}\n")
    assert check(path) == []


def test_uv_disjoint_resolution_markers_are_not_a_conflict(write: Writer) -> None:
    old = uv_package(
        "numpy", "1.26.4", extra="resolution-markers = [\"python_full_version < '3.12'\"]"
    )
    new = uv_package(
        "numpy", "2.1.0", extra="resolution-markers = [\"python_full_version >= '3.12'\"]"
    )
    assert check(write("uv.lock", uv_lock(old, new))) == []
    both = uv_package("numpy", "2.1.0", extra="resolution-markers = [\"sys_platform == 'linux'\"]")
    assert codes(check(write("other/uv.lock", uv_lock(old, both)))) == ["LC005"]
