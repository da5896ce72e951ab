"""The real fixtures: every file parses, the only findings are the true ones, and the
formats written from one project agree with each other (and pylock.toml with
packaging.pylock)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from conftest import FIXTURES, run_cli
from lockcheck.config import Settings
from lockcheck.discover import Target, discover
from lockcheck.engine import run
from lockcheck.model import Lockfile, LockFormat, SourceKind
from lockcheck.parsers import detect_format, parse_lockfile
from lockcheck.tomlcompat import toml_module
from rules.conftest import (
    H1,
    H2,
    UV_ROOT,
    Writer,
    check,
    pylock,
    pylock_package,
    uv_lock,
    uv_package,
)

PROJECTS = FIXTURES / "projects"
LOCKFILES = sorted(
    p
    for p in PROJECTS.rglob("*")
    if p.is_file() and detect_format(str(p)) is not None and "-src" not in str(p)
)

# The true findings on the real fixtures, each for a reason the design gives.
EXPECTED = {
    # uv export writes the project itself as `-e .`: pip refuses it in hash mode.
    **{
        f"{p}/requirements-export.txt:3": ["LC006"]
        for p in ("big", "data-tool", "git-dep", "private-index", "small-app", "workspace")
    },
    "workspace/requirements-export.txt:4": ["LC006"],
    "workspace/requirements-export.txt:6": ["LC006"],
    # pylock.toml: editable entries are always LC006 (pip refuses them when hashing).
    "data-tool/pylock.toml:36": ["LC006"],
    "git-dep/pylock.toml:14": ["LC006"],
    "private-index/pylock.toml:191": ["LC006"],
    "small-app/pylock.toml:206": ["LC006"],
    "workspace/pylock.toml:29": ["LC006"],
    "workspace/pylock.toml:33": ["LC006"],
    "workspace/pylock.toml:37": ["LC006"],
    # A git dependency cannot be hash-checked in any format.
    "git-dep/poetry.lock:15": ["LC007"],
    "git-dep/pylock.toml:18": ["LC007"],
    "git-dep/uv.lock:32": ["LC007"],
    "git-dep/requirements-export.txt:8": ["LC007"],
    # pip-compile keeps the tag the user wrote; uv and poetry record the commit.
    "git-dep/requirements.txt:13": ["LC007", "LC008"],
    # pip-compile writes the private index as --extra-index-url.
    "private-index/requirements.txt:7": ["LC102"],
    # pyproject.toml edited after locking; `poetry check --lock` and `uv lock --check`
    # say the same (fixtures/README.md).
    "stale/edited/poetry.lock:272": ["LC201"],
    "stale/edited/uv.lock:213": ["LC201"],
    # pip freeze output (UTF-16, as Windows PowerShell writes it) has no hashes.
    "pip-freeze-windows/requirements.txt:1": ["LC002"],
    "pip-freeze-windows/requirements.txt:2": ["LC002"],
    # pdm and pipenv: an editable local package and a git checkout cannot be hashed; the
    # edited manifests make the locks stale (`pdm lock --check`, `pipenv verify` agree).
    "pdm-app/pdm.lock:236": ["LC006"],
    "pdm-app/pdm.lock:273": ["LC007"],
    "pdm-stale/edited/pdm.lock:8": ["LC201"],
    "pipenv-app/Pipfile.lock:220": ["LC006"],
    "pipenv-app/Pipfile.lock:233": ["LC007"],
    "pipenv-stale/edited/Pipfile.lock:4": ["LC201"],
    # pipenv resolves only for the running Python (3.11): it wrote tomli, needed below
    # 3.11, as `"version": "*"` with no hashes (fixtures/README.md).
    "pipenv-stale/after/Pipfile.lock:221": ["LC001"],
    # uv-lc201: path and git sources cannot be hash-checked; each stale state is stale by uv too.
    **{
        f"uv-lc201/direct-sources/{s}/uv.lock:{line}": ["LC007"]
        for s in ("fresh", "stale", "respecified")
        for line in (27, 32)
    },
    **{f"uv-lc201/source-markers/{s}/uv.lock:14": ["LC007"] for s in ("fresh", "stale")},
    "uv-lc201/dev-dependencies/stale/uv.lock:29": ["LC201"],
    "uv-lc201/direct-sources/stale/uv.lock:37": ["LC201"],
    "uv-lc201/dynamic/stale/uv.lock:29": ["LC201"],
    "uv-lc201/group-requires-python/stale/uv.lock:34": ["LC201"],
    "uv-lc201/groups-only/stale/uv.lock:5": ["LC201"],
    "uv-lc201/include-group/stale/uv.lock:29": ["LC201"],
    "uv-lc201/self-extra/stale/uv.lock:29": ["LC201"],
    "uv-lc201/source-markers/stale/uv.lock:46": ["LC201"],
}


def test_every_fixture_is_found_and_parses() -> None:
    targets, errors = discover([str(PROJECTS)])
    assert errors == []
    assert sorted(Path(t.path) for t in targets) == LOCKFILES
    formats = Counter(t.format for t in targets)
    assert formats[LockFormat.UV] >= 6 and formats[LockFormat.POETRY] >= 5
    assert formats[LockFormat.PYLOCK] >= 5 and formats[LockFormat.REQUIREMENTS] >= 10


def test_only_true_findings_on_the_fixtures() -> None:
    targets = [Target(str(p), detect_format(str(p))) for p in LOCKFILES]  # type: ignore[arg-type]
    # As fixtures/lockcheck.toml says: the index the fixtures were rewritten to.
    settings = Settings(index_url="https://index.test/simple")
    report = run(targets, lambda _p: settings)
    assert report.errors == ()
    found: dict[str, list[str]] = {}
    for finding in report.findings:
        where = f"{Path(finding.location.path).relative_to(PROJECTS)}:{finding.location.line}"
        found.setdefault(where, []).append(finding.code)
    assert {k: sorted(v) for k, v in found.items()} == EXPECTED


def test_cli_on_the_whole_repository_fixtures() -> None:
    result = run_cli("check", "--format", "json", str(FIXTURES))
    assert result.exit_code == 1
    assert result.json["errors"] == []
    assert result.json["summary"]["findings"] == sum(len(v) for v in EXPECTED.values())


def parsed(path: Path) -> Lockfile:
    fmt = detect_format(str(path))
    assert fmt is not None
    return parse_lockfile(str(path), fmt)


def registry_pins(lock: Lockfile) -> set[tuple[str, str | None]]:
    return {
        (p.name, p.version)
        for p in lock.packages
        if not p.is_project and not p.source.editable and p.source.kind is SourceKind.REGISTRY
    }


def artifact_hashes(lock: Lockfile) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for package in lock.packages:
        found.setdefault(package.name, set()).update(str(h) for h in package.all_hashes)
    return found


UV_PROJECTS = ["small-app", "data-tool", "git-dep", "private-index", "workspace", "big"]


@pytest.mark.parametrize("project", UV_PROJECTS)
def test_uv_formats_agree(project: str) -> None:
    """uv.lock, uv's pylock.toml and uv export describe the same packages and hashes."""
    uv_lock = parsed(PROJECTS / project / "uv.lock")
    export = parsed(PROJECTS / project / "requirements-export.txt")
    assert registry_pins(export) <= registry_pins(uv_lock)
    uv_hashes = artifact_hashes(uv_lock)
    for package in export.packages:
        for h in package.all_hashes:
            assert str(h) in uv_hashes[package.name], (package.name, h)
    pylock_path = PROJECTS / project / "pylock.toml"
    if pylock_path.exists():
        pylock = parsed(pylock_path)
        assert registry_pins(pylock) <= registry_pins(uv_lock)
        assert registry_pins(pylock) == registry_pins(export)
        for name, hashes in artifact_hashes(pylock).items():
            assert hashes <= uv_hashes[name]


