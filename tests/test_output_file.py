"""--output: regular files are replaced atomically, anything else is written through (issue 9).

Renaming a temporary file over the path, as root, replaced /dev/null with a regular file.
No test here writes to a real device until the write-through path has been shown not to
rename (FIFO and symlink cases), and the device case itself runs with renaming disabled.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from conftest import run_cli
from lockcheck.checking import write_atomically

H1 = "sha256:" + "a" * 64


@pytest.fixture
def lock(tmp_path: Path) -> Path:
    path = tmp_path / "requirements.txt"
    path.write_text(f"six==1.16.0 --hash={H1}\nrequests==2.32.3\n", encoding="utf-8")
    return path


def test_dash_is_standard_output(lock: Path, tmp_path: Path) -> None:
    result = run_cli("check", "--format", "json", "-o", "-", str(lock))
    assert result.exit_code == 1
    assert [f["code"] for f in result.json["findings"]] == ["LC002"]
    assert not (tmp_path / "-").exists()


def test_fifo_is_written_through(lock: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    # A reader is open before lockcheck opens the FIFO to write, so nothing blocks.
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        result = run_cli("check", "--format", "json", "-o", str(fifo), str(lock))
        received = os.read(reader, 1 << 16).decode()
    finally:
        os.close(reader)
    assert result.exit_code == 1
    assert '"LC002"' in received
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_symlink_is_written_through(lock: Path, tmp_path: Path) -> None:
    target = tmp_path / "reports" / "lockcheck.json"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "report.json"
    link.symlink_to(target)
    result = run_cli("check", "--format", "json", "-o", str(link), str(lock))
    assert result.exit_code == 1
    assert link.is_symlink()
    assert os.readlink(link) == str(target)
    assert '"LC002"' in target.read_text(encoding="utf-8")


def test_regular_file_is_replaced_keeping_its_mode(lock: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o640)
    before = out.stat().st_ino
    result = run_cli("check", "--format", "json", "-o", str(out), str(lock))
    assert result.exit_code == 1
    assert '"LC002"' in out.read_text(encoding="utf-8")
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert out.stat().st_ino != before  # renamed over, never half written
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == []


def test_new_file_gets_the_umask_mode(lock: Path, tmp_path: Path) -> None:
    out = tmp_path / "new-report.json"
    old = os.umask(0o027)
    try:
        result = run_cli("check", "--format", "json", "-o", str(out), str(lock))
    finally:
        os.umask(old)
    assert result.exit_code == 1
    assert stat.S_IMODE(out.stat().st_mode) == 0o640  # 0666 & ~027, not mkstemp's 0600


def test_device_is_written_through_never_renamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # First prove, on a FIFO of our own, that a non-regular path never reaches a rename.
    renames: list[tuple[Any, ...]] = []

    def refuse(*args: Any, **kwargs: Any) -> None:
        renames.append(args)
        raise AssertionError(f"rename attempted: {args}")

    monkeypatch.setattr(os, "replace", refuse)
    monkeypatch.setattr(os, "rename", refuse)
    fifo = tmp_path / "probe.fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        write_atomically(fifo, "probe")
        assert os.read(reader, 100) == b"probe"
    finally:
        os.close(reader)
    assert renames == []
    # The same path for the device, with renaming still impossible.
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    write_atomically(Path(os.devnull), "nothing to see\n")
    assert renames == []
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_output_into_a_missing_directory_is_one_line(lock: Path, tmp_path: Path) -> None:
    result = run_cli("check", "-o", str(tmp_path / "missing" / "r.txt"), str(lock))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "--output" in result.stderr
