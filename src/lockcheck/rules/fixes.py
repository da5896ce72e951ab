"""Fix hints that name the command to run: the one in the lock's header when it has one."""

from __future__ import annotations

import shlex

from lockcheck.model import Lockfile, LockFormat

_TOOLS = (
    ("uv", "pip", "compile"),
    ("uv", "export"),
    ("pip-compile",),
    ("pdm", "export"),
    ("poetry", "export"),
    ("pipenv", "requirements"),
    ("rye", "lock"),
)
_DEFAULT = {
    LockFormat.REQUIREMENTS: "pip-compile --generate-hashes (or uv pip compile --generate-hashes)",
    LockFormat.UV: "uv lock",
    LockFormat.POETRY: "poetry lock",
    LockFormat.PYLOCK: "uv export --format pylock.toml (or the tool that wrote it)",
    LockFormat.PDM: "pdm lock",
    LockFormat.PIPFILE: "pipenv lock",
}
# Hashes by tool: (option that adds them, option that drops them). pdm and poetry export
# hash by default; pipenv needs --hash; rye reads a setting, not an option.
_HASH_OPTIONS = {
    "pdm export": (None, "--no-hashes"),
    "poetry export": (None, "--without-hashes"),
    "pipenv requirements": ("--hash", None),
}
_RYE_HASHES = "set `generate-hashes = true` under [tool.rye] in pyproject.toml and run `rye lock`"


def regenerate(lock: Lockfile, *, adding: str | None = None, dropping: str | None = None) -> str:
    """``run `<command>``` to rewrite the lock, with an option added or removed."""
    command = lock.generated_by
    if not command:
        return f"regenerate it: {_DEFAULT[lock.format]}"
    try:
        words = shlex.split(command)
    except ValueError:
        return f"regenerate it: {_DEFAULT[lock.format]}"
    writer = tool(lock)
    if adding == "--generate-hashes" and writer == "rye lock":
        return _RYE_HASHES
    if adding == "--generate-hashes" and writer in _HASH_OPTIONS:
        adding, dropping = _HASH_OPTIONS[writer]
    if dropping:
        words = [w for w in words if w != dropping]
    if adding and adding not in words:
        at = next((len(t) for t in _TOOLS if tuple(words[: len(t)]) == t), len(words))
        words.insert(at, adding)
    return f"run `{shlex.join(words)}`"


def tool(lock: Lockfile) -> str | None:
    """Which tool wrote a requirements file: "uv export", "pdm export", "pip-compile", ..."""
    if not lock.generated_by:
        return None
    words = lock.generated_by.split()
    return next((" ".join(t) for t in _TOOLS if tuple(words[: len(t)]) == t), None)
