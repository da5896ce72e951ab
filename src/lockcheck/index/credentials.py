"""Credentials for package indexes: from the index URL itself or from ~/.netrc.

Credentials belong to one origin (scheme, host, port) and are only ever offered for a URL
on that origin, so a redirect to another host never receives them. Nothing here puts a
password into text: ``Credentials`` hides it from ``repr``, and messages go through
``lockcheck.urls.redact``.
"""

from __future__ import annotations

import base64
import netrc
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}

Origin = tuple[str, str, int | None]  # (scheme, host, port), lower case


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
    decoded, as installers do.
    """
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    username, _, password = userinfo.partition(":")
    clean = urlunsplit(parts._replace(netloc=hostport))
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


def netrc_credentials(host: str, path: str | os.PathLike[str] | None = None) -> Credentials | None:
    """The login ~/.netrc (or the file ``$NETRC`` names) holds for ``host``, if any.

    Like pip and uv, a ``default`` entry applies to hosts without their own. An unreadable
    or malformed file gives no credentials rather than an error.
    """
    file = Path(path) if path is not None else _netrc_path()
    if file is None or not file.is_file():
        return None
    try:
        entry = netrc.netrc(os.fspath(file)).authenticators(host)
    except (OSError, netrc.NetrcParseError, UnicodeDecodeError):
        return None
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
    index origin without its own credentials, ``.netrc`` is consulted once.
    """

    def __init__(self, *, use_netrc: bool = True) -> None:
        self._use_netrc = use_netrc
        self._by_origin: dict[Origin, Credentials | None] = {}

    def add(self, url: str) -> str:
        """Register an index URL; returns it without credentials."""
        clean, credentials = split_credentials(url)
        where = origin(clean)
        if where is None:
            return clean
        if credentials is not None:
            self._by_origin[where] = credentials
        elif where not in self._by_origin:
            found = netrc_credentials(where[1]) if self._use_netrc else None
            self._by_origin[where] = found
        return clean

    def for_url(self, url: str) -> Credentials | None:
        """The credentials registered for exactly this URL's scheme, host and port."""
        where = origin(url)
        return self._by_origin.get(where) if where is not None else None
