"""A PEP 503 index of a directory of wheels, served on 127.0.0.1 for real uv."""

from __future__ import annotations

import functools
import hashlib
import http.server
import shutil
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
