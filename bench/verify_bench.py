"""Whole-process benchmark of ``lockcheck check --verify`` beside ``pip-audit``.

What it measures
----------------
Both tools check ``fixtures/projects/big`` (183 locked packages) against a package index:

* ``lockcheck check --verify --no-progress --index-url URL fixtures/projects/big/uv.lock``
  (every locked hash compared with the digests the index publishes), against

  (a) the real default index, whose URL is read from pip at run time
      (``pip._internal.models.index.PyPI.simple_url``) and printed as ``<default index>``;
  (b) a local, PyPI-shaped index on 127.0.0.1 (``http.server`` in this process) that
      serves exactly the files big/uv.lock records (file name from the URL, hash, size,
      upload time): project JSON pages ``/pypi/NAME/json``, per-version pages
      ``/pypi/NAME/VERSION/json`` and Simple API HTML pages ``/simple/NAME/``. Its pages
      hold the locked releases only, so it shows lockcheck's own cost without network
      latency or the size of real project pages.

  *cold*: an empty ``LOCKCHECK_CACHE_DIR`` (a fresh directory for every run);
  *warm*: the cache one cold run left behind, same directory for every warm run.

* ``pip-audit --disable-pip --no-deps -r FILE`` on the project's requirements export
  (``fixtures/projects/big/requirements-export.txt`` without its ``-e .`` line, copied to
  a temporary file). pip-audit asks its vulnerability service (the default index's JSON
  API) about each package; ``--index-url`` does not change that, so it has a default-index
  row only. *cold*: a fresh ``--cache-dir`` for every run; *warm*: the cache one cold run
  left behind. ``--vulnerability-service osv`` is not tried: it needs a host outside the
  package registries, which this benchmark never contacts.

Per case it reports the median wall-clock time of whole-process runs
(``time.perf_counter`` around the child, so start-up, imports and output count), the
number of HTTP requests of one run (the median over runs), and the peak memory: the
largest maximum resident set size of any run (``os.wait4`` gives each child's own
``rusage``). Requests are counted

* for the local index, by the server;
* for lockcheck on the real index, by lockcheck itself: with ``LOCKCHECK_STATS=1`` it says
  ``lockcheck: N index requests`` on standard error;
* for pip-audit, by a ``sitecustomize`` shim put on its ``PYTHONPATH`` that counts
  urllib3's ``HTTPConnectionPool._make_request`` calls (every request sent, retries
  included) and writes the count to a file at exit.

Before timing, one untimed run of each tool (lockcheck against the local index with
``--no-cache``; pip-audit on an empty requirements file) compiles its modules into a
private bytecode cache (``PYTHONPYCACHEPREFIX``), so timed runs load ``.pyc`` files as an
installed tool would, even if ``PYTHONDONTWRITEBYTECODE`` is exported.

Then come the goals: lockcheck cold on the default index at least 5x faster than
pip-audit cold; lockcheck warm under 0.5 s (every index); lockcheck's peak memory under
200 MB (every run) -- each MET or MISSED. Exit status 0 (1 when a run failed: an exit
status other than 0 or 1 from lockcheck, a traceback, or no run at all).

How to run it
-------------
From the repository root, with the development virtual environment::

    .venv/bin/python bench/verify_bench.py
    .venv/bin/python bench/verify_bench.py --cold-runs 5 --warm-runs 9
    .venv/bin/python bench/verify_bench.py --offline      # local index only, no pip-audit

or ``nox -s bench_verify``. ``lockcheck`` is the script next to ``sys.executable`` (or
``--lockcheck PATH``); ``pip-audit`` is ``--pip-audit PATH``, else the script next to
``sys.executable``, else ``PATH``, else ``/tmp/tools/bin/pip-audit``. It uses the standard
library, plus pip (for the default index's URL) and lockcheck's TOML reader.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
BIG = REPO_ROOT / "fixtures" / "projects" / "big"
BIG_UV_LOCK = BIG / "uv.lock"
BIG_EXPORT = BIG / "requirements-export.txt"
DEFAULT_PIP_AUDIT = Path("/tmp/tools/bin/pip-audit")

DEFAULT_LABEL = "<default index>"
LOCAL_LABEL = "local 127.0.0.1"
COLD, WARM = "cold", "warm"

DEFAULT_COLD_RUNS = 3
DEFAULT_WARM_RUNS = 5
DEFAULT_PIP_AUDIT_RUNS = 2
RUN_TIMEOUT = 900.0  # seconds, per child process

GOAL_COLD_SPEEDUP = 5.0
GOAL_WARM_MS = 500.0
GOAL_PEAK_MB = 200.0

STATS_RE = re.compile(r"^lockcheck: (\d+) index requests$", re.MULTILINE)
COUNT_FILE_ENV = "VERIFY_BENCH_COUNT_FILE"
_NAME_RE = re.compile(r"[-_.]+")

# Put on pip-audit's PYTHONPATH as sitecustomize.py: counts the HTTP requests it sends.
REQUEST_COUNTER = '''\
"""verify_bench: count urllib3 requests, write the count to $VERIFY_BENCH_COUNT_FILE."""
import atexit
import os


def _install():
    path = os.environ.get("VERIFY_BENCH_COUNT_FILE")
    if not path:
        return
    try:
        from urllib3 import connectionpool
    except Exception:
        return
    original = connectionpool.HTTPConnectionPool._make_request
    made = [0]

    def counted(self, *args, **kwargs):
        made[0] += 1
        return original(self, *args, **kwargs)

    connectionpool.HTTPConnectionPool._make_request = counted

    def write():
        with open(path, "w", encoding="ascii") as handle:
            handle.write(str(made[0]))

    atexit.register(write)


_install()
'''


# --------------------------------------------------------------------------- results


@dataclass
class Run:
    """One child process."""

    wall_ms: float
    exit_code: int
    max_rss_kib: int | None
    stdout: str
    stderr: str
    requests: int | None = None


@dataclass
class Case:
    """The runs of one (tool, index, cold/warm)."""

    tool: str
    index: str
    phase: str
    runs: list[Run] = field(default_factory=list)
    ok_codes: frozenset[int] = frozenset({0, 1})
    error: str | None = None
    skipped: str | None = None

    @property
    def wall_ms(self) -> float | None:
        return statistics.median(r.wall_ms for r in self.runs) if self.runs else None

    @property
    def best_ms(self) -> float | None:
        return min(r.wall_ms for r in self.runs) if self.runs else None

    @property
    def requests(self) -> str:
        counts = [r.requests for r in self.runs if r.requests is not None]
        if not counts:
            return "?" if self.runs else "-"
        low, high = min(counts), max(counts)
        median = statistics.median(counts)
        text = f"{median:g}"
        return text if low == high else f"{text} ({low}-{high})"

    @property
    def peak_mb(self) -> float | None:
        sizes = [r.max_rss_kib for r in self.runs if r.max_rss_kib is not None]
        return max(sizes) / 1024 if sizes else None

    @property
    def exit_codes(self) -> str:
        return ",".join(str(c) for c in sorted({r.exit_code for r in self.runs})) or "-"

    def check(self, run: Run) -> None:
        """Note a failed run (the first one) in ``error``."""
        if self.error is None and (run.exit_code not in self.ok_codes or _traceback(run)):
            self.error = f"exit {run.exit_code}: {_last_line(run.stderr or run.stdout)}"


def _traceback(run: Run) -> bool:
    return "Traceback (most recent call last)" in run.stderr


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else "(no output)"


# --------------------------------------------------------------------------- redaction


class Redactor:
    """Replaces the default index's URL and host names with ``<default index>``."""

    def __init__(self, index_url: str | None, hosts: Sequence[str]) -> None:
        needles = [index_url.rstrip("/")] if index_url else []
        needles += [h for h in hosts if h]
        # Longest first, so a URL goes before the host name inside it.
        self._patterns = [
            re.compile(r"(?:https?://)?" + re.escape(n) + r"[^\s'\")<>]*", re.IGNORECASE)
            for n in sorted(set(needles), key=len, reverse=True)
        ]

    def __call__(self, text: str) -> str:
        for pattern in self._patterns:
            text = pattern.sub(DEFAULT_LABEL, text)
        return text


