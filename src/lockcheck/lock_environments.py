"""Which environments a requirements file, pylock.toml or Pipfile.lock was made for.

A requirements file says so in the command its header records: `--universal` (every
platform, from `--python-version` on), `--python-version`/`--python-platform` (one Python,
one platform), or an export from a lock (`uv export`, `poetry export`, `pdm export`:
universal, with markers on the lines). Without any of that (pip-compile, a hand-written
file, Pipfile.lock) the file was resolved for the interpreter that wrote it, which
lockcheck cannot know: it judges for the running interpreter, and says so.
"""

from __future__ import annotations

import platform
import shlex
import sys
from typing import NamedTuple

from lockcheck.markers import environments, supported
from lockcheck.model import Lockfile, LockFormat

_UNIVERSAL_TOOLS = (("uv", "export"), ("poetry", "export"), ("pdm", "export"))
# uv's --python-platform values, by prefix: (sys_platform, platform_machine or None).
_PLATFORMS: tuple[tuple[str, str, str | None], ...] = (
    ("windows", "win32", None),
    ("linux", "linux", None),
    ("macos", "darwin", None),
    ("x86_64-pc-windows", "win32", "AMD64"),
    ("aarch64-pc-windows", "win32", "ARM64"),
    ("x86_64-unknown-linux", "linux", "x86_64"),
    ("aarch64-unknown-linux", "linux", "aarch64"),
    ("x86_64-manylinux", "linux", "x86_64"),
    ("aarch64-manylinux", "linux", "aarch64"),
    ("x86_64-apple-darwin", "darwin", "x86_64"),
    ("aarch64-apple-darwin", "darwin", "arm64"),
)


class Targets(NamedTuple):
    """The environments (bits of ``markers.environments()``) a file is for, and the note
    to show when they were guessed from the running interpreter."""

    bits: int
    note: str | None = None


def targets(lock: Lockfile) -> Targets:
    if lock.format is LockFormat.PYLOCK:
        return Targets(supported(lock.requires_python, lock.supported_markers))
    words = _words(lock.generated_by) if lock.format is LockFormat.REQUIREMENTS else []
    python = _option(words, "--python-version") or _option(words, "--python")
    export = any(tuple(words[: len(tool)]) == tool for tool in _UNIVERSAL_TOOLS)
    if export or "--universal" in words:
        if python and _plain(python):
            return Targets(supported(f">={python}"))
        # The oldest Python it was resolved for is not written down (the project's
        # requires-python, or the interpreter's): a dependency only older Pythons need
        # may rightly be absent, so judge from the running interpreter's version on.
        return Targets(
            supported(f">={_running_python()}"),
            f"LC203 judged this universal file for Python {_running_python()} and newer "
            "(the running interpreter): its header names no --python-version",
        )
    system = _option(words, "--python-platform")
    if python or system:
        return Targets(_matching(python, system))
    here = _interpreter()
    return Targets(
        here,
        f"LC203 judged dependencies for the running interpreter "
        f"({platform.python_implementation()} {sys.version_info[0]}.{sys.version_info[1]} "
        f"on {sys.platform}): the file does not say which environments it is for",
    )


def _words(command: str | None) -> list[str]:
    if not command:
        return []
    try:
        return shlex.split(command)
    except ValueError:
        return command.split()


def _option(words: list[str], name: str) -> str | None:
    for i, word in enumerate(words):
        if word == name and i + 1 < len(words):
            return words[i + 1]
        if word.startswith(name + "="):
            return word.split("=", 1)[1]
    return None


def _plain(version: str) -> bool:
    return all(part.isdigit() for part in version.split("."))


def _matching(python: str | None, system: str | None) -> int:
    """Grid environments of one Python version (minor) on one platform (the running one
    when the command names none)."""
    machine: str | None
    if system is None:
        wanted_platform, machine = sys.platform, _machine()
    else:
        found = next((p for p in _PLATFORMS if system.lower().startswith(p[0])), None)
        if found is None:
            return 0  # a platform this does not know: judge nothing rather than guess
        wanted_platform, machine = found[1], found[2]
    minor = ".".join((python or _running_python()).split(".")[:2])
    bits = 0
    for i, env in enumerate(environments()):
        if env["sys_platform"] != wanted_platform or env["python_version"] != minor:
            continue
        if machine is not None and env["platform_machine"] != machine:
            continue
        bits |= 1 << i
    return bits


def _interpreter() -> int:
    bits = 0
    implementation = sys.implementation.name
    for i, env in enumerate(environments()):
        if (
            env["sys_platform"] == sys.platform
            and env["python_version"] == _running_python()
            and env["implementation_name"] == implementation
            and env["platform_machine"] == _machine()
        ):
            bits |= 1 << i
    # An interpreter the grid does not hold (another machine, a newer Python): the
    # nearest the grid has, its platform and Python version alone.
    return bits or _matching(None, None)


def _running_python() -> str:
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


def _machine() -> str:
    machine = platform.machine()
    return {"amd64": "AMD64", "arm64": "arm64" if sys.platform == "darwin" else "aarch64"}.get(
        machine.lower(), machine
    )
