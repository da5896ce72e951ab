"""Differential test: `poetry check --lock` is the oracle for LC201 (stale-lock) on
poetry.lock.

Every fixture project with a poetry.lock is copied to a temporary directory and judged by
real Poetry (offline: it compares the lock's content-hash with pyproject.toml) and by
lockcheck; the two must agree. Besides the fixtures as committed, each of a few edits of a
fresh fixture is judged by both (MUTATIONS). Poetry's own verdict is asserted too (from
the state's name), so a change in Poetry fails here first.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support_oracle import PROJECTS, copy_fixture, edit, lockcheck_stale

POETRY = shutil.which("poetry", path=str(Path(sys.executable).parent))
pytestmark = pytest.mark.skipif(
    POETRY is None, reason=f"poetry is not installed beside {sys.executable} (the test environment)"
)

LOCKS = sorted(str(p.parent.relative_to(PROJECTS)) for p in PROJECTS.rglob("poetry.lock"))
STALE_STATES = {"stale", "edited"}

# (fixture, file, old, new, poetry says stale): edits of a fresh fixture.
MUTATIONS = [
    ("data-tool", "pyproject.toml", "lockcheck fixture:", "changed description:", False),
    ("data-tool", "pyproject.toml", 'version = "0.3.0"', 'version = "0.3.1"', False),
    ("data-tool", "pyproject.toml", '"rich>=13"', '"rich>=14"', True),
    ("data-tool", "pyproject.toml", '"rich>=13"', '"rich >= 13"', True),
    ("data-tool", "pyproject.toml", 'yaml = ["pyyaml>=6.0"]', 'yaml = ["pyyaml>=6.0.1"]', True),
    ("data-tool", "pyproject.toml", 'dev = ["pytest>=8"]', 'dev = ["pytest>=8", "attrs"]', True),
    (
        "data-tool",
        "pyproject.toml",
        'requires-python = ">=3.10"',
        'requires-python = ">=3.11"',
        True,
    ),
    ("poetry-legacy", "pyproject.toml", 'requests = "^2.31"', 'requests = "^2.32"', True),
    ("poetry-legacy", "pyproject.toml", "lockcheck fixture:", "changed description:", False),
    ("stale/before", "poetry.lock", "content-hash = ", "no-content-hash = ", True),
    ("private-index", "pyproject.toml", 'priority = "explicit"', 'priority = "supplemental"', True),
]


# `poetry check --lock` in every case directory, run by Poetry's own console application in
# one process: Poetry takes seconds to start, and the command is the same.
_CHECK_ALL = """
import json, os, sys
from cleo.io.inputs.argv_input import ArgvInput
from cleo.io.outputs.buffered_output import BufferedOutput
from poetry.console.application import Application

results = {}
for directory in sys.argv[1:]:
    os.chdir(directory)
    app = Application()
    app.auto_exits(False)
    output = BufferedOutput()
    code = app.run(ArgvInput(["poetry", "check", "--lock", "--no-interaction"]), output, output)
    results[directory] = [code, output.fetch()]
print(json.dumps(results))
"""


def _cases() -> dict[str, tuple[str, str, str, str]]:
    """Case id -> (fixture, file, old, new); a fixture as committed has no edit."""
    cases = {f"fixture:{f}": (f, "", "", "") for f in LOCKS}
    for fixture, file, old, new, _ in MUTATIONS:
        cases[f"edit:{fixture}:{old}->{new}"] = (fixture, file, old, new)
    return cases


@pytest.fixture(scope="session")
def poetry_verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, bool]]:
    """Case id -> (the project copy, whether Poetry says its lock is stale)."""
    assert POETRY is not None
    root = tmp_path_factory.mktemp("poetry-cases")
    projects = {}
    for i, (case, (fixture, file, old, new)) in enumerate(_cases().items()):
        project = copy_fixture(fixture, root / str(i))
        if file:
            edit(project / file, old, new)
        projects[case] = project
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POETRY_", "PIP_"))}
    env.update(
        POETRY_CONFIG_DIR=str(tmp_path_factory.mktemp("poetry-config")),
        POETRY_CACHE_DIR=str(tmp_path_factory.mktemp("poetry-cache")),
        POETRY_VIRTUALENVS_CREATE="false",
        PIP_CONFIG_FILE=os.devnull,
    )
    python = Path(POETRY).read_text().splitlines()[0].removeprefix("#!").strip()
    proc = subprocess.run(
        [python, "-c", _CHECK_ALL, *map(str, projects.values())],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout.splitlines()[-1])
    verdicts = {}
    for case, project in projects.items():
        code, output = results[str(project)]
        if code == 0:
            verdicts[case] = (project, False)
        elif "pyproject.toml changed significantly since poetry.lock was last generated" in output:
            verdicts[case] = (project, True)
        else:
            pytest.fail(f"poetry gave no verdict on {case} (exit {code}):\n{output}")
    return verdicts


@pytest.mark.parametrize("fixture", LOCKS)
def test_lc201_agrees_with_poetry(
    fixture: str, poetry_verdicts: dict[str, tuple[Path, bool]]
) -> None:
    project, poetry_stale = poetry_verdicts[f"fixture:{fixture}"]
    expected = Path(fixture).name in STALE_STATES
    assert poetry_stale is expected
    assert lockcheck_stale(project / "poetry.lock") is expected


@pytest.mark.parametrize(("fixture", "file", "old", "new", "expected"), MUTATIONS)
def test_lc201_agrees_with_poetry_on_an_edit(
    fixture: str,
    file: str,
    old: str,
    new: str,
    expected: bool,
    poetry_verdicts: dict[str, tuple[Path, bool]],
) -> None:
    project, poetry_stale = poetry_verdicts[f"edit:{fixture}:{old}->{new}"]
    assert poetry_stale is expected
    assert lockcheck_stale(project / "poetry.lock") is expected
