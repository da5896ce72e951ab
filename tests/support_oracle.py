"""Shared by the oracle tests: run a lock tool's own freshness check, offline, and
lockcheck's LC201 on the same directory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import run_cli


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


def lockcheck_stale(lock: Path) -> bool:
    result = run_cli("check", "--format", "json", "--select", "LC201", str(lock))
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    codes = [f["code"] for f in result.json["findings"]]
    assert set(codes) <= {"LC201"}
    return bool(codes)
