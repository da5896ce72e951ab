"""Shared by the oracle tests (tests/oracles/): copy a fixture project, maybe edit it, run a
lock tool's own freshness check on it, offline, and lockcheck's LC201 on the same directory.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, run_cli

PROJECTS = FIXTURES / "projects"


def copy_fixture(fixture: str, target: Path) -> Path:
    """A copy of fixtures/projects/<fixture> at ``target`` (the tools write beside the lock)."""
    shutil.copytree(PROJECTS / fixture, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in ``path`` with ``new``. ``old`` must be there: otherwise
    the test would judge the fixture as it is and still pass."""
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


def tool(name: str) -> str:
    """The tool beside the running interpreter (the project's venv), else on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed")
    return found


def tool_env(home: Path) -> dict[str, str]:
    """Offline and unconfigured: no pip config, no find-links, no update checks, a fresh
    home (no user config of the tools)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PDM_", "PIPENV_"))}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        PIP_CONFIG_FILE=os.devnull,
        PIP_NO_INDEX="1",
        PDM_CHECK_UPDATE="false",
        PIPENV_NOSPIN="1",
        PIPENV_YES="1",
        PIPENV_VENV_IN_PROJECT="1",
        PIPENV_IGNORE_VIRTUALENVS="1",
        NO_COLOR="1",
        # Any attempt to reach an index fails fast instead of waiting on the network.
        HTTP_PROXY="http://127.0.0.1:9",
        HTTPS_PROXY="http://127.0.0.1:9",
        ALL_PROXY="http://127.0.0.1:9",
    )
    return env


def run_tool(args: list[str], cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, env=tool_env(home), capture_output=True, text=True, timeout=120
    )


def exit_says_stale(args: list[str], project: Path, home: Path) -> bool:
    """The verdict of a check that exits 0 on a fresh lock and 1 on a stale one (pdm lock
    --check, pipenv verify); any other exit is no verdict and fails the test."""
    proc = run_tool(args, project, home)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    return proc.returncode == 1


def lockcheck_says(lock: Path) -> tuple[bool, list[str]]:
    """Whether lockcheck finds ``lock`` stale (LC201), and its notes; it must read the lock."""
    result = run_cli("check", "--format", "json", "--select", "LC201", str(lock))
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    assert result.json["errors"] == []
    codes = [f["code"] for f in result.json["findings"]]
    assert set(codes) <= {"LC201"}
    return bool(codes), [n["message"] for n in result.json["notes"]]


def lockcheck_stale(lock: Path) -> bool:
    return lockcheck_says(lock)[0]
