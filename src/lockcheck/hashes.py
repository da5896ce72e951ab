"""Hash algorithms and digest shapes, as installers accept them."""

from __future__ import annotations

import operator
import re
from collections.abc import Iterator, Sequence

from lockcheck.model import Hash, Location, LockedPackage, Lockfile

# What pip accepts for --hash (pip's STRONG_HASHES).
ACCEPTED = frozenset({"sha256", "sha384", "sha512"})
# Hex digest length per algorithm hashlib knows; anything else is not a hash algorithm.
KNOWN_LENGTHS = {
    "md5": 32,
    "sha1": 40,
    "sha224": 56,
    "sha256": 64,
    "sha384": 96,
    "sha512": 128,
    "sha3_224": 56,
    "sha3_256": 64,
    "sha3_384": 96,
    "sha3_512": 128,
    "blake2b": 128,
    "blake2s": 64,
}
LOWER_HEX = re.compile(r"[0-9a-f]+")
ANY_HEX = re.compile(r"[0-9a-fA-F]+")


def problem(algorithm: str, digest: str) -> str | None:
    """Why a hash cannot be right as written, or None when its shape is fine."""
    if not algorithm:
        return f"{digest[:20]!r} has no algorithm (expected sha256:<hex>)"
    expected = KNOWN_LENGTHS.get(algorithm.lower())
    if expected is None:
        return f"unknown hash algorithm {algorithm!r}"
    if algorithm != algorithm.lower():
        return f"algorithm {algorithm!r} must be lower case: pip does not recognise it"
    if not ANY_HEX.fullmatch(digest):
        return f"{algorithm} digest is not hexadecimal"
    if len(digest) != expected:
        return f"{algorithm} digest has {len(digest)} hex digits, expected {expected}"
    return None


def old_pip_refuses(h: Hash) -> bool:
    """A well-formed digest in upper (or mixed) case: pip 24.2 and later compare digests
    case-insensitively and accept it; older pip compares them as written and refuses it."""
    return problem(h.algorithm, h.digest) is None and not LOWER_HEX.fullmatch(h.digest)


def problems(hashes: tuple[Hash, ...]) -> list[tuple[Hash, str]]:
    """The hashes of a group whose shape is wrong, with why.

    Nearly every hash in a real lock is sha256 in lower-case hex; those are confirmed
    with one regex over all digests together instead of several checks per hash.
    """
    if all(h.algorithm == "sha256" and len(h.digest) == 64 for h in hashes) and (
        not hashes or LOWER_HEX.fullmatch("".join(h.digest for h in hashes))
    ):
        return []
    found = []
    for h in hashes:
        why = problem(h.algorithm, h.digest)
        if why:
            found.append((h, why))
    return found


def hash_groups(lock: Lockfile) -> Iterator[tuple[LockedPackage, Location, tuple[Hash, ...]]]:
    """Each group of hashes a lock writes in one place (a package's own, each artifact's),
    with where; nothing at all for the common lock whose every hash is plain sha256."""
    if all_plain_sha256(lock.packages):
        return
    for package in lock.packages:
        yield package, package.location, package.hashes
        for artifact in package.artifacts:
            yield package, artifact.location, artifact.hashes


def all_plain_sha256(packages: Sequence[LockedPackage]) -> bool:
    """Whether every hash of these packages is a lower-case sha256 digest, as every current
    tool writes them: checked for a whole lock at once (C-level passes and one regex), so
    the hash rules need not look at each hash of the common lock. The answer for the last
    lock asked about is kept: LC003 and LC004 both ask."""
    if _last_plain and _last_plain[0][0] is packages:
        return _last_plain[0][1]
    plain = True
    chunk: list[Hash] = []
    for package in packages:
        chunk.extend(package.all_hashes)
        if len(chunk) >= 4096:  # in chunks: a 10,000-entry lock's digests are 10 MB of text
            plain = _plain(chunk)
            if not plain:
                break
            chunk.clear()
    plain = plain and _plain(chunk)
    _last_plain[:] = [(packages, plain)]
    return plain


def _plain(hashes: list[Hash]) -> bool:
    if not hashes:
        return True
    joined = "\n".join(map(_DIGEST, hashes))
    # 64 hex digits a line, and as many lines as hashes (a digest holding a newline
    # would make more).
    return (
        set(map(_ALGORITHM, hashes)) == {"sha256"}
        and len(joined) == 65 * len(hashes) - 1
        and _PLAIN_DIGESTS.fullmatch(joined + "\n") is not None
    )


_ALGORITHM, _DIGEST = operator.itemgetter(0), operator.itemgetter(1)
_PLAIN_DIGESTS = re.compile(r"(?:[0-9a-f]{64}\n)*")
_last_plain: list[tuple[Sequence[LockedPackage], bool]] = []


def all_lower_case(hashes: tuple[Hash, ...]) -> bool:
    """The common case, in one regex over all digests together."""
    return not hashes or LOWER_HEX.fullmatch("".join(h.digest for h in hashes)) is not None


def parse_hash(text: str) -> Hash:
    """``sha256:abc...`` as a Hash; text without an algorithm keeps it empty (LC004 says so)."""
    algorithm, sep, digest = text.partition(":")
    if not sep:
        return Hash("", text)
    # One shared string for the common names: a large lock has 100,000s of hashes.
    return Hash(_NAMES.get(algorithm, algorithm), digest)


_NAMES = {name: name for name in ("sha256", "sha384", "sha512", "md5", "sha1")}
