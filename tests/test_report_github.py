"""--format github: GitHub Actions workflow commands, one annotation per finding."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import run_cli
from lockcheck.findings import ErrorEntry, Finding, Report, Severity
from lockcheck.model import Location
from lockcheck.report import github

Writer = Callable[..., Path]


def finding(
    severity: Severity,
    message: str = "no hash: pip installs it unchecked",
    path: str = "requirements.txt",
    line: int | None = 3,
) -> Finding:
    return Finding("LC002", "missing-hash", severity, Location(path, line), message)


def lines_of(*findings: Finding, errors: tuple[ErrorEntry, ...] = ()) -> list[str]:
    return github.render(Report((), findings, errors), quiet=True).splitlines()


def test_one_command_per_severity() -> None:
    assert lines_of(
        finding(Severity.ERROR)._replace(package="six", version="1.16.0"),
        finding(Severity.WARNING),
        finding(Severity.NOTE),
    ) == [
        "::error file=requirements.txt,line=3,title=LC002 missing-hash::"
        "six==1.16.0: no hash: pip installs it unchecked",
        "::warning file=requirements.txt,line=3,title=LC002 missing-hash::"
        "no hash: pip installs it unchecked",
        "::notice file=requirements.txt,line=3,title=LC002 missing-hash::"
        "no hash: pip installs it unchecked",
    ]


def test_annotation_says_the_fix_on_its_second_line() -> None:
    fixed = finding(Severity.ERROR)._replace(fix="regenerate it: uv export --format x, y")
    (line,) = lines_of(fixed)
    assert line.endswith(
        "::no hash: pip installs it unchecked%0Afix: regenerate it: uv export --format x, y"
    )
    (unfixed,) = lines_of(finding(Severity.ERROR))
    assert "fix" not in unfixed


def test_escaping_of_message_and_properties() -> None:
    (line,) = lines_of(
        finding(Severity.ERROR, message="100% sure,\r\nsecond: line", path="a,b:c/req.txt")
    )
    # The Report shows control characters as escapes (the output boundary); what is left
    # for the workflow command to escape is its own syntax.
    assert line == (
        "::error file=a%2Cb%3Ac/req.txt,line=3,title=LC002 missing-hash::"
        "100%25 sure,\\x0d\\x0asecond: line"
    )
    assert github.escape_property("50%,\n:") == "50%25%2C%0A%3A"
    assert github.escape_data("a\r\nb") == "a%0D%0Ab"


def test_line_omitted_when_there_is_none() -> None:
    assert lines_of(finding(Severity.WARNING, path="uv.lock", line=None)) == [
        "::warning file=uv.lock,title=LC002 missing-hash::no hash: pip installs it unchecked"
    ]


def test_waived_skipped_errors_reported() -> None:
    errors = (ErrorEntry("r3.txt", 1, "no such option"), ErrorEntry("x.lock", None, "bad"))
    assert lines_of(
        finding(Severity.ERROR)._replace(waived=True, waiver_reason="ok"), errors=errors
    ) == [
        "::error file=r3.txt,line=1,title=input error::no such option",
        "::error file=x.lock,title=input error::bad",
    ]


def test_credentials_redacted() -> None:
    url = "https://ci:s3cr3tTOKEN@idx.example.test/simple"
    out = "\n".join(
        lines_of(finding(Severity.ERROR, message=f"see {url}"), errors=(ErrorEntry("r", 1, url),))
    )
    assert "s3cr3tTOKEN" not in out
    assert "https://***@idx.example.test/simple" in out


def test_from_the_command_line(write: Writer) -> None:
    lock = write(
        "locks/requirements.txt", "six==1.16.0 --hash=sha256:" + "a" * 64 + "\nidna==3.7\n"
    )
    result = run_cli("check", "--format", "github", str(lock))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "::error file=locks/requirements.txt,line=2,title=LC002 missing-hash::"
        "idna==3.7: no hash: pip installs it unchecked%0A"
        "fix: regenerate it: pip-compile --generate-hashes (or uv pip compile --generate-hashes)",
        "Checked 1 file (1 requirements), 2 packages: 1 finding (1 error). "
        "LC301-LC309 skipped: they need --verify.",
    ]
    quiet = run_cli("check", "--format", "github", "--quiet", str(lock))
    assert len(quiet.stdout.splitlines()) == 1
