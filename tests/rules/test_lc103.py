"""LC103 trusted-host: a host pip is told not to verify."""

from __future__ import annotations

from rules.conftest import Writer, check
from support_requirements import codes


def test_requirements_trusted_host(write: Writer) -> None:
    assert codes(check(write("requirements.txt", "--trusted-host index.example.test\n"))) == [
        "LC103"
    ]
    assert check(write("r2.txt", "--trusted-host 127.0.0.1:8080\n")) == []
