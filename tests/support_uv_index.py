"""A PEP 503 index of a directory of wheels, served on 127.0.0.1, and the git repository the
uv-lc201 fixtures were locked against: used by fixtures/uv_lc201.py to lock them and by the
uv oracle test to check them again (so both serve and build the same things). Standard
library only: the fixture script imports it without the test environment."""

from __future__ import annotations

import functools
import hashlib
import http.server
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def write_index(wheels: Path, target: Path) -> None:
    """simple/<name>/index.html linking ../../files/<wheel>#sha256=<digest>."""
    (target / "files").mkdir(parents=True)
    projects: dict[str, list[Path]] = {}
    for wheel in sorted(wheels.glob("*.whl")):
        projects.setdefault(wheel.name.split("-")[0].replace("_", "-"), []).append(wheel)
        shutil.copy(wheel, target / "files" / wheel.name)
    for name, files in projects.items():
        page = target / "simple" / name
        page.mkdir(parents=True)
        links = "".join(
            f'<a href="../../files/{f.name}#sha256={hashlib.sha256(f.read_bytes()).hexdigest()}"'
            f' data-requires-python="&gt;=3.8">{f.name}</a>\n'
            for f in files
        )
        (page / "index.html").write_text(f"<!DOCTYPE html><html><body>\n{links}</body></html>\n")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def served(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on a free loopback port; yields the base URL (no slash)."""
    handler = functools.partial(_Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def git_repository(source: Path, backend: Path, target: Path) -> str:
    """``source`` plus ``backend`` (as backend.py) committed and tagged v1.0 in a new git
    repository, with fixed names and dates: the same commit id on every run."""
    shutil.copytree(source, target)
    shutil.copy(backend, target / "backend.py")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "lockcheck fixtures",
        "GIT_AUTHOR_EMAIL": "fixtures@example.test",
        "GIT_COMMITTER_NAME": "lockcheck fixtures",
        "GIT_COMMITTER_EMAIL": "fixtures@example.test",
        "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
        "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    for args in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        ["-c", "commit.gpgsign=false", "commit", "-q", "-m", "epsilon 1.0"],
        ["tag", "v1.0"],
    ):
        subprocess.run(["git", *args], cwd=target, env=env, check=True)
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"],
        cwd=target,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return head.stdout.strip()
