"""The one test that leaves the machine: verify a real fixture against the real default
index (pip's own, read from pip at run time). Run by `nox -s network` only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from conftest import FIXTURES
from lockcheck.index.pip_defaults import pip_default_index

pytestmark = pytest.mark.network


def reachable(url: str) -> str | None:
    """None when the index answers, else why not (the reason the test is skipped)."""
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/pip/", timeout=15) as response:
            return None if response.status == 200 else f"HTTP {response.status}"
    except Exception as exc:  # any failure to reach it is a reason to skip, stated
        return f"{type(exc).__name__}: {exc}"


def test_small_fixture_verifies_against_the_default_index(tmp_path: Path) -> None:
    index = pip_default_index()
    if index is None:
        pytest.skip("pip is not importable, so there is no default index to ask")
    why = reachable(index)
    if why is not None:
        pytest.skip(f"the default index cannot be reached: {why}")
    command = [
        sys.executable,
        "-m",
        "lockcheck",
        "check",
        "--verify",
        "--no-progress",
        "--select",
        "LC3",
        "--format",
        "json",
        "--index-url",
        index,
    ]
    lock = FIXTURES / "projects" / "small-app" / "uv.lock"
    env = {**os.environ, "LOCKCHECK_CACHE_DIR": str(tmp_path / "cache")}
    result = subprocess.run(
        [*command, str(lock)], capture_output=True, text=True, env=env, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads(result.stdout)["summary"]
    assert summary["verified"] == 7
    assert summary["unverified"] == 0
    # A tampered copy must fail against the real index too.
    tampered = tmp_path / "uv.lock"
    text = lock.read_text()
    digest = text.split('hash = "sha256:')[1][:64]
    tampered.write_text(text.replace(digest, ("0" if digest[0] != "0" else "1") + digest[1:]))
    bad = subprocess.run(
        [*command, str(tampered)], capture_output=True, text=True, env=env, timeout=300
    )
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert '"LC301"' in bad.stdout
