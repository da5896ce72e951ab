"""tomli (the `fast` extra) and the standard library's tomllib must read every fixture the
same way: lockcheck uses whichever is there."""

from __future__ import annotations

import sys

import pytest

from conftest import FIXTURES
from lockcheck.parsers import detect_format, parse_lockfile
from lockcheck.tomlcompat import toml_module

TOML_LOCKS = sorted(
    p
    for p in (FIXTURES / "projects").rglob("*")
    if p.name.endswith((".lock", ".toml"))
    and p.name != "pyproject.toml"
    and detect_format(str(p)) is not None
    and "-src" not in str(p)
)


@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomllib is new in Python 3.11")
def test_tomli_and_tomllib_read_the_fixtures_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("tomli", reason="the fast extra is not installed")
    assert toml_module().__name__ == "tomli"
    with_tomli = {p: parse_lockfile(str(p), detect_format(str(p))) for p in TOML_LOCKS}  # type: ignore[arg-type]
    monkeypatch.setitem(sys.modules, "tomli", None)  # as if it were not installed
    assert toml_module().__name__ == "tomllib"
    for path in TOML_LOCKS:
        assert parse_lockfile(str(path), detect_format(str(path))) == with_tomli[path], path  # type: ignore[arg-type]
    assert len(TOML_LOCKS) >= 15
