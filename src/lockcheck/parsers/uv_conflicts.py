"""uv.lock ``conflicts``: which choice of conflicting extras/groups installs which entry.

With ``[tool.uv] conflicts``, uv locks one version of a package for one extra (say `cpu`)
and another for a conflicting one (`cuda`); the user can never install both extras, so
the two versions never meet. The lock says this in two places: the edges from the
project's extras and groups (`[package.optional-dependencies] cpu = [...]`), and markers
with a synthetic extra per item (`extra == 'extra-5-myapp-cpu'`). This module walks the
lock's dependency graph once per allowed choice of items and records, per entry, the
choices under which it is installed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from lockcheck.markers import ACTIVE, choose_conflicts, truth
from lockcheck.model import normalize_name

# Beyond this many choices, only the empty choice and single items are walked: fewer
# combinations means fewer entries found together, never a false conflict.
_MAX_CHOICES = 256


def item(package: str, extra: str | None = None, group: str | None = None) -> str:
    """An item as uv encodes it in markers: `extra-5-myapp-cpu`, `group-5-myapp-dev`."""
    package = normalize_name(package)
    if extra is not None:
        return f"extra-{len(package)}-{package}-{normalize_name(extra)}"
    if group is not None:
        return f"group-{len(package)}-{package}-{normalize_name(group)}"
    return f"project-{len(package)}-{package}"


def conflict_sets(data: Mapping[str, Any]) -> tuple[frozenset[str], ...]:
    """The lock's `conflicts`, each set of mutually exclusive items encoded."""
    found = []
    raw = data.get("conflicts")
    for group in raw if isinstance(raw, list) else ():
        items = set()
        for entry in group if isinstance(group, list) else ():
            if isinstance(entry, Mapping) and isinstance(entry.get("package"), str):
                items.add(item(entry["package"], entry.get("extra"), entry.get("group")))
        if len(items) > 1:
            found.append(frozenset(items))
    return tuple(found)


def choices(sets: Sequence[frozenset[str]]) -> list[frozenset[str]]:
    """Every set of items a user can enable together: no two from one conflict set."""
    items = sorted(set().union(*sets))
    found: list[frozenset[str]] = []

    def walk(i: int, chosen: frozenset[str]) -> None:
        if len(found) > _MAX_CHOICES:
            return
        if i == len(items):
            found.append(chosen)
            return
        walk(i + 1, chosen)
        candidate = chosen | {items[i]}
        if all(len(candidate & s) < 2 for s in sets):
            walk(i + 1, candidate)

    walk(0, frozenset())
    if len(found) > _MAX_CHOICES:
        return [frozenset(), *(frozenset({i}) for i in items)]
    return found


def activations(
    raw_packages: Sequence[Mapping[str, Any]],
    roots: Sequence[int],
    sets: Sequence[frozenset[str]],
) -> list[tuple[frozenset[str], ...]]:
    """Per entry (in lock order): the choices under which some root reaches it."""
    conflicting = frozenset().union(*sets)
    by_name: dict[str, list[int]] = {}
    for i, package in enumerate(raw_packages):
        by_name.setdefault(normalize_name(str(package.get("name", ""))), []).append(i)
    found: list[list[frozenset[str]]] = [[] for _ in raw_packages]
    for chosen in choices(sets):
        for i in _reached(raw_packages, roots, by_name, conflicting, chosen):
            found[i].append(chosen)
    return [tuple(f) for f in found]


def _reached(
    raw_packages: Sequence[Mapping[str, Any]],
    roots: Sequence[int],
    by_name: Mapping[str, list[int]],
    conflicting: frozenset[str],
    chosen: frozenset[str],
) -> set[int]:
    start = [r for r in roots if _enabled(item(_name(raw_packages[r])), conflicting, chosen)]
    seen = set(start)
    todo = list(start)
    while todo:
        package = raw_packages[todo.pop()]
        for edge in _edges(package, conflicting, chosen):
            marker = edge.get("marker")
            if isinstance(marker, str) and not truth(choose_conflicts(marker, chosen), ACTIVE):
                continue  # an edge for another choice of extras
            for target in _targets(edge, raw_packages, by_name):
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
    return seen


def _enabled(encoded: str, conflicting: frozenset[str], chosen: frozenset[str]) -> bool:
    # Extras and groups in no conflict set may all be enabled at once.
    return encoded not in conflicting or encoded in chosen


def _name(package: Mapping[str, Any]) -> str:
    return str(package.get("name", ""))


def _edges(
    package: Mapping[str, Any], conflicting: frozenset[str], chosen: frozenset[str]
) -> Iterator[Mapping[str, Any]]:
    name = _name(package)
    yield from _list(package.get("dependencies"))
    for key, kind in (("optional-dependencies", "extra"), ("dev-dependencies", "group")):
        table = package.get(key)
        for label, edges in table.items() if isinstance(table, Mapping) else ():
            encoded = item(name, **{kind: str(label)})
            if _enabled(encoded, conflicting, chosen):
                yield from _list(edges)


def _list(value: Any) -> Iterator[Mapping[str, Any]]:
    for entry in value if isinstance(value, list) else ():
        if isinstance(entry, Mapping):
            yield entry


def _targets(
    edge: Mapping[str, Any],
    raw_packages: Sequence[Mapping[str, Any]],
    by_name: Mapping[str, list[int]],
) -> list[int]:
    candidates = by_name.get(normalize_name(str(edge.get("name", ""))), [])
    # uv names the version and source only when the name alone is ambiguous.
    matching = [
        i
        for i in candidates
        if all(edge[k] == raw_packages[i].get(k) for k in ("version", "source") if k in edge)
    ]
    return matching or candidates
