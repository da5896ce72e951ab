"""Whole-process benchmark of ``lockcheck check`` against ``pinlint``.

What it measures
----------------
Wall-clock time (``time.perf_counter`` around ``subprocess.run``) of complete
process runs, so interpreter start-up, imports, parsing, rule evaluation and
report output are all included. For every case it reports the median and the
best of N runs (after a few warm-up runs that are not counted). Runs of all
cases are interleaved round-robin so that machine noise affects every case
alike. The cases are:

* ``python -c pass``: bare interpreter start-up, the floor for any Python CLI;
* ``lockcheck --version``: lockcheck's own start-up cost (imports, CLI set-up);
* ``lockcheck check FILE`` and ``pinlint FILE`` side by side, on

  - a generated, pip-compile style, fully hashed requirements file of 1,000
    entries (2-30 ``--hash`` lines each, ~17 on average, plus ``# via``
    comments), built deterministically from a seed in a temporary directory;
  - the largest ``fixtures/projects/*/requirements*.txt`` in the repository;

* ``lockcheck check fixtures/projects/big/uv.lock`` (183 packages, ~850 KB; the
  goal is a median under 200 ms). pinlint reads requirements files only, so its
  row says "n/a (requirements only)" and is not run;
* ``lockcheck check DIR`` on a directory of lockfiles in all four formats:
  the project directories ``fixtures/projects/{small-app,data-tool,
  private-index,workspace,git-dep}`` are copied whole into the temporary
  directory (so ``-r`` includes, pyproject.toml files and local path
  dependencies stay beside their locks), which gives two dozen uv.lock,
  poetry.lock, pylock.toml and requirements*.txt files; the table's footnotes
  say how many of each. pinlint takes files only, so its row is "n/a".
  lockcheck asks git (``git ls-files``) which files a directory holds that are
  not ignored; the temporary directory is normally outside any git work tree,
  so git declines and nothing is filtered, but starting git is part of the
  timing. (With ``TMPDIR`` inside a work tree, its ignore rules would apply.)

Packages and hashes per row are approximate: requirements files count
requirement lines and ``--hash`` options; TOML lockfiles count
``[[package]]``/``[[packages]]`` headers and ``hash = "``/``sha256 = "``
occurrences; a directory row sums its files.

Bytecode: the tools run with bytecode caching switched on and pointed at a
private directory in the temporary directory (``PYTHONPYCACHEPREFIX``), so the
warm-up runs compile each module once and the timed runs load ``.pyc`` files as
an installed tool would, even if ``PYTHONDONTWRITEBYTECODE`` is exported; no
``__pycache__`` is written beside the sources. ``--inherit-env`` runs the tools
in the caller's environment unchanged instead.

Everything is offline: lockcheck runs without ``--verify``. Exit status 0 and 1
(findings) count as success; exit status 2, any other status, death by a signal
or a Python traceback on standard error are reported as errors.

How to run it
-------------
From the repository root, with the development virtual environment::

    .venv/bin/python bench/bench.py               # table
    .venv/bin/python bench/bench.py --runs 30     # more runs per case
    .venv/bin/python bench/bench.py --json        # machine-readable results
    .venv/bin/python bench/bench.py --profile     # cProfile lockcheck in-process
    .venv/bin/python bench/bench.py --profile fixtures/projects/big/uv.lock

``lockcheck`` is taken from the script next to ``sys.executable`` (or
``--lockcheck PATH``); ``pinlint`` from ``--pinlint PATH``, else ``PATH``, else
``/tmp/tools/bin/pinlint``. The benchmark uses the standard library only.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import fnmatch
import io
import json
import os
import pstats
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

REPO_ROOT = Path(__file__).resolve().parent.parent
POPULAR_PROJECTS = REPO_ROOT.parent / "shared" / "data" / "popular-projects.txt"
FIXTURES = REPO_ROOT / "fixtures" / "projects"
FIXTURE_GLOB = "fixtures/projects/*/requirements*.txt"
BIG_UV_LOCK = FIXTURES / "big" / "uv.lock"
BIG_UV_GOAL_MS = 200.0
# Project fixtures copied whole into the directory case; between them they hold
# lockfiles of all four formats.
DIRECTORY_PROJECTS = ("small-app", "data-tool", "private-index", "workspace", "git-dep")
PINLINT_REQUIREMENTS_ONLY = "n/a (requirements only)"
PINLINT_NO_DIRECTORIES = "n/a (files only, no directory search)"
DEFAULT_PINLINT = Path("/tmp/tools/bin/pinlint")

DEFAULT_RUNS = 15
DEFAULT_WARMUP = 2
DEFAULT_ENTRIES = 1000
DEFAULT_SEED = 20261121
PROFILE_TOP = 25
PROFILE_BIGGEST = ""  # --profile without a path: the biggest file of the benchmark

MIN_HASHES = 2
MAX_HASHES = 30
# A triangular distribution on [2, 30] with mode 19 has mean (2 + 30 + 19) / 3 = 17.
HASH_MODE = 19

_CANONICAL_RE = re.compile(r"[-_.]+")
_VALID_NAME_RE = re.compile(r"^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$")
_REQUIREMENT_START_RE = re.compile(r"^[A-Za-z0-9]")
_HASH_RE = re.compile(r"--hash[=\s]")
_TOML_PACKAGE_RE = re.compile(r"^\[\[packages?\]\][ \t]*(?:#.*)?$", re.MULTILINE)
# ``hash = "`` (uv.lock, poetry.lock) and ``sha256 = "`` (pylock.toml), but not poetry's
# ``content-hash = "``.
_TOML_HASH_RE = re.compile(r'(?<![\w-])(?:hash|sha256) = "')
_REQUIREMENTS_NAMES = ("requirements*.txt", "requirements*.lock", "constraints*.txt")


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Subject:
    """A file, or a directory of lockfiles, that lockcheck (and maybe pinlint) is run on."""

    case: str
    path: Path
    packages: int
    hashes: int
    # The lockfiles in ``path`` (just ``path`` itself for a file), and how many of each format.
    files: tuple[Path, ...] = ()
    formats: tuple[tuple[str, int], ...] = ()
    pinlint_skip: str | None = None  # why pinlint is not run on it, if it is not
    goal_ms: float | None = None  # a target for lockcheck's median

    @property
    def bytes(self) -> int:
        return sum(f.stat().st_size for f in self.files or (self.path,))


@dataclass
class Result:
    """Timings of one command."""

    case: str
    tool: str
    argv: list[str]
    packages: int | None = None
    hashes: int | None = None
    goal_ms: float | None = None
    times_ms: list[float] = field(default_factory=list)
    exit_codes: set[int] = field(default_factory=set)
    error: str | None = None
    skipped: str | None = None

    @property
    def median_ms(self) -> float | None:
        return statistics.median(self.times_ms) if self.times_ms else None

    @property
    def best_ms(self) -> float | None:
        return min(self.times_ms) if self.times_ms else None

    def to_json(self) -> dict[str, object]:
        return {
            "case": self.case,
            "tool": self.tool,
            "argv": self.argv,
            "packages": self.packages,
            "hashes": self.hashes,
            "goal_ms": self.goal_ms,
            "runs": len(self.times_ms),
            "median_ms": _round(self.median_ms),
            "best_ms": _round(self.best_ms),
            "times_ms": [round(t, 3) for t in self.times_ms],
            "exit_codes": sorted(self.exit_codes),
            "error": self.error,
            "skipped": self.skipped,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


# --------------------------------------------------------------------------- generation


def canonical(name: str) -> str:
    """The PEP 503 normalised form of a project name."""
    return _CANONICAL_RE.sub("-", name).lower()


def load_project_names(path: Path) -> list[str]:
    """Project names from ``path``, one per line, most popular first; [] if unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return []
    names: list[str] = []
    seen: set[str] = set()
    for line in text.splitlines():
        name = line.strip()
        if not name or name.startswith("#") or not _VALID_NAME_RE.match(name.lower()):
            continue
        key = canonical(name)
        if key not in seen:
            seen.add(key)
            names.append(name)
    return names


