"""LC006 editable-requirement on `-e .`: the finding names the project (from its
pyproject.toml) or no package at all, never the text `-e .`, so a waiver can match it."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from lockcheck.config import Settings, Waiver
from lockcheck.findings import Finding
from lockcheck.model import LockFormat
from rules.conftest import H1, UV_ROOT, pylock, pylock_package, uv_lock, uv_unhashed
from support_requirements import check, codes, report_for

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


def test_requirements_editable(write: Writer) -> None:
    write("proj/pyproject.toml", "[project]\nname='p'\nversion='1'\n")
    findings = check(write("requirements.txt", f"-e ./proj\nfoo==1.0 --hash={H1}\n"))
    assert codes(findings) == ["LC006"]
    vcs = check(write("r2.txt", "-e git+https://git.example.test/o/r.git@" + "a" * 40 + "#egg=r\n"))
    # An editable VCS checkout is one problem for LC006, not LC007 as well.
    assert codes(vcs) == ["LC006"]


def test_uv_only_for_editables_outside_the_workspace(write: Writer) -> None:
    member = uv_unhashed("core", "0.1.0", '{ editable = "packages/core" }')
    outside = uv_unhashed("shared", "0.1.0", '{ editable = "../shared" }')
    findings = check(write("uv.lock", uv_lock(UV_ROOT, member, outside)), fmt=LockFormat.UV)
    assert [(f.code, f.package) for f in findings] == [("LC006", "shared")]


def test_pylock_sources(write: Writer) -> None:
    editable = pylock_package("app", "0.1", body='directory = { path = ".", editable = true }')
    vcs = pylock_package(
        "lib",
        "1.0",
        body=(
            'vcs = { type = "git", url = "https://git.example.test/lib.git", '
            'requested-revision = "main" }'
        ),
    )
    findings = check(write("pylock.toml", pylock(editable, vcs)), fmt=LockFormat.PYLOCK)
    # pip refuses editables in hash mode: in pylock.toml even the project's own is flagged.
    assert sorted((f.code, f.package) for f in findings) == [
        ("LC006", "app"),
        ("LC007", "lib"),
        ("LC008", "lib"),
    ]
