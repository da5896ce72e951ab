"""LC002 missing-hash: an entry or artifact without a hash, in each format."""

from __future__ import annotations

from rules.conftest import (
    H1,
    UV_ROOT,
    Writer,
    check,
    poetry_lock,
    poetry_package,
    pylock,
    pylock_package,
    uv_lock,
    uv_package,
)
from support_requirements import codes

# --- requirements ----------------------------------------------------------------------


def test_requirements_missing_hash_points_at_the_entry(write: Writer) -> None:
    path = write("requirements.txt", f"a==1.0 --hash={H1}\n\nb==2.0\n")
    findings = check(path)
    assert codes(findings) == ["LC002"]
    assert findings[0].location.line == 3
    assert (findings[0].package, findings[0].version) == ("b", "2.0")


def test_requirements_url_requirement_needs_a_hash(write: Writer) -> None:
    url = "https://files.example.test/pkgs/foo-1.0-py3-none-any.whl"
    assert codes(check(write("requirements.txt", f"foo @ {url}\n"))) == ["LC002"]
    assert check(write("r2.txt", f"foo @ {url}#sha256={'c' * 64}\n")) == []
    assert check(write("r3.txt", f"foo @ {url} --hash={H1}\n")) == []


def test_requirements_silent_for_unpinned_entries(write: Writer) -> None:
    # An unpinned entry is LC001; adding a hash would not make it safe, so no LC002.
    assert codes(check(write("requirements.txt", "foo>=1\n"))) == ["LC001"]


def test_requirements_findings_in_included_file_point_at_it(write: Writer) -> None:
    base = write("requirements/base.txt", "six==1.16.0\n")
    path = write("requirements/dev.txt", f"-r base.txt\npytest==8.3.3 --hash={H1}\n")
    findings = check(path)
    assert [(f.code, f.location.path, f.location.line) for f in findings] == [
        ("LC002", str(base), 1)
    ]


# --- uv.lock ---------------------------------------------------------------------------


def test_uv_artifact_without_hash_points_at_it(write: Writer) -> None:
    path = write("uv.lock", uv_lock(UV_ROOT, uv_package(wheel_hash=None)))
    findings = check(path)
    assert codes(findings) == ["LC002"]
    line = path.read_text().splitlines()[findings[0].location.line - 1]  # type: ignore[operator]
    assert line.startswith("wheels = ")
    assert "six-1.16.0-py3-none-any.whl" in findings[0].message


# --- poetry.lock -----------------------------------------------------------------------


def test_poetry_clean_and_files_empty(write: Writer) -> None:
    assert check(write("poetry.lock", poetry_lock(poetry_package()))) == []
    path = write("b/poetry.lock", poetry_lock(poetry_package(files="[]")))
    findings = check(path)
    assert codes(findings) == ["LC002"]
    assert path.read_text().splitlines()[findings[0].location.line - 1] == "files = []"  # type: ignore[operator]


# --- pylock.toml -----------------------------------------------------------------------


def test_pylock_wheel_without_hash(write: Writer) -> None:
    assert codes(check(write("pylock.toml", pylock(pylock_package(hashes="{}"))))) == ["LC002"]
