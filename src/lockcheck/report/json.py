"""The stable, versioned JSON report (design: "JSON output")."""

from __future__ import annotations

import json
from typing import Any

from lockcheck import __version__
from lockcheck.findings import Report
from lockcheck.report import display_path

SCHEMA_VERSION = 1


def as_dict(report: Report) -> dict[str, Any]:
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "lockcheck", "version": __version__},
        "files": [
            {"path": display_path(f.path), "format": f.format.value, "packages": f.packages}
            for f in report.files
        ],
        "findings": [
            {
                "code": f.code,
                "name": f.name,
                "severity": f.severity.value,
                "path": display_path(f.location.path),
                "line": f.location.line,
                "package": f.package,
                "version": f.version,
                "message": f.message,
                "fix": f.fix if f.fix else None,
                "waived": f.waived,
            }
            for f in report.findings
        ],
        "errors": [
            {"path": display_path(e.path), "line": e.line, "message": e.message}
            for e in report.errors
        ],
        "notes": [
            {
                "path": display_path(n.location.path),
                "line": n.location.line,
                "message": n.message,
            }
            for n in report.notes
        ],
        "summary": {
            "files": len(report.files),
            "packages": report.packages,
            "findings": sum(1 for f in report.findings if not f.waived),
            "verified": report.verified,
            "unverified": report.unverified,
        },
    }


def render(report: Report) -> str:
    return json.dumps(as_dict(report), indent=2) + "\n"
