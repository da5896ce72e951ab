"""Notes: what lockcheck could not judge reaches every format and never the exit code."""

from __future__ import annotations

import json

from lockcheck.findings import FileSummary, Report
from lockcheck.model import Location, LockFormat, Note
from lockcheck.report import github, sarif, text
from lockcheck.report import json as json_report

NOTE = Note(Location("uv.lock", 3), "dependencies are dynamic: LC201 cannot judge them")
REPORT = Report(
    files=(FileSummary("uv.lock", LockFormat.UV, 2),),
    findings=(),
    errors=(),
    notes=(NOTE,),
)


def test_notes_in_every_format_and_not_in_the_exit_code() -> None:
    assert REPORT.exit_code() == 0
    assert "uv.lock:3: note: dependencies are dynamic" in text.render(REPORT)
    assert "note:" not in text.render(REPORT, quiet=True)
    assert json.loads(json_report.render(REPORT))["notes"] == [
        {"path": "uv.lock", "line": 3, "message": NOTE.message}
    ]
    notifications = json.loads(sarif.render(REPORT))["runs"][0]["invocations"][0][
        "toolExecutionNotifications"
    ]
    assert [n["level"] for n in notifications] == ["note"]
    assert notifications[0]["message"]["text"] == NOTE.message
    assert "::notice file=uv.lock,line=3," in github.render(REPORT)
