"""What a rule is, and what it is given.

A rule is a pure function of a Lockfile, the settings and (for LC3xx) an immutable index
snapshot. It never does I/O. Its module docstring is its documentation: a summary line,
then ``## What it does``, ``## Why is this bad?``, ``## How to fix`` and ``## Example``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

from lockcheck.config import Settings
from lockcheck.findings import Finding, Severity
from lockcheck.index.snapshot import IndexSnapshot
from lockcheck.model import Location, LockedPackage, Lockfile


@dataclass(frozen=True)
class RuleContext:
    """What a rule is given besides the lockfile."""

    settings: Settings
    # What the index said, fetched once up front: present only with --verify, for the
    # rules that need it (the engine runs no such rule without it).
    index: IndexSnapshot | None = None


CheckFn = Callable[[Lockfile, RuleContext], Iterable[Finding]]
DOC_SECTIONS = ("## What it does", "## Why is this bad?", "## How to fix", "## Example")


class Rule(NamedTuple):
    code: str
    name: str
    severity: Severity
    doc: str
    check: CheckFn
    needs_index: bool = False
    # Runs without the index too, and reads the snapshot when --verify gives one (LC203
    # on files without dependency edges): --verify builds one for it.
    reads_index: bool = False

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0].strip()

    def finding(
        self,
        location: Location,
        message: str,
        *,
        package: LockedPackage | None = None,
        fix: str | None = None,
    ) -> Finding:
        return Finding(
            code=self.code,
            name=self.name,
            severity=self.severity,
            location=location,
            message=message,
            package=(package.name or None) if package else None,
            version=package.version if package else None,
            fix=fix,
        )


def define(
    doc: str | None,
    *,
    code: str,
    name: str,
    severity: Severity,
    check: CheckFn,
    needs_index: bool = False,
    reads_index: bool = False,
) -> Rule:
    """Declare a rule; its module's docstring is its documentation and must be complete."""
    if not doc:
        raise AssertionError(f"{code} has no docstring")
    missing = [s for s in DOC_SECTIONS if s not in doc]
    if missing:
        raise AssertionError(f"{code} docstring lacks {', '.join(missing)}")
    return Rule(code, name, severity, doc, check, needs_index, reads_index)
