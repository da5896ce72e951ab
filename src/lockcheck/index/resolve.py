"""Which index each package is verified against, first match wins (design: "The index"):

1. ``--index-url`` / config ``index-url``;
2. the index the lock records for the package (uv ``source.registry``, pylock ``index``,
   poetry ``[package.source]``, a requirements file's ``--index-url`` and, as further
   candidates, its ``--extra-index-url``s);
3. the installer's configuration (``PIP_INDEX_URL``, ``UV_DEFAULT_INDEX``,
   ``UV_INDEX_URL``, pip's configuration files, uv's default index for the project);
4. pip's own default index, read from pip at run time.

A requirements file that records no index (``uv export`` without ``--emit-index-url``)
is also looked up on the extra indexes its installer would search: ``PIP_EXTRA_INDEX_URL``
and pip's ``extra-index-url``, ``UV_INDEX`` and ``UV_EXTRA_INDEX_URL``, uv.toml and
``[[tool.uv.index]]`` beside it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import NamedTuple

from lockcheck.config import Settings
from lockcheck.index.credentials import variable_prefix
from lockcheck.index.pip_defaults import pip_default_index
from lockcheck.index.pipconfig import pip_settings
from lockcheck.index.uvconfig import UvIndex, uv_indexes, uv_indexes_from_environment
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


class Fallback(NamedTuple):
    """What a lock entry that records no index is checked against (steps 3 and 4)."""

    primary: str | None
    extras: tuple[str, ...] = ()  # for requirements files: where pip or uv also look
    user_chosen: frozenset[str] = frozenset()  # from the environment or pip's config
    names: tuple[UvIndex, ...] = ()  # uv's named indexes, for UV_INDEX_<NAME>_* logins


def candidate_indexes(
    lock: Lockfile, package: LockedPackage, settings: Settings, fallback: Fallback
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
        first = primary[-1:] or ([fallback.primary] if fallback.primary else [])
        return tuple(dict.fromkeys(first + extras + list(fallback.extras)))
    return (fallback.primary,) if fallback.primary else ()


def fallback_for(lock: Lockfile, environ: Mapping[str, str] | None = None) -> Fallback:
    """Steps 3 and 4 for one lock: the installers' settings, and uv's for its project."""
    env = os.environ if environ is None else environ
    pip = pip_settings(env)
    installer = installer_index(env)
    pip_extras = pip.get("extra-index-url", "").split()
    from_env = uv_indexes_from_environment()
    project, users = uv_indexes(os.path.dirname(os.path.abspath(lock.path)))
    configured = (*from_env, *project, *users)
    uv_default = next((i.url for i in configured if i.default), None)
    primary = installer or uv_default or pip_default_index()
    extras = [*pip_extras, *(i.url for i in configured if not i.default)]
    # A local directory (file://) pip reads from disk: no index API to ask, nothing to add.
    extras = [u for u in extras if u.lower().startswith(("http://", "https://"))]
    chosen = {u for u in (installer, *pip_extras, *(i.url for i in (*from_env, *users))) if u}
    return Fallback(
        primary,
        tuple(dict.fromkeys(u for u in extras if u != primary)),
        frozenset(chosen),
        configured,
    )


def credential_variables(
    lock: Lockfile, package: LockedPackage, url: str, fallback: Fallback
) -> tuple[str, ...]:
    """Prefixes of the variables that may hold the login for ``url``: uv's
    ``UV_INDEX_<NAME>`` for a named uv index with that URL, and poetry's
    ``POETRY_HTTP_BASIC_<SOURCE>`` for the source a poetry.lock entry names."""
    prefixes = [
        variable_prefix("UV_INDEX", index.name)
        for index in fallback.names
        if index.name and same_index(index.url, url)
    ]
    if lock.format is LockFormat.POETRY and package.source.reference:
        prefixes.append(variable_prefix("POETRY_HTTP_BASIC", package.source.reference))
    return tuple(dict.fromkeys(prefixes))


def chosen_by_user(url: str, settings: Settings, fallback: Fallback) -> bool:
    """Did the user, not a lockfile or an in-tree configuration, name this index?

    Yes for ``--index-url`` and the ``index-url`` of a file given with ``--config``, and
    for the installer's indexes from the environment or pip's configuration. Only such an
    index may receive a ``.netrc`` ``default`` login.
    """
    if settings.index_url and settings.index_url_by_user and same_index(url, settings.index_url):
        return True
    return any(same_index(url, chosen) for chosen in fallback.user_chosen)


def installer_index(environ: Mapping[str, str] | None = None) -> str | None:
    """The index the user's installer is configured with, if any."""
    env = os.environ if environ is None else environ
    for variable in ("PIP_INDEX_URL", "UV_DEFAULT_INDEX", "UV_INDEX_URL"):
        value = env.get(variable, "").strip()
        if value:
            return value.split()[0]
    value = pip_settings(env).get("index-url", "")
    return value.split()[0] if value else None


def public_index(environ: Mapping[str, str] | None = None) -> str | None:
    """The public index LC307 asks: LOCKCHECK_PUBLIC_INDEX_URL (for mirrors of it, and
    tests), else pip's default."""
    env = os.environ if environ is None else environ
    return env.get("LOCKCHECK_PUBLIC_INDEX_URL", "").strip() or pip_default_index()
