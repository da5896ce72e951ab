"""LC309 incomplete-hash-set, with --verify against an index on 127.0.0.1 that serves the
real fixtures' files (digests, sizes, upload times).

The real locks give no finding, even with their sdists cut (then only the wheels can
serve a platform, and every file another lock of the project publishes, for Pythons or
platforms this lock does not target, is on the index). Copies with a release's hashes cut
to one wheel are found, naming the platforms; files uploaded after the lock was made,
and platforms the lock does not target, are not judged.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from conftest import FIXTURES, Result
from fake_index import FakeIndex, IndexFile, locked_files
from lockcheck.parsers import detect_format
from support_index_env import (
    isolated_index_env,  # noqa: F401 (a fixture)
    run_verify,
)

PROJECTS = FIXTURES / "projects"
SDIST_LINE = re.compile(r"^.*\.(?:tar\.gz|zip)\b.*(?:\n|$)", re.M)
PROJECTS_WITH_LOCKS = [
    "big",
    "data-tool",
    "git-dep",
    "pdm-app",
    "pdm-cross",
    "poetry-legacy",
    "poetry-multiple-versions",
    "private-index",
    "small-app",
    "uv-conflicts",
    "workspace",
]


pytestmark = pytest.mark.usefixtures("isolated_index_env")


def publish(index: FakeIndex, *locks: Path) -> dict[str, str]:
    """Publish every file the locks name (as the real index had them); returns each
    published filename's sha256."""
    digests: dict[str, str] = {}
    files: dict[str, IndexFile] = {}
    for path in locks:
        for package, artifact in locked_files(path):
            assert artifact.filename is not None
            if artifact.filename in files:  # poetry records no upload time; uv does
                files[artifact.filename].upload_time = (
                    files[artifact.filename].upload_time or artifact.upload_time
                )
                continue
            files[artifact.filename] = index.add_locked(package, artifact)
            digests[artifact.filename] = files[artifact.filename].digests.get("sha256", "")
    return digests


def project_locks(project: str) -> list[Path]:
    return sorted(
        p
        for p in (PROJECTS / project).rglob("*")
        if detect_format(str(p)) is not None and "-src" not in str(p)
    )


def verify(*paths: Path, index: FakeIndex) -> Result:
    return run_verify("--no-cache", "--index-url", index.url, *map(str, paths), select="LC309")


def lc309(result: Result) -> list[dict[str, Any]]:
    assert result.exit_code in (0, 1), result.stderr
    return [f for f in result.json["findings"] if f["code"] == "LC309"]


def without_sdists(path: Path, sdist_digests: set[str], into: Path) -> Path:
    """A copy of the lock with every sdist's hash cut: only wheels are left to serve."""
    text = path.read_text(encoding="utf-8")
    if detect_format(str(path)).value == "requirements":  # type: ignore[union-attr]
        for digest in sdist_digests:
            text = re.sub(rf"\s*\\?\n\s*--hash=sha256:{digest}", "", text)
            text = text.replace(f" --hash=sha256:{digest}", "")
    else:
        text = SDIST_LINE.sub("", text)
    copy = into / path.relative_to(PROJECTS)
    copy.parent.mkdir(parents=True, exist_ok=True)
    for sibling in path.parent.iterdir():  # the manifest beside it
        if sibling.is_file() and not (copy.parent / sibling.name).exists():
            shutil.copy(sibling, copy.parent / sibling.name)
    copy.write_text(text, encoding="utf-8")
    return copy


# --- the real locks: never a finding ------------------------------------------------------


@pytest.mark.parametrize("project", PROJECTS_WITH_LOCKS)
def test_real_locks_give_no_finding_even_without_their_sdists(
    server: HTTPServer, tmp_path: Path, project: str
) -> None:
    index = FakeIndex(server)
    locks = project_locks(project)
    published = publish(index, *locks)
    assert published
    for releases in index.projects.values():  # poetry and pdm record no upload times
        for files in releases.values():
            for file in files:
                file.upload_time = file.upload_time or "2020-01-01T00:00:00Z"
    assert lc309(verify(*locks, index=index)) == []
    sdists = {d for name, d in published.items() if not name.endswith(".whl")}
    cut = [without_sdists(lock, sdists, tmp_path) for lock in locks]
    assert lc309(verify(*cut, index=index)) == []


