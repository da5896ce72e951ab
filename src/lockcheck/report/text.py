"""One line per finding, then a summary line."""

from __future__ import annotations

from collections import Counter

from lockcheck.findings import ErrorEntry, Finding, Report, Severity
from lockcheck.report import display_path
from lockcheck.urls import redact


def finding_line(finding: Finding) -> str:
    location = display_path(finding.location.path)
    if finding.location.line is not None:
        location += f":{finding.location.line}"
    head = f"{location}: {finding.code} {finding.name}"
    if finding.package:
        head += f" {finding.package}" + (f"=={finding.version}" if finding.version else "")
    return f"{head}: {redact(finding.message)}"


def error_line(error: ErrorEntry) -> str:
    location = display_path(error.path)
    if error.line is not None:
        location += f":{error.line}"
    return f"{location}: error: {redact(error.message)}"


def render(report: Report, *, quiet: bool = False) -> str:
    lines = [finding_line(f) for f in report.findings if not f.waived]
    if not quiet:
        lines.append(summary(report))
    return "\n".join(lines) + ("\n" if lines else "")


def summary(report: Report) -> str:
    formats = Counter(f.format.value for f in report.files)
    kinds = ", ".join(f"{n} {fmt}" for fmt, n in sorted(formats.items()))
    files = f"{len(report.files)} file{'s' if len(report.files) != 1 else ''}"
    parts = [
        f"Checked {files}"
        + (f" ({kinds})" if kinds else "")
        + f", {report.packages} package{'s' if report.packages != 1 else ''}"
    ]
    active = [f for f in report.findings if not f.waived]
    by_severity = Counter(f.severity for f in active)
    if active:
        counts = ", ".join(
            f"{by_severity[s]} {s.value}{'s' if by_severity[s] != 1 else ''}"
            for s in (Severity.ERROR, Severity.WARNING, Severity.NOTE)
            if by_severity[s]
        )
        parts.append(f"{len(active)} finding{'s' if len(active) != 1 else ''} ({counts})")
    else:
        parts.append("no findings")
    waived = len(report.findings) - len(active)
    if waived:
        parts.append(f"{waived} waived")
    if report.errors:
        parts.append(f"{len(report.errors)} input error{'s' if len(report.errors) != 1 else ''}")
    line = ": ".join(parts[:2]) + "".join(f", {p}" for p in parts[2:]) + "."
    if report.skipped_codes:
        line += f" {code_ranges(report.skipped_codes)} skipped: they need --verify."
    return line


def code_ranges(codes: tuple[str, ...]) -> str:
    """LC301, LC302, LC303, LC305 -> "LC301-LC303, LC305"."""
    numbers = sorted(int(c[2:]) for c in codes)
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(
        f"LC{r[0]:03d}" if len(r) == 1 else f"LC{r[0]:03d}-LC{r[-1]:03d}" for r in runs
    )
