"""One check, one straight pass: parse -> index snapshot -> findings -> waivers -> Report.

The engine never stops at the first bad file: every unreadable input becomes an error
entry (exit code 2) and every other file is still checked. The index is asked once, up
front, and only with ``index`` given and a selected rule that needs it; the rules then
read that immutable snapshot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from lockcheck import waivers
from lockcheck.config import Settings
from lockcheck.discover import Target
from lockcheck.errors import ConfigError, LockcheckError, LockfileError
from lockcheck.findings import ErrorEntry, FileSummary, Finding, PackageRecord, Report
from lockcheck.index.snapshot import IndexSnapshot
from lockcheck.model import Location, Lockfile, Note
from lockcheck.parsers import parse_lockfile
from lockcheck.rules import lookup
from lockcheck.rules.base import RuleContext
from lockcheck.rules.selection import (
    matching_codes,
    select_rules,
    validate,
    wants_index,
    with_severity,
)

if TYPE_CHECKING:
    from lockcheck.index.interface import PackageIndex, ProgressFn

__all__ = ["in_tree_notes", "matching_codes", "run", "select_rules", "validate"]

SettingsFor = Callable[[str], Settings]


class _Parsed(NamedTuple):
    target: Target
    settings: Settings
    lock: Lockfile


def run(
    targets: Sequence[Target],
    settings_for: SettingsFor,
    *,
    index: PackageIndex | None = None,
    progress: ProgressFn | None = None,
    today: dt.date | None = None,
    errors: Sequence[ErrorEntry] = (),
    notes: Sequence[Note] = (),
    inventory: bool = False,
) -> Report:
    """Check every target. ``index`` given means ``--verify``: it is asked up front, once,
    for every release a selected rule needs. Without it nothing touches the network and
    the rules that need the index are skipped (and the report says so). ``inventory``:
    also list every package with its hashes' status (for an SBOM)."""
    today = today or dt.date.today()
    all_errors = list(errors)
    parsed = _parse_all(targets, settings_for, all_errors)
    verify_notes: list[Note] = []  # what --verify could not ask any index about
    snapshot = _snapshot(parsed, index, progress, all_errors, verify_notes)
    checked, skipped = _findings(parsed, snapshot, verifying=index is not None)
    settled = waivers.apply(checked, today)
    verified = unverified = 0
    if snapshot is not None:
        from lockcheck import verify as verify_phase  # loaded already: it made the snapshot

        verified, unverified = verify_phase.verification_counts(_pairs(parsed), snapshot)
    run_notes = [*notes, *(n for p in parsed for n in p.lock.notes), *verify_notes]
    if snapshot is not None:
        run_notes += snapshot.notes  # what the index phase could not judge (LC203)
    for book in settled.books:
        run_notes += _config_notes(book.settings, verifying=index is not None)
        run_notes += book.notes()
    findings: dict[tuple[str, str, int | None, str], Finding] = {}
    for finding, _ in settled.findings:
        findings.setdefault(_key(finding), finding)
    records: list[PackageRecord] = []
    if inventory:
        from lockcheck.inventory import records as inventory_records

        for p in parsed:
            records += inventory_records(p.lock, snapshot)
    return Report(
        files=tuple(
            FileSummary(p.target.path, p.lock.format, len(p.lock.packages)) for p in parsed
        ),
        findings=tuple(sorted(findings.values(), key=lambda f: f.sort_key)),
        errors=tuple(dict.fromkeys(all_errors)),
        failing=frozenset(
            f for f, settings in settled.findings if f.severity.rank >= settings.fail_on.rank
        ),
        skipped_codes=tuple(sorted(skipped)),
        notes=tuple(dict.fromkeys(run_notes)),
        verified=verified,
        unverified=unverified,
        inventory=tuple(records),
    )


def _snapshot(
    parsed: list[_Parsed],
    index: PackageIndex | None,
    progress: ProgressFn | None,
    errors: list[ErrorEntry],
    notes: list[Note],
) -> IndexSnapshot | None:
    """What the index says about every release a selected rule needs; None offline."""
    if index is None or not any(wants_index(p.settings) for p in parsed):
        return None
    # The index phase is imported only when it runs: the offline check never needs it.
    from lockcheck import verify as verify_phase

    return verify_phase.lookup(_pairs(parsed), index, progress, errors, notes)


def _findings(
    parsed: list[_Parsed], snapshot: IndexSnapshot | None, *, verifying: bool
) -> tuple[list[waivers.Checked], set[str]]:
    """Every selected rule over every lockfile, each finding once (an include read through
    two top-level files is reported once), at the severity its configuration gives."""
    seen: set[tuple[str, str, int | None, str]] = set()
    checked: list[waivers.Checked] = []
    skipped: set[str] = set()
    for item in parsed:
        settings, lock = item.settings, item.lock
        context = RuleContext(settings, snapshot)
        ran: set[str] = set()
        found: list[Finding] = []
        for rule in select_rules(settings):
            if rule.code in waivers.WAIVER_RULES:
                continue
            if rule.needs_index and snapshot is None:
                if not verifying:  # with --verify, the input error says why it did not run
                    skipped.add(rule.code)
                continue
            ran.add(rule.code)
            for finding in rule.check(lock, context):
                key = _key(finding)
                if key not in seen:
                    seen.add(key)
                    found.append(with_severity(finding, settings))
        checked.append(waivers.Checked(settings, lock.files, frozenset(ran), tuple(found)))
    return checked, skipped


def _pairs(parsed: list[_Parsed]) -> list[tuple[Settings, Lockfile]]:
    return [(p.settings, p.lock) for p in parsed]


def _parse_all(
    targets: Sequence[Target], settings_for: SettingsFor, errors: list[ErrorEntry]
) -> list[_Parsed]:
    parsed = []
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
        parsed.append(_Parsed(target, settings, lock))
    return parsed


def _key(finding: Finding) -> tuple[str, str, int | None, str]:
    return (finding.code, finding.location.path, finding.location.line, finding.message)


def _config_notes(settings: Settings, *, verifying: bool) -> list[Note]:
    """What a reviewer must see about one configuration's run: a --verify that verified
    nothing, and what an in-tree configuration switched off."""
    notes: list[Note] = []
    if verifying and not wants_index(settings):
        notes.append(
            Note(
                Location(settings.config_path or "--verify", None),
                "--verify checked nothing against the index: every rule that needs it "
                "(LC3xx) is switched off by select/ignore",
            )
        )
    if settings.in_tree:
        notes.extend(settings.notes)
    return notes


def in_tree_notes(config: Settings, final: Settings, without_config: Settings) -> tuple[Note, ...]:
    """What an in-tree configuration (one a pull request can edit) switches off: rules
    the command line alone would run, severities below a rule's default, the index
    packages are verified against, files excluded from the scan, and names LC401 lets
    pass."""
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
    if config.typosquat_allow and "LC401" in running:
        notes.append(
            Note(
                where,
                "in-tree configuration lets LC401 pass the look-alike names "
                f"{', '.join(config.typosquat_allow)} (typosquat-allow)",
            )
        )
    return tuple(notes)
