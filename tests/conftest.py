"""Shared helpers: write small lockfiles, run lockcheck in-process or as a process."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

import support_report_schema
from lockcheck.cli import app

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def __post_init__(self) -> None:
        # Every JSON report the suite produces follows the published schema.
        support_report_schema.check_output(self.stdout)

    @property
    def json(self) -> Any:
        return json.loads(self.stdout)

    def codes(self) -> list[str]:
        return sorted(f["code"] for f in self.json["findings"] if not f["waived"])


def run_cli(*args: str) -> Result:
    """Run the typer app in-process (fast)."""
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return Result(result.exit_code, result.stdout, result.stderr)


def run_process(*args: str, cwd: Path | None = None) -> Result:
    """Run ``python -m lockcheck`` as users do: a real process, real exit code."""
    proc = subprocess.run(
        [sys.executable, "-m", "lockcheck", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    def _write(name: str, text: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture(autouse=True)
def _isolated_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Config discovery walks upward: keep the repository's own pyproject out of the tests.
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def _local_index_server() -> Iterator[HTTPServer]:
    from fake_index import local_server

    with local_server() as running:
        yield running


@pytest.fixture
def server(_local_index_server: HTTPServer) -> Iterator[HTTPServer]:
    """An index on 127.0.0.1, started once, emptied for each test (a module may define its
    own ``server`` instead)."""
    _local_index_server.clear()
    yield _local_index_server
