"""URLs in a lock: where they are, whose host they name, what they leak."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import NamedTuple
from urllib.parse import SplitResult, urlsplit

from lockcheck.model import Location, LockedPackage, Lockfile

# pip expands ${VAR} in requirements files; uv and poetry read credentials from the
# environment. A reference to a variable is how credentials *should* be written.
_ENV_REFERENCE = re.compile(r"^\$\{[A-Za-z0-9_]+\}$|^\$[A-Za-z_][A-Za-z0-9_]*$")
# Where a URL's authority ends: the path, query or fragment, or the end of the word. A
# password may hold "@", ":" and sub-delimiters, so userinfo runs up to the last "@" before it.
_AUTHORITY_END = re.compile(r"[/?#\\\s\"<>`{}|^]")
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-")
INSECURE_SCHEMES = frozenset({"http", "ftp", "git", "svn", "bzr", "hg", "static-http"})


class LockUrl(NamedTuple):
    url: str
    location: Location
    what: str  # "index", "extra index", "find-links", "artifact", "VCS repository", ...
    package: LockedPackage | None = None


_ROLE_NAMES = {"index-url": "index", "extra-index-url": "extra index", "find-links": "find-links"}


def iter_urls(lock: Lockfile) -> Iterator[LockUrl]:
    """Every URL the lock points an installer at, once, where it is written.

    Registry packages are covered by ``lock.indexes`` (for TOML locks, built from the
    packages), so an index used by 100 packages is one URL, not 100.
    """
    for ref in lock.indexes:
        if _looks_like_url(ref.url):
            yield LockUrl(ref.url, ref.location, _ROLE_NAMES.get(ref.role.value, ref.role.value))
    for package in lock.packages:
        source = package.source
        if source.url and source.kind.value != "registry" and _looks_like_url(source.url):
            what = "VCS repository" if source.kind.value == "vcs" else f"{source.kind.value} source"
            yield LockUrl(source.url, package.location, what, package)
        for artifact in package.artifacts:
            if artifact.url and artifact.url != source.url and _looks_like_url(artifact.url):
                yield LockUrl(artifact.url, artifact.location, "artifact", package)


def _looks_like_url(text: str) -> bool:
    return "://" in text


def split(url: str) -> SplitResult | None:
    """urlsplit, with the VCS prefix (``git+``) dropped; None when it is no URL at all."""
    try:
        parts = urlsplit(url.split("+", 1)[1] if re.match(r"^[a-z]+\+[a-z]", url) else url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return None
    return parts


def scheme(url: str) -> str:
    """The transport scheme: ``git+https://`` is https, ``git+git://`` is git."""
    parts = split(url)
    return parts.scheme.lower() if parts else ""


def host(url: str) -> str | None:
    parts = split(url)
    return parts.hostname.lower() if parts and parts.hostname else None


def is_loopback(hostname: str | None) -> bool:
    if not hostname:
        return False
    if hostname == "localhost" or hostname.endswith(".localhost"):
        return True
    import ipaddress

    try:
        return ipaddress.ip_address(hostname.strip("[]")).is_loopback
    except ValueError:
        return False


# One or more ${VAR} references (pip expands them when it reads the file) or a $VAR.
_ONLY_REFERENCES = re.compile(r"^(?:\$\{[A-Za-z0-9_]+\})+$|^\$[A-Za-z_][A-Za-z0-9_]*$")
# Passwords that are fixed words, not secrets: GitHub's "token as user, x-oauth-basic as
# password" spelling.
_PLACEHOLDER_PASSWORDS = frozenset({"x-oauth-basic"})
# User names that are accounts, not secrets: the user every git host serves over https or
# ssh, and the fixed names services pair with a token given as the password.
_ACCOUNT_NAMES = frozenset(
    {
        "git",
        "hg",
        "anonymous",
        "oauth2",
        "x-access-token",
        "x-token-auth",
        "gitlab-ci-token",
        "__token__",
        "token",
    }
)


def credentials(url: str) -> str | None:
    """What in the URL is a secret ("a password", "a token"), or None.

    On http(s) a user name alone is how a token is passed (``https://ghp_...@host``), so it
    counts, unless it is an account name that is no secret (``git@``, ``oauth2@``). A
    password that is a fixed word (GitHub's ``x-oauth-basic``) leaves the user name as the
    token. References to environment variables are not secrets: pip expands ``${VAR}``
    when it reads the file, so nothing secret is written in it.
    """
    if "@" not in url:
        return None
    parts = split(url)
    if parts is None or "@" not in parts.netloc:
        return None
    user, password = parts.username, parts.password
    if (
        password
        and not _ONLY_REFERENCES.match(password)
        and password.lower() not in _PLACEHOLDER_PASSWORDS
    ):
        return "a password"
    if not user or _ONLY_REFERENCES.match(user) or user.lower() in _ACCOUNT_NAMES:
        return None
    if password or parts.scheme.lower() in ("http", "https"):
        return "a token"
    return None


def redact(text: str) -> str:
    """Replace any ``user:password@`` in text with ``***@`` (used on every message).

    Userinfo runs to the *last* ``@`` of the authority, so a password holding ``@`` is
    hidden whole. One left-to-right pass: linear in the length of the text.
    """
    if "@" not in text or "://" not in text:
        return text
    out: list[str] = []
    done = 0  # text[:done] is in ``out`` already
    search = 0
    while (mark := text.find("://", search)) != -1:
        start = mark
        while start > done and text[start - 1] in _SCHEME_CHARS:
            start -= 1
        authority = mark + 3
        end_match = _AUTHORITY_END.search(text, authority)
        end = end_match.start() if end_match else len(text)
        at = text.rfind("@", authority, end)
        if start < mark and at != -1:
            out.append(text[done:authority])
            out.append("***")
            done = at
        search = max(end, authority)
    out.append(text[done:])
    return "".join(out)


def host_matches(hostname: str, patterns: tuple[str, ...]) -> bool:
    """``files.example.com`` matches ``files.example.com`` and ``*.example.com``."""
    for pattern in patterns:
        if pattern.startswith("*."):
            if hostname.endswith(pattern[1:]) or hostname == pattern[2:]:
                return True
        elif hostname == pattern:
            return True
    return False


def same_index(first: str, second: str) -> bool:
    """Do two index URLs name the same index? Credentials, case of host and a trailing
    slash do not matter."""
    return _index_key(first) == _index_key(second)


@functools.lru_cache(maxsize=1024)  # a lock names a few indexes, hundreds of times each
def _index_key(url: str) -> str:
    parts = split(url)
    if parts is None or not parts.hostname:
        return url.rstrip("/")
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme.lower()}://{parts.hostname.lower()}{port}{parts.path.rstrip('/')}"
