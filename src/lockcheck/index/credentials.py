"""Credentials for package indexes, found where pip, uv and poetry find them: the index URL
itself, the variables named after the index (uv's ``UV_INDEX_<NAME>_USERNAME`` /
``_PASSWORD``, poetry's ``POETRY_HTTP_BASIC_<SOURCE>_USERNAME`` / ``_PASSWORD``), ~/.netrc,
and, with ``--keyring-provider subprocess``, the ``keyring`` command, asked as uv asks it.

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
import re
import subprocess
import threading
from collections.abc import Mapping, Sequence
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


def variable_prefix(kind: str, name: str) -> str:
    """The prefix of the variables holding a named index's login, as its tool spells it:
    ``variable_prefix("UV_INDEX", "internal-proxy")`` -> ``UV_INDEX_INTERNAL_PROXY``."""
    return f"{kind}_{re.sub(r'[^A-Z0-9]', '_', name.upper())}"


def variable_credentials(
    prefixes: Sequence[str], environ: Mapping[str, str] | None = None
) -> Credentials | None:
    """The first ``<PREFIX>_USERNAME`` / ``<PREFIX>_PASSWORD`` pair set (either may be)."""
    env = os.environ if environ is None else environ
    for prefix in prefixes:
        username = env.get(f"{prefix}_USERNAME", "")
        password = env.get(f"{prefix}_PASSWORD", "")
        if username or password:
            return Credentials(username, password)
    return None


KEYRING_TIMEOUT = 60.0  # seconds; a keyring backend may have to unlock a vault


def keyring_credentials(index_url: str, username: str | None) -> Credentials | None:
    """Ask the ``keyring`` command, as uv does: for the index URL, then ``host[:port]``
    (then ``scheme://host[:port]`` for plain http); with a known username
    ``keyring get SERVICE USERNAME`` prints the password, without one
    ``keyring get SERVICE --mode creds`` prints the username and the password."""
    parts = urlsplit(index_url)
    if not parts.hostname:
        return None
    host = parts.netloc.rpartition("@")[2]  # host[:port] as written ([::1]:8080 too)
    services = [index_url, host]
    if parts.scheme != "https":
        services.append(f"{parts.scheme}://{host}")
    for service in services:
        found = _ask_keyring(service, username)
        if found is not None:
            return found
    return None


def _ask_keyring(service: str, username: str | None) -> Credentials | None:
    command = ["keyring", "get", service]
    command += [username] if username else ["--mode", "creds"]
    try:
        done = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=KEYRING_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):  # no keyring command, or it hung
        return None
    if done.returncode != 0:
        return None
    try:
        output = done.stdout.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if username:
        return Credentials(username, output.rstrip("\r\n"))
    lines = output.splitlines()
    if len(lines) < 2:
        return None
    return Credentials(lines[0], lines[1])


class CredentialStore:
    """Which credentials, if any, go with a request: looked up by the URL's origin.

    ``add`` is the one way an index is registered. For its origin, first match wins: the
    URL's own user information, the variables named after the index, ``.netrc`` (its
    ``default`` entry only for an origin some index the user chose is on). The keyring is
    asked only when the index refuses a request (``from_keyring``), as uv does.
    """

    def __init__(self, *, keyring: bool = False) -> None:
        self._keyring = keyring
        self._by_origin: dict[Origin, Credentials | None] = {}
        self._explicit: set[Origin] = set()  # from the URL or the index's variables
        self._user_chosen: set[Origin] = set()
        self._index_urls: dict[Origin, str] = {}  # the first index registered per origin
        self._keyring_answers: dict[Origin, bool] = {}  # did the keyring give a new login?
        self._lock = threading.Lock()

    def add(self, url: str, *, user_chosen: bool = False, variables: Sequence[str] = ()) -> str:
        """Register an index URL; returns it without credentials. ``user_chosen``: the
        user named this index (not a lockfile or the in-tree configuration);
        ``variables``: prefixes of the variables that may hold its login."""
        clean, credentials = split_credentials(url)
        where = origin(clean)
        if where is None:
            return clean
        self._index_urls.setdefault(where, clean)
        if credentials is None:
            credentials = variable_credentials(variables)
        if credentials is not None:
            self._by_origin[where] = credentials
            self._explicit.add(where)
            return clean
        promoted = user_chosen and where not in self._user_chosen
        if user_chosen:
            self._user_chosen.add(where)
        if where not in self._explicit and (where not in self._by_origin or promoted):
            self._by_origin[where] = netrc_credentials(
                where[1], use_default=where in self._user_chosen
            )
        return clean

    def for_url(self, url: str) -> Credentials | None:
        """The credentials registered for exactly this URL's scheme, host and port."""
        where = origin(url)
        return self._by_origin.get(where) if where is not None else None

    def from_keyring(self, url: str) -> bool:
        """After the index refused ``url``: ask the keyring, once per origin, and keep
        what it gives. True when there are new credentials to try."""
        where = origin(url)
        if not self._keyring or where is None or where not in self._index_urls:
            return False  # only an index's own origin, never a host it redirected to
        with self._lock:
            # Requests refused at the same time all wait here for one answer, and all
            # try again with it.
            if where not in self._keyring_answers:
                known = self._by_origin.get(where)
                username = known.username if known and known.username else None
                found = keyring_credentials(self._index_urls[where], username)
                useful = found is not None and found != known
                if useful:
                    self._by_origin[where] = found
                self._keyring_answers[where] = useful
            return self._keyring_answers[where]
