"""Waivers: which findings a configuration waives, and LC901/LC902 about the waivers.

The engine's fourth step: it runs once, after every rule, on the findings of the whole
run, so "unused" means unused by anything the run found.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from lockcheck.config import Settings, Waiver
from lockcheck.findings import Finding
from lockcheck.model import Location, Note
from lockcheck.rules import lc901_expired_waiver, lc902_unused_waiver, lookup
from lockcheck.rules.selection import select_rules, with_severity

# The rules about waivers themselves: they run here, not over a lockfile.
WAIVER_RULES = frozenset({lc901_expired_waiver.RULE.code, lc902_unused_waiver.RULE.code})


class Checked(NamedTuple):
    """What the rules did for one lockfile: the settings they ran with, the files they
    read, which rules ran, and what they found (severities already settled)."""

    settings: Settings
    files: tuple[str, ...]
    ran: frozenset[str]
    findings: tuple[Finding, ...]


@dataclass
class WaiverBook:
    """Which waivers of one configuration were used, and what the run could have matched."""

    settings: Settings
    used: set[Waiver] = field(default_factory=set)
    applied: Counter[Waiver] = field(default_factory=Counter)  # live waivers: findings waived
    ran: set[str] = field(default_factory=set)
    paths: set[str] = field(default_factory=set)

    def settle(self, finding: Finding, today: dt.date) -> Finding:
        """The finding, waived by the first matching waiver that has not expired."""
        for waiver in self.settings.waivers:
            if matches(waiver, finding, self.settings.base_dir):
                self.used.add(waiver)
                if not waiver.is_expired(today):
                    self.applied[waiver] += 1
                    return finding._replace(waived=True, waiver_reason=waiver.reason)
        return finding

    def waiver_findings(self, today: dt.date) -> Iterable[Finding]:
        """LC901 for each expired waiver, LC902 for each live one that matched nothing
        its rule could have reported (the rule ran, on the file the waiver names)."""
        selected = {rule.code for rule in select_rules(self.settings)}
        for waiver in self.settings.waivers:
            if waiver.is_expired(today):
                if lc901_expired_waiver.RULE.code in selected:
                    yield with_severity(lc901_expired_waiver.finding_for(waiver), self.settings)
                continue
            if waiver in self.used or lc902_unused_waiver.RULE.code not in selected:
                continue
            if waiver_code(waiver) not in self.ran:
                continue  # its rule did not run (not selected, or needs --verify)
            if waiver.path is not None and not any(
                path_matches(waiver.path, p, self.settings.base_dir) for p in self.paths
            ):
                continue  # its file was not part of this run
            yield with_severity(lc902_unused_waiver.finding_for(waiver), self.settings)

    def notes(self) -> list[Note]:
        """What an in-tree configuration's waivers waived: a pull request can add them."""
        if not self.settings.in_tree:
            return []
        notes = []
        for waiver, count in sorted(self.applied.items(), key=lambda item: item[0].line or 0):
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


class Settled(NamedTuple):
    findings: tuple[tuple[Finding, Settings], ...]  # each with the settings that judge it
    books: tuple[WaiverBook, ...]  # one per configuration, in the order first used


def apply(checked: Sequence[Checked], today: dt.date) -> Settled:
    """Waive what each configuration waives, then add LC901/LC902 for its waivers."""
    books: dict[str | None, WaiverBook] = {}
    settled: list[tuple[Finding, Settings]] = []
    for item in checked:
        book = books.setdefault(item.settings.config_path, WaiverBook(item.settings))
        book.paths.update(item.files)
        book.ran.update(item.ran)
        settled += [(book.settle(f, today), item.settings) for f in item.findings]
    for book in books.values():
        settled += [(f, book.settings) for f in book.waiver_findings(today)]
    return Settled(tuple(settled), tuple(books.values()))


def waiver_code(waiver: Waiver) -> str:
    """The code of the rule a waiver names: by code or, as ``select`` allows, by name."""
    rule = lookup(waiver.code)
    return rule.code if rule is not None else waiver.code


def matches(waiver: Waiver, finding: Finding, base: Path) -> bool:
    if waiver_code(waiver) != finding.code:
        return False
    if waiver.package is not None and waiver.package != finding.package:
        return False
    if waiver.path is not None:
        return path_matches(waiver.path, finding.location.path, base)
    return True


def path_matches(pattern: str, path: str, base: Path) -> bool:
    absolute = Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(base.resolve()).as_posix()
    except ValueError:
        relative = absolute.as_posix()
    # "./a.txt" means "a.txt"; a leading dot of a name (".ci/") is part of it.
    while pattern.startswith("./"):
        pattern = pattern[2:]
    return fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(absolute.as_posix(), pattern)
