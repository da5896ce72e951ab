"""SARIF 2.1.0, for code scanning (GitHub, GitLab, Azure DevOps and other SARIF viewers)."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from lockcheck import DOCS_URL, __version__
from lockcheck.findings import Finding, Report
from lockcheck.rules import ALL_RULES
from lockcheck.rules.base import Rule

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "lockcheck/v1"

# What may change in a message while the problem stays the same: where it is
# ("requirements.txt:12", "line 12") and the digest of a hash a re-lock replaced.
_LINE_REFERENCE = re.compile(r"(?<=\S):\d+\b|\b(line)\s+\d+\b")
_DIGEST = re.compile(r"\b[0-9a-fA-F]{8,}\b")
_SECTION = re.compile(r"^## What it does\s*$(.*?)(?=^## |\Z)", re.M | re.S)


class SourceRoots:
    """Paths relative to the repository a file lives in, as code scanning matches them.

    A file's root is the top of the git work tree it is in, else the current directory.
    The root the current directory belongs to is ``%SRCROOT%``; another work tree (a
    nested repository, say) gets ``%SRCROOT2%`` and so on, so every URI stays relative.
    """

    def __init__(self, cwd: str | None = None) -> None:
        self._cwd = os.path.abspath(cwd or os.getcwd())
        self._tops: dict[str, str | None] = {}
        self._ids: dict[str, str] = {self._root_of_dir(self._cwd): SRCROOT}
        self.used: dict[str, str] = {}  # base id -> root, for originalUriBaseIds

    def _git_top(self, directory: str) -> str | None:
        seen: list[str] = []
        current = directory
        top: str | None = None
        while True:
            if current in self._tops:
                top = self._tops[current]
                break
            seen.append(current)
            # A .git file (worktrees, submodules) marks a work tree as well as a directory.
            if os.path.exists(os.path.join(current, ".git")):
                top = current
                break
            parent = os.path.dirname(current)
            if parent == current:
                break
            current = parent
        for directory_seen in seen:
            self._tops[directory_seen] = top
        return top

    def _root_of_dir(self, directory: str) -> str:
        return self._git_top(directory) or self._cwd

    def relative(self, path: str) -> tuple[str, str] | None:
        """(base id, forward-slash path below it), or None for a file outside every root."""
        absolute = os.path.abspath(path)
        root = self._root_of_dir(os.path.dirname(absolute))
        try:
            relative = os.path.relpath(absolute, root)
        except ValueError:  # another drive on Windows
            return None
        if relative == os.pardir or relative.startswith(os.pardir + os.sep):
            return None
        base_id = self._ids.setdefault(root, f"%SRCROOT{len(self._ids) + 1}%")
        self.used[base_id] = root
        return base_id, relative.replace(os.sep, "/")

    def artifact_location(self, path: str) -> dict[str, str]:
        found = self.relative(path)
        if found is None:
            return {"uri": Path(os.path.abspath(path)).as_uri()}
        base_id, relative = found
        return {"uri": quote(relative, safe="/"), "uriBaseId": base_id}

    def base_ids(self) -> dict[str, Any]:
        # SARIF requires a base URI to end with a slash.
        return {
            base_id: {"uri": Path(root).as_uri().rstrip("/") + "/"}
            for base_id, root in sorted(self.used.items())
        }


def what_it_does(rule: Rule) -> str:
    match = _SECTION.search(rule.doc)
    return match.group(1).strip() if match else rule.summary


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    doc = rule.doc.strip()
    section = what_it_does(rule)
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": " ".join(section.split()), "markdown": section},
        "help": {"text": doc, "markdown": doc},
        "helpUri": f"{DOCS_URL}rules/{rule.code}/",
        "defaultConfiguration": {"level": rule.severity.value},
        "properties": {"needsIndex": rule.needs_index},
    }


def _physical_location(roots: SourceRoots, path: str, line: int | None) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": roots.artifact_location(path)}
    if line is not None and line >= 1:
        location["region"] = {"startLine": line}
    return location


def _fingerprint_base(finding: Finding, uri: str) -> str:
    message = _DIGEST.sub("", _LINE_REFERENCE.sub(r"\1", finding.message))
    key = "\0".join(
        (finding.code, uri, finding.package or "", finding.version or "", " ".join(message.split()))
    )
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _message(finding: Finding) -> str:
    text = finding.message
    if finding.subject:
        text = f"{finding.subject}: {text}"
    return text


def as_dict(report: Report, *, cwd: str | None = None) -> dict[str, Any]:
    roots = SourceRoots(cwd)
    rule_index = {rule.code: i for i, rule in enumerate(ALL_RULES)}
    occurrences: dict[str, int] = {}
    results: list[dict[str, Any]] = []
    for finding in report.findings:
        physical = _physical_location(roots, finding.location.path, finding.location.line)
        base = _fingerprint_base(finding, physical["artifactLocation"]["uri"])
        # Two findings alike in all but line (the same hash twice) stay two alerts; the
        # count depends only on their order, which lines added above do not change.
        occurrences[base] = occurrences.get(base, 0) + 1
        result: dict[str, Any] = {"ruleId": finding.code}
        if finding.code in rule_index:
            result["ruleIndex"] = rule_index[finding.code]
        result |= {
            "level": finding.severity.value,
            "message": {"text": _message(finding)},
            "locations": [{"physicalLocation": physical}],
            "partialFingerprints": {FINGERPRINT_KEY: f"{base}:{occurrences[base]}"},
        }
        properties: dict[str, Any] = {}
        if finding.package:
            properties["package"] = finding.package
        if finding.version:
            properties["version"] = finding.version
        if finding.fix:
            properties["fix"] = finding.fix
        if properties:
            result["properties"] = properties
        if finding.waived:
            # Kept, marked as suppressed: a viewer shows it was waived, and why.
            suppression: dict[str, Any] = {"kind": "external"}
            if finding.waiver_reason:
                suppression["justification"] = finding.waiver_reason
            result["suppressions"] = [suppression]
        results.append(result)
    notifications = [
        {
            "level": "error",
            "message": {"text": error.message},
            "locations": [{"physicalLocation": _physical_location(roots, error.path, error.line)}],
        }
        for error in report.errors
    ] + [
        {
            "level": "note",
            "message": {"text": note.message},
            "locations": [
                {
                    "physicalLocation": _physical_location(
                        roots, note.location.path, note.location.line
                    )
                }
            ],
        }
        for note in report.notes
    ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "lockcheck",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": DOCS_URL,
                "rules": [_rule_descriptor(rule) for rule in ALL_RULES],
            }
        },
        "invocations": [
            {
                "executionSuccessful": not report.errors,
                "toolExecutionNotifications": notifications,
            }
        ],
        "results": results,
    }
    if roots.used:
        run["originalUriBaseIds"] = roots.base_ids()
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(report: Report) -> str:
    return json.dumps(as_dict(report), indent=2) + "\n"
