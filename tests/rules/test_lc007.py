"""LC007 unhashable-source: a directory or VCS dependency pip cannot hash-check."""

from __future__ import annotations

from rules.conftest import (
    H1,
    UV_ROOT,
    Writer,
    check,
    poetry_lock,
    poetry_package,
    uv_lock,
    uv_unhashed,
)
from support_requirements import codes

# --- requirements ----------------------------------------------------------------------


def test_requirements_directory_and_vcs(write: Writer) -> None:
    write("vendor/thing/pyproject.toml", "[project]\nname='thing'\nversion='1'\n")
    sha = "4f1c3bd0f4b2a2e6c7a5d90b8f26fcd1e6a8a3b7"
    findings = check(
        write(
            "requirements.txt",
            f"./vendor/thing\nmylib @ git+https://git.example.test/org/mylib@{sha}\n",
        )
    )
    assert codes(findings) == ["LC007", "LC007"]


def test_requirements_local_archive_is_hashable(write: Writer) -> None:
    write("dist/foo-1.0-py3-none-any.whl", b"PK")
    assert codes(check(write("requirements.txt", "./dist/foo-1.0-py3-none-any.whl\n"))) == ["LC002"]
    assert check(write("r2.txt", f"./dist/foo-1.0-py3-none-any.whl --hash={H1}\n")) == []


# --- uv.lock ---------------------------------------------------------------------------


def test_uv_directory_dependency(write: Writer) -> None:
    vendored = uv_unhashed("vendored", "1.0", '{ directory = "../vendored" }')
    assert codes(check(write("uv.lock", uv_lock(UV_ROOT, vendored)))) == ["LC007"]


def test_uv_workspace_members_from_manifest(write: Writer) -> None:
    member = uv_unhashed("core", "0.1.0", '{ directory = "/elsewhere/core" }')
    header = 'version = 1\nrevision = 3\n\n[manifest]\nmembers = ["app", "core"]\n'
    assert check(write("uv.lock", uv_lock(UV_ROOT, member, header=header))) == []


# --- poetry.lock -----------------------------------------------------------------------


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
