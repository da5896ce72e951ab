"""Edited copies of real fixture locks for LC203/LC204 (fixtures/README.md, "Graph edits").

The locks are the ones uv, poetry and pdm wrote under fixtures/projects/; each edit is
one deliberate change: an entry removed (a dependency now missing), an entry copied in
from another real lock with its genuine hashes (a package nothing requires), or a line of
the header changed (the environments the lock covers).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "projects"


def _blocks(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of every [[package]] block: up to the next [[package]] or the
    next table that is not one of the package's own ([metadata], [manifest])."""
    starts = [m.start() for m in re.finditer(r"(?m)^\[\[package\]\]\n", text)]
    blocks = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        other = re.compile(r"(?m)^\[(?!package[.\]])").search(text, start + 1, end)
        end = other.start() if other else end
        name = re.search(r'(?m)^name = "([^"]+)"', text[start:end])
        assert name is not None
        blocks.append((start, end, name.group(1)))
    return blocks


def package_block(text: str, name: str) -> str:
    found = [text[s:e] for s, e, n in _blocks(text) if n == name]
    assert len(found) == 1, f"{name}: {len(found)} entries"
    return found[0].rstrip("\n") + "\n\n"


def without_package(text: str, name: str) -> str:
    for start, end, found in _blocks(text):
        if found == name:
            return text[:start] + text[end:]
    raise AssertionError(f"no entry {name}")


def with_package(text: str, block: str) -> str:
    """The block added after the last entry (before poetry's trailing [metadata])."""
    end = _blocks(text)[-1][1]
    return text[:end].rstrip("\n") + "\n\n" + block + text[end:].lstrip("\n")


def copy_project(name: str, into: Path, lock: str) -> Path:
    """The lock and the pyproject.toml of a fixture project, copied into ``into``."""
    into.mkdir(parents=True, exist_ok=True)
    for file in (lock, "pyproject.toml"):
        source = FIXTURES / name / file
        if source.exists():
            shutil.copyfile(source, into / file)
    return into / lock


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)
