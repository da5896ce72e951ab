"""The --verify progress bar: on stderr, only when stderr is a terminal."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from fake_index import FakeIndex, fake_digest, local_server
from lockcheck.report.progress import ProgressBar


@pytest.fixture
def index() -> Iterator[FakeIndex]:
    with local_server() as server:
        fake = FakeIndex(server)
        yield fake


def lock_with(index: FakeIndex, tmp_path: Path, count: int = 5) -> Path:
    lines = []
    for i in range(count):
        filename = f"pkg{i}-1.0-py3-none-any.whl"
        index.add_file(f"pkg{i}", "1.0", filename)
        lines.append(f"pkg{i}==1.0 --hash=sha256:{fake_digest(filename)}")
    path = tmp_path / "requirements.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


def run_with_tty_stderr(args: list[str], tmp_path: Path) -> tuple[int, str, str]:
    controller, terminal = pty.openpty()
    env = {**os.environ, "LOCKCHECK_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "lockcheck", *args],
        stdout=subprocess.PIPE,
        stderr=terminal,
        env=env,
        text=True,
    )
    os.close(terminal)
    stdout, _ = proc.communicate(timeout=120)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed: everything has been read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    return proc.returncode, stdout, b"".join(chunks).decode()


def test_bar_on_a_terminal_only(index: FakeIndex, tmp_path: Path) -> None:
    lock = lock_with(index, tmp_path)
    args = ["check", "--verify", "--index-url", index.url, str(lock)]
    code, stdout, stderr = run_with_tty_stderr(args, tmp_path)
    assert code == 0, stdout + stderr
    assert "verifying [" in stderr and "5/5 packages" in stderr
    assert "verifying" not in stdout
    code, _, stderr = run_with_tty_stderr([*args, "--no-progress"], tmp_path)
    assert code == 0
    assert "verifying" not in stderr
    piped = subprocess.run(
        [sys.executable, "-m", "lockcheck", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "LOCKCHECK_CACHE_DIR": str(tmp_path / "c2")},
    )
    assert piped.returncode == 0
    assert "verifying" not in piped.stderr


def test_bar_draws_counts_and_clears() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    bar = ProgressBar.for_terminal(stream, enabled=True)
    assert bar is not None
    bar(0, 4)
    bar(4, 4)  # the last update is always drawn
    bar.close()
    assert "0/4 packages" in stream.getvalue()
    assert "4/4 packages" in stream.getvalue()
    assert stream.getvalue().endswith("\r\033[K")
    assert ProgressBar.for_terminal(io.StringIO(), enabled=True) is None
    assert ProgressBar.for_terminal(stream, enabled=False) is None
