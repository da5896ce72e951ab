"""Credentials for package indexes: from the index URL itself or from ~/.netrc.

Credentials belong to one origin (scheme, host, port) and are only ever offered for a URL
on that origin, so a redirect to another host never receives them. Nothing here puts a
password into text: ``Credentials`` hides it from ``repr``, and messages go through
``lockcheck.urls.redact``.

A ``.netrc`` ``default`` entry is a login for *any* host. It goes only to an index the
user chose (command line, a config given with ``--config``, the environment or pip's
configuration), never to one a lockfile or the in-tree configuration names: whoever
writes those could otherwise point lockcheck at their own server and collect it.
"""

from __future__ import annotations

import base64
import netrc
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lockcheck.errors import PackageIndexError

_DEFAULT_PORTS = {"http": 80, "https": 443}

Origin = tuple[str, str, int | None]  # (scheme, host, port), lower case


class InvalidIndexURL(PackageIndexError):
    """An index URL that is no URL (a bad port, brackets, a host invalid under NFKC)."""


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str = field(repr=False)

    def authorization(self) -> str:
        """The value of a basic-auth ``Authorization`` header."""
        token = f"{self.username}:{self.password}".encode()
        return "Basic " + base64.b64encode(token).decode("ascii")


def split_credentials(url: str) -> tuple[str, Credentials | None]:
    """``https://user:pw@host/simple`` -> (``https://host/simple``, Credentials(user, pw)).

    A user without a password (a token) gets an empty password; percent-escapes are
    decoded, as installers do. The userinfo runs to the last ``@`` of the authority (a
    password may hold one). It is cut off before the URL is parsed, so no parse error
    can quote it; a URL that does not parse without it is an ``InvalidIndexURL``.
    """
    mark = url.find("://")
    if mark == -1:
        return url, None
    start = mark + 3
    end = min((i for i in (url.find(c, start) for c in "/?#") if i != -1), default=len(url))
    userinfo, at, hostport = url[start:end].rpartition("@")
    clean = url[:start] + hostport + url[end:] if at else url
    try:
        urlsplit(clean).port  # noqa: B018 - raises ValueError on a bad host or port
    except ValueError as exc:
        raise InvalidIndexURL(f"invalid index URL {clean}: {exc}") from None
    if not at:
        return url, None
    username, _, password = userinfo.partition(":")
    return clean, Credentials(unquote(username), unquote(password))


def origin(url: str) -> Origin | None:
    """The origin a URL belongs to, with the scheme's default port made explicit."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS.get(scheme)


def netrc_credentials(
    host: str, path: str | os.PathLike[str] | None = None, *, use_default: bool = False
) -> Credentials | None:
    """The login ~/.netrc (or the file ``$NETRC`` names) holds for ``host``, if any.

    Like pip and uv, a ``default`` entry applies to hosts without their own, but only
    with ``use_default`` (an index the user chose). An unreadable or malformed file gives
    no credentials rather than an error.
    """
    file = Path(path) if path is not None else _netrc_path()
    if file is None or not file.is_file():
        return None
    try:
        hosts = netrc.netrc(os.fspath(file)).hosts
    except (OSError, netrc.NetrcParseError, UnicodeDecodeError):
        return None
    entry = hosts.get(host)
    if entry is None and use_default:
        entry = hosts.get("default")
    if entry is None:
        return None
    login, _, password = entry
    return Credentials(login, password or "") if login or password else None


def _netrc_path() -> Path | None:
    configured = os.environ.get("NETRC")
    if configured:
        return Path(configured).expanduser()
    try:
        return Path.home() / ".netrc"
    except RuntimeError:  # no home directory
        return None


class CredentialStore:
    """Which credentials, if any, go with a request: looked up by the URL's origin.

    ``add`` registers an index URL (credentials in it are kept for its origin); for an
    index origin without its own credentials, ``.netrc`` is consulted: its ``default``
    entry only for an origin some index the user chose is on.
    """

    def __init__(self, *, use_netrc: bool = True) -> None:
        self._use_netrc = use_netrc
        self._by_origin: dict[Origin, Credentials | None] = {}
        self._in_url: set[Origin] = set()  # credentials written in an index URL
        self._user_chosen: set[Origin] = set()

    def add(self, url: str, *, user_chosen: bool = False) -> str:
        """Register an index URL; returns it without credentials. ``user_chosen``: the
        user named this index (not a lockfile or the in-tree configuration)."""
        clean, credentials = split_credentials(url)
        where = origin(clean)
        if where is None:
            return clean
        if credentials is not None:
            self._by_origin[where] = credentials
            self._in_url.add(where)
            return clean
        promoted = user_chosen and where not in self._user_chosen
        if user_chosen:
            self._user_chosen.add(where)
        if where not in self._in_url and (where not in self._by_origin or promoted):
            self._by_origin[where] = (
                netrc_credentials(where[1], use_default=where in self._user_chosen)
                if self._use_netrc
                else None
            )
        return clean

    def for_url(self, url: str) -> Credentials | None:
        """The credentials registered for exactly this URL's scheme, host and port."""
        where = origin(url)
        return self._by_origin.get(where) if where is not None else None