# --- hashes cut to one wheel ----------------------------------------------------------------


def cut_to_one_wheel(text: str, keep: str, package: str) -> str:
    """The lock with ``package``'s artifact lines cut to the one naming ``keep``."""
    out = []
    inside = False
    for line in text.splitlines(keepends=True):
        if re.match(rf'^name = "{re.escape(package)}"$', line.strip()):
            inside = True
        elif line.startswith("[[") and inside:
            inside = False
        is_file = ".whl" in line or ".tar.gz" in line
        if inside and is_file and keep not in line:
            continue
        out.append(line)
    return "".join(out)


def served_copy(tmp_path: Path, project: str, name: str, index: FakeIndex) -> Path:
    source = PROJECTS / project / name
    publish(index, *project_locks(project))
    copy = tmp_path / project / name
    copy.parent.mkdir(parents=True, exist_ok=True)
    for sibling in source.parent.iterdir():
        if sibling.is_file():
            shutil.copy(sibling, copy.parent / sibling.name)
    return copy


NUMPY_KEEP = "numpy-2.4.6-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl"


def test_uv_lock_cut_to_one_wheel_names_the_platforms(server: HTTPServer, tmp_path: Path) -> None:
    index = FakeIndex(server)
    copy = served_copy(tmp_path, "big", "uv.lock", index)
    text = (PROJECTS / "big" / "uv.lock").read_text()
    assert NUMPY_KEEP in text
    edited = cut_numpy(text)
    copy.write_text(edited)
    (finding,) = lc309(verify(copy, index=index))
    assert finding["package"] == "numpy" and finding["version"] == "2.4.6"
    assert finding["severity"] == "warning"
    message = finding["message"]
    for platform in ("macOS arm64/x86_64", "Windows amd64", "Linux aarch64"):
        assert platform in message
    # uv locks numpy 2.4.6 for Python < 3.12 only (2.5.4 for the others): cp312 wheels
    # are not this entry's to hash, PyPy 3.11 ones are
    assert "(cp311, pp311)" in message and "cp312" not in message
    assert "the lock hashes 1 of its" in message
    lines = edited.splitlines()
    assert lines[finding["line"] - 1] == "[[package]]"
    assert lines[finding["line"]] == 'name = "numpy"' and lines[finding["line"] + 1].endswith(
        '"2.4.6"'
    )


def cut_numpy(text: str, keep: Callable[[str], bool] = lambda line: NUMPY_KEEP in line) -> str:
    """big/uv.lock with numpy 2.4.6's files cut to those whose line ``keep`` accepts (by
    default one Linux x86_64 CPython 3.11 wheel)."""
    lines = text.splitlines(keepends=True)
    start = next(
        i
        for i, line in enumerate(lines)
        if line.strip() == 'name = "numpy"' and lines[i + 1].strip() == 'version = "2.4.6"'
    )
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("[[package]]"))
    kept = [
        line
        for line in lines[start:end]
        if not (".whl" in line or "sdist = " in line) or keep(line)
    ]
    return "".join(lines[:start] + kept + lines[end:])


def test_a_wheel_uploaded_after_exclude_newer_is_not_the_locks_fault(
    server: HTTPServer, tmp_path: Path
) -> None:
    """The lock's `exclude-newer` is 2026-11-01: every numpy file but the locked one
    uploaded later (a new wheel on an old release) is not judged."""
    index = FakeIndex(server)
    copy = served_copy(tmp_path, "big", "uv.lock", index)
    for file in index.projects["numpy"]["2.4.6"]:
        if file.filename != NUMPY_KEEP:
            file.upload_time = "2026-11-02T00:00:00Z"
    copy.write_text(cut_numpy((PROJECTS / "big" / "uv.lock").read_text()))
    assert lc309(verify(copy, index=index)) == []


