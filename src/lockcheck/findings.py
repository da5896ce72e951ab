"""What rules report, and the report the engine hands to reporters."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum
from typing import NamedTuple

from lockcheck.model import Location, LockFormat, Note
from lockcheck.safetext import safe, safe_optional


class Severity(str, Enum):
    NOTE = "note"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls(value.strip().lower())
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {value!r} (choose from {choices})") from None


_RANK = {Severity.NOTE: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True)
class Finding:
    code: str
    name: str
    severity: Severity
    location: Location
    message: str
    package: str | None = None
    version: str | None = None
    fix: str | None = None
    waived: bool = False
    waiver_reason: str | None = None

    @property
    def subject(self) -> str | None:
        """``name==version``, or the name, of the package the finding is about."""
        if not self.package:
            return None
        return self.package + (f"=={self.version}" if self.version else "")

    def with_severity(self, severity: Severity) -> Finding:
        return replace(self, severity=severity)

    def sanitized(self) -> Finding:
        """Every string of it in its printable, redacted form (see ``Report``)."""
        return replace(
            self,
            code=safe(self.code),
            name=safe(self.name),
            location=_safe_location(self.location),
            message=safe(self.message),
            package=safe_optional(self.package),
            version=safe_optional(self.version),
            fix=safe_optional(self.fix),
            waiver_reason=safe_optional(self.waiver_reason),
        )

    @property
    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.location.path, self.location.line or 0, self.code, self.message)


class FileSummary(NamedTuple):
    path: str
    format: LockFormat
    packages: int


class ErrorEntry(NamedTuple):
    """Input that could not be read: reported, counted for exit code 2, never a traceback."""

    path: str
    line: int | None
    message: str

    @classmethod
    def of(cls, path: str, line: int | None, message: str) -> ErrorEntry:
        # One line per error, whatever a third-party message looked like.
        return cls(path, line, " ".join(message.split()))


def _safe_location(location: Location) -> Location:
    return Location(safe(location.path), location.line)


@dataclass(frozen=True)
class Report:
    """What every reporter renders, and the output boundary (design.md).

    Its strings (names, versions, URLs, messages, fixes, reasons, file names, notes) came
    from lockfiles, configuration and the index; a Report holds them only redacted of
    credentials and with control characters escaped, however it is built, so no reporter
    and no message on standard error can print them raw.
    """

    files: tuple[FileSummary, ...]
    findings: tuple[Finding, ...]
    errors: tuple[ErrorEntry, ...]
    # Per finding: does it count against the run (severity at or above its file's fail-on)?
    failing: frozenset[Finding] = field(default_factory=frozenset)
    skipped_codes: tuple[str, ...] = ()  # selected rules that did not run (LC3xx without --verify)
    # What lockcheck could not judge: shown after the findings, never in the exit code.
    notes: tuple[Note, ...] = ()
    verified: int = 0
    unverified: int = 0

    def __post_init__(self) -> None:
        fields = {
            "files": tuple(FileSummary(safe(f.path), f.format, f.packages) for f in self.files),
            "findings": tuple(f.sanitized() for f in self.findings),
            "errors": tuple(ErrorEntry(safe(e.path), e.line, safe(e.message)) for e in self.errors),
            "failing": frozenset(f.sanitized() for f in self.failing),
            "notes": tuple(Note(_safe_location(n.location), safe(n.message)) for n in self.notes),
        }
        for name, value in fields.items():
            # Frozen, and meant to be: this is the one place its fields are rewritten.
            object.__setattr__(self, name, value)

    @property
    def packages(self) -> int:
        return sum(f.packages for f in self.files)

    def exit_code(self) -> int:
        """2 for unreadable input, 1 for failing findings, 3 when only LC306 stands in the way."""
        if self.errors:
            return 2
        active = [f for f in self.findings if not f.waived and f in self.failing]
        if any(f.code != "LC306" for f in active):
            return 1
        if self.unverified or any(f.code == "LC306" for f in self.findings if not f.waived):
            # Even with LC306 ignored or waived: a package that could not be verified is
            # never a pass.
            return 3
        return 0
