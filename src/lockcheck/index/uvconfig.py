"""uv's index settings: ``[[tool.uv.index]]`` in a project's pyproject.toml, or its uv.toml
(``[[index]]``, ``index-url``, ``extra-index-url``), which uv prefers when both exist; the
user's and the system's uv.toml; or the one file ``UV_CONFIG_FILE`` names.

They serve two purposes: a lock that records no index (``uv export`` without
``--emit-index-url``) is verified against the indexes uv would use, and a named index's
login is found in ``UV_INDEX_<NAME>_USERNAME`` / ``_PASSWORD``, as uv finds it.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any, NamedTuple

from lockcheck.errors import LockfileError
from lockcheck.parsers.text import read_regular_file
from lockcheck.tomlcompat import toml_module

_MAX_BYTES = 4 * 1024 * 1024


class UvIndex(NamedTuple):
    url: str
    name: str | None = None
    default: bool = False  # replaces the default index


def uv_indexes(directory: str) -> tuple[tuple[UvIndex, ...], tuple[UvIndex, ...]]:
    """The indexes uv's configuration names for a lock in ``directory``: (the project's,
    the user's and the system's). The project's come from the nearest directory at or
    above ``directory`` with a uv.toml or pyproject.toml, not above the repository's root
    (a project's files are not trusted as the user's own: a pull request can edit them).
    ``UV_CONFIG_FILE`` replaces both; ``UV_NO_CONFIG`` switches every file off."""
    if os.environ.get("UV_NO_CONFIG", "").strip() not in ("", "0", "false"):
        return (), ()
    explicit = os.environ.get("UV_CONFIG_FILE", "").strip()
    if explicit:
        return (), tuple(_from_table(_toml(explicit)))
    return _project(Path(os.path.abspath(directory))), _user_and_system()


def _project(start: Path) -> tuple[UvIndex, ...]:
    for directory in (start, *start.parents):
        uv_toml, pyproject = directory / "uv.toml", directory / "pyproject.toml"
        if uv_toml.is_file():
            return tuple(_from_table(_toml(str(uv_toml))))
        if pyproject.is_file():
            tool = _toml(str(pyproject)).get("tool")
            uv = tool.get("uv") if isinstance(tool, dict) else None
            return tuple(_from_table(uv)) if isinstance(uv, dict) else ()
        if (directory / ".git").exists():
            return ()
    return ()


def _user_and_system() -> tuple[UvIndex, ...]:
    files: list[Path] = []
    config_home = os.environ.get("XDG_CONFIG_HOME")
    with contextlib.suppress(RuntimeError):  # no home directory: no user file
        files.append(Path(config_home or Path.home() / ".config") / "uv" / "uv.toml")
    dirs = os.environ.get("XDG_CONFIG_DIRS") or "/etc/xdg"
    files += [Path(d) / "uv" / "uv.toml" for d in dirs.split(os.pathsep) if d]
    files.append(Path("/etc/uv/uv.toml"))
    found: list[UvIndex] = []
    for file in files:
        found += _from_table(_toml(str(file)))
    return tuple(found)


def uv_indexes_from_environment() -> tuple[UvIndex, ...]:
    """``UV_INDEX`` (``name=url`` or ``url``, space-separated), ``UV_EXTRA_INDEX_URL``."""
    found: list[UvIndex] = []
    for entry in os.environ.get("UV_INDEX", "").split():
        name, sep, url = entry.partition("=")
        found.append(UvIndex(url, name) if sep and "://" not in name else UvIndex(entry))
    found += [UvIndex(url) for url in os.environ.get("UV_EXTRA_INDEX_URL", "").split()]
    return tuple(found)


def _from_table(table: dict[str, Any]) -> list[UvIndex]:
    found: list[UvIndex] = []
    entries = table.get("index")
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("url"), str):
            name = entry.get("name")
            found.append(
                UvIndex(
                    entry["url"],
                    name if isinstance(name, str) else None,
                    entry.get("default") is True,
                )
            )
    extras = table.get("extra-index-url")
    for url in extras if isinstance(extras, list) else []:
        if isinstance(url, str):
            found.append(UvIndex(url))
    primary = table.get("index-url")
    if isinstance(primary, str):
        found.append(UvIndex(primary, default=True))
    return found


def _toml(path: str) -> dict[str, Any]:
    """A TOML file's table; {} when it is missing or unreadable (uv itself would say)."""
    if not os.path.isfile(path):
        return {}
    try:
        document = toml_module().loads(read_regular_file(path, _MAX_BYTES).decode("utf-8"))
    except (LockfileError, UnicodeDecodeError, ValueError, RecursionError):
        return {}
    return document if isinstance(document, dict) else {}
