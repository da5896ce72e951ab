"""docs/formats.md: every rule has a row saying which formats it applies to, every format
a column, and the page is in the site's nav."""

from __future__ import annotations

import re

from conftest import REPO
from lockcheck.model import LockFormat
from lockcheck.rules import ALL_RULES

PAGE = REPO / "docs" / "formats.md"
COLUMNS = {
    LockFormat.REQUIREMENTS: "requirements",
    LockFormat.UV: "uv.lock",
    LockFormat.POETRY: "poetry.lock",
    LockFormat.PDM: "pdm.lock",
    LockFormat.PIPFILE: "Pipfile.lock",
    LockFormat.PYLOCK: "pylock.toml",
}


def _table() -> tuple[list[str], dict[str, list[str]]]:
    lines = PAGE.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| rule |"))
    header = [cell.strip() for cell in lines[start].strip("|").split("|")]
    rows: dict[str, list[str]] = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows[cells[0]] = cells[1:]
    return header, rows


def test_every_format_has_a_column() -> None:
    header, _ = _table()
    assert sorted(header[1:]) == sorted(COLUMNS.values())


def test_every_rule_has_a_row() -> None:
    _, rows = _table()
    covered: set[str] = set()
    for label in rows:
        codes = re.findall(r"LC\d{3}", label)
        if "-LC" in label and len(codes) == 2:  # a range, LC301-LC307
            low, high = (int(c[2:]) for c in codes)
            covered |= {f"LC{n}" for n in range(low, high + 1)}
        covered |= set(codes)
    assert {rule.code for rule in ALL_RULES} <= covered
    for rule in ALL_RULES:
        if rule.code not in covered:
            continue
        row = next((cells for label, cells in rows.items() if rule.name in label), None)
        if row is not None:
            assert len(row) == len(COLUMNS) and all(cell for cell in row)


def test_the_page_is_in_the_nav() -> None:
    assert "formats.md" in (REPO / "mkdocs.yml").read_text(encoding="utf-8")
