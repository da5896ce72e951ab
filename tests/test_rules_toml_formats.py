"""Each rule that applies to uv.lock, poetry.lock and pylock.toml, on small inline locks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from lockcheck.config import Settings
from lockcheck.discover import Target
from lockcheck.engine import run
from lockcheck.findings import Finding
from lockcheck.parsers import detect_format

Writer = Callable[..., Path]
INDEX = "https://index.example.test/simple"
FILES = "https://files.example.test/packages"
A = "a" * 64
B = "b" * 64


def check(path: Path, settings: Settings | None = None) -> list[Finding]:
    fmt = detect_format(str(path))
    assert fmt is not None
    # These inline locks hold entries that nothing requires (no real tool writes that):
    # LC204 is tested on real fixtures in tests/rules/test_lc204.py.
    chosen = settings or Settings()
    chosen = replace(chosen, ignore=(*chosen.ignore, "LC204"))
    report = run([Target(str(path), fmt)], lambda _p: chosen)
    assert not report.errors, report.errors
    return list(report.findings)


def codes(findings: list[Finding]) -> list[str]:
    return sorted(f.code for f in findings)


# --- uv.lock ---------------------------------------------------------------------------


def uv_package(
    name: str = "six",
    version: str = "1.16.0",
    *,
    source: str = f'{{ registry = "{INDEX}" }}',
    sdist_hash: str | None = f"sha256:{A}",
    wheel_hash: str | None = f"sha256:{B}",
    extra: str = "",
) -> str:
    lines = ["[[package]]", f'name = "{name}"', f'version = "{version}"', f"source = {source}"]
    lines += [extra] if extra else []
    if sdist_hash is not False:
        hash_part = f', hash = "{sdist_hash}"' if sdist_hash else ""
        lines.append(f'sdist = {{ url = "{FILES}/{name}-{version}.tar.gz"{hash_part}, size = 10 }}')
    if wheel_hash is not False:
        hash_part = f', hash = "{wheel_hash}"' if wheel_hash else ""
        lines.append(
            f'wheels = [{{ url = "{FILES}/{name}-{version}-py3-none-any.whl"{hash_part} }}]'
        )
    return "\n".join(lines) + "\n"


def uv_lock(*packages: str, header: str = "version = 1\nrevision = 3\n") -> str:
    return header + 'requires-python = ">=3.10"\n\n' + "\n".join(packages)


ROOT = uv_package("app", "0.1.0", source='{ editable = "." }', sdist_hash=False, wheel_hash=False)


def test_uv_clean(write: Writer) -> None:
    assert check(write("uv.lock", uv_lock(ROOT, uv_package()))) == []


def test_uv_lc002_artifact_without_hash_points_at_it(write: Writer) -> None:
    path = write("uv.lock", uv_lock(ROOT, uv_package(wheel_hash=None)))
    findings = check(path)
    assert codes(findings) == ["LC002"]
    line = path.read_text().splitlines()[findings[0].location.line - 1]  # type: ignore[operator]
    assert line.startswith("wheels = ")
    assert "six-1.16.0-py3-none-any.whl" in findings[0].message


@pytest.mark.parametrize(
    ("hash_text", "code"), [(f"md5:{'0' * 32}", "LC003"), ("sha256:abc", "LC004")]
)
def test_uv_lc003_lc004(write: Writer, hash_text: str, code: str) -> None:
    assert codes(check(write("uv.lock", uv_lock(uv_package(sdist_hash=hash_text))))) == [code]


def test_uv_lc005_disjoint_resolution_markers_are_not_a_conflict(write: Writer) -> None:
    old = uv_package(
        "numpy", "1.26.4", extra="resolution-markers = [\"python_full_version < '3.12'\"]"
    )
    new = uv_package(
        "numpy", "2.1.0", extra="resolution-markers = [\"python_full_version >= '3.12'\"]"
    )
    assert check(write("uv.lock", uv_lock(old, new))) == []
    both = uv_package("numpy", "2.1.0", extra="resolution-markers = [\"sys_platform == 'linux'\"]")
    assert codes(check(write("other/uv.lock", uv_lock(old, both)))) == ["LC005"]


def test_uv_lc006_only_for_editables_outside_the_workspace(write: Writer) -> None:
    member = uv_package(
        "core", "0.1.0", source='{ editable = "packages/core" }', sdist_hash=False, wheel_hash=False
    )
    outside = uv_package(
        "shared", "0.1.0", source='{ editable = "../shared" }', sdist_hash=False, wheel_hash=False
    )
    findings = check(write("uv.lock", uv_lock(ROOT, member, outside)))
    assert [(f.code, f.package) for f in findings] == [("LC006", "shared")]


def test_uv_workspace_members_from_manifest(write: Writer) -> None:
    member = uv_package(
        "core",
        "0.1.0",
        source='{ directory = "/elsewhere/core" }',
        sdist_hash=False,
        wheel_hash=False,
    )
    header = 'version = 1\nrevision = 3\n\n[manifest]\nmembers = ["app", "core"]\n'
    assert check(write("uv.lock", uv_lock(ROOT, member, header=header))) == []


def test_uv_lc007_and_lc008_for_git(write: Writer) -> None:
    sha = "4f1c3bd0f4b2a2e6c7a5d90b8f26fcd1e6a8a3b7"
    pinned = uv_package(
        "lib",
        "1.0",
        source=f'{{ git = "https://git.example.test/lib?tag=v1#{sha}" }}',
        sdist_hash=False,
        wheel_hash=False,
    )
    # uv records the resolved commit in the fragment: pinned, so LC007 only.
    assert codes(check(write("uv.lock", uv_lock(pinned)))) == ["LC007"]
    moving = uv_package(
        "lib",
        "1.0",
        source='{ git = "https://git.example.test/lib?branch=main" }',
        sdist_hash=False,
        wheel_hash=False,
    )
    findings = check(write("b/uv.lock", uv_lock(moving)))
    assert codes(findings) == ["LC007", "LC008"]
    assert "'main'" in next(f.message for f in findings if f.code == "LC008")


def test_uv_lc007_directory_dependency(write: Writer) -> None:
    vendored = uv_package(
        "vendored",
        "1.0",
        source='{ directory = "../vendored" }',
        sdist_hash=False,
        wheel_hash=False,
    )
    assert codes(check(write("uv.lock", uv_lock(ROOT, vendored)))) == ["LC007"]


def test_uv_url_rules(write: Writer) -> None:
    insecure = uv_package(source='{ registry = "http://index.example.test/simple" }')
    assert "LC101" in codes(check(write("uv.lock", uv_lock(insecure))))
    leaky = uv_package(source='{ registry = "https://u:hunter2@index.example.test/simple" }')
    findings = check(write("b/uv.lock", uv_lock(leaky)))
    assert "LC104" in codes(findings)
    assert all("hunter2" not in f.message for f in findings)
    allowed = Settings(allowed_hosts=("index.example.test",))
    lc105 = [
        f for f in check(write("c/uv.lock", uv_lock(uv_package())), allowed) if f.code == "LC105"
    ]
    assert sorted(f.message for f in lc105) == [
        f"artifact {FILES}/six-1.16.0-py3-none-any.whl: host files.example.test is not in "
        "allowed-hosts",
        f"artifact {FILES}/six-1.16.0.tar.gz: host files.example.test is not in allowed-hosts",
    ]


def test_uv_lc106_private_package_from_public_index(write: Writer) -> None:
    private = Settings(private_packages=("acme-*",), private_index="https://pypi.acme.test/simple/")
    good = uv_package(
        "acme-billing", "1.0", source='{ registry = "https://pypi.acme.test/simple" }'
    ).replace(FILES, "https://pypi.acme.test/files")  # served by its own index (LC107)
    bad = uv_package("acme-ledger", "2.0")
    findings = check(write("uv.lock", uv_lock(good, bad)), private)
    assert [(f.code, f.package) for f in findings] == [("LC106", "acme-ledger")]


def test_uv_lc202_newer_version_is_still_checked(write: Writer) -> None:
    path = write("uv.lock", uv_lock(uv_package(wheel_hash=None), header="version = 2\n"))
    findings = check(path)
    assert codes(findings) == ["LC002", "LC202"]
    assert next(f for f in findings if f.code == "LC202").location.line == 1


def test_uv_lc201_stale(write: Writer) -> None:
    root = ROOT + '\n[package.metadata]\nrequires-dist = [{ name = "six", specifier = ">=1.16" }]\n'
    write(
        "pyproject.toml",
        '[project]\nname = "app"\nversion = "0.1.0"\ndependencies = ["six>=1.16"]\n',
    )
    path = write("uv.lock", uv_lock(root, uv_package()))
    assert check(path) == []
    write(
        "pyproject.toml",
        '[project]\nname = "app"\nversion = "0.1.0"\ndependencies = ["six>=1.16", "attrs"]\n',
    )
    findings = check(path)
    assert codes(findings) == ["LC201"]
    assert "attrs" in findings[0].message


def test_uv_lc201_marker_rewrites_are_not_changes(write: Writer) -> None:
    # uv writes python_version markers as python_full_version and drops what
    # requires-python already implies.
    root = ROOT + (
        "\n[package.metadata]\nrequires-dist = [\n"
        '    { name = "tomli", marker = "python_full_version < \'3.11\'" },\n'
        '    { name = "pytest", marker = "extra == \'test\'" },\n]\n'
        'provides-extras = ["test"]\n'
    )
    write(
        "pyproject.toml",
        '[project]\nname = "app"\nversion = "0.1.0"\n'
        "dependencies = [\"tomli; python_version < '3.11' and python_version >= '3.8'\"]\n"
        '[project.optional-dependencies]\ntest = ["pytest"]\n',
    )
    assert check(write("uv.lock", uv_lock(root))) == []


# --- poetry.lock -----------------------------------------------------------------------


def poetry_package(
    name: str = "six", version: str = "1.16.0", files: str | None = None, extra: str = ""
) -> str:
    if files is None:
        files = (
            f'[\n    {{file = "{name}-{version}-py3-none-any.whl", hash = "sha256:{A}"}},\n'
            f'    {{file = "{name}-{version}.tar.gz", hash = "sha256:{B}"}},\n]'
        )
    return (
        f'[[package]]\nname = "{name}"\nversion = "{version}"\ndescription = ""\n'
        f'optional = false\npython-versions = "*"\ngroups = ["main"]\nfiles = {files}\n'
        f"{extra}\n"
    )


def poetry_lock(*packages: str, version: str = "2.1", content_hash: str = "0" * 64) -> str:
    return (
        "# This file is automatically @generated by Poetry 2.5.1 and should not be changed "
        "by hand.\n\n"
        + "\n".join(packages)
        + f'\n[metadata]\nlock-version = "{version}"\npython-versions = ">=3.10"\n'
        f'content-hash = "{content_hash}"\n'
    )


def test_poetry_clean_and_files_empty(write: Writer) -> None:
    assert check(write("poetry.lock", poetry_lock(poetry_package()))) == []
    path = write("b/poetry.lock", poetry_lock(poetry_package(files="[]")))
    findings = check(path)
    assert codes(findings) == ["LC002"]
    assert path.read_text().splitlines()[findings[0].location.line - 1] == "files = []"  # type: ignore[operator]


def test_poetry_sources(write: Writer) -> None:
    sha = "4f1c3bd0f4b2a2e6c7a5d90b8f26fcd1e6a8a3b7"
    git = poetry_package(
        "lib",
        "1.0",
        files="[]",
        extra=(
            '\n[package.source]\ntype = "git"\nurl = "https://git.example.test/lib.git"\n'
            f'reference = "v1"\nresolved_reference = "{sha}"\n'
        ),
    )
    local = poetry_package(
        "shared",
        "0.1",
        files="[]",
        extra='develop = true\n\n[package.source]\ntype = "directory"\nurl = "../shared"\n',
    )
    private = poetry_package(
        "acme-billing",
        "1.0",
        extra=(
            '\n[package.source]\ntype = "legacy"\nurl = "http://pypi.acme.test/simple"\n'
            'reference = "acme"\n'
        ),
    )
    findings = check(write("poetry.lock", poetry_lock(git, local, private)))
    assert sorted((f.code, f.package or "") for f in findings) == [
        ("LC006", "shared"),
        ("LC007", "lib"),
        ("LC101", ""),
    ]


def test_poetry_lc106(write: Writer) -> None:
    settings = Settings(private_packages=("acme-*",), private_index="https://pypi.acme.test/simple")
    from_public = poetry_package("acme-billing", "1.0")
    findings = check(write("poetry.lock", poetry_lock(from_public)), settings)
    assert codes(findings) == ["LC106"]
    assert "default index" in findings[0].message


def test_poetry_legacy_metadata_files(write: Writer) -> None:
    text = (
        '[[package]]\nname = "six"\nversion = "1.16.0"\ndescription = ""\n'
        'category = "main"\noptional = false\npython-versions = "*"\n\n'
        '[metadata]\nlock-version = "1.1"\npython-versions = "*"\n'
        f'content-hash = "{"0" * 64}"\n\n[metadata.files]\nsix = [\n'
        f'    {{file = "six-1.16.0.tar.gz", hash = "md5:{"0" * 32}"}},\n]\n'
    )
    path = write("poetry.lock", text)
    findings = check(path)
    assert codes(findings) == ["LC003"]
    assert (
        findings[0].location.line
        == text.splitlines().index(f'    {{file = "six-1.16.0.tar.gz", hash = "md5:{"0" * 32}"}},')
        + 1
    )


@pytest.mark.parametrize(("version", "newer"), [("2.1", False), ("2.2", True), ("3.0", True)])
def test_poetry_lc202(write: Writer, version: str, newer: bool) -> None:
    findings = check(write("poetry.lock", poetry_lock(poetry_package(), version=version)))
    assert ("LC202" in codes(findings)) is newer


# --- pylock.toml -----------------------------------------------------------------------


def pylock(*packages: str, version: str = "1.0") -> str:
    return f'lock-version = "{version}"\ncreated-by = "test"\n\n' + "\n".join(packages)


def pylock_package(
    name: str = "six",
    version: str = "1.16.0",
    hashes: str = f'{{ sha256 = "{A}" }}',
    body: str | None = None,
) -> str:
    if body is None:
        body = (
            f'index = "{INDEX}"\n'
            f'wheels = [{{ url = "{FILES}/{name}-{version}-py3-none-any.whl", hashes = {hashes} }}]'
        )
    return f'[[packages]]\nname = "{name}"\nversion = "{version}"\n{body}\n'


def test_pylock_clean(write: Writer) -> None:
    assert check(write("pylock.toml", pylock(pylock_package()))) == []


@pytest.mark.parametrize(
    ("hashes", "code"),
    [("{}", "LC002"), (f'{{ md5 = "{"0" * 32}" }}', "LC003"), ('{ sha256 = "xyz" }', "LC004")],
)
def test_pylock_hash_rules(write: Writer, hashes: str, code: str) -> None:
    assert codes(check(write("pylock.toml", pylock(pylock_package(hashes=hashes))))) == [code]


def test_pylock_sources(write: Writer) -> None:
    editable = pylock_package("app", "0.1", body='directory = { path = ".", editable = true }')
    vcs = pylock_package(
        "lib",
        "1.0",
        body=(
            'vcs = { type = "git", url = "https://git.example.test/lib.git", '
            'requested-revision = "main" }'
        ),
    )
    findings = check(write("pylock.toml", pylock(editable, vcs)))
    # pip refuses editables in hash mode: in pylock.toml even the project's own is flagged.
    assert sorted((f.code, f.package) for f in findings) == [
        ("LC006", "app"),
        ("LC007", "lib"),
        ("LC008", "lib"),
    ]


@pytest.mark.parametrize(("version", "newer"), [("1.0", False), ("1.1", True), ("2.0", True)])
def test_pylock_lc202(write: Writer, version: str, newer: bool) -> None:
    findings = check(write("pylock.toml", pylock(pylock_package(), version=version)))
    assert ("LC202" in codes(findings)) is newer


# --- bad input -------------------------------------------------------------------------

BAD = [
    (
        "uv.lock",
        'version = 1\n[[package]]\nname = "six"\nversion = \n',
        r"uv\.lock:4: error: invalid TOML",
    ),
    (
        "uv.lock",
        'version = 1\npackage = "six"\n',
        r"uv\.lock: error: uv\.lock: 'package' must be an array",
    ),
    ("uv.lock", "revision = 3\n", r"uv\.lock: error: uv\.lock: missing required key 'version'"),
    (
        "uv.lock",
        'version = 1\n\n[[package]]\nversion = "1.0"\nsource = { registry = "x" }\n',
        r"uv\.lock:3: error: .*missing required key 'name'",
    ),
    (
        "uv.lock",
        'version = 1\n\n[[package]]\nname = "six"\nsource = { svn = "x" }\n',
        r"uv\.lock:3: error: package 'six': unknown source kind \(svn\)",
    ),
    (
        "uv.lock",
        'version = 1\n\n[[package]]\nname = "six"\nsource = { registry = 3 }\n',
        r"uv\.lock:3: error: .*'registry' must be a string, not an integer",
    ),
    (
        "poetry.lock",
        '[[package]]\nname = "six"\nversion = "1"\n[package.source]\ntype = "svn"\n'
        '[metadata]\nlock-version = "2.1"\n',
        r"poetry\.lock:1: error: package 'six': unknown source type 'svn'",
    ),
    (
        "poetry.lock",
        '[[package]]\nname = "six"\nversion = "1"\n',
        r"poetry\.lock: error: .*\[metadata\]",
    ),
    (
        "pylock.toml",
        'lock-version = "1.0"\n[[packages]]\nname = "six"\n',
        r"pylock\.toml:2: error: package 'six': no source",
    ),
    ("pylock.toml", 'lock-version = "one"\n', r"pylock\.toml: error: .*not a version number"),
    ("uv.lock", "\x00\x01binary", r"uv\.lock:1: error: binary data"),
]


@pytest.mark.parametrize(("name", "text", "expected"), BAD)
def test_bad_toml_is_one_line_exit_2(write: Writer, name: str, text: str, expected: str) -> None:
    import re

    from conftest import run_cli

    path = write(f"bad/{name}", text)
    other = write("good/requirements.txt", "six==1.16.0\n")
    result = run_cli("check", str(path), str(other))
    assert result.exit_code == 2
    assert re.fullmatch(r"bad/" + expected + r"[^\n]*\n", result.stderr), result.stderr
    assert "LC002" in result.stdout  # the other file is still checked