def test_without_exclude_newer_the_newest_recorded_upload_is_the_cutoff(
    server: HTTPServer, tmp_path: Path
) -> None:
    index = FakeIndex(server)
    copy = served_copy(tmp_path, "big", "uv.lock", index)
    text = cut_numpy((PROJECTS / "big" / "uv.lock").read_text())
    text = re.sub(r'(?m)^exclude-newer = ".*"\n', "", text)
    copy.write_text(text)
    assert len(lc309(verify(copy, index=index))) == 1  # the files were there: judged
    later = "2099-01-01T00:00:00Z"  # after every upload the lock records
    for file in index.projects["numpy"]["2.4.6"]:
        if file.filename != NUMPY_KEEP and "win" in file.filename:
            file.upload_time = later
    (finding,) = lc309(verify(copy, index=index))
    assert "Windows" not in finding["message"] and "macOS arm64" in finding["message"]


def test_uv_environments_limit_what_is_judged(server: HTTPServer, tmp_path: Path) -> None:
    """A lock for Linux only (uv `environments`, recorded as supported-markers) needs no
    hash for the macOS and Windows wheels."""
    index = FakeIndex(server)
    copy = served_copy(tmp_path, "big", "uv.lock", index)
    edited = cut_numpy(
        (PROJECTS / "big" / "uv.lock").read_text(),
        keep=lambda line: "linux" in line and "musllinux" not in line,
    )
    marker = "supported-markers = [\"sys_platform == 'linux'\"]\n"
    both = edited.replace('requires-python = ">=3.11"\n', f'requires-python = ">=3.11"\n{marker}')
    copy.write_text(edited)
    (finding,) = lc309(verify(copy, index=index))
    assert "macOS" in finding["message"] and "musl Linux" in finding["message"]
    copy.write_text(both)
    (finding,) = lc309(verify(copy, index=index))  # musllinux is Linux too
    assert "musl Linux" in finding["message"]
    assert "macOS" not in finding["message"] and "Windows" not in finding["message"]
    marker = "supported-markers = [\"sys_platform == 'linux' and platform_machine == 'x86_64'\"]\n"
    copy.write_text(
        edited.replace('requires-python = ">=3.11"\n', f'requires-python = ">=3.11"\n{marker}')
    )
    (finding,) = lc309(verify(copy, index=index))
    assert "aarch64" not in finding["message"]


# --- poetry.lock, pylock.toml, pdm.lock, requirements files -----------------------------------

PYYAML_KEEP = (
    "pyyaml-6.0.3-cp312-cp312-manylinux2014_x86_64.manylinux_2_17_x86_64.manylinux_2_28_x86_64.whl"
)


CHARSET_KEEP = (
    "charset_normalizer-3.5.2-cp312-cp312-"
    "manylinux2014_x86_64.manylinux_2_17_x86_64.manylinux_2_28_x86_64.whl"
)


@pytest.mark.parametrize(
    ("project", "name", "package", "keep"),
    [
        ("data-tool", "poetry.lock", "pyyaml", PYYAML_KEEP),
        ("data-tool", "uv.lock", "pyyaml", PYYAML_KEEP),
        ("small-app", "pylock.toml", "charset-normalizer", CHARSET_KEEP),
    ],
)
def test_toml_locks_cut_to_one_wheel(
    server: HTTPServer, tmp_path: Path, project: str, name: str, package: str, keep: str
) -> None:
    index = FakeIndex(server)
    copy = served_copy(tmp_path, project, name, index)
    text = (PROJECTS / project / name).read_text()
    assert keep in text
    copy.write_text(cut_to_one_wheel(text, keep, package))
    (finding,) = lc309(verify(copy, index=index))
    assert finding["package"] == package
    assert "macOS arm64" in finding["message"] and "Windows amd64" in finding["message"]
    assert "cp312" in finding["message"] and "the lock hashes 1 of" in finding["message"]