_PREFIXES = ("py", "django-", "flask-", "pytest-", "sphinx-", "types-", "azure-", "google-")
_WORDS = (
    "async", "auth", "cache", "cli", "color", "config", "core", "crypto", "data", "date",
    "db", "dns", "event", "file", "graph", "grpc", "html", "http", "image", "io", "json",
    "jwt", "log", "mail", "math", "mock", "net", "oauth", "path", "plot", "proto", "queue",
    "redis", "regex", "retry", "rpc", "schema", "shell", "sql", "ssh", "stats", "stream",
    "task", "term", "test", "text", "time", "toml", "url", "utils", "web", "xml", "yaml", "zip",
)  # fmt: skip
_SUFFIXES = ("", "", "", "lib", "kit", "tools", "-client", "-core", "-utils", "-plugin", "x")


def synthetic_names(rng: random.Random, count: int) -> list[str]:
    """Realistic-looking, unique project names, for when the popular-projects list is missing."""
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        word = rng.choice(_WORDS)
        if rng.random() < 0.4:
            word = f"{word}-{rng.choice(_WORDS)}"
        prefix = rng.choice(_PREFIXES) if rng.random() < 0.35 else ""
        name = f"{prefix}{word}{rng.choice(_SUFFIXES)}"
        key = canonical(name)
        if key not in seen:
            seen.add(key)
            names.append(name)
    return names


