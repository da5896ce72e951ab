"""LC201 on Pipfile.lock agrees with `pipenv verify`, offline, on the real fixtures and on
edits of their Pipfile that pipenv counts as a change and edits it does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from support_oracle import copy_fixture, edit, exit_says_stale, lockcheck_stale, tool


def pipenv_stale(project: Path, home: Path) -> bool:
    return exit_says_stale([tool("pipenv"), "verify"], project, home)


@pytest.mark.parametrize(
    "name", ["pipenv-app", "pipenv-stale/before", "pipenv-stale/after", "pipenv-stale/edited"]
)
def test_fixture_verdicts_agree(name: str, tmp_path: Path) -> None:
    project = copy_fixture(name, tmp_path / "project")
    expected = name == "pipenv-stale/edited"
    assert pipenv_stale(project, tmp_path / "home") is expected
    assert lockcheck_stale(project / "Pipfile.lock") is expected


# (old text, new text) in pipenv-stale/after/Pipfile
EDITS = {
    "tightened bound": ('requests = ">=2.32"', 'requests = ">=2.33"'),
    "name spelling": ('requests = ">=2.32"', 'Requests = ">=2.32"'),
    "dev package": ('pytest = ">=8"', 'pytest = ">=8"\ncoverage = "*"'),
    "python version": ('python_version = "3.11"', 'python_version = "3.12"'),
    "source url": ("https://index.test/simple", "https://mirror.example.test/simple"),
    "verify_ssl": ("verify_ssl = true", "verify_ssl = false"),
    "custom category": ("[requires]", '[docs]\nSphinx = "*"\n\n[requires]'),
    "scripts only": ("[requires]", '[scripts]\ntest = "pytest"\n\n[requires]'),
    "pipenv settings only": ("[requires]", "[pipenv]\nallow_prereleases = true\n\n[requires]"),
    "comment and layout": ("[packages]", "# the app's packages\n\n[packages]"),
    "inline table form": ('requests = ">=2.32"', 'requests = {version = ">=2.32"}'),
}


@pytest.mark.parametrize("change", sorted(EDITS))
def test_edit_verdicts_agree(change: str, tmp_path: Path) -> None:
    project = copy_fixture("pipenv-stale/after", tmp_path / "project")
    edit(project / "Pipfile", *EDITS[change])
    assert pipenv_stale(project, tmp_path / "home") is lockcheck_stale(project / "Pipfile.lock")


def test_a_pipfile_without_source(tmp_path: Path) -> None:
    """plette adds pip's default index when the Pipfile names none; lockcheck too."""
    project = copy_fixture("pipenv-stale/after", tmp_path / "project")
    pipfile = project / "Pipfile"
    text = pipfile.read_text()
    pipfile.write_text(text[text.index("[packages]") :])
    home = tmp_path / "home"
    assert pipenv_stale(project, home) is lockcheck_stale(project / "Pipfile.lock") is True