def test_pdm_targets_are_what_is_judged(server: HTTPServer, tmp_path: Path) -> None:
    """pdm-cross targets manylinux x86_64 and Windows amd64: a macOS wheel on the index is
    not needed; cut to its Windows wheels, the Linux ones are."""
    index = FakeIndex(server)
    copy = served_copy(tmp_path, "pdm-cross", "pdm.lock", index)
    index.add_file(
        "charset-normalizer",
        "3.5.3",
        "charset_normalizer-3.5.3-cp312-cp312-macosx_10_13_universal2.whl",
        upload_time=None,
    )
    text = (PROJECTS / "pdm-cross" / "pdm.lock").read_text()
    no_sdist = SDIST_LINE.sub("", text)
    copy.write_text(no_sdist)
    assert lc309(verify(copy, index=index)) == []
    windows_only = "".join(
        line
        for line in no_sdist.splitlines(keepends=True)
        if not ("charset_normalizer-" in line and "win_amd64" not in line)
    )
    copy.write_text(windows_only)
    (finding,) = lc309(verify(copy, index=index))
    assert "Linux x86_64" in finding["message"]
    assert "macOS" not in finding["message"] and "Windows" not in finding["message"]


def requirements_for(index: FakeIndex, header: str, keep: str) -> str:
    digest = next(
        f.digests["sha256"] for f in index.projects["pyyaml"]["6.0.3"] if f.filename == keep
    )
    return f"{header}\npyyaml==6.0.3 \\\n    --hash=sha256:{digest}\n"


def written_by(command: str) -> str:
    """The header a tool writes, naming the command that wrote the file."""
    return f"# This file was autogenerated by a tool via the following command:\n#    {command}"


@pytest.mark.parametrize(
    ("header", "flagged"),
    [
        ("pip-compile --generate-hashes --output-file=requirements.txt", True),
        ("uv export -o requirements.txt", True),
        ("uv pip compile --universal --generate-hashes pyproject.toml", True),
        # the platform (and Python) the file was compiled for is all it targets
        (
            "uv pip compile --generate-hashes --python-platform x86_64-manylinux_2_28 "
            "--python-version 3.12 pyproject.toml",
            False,
        ),
        (
            "uv pip compile --generate-hashes --python-platform macos "
            "--python-version 3.12 pyproject.toml",
            True,
        ),
        # written by hand: maybe for the one platform its server runs
        ("", False),
    ],
)
def test_requirements_files_by_the_tool_that_wrote_them(
    server: HTTPServer, tmp_path: Path, header: str, flagged: bool
) -> None:
    index = FakeIndex(server)
    publish(index, PROJECTS / "data-tool" / "poetry.lock")
    lock = tmp_path / "requirements.txt"
    head = written_by(header) if header else "# the wheel our servers install"
    lock.write_text(requirements_for(index, head, PYYAML_KEEP))
    findings = lc309(verify(lock, index=index))
    assert bool(findings) is flagged
    if flagged:
        assert "macOS arm64" in findings[0]["message"]


def test_a_locked_sdist_installs_anywhere(server: HTTPServer, tmp_path: Path) -> None:
    """With the sdist's hash locked, every platform can build it: none fails."""
    index = FakeIndex(server)
    publish(index, PROJECTS / "data-tool" / "poetry.lock")
    files = {f.filename: f.digests["sha256"] for f in index.projects["pyyaml"]["6.0.3"]}
    (sdist,) = (d for name, d in files.items() if name.endswith(".tar.gz"))
    header = written_by("pip-compile --generate-hashes --output-file=requirements.txt")
    lock = tmp_path / "requirements.txt"
    lock.write_text(
        f"{header}\npyyaml==6.0.3 \\\n    --hash=sha256:{files[PYYAML_KEEP]} \\\n"
        f"    --hash=sha256:{sdist}\n"
    )
    assert lc309(verify(lock, index=index)) == []
    lock.write_text(requirements_for(index, header, PYYAML_KEEP))
    assert len(lc309(verify(lock, index=index))) == 1


