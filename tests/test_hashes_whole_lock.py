"""hashes.all_plain_sha256: the one check that lets LC003/LC004 skip a whole common lock.
It must say no to anything either rule would flag."""

from __future__ import annotations

import pytest

from lockcheck.hashes import all_plain_sha256
from lockcheck.model import Hash, Location, LockedPackage, Source, SourceKind

A, B = "a" * 64, "0123456789abcdef" * 4


def package(*hashes: tuple[str, str]) -> LockedPackage:
    return LockedPackage(
        "demo",
        Location("requirements.txt", 1),
        Source(SourceKind.REGISTRY),
        hashes=tuple(Hash(*h) for h in hashes),
    )


@pytest.mark.parametrize(
    ("hashes", "plain"),
    [
        ([("sha256", A), ("sha256", B)], True),
        ([], True),
        ([("sha256", A.upper())], False),
        ([("md5", A)], False),
        ([("sha512", A + A)], False),
        ([("sha256", A[:-1])], False),
        ([("sha256", A + "0")], False),
        ([("sha256", f"{A}\n{B}")], False),  # two digests' worth, with a line between
        ([("sha256", f"{A}\n{B}"), ("sha256", "")], False),
        ([("", A)], False),
        ([("SHA256", A)], False),
    ],
)
def test_only_lower_case_sha256_digests_are_plain(
    hashes: list[tuple[str, str]], plain: bool
) -> None:
    packages = (package(*hashes[:1]), package(*hashes[1:]))
    assert all_plain_sha256(packages) is plain


@pytest.mark.parametrize("bad_at", [0, 4095, 4096, 9999])
def test_a_bad_digest_is_found_in_any_chunk(bad_at: int) -> None:
    hashes = [("sha256", f"{i:064x}") for i in range(10_000)]
    assert all_plain_sha256(tuple(package(h) for h in hashes)) is True
    hashes[bad_at] = ("sha256", hashes[bad_at][1].upper().replace("0", "A"))
    assert all_plain_sha256(tuple(package(h) for h in hashes)) is False
