"""Can two environment markers both be true? Decided on a grid of real environments.

Marker algebra in general is hard; the environments a lock is installed in are few. Two
markers overlap when some (platform, Python version, implementation) makes both true.
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
from functools import cache

_PLATFORMS = (
    ("linux", "Linux", "posix", ("x86_64", "aarch64")),
    ("win32", "Windows", "nt", ("AMD64", "ARM64")),
    ("darwin", "Darwin", "posix", ("x86_64", "arm64")),
)
_PYTHONS = tuple(f"3.{minor}" for minor in range(8, 16))
_IMPLEMENTATIONS = (("cpython", "CPython"), ("pypy", "PyPy"))
_LEGACY_NAME = re.compile(r"\b(?:os|sys|platform)\.[a-z_]+|python_implementation")
_VARIABLES = (
    "sys_platform",
    "platform_system",
    "os_name",
    "platform_machine",
    "python_version",
    "python_full_version",
    "implementation_name",
    "platform_python_implementation",
    "implementation_version",
    "platform_release",
    "platform_version",
)


@cache
def environments() -> tuple[dict[str, str], ...]:
    grid = []
    for (sys_platform, system, os_name, machines), python, (impl, impl_name) in itertools.product(
        _PLATFORMS, _PYTHONS, _IMPLEMENTATIONS
    ):
        for machine in machines:
            grid.append(
                {
                    "sys_platform": sys_platform,
                    "platform_system": system,
                    "os_name": os_name,
                    "platform_machine": machine,
                    "python_version": python,
                    "python_full_version": f"{python}.0",
                    "implementation_name": impl,
                    "platform_python_implementation": impl_name,
                    "implementation_version": "",
                    "platform_release": "",
                    "platform_version": "",
                    "extra": "",
                }
            )
    return tuple(grid)


@cache
def truth(marker: str | None, extra: str = "") -> int:
    """The environments (bits, in grid order) where the marker holds; cached per marker,
    since a lock repeats the same few markers many times."""
    if not marker:
        return (1 << len(environments())) - 1
    from packaging.markers import Marker

    try:
        compiled = Marker(marker)
    except Exception:  # an unparsable marker: assume it can hold anywhere (fail closed)
        return (1 << len(environments())) - 1
    # Evaluate once per distinct combination of the variables the marker mentions: a
    # python_full_version marker needs 8 evaluations, not one per environment.
    used = [name for name in _VARIABLES if name in marker]
    if _LEGACY_NAME.search(marker):  # os.name, sys.platform, ...: take every variable
        used = list(_VARIABLES)
    seen: dict[tuple[str, ...], bool] = {}
    bits = 0
    for i, env in enumerate(environments()):
        key = tuple(env[name] for name in used)
        holds = seen.get(key)
        if holds is None:
            try:
                holds = bool(compiled.evaluate({**env, "extra": extra}))
            except Exception:  # an unevaluable comparison: assume it can hold (fail closed)
                holds = True
            seen[key] = holds
        if holds:
            bits |= 1 << i
    return bits


def overlap(first: str | None, second: str | None, within: int = -1) -> dict[str, str] | None:
    """An environment where both markers hold (None marker = always), or None if none does;
    only environments in ``within`` (bits, see ``supported``) count."""
    both = truth(first, ACTIVE) & truth(second, ACTIVE) & within
    if not both:
        return None
    return environments()[(both & -both).bit_length() - 1]


@cache
def supported(python: str | None, markers: tuple[str, ...] = ()) -> int:
    """The environments a lock is for: admitted by its requires-python and, when it names
    any (uv `environments`), by one of its markers."""
    bits = 0
    for i, env in enumerate(environments()):
        if admits(python, env["python_full_version"]):
            bits |= 1 << i
    if markers:
        bits &= functools.reduce(operator.or_, (truth(m) for m in markers), 0)
    return bits


# uv writes a choice of conflicting extras/groups into markers as a synthetic extra:
# `extra == 'extra-5-myapp-cpu'`, `extra != 'group-5-myapp-dev'`, `extra == 'project-5-myapp'`.
_CONFLICT_CLAUSE = re.compile(
    r"""extra\s*(==|!=)\s*(['"])((?:extra|group|project)-[0-9]+-[^'"]+)\2"""
)
# With `extra` set to ACTIVE, a clause rewritten to `extra == ACTIVE` holds, and one
# rewritten to `extra == INACTIVE` does not (marker syntax has no true/false literal).
ACTIVE = "lockcheck-active"
_HOLDS = f"extra == '{ACTIVE}'"
_FAILS = "extra == 'lockcheck-inactive'"


def choose_conflicts(marker: str | None, chosen: frozenset[str]) -> str | None:
    """The marker with uv's conflict clauses decided for the extras/groups in ``chosen``
    (evaluate the result with ``truth(..., ACTIVE)``)."""
    if not marker or "extra" not in marker:
        return marker

    def decide(found: re.Match[str]) -> str:
        active = found.group(3) in chosen
        return _HOLDS if active == (found.group(1) == "==") else _FAILS

    return _CONFLICT_CLAUSE.sub(decide, marker)


def describe(env: dict[str, str]) -> str:
    return f"{env['sys_platform']}, Python {env['python_version']} ({env['implementation_name']})"


@cache
def admits(python: str | None, version: str) -> bool:
    """Does the requires-python specifier ``python`` admit this Python version? (No
    specifier, or one that does not parse, admits every version: nothing is guessed.)"""
    if not python:
        return True
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return SpecifierSet(python).contains(version, prereleases=True)
    except InvalidSpecifier:
        return True
