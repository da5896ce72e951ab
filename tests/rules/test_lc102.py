"""LC102 extra-index-url: only requirements files can name a second index this way (in
the other formats the lock records each package's index)."""

from __future__ import annotations

from rules.conftest import Writer, check
from support_requirements import codes


def test_requirements_extra_index(write: Writer) -> None:
    path = write(
        "requirements.txt",
        "--index-url https://a.example.test/simple\n"
        "--extra-index-url https://b.example.test/simple\n",
    )
    findings = check(path)
    assert codes(findings) == ["LC102"]
    assert findings[0].location.line == 2