def pick_names(rng: random.Random, count: int) -> tuple[list[str], str]:
    """``count`` unique names, sorted like pip-compile output, and where they came from."""
    popular = load_project_names(POPULAR_PROJECTS)
    if len(popular) >= count:
        # Sample from the head of the list, where real lockfiles mostly draw from.
        pool = popular[: max(count * 5, min(len(popular), 5000))]
        names = rng.sample(pool, count)
        source = f"{POPULAR_PROJECTS} ({len(popular)} names)"
    else:
        reason = "missing" if not popular else f"only {len(popular)} names"
        names = popular + synthetic_names(rng, count * 2)
        names = list({canonical(n): n for n in names}.values())[:count]
        source = f"synthetic names ({POPULAR_PROJECTS} {reason})"
    return sorted(names, key=canonical), source


def random_version(rng: random.Random) -> str:
    if rng.random() < 0.08:  # calendar versioning
        return f"{rng.randint(2019, 2026)}.{rng.randint(1, 12)}.{rng.randint(1, 28)}"
    return f"{rng.choice((0, 0, 1, 1, 1, 2, 2, 3, 4, 5, 6, 7, 10, 23))}.{rng.randint(0, 40)}.{rng.randint(0, 15)}"


def hash_count(rng: random.Random) -> int:
    return min(
        MAX_HASHES, max(MIN_HASHES, round(rng.triangular(MIN_HASHES, MAX_HASHES, HASH_MODE)))
    )


def generate_requirements(rng: random.Random, names: Sequence[str]) -> str:
    """A pip-compile ``--generate-hashes`` style lockfile pinning every name in ``names``."""
    lines = [
        "#",
        "# This file is autogenerated by pip-compile with Python 3.12",
        "# by the following command:",
        "#",
        "#    pip-compile --generate-hashes --output-file=requirements.txt requirements.in",
        "#",
    ]
    markers = ('python_version < "3.11"', 'sys_platform == "win32"', 'platform_system != "Windows"')
    for name in names:
        marker = f" ; {rng.choice(markers)}" if rng.random() < 0.04 else ""
        lines.append(f"{name}=={random_version(rng)}{marker} \\")
        digests = sorted(f"{rng.getrandbits(256):064x}" for _ in range(hash_count(rng)))
        for i, digest in enumerate(digests):
            tail = "" if i == len(digests) - 1 else " \\"
            lines.append(f"    --hash=sha256:{digest}{tail}")
        parents = rng.sample(names, rng.choice((0, 1, 1, 1, 2, 3)))
        direct = rng.random() < 0.15 or not parents
        via = (["-r requirements.in"] if direct else []) + sorted(p for p in parents if p != name)
        if not via:
            via = ["-r requirements.in"]
        if len(via) == 1:
            lines.append(f"    # via {via[0]}")
        else:
            lines.append("    # via")
            lines.extend(f"    #   {v}" for v in via)
    return "\n".join(lines) + "\n"


