"""Which index each package is verified against, first match wins (design: "The index"):

1. ``--index-url`` / config ``index-url``;
2. the index the lock records for the package (uv ``source.registry``, pylock ``index``,
   poetry ``[package.source]``, a requirements file's ``--index-url`` and, as further
   candidates, its ``--extra-index-url``s);
3. the installer's configuration (``PIP_INDEX_URL``, ``UV_DEFAULT_INDEX``,
   ``UV_INDEX_URL``, pip's configuration files);
4. pip's own default index, read from pip at run time.
"""

from __future__ import annotations

import configparser
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from lockcheck.config import Settings
from lockcheck.model import LockedPackage, Lockfile, LockFormat, SourceKind, UrlRole
from lockcheck.urls import same_index

INDEX_OPTIONS = (
    "--index-url or index-url in [tool.lockcheck]; an index recorded in the lock; "
    "PIP_INDEX_URL, UV_DEFAULT_INDEX or UV_INDEX_URL; index-url in pip's configuration"
)


def needs_verification(package: LockedPackage) -> bool:
    """Packages an index can vouch for: pinned, from a registry, not the user's code."""
    return (
        package.source.kind is SourceKind.REGISTRY
        and package.version is not None
        and not package.is_project
        and not package.source.editable
    )


def candidate_indexes(
    lock: Lockfile, package: LockedPackage, settings: Settings, fallback: str | None
) -> tuple[str, ...]:
    """The indexes to look the package up on, in order; empty when none is known."""
    if settings.index_url:
        return (settings.index_url,)
    if package.source.url:
        return (package.source.url,)
    if lock.format is LockFormat.REQUIREMENTS:
        primary = [r.url for r in lock.indexes if r.role is UrlRole.INDEX]
        extras = [r.url for r in lock.indexes if r.role is UrlRole.EXTRA_INDEX]
        # pip uses the last --index-url given, and looks on every extra index too.
        first = primary[-1:] or ([fallback] if fallback else [])
        return tuple(dict.fromkeys(first + extras))
    return (fallback,) if fallback else ()


def chosen_by_user(url: str, settings: Settings, installer: str | None) -> bool:
    """Did the user, not a lockfile or an in-tree configuration, name this index?

    Yes for ``--index-url`` and the ``index-url`` of a file given with ``--config``, and
    for the installer's index from the environment or pip's configuration (``installer``,
    from ``installer_index``). Only such an index may receive a ``.netrc`` ``default``
    login.
    """
    if settings.index_url and settings.index_url_by_user and same_index(url, settings.index_url):
        return True
    return installer is not None and same_index(url, installer)


def installer_index(environ: Mapping[str, str] | None = None) -> str | None:
    """The index the user's installer is configured with, if any."""
    env = os.environ if environ is None else environ
    for variable in ("PIP_INDEX_URL", "UV_DEFAULT_INDEX", "UV_INDEX_URL"):
        value = env.get(variable, "").strip()
        if value:
            return value.split()[0]
    return _pip_config_index(env)


def _pip_config_index(env: Mapping[str, str]) -> str | None:
    """index-url from pip's configuration files, later files winning, as pip reads them."""
    explicit = env.get("PIP_CONFIG_FILE")
    if explicit == os.devnull:
        return None
    home = Path.home()
    candidates = [Path("/etc/pip.conf"), Path("/etc/xdg/pip/pip.conf")]
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        appdata = env.get("APPDATA", "")
        candidates += [Path(appdata) / "pip" / "pip.ini", home / "pip" / "pip.ini"]
    else:
        config_home = Path(env.get("XDG_CONFIG_HOME") or home / ".config")
        candidates += [home / ".pip" / "pip.conf", config_home / "pip" / "pip.conf"]
    if env.get("VIRTUAL_ENV"):
        candidates.append(Path(env["VIRTUAL_ENV"]) / "pip.conf")
    if explicit:
        candidates.append(Path(explicit))
    found = None
    for path in candidates:
        parser = configparser.ConfigParser()
        try:
            if not parser.read(path, encoding="utf-8"):
                continue
        except (configparser.Error, OSError, UnicodeDecodeError):
            continue
        for section in ("global", "install"):
            value = parser.get(section, "index-url", fallback="").strip()
            if value:
                found = value
    return found


def public_index(environ: Mapping[str, str] | None = None) -> str | None:
    """The public index LC307 asks: LOCKCHECK_PUBLIC_INDEX_URL (for mirrors of it, and
    tests), else pip's default."""
    env = os.environ if environ is None else environ
    return env.get("LOCKCHECK_PUBLIC_INDEX_URL", "").strip() or pip_default_index()


def pip_default_index() -> str | None:
    """pip's built-in default index, read from pip itself (never written in this code)."""
    try:
        from pip._internal.models.index import PyPI
    except Exception:  # pip absent or reorganised: the caller says how to name an index
        return None
    return str(PyPI.simple_url)


def fallback_index(environ: Mapping[str, str] | None = None) -> str | None:
    """Steps 3 and 4: what an index-less lock entry is checked against."""
    return installer_index(environ) or pip_default_index()
