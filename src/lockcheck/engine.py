"""Parse each lockfile, run the selected rules, apply severities and waivers: a Report.

The engine never stops at the first bad file: every unreadable input becomes an error
entry (exit code 2) and every other file is still checked.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import os
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from lockcheck.config import Settings, Waiver
from lockcheck.discover import Target
from lockcheck.errors import ConfigError, LockcheckError, LockfileError
from lockcheck.findings import ErrorEntry, FileSummary, Finding, Report
from lockcheck.model import Location, Lockfile, Note
from lockcheck.parsers import parse_lockfile
from lockcheck.rules import (
    ALL_RULES,
    BY_CODE,
    lc901_expired_waiver,
    lc902_unused_waiver,
    lookup,
)
from lockcheck.rules.base import Rule, RuleContext

if TYPE_CHECKING:
    from lockcheck.index.interface import IndexSnapshot, PackageIndex, ProgressFn

SettingsFor = Callable[[str], Settings]
_RUN_LEVEL = {lc901_expired_waiver.RULE.code, lc902_unused_waiver.RULE.code}


def select_rules(settings: Settings) -> tuple[Rule, ...]:
    """The rules ``select`` minus ``ignore`` name; unknown selectors are a ConfigError."""
    chosen = _expand(settings.select, "select", settings)
    dropped = _expand(settings.ignore, "ignore", settings)
    return tuple(rule for rule in ALL_RULES if rule.code in chosen and rule.code not in dropped)


def _expand(selectors: Iterable[str], key: str, settings: Settings) -> set[str]:
    codes: set[str] = set()
    for raw in selectors:
        selector = raw.strip()
        if not selector:
            continue
        if selector.upper() == "ALL":
            codes.update(BY_CODE)
            continue
        matched = {
            rule.code
            for rule in ALL_RULES
            if rule.code == selector.upper()
            or rule.name == selector.lower()
            or (len(selector) >= 2 and rule.code.startswith(selector.upper()))
        }
        if not matched:
            raise ConfigError(
                f"unknown rule {selector!r} in '{key}' (see 'lockcheck rules')",
                settings.config_path,
            )
        codes |= matched
    return codes


def validate(settings: Settings) -> None:
    """Reject settings that name rules lockcheck does not have."""
    select_rules(settings)
    for key in settings.severity:
        if lookup(key) is None:
            raise ConfigError(f"unknown rule {key!r} in 'severity'", settings.config_path)
    for waiver in settings.waivers:
        if waiver.code not in BY_CODE:
            raise ConfigError(
                f"waiver names unknown rule {waiver.code!r}", waiver.config_path, waiver.line
            )


class _WaiverBook:
    """Which waivers of one configuration were used, and what the run could have matched."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.used: set[Waiver] = set()
        self.applied: Counter[Waiver] = Counter()  # live waivers: findings each one waived
        self.ran: set[str] = set()
        self.paths: set[str] = set()


class _Checked(NamedTuple):
    target: Target
    settings: Settings
    lock: Lockfile