def count_requirements(text: str) -> tuple[int, int]:
    """Package (requirement line) and ``--hash`` counts of a requirements file."""
    packages = hashes = 0
    logical = ""
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if line.endswith("\\"):
            logical += line[:-1] + " "
            continue
        logical += line
        stripped = logical.strip()
        if _REQUIREMENT_START_RE.match(stripped):
            packages += 1
        hashes += len(_HASH_RE.findall(stripped))
        logical = ""
    return packages, hashes


def count_toml_lock(text: str) -> tuple[int, int]:
    """Approximate package and hash counts of a uv.lock, poetry.lock or pylock.toml."""
    return len(_TOML_PACKAGE_RE.findall(text)), len(_TOML_HASH_RE.findall(text))


def lock_format(path: Path) -> str | None:
    """The lockfile format a file name says (as lockcheck's discovery reads names), or None."""
    name = path.name.lower()
    if name in ("uv.lock", "poetry.lock", "pylock.toml"):
        return name
    if fnmatch.fnmatch(name, "pylock.*.toml"):
        return "pylock.toml"
    if any(fnmatch.fnmatch(name, p) for p in _REQUIREMENTS_NAMES) or (
        path.parent.name.lower() == "requirements" and name.endswith((".txt", ".lock"))
    ):
        return "requirements"
    return None


def count_lockfile(path: Path) -> tuple[int, int]:
    text = path.read_text(encoding="utf-8")
    if lock_format(path) in (None, "requirements"):
        return count_requirements(text)
    return count_toml_lock(text)


def subject_for(
    case: str, path: Path, pinlint_skip: str | None = None, goal_ms: float | None = None
) -> Subject:
    packages, hashes = count_lockfile(path)
    return Subject(
        case=case,
        path=path,
        packages=packages,
        hashes=hashes,
        files=(path,),
        formats=((lock_format(path) or "requirements", 1),),
        pinlint_skip=pinlint_skip,
        goal_ms=goal_ms,
    )


def directory_subject(root: Path) -> Subject:
    """The lockfiles under ``root``, counted and summed."""
    files = sorted(p for p in root.rglob("*") if p.is_file() and lock_format(p) is not None)
    counts = [count_lockfile(p) for p in files]
    formats: dict[str, int] = {}
    for path in files:
        fmt = lock_format(path) or "requirements"
        formats[fmt] = formats.get(fmt, 0) + 1
    return Subject(
        case=f"directory of {len(files)} lockfiles",
        path=root,
        packages=sum(c[0] for c in counts),
        hashes=sum(c[1] for c in counts),
        files=tuple(files),
        formats=tuple(sorted(formats.items())),
        pinlint_skip=PINLINT_NO_DIRECTORIES,
    )


def build_directory(workdir: Path) -> Path | None:
    """Copy the ``DIRECTORY_PROJECTS`` fixtures, whole, into ``workdir/projects``."""
    root = workdir / "projects"
    copied = 0
    for name in DIRECTORY_PROJECTS:
        source = FIXTURES / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
            copied += 1
    return root if copied else None


def describe_formats(formats: Sequence[tuple[str, int]]) -> str:
    return ", ".join(f"{count} {fmt}" for fmt, count in formats)


def largest_fixture() -> Path | None:
    candidates = [p for p in REPO_ROOT.glob(FIXTURE_GLOB) if p.is_file()]
    if not candidates:
        return None
    return max(candidates, key=lambda p: (p.stat().st_size, str(p)))


