"""LC006 editable-requirement on `-e .`: the finding names the project (from its
pyproject.toml) or no package at all, never the text `-e .`, so a waiver can match it."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from lockcheck.config import Settings, Waiver
from lockcheck.findings import Finding
from support_requirements import check, report_for

Writer = Callable[..., Path]
SOON = dt.date.today() + dt.timedelta(days=30)


def lc006(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.code == "LC006"]


def test_package_is_the_project_name(write: Writer, tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write("pyproject.toml", '[project]\nname = "Acme.App"\nversion = "1.0"\n')
    [finding] = lc006(check(write("requirements.txt", "-e .\n")))
    assert finding.package == "acme-app"
    assert finding.subject == "acme-app"


def test_package_is_null_without_a_name(write: Writer, tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write("setup.py", "")  # a project pip can install, with no pyproject.toml to name it
    report = report_for(write("requirements.txt", "-e .\n"))
    [finding] = lc006(list(report.findings))
    assert finding.package is None
    assert finding.message.startswith("-e .: editable install")


def test_unnamed_editables_are_no_conflict(write: Writer, tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    findings = check(write("requirements.txt", "-e ./a\n-e ./b\n-e ./a[extra]\n"))
    assert sorted((f.code, f.location.line) for f in findings) == [
        ("LC006", 1),
        ("LC006", 2),
        ("LC006", 3),
    ]


def test_a_waiver_matches_the_project_name(write: Writer, tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write("pyproject.toml", '[project]\nname = "acme-app"\nversion = "1.0"\n')
    waiver = Waiver(
        code="LC006", reason="installed after the lock", expires=SOON, package="acme-app"
    )
    settings = Settings(waivers=(waiver,))
    [finding] = lc006(check(write("requirements.txt", "-e .\n"), settings))
    assert finding.waived


def test_json_report_says_null(write: Writer, tmp_path: Path) -> None:
    from conftest import run_cli

    (tmp_path / ".git").mkdir()
    path = write("requirements.txt", "-e ./tool\n")
    result = run_cli("check", "--format", "json", str(path))
    [finding] = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "LC006"]
    assert finding["package"] is None
