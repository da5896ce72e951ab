"""LC003 weak-hash-algorithm: md5, sha1 and sha224 digests, in each format."""

from __future__ import annotations

import pytest

from rules.conftest import Writer, check, pylock, pylock_package, uv_lock, uv_package
from support_requirements import codes

# --- requirements ----------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["md5", "sha1", "sha224"])
def test_requirements_weak_algorithm(write: Writer, algorithm: str) -> None:
    length = {"md5": 32, "sha1": 40, "sha224": 56}[algorithm]
    path = write("requirements.txt", f"foo==1.0 --hash={algorithm}:{'0' * length}\n")
    assert codes(check(path)) == ["LC003"]


def test_requirements_weak_url_fragment(write: Writer) -> None:
    url = "https://files.example.test/foo-1.0.tar.gz#md5=" + "0" * 32
    assert codes(check(write("requirements.txt", f"foo @ {url}\n"))) == ["LC003"]


# --- uv.lock ---------------------------------------------------------------------------


def test_uv_md5_sdist(write: Writer) -> None:
    lock = uv_lock(uv_package(sdist_hash=f"md5:{'0' * 32}"))
    assert codes(check(write("uv.lock", lock))) == ["LC003"]


# --- poetry.lock -----------------------------------------------------------------------


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


# --- pylock.toml -----------------------------------------------------------------------


def test_pylock_md5(write: Writer) -> None:
    lock = pylock(pylock_package(hashes=f'{{ md5 = "{"0" * 32}" }}'))
    assert codes(check(write("pylock.toml", lock))) == ["LC003"]
