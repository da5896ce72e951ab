"""uv's index settings for a project: ``[[tool.uv.index]]`` in pyproject.toml, or uv.toml
(``[[index]]``, ``index-url``, ``extra-index-url``) beside it, which uv prefers when both
exist, and the file ``UV_CONFIG_FILE`` names.

They serve two purposes: a lock that records no index (``uv export`` without
``--emit-index-url``) is verified against the indexes uv would use, and a named index's
login is found in ``UV_INDEX_<NAME>_USERNAME`` / ``_PASSWORD``, as uv finds it.
"""

from __future__ import annotations

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


def uv_indexes(directory: str, config_file: str | None = None) -> tuple[UvIndex, ...]:
    """The indexes uv's configuration for ``directory`` names, in uv's order (the default
    index, if named, last). ``config_file``: ``UV_CONFIG_FILE``, read first."""
    found: list[UvIndex] = []
    if config_file:
        found += _from_table(_toml(config_file))
    project = Path(directory)
    uv_toml = project / "uv.toml"
    if uv_toml.is_file():
        found += _from_table(_toml(str(uv_toml)))
    else:
        tool = _toml(str(project / "pyproject.toml")).get("tool")
        uv = tool.get("uv") if isinstance(tool, dict) else None
        if isinstance(uv, dict):
            found += _from_table(uv)
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
