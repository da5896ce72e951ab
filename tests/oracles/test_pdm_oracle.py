"""LC201 on pdm.lock agrees with `pdm lock --check`, offline, on the real fixtures and on
edits of their pyproject.toml that pdm counts as a change and edits it does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from support_oracle import copy_fixture, edit, exit_says_stale, lockcheck_stale, tool


def pdm_stale(project: Path, home: Path) -> bool:
    return exit_says_stale([tool("pdm"), "lock", "--check"], project, home)


@pytest.mark.parametrize(
    "name", ["pdm-app", "pdm-cross", "pdm-stale/before", "pdm-stale/after", "pdm-stale/edited"]
)
def test_fixture_verdicts_agree(name: str, tmp_path: Path) -> None:
    project = copy_fixture(name, tmp_path / "project")
    expected = name == "pdm-stale/edited"
    assert pdm_stale(project, tmp_path / "home") is expected
    assert lockcheck_stale(project / "pdm.lock") is expected


# (old text, new text) in pdm-stale/after/pyproject.toml
EDITS = {
    "tightened bound": ('"requests>=2.32"', '"requests>=2.33"'),
    "new group": ('dev = ["pytest>=8"]', 'dev = ["pytest>=8"]\nlint = ["ruff"]'),
    "group name spelling": ("dev = [", "Dev = ["),
    "requires-python": ('requires-python = ">=3.10"', 'requires-python = ">=3.11"'),
    "optional dependency": ('["pysocks>=1.7"]', '["pysocks>=1.7.1"]'),
    "pdm dev-dependencies": (
        "[tool.pdm]\n",
        '[tool.pdm]\n\n[tool.pdm.dev-dependencies]\ndev = ["coverage"]\n',
    ),
    "pdm source": (
        "[tool.pdm]\n",
        '[[tool.pdm.source]]\nname = "corp"\nurl = "https://corp.example.test/simple"\n\n'
        "[tool.pdm]\n",
    ),
    "resolution setting": ("[tool.pdm]\n", "[tool.pdm.resolution]\nallow-prereleases = true\n"),
    "description only": ("locks written before", "locks made before"),
    "comment and layout": ("[project]\n", "# a comment\n[project]\n\n"),
    "build-system added": (
        "[tool.pdm]\n",
        '[build-system]\nrequires = ["pdm-backend"]\n\n[tool.pdm]\n',
    ),
}


@pytest.mark.parametrize("change", sorted(EDITS))
def test_edit_verdicts_agree(change: str, tmp_path: Path) -> None:
    project = copy_fixture("pdm-stale/after", tmp_path / "project")
    edit(project / "pyproject.toml", *EDITS[change])
    assert pdm_stale(project, tmp_path / "home") is lockcheck_stale(project / "pdm.lock")