def test_pipfile_lock_cut_to_one_hash(server: HTTPServer, tmp_path: Path) -> None:
    """Pipfile.lock names no files, only hashes: what they match on the index is what
    they cover."""
    import json

    index = FakeIndex(server)
    published = publish(index, PROJECTS / "pdm-cross" / "pdm.lock")
    keep = "charset_normalizer-3.5.3-cp312-cp312-win_amd64.whl"
    copy = tmp_path / "Pipfile.lock"
    shutil.copy(PROJECTS / "pipenv-app" / "Pipfile", tmp_path / "Pipfile")
    data = json.loads((PROJECTS / "pipenv-app" / "Pipfile.lock").read_text())
    entry = data["default"]["charset-normalizer"]
    assert entry["version"] == "==3.5.3" and f"sha256:{published[keep]}" in entry["hashes"]
    data["default"] = {"charset-normalizer": entry}
    copy.write_text(json.dumps(data, indent=4))
    assert lc309(verify(copy, index=index)) == []
    entry["hashes"] = [f"sha256:{published[keep]}"]
    copy.write_text(json.dumps(data, indent=4))
    (finding,) = lc309(verify(copy, index=index))
    assert finding["package"] == "charset-normalizer"
    assert "Linux x86_64" in finding["message"] and "cp312" in finding["message"]


# --- reading wheel tags and targets ------------------------------------------------------


def test_wheel_tags_to_platforms() -> None:
    from lockcheck.wheel_platforms import Slot, installs_anywhere, serves, slots, wheel_tags

    universal = slots("demo-1.0-cp312-cp312-macosx_10_13_universal2.whl")
    assert universal == {Slot("macos", "arm64", "cp312"), Slot("macos", "x86_64", "cp312")}
    assert slots("demo-1.0-cp313-cp313t-win_arm64.whl") == {Slot("windows", "arm64", "cp313t")}
    assert slots("demo-1.0-cp312-cp312-ios_13_0_arm64_iphoneos.whl") == frozenset()
    assert installs_anywhere("demo-1.0.tar.gz") and installs_anywhere("demo-1.0-py3-none-any.whl")
    assert not installs_anywhere("demo-1.0-cp312-cp312-win_amd64.whl")
    abi3 = wheel_tags("demo-1.0-cp39-abi3-manylinux_2_17_x86_64.whl") or frozenset()
    assert serves(abi3, Slot("linux", "x86_64", "cp313"))
    assert not serves(abi3, Slot("linux", "x86_64", "cp38"))
    assert not serves(abi3, Slot("musllinux", "x86_64", "cp313"))
    glibc = wheel_tags("demo-1.0-cp312-cp312-manylinux_2_28_aarch64.whl") or frozenset()
    assert serves(glibc, Slot("linux", "aarch64", "cp312"))  # any manylinux version
    assert not serves(glibc, Slot("linux", "aarch64", "cp312t"))


@pytest.mark.parametrize(
    ("target", "slot", "holds"),
    [
        (("windows_amd64", ">=3.10", ""), ("windows", "amd64", "cp312"), True),
        (("windows_amd64", ">=3.10", ""), ("windows", "amd64", "cp39"), False),
        (("macos_arm64", "", ""), ("macos", "arm64", "cp312"), True),
        (("macos_14_0_arm64", "", ""), ("macos", "x86_64", "cp312"), False),
        (("manylinux_2_40_x86_64", "", "cpython"), ("linux", "x86_64", "pp310"), False),
        (("manylinux_2_40_x86_64", "", ""), ("musllinux", "x86_64", "cp312"), False),
        (("", ">=3.11", ""), ("musllinux", "x86_64", "cp312"), True),
    ],
)
def test_pdm_targets(target: tuple[str, str, str], slot: tuple[str, str, str], holds: bool) -> None:
    from lockcheck.wheel_platforms import Slot, pdm_target_holds

    assert pdm_target_holds(*target, Slot(*slot)) is holds


@pytest.mark.parametrize(
    ("marker", "slot", "holds"),
    [
        ("sys_platform == 'linux'", ("musllinux", "aarch64", "cp312"), True),
        ("platform_machine == 'AMD64'", ("windows", "amd64", "cp312"), True),
        ("python_version < '3.12'", ("linux", "x86_64", "py3"), False),  # cannot tell
        ("platform_release >= '6'", ("linux", "x86_64", "cp312"), False),  # cannot tell
        ("extra == 'yaml' and os_name == 'nt'", ("windows", "x86", "cp312"), True),
    ],
)
def test_markers_hold_only_when_certain(
    marker: str, slot: tuple[str, str, str], holds: bool
) -> None:
    from lockcheck.wheel_platforms import Slot, marker_holds

    assert marker_holds(marker, Slot(*slot)) is holds