@pytest.mark.parametrize("project", ["small-app", "data-tool", "private-index"])
def test_pip_compile_and_uv_pip_compile_agree_on_names(project: str) -> None:
    compiled = parsed(PROJECTS / project / "requirements.txt")
    poetry = parsed(PROJECTS / project / "poetry.lock")
    assert {n for n, _ in registry_pins(compiled)} <= {n for n, _ in registry_pins(poetry)} | {
        "acme-internal"
    }


def test_uv_lock_workspace_members_are_projects() -> None:
    lock = parsed(PROJECTS / "workspace" / "uv.lock")
    projects = sorted(p.name for p in lock.packages if p.is_project)
    assert projects == ["ws-cli", "ws-core", "ws-root"]


def test_uv_git_source_records_commit() -> None:
    lock = parsed(PROJECTS / "git-dep" / "uv.lock")
    (tinyutil,) = [p for p in lock.packages if p.name == "tinyutil"]
    assert tinyutil.source.kind is SourceKind.VCS
    assert tinyutil.source.commit == "9e46d7c0098c1788b2584b4ff6aab8b4e3d9ad9c"
    assert tinyutil.source.url == "git+https://git.example.test/tinyutil.git"


def test_poetry_legacy_lock_reads_metadata_files() -> None:
    lock = parsed(PROJECTS / "poetry-legacy" / "poetry.lock")
    assert lock.format_version is not None and lock.format_version.value == "1.1"
    assert all(p.artifacts and all(a.hashes for a in p.artifacts) for p in lock.packages)