def build_subjects(workdir: Path, entries: int, seed: int, log: TextIO) -> list[Subject]:
    rng = random.Random(seed)
    names, source = pick_names(rng, entries)
    generated = workdir / "requirements.txt"
    generated.write_text(generate_requirements(rng, names), encoding="utf-8")
    subjects = [subject_for(f"generated-{entries}", generated)]
    print(f"generated {generated} from {source}, seed {seed}", file=log)

    fixture = largest_fixture()
    if fixture is None:
        print(f"no fixture matches {FIXTURE_GLOB}; skipping the fixture row", file=log)
    else:
        rel = fixture.relative_to(FIXTURES)
        subjects.append(subject_for(f"fixture {rel.as_posix()}", fixture))
        print(f"largest fixture: {fixture.relative_to(REPO_ROOT)}", file=log)

    if BIG_UV_LOCK.is_file():
        rel = BIG_UV_LOCK.relative_to(FIXTURES)
        subjects.append(
            subject_for(
                f"fixture {rel.as_posix()}",
                BIG_UV_LOCK,
                pinlint_skip=PINLINT_REQUIREMENTS_ONLY,
                goal_ms=BIG_UV_GOAL_MS,
            )
        )
    else:
        print(f"no {BIG_UV_LOCK.relative_to(REPO_ROOT)}; skipping the uv.lock row", file=log)

    root = build_directory(workdir)
    if root is None:
        print(
            f"none of {', '.join(DIRECTORY_PROJECTS)} found; skipping the directory row", file=log
        )
    else:
        subject = directory_subject(root)
        subjects.append(subject)
        print(
            f"copied {', '.join(DIRECTORY_PROJECTS)} to {root}: "
            f"{describe_formats(subject.formats)}",
            file=log,
        )
    return subjects


# --------------------------------------------------------------------------- executables


def find_lockcheck(explicit: str | None) -> Path | None:
    if explicit:
        path = Path(explicit)
        return path if path.is_file() else None
    bindir = Path(sys.executable).parent
    for name in ("lockcheck", "lockcheck.exe"):
        if (bindir / name).is_file():
            return bindir / name
    found = shutil.which("lockcheck")
    return Path(found) if found else None


def find_pinlint(explicit: str | None) -> Path | None:
    if explicit:
        path = Path(explicit)
        return path if path.is_file() else None
    found = shutil.which("pinlint")
    if found:
        return Path(found)
    return DEFAULT_PINLINT if DEFAULT_PINLINT.is_file() else None


def script_interpreter(script: Path) -> Path | None:
    """The interpreter named by a console script's ``#!`` line, if it is a plain path."""
    try:
        with script.open("rb") as handle:
            first = handle.readline().decode("utf-8", "replace").strip()
    except OSError:
        return None
    if not first.startswith("#!"):
        return None
    parts = first[2:].split()
    if len(parts) != 1:  # "/usr/bin/env python" and the like: not worth guessing
        return None
    interpreter = Path(parts[0])
    return interpreter if interpreter.is_file() else None


# --------------------------------------------------------------------------- timing