def default_index() -> tuple[str | None, list[str], str | None]:
    """pip's default index URL, its host names (index and file storage), or why not."""
    try:
        from pip._internal.models.index import PyPI
    except ImportError as exc:
        return None, [], f"pip is not importable here ({exc})"
    hosts = [urlsplit(PyPI.simple_url).netloc, str(PyPI.file_storage_domain)]
    return PyPI.simple_url, hosts, None


# --------------------------------------------------------------------------- local index


@dataclass(frozen=True)
class LockedFile:
    filename: str
    algorithm: str
    digest: str
    size: int | None
    upload_time: str | None


def normalize(name: str) -> str:
    return _NAME_RE.sub("-", name).lower()


def read_uv_lock(path: Path) -> dict[str, dict[str, list[LockedFile]]]:
    """Registry files of a uv.lock: normalised name -> version -> files."""
    from lockcheck.tomlcompat import toml_module

    data = toml_module().loads(path.read_text(encoding="utf-8"))
    projects: dict[str, dict[str, list[LockedFile]]] = {}
    for package in data.get("package", []):
        if "registry" not in package.get("source", {}):
            continue
        artifacts = [package["sdist"]] if "sdist" in package else []
        artifacts += package.get("wheels", [])
        files = projects.setdefault(normalize(package["name"]), {}).setdefault(
            package["version"], []
        )
        for artifact in artifacts:
            if "url" not in artifact or "hash" not in artifact:
                continue
            algorithm, _, digest = artifact["hash"].partition(":")
            files.append(
                LockedFile(
                    filename=unquote(urlsplit(artifact["url"]).path.rsplit("/", 1)[-1]),
                    algorithm=algorithm,
                    digest=digest,
                    size=artifact.get("size"),
                    upload_time=artifact.get("upload-time"),
                )
            )
    return projects


