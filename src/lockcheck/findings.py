"""What rules report, and the report the engine hands to reporters."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple

from lockcheck.model import Location, LockFormat, Note
from lockcheck.safetext import is_safe, safe, safe_optional


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


class Finding(NamedTuple):
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
        return self._replace(severity=severity)

    def sanitized(self) -> Finding:
        """Every string of it in its printable, redacted form (see ``Report``)."""
        texts = (self.code, self.name, self.message, self.package, self.version, self.fix)
        if is_safe(" ".join(t for t in (*texts, self.location.path, self.waiver_reason) if t)):
            return self  # one check for the common case: most findings have nothing to hide
        location = _safe_location(self.location)
        cleaned = tuple(safe_optional(text) for text in texts)
        reason = safe_optional(self.waiver_reason)
        if (
            location is self.location
            and reason is self.waiver_reason
            and all(new is old for new, old in zip(cleaned, texts, strict=True))
        ):
            return self
        code, name, message, package, version, fix = cleaned
        return Finding(
            code or "",
            name or "",
            self.severity,
            location,
            message or "",
            package,
            version,
            fix,
            self.waived,
            reason,
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


class HashRecord(NamedTuple):
    """One locked hash, and what ``--verify`` found: True when a file the index published
    has this digest, False when the index answered and none has it, None when unchecked."""

    algorithm: str
    digest: str
    filename: str | None = None  # the file the lock ties it to, if it says
    verified: bool | None = None


class PackageRecord(NamedTuple):
    """A locked package as an inventory (the SBOM) lists it."""

    path: str  # the lockfile
    name: str
    version: str | None
    index_url: str | None  # the index it comes from (redacted), when known
    hashes: tuple[HashRecord, ...] = ()
    kind: str = "registry"  # model.SourceKind value
    url: str | None = None  # the archive or repository URL of a direct reference


def _safe_record(record: PackageRecord) -> PackageRecord:
    hashes = tuple(
        HashRecord(safe(h.algorithm), safe(h.digest), safe_optional(h.filename), h.verified)
        for h in record.hashes
    )
    return PackageRecord(
        safe(record.path),
        safe(record.name),
        safe_optional(record.version),
        safe_optional(record.index_url),
        hashes,
        record.kind,
        safe_optional(record.url),
    )


def _safe_location(location: Location) -> Location:
    path = safe(location.path)
    return location if path is location.path else Location(path, location.line)


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
    # Every locked package with its hashes and their --verify status (for the SBOM).
    inventory: tuple[PackageRecord, ...] = ()

    def __post_init__(self) -> None:
        # By identity: ``failing`` holds the very Finding objects ``findings`` does.
        findings = tuple(f.sanitized() for f in self.findings)
        cleaned = {id(old): new for old, new in zip(self.findings, findings, strict=True)}
        fields = {
            "files": tuple(FileSummary(safe(f.path), f.format, f.packages) for f in self.files),
            "findings": findings,
            "errors": tuple(ErrorEntry(safe(e.path), e.line, safe(e.message)) for e in self.errors),
            "failing": frozenset(cleaned.get(id(f)) or f.sanitized() for f in self.failing),
            "notes": tuple(Note(_safe_location(n.location), safe(n.message)) for n in self.notes),
            "inventory": tuple(_safe_record(r) for r in self.inventory),
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
