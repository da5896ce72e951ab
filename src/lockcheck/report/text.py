"""Findings for people: one line each (``path:line: CODE name pkg==ver: message``, which
editors and terminals make clickable), grouped by file, each with its fix, then a summary.
Colour on terminals, honouring NO_COLOR and FORCE_COLOR."""

from __future__ import annotations

import os
from collections import Counter
from itertools import groupby
from typing import TextIO

from lockcheck.findings import ErrorEntry, Finding, Report, Severity
from lockcheck.model import Note
from lockcheck.report import display_path

_SEVERITY_COLOUR = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.NOTE: "36"}


def use_colour(stream: TextIO, environ: dict[str, str] | None = None) -> bool:
    """NO_COLOR (any value) wins, then FORCE_COLOR (not "0"), then: is it a terminal?"""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    force = env.get("FORCE_COLOR")
    if force is not None and force not in ("", "0"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class _Style:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, codes: str, text: str) -> str:
        return f"\033[{codes}m{text}\033[0m" if self.enabled else text


def _where(path: str, line: int | None) -> str:
    """``path:line``, the start of every line for a finding, error or note.

    A file named ``::error::...`` must not start a line: CI runners read a line that
    starts with ``::`` (after blanks) as a workflow command.
    """
    location = display_path(path)
    if location.lstrip().startswith("::"):
        location = "./" + location
    return location if line is None else f"{location}:{line}"


def finding_line(finding: Finding, style: _Style | None = None) -> str:
    style = style or _Style(False)
    location = _where(finding.location.path, finding.location.line)
    code = style(f"1;{_SEVERITY_COLOUR[finding.severity]}", finding.code)
    head = f"{style('1', location)}: {code} {finding.name}"
    if finding.subject:
        head += f" {finding.subject}"
    return f"{head}: {finding.message}"


def error_line(error: ErrorEntry) -> str:
    location = _where(error.path, error.line)
    return f"{location}: error: {error.message}"


def note_line(note: Note) -> str:
    location = _where(note.location.path, note.location.line)
    return f"{location}: note: {note.message}"


def render(report: Report, *, quiet: bool = False, colour: bool = False) -> str:
    style = _Style(colour)
    lines: list[str] = []
    active = [f for f in report.findings if not f.waived]
    for _path, group in groupby(active, key=lambda f: f.location.path):
        if lines and not quiet:
            lines.append("")
        for finding in group:
            lines.append(finding_line(finding, style))
            if finding.fix and not quiet:
                lines.append(style("2", f"    fix: {finding.fix}"))
    if report.notes and not quiet:
        if lines:
            lines.append("")
        lines.extend(style("36", note_line(note)) for note in report.notes)
    if not quiet:
        if lines:
            lines.append("")
        lines.append(summary(report, style))
    return "\n".join(lines) + ("\n" if lines else "")


def summary(report: Report, style: _Style | None = None) -> str:
    style = style or _Style(False)
    formats = Counter(f.format.value for f in report.files)
    kinds = ", ".join(f"{n} {fmt}" for fmt, n in sorted(formats.items()))
    parts = [
        f"Checked {_plural(len(report.files), 'file')}"
        + (f" ({kinds})" if kinds else "")
        + f", {_plural(report.packages, 'package')}"
    ]
    active = [f for f in report.findings if not f.waived]
    by_severity = Counter(f.severity for f in active)
    if active:
        counts = ", ".join(
            style(_SEVERITY_COLOUR[s], _plural(by_severity[s], s.value))
            for s in (Severity.ERROR, Severity.WARNING, Severity.NOTE)
            if by_severity[s]
        )
        parts.append(f"{_plural(len(active), 'finding')} ({counts})")
    else:
        parts.append(style("32", "no findings"))
    waived = len(report.findings) - len(active)
    if waived:
        parts.append(f"{waived} waived")
    if report.errors:
        parts.append(style("1;31", _plural(len(report.errors), "input error")))
    line = ": ".join(parts[:2]) + "".join(f", {p}" for p in parts[2:]) + "."
    if report.verified or report.unverified:
        line += f" Verified {_plural(report.verified, 'package')} against the index"
        line += f", {report.unverified} could not be." if report.unverified else "."
    if report.skipped_codes:
        line += f" {code_ranges(report.skipped_codes)} skipped: they need --verify."
    return line


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


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
