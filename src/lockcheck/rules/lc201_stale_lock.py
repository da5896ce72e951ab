"""The lock no longer matches its manifest (pyproject.toml).

## What it does
For poetry.lock (lock-version 2.x) and pdm.lock, recomputes the content hash from
pyproject.toml the way poetry and pdm do, and for Pipfile.lock the `_meta.hash` from the
Pipfile the way pipenv does, and compares it with the one recorded in the lock. For uv.lock, compares
the requirements recorded for the project (and for each workspace member) with the
`dependencies`, `optional-dependencies` and `dependency-groups` its pyproject.toml
declares now, by meaning: uv's rewriting of markers and specifiers is not a change.

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
from collections.abc import Iterator

from lockcheck.findings import Finding, Severity
from lockcheck.model import Lockfile, LockFormat
from lockcheck.rules.base import RuleContext, define

_TOOLS = {
    LockFormat.POETRY: "poetry lock",
    LockFormat.PDM: "pdm lock",
    LockFormat.PIPFILE: "pipenv lock",
}


def _shown(key: str) -> str:
    requirement, _, marker = key.partition(" ; ")
    return f"{requirement} (with a marker)" if marker else requirement


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    tool = _TOOLS.get(lock.format, "uv lock")
    for state in lock.manifests:
        manifest = os.path.basename(state.manifest_path)
        if state.recorded == state.current:
            continue
        if state.kind == "content-hash":
            recorded = state.recorded[0] if state.recorded else "nothing"
            message = (
                f"content-hash {recorded[:12]}... does not match {manifest} "
                f"(now {state.current[0][:12]}...): the lock predates its last edit"
            )
        else:
            added = sorted(set(state.current) - set(state.recorded))
            removed = sorted(set(state.recorded) - set(state.current))
            parts = []
            if added:
                parts.append(
                    f"{manifest} declares {', '.join(map(_shown, added))} "
                    "which the lock does not record"
                )
            if removed:
                parts.append(
                    f"the lock records {', '.join(map(_shown, removed))} "
                    f"which {manifest} no longer declares"
                )
            message = "; ".join(parts)
        yield RULE.finding(state.location, message, fix=f"run `{tool}` and commit the result")


RULE = define(__doc__, code="LC201", name="stale-lock", severity=Severity.ERROR, check=check)
