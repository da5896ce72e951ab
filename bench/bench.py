"""lockcheck side by side with its peers: every goal of issue 13 in one run, MET or MISSED.

Sections (``--only NAME`` runs some; by default all but ``hostile`` and ``discovery``):

* ``offline``: ``lockcheck check`` beside ``pinlint`` on the 172-entry
  fixtures/projects/big/requirements.txt; big/uv.lock (183 packages, 850 KB) beside a bare
  ``tomli.load`` of it (both less their start-up: ``lockcheck --version``, ``import tomli``);
  a larger real-looking uv.lock (big's registry packages repeated under new names, forks
  and markers kept, ~1.9 MB) against big/uv.lock.
* ``scaling``: generated requirements locks and uv.locks of 1,000 and 10,000 packages:
  per-package cost ((time - start-up) / packages) at 10,000 over 1,000; the 10,000-entry
  requirements lock beside pinlint, time and peak memory.
* ``verify``: ``lockcheck check --verify`` on big's requirements export (without ``-e .``)
  beside ``pip-audit --disable-pip --no-deps -r`` of the same file, cold (a fresh cache
  every run) on the default index (read from pip; skipped if unreachable); lockcheck cold
  and warm on the tests' fake index (tests/fake_index.py) in each of its modes, with the
  requests each run made, and warm against the offline check.
* ``hostile``: parse + redact of hostile inputs at 1x, 2x, 4x in-process (4x/1x is ~4 when
  linear, ~16 when quadratic).
* ``discovery``: ``lockcheck check REPO`` on a 20,000-file git repository against the same
  lockfiles named on the command line (the scan's overhead).

The peers come from bench/requirements.txt (hash-checked; ``--peers DIR`` names their
bin directory). Figures are medians of ``--runs`` interleaved runs; ``--json`` prints them.

    nox -s bench                       # everything, peers installed
    python bench/bench.py --only offline scaling --runs 21
    python bench/bench.py --profile fixtures/projects/big/uv.lock
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import math
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from harness import (
    PEERS_HINT,
    REPO,
    Case,
    Stats,
    goal,
    grown_uv_lock,
    measure,
    ratio,
    requirements_lock,
    tool,
    uv_lock,
)

BIG = REPO / "fixtures" / "projects" / "big"
SECTIONS = ("offline", "scaling", "verify", "hostile", "discovery")
Figures = dict[str, float]


def startup_less(a: Stats, a0: Stats, b: Stats, b0: Stats) -> float:
    """(a - a0) / (b - b0) on minimums: work beyond start-up against work beyond start-up."""
    if any(s.error or not s.times for s in (a, a0, b, b0)):
        return float("nan")
    return (a.best - a0.best) / max(b.best - b0.best, 1e-6)


def offline(args: argparse.Namespace, work: Path, lc: str, py: str) -> Figures:
    pinlint = tool("pinlint", args.peers)
    large = work / "large" / "uv.lock"
    large.parent.mkdir()
    large.write_text(grown_uv_lock((BIG / "uv.lock").read_text(), 1), encoding="utf-8")
    load = "import tomli,sys; tomli.load(open(sys.argv[1],'rb'))"
    cases = [
        Case("start-up", [lc, "--version"]),
        Case("requirements", [lc, "check", str(BIG / "requirements.txt")]),
        Case("uv.lock", [lc, "check", str(BIG / "uv.lock")]),
        Case("large uv.lock", [lc, "check", str(large)]),
        Case("import tomli", [py, "-c", "import tomli"]),
        Case("tomli.load", [py, "-c", load, str(BIG / "uv.lock")]),
    ]
    if pinlint:
        cases.append(Case("pinlint", [pinlint, str(BIG / "requirements.txt")]))
    s = measure(cases, args.runs, 2, work)
    show(s, {"large uv.lock": f"{large.stat().st_size / 1e6:.1f} MB"})
    print(
        goal(
            "172-entry requirements: lockcheck / pinlint",
            r := ratio(s["requirements"], s.get("pinlint", Stats())),
            1.0,
        )
    )
    if not pinlint:
        print(f"    pinlint {PEERS_HINT}")
    u = startup_less(s["uv.lock"], s["start-up"], s["tomli.load"], s["import tomli"])
    print(goal("uv.lock beyond start-up / bare tomli.load", u, 2.5))
    g = ratio(s["large uv.lock"], s["uv.lock"])
    print(goal(f"{large.stat().st_size / 1e6:.1f} MB uv.lock / 850 KB uv.lock", g, 2.2))
    return {"requirements_vs_pinlint": r, "uv_vs_tomli": u, "large_vs_big": g}


def scaling(args: argparse.Namespace, work: Path, lc: str, py: str) -> Figures:
    pinlint = tool("pinlint", args.peers)
    sizes = (1_000, 10_000)
    cases = [Case("start-up", [lc, "--version"])]
    for n in sizes:
        for kind, text in (("requirements", requirements_lock(n)), ("uv.lock", uv_lock(n))):
            path = work / f"{kind}-{n}" / ("uv.lock" if kind == "uv.lock" else "requirements.txt")
            path.parent.mkdir()
            path.write_text(text, encoding="utf-8")
            cases.append(Case(f"{kind} {n}", [lc, "check", str(path)]))
            if kind == "requirements" and pinlint and n == sizes[-1]:
                cases.append(Case(f"pinlint {n}", [pinlint, str(path)]))
    s = measure(cases, args.runs, 1, work)
    show(s)
    figures: Figures = {}
    for kind in ("requirements", "uv.lock"):
        per = [(s[f"{kind} {n}"].best - s["start-up"].best) / n for n in sizes]
        figures[kind] = f = per[1] / per[0] if all(p > 0 for p in per) else float("nan")
        print(f"    {kind}: {per[0] * 1e6:.0f} us/package at 1,000, {per[1] * 1e6:.0f} at 10,000")
        print(goal(f"{kind}: per-package cost at 10,000 / at 1,000", f, 1.15))
    p = s.get("pinlint 10000", Stats(error="absent"))
    figures["time_vs_pinlint"] = t = ratio(s["requirements 10000"], p)
    print(goal("10,000 requirements: lockcheck / pinlint time", t, 0.75))
    m = s["requirements 10000"].peak_kb / p.peak_kb if p.peak_kb else float("nan")
    figures["memory_vs_pinlint"] = m
    print(goal("10,000 requirements: lockcheck / pinlint peak memory", m, 1.3))
    return figures


def verify(args: argparse.Namespace, work: Path, lc: str, py: str) -> Figures:
    from tests.fake_index import FakeIndex, local_server

    from lockcheck.index.resolve import pip_default_index

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the fake index's request log
    export = work / "requirements-export.txt"
    lines = (BIG / "requirements-export.txt").read_text().splitlines(keepends=True)
    export.write_text("".join(x for x in lines if not x.startswith("-e ")), encoding="utf-8")
    check = [lc, "check", "--verify", "--no-progress", "--quiet"]
    stats_env = {"LOCKCHECK_STATS": "1"}
    figures: Figures = {}
    runs = max(3, args.runs // 5)
    default = pip_default_index()
    if default and reachable(default) and not args.offline_only:
        audit = tool("pip-audit", args.peers)
        cases = [Case("lockcheck cold", [*check, str(export)], fresh_dir="LOCKCHECK_CACHE_DIR")]
        if audit:
            argv = [audit, "--disable-pip", "--no-deps", "-r", str(export), "--cache-dir"]
            cases.append(Case("pip-audit cold", [*argv, "{fresh}"]))
        s = measure(cases, runs, 0, work)
        show(s)
        p = s.get("pip-audit cold", Stats(error="absent"))
        figures["cold_speedup"] = c = 1 / ratio(s["lockcheck cold"], p)
        print(goal("--verify cold: pip-audit time / lockcheck time", c, 10, at_least=True))
        if not audit:
            print(f"    pip-audit {PEERS_HINT}")
    else:
        print("  pip-audit comparison skipped: --offline-only, or the default index is unreachable")
    for mode in ("json", "mirror", "project-json-only", "simple-json", "simple-html"):
        with local_server() as server:
            index = FakeIndex(server, mode=mode)
            index.add_from_uv_lock(BIG / "uv.lock")
            cache = work / f"cache-{mode}"
            env = {**stats_env, "LOCKCHECK_CACHE_DIR": str(cache)}
            at = ["--index-url", index.url]
            cases = [
                Case("offline", [lc, "check", "--quiet", str(BIG / "uv.lock")]),
                Case("cold", [*check, *at, str(BIG / "uv.lock")], stats_env, "LOCKCHECK_CACHE_DIR"),
                Case("warm", [*check, *at, str(BIG / "uv.lock")], env),
            ]
            index.reset_log()
            measure(cases[2:], 1, 0, work)  # fills the warm cache
            one_cold = index.count()
            s = measure(cases, runs, 0, work)
            print(f"  fake index, {mode}: {one_cold} requests cold")
            show(s, indent="    ")
            figures[f"warm_{mode}"] = w = ratio(s["warm"], s["offline"])
            figures[f"cold_{mode}"] = s["cold"].median
            print(goal(f"{mode}: --verify warm / offline check", w, 1.3))
    return figures


def reachable(url: str) -> bool:
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/pip/", timeout=5):
            return True
    except OSError:
        return False


def hostile(args: argparse.Namespace, work: Path, lc: str, py: str) -> Figures:
    from lockcheck.errors import LockfileError
    from lockcheck.model import LockFormat
    from lockcheck.parsers import parse_lockfile
    from lockcheck.urls import redact

    sha = "a" * 64
    req = LockFormat.REQUIREMENTS
    line = 40_000
    cases: list[tuple[str, str, LockFormat, Callable[[int], str], int]] = [
        ("comment after spaces", "requirements.txt", req,
         lambda n: f"six==1.16.0{' ' * n}--hash=sha256:{sha}{' ' * n}# via{' ' * n}x#\n", line),
        ("spaces in a pin", "requirements.txt", req,
         lambda n: f"six{' ' * n}[a]{' ' * n}=={' ' * n}1.16.0 --hash=sha256:{sha}\n", line),
        ("spaces in a marker", "requirements.txt", req,
         lambda n: f"six==1.16.0{' ' * n}; python_version{' ' * n}> '3' --hash=sha256:{sha}\n", line),
        ("scheme characters", "requirements.txt", req,
         lambda n: f"--find-links {'a1+.-' * (n // 5)}\nsix==1.16.0 --hash=sha256:{sha}\n", line),
        ("continuation lines", "requirements.txt", req,
         lambda n: "six==1.16.0 \\\n" + "    --hash=sha256:%064x \\\n" * (n // 80) % tuple(range(n // 80)) + f"    --hash=sha256:{sha}\n", 50 * line),
        ("[[package]] in a string", "uv.lock", LockFormat.UV,
         lambda n: uv_lock(n).replace('[package.metadata]\n', '[package.metadata]\nnote = """\n[[package]]\n"""\n', 1), 1_000),
    ]  # fmt: skip
    figures: Figures = {}
    print(f"  {'case':26} {'1x':>8} {'2x':>8} {'4x':>8} {'4x/1x':>6}")
    for name, filename, fmt, make, base in cases:
        times = []
        for factor in (1, 2, 4):
            text = make(base * factor)
            path = work / filename
            path.write_text(text, encoding="utf-8")
            best = math.inf
            for _ in range(max(3, args.runs // 5)):
                start = time.perf_counter()
                with contextlib.suppress(LockfileError):
                    parse_lockfile(str(path), fmt)
                redact(text)
                best = min(best, time.perf_counter() - start)
            times.append(best)
        figures[name] = growth = times[2] / max(times[0], 1e-9)
        cells = " ".join(f"{t * 1e3:6.0f}ms" for t in times)
        print(f"  {name:26} {cells} {growth:6.1f}")
    return figures


def discovery(args: argparse.Namespace, work: Path, lc: str, py: str) -> Figures:
    import shutil
    import subprocess

    repo = work / "repo"
    locks: list[str] = []
    for project in ("small-app", "pdm-app", "pipenv-app"):
        shutil.copytree(REPO / "fixtures" / "projects" / project, repo / project)
    for path in sorted(repo.rglob("*")):
        if path.is_file() and (path.suffix == ".lock" or path.name.startswith("requirements")):
            locks.append(str(path))
    kinds = (("py", "x = 1\n"), ("md", "# t\n"), ("json", "{}\n"), ("txt", "data 1 2 3\n"))
    for i in range(args.files):
        ext, body = kinds[i % len(kinds)]
        folder = repo / f"d{i % 200}" / f"e{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"f{i}.{ext}").write_text(body)
    git = ["git", "-C", str(repo), "-c", "user.name=b", "-c", "user.email=b@example.test"]
    for step in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "bench"]):
        subprocess.run([*git, *step], check=True)
    cases = [
        Case("scan", [lc, "check", "--quiet", str(repo)]),
        Case("named", [lc, "check", "--quiet", *locks]),
    ]
    s = measure(cases, args.runs, 1, work)
    show(s)
    over = (ratio(s["scan"], s["named"]) - 1) * 100
    print(goal(f"scan of {args.files:,} files over naming the locks (%)", over, 20, "%"))
    return {"discovery_overhead_percent": over}


def show(stats: dict[str, Stats], notes: dict[str, str] | None = None, indent: str = "  ") -> None:
    for name, s in stats.items():
        if s.error:
            print(f"{indent}{name:24} ERROR {s.error}")
            continue
        note = (notes or {}).get(name, "")
        print(
            f"{indent}{name:24} median {s.median * 1e3:8.1f} ms  min {s.best * 1e3:8.1f} ms"
            f"  peak {s.peak_kb / 1024:6.1f} MB  {note}"
        )


def profile(path: str) -> None:
    import cProfile
    import pstats

    from lockcheck.cli import run

    sys.argv = ["lockcheck", "check", "--quiet", path]
    profiler = cProfile.Profile()
    with contextlib.suppress(SystemExit):
        profiler.runcall(run)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="+", choices=SECTIONS)
    parser.add_argument("--runs", type=int, default=15, help="timed runs per case")
    parser.add_argument("--peers", help="the bin directory of pinlint and pip-audit")
    parser.add_argument("--files", type=int, default=20_000, help="files of the discovery repo")
    parser.add_argument("--offline-only", action="store_true", help="never ask the real index")
    parser.add_argument("--profile", metavar="LOCK", help="cProfile one check in-process")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args()
    if args.profile:
        profile(args.profile)
        return 0
    lc = tool("lockcheck") or sys.exit("lockcheck is not installed beside this interpreter")
    chosen = args.only or [s for s in SECTIONS if s not in ("hostile", "discovery")]
    results: dict[str, Figures] = {}
    print(f"{args.runs} runs a case, round-robin; medians (minimums where start-up is subtracted)")
    with tempfile.TemporaryDirectory(prefix="lockcheck-bench-") as tmp:
        for name in chosen:
            print(f"\n== {name}")
            work = Path(tmp) / name
            work.mkdir()
            results[name] = globals()[name](args, work, lc, sys.executable)
    lines = sum(len(p.read_text().splitlines()) for p in Path(__file__).parent.glob("*.py"))
    print(f"\n{goal('bench/*.py lines', lines, 800, ' lines')}")
    if args.json:
        print(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
