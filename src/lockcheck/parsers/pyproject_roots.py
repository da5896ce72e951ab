"""The roots of a poetry.lock or pdm.lock: what the pyproject.toml beside it requires.

Neither lock records the project itself, so the packages the project asks for are read
from its pyproject.toml: `[project]` dependencies and optional dependencies,
`[dependency-groups]`, poetry's `[tool.poetry.dependencies]`, dev-dependencies and
groups, pdm's `[tool.pdm.dev-dependencies]`. Every extra and group counts: a package any
of them reaches is not unreachable.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from lockcheck.errors import LockfileError
from lockcheck.model import (
    Dependency,
    Location,
    ManifestState,
    Note,
    Roots,
    made_from,
    normalize_name,
)
from lockcheck.parsers.requirement_text import parse_requirement
from lockcheck.parsers.toml_document import TomlDocument


def read_roots(lock_path: str, tool: str) -> tuple[Roots | None, Note | None]:
    """The roots from the pyproject.toml beside ``lock_path``, or None and why not."""
    manifest_path = os.path.join(os.path.dirname(lock_path), "pyproject.toml")
    where = Location(lock_path, None)
    if not os.path.isfile(manifest_path):
        return None, Note(
            where,
            f"{tool} records no roots and there is no pyproject.toml beside it: "
            "LC204 cannot tell which packages nothing requires",
        )
    try:
        data = TomlDocument.read(manifest_path).data
    except LockfileError:
        return None, Note(where, "pyproject.toml beside it cannot be read: LC204 not checked")
    requires: list[Dependency] = []
    unnamed = False
    for text in _strings(data):
        dependency = parse_requirement(text)
        if dependency is None:
            unnamed = True  # `-e file:///${PROJECT_ROOT}/pkg`: pdm reads the name later
        else:
            requires.append(dependency)
    requires.extend(_poetry_tables(data))
    names = tuple(
        normalize_name(n)
        for n in (_get(data, "project", "name"), _get(data, "tool", "poetry", "name"))
        if isinstance(n, str)
    )
    return Roots(tuple(requires), names, unnamed), None


def lock_roots(
    lock_path: str, tool: str, manifests: tuple[ManifestState, ...]
) -> tuple[Roots | None, Note | None]:
    """The roots of a lock that records none, or None and why not.

    They are the lock's only if it was made from that pyproject.toml (its content hash).
    """
    roots, note = read_roots(lock_path, tool)
    if roots is not None and not made_from(manifests):
        note = _stale_roots_note(lock_path, tool)
    return roots, note


def _stale_roots_note(lock_path: str, tool: str) -> Note:
    return Note(
        Location(lock_path, None),
        f"LC204 not checked: {tool} was not made from the pyproject.toml beside it (by its "
        "content hash), or lockcheck cannot tell, so its roots are unknown",
    )


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _strings(data: dict[str, Any]) -> Iterator[str]:
    """Every PEP 508 string the project, its extras and its groups require."""
    lists: list[Any] = [_get(data, "project", "dependencies")]
    for table in (
        _get(data, "project", "optional-dependencies"),
        data.get("dependency-groups"),
        _get(data, "tool", "pdm", "dev-dependencies"),
    ):
        if isinstance(table, dict):
            lists.extend(table.values())
    for items in lists:
        if isinstance(items, list):
            yield from (item for item in items if isinstance(item, str))


def _poetry_tables(data: dict[str, Any]) -> Iterator[Dependency]:
    """`[tool.poetry.dependencies]`-style tables: name = constraint, table or list."""
    poetry = _get(data, "tool", "poetry")
    if not isinstance(poetry, dict):
        return
    tables = [poetry.get("dependencies"), poetry.get("dev-dependencies")]
    groups = poetry.get("group")
    if isinstance(groups, dict):
        tables.extend(_get(g, "dependencies") for g in groups.values())
    for table in tables:
        if not isinstance(table, dict):
            continue
        for name, value in table.items():
            if name.lower() == "python":
                continue
            extras: set[str] = set()
            for item in value if isinstance(value, list) else [value]:
                found = item.get("extras") if isinstance(item, dict) else None
                if isinstance(found, list):
                    extras.update(normalize_name(e) for e in found if isinstance(e, str))
            yield Dependency(normalize_name(name), tuple(sorted(extras)))