def index_pages(
    projects: Mapping[str, Mapping[str, list[LockedFile]]], base: str
) -> dict[str, tuple[bytes, str]]:
    """Every page of a PyPI-shaped index at ``base``: path -> (body, content type)."""

    def file_entry(entry: LockedFile) -> dict[str, Any]:
        return {
            "filename": entry.filename,
            "url": f"{base}/packages/{quote(entry.filename)}",
            "digests": {entry.algorithm: entry.digest},
            "size": entry.size,
            "upload_time": entry.upload_time[:19] if entry.upload_time else None,
            "upload_time_iso_8601": entry.upload_time,
            "packagetype": "bdist_wheel" if entry.filename.endswith(".whl") else "sdist",
            "requires_python": None,
            "yanked": False,
            "yanked_reason": None,
        }

    def info(name: str, version: str) -> dict[str, Any]:
        return {"name": name, "version": version, "yanked": False, "yanked_reason": None}

    json_type, html_type = "application/json", "text/html; charset=utf-8"
    pages: dict[str, tuple[bytes, str]] = {}
    for name, releases in projects.items():
        for version, files in releases.items():
            page = {
                "info": info(name, version),
                "urls": [file_entry(f) for f in files],
                "vulnerabilities": [],
            }
            pages[f"/pypi/{name}/{quote(version, safe='+!')}/json"] = (
                json.dumps(page).encode(),
                json_type,
            )
        latest = list(releases)[-1]
        project = {
            "info": info(name, latest),
            "releases": {v: [file_entry(f) for f in fs] for v, fs in releases.items()},
            "urls": [file_entry(f) for f in releases[latest]],
            "vulnerabilities": [],
        }
        pages[f"/pypi/{name}/json"] = (json.dumps(project).encode(), json_type)
        anchors = "\n".join(
            f'<a href="{base}/packages/{quote(f.filename)}#{f.algorithm}={f.digest}">'
            f"{html.escape(f.filename)}</a><br>"
            for fs in releases.values()
            for f in fs
        )
        simple = (
            f"<!DOCTYPE html>\n<html><head><title>Links for {name}</title></head>\n<body>"
            f"<h1>Links for {name}</h1>\n{anchors}\n</body></html>\n"
        )
        pages[f"/simple/{name}/"] = (simple.encode(), html_type)
    links = "".join(f'<a href="{name}/">{name}</a>\n' for name in sorted(projects))
    pages["/simple/"] = (f"<html><body>\n{links}</body></html>\n".encode(), html_type)
    return pages