def run(
    targets: Sequence[Target],
    settings_for: SettingsFor,
    *,
    verify: bool = False,
    index: PackageIndex | None = None,
    progress: ProgressFn | None = None,
    today: dt.date | None = None,
    errors: Sequence[ErrorEntry] = (),
    notes: Sequence[Note] = (),
) -> Report:
    """Check every target. With ``verify``, ``index`` is asked up front, once, for every
    release any selected rule needs; the rules then read that immutable snapshot."""
    today = today or dt.date.today()
    all_errors = list(errors)
    checked = _parse_all(targets, settings_for, all_errors)
    snapshot = None
    if verify and index is not None and any(_wants_index(c.settings) for c in checked):
        # The index phase is imported only when it runs: the offline check never needs it.
        from lockcheck import verify as verify_phase

        snapshot = verify_phase.lookup(_pairs(checked), index, progress, all_errors)
    findings, failing, books, skipped = _apply_rules(checked, snapshot, verify, today)
    if snapshot is not None and index is not None:
        stale = verify_phase.cached_mismatches(findings.values(), snapshot)
        if stale:
            # Published digests never change, so a mismatch read from the cache may be the
            # cache's fault: it is reported only if a fresh answer agrees.
            snapshot = verify_phase.refreshed(snapshot, index.fetch(stale, fresh=True))
            findings, failing, books, skipped = _apply_rules(checked, snapshot, verify, today)
    for book in books.values():
        for finding in _waiver_findings(book, today):
            findings[_key(finding)] = finding
            if finding.severity.rank >= book.settings.fail_on.rank:
                failing.add(finding)
    verified = unverified = 0
    if snapshot is not None:
        verified, unverified = verify_phase.verification_counts(_pairs(checked), snapshot)
    run_notes = [*notes, *(n for c in checked for n in c.lock.notes)]
    if snapshot is not None:
        run_notes += snapshot.notes  # what the index phase could not judge (LC203)
    for book in books.values():
        run_notes += _book_notes(book, verify)
    return Report(
        files=tuple(
            FileSummary(c.target.path, c.lock.format, len(c.lock.packages)) for c in checked
        ),
        findings=tuple(sorted(findings.values(), key=lambda f: f.sort_key)),
        errors=tuple(dict.fromkeys(all_errors)),
        failing=frozenset(failing),
        skipped_codes=tuple(sorted(skipped)),
        notes=tuple(dict.fromkeys(run_notes)),
        verified=verified,
        unverified=unverified,
    )


def _pairs(checked: list[_Checked]) -> list[tuple[Settings, Lockfile]]:
    return [(c.settings, c.lock) for c in checked]


def _parse_all(
    targets: Sequence[Target], settings_for: SettingsFor, errors: list[ErrorEntry]
) -> list[_Checked]:
    checked = []
    for target in targets:
        try:
            settings = settings_for(target.path)
            validate(settings)
            lock = parse_lockfile(target.path, target.format, target.root)
        except LockfileError as exc:
            errors.append(ErrorEntry.of(exc.path, exc.line, exc.message))
            continue
        except ConfigError as exc:
            errors.append(ErrorEntry.of(exc.path or target.path, exc.line, exc.message))
            continue
        except LockcheckError as exc:
            errors.append(ErrorEntry.of(target.path, None, str(exc)))
            continue
        checked.append(_Checked(target, settings, lock))
    return checked


def _wants_index(settings: Settings) -> bool:
    return any(rule.needs_index or rule.reads_index for rule in select_rules(settings))


def _key(finding: Finding) -> tuple[str, str, int | None, str]:
    return (finding.code, finding.location.path, finding.location.line, finding.message)


def _apply_rules(
    checked: list[_Checked], snapshot: IndexSnapshot | None, verify: bool, today: dt.date
) -> tuple[
    dict[tuple[str, str, int | None, str], Finding],
    set[Finding],
    dict[str | None, _WaiverBook],
    set[str],
]:
    findings: dict[tuple[str, str, int | None, str], Finding] = {}
    failing: set[Finding] = set()
    books: dict[str | None, _WaiverBook] = {}
    skipped: set[str] = set()
    for item in checked:
        settings, lock = item.settings, item.lock
        book = books.setdefault(settings.config_path, _WaiverBook(settings))
        book.paths.update(lock.files)
        context = RuleContext(settings, snapshot)
        for rule in select_rules(settings):
            if rule.code in _RUN_LEVEL:
                continue
            if rule.needs_index and snapshot is None:
                if not verify:  # with --verify, the input error says why it did not run
                    skipped.add(rule.code)
                continue
            book.ran.add(rule.code)
            for finding in rule.check(lock, context):
                key = _key(finding)
                if key in findings:
                    continue  # the same include read through two top-level files
                finding = _settle(finding, settings, book, today)
                findings[key] = finding
                if finding.severity.rank >= settings.fail_on.rank:
                    failing.add(finding)
    return findings, failing, books, skipped


def _settle(finding: Finding, settings: Settings, book: _WaiverBook, today: dt.date) -> Finding:
    """Apply the severity override, then the first live waiver that matches."""
    finding = _with_override(finding, settings)
    for waiver in settings.waivers:
        if _matches(waiver, finding, settings.base_dir):
            book.used.add(waiver)
            if not waiver.is_expired(today):
                book.applied[waiver] += 1
                return replace(finding, waived=True, waiver_reason=waiver.reason)
    return finding


