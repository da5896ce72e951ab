"""GitHub Actions workflow commands: each finding becomes an annotation on the lockfile."""

from __future__ import annotations

import os

from lockcheck.findings import ErrorEntry, Finding, Report, Severity
from lockcheck.report import display_path
from lockcheck.report.sarif import SourceRoots
from lockcheck.report.text import summary

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def escape_data(text: str) -> str:
    """A command's message: GitHub's runner decodes %25, %0D and %0A back."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value, where ``:`` and ``,`` would otherwise end it."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(
    name: str, roots: SourceRoots, path: str, line: int | None, title: str, message: str
) -> str:
    # Annotations attach to files by their path in the repository, not the working directory.
    found = roots.relative(path)
    shown = found[1] if found else display_path(path).replace(os.sep, "/")
    properties = [f"file={escape_property(shown)}"]
    if line is not None:
        properties.append(f"line={line}")
    properties.append(f"title={escape_property(title)}")
    return f"::{name} {','.join(properties)}::{escape_data(message)}"


def finding_command(finding: Finding, roots: SourceRoots) -> str:
    message = finding.message
    if finding.subject:
        message = f"{finding.subject}: {message}"
    return _command(
        _COMMANDS[finding.severity],
        roots,
        finding.location.path,
        finding.location.line,
        f"{finding.code} {finding.name}",
        message,
    )


def error_command(error: ErrorEntry, roots: SourceRoots) -> str:
    return _command("error", roots, error.path, error.line, "input error", error.message)


def render(report: Report, *, quiet: bool = False, cwd: str | None = None) -> str:
    roots = SourceRoots(cwd)
    lines = [finding_command(f, roots) for f in report.findings if not f.waived]
    lines += [error_command(e, roots) for e in report.errors]
    lines += [
        _command("notice", roots, n.location.path, n.location.line, "lockcheck note", n.message)
        for n in report.notes
    ]
    if not quiet:
        lines.append(summary(report))
    return "\n".join(lines) + ("\n" if lines else "")