class LocalIndex:
    """A static index on 127.0.0.1 that counts the requests it answers."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[bytes, str]] = {}
        self._count = 0
        self._lock = threading.Lock()
        index = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a real index offers

            def do_GET(self) -> None:
                with index._lock:
                    index._count += 1
                path = urlsplit(self.path).path
                body, content_type = index.pages.get(path, (b"Not Found\n", "text/plain"))
                self.send_response(200 if path in index.pages else 404)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        host, port = self.server.server_address[:2]
        self.base = f"http://{host!s}:{port}"
        self.url = f"{self.base}/simple"

    def take_count(self) -> int:
        """Requests answered since the last call."""
        with self._lock:
            count, self._count = self._count, 0
        return count

    @contextmanager
    def serving(self) -> Iterator[LocalIndex]:
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()
            thread.join()


# --------------------------------------------------------------------------- running


def run_child(argv: Sequence[str], env: Mapping[str, str], timeout: float = RUN_TIMEOUT) -> Run:
    """Run a command to completion: wall time, exit status, its own max RSS, its output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            list(argv), stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=dict(env)
        )
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        try:
            if hasattr(os, "wait4"):
                _, status, usage = os.wait4(process.pid, 0)
                wall_ms = (time.perf_counter() - start) * 1000.0
                process.returncode = os.waitstatus_to_exitcode(status)
                rss: int | None = usage.ru_maxrss  # KiB on Linux
            else:  # pragma: no cover - no per-child rusage here
                process.wait()
                wall_ms = (time.perf_counter() - start) * 1000.0
                rss = None
        finally:
            timer.cancel()
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    if sys.platform == "darwin" and rss is not None:  # pragma: no cover - bytes there
        rss //= 1024
    return Run(wall_ms, process.returncode, rss, stdout, stderr)


def find_tool(name: str, explicit: str | None, fallback: Path | None = None) -> Path | None:
    if explicit:
        found = shutil.which(explicit)
        return Path(found) if found else None
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    on_path = shutil.which(name)
    if on_path:
        return Path(on_path)
    if fallback is not None and fallback.is_file():
        return fallback
    return None