def _matches(waiver: Waiver, finding: Finding, base: Path) -> bool:
    if waiver.code != finding.code:
        return False
    if waiver.package is not None and waiver.package != finding.package:
        return False
    if waiver.path is not None:
        return _path_matches(waiver.path, finding.location.path, base)
    return True


def _path_matches(pattern: str, path: str, base: Path) -> bool:
    absolute = Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(base.resolve()).as_posix()
    except ValueError:
        relative = absolute.as_posix()
    # "./a.txt" means "a.txt"; a leading dot of a name (".ci/") is part of it.
    while pattern.startswith("./"):
        pattern = pattern[2:]
    return fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(absolute.as_posix(), pattern)


def _waiver_findings(book: _WaiverBook, today: dt.date) -> Iterable[Finding]:
    selected = {rule.code for rule in select_rules(book.settings)}
    for waiver in book.settings.waivers:
        if waiver.is_expired(today):
            if lc901_expired_waiver.RULE.code in selected:
                yield _with_override(lc901_expired_waiver.finding_for(waiver), book.settings)
            continue
        if waiver in book.used or lc902_unused_waiver.RULE.code not in selected:
            continue
        if waiver.code not in book.ran:
            continue  # its rule did not run (not selected, or needs --verify)
        if waiver.path is not None and not any(
            _path_matches(waiver.path, p, book.settings.base_dir) for p in book.paths
        ):
            continue  # its file was not part of this run
        yield _with_override(lc902_unused_waiver.finding_for(waiver), book.settings)


def _book_notes(book: _WaiverBook, verify: bool) -> list[Note]:
    """What a reviewer must see about one configuration's run: a --verify that verified
    nothing, and what an in-tree configuration switched off."""
    settings = book.settings
    where = Location(settings.config_path or "--verify", None)
    notes: list[Note] = []
    if verify and not any(r.needs_index or r.reads_index for r in select_rules(settings)):
        notes.append(
            Note(
                where,
                "--verify checked nothing against the index: every rule that needs it "
                "(LC3xx) is switched off by select/ignore",
            )
        )
    if settings.in_tree:
        notes.extend(settings.notes)
        for waiver, count in sorted(book.applied.items(), key=lambda item: item[0].line or 0):
            scope = "".join(
                f" {label} {value}"
                for label, value in (("package", waiver.package), ("path", waiver.path))
                if value
            )
            notes.append(
                Note(
                    Location(waiver.config_path, waiver.line),
                    f"in-tree waiver for {waiver.code}{scope} waived "
                    f"{count} finding{'' if count == 1 else 's'} until {waiver.expires}: "
                    f"{waiver.reason}",
                )
            )
    return notes


def in_tree_notes(config: Settings, final: Settings, without_config: Settings) -> tuple[Note, ...]:
    """What an in-tree configuration (one a pull request can edit) switches off: rules
    the command line alone would run, severities below a rule's default, the index
    packages are verified against, and files excluded from the scan."""
    where = Location(config.config_path or "", None)
    notes: list[Note] = []
    running = {rule.code for rule in select_rules(final)}
    off = [r.code for r in select_rules(without_config) if r.code not in running]
    if off:
        notes.append(
            Note(where, f"in-tree configuration switches off {', '.join(off)} (select/ignore)")
        )
    for key, severity in config.severity.items():
        rule = lookup(key)
        if rule is not None and rule.code in running and severity.rank < rule.severity.rank:
            notes.append(
                Note(
                    where,
                    f"in-tree configuration lowers {rule.code} from {rule.severity.value} "
                    f"to {severity.value}",
                )
            )
    if config.index_url and final.index_url == config.index_url and not final.index_url_by_user:
        notes.append(
            Note(where, f"in-tree configuration verifies against index-url {config.index_url}")
        )
    if config.exclude:
        notes.append(
            Note(where, f"in-tree configuration excludes {', '.join(config.exclude)} from the scan")
        )
    return tuple(notes)


def _with_override(finding: Finding, settings: Settings) -> Finding:
    override = settings.severity.get(finding.code) or settings.severity.get(finding.name)
    return finding.with_severity(override) if override else finding
