"""LC203 missing-dependency: real uv, poetry and pdm locks, and copies with one edit."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from conftest import run_cli
from lockcheck.config import Settings
from lockcheck.discover import Target
from lockcheck.engine import run
from lockcheck.findings import Finding
from lockcheck.lock_environments import targets
from lockcheck.markers import environments
from lockcheck.model import Lockfile, LockFormat
from lockcheck.parsers import detect_format
from pip_oracle_support import write_wheel
from support_graph_edits import (
    FIXTURES,
    copy_project,
    edit,
    line_of,
    without_package,
)
from support_index_env import isolated_index_env, run_verify, verify_timeout  # noqa: F401 (fixtures)
from support_metadata_index import MetadataIndex, metadata_from_uv_lock, metadata_text

REAL_LOCKS = sorted(
    p.relative_to(FIXTURES).as_posix()
    for pattern in ("**/uv.lock", "**/poetry.lock", "**/pdm.lock")
    for p in FIXTURES.glob(pattern)
)


def findings(path: Path, code: str = "LC203") -> list[Finding]:
    fmt = detect_format(str(path))
    assert fmt is not None
    report = run([Target(str(path), fmt)], lambda _p: Settings(select=(code,)))
    assert not report.errors, report.errors
    return list(report.findings)


def removed(tmp_path: Path, project: str, lock: str, name: str) -> Path:
    path = copy_project(project, tmp_path, lock)
    path.write_text(without_package(path.read_text(), name))
    return path


def test_the_real_locks_are_many() -> None:
    assert len(REAL_LOCKS) > 30


@pytest.mark.parametrize("lock", REAL_LOCKS)
def test_no_finding_on_a_lock_a_tool_wrote(lock: str) -> None:
    assert findings(FIXTURES / lock) == []


# --- uv.lock ---------------------------------------------------------------------------


def test_uv_dependency_removed_is_reported_at_its_dependent(tmp_path: Path) -> None:
    path = removed(tmp_path, "workspace", "uv.lock", "colorama")
    [finding] = findings(path)
    assert finding.package == "click"
    assert finding.location.line == line_of(path, 'name = "click"') - 1
    assert "colorama" in finding.message and "win32" in finding.message


def test_uv_dependency_of_several_entries_is_reported_on_each(tmp_path: Path) -> None:
    path = removed(tmp_path, "workspace", "uv.lock", "attrs")
    assert sorted(f.package or "" for f in findings(path)) == ["ws-core", "ws-root"]


def test_uv_dependency_only_for_an_environment_the_lock_excludes(tmp_path: Path) -> None:
    """colorama is needed on Windows only; a lock for Linux only does not need it."""
    path = removed(tmp_path, "workspace", "uv.lock", "colorama")
    edit(
        path,
        'requires-python = ">=3.10"\n',
        'requires-python = ">=3.10"\nsupported-markers = ["sys_platform == \'linux\'"]\n',
    )
    assert findings(path) == []


def test_uv_optional_dependency_counts_when_its_extra_is_asked(tmp_path: Path) -> None:
    path = removed(tmp_path, "data-tool", "uv.lock", "h2")
    [finding] = findings(path)
    assert finding.package == "httpx" and "h2" in finding.message
    assert "'http2'" in finding.message


def test_uv_optional_dependency_of_an_extra_nobody_asks(tmp_path: Path) -> None:
    path = removed(tmp_path, "data-tool", "uv.lock", "h2")
    edit(path, '{ name = "httpx", extra = ["http2"] },', '{ name = "httpx" },')
    assert findings(path) == []


# --- poetry.lock -----------------------------------------------------------------------


def test_poetry_dependency_removed(tmp_path: Path) -> None:
    path = removed(tmp_path, "small-app", "poetry.lock", "idna")
    [finding] = findings(path)
    assert finding.package == "requests" and "idna" in finding.message
    assert finding.location.line == line_of(path, 'name = "requests"') - 1


def test_poetry_optional_dependency_of_an_asked_extra(tmp_path: Path) -> None:
    path = removed(tmp_path, "data-tool", "poetry.lock", "h2")
    [finding] = findings(path)
    assert finding.package == "httpx" and "'http2'" in finding.message


def test_poetry_dependency_for_pythons_the_lock_excludes(tmp_path: Path) -> None:
    """exceptiongroup and tomli are needed below Python 3.11 only."""
    path = removed(tmp_path, "data-tool", "poetry.lock", "exceptiongroup")
    assert {f.package for f in findings(path)} == {"anyio", "pytest"}
    edit(
        path,
        '[metadata]\nlock-version = "2.1"\npython-versions = ">=3.10"',
        '[metadata]\nlock-version = "2.1"\npython-versions = ">=3.11"',
    )
    assert findings(path) == []


# --- pdm.lock --------------------------------------------------------------------------


def test_pdm_dependency_removed(tmp_path: Path) -> None:
    path = removed(tmp_path, "pdm-app", "pdm.lock", "urllib3")
    [finding] = findings(path)
    assert finding.package == "requests" and "urllib3" in finding.message


def test_pdm_dependency_for_a_target_platform(tmp_path: Path) -> None:
    path = removed(tmp_path, "pdm-cross", "pdm.lock", "colorama")
    [finding] = findings(path)
    assert finding.package == "click" and "win32" in finding.message


def test_pdm_dependency_for_a_platform_the_targets_exclude(tmp_path: Path) -> None:
    path = removed(tmp_path, "pdm-cross", "pdm.lock", "colorama")
    edit(path, 'platform = "windows_amd64"', 'platform = "manylinux_2_40_aarch64"')
    assert findings(path) == []


# --- with --verify: requirements files, from core metadata ------------------------------


def verified(path: Path, index: MetadataIndex) -> dict[str, Any]:
    result = run_verify("--index-url", index.url, str(path), select="LC203")
    assert result.exit_code in (0, 1, 3), result.stdout + result.stderr  # 3: unverified
    return dict(json.loads(result.stdout))


def lc203(report: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((f["package"], f["message"]) for f in report["findings"] if f["code"] == "LC203")


def small_app_index(server: HTTPServer, mode: str) -> MetadataIndex:
    """The releases of small-app, with METADATA built from the edges uv recorded."""
    index = MetadataIndex(server, mode=mode)
    index.add_from_uv_lock(FIXTURES / "small-app" / "uv.lock")
    for (name, version), text in metadata_from_uv_lock(FIXTURES / "small-app" / "uv.lock").items():
        index.set_metadata(name, version, text)
    return index


@pytest.mark.usefixtures("verify_timeout")
@pytest.mark.parametrize("mode", ["json", "simple-json", "simple-html"])
def test_verify_real_requirements_file_complete_and_cut(
    server: HTTPServer, tmp_path: Path, mode: str
) -> None:
    """uv pip compile --python-version 3.11 wrote it; without idna, requests lacks it."""
    index = small_app_index(server, mode)
    source = FIXTURES / "small-app" / "requirements-uv.txt"
    assert lc203(verified(source, index)) == []
    cut = tmp_path / "requirements.txt"
    cut.write_text(re.sub(r"(?ms)^idna==.*?(?=^\S)", "", source.read_text()))
    [(package, message)] = lc203(verified(cut, index))
    assert package == "requests" and "idna" in message
    if mode != "json":  # the PEP 658 file was read, beside a wheel
        assert any(p.endswith(".whl.metadata") for p in index.paths())


@pytest.mark.usefixtures("verify_timeout")
def test_verify_metadata_that_does_not_match_its_hash_is_not_read(
    server: HTTPServer, tmp_path: Path
) -> None:
    index = small_app_index(server, "simple-json")
    requests_text = index.metadata[("requests", "2.34.2")]
    index.set_metadata("requests", "2.34.2", requests_text, announce="0" * 64)
    source = FIXTURES / "small-app" / "requirements-uv.txt"
    cut = tmp_path / "requirements.txt"
    cut.write_text(re.sub(r"(?ms)^idna==.*?(?=^\S)", "", source.read_text()))
    report = verified(cut, index)
    assert lc203(report) == []
    assert any("does not match its published sha256" in n["message"] for n in report["notes"])


# --- pip's verdict agrees ---------------------------------------------------------------


def pip_accepts(requirements: Path, dists: Path) -> tuple[bool, str]:
    drop = ("PIP_", "NO_PROXY", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(drop)}
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        env[name] = env[name.lower()] = "http://127.0.0.1:9"  # never the network
    env |= {"PIP_CONFIG_FILE": os.devnull, "PIP_NO_INPUT": "1"}
    command = [sys.executable, "-m", "pip", "install", "--isolated", "--dry-run", "--no-index"]
    command += ["--no-cache-dir", "--disable-pip-version-check", "--find-links", str(dists)]
    command += ["--ignore-installed", "--target", str(requirements.parent / "target")]
    command += ["--require-hashes", "-r", str(requirements)]
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    return proc.returncode == 0, proc.stdout + proc.stderr


TINY = {
    # alpha needs beta, and delta for its extra `fast`; never epsilon (Python 2 only).
    ("alpha", "1.0"): ["beta>=1.0", 'delta; extra == "fast"', 'epsilon; python_version < "3"'],
    ("beta", "1.0"): [],
    ("delta", "1.0"): [],
}
PIP_CASES = {
    "complete": (["alpha", "beta"], "", []),
    "dependency missing": (["alpha"], "", [("alpha", "beta")]),
    "extra asked, its dependency missing": (["alpha", "beta"], "fast", [("alpha", "delta")]),
    "extra asked and complete": (["alpha", "beta", "delta"], "fast", []),
}


@pytest.mark.usefixtures("verify_timeout")
@pytest.mark.parametrize("case", list(PIP_CASES))
def test_verify_agrees_with_pip_in_hash_mode(server: HTTPServer, tmp_path: Path, case: str) -> None:
    names, extra, expected = PIP_CASES[case]
    dists = tmp_path / "dists"
    dists.mkdir()
    index = MetadataIndex(server, mode="simple-json")
    digests = {}
    for (name, version), requires in TINY.items():
        text = metadata_text(name, version, requires)
        filename = write_wheel(str(dists), text, {f"{name}/__init__.py": ""})
        digests[name] = hashlib.sha256((dists / filename).read_bytes()).hexdigest()
        index.add_file(name, version, filename, digests[name])
        index.set_metadata(name, version, text)
    lines = [
        f"{name}{f'[{extra}]' if extra and name == 'alpha' else ''}==1.0 "
        f"--hash=sha256:{digests[name]}"
        for name in names
    ]
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(
        "# This file was autogenerated by uv via the following command:\n"
        "#    uv pip compile --universal --generate-hashes requirements.in\n"
        + "\n".join(lines)
        + "\n"
    )
    accepted, output = pip_accepts(requirements, dists)
    assert accepted == (not expected), output
    if not accepted:
        # pip names the dependency it has no pinned, hashed line for
        assert "ERROR: In --require-hashes mode" in output and expected[0][1] in output
    found = [(p, m) for p, m in lc203(verified(requirements, index))]
    assert [
        (p, next(n for n in ("beta", "delta", "epsilon") if n in m)) for p, m in found
    ] == expected


VERIFIED_FILES = [
    f"{project}/{name}"
    for project in ("small-app", "data-tool", "private-index", "workspace", "git-dep", "big")
    for name in sorted(p.name for p in (FIXTURES / project).iterdir())
    if (name.startswith("requirements") and name.endswith(".txt")) or name == "pylock.toml"
]


@pytest.mark.usefixtures("verify_timeout")
@pytest.mark.parametrize("relative", VERIFIED_FILES)
def test_verify_no_finding_on_files_the_tools_wrote(server: HTTPServer, relative: str) -> None:
    """Every requirements file and pylock.toml of a project, against the releases and
    dependencies its uv.lock records (the same resolution)."""
    project = relative.split("/")[0]
    index = MetadataIndex(server, mode="json")
    lock = FIXTURES / project / "uv.lock"
    index.add_from_uv_lock(lock)
    for (name, version), text in metadata_from_uv_lock(lock).items():
        index.set_metadata(name, version, text)
    report = verified(FIXTURES / relative, index)
    assert lc203(report) == []


@pytest.mark.usefixtures("verify_timeout")
def test_verify_pylock_dependency_removed(server: HTTPServer, tmp_path: Path) -> None:
    index = small_app_index(server, "json")
    text = (FIXTURES / "small-app" / "pylock.toml").read_text()
    cut = tmp_path / "pylock.toml"
    cut.write_text(
        re.sub(r'(?ms)^\[\[packages\]\]\nname = "idna".*?(?=^\[\[packages\]\])', "", text)
    )
    [(package, message)] = lc203(verified(cut, index))
    assert package == "requests" and "idna" in message


@pytest.mark.usefixtures("verify_timeout")
def test_verify_pipfile_lock_for_the_running_interpreter(
    server: HTTPServer, tmp_path: Path
) -> None:
    """pipenv records no target: judged for this interpreter, and a note says so."""
    index = small_app_index(server, "json")
    for name, version in (("certifi", "2026.10.19.post1"), ("charset-normalizer", "3.5.3")):
        index.add_release(name, version)  # pipenv-app's versions; they require nothing
        index.set_metadata(name, version, metadata_text(name, version, []))
    data = json.loads((FIXTURES / "pipenv-app" / "Pipfile.lock").read_text())
    complete = tmp_path / "complete" / "Pipfile.lock"
    complete.parent.mkdir()
    complete.write_text(json.dumps(data, indent=4))
    report = verified(complete, index)
    assert lc203(report) == []
    assert any("running interpreter" in n["message"] for n in report["notes"])
    del data["default"]["idna"]
    cut = tmp_path / "cut" / "Pipfile.lock"
    cut.parent.mkdir()
    cut.write_text(json.dumps(data, indent=4))
    [(package, message)] = lc203(verified(cut, index))
    assert package == "requests" and "idna" in message


@pytest.mark.usefixtures("verify_timeout")
def test_verify_metadata_is_cached(server: HTTPServer) -> None:
    index = small_app_index(server, "simple-json")
    source = FIXTURES / "small-app" / "requirements-uv.txt"
    verified(source, index)
    assert any(p.endswith(".metadata") for p in index.paths())
    index.reset_log()
    verified(source, index)
    assert not any(p.endswith(".metadata") for p in index.paths())


@pytest.mark.usefixtures("verify_timeout")
def test_verify_fetches_no_metadata_without_lc203(server: HTTPServer) -> None:
    index = small_app_index(server, "simple-json")
    result = run_cli(
        "check",
        "--verify",
        "--no-progress",
        "--format",
        "json",
        "--select",
        "LC301",
        "--index-url",
        index.url,
        str(FIXTURES / "small-app" / "requirements-uv.txt"),
    )
    assert json.loads(result.stdout)["errors"] == []
    assert index.paths() and not any(p.endswith(".metadata") for p in index.paths())


def envs_for(command: str | None) -> tuple[set[tuple[str, str]], str | None]:
    lock = Lockfile("requirements.txt", LockFormat.REQUIREMENTS, (), generated_by=command)
    found = targets(lock)
    chosen = {
        (env["sys_platform"], env["python_version"])
        for i, env in enumerate(environments())
        if found.bits >> i & 1
    }
    return chosen, found.note


def test_environments_from_the_header() -> None:
    universal, note = envs_for("uv pip compile --universal --python-version 3.10 r.in")
    assert ("win32", "3.10") in universal and ("darwin", "3.14") in universal
    assert ("linux", "3.9") not in universal and note is None
    one, note = envs_for("uv pip compile --python-version 3.12 --python-platform windows r.in")
    assert one == {("win32", "3.12")} and note is None
    running = f"{sys.version_info[0]}.{sys.version_info[1]}"
    here, note = envs_for("pip-compile --generate-hashes r.in")
    assert here == {(sys.platform, running)} and note and "running interpreter" in note
    export, note = envs_for("uv export -o requirements.txt")
    assert ("win32", running) in export and note and "universal" in note


@pytest.mark.parametrize(
    ("groups", "expected"), [('["main", "typing"]', []), ('["main"]', ["LC203"])]
)
def test_poetry_group_without_a_marker_installs_everywhere(
    tmp_path: Path, groups: str, expected: list[str]
) -> None:
    # As in poetry's own lock: typing-extensions is limited to Python < 3.13 for `main`,
    # and unconditional for `typing` (a group the markers table leaves out), where mypy
    # needs it on Python 3.15 too.
    from rules.conftest import check, poetry_lock, poetry_package

    mypy = poetry_package(
        "mypy",
        "1.20.2",
        extra="[package.dependencies]\ntyping_extensions = [\n"
        '    {version = ">=4.6.0", markers = "python_version < \\"3.15\\""},\n'
        '    {version = ">=4.14.0", markers = "python_version >= \\"3.15\\""},\n]',
    ).replace('groups = ["main"]', 'groups = ["typing"]')
    typing_extensions = poetry_package(
        "typing-extensions",
        "4.15.0",
        extra='markers = {main = "python_version < \\"3.13\\""}',
    ).replace('groups = ["main"]', f"groups = {groups}")
    path = tmp_path / "poetry.lock"
    path.write_text(poetry_lock(mypy, typing_extensions))
    found = [f.code for f in check(path) if f.code == "LC203"]
    assert found == expected
