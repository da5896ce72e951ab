"""The lock no longer matches its manifest (pyproject.toml).

## What it does
For poetry.lock and pdm.lock, recomputes the content hash from pyproject.toml the way
poetry and pdm do, and for Pipfile.lock the `_meta.hash` from the Pipfile the way pipenv
does, and compares it with the one recorded in the lock, as `poetry check --lock`,
`pdm lock --check` and `pipenv verify` do. For uv.lock,
compares what uv recorded for the project (and for each workspace member) with what its
pyproject.toml declares now, the way `uv lock --check` does: the `dependencies`,
`optional-dependencies` and `dependency-groups` after uv's own settings (`[tool.uv]
dev-dependencies`, `{include-group = ...}`, `[tool.uv.sources]` with their markers, a
group's `requires-python`), by meaning, so uv's rewriting of markers and specifiers is not
a change; the project's version; and a lone project's `requires-python`. Dependencies that
are `dynamic` cannot be known from pyproject.toml: a note says so, and the rest is
compared. A uv.lock beside a workspace member is not the one uv uses: a note, no finding.
A message names what differs, with the markers, the first three differences.

## Why is this bad?
A stale lock installs something other than what the project declares: a dependency added
to pyproject.toml is missing from the install (or resolved ad hoc, unhashed), a removed
one is still installed, a tightened bound is not applied. Reviewers read pyproject.toml
and trust the lock to follow it.

## How to fix
Run `uv lock`, `poetry lock`, `pdm lock` or `pipenv lock` and commit the result; in CI,
`uv lock --check`, `poetry check --lock`, `pdm lock --check` and `pipenv verify` stop it
happening again.

## Example
pyproject.toml says `dependencies = ["requests>=2.32", "httpx>=0.27"]` and uv.lock was
written before httpx was added.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

from lockcheck.findings import Finding, Severity
from lockcheck.model import REQUIRES_PYTHON_KEY, VERSION_KEY, Lockfile, LockFormat, ManifestState
from lockcheck.rules.base import RuleContext, define

_TOOLS = {
    LockFormat.POETRY: "poetry lock",
    LockFormat.PDM: "pdm lock",
    LockFormat.PIPFILE: "pipenv lock",
}

_NAME = re.compile(r"(?:group [^:]*: )?[^<>=!~;\s]+")
# Keys that are a project setting, not a requirement, and how a message names them.
_SETTINGS = {REQUIRES_PYTHON_KEY: "requires-python", VERSION_KEY: "the project's version"}
# A long list helps nobody: the first few differences say what to look at.
_SHOWN = 3


def _label(key: str, labels: dict[str, str]) -> str:
    return labels.get(key, key).replace(" ; ", "; ", 1)


def _marker(key: str, labels: dict[str, str]) -> str:
    _, _, marker = labels.get(key, key).partition(" ; ")
    return f"marker `{marker}`" if marker else "no marker"


def _project(base: str) -> str:
    """A requirement key's group and name (with extras), without its specifier."""
    found = _NAME.match(base)
    return found.group(0) if found else base


def _differences(state: ManifestState, manifest: str) -> list[str]:
    """What differs, a change to one requirement as one difference: a new marker first,
    then a new specifier, then what was added or removed."""
    labels = dict(state.labels)
    added = sorted(set(state.current) - set(state.recorded))
    removed = sorted(set(state.recorded) - set(state.current))
    by_base: dict[str, list[str]] = {}
    for key in removed:
        by_base.setdefault(key.partition(" ; ")[0], []).append(key)
    found = []
    unpaired = []
    for key in added:
        base = key.partition(" ; ")[0]
        if by_base.get(base) and base in _SETTINGS:
            old = by_base[base].pop(0)
            new = labels.get(key, key).partition(" ; ")[2]
            was = labels.get(old, old).partition(" ; ")[2]
            found.append(f"{_SETTINGS[base]} is `{new}` in {manifest} but `{was}` in the lock")
        elif by_base.get(base):
            old = by_base[base].pop(0)
            found.append(
                f"{base} has {_marker(key, labels)} in {manifest} but "
                f"{_marker(old, labels)} in the lock"
            )
        else:
            unpaired.append(key)
    left = [k for keys in by_base.values() for k in keys]
    for key in unpaired:
        same = next((k for k in left if _project(k) == _project(key)), None)
        if same is not None:
            left.remove(same)
            found.append(
                f"{manifest} declares {_label(key, labels)} where the lock records "
                f"{_label(same, labels)}"
            )
        else:
            found.append(f"{manifest} declares {_label(key, labels)}, the lock does not record it")
    found += [
        f"the lock records {_label(k, labels)}, which {manifest} no longer declares" for k in left
    ]
    return found


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    tool = _TOOLS.get(lock.format, "uv lock")
    for state in lock.manifests:
        manifest = os.path.basename(state.manifest_path)
        if state.recorded == state.current:
            continue
        if state.kind == "content-hash" and not state.recorded:
            message = f"the lock records no content-hash, so it cannot match {manifest}"
        elif state.kind == "content-hash":
            message = (
                f"content-hash {state.recorded[0][:12]}... does not match {manifest} "
                f"(now {state.current[0][:12]}...): the lock predates its last edit"
            )
        else:
            differences = _differences(state, manifest)
            message = "; ".join(differences[:_SHOWN])
            if len(differences) > _SHOWN:
                message += f"; and {len(differences) - _SHOWN} more"
        yield RULE.finding(state.location, message, fix=f"run `{tool}` and commit the result")


RULE = define(__doc__, code="LC201", name="stale-lock", severity=Severity.ERROR, check=check)
