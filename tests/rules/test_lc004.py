"""LC004 malformed-hash: errors for hashes that can never match; a warning, not an error,
for an upper-case digest (pip 24.2 and later accept it, older pip refuses it)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from lockcheck.findings import Finding, Severity
from lockcheck.model import LockFormat
from rules.conftest import poetry_lock, poetry_package, pylock, pylock_package, uv_lock, uv_package
from support_requirements import check, codes

Writer = Callable[..., Path]
DIGEST = hashlib.sha256(b"alpha").hexdigest()


def lc004(findings: list[Finding]) -> list[tuple[Severity, str]]:
    return [(f.severity, f.message) for f in findings if f.code == "LC004"]


def test_upper_case_digest_is_a_warning(write: Writer) -> None:
    path = write("requirements.txt", f"alpha==1.0 --hash=sha256:{DIGEST.upper()}\n")
    [(severity, message)] = lc004(check(path))
    assert severity is Severity.WARNING
    assert "pip 24.2" in message and "refuses" in message


def test_mixed_case_with_a_real_error(write: Writer) -> None:
    mixed = DIGEST[:32] + DIGEST[32:].upper()
    text = f"alpha==1.0 --hash=sha256:{mixed} --hash=sha256:{DIGEST[:60]}\n"
    found = sorted(lc004(check(write("requirements.txt", text))))
    assert [s for s, _ in found] == [Severity.ERROR, Severity.WARNING]
    assert "60 hex digits" in found[0][1]


@pytest.mark.parametrize(
    "digest", [DIGEST, DIGEST[:63], "z" * 64], ids=["lower", "short", "not-hex"]
)
def test_upper_case_of_a_bad_digest_is_only_the_error(write: Writer, digest: str) -> None:
    path = write("requirements.txt", f"alpha==1.0 --hash=sha256:{digest.upper()}\n")
    expected = [Severity.WARNING] if digest == DIGEST else [Severity.ERROR]
    assert [s for s, _ in lc004(check(path))] == expected


def test_uv_lock(write: Writer) -> None:
    lock = (
        'version = 1\nrevision = 3\nrequires-python = ">=3.10"\n\n'
        '[[package]]\nname = "alpha"\nversion = "1.0"\n'
        'source = { registry = "https://index.example.test/simple" }\n'
        "wheels = [\n"
        '    { url = "https://files.example.test/alpha-1.0-py3-none-any.whl", '
        f'hash = "sha256:{DIGEST.upper()}" }},\n]\n'
    )
    found = lc004(check(write("uv.lock", lock), fmt=LockFormat.UV))
    assert [s for s, _ in found] == [Severity.WARNING]


@pytest.mark.parametrize(
    "hash_text",
    [
        "sha256:" + "a" * 63,  # one digit lost
        "sha256:" + "g" * 64,  # not hex
        "sha256:" + "A" * 64,  # pip compares lower-case hex
        "sha999:" + "a" * 64,  # no such algorithm
        "a" * 64,  # no algorithm at all
        "SHA256:" + "a" * 64,
    ],
)
def test_requirements_malformed(write: Writer, hash_text: str) -> None:
    assert "LC004" in codes(check(write("requirements.txt", f"foo==1.0 --hash={hash_text}\n")))


def test_requirements_each_bad_hash_reported(write: Writer) -> None:
    path = write(
        "requirements.txt",
        f"foo==1.0 --hash=sha256:abc --hash=sha256:{'a' * 64} --hash=sha256:xyz\n",
    )
    assert codes(check(path)) == ["LC004", "LC004"]


def test_uv_short_digest(write: Writer) -> None:
    lock = uv_lock(uv_package(sdist_hash="sha256:abc"))
    assert codes(check(write("uv.lock", lock), fmt=LockFormat.UV)) == ["LC004"]


def test_pylock_not_hex(write: Writer) -> None:
    lock = pylock(pylock_package(hashes='{ sha256 = "xyz" }'))
    assert codes(check(write("pylock.toml", lock), fmt=LockFormat.PYLOCK)) == ["LC004"]


def test_poetry_short_digest(write: Writer) -> None:
    files = '[\n    {file = "six-1.16.0.tar.gz", hash = "sha256:abc"},\n]'
    lock = poetry_lock(poetry_package(files=files))
    assert codes(check(write("poetry.lock", lock), fmt=LockFormat.POETRY)) == ["LC004"]