def test_poetry_private_source() -> None:
    lock = parsed(PROJECTS / "private-index" / "poetry.lock")
    (acme,) = [p for p in lock.packages if p.name == "acme-internal"]
    assert acme.source.url == "https://private.example.test/simple"
    settings = Settings(
        private_packages=("acme-*",), private_index="https://private.example.test/simple/"
    )
    report = run(
        [Target(str(PROJECTS / "private-index" / "poetry.lock"), LockFormat.POETRY)],
        lambda _p: settings,
    )
    assert [f.code for f in report.findings] == []


@pytest.mark.parametrize(
    "path", [p for p in LOCKFILES if p.name == "pylock.toml"], ids=lambda p: p.parent.name
)
def test_pylock_agrees_with_packaging(path: Path) -> None:
    """packaging.pylock is the reference reader: same names, versions, sources, hashes."""
    from packaging.markers import Marker
    from packaging.pylock import Pylock

    reference = Pylock.from_dict(toml_module().loads(path.read_text()))
    ours = parsed(path)
    assert len(reference.packages) == len(ours.packages)
    for theirs, mine in zip(reference.packages, ours.packages, strict=True):
        assert mine.name == theirs.name
        assert mine.version == (str(theirs.version) if theirs.version else None)
        mine_marker = str(Marker(mine.marker)) if mine.marker else None
        assert mine_marker == (str(theirs.marker) if theirs.marker else None)
        files = ([theirs.sdist] if theirs.sdist else []) + list(theirs.wheels or [])
        if theirs.archive:
            files.append(theirs.archive)
        assert [(a.url, dict(a.hashes)) for a in mine.artifacts] == [
            (f.url, dict(f.hashes)) for f in files
        ]
        if theirs.vcs:
            assert mine.source.commit == theirs.vcs.commit_id
        if theirs.directory:
            assert mine.source.editable is bool(theirs.directory.editable)


@pytest.mark.parametrize("lockfile", ["uv.lock", "poetry.lock"])
def test_stale_lock_matches_the_tools_verdict(lockfile: str) -> None:
    """Locks the tools wrote before and after an edit are fresh; the edited project with
    its old lock is stale, as `uv lock --check` and `poetry check --lock` said."""
    for state, stale in (("before", False), ("after", False), ("edited", True)):
        lock = parsed(PROJECTS / "stale" / state / lockfile)
        (manifest,) = lock.manifests
        assert (manifest.recorded != manifest.current) is stale, state
    edited = parsed(PROJECTS / "stale" / "edited" / lockfile)
    if lockfile == "uv.lock":
        (manifest,) = edited.manifests
        added = set(manifest.current) - set(manifest.recorded)
        removed = set(manifest.recorded) - set(manifest.current)
        assert {k.split(" ;")[0] for k in added} == {
            "requests>=2.32",
            "tomli>=2",
            "group dev: pytest>=8",
        }
        assert removed == {"requests>=2.31"}


# --- small inline locks written clean: no rule fires ----------------------------------


def test_inline_requirements_clean(write: Writer) -> None:
    path = write(
        "requirements.txt",
        f"--index-url https://index.example.test/simple\n"
        f"requests==2.32.3 \\\n    --hash={H1} \\\n    --hash={H2}\n"
        f"    # via -r requirements.in\n"
        f"colorama==0.4.6 ; sys_platform == 'win32' --hash={H1}\n",
    )
    assert check(path) == []


def test_inline_uv_clean(write: Writer) -> None:
    assert check(write("uv.lock", uv_lock(UV_ROOT, uv_package()))) == []


def test_inline_pylock_clean(write: Writer) -> None:
    assert check(write("pylock.toml", pylock(pylock_package()))) == []