def child_env(pycache: Path | None) -> dict[str, str]:
    """The environment for timed runs.

    With ``pycache``, bytecode caching is switched on and redirected to that directory, so
    warm-up runs compile every module once and timed runs load bytecode as an installed tool
    would, even when the caller exports PYTHONDONTWRITEBYTECODE; nothing is written beside
    the sources. Without it, the caller's environment is used unchanged.
    """
    env = dict(os.environ)
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def run_once(argv: Sequence[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run ``argv`` once; return elapsed milliseconds, exit status and standard error."""
    start = time.perf_counter()
    proc = subprocess.run(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=REPO_ROOT,
        env=env,
        check=False,
    )
    elapsed = (time.perf_counter() - start) * 1000.0
    return elapsed, proc.returncode, proc.stderr.decode("utf-8", "replace")


def classify(returncode: int, stderr: str) -> str | None:
    """An error description for a failed run, or None if the run counts as a success."""
    if "Traceback (most recent call last)" in stderr:
        last = [line for line in stderr.strip().splitlines() if line.strip()]
        return f"crashed (exit {returncode}): {last[-1].strip() if last else 'traceback'}"
    if returncode < 0:
        return f"killed by signal {-returncode}"
    if returncode in (0, 1):
        return None
    first = stderr.strip().splitlines()[0].strip() if stderr.strip() else "no message"
    return f"exit {returncode}: {first}"


def measure(
    results: list[Result], runs: int, warmup: int, env: dict[str, str], log: TextIO
) -> None:
    """Time every runnable result, interleaving the commands round-robin."""
    active = [r for r in results if r.skipped is None]
    progress = log.isatty()
    for round_no in range(warmup + runs):
        counted = round_no >= warmup
        label = f"run {round_no - warmup + 1}/{runs}" if counted else f"warm-up {round_no + 1}"
        if progress:
            print(f"\r{label:<16}", end="", file=log, flush=True)
        for result in active:
            if result.error is not None:
                continue
            try:
                elapsed, code, stderr = run_once(result.argv, env)
            except OSError as exc:
                result.error = f"cannot run: {exc}"
                continue
            error = classify(code, stderr)
            if error is not None:
                result.error = error
                result.times_ms.clear()
                continue
            result.exit_codes.add(code)
            if counted:
                result.times_ms.append(elapsed)
    if progress:
        print("\r" + " " * 16 + "\r", end="", file=log, flush=True)


def plan(subjects: Sequence[Subject], lockcheck: Path | None, pinlint: Path | None) -> list[Result]:
    results: list[Result] = [Result("start-up", "python -c pass", [sys.executable, "-c", "pass"])]
    pin_python = script_interpreter(pinlint) if pinlint else None
    if pin_python is not None and pin_python.resolve() != Path(sys.executable).resolve():
        results.append(
            Result("start-up", "pinlint's python -c pass", [str(pin_python), "-c", "pass"])
        )

    missing_lockcheck = "lockcheck not found" if lockcheck is None else None
    missing_pinlint = "pinlint not found" if pinlint is None else None
    results.append(
        Result(
            "start-up",
            "lockcheck --version",
            [str(lockcheck), "--version"],
            skipped=missing_lockcheck,
        )
    )
    for subject in subjects:
        for tool, argv, skipped, goal in (
            (
                "lockcheck",
                [str(lockcheck), "check", str(subject.path)],
                missing_lockcheck,
                subject.goal_ms,
            ),
            (
                "pinlint",
                [str(pinlint), str(subject.path)],
                subject.pinlint_skip or missing_pinlint,
                None,
            ),
        ):
            results.append(
                Result(
                    subject.case,
                    tool,
                    argv,
                    packages=subject.packages,
                    hashes=subject.hashes,
                    goal_ms=goal,
                    skipped=skipped,
                )
            )
    return results


# --------------------------------------------------------------------------- reporting


def _fmt_ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _fmt_count(value: int | None) -> str:
    return "" if value is None else str(value)


def ratios(results: Sequence[Result]) -> list[dict[str, object]]:
    """lockcheck/pinlint ratios of median and best times, per file."""
    by_case: dict[str, dict[str, Result]] = {}
    for result in results:
        if result.tool in ("lockcheck", "pinlint"):
            by_case.setdefault(result.case, {})[result.tool] = result
    out: list[dict[str, object]] = []
    for case, tools in by_case.items():
        lc, pl = tools.get("lockcheck"), tools.get("pinlint")
        entry: dict[str, object] = {"case": case, "median_ratio": None, "best_ratio": None}
        if pl is not None and pl.skipped is not None:
            entry["note"] = pl.skipped
        if lc and pl and lc.median_ms and pl.median_ms and lc.best_ms and pl.best_ms:
            entry["median_ratio"] = round(lc.median_ms / pl.median_ms, 3)
            entry["best_ratio"] = round(lc.best_ms / pl.best_ms, 3)
        out.append(entry)
    return out


def print_table(
    results: Sequence[Result], subjects: Sequence[Subject], runs: int, warmup: int
) -> None:
    headers = ("case", "tool", "median ms", "best ms", "packages", "hashes", "status")
    rows: list[tuple[str, ...]] = []
    for r in results:
        if r.skipped is not None:
            median, best, status = "-", "-", r.skipped
        elif r.error is not None:
            median, best, status = "-", "-", f"ERROR: {r.error}"
        else:
            median, best = _fmt_ms(r.median_ms), _fmt_ms(r.best_ms)
            status = "exit " + ",".join(str(c) for c in sorted(r.exit_codes))
        rows.append(
            (r.case, r.tool, median, best, _fmt_count(r.packages), _fmt_count(r.hashes), status)
        )
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    numeric = {2, 3, 4, 5}

    def fmt(row: Sequence[str]) -> str:
        cells = [
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        return "  ".join(cells).rstrip()

    print(f"{runs} timed runs per command after {warmup} warm-up runs; wall-clock, whole process")
    print(fmt(headers))
    print(fmt(["-" * w for w in widths]))
    for row in rows:
        print(fmt(row))
    for r in results:
        if r.error is not None:
            print(f"error in {r.case} / {r.tool}; command: {' '.join(r.argv)}")
    print()
    print("packages/hashes are approximate: requirement lines and --hash options in requirements")
    print('  files; [[package]]/[[packages]] headers and hash = "/sha256 = " occurrences in TOML')
    print("  lockfiles; summed over the files of a directory")
    for subject in subjects:
        if len(subject.files) > 1 or subject.path.is_dir():
            print(
                f"{subject.case}: {describe_formats(subject.formats)} "
                f"({subject.bytes / 1024:.0f} KiB) in {subject.path}"
            )
    for r in results:
        if r.goal_ms is not None:
            goal_median = r.median_ms
            verdict = (
                "not measured"
                if goal_median is None
                else f"median {goal_median:.1f} ms, {'met' if goal_median < r.goal_ms else 'MISSED'}"
            )
            print(f"goal: {r.tool} on {r.case} under {r.goal_ms:.0f} ms: {verdict}")
    print()
    for entry in ratios(results):
        if entry["median_ratio"] is None:
            note = str(entry.get("note", "n/a"))
            if not note.startswith("n/a"):
                note = f"n/a ({note})"
            print(f"ratio lockcheck/pinlint, {entry['case']}: {note}")
        else:
            print(
                f"ratio lockcheck/pinlint, {entry['case']}: "
                f"{entry['median_ratio']:.2f}x median, {entry['best_ratio']:.2f}x best"
            )


def print_json(
    results: Sequence[Result],
    subjects: Sequence[Subject],
    args: argparse.Namespace,
    lockcheck: Path | None,
    pinlint: Path | None,
) -> None:
    document = {
        "runs": args.runs,
        "warmup": args.warmup,
        "seed": args.seed,
        "entries": args.entries,
        "python": sys.version.split()[0],
        "lockcheck": str(lockcheck) if lockcheck else None,
        "pinlint": str(pinlint) if pinlint else None,
        "files": [
            {
                "case": s.case,
                "path": str(s.path),
                "packages": s.packages,
                "hashes": s.hashes,
                "bytes": s.bytes,
                "lockfiles": len(s.files),
                "formats": dict(s.formats),
            }
            for s in subjects
        ],
        "results": [r.to_json() for r in results],
        "ratios": ratios(results),
    }
    json.dump(document, sys.stdout, indent=2)
    sys.stdout.write("\n")


# --------------------------------------------------------------------------- profiling


def profile_target(requested: str, subjects: Sequence[Subject]) -> Path | None:
    """The absolute path ``--profile`` names (relative to here, else to the repository root).

    Without a path, the biggest single file of the benchmark.
    """
    if requested == PROFILE_BIGGEST:
        files = [s.path for s in subjects if s.path.is_file()]
        return max(files, key=lambda p: p.stat().st_size) if files else None
    for candidate in (Path(requested), REPO_ROOT / requested):
        if candidate.exists():
            return candidate.resolve()
    return None


def profile_lockcheck(path: Path, top: int, pycache: Path | None) -> int:
    """Run ``lockcheck check PATH`` in this process under cProfile; print the top entries.

    With ``pycache``, one child run first fills that bytecode cache and this process then
    reads it, so the profile does not show lockcheck's modules being compiled from source.
    """
    lockcheck = find_lockcheck(None)
    if pycache is not None and lockcheck is not None:
        run_once([str(lockcheck), "check", str(path)], child_env(pycache))
        sys.pycache_prefix = str(pycache)
        sys.dont_write_bytecode = False
    try:
        from lockcheck.cli import app
    except ImportError as exc:
        print(f"cannot import lockcheck.cli ({exc}); run with the project's venv", file=sys.stderr)
        return 2

    profiler = cProfile.Profile()
    sink = io.StringIO()
    code: object = 0
    start = time.perf_counter()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        profiler.enable()
        try:
            app(args=["check", str(path)], prog_name="lockcheck")
        except SystemExit as exc:
            code = exc.code
        finally:
            profiler.disable()
    elapsed = (time.perf_counter() - start) * 1000.0
    print(f"profiled: lockcheck check {path}  (exit {code}, {elapsed:.1f} ms under cProfile)")
    print("lockcheck.cli and its top-level imports were loaded before profiling started\n")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats(pstats.SortKey.CUMULATIVE).print_stats(top)
    print(f"the same run, top {top} by time spent in the function itself:\n")
    stats.sort_stats(pstats.SortKey.TIME).print_stats(top)
    return 0


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark lockcheck check against pinlint (whole-process, wall-clock).",
    )
    parser.add_argument(
        "--runs", type=int, default=DEFAULT_RUNS, help=f"timed runs (default {DEFAULT_RUNS})"
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=DEFAULT_WARMUP,
        help=f"untimed warm-up runs (default {DEFAULT_WARMUP})",
    )
    parser.add_argument(
        "--entries",
        type=int,
        default=DEFAULT_ENTRIES,
        help=f"entries in the generated file (default {DEFAULT_ENTRIES})",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="seed for the generated file"
    )
    parser.add_argument("--lockcheck", metavar="PATH", help="the lockcheck executable")
    parser.add_argument("--pinlint", metavar="PATH", help="the pinlint executable")
    parser.add_argument("--json", action="store_true", help="print results as JSON")
    parser.add_argument(
        "--profile",
        nargs="?",
        const=PROFILE_BIGGEST,
        default=None,
        metavar="PATH",
        help=f"instead of timing, profile lockcheck check PATH in-process (a lockfile or a "
        f"directory; default: the biggest benchmark file) and print the top {PROFILE_TOP} "
        "entries by cumulative and by own time",
    )
    parser.add_argument(
        "--inherit-env",
        action="store_true",
        help="run the tools in this environment unchanged (by default bytecode caching is "
        "forced on, into a private directory, so PYTHONDONTWRITEBYTECODE does not make every "
        "run compile the sources)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory with the generated file"
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warmup < 0 or args.entries < 1:
        parser.error("--runs and --entries must be at least 1, --warmup at least 0")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    log = sys.stderr
    workdir = Path(tempfile.mkdtemp(prefix="lockcheck-bench-"))
    try:
        subjects = build_subjects(workdir, args.entries, args.seed, log)
        pycache = None if args.inherit_env else workdir / "pycache"
        if args.profile is not None:
            target = profile_target(args.profile, subjects)
            if target is None:
                print(f"--profile: no such file or directory: {args.profile}", file=log)
                return 2
            return profile_lockcheck(target, PROFILE_TOP, pycache)

        lockcheck = find_lockcheck(args.lockcheck)
        pinlint = find_pinlint(args.pinlint)
        print(f"lockcheck: {lockcheck or 'not found'}", file=log)
        print(f"pinlint:   {pinlint or 'pinlint not found'}", file=log)
        results = plan(subjects, lockcheck, pinlint)
        measure(results, args.runs, args.warmup, child_env(pycache), log)
        if args.json:
            print_json(results, subjects, args, lockcheck, pinlint)
        else:
            print_table(results, subjects, args.runs, args.warmup)
        return 1 if any(r.error for r in results) else 0
    finally:
        if args.keep:
            print(f"kept {workdir}", file=log)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