def child_env(pycache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    for variable in ("LOCKCHECK_CACHE_DIR", "LOCKCHECK_STATS", "PYTHONPATH", COUNT_FILE_ENV):
        env.pop(variable, None)
    return env


class Bench:
    def __init__(self, workdir: Path, env: Mapping[str, str], log: Any) -> None:
        self.workdir = workdir
        self.env = env
        self.log = log
        self._dirs = 0

    def fresh_dir(self, stem: str) -> Path:
        self._dirs += 1
        path = self.workdir / f"{stem}-{self._dirs}"
        path.mkdir()
        return path

    def say(self, message: str) -> None:
        print(message, file=self.log, flush=True)

    def lockcheck(
        self,
        lockcheck: Path,
        index_url: str,
        label: str,
        local: LocalIndex | None,
        cold_runs: int,
        warm_runs: int,
    ) -> list[Case]:
        argv = [str(lockcheck), "check", "--verify", "--no-progress", "--index-url", index_url]
        argv.append(str(BIG_UV_LOCK))
        cold, warm = Case("lockcheck", label, COLD), Case("lockcheck", label, WARM)
        cache: Path | None = None
        for phase, case, count in ((COLD, cold, cold_runs), (WARM, warm, warm_runs)):
            for number in range(1, count + 1):
                if phase == COLD or cache is None:
                    cache = self.fresh_dir("lockcheck-cache")
                env = {**self.env, "LOCKCHECK_CACHE_DIR": str(cache), "LOCKCHECK_STATS": "1"}
                if local is not None:
                    local.take_count()
                run = run_child(argv, env)
                said = STATS_RE.search(run.stderr)
                run.requests = (
                    local.take_count() if local is not None else int(said[1]) if said else None
                )
                if local is not None and said and int(said[1]) != run.requests:
                    self.say(f"  note: lockcheck counted {said[1]}, the server {run.requests}")
                case.runs.append(run)
                case.check(run)
                self.say(
                    f"  lockcheck {label} {phase} {number}/{count}: {run.wall_ms:.0f} ms, "
                    f"{run.requests} requests, exit {run.exit_code}"
                )
        return [cold, warm]

    def pip_audit(
        self, pip_audit: Path, requirements: Path, runs: int, shim: Path
    ) -> tuple[list[Case], list[Run]]:
        cold, warm = Case("pip-audit", DEFAULT_LABEL, COLD), Case("pip-audit", DEFAULT_LABEL, WARM)
        all_runs: list[Run] = []
        cache: Path | None = None
        for phase, case in ((COLD, cold), (WARM, warm)):
            for number in range(1, runs + 1):
                if phase == COLD or cache is None:
                    cache = self.fresh_dir("pip-audit-cache")
                count_file = self.fresh_dir("pip-audit-count") / "requests"
                env = {**self.env, "PYTHONPATH": str(shim), COUNT_FILE_ENV: str(count_file)}
                argv = [str(pip_audit), "--disable-pip", "--no-deps", "-r", str(requirements)]
                argv += ["--cache-dir", str(cache), "--progress-spinner", "off"]
                run = run_child(argv, env)
                try:
                    run.requests = int(count_file.read_text(encoding="ascii"))
                except (OSError, ValueError):
                    run.requests = None
                case.runs.append(run)
                case.check(run)
                all_runs.append(run)
                self.say(
                    f"  pip-audit {phase} {number}/{runs}: {run.wall_ms:.0f} ms, "
                    f"{run.requests} requests, exit {run.exit_code}"
                )
        return [cold, warm], all_runs


# --------------------------------------------------------------------------- report


def _fmt_ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def _fmt_mb(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def print_table(cases: Sequence[Case]) -> None:
    headers = (
        "tool",
        "index",
        "cache",
        "runs",
        "wall ms",
        "best ms",
        "requests",
        "peak RSS MB",
        "status",
    )
    rows: list[tuple[str, ...]] = []
    for case in cases:
        if case.skipped is not None:
            status = f"skipped: {case.skipped}"
        elif case.error is not None:
            status = f"ERROR {case.error}"
        else:
            status = f"exit {case.exit_codes}"
        rows.append(
            (
                case.tool,
                case.index,
                case.phase,
                str(len(case.runs)),
                _fmt_ms(case.wall_ms),
                _fmt_ms(case.best_ms),
                case.requests,
                _fmt_mb(case.peak_mb),
                status,
            )
        )
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    numeric = {3, 4, 5, 6, 7}

    def fmt(row: Sequence[str]) -> str:
        cells = [
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        return "  ".join(cells).rstrip()

    print("wall ms: median of whole-process runs, best ms: the fastest; requests: per run")
    print("(median; range if varied); peak RSS: the largest of the runs; cold: an empty")
    print("cache per run; warm: the cache a cold run filled")
    print(fmt(headers))
    print(fmt(["-" * w for w in widths]))
    for row in rows:
        print(fmt(row))


def _find(cases: Sequence[Case], tool: str, index: str, phase: str) -> Case | None:
    return next(
        (c for c in cases if (c.tool, c.index, c.phase) == (tool, index, phase) and c.runs),
        None,
    )


def goals(cases: Sequence[Case]) -> list[str]:
    lines: list[str] = []
    ours = _find(cases, "lockcheck", DEFAULT_LABEL, COLD)
    theirs = _find(cases, "pip-audit", DEFAULT_LABEL, COLD)
    goal = f"lockcheck cold at least {GOAL_COLD_SPEEDUP:g}x faster than pip-audit cold"
    if ours is None or theirs is None or not ours.wall_ms or theirs.wall_ms is None:
        lines.append(f"goal: {goal}: not measured")
    else:
        speedup = theirs.wall_ms / ours.wall_ms
        verdict = "MET" if speedup >= GOAL_COLD_SPEEDUP else "MISSED"
        lines.append(
            f"goal: {goal} ({DEFAULT_LABEL}): {speedup:.1f}x "
            f"({ours.wall_ms:.0f} ms vs {theirs.wall_ms:.0f} ms): {verdict}"
        )
    warm = [c for c in cases if c.tool == "lockcheck" and c.phase == WARM and c.runs]
    goal = f"lockcheck warm under {GOAL_WARM_MS / 1000:g} s"
    if not warm:
        lines.append(f"goal: {goal}: not measured")
    else:
        each = ", ".join(f"{c.index} {c.wall_ms or 0.0:.1f} ms" for c in warm)
        met = all(c.wall_ms is not None and c.wall_ms < GOAL_WARM_MS for c in warm)
        lines.append(f"goal: {goal}: {each}: {'MET' if met else 'MISSED'}")
    peaks = [(c, c.peak_mb) for c in cases if c.tool == "lockcheck" and c.peak_mb is not None]
    goal = f"lockcheck peak memory under {GOAL_PEAK_MB:g} MB"
    if not peaks:
        lines.append(f"goal: {goal}: not measured")
    else:
        case, peak = max(peaks, key=lambda item: item[1] or 0.0)
        verdict = "MET" if peak is not None and peak < GOAL_PEAK_MB else "MISSED"
        lines.append(
            f"goal: {goal}: at most {_fmt_mb(peak)} MB ({case.index} {case.phase}): {verdict}"
        )
    return lines


def describe_runs(cases: Sequence[Case], redact: Redactor) -> list[str]:
    """What each case's last run said (its last line), so a reader sees what was checked."""
    lines: list[str] = []
    for case in cases:
        if not case.runs:
            continue
        last = case.runs[-1]
        if case.tool == "lockcheck":
            said = _last_line(last.stdout)
        else:
            skips = sum("could not be audited" in line for line in last.stdout.splitlines())
            said = f"{_last_line(last.stderr)}; {skips} packages skipped as not auditable"
        lines.append(f"{case.tool} {case.index} {case.phase}: {redact(said)}")
    return lines


def print_pip_audit_output(run: Run, redact: Redactor) -> None:
    """pip-audit's output, verbatim but for the index's host names; long stdout abridged."""
    print("pip-audit printed (first cold run), standard error:")
    for line in run.stderr.splitlines():
        print(f"    {redact(line)}")
    out = run.stdout.splitlines()
    head, tail = 6, 2
    print(f"standard output ({len(out)} lines):")
    shown = out if len(out) <= head + tail else [*out[:head], "    ...", *out[-tail:]]
    for line in shown:
        print(f"    {redact(line)}")


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="lockcheck --verify (cold and warm cache, real and local index) "
        "beside pip-audit: wall time, requests, peak memory.",
    )
    parser.add_argument(
        "--cold-runs",
        type=int,
        default=DEFAULT_COLD_RUNS,
        help=f"lockcheck cold runs per index (default {DEFAULT_COLD_RUNS})",
    )
    parser.add_argument(
        "--warm-runs",
        type=int,
        default=DEFAULT_WARM_RUNS,
        help=f"lockcheck warm runs per index (default {DEFAULT_WARM_RUNS})",
    )
    parser.add_argument(
        "--pip-audit-runs",
        type=int,
        default=DEFAULT_PIP_AUDIT_RUNS,
        help=f"pip-audit runs, cold and warm each (default {DEFAULT_PIP_AUDIT_RUNS})",
    )
    parser.add_argument("--lockcheck", metavar="PATH", help="the lockcheck executable")
    parser.add_argument("--pip-audit", metavar="PATH", help="the pip-audit executable")
    parser.add_argument(
        "--offline",
        action="store_true",
        help="the local index only: neither the default index nor pip-audit",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    if min(args.cold_runs, args.warm_runs, args.pip_audit_runs) < 1:
        parser.error("every number of runs must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    log = sys.stderr
    lockcheck = find_tool("lockcheck", args.lockcheck)
    if lockcheck is None:
        print("lockcheck not found (run with the project's venv, or --lockcheck)", file=log)
        return 2
    index_url, hosts, no_index = default_index()
    redact = Redactor(index_url, hosts)
    pip_audit = None if args.offline else find_tool("pip-audit", args.pip_audit, DEFAULT_PIP_AUDIT)
    workdir = Path(tempfile.mkdtemp(prefix="lockcheck-verify-bench-"))
    try:
        bench = Bench(workdir, child_env(workdir / "pycache"), log)
        cases: list[Case] = []
        projects = read_uv_lock(BIG_UV_LOCK)
        local = LocalIndex()
        local.pages = index_pages(projects, local.base)
        files = sum(len(fs) for releases in projects.values() for fs in releases.values())
        bench.say(f"local index: {len(projects)} projects, {files} files, {len(local.pages)} pages")
        with local.serving():
            bench.say("warm-up (bytecode): lockcheck --no-cache against the local index")
            warmup_argv = [str(lockcheck), "check", "--verify", "--no-progress", "--no-cache"]
            warmup_argv += ["--index-url", local.url, str(BIG_UV_LOCK)]
            warmup = run_child(warmup_argv, bench.env)
            local.take_count()
            if warmup.exit_code not in (0, 1):
                bench.say(f"  warm-up failed: {redact(_last_line(warmup.stderr))}")
            cases += bench.lockcheck(
                lockcheck, local.url, LOCAL_LABEL, local, args.cold_runs, args.warm_runs
            )
        if args.offline:
            skip = "--offline"
            cases += [Case("lockcheck", DEFAULT_LABEL, p, skipped=skip) for p in (COLD, WARM)]
        elif index_url is None:
            skip = str(no_index)
            cases += [Case("lockcheck", DEFAULT_LABEL, p, skipped=skip) for p in (COLD, WARM)]
        else:
            cases += bench.lockcheck(
                lockcheck, index_url, DEFAULT_LABEL, None, args.cold_runs, args.warm_runs
            )

        audit_runs: list[Run] = []
        if pip_audit is None:
            skip = "--offline" if args.offline else "pip-audit not found"
            cases += [Case("pip-audit", DEFAULT_LABEL, p, skipped=skip) for p in (COLD, WARM)]
        else:
            requirements = workdir / "requirements-export.txt"
            lines = BIG_EXPORT.read_text(encoding="utf-8").splitlines(keepends=True)
            requirements.write_text(
                "".join(line for line in lines if line.strip() != "-e ."), encoding="utf-8"
            )
            shim = workdir / "shim"
            shim.mkdir()
            (shim / "sitecustomize.py").write_text(REQUEST_COUNTER, encoding="utf-8")
            empty = workdir / "empty.txt"
            empty.write_text("", encoding="utf-8")
            bench.say("warm-up (bytecode): pip-audit on an empty requirements file")
            warmup_argv = [str(pip_audit), "--disable-pip", "--no-deps", "-r", str(empty)]
            warmup_argv += ["--cache-dir", str(bench.fresh_dir("pip-audit-warmup"))]
            run_child(warmup_argv, bench.env)
            audit_cases, audit_runs = bench.pip_audit(
                pip_audit, requirements, args.pip_audit_runs, shim
            )
            cases += audit_cases

        print()
        print_table(cases)
        print()
        for line in goals(cases):
            print(line)
        print()
        for line in describe_runs(cases, redact):
            print(line)
        if audit_runs:
            print()
            print_pip_audit_output(audit_runs[0], redact)
            print(
                "pip-audit --vulnerability-service osv: not tried (its service is a host "
                "outside the package registries; this benchmark contacts none)"
            )
        failed = [c for c in cases if c.error is not None]
        for case in failed:
            last = case.runs[-1]
            print(f"\nfailed: {case.tool} {case.index} {case.phase}; last standard error:")
            print(redact(last.stderr.strip()[-2000:]))
        ran = any(c.runs for c in cases)
        return 1 if failed or not ran else 0
    finally:
        if args.keep:
            print(f"kept {workdir}", file=log)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
