"""LC202 unsupported-lock-version: a lock newer than lockcheck knows is still checked, with
a warning that it may have been misread."""

from __future__ import annotations

import pytest

from rules.conftest import (
    Writer,
    check,
    poetry_lock,
    poetry_package,
    pylock,
    pylock_package,
    uv_lock,
    uv_package,
)
from support_requirements import codes


def test_uv_newer_version_is_still_checked(write: Writer) -> None:
    path = write("uv.lock", uv_lock(uv_package(wheel_hash=None), header="version = 2\n"))
    findings = check(path)
    assert codes(findings) == ["LC002", "LC202"]
    assert next(f for f in findings if f.code == "LC202").location.line == 1


@pytest.mark.parametrize(("version", "newer"), [("2.1", False), ("2.2", True), ("3.0", True)])
def test_poetry(write: Writer, version: str, newer: bool) -> None:
    findings = check(write("poetry.lock", poetry_lock(poetry_package(), version=version)))
    assert ("LC202" in codes(findings)) is newer


@pytest.mark.parametrize(("version", "newer"), [("1.0", False), ("1.1", True), ("2.0", True)])
def test_pylock(write: Writer, version: str, newer: bool) -> None:
    findings = check(write("pylock.toml", pylock(pylock_package(), version=version)))
    assert ("LC202" in codes(findings)) is newer
