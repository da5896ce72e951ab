"""Running lockcheck's engine on small files written by a test (requirements files above all)."""

from __future__ import annotations

from pathlib import Path

from lockcheck.config import Settings
from lockcheck.discover import Target
from lockcheck.engine import run
from lockcheck.findings import Finding, Report
from lockcheck.model import LockFormat


def report_for(
    path: Path, settings: Settings | None = None, fmt: LockFormat | None = None
) -> Report:
    target = Target(str(path), fmt or LockFormat.REQUIREMENTS)
    # The inline locks of the rule tests hold entries nothing requires (no real tool writes
    # that): LC204 is tested on real fixtures in tests/rules/test_lc204.py, so it is off.
    chosen = settings or Settings()
    chosen = chosen._replace(ignore=(*chosen.ignore, "LC204"))
    return run([target], lambda _p: chosen)


def check(
    path: Path, settings: Settings | None = None, fmt: LockFormat | None = None
) -> list[Finding]:
    report = report_for(path, settings, fmt)
    assert not report.errors, report.errors
    return list(report.findings)


def codes(findings: list[Finding]) -> list[str]:
    return sorted(f.code for f in findings)
