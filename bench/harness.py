"""What bench/bench.py's sections share: whole-process timing, generated locks, goal lines.

Timing: every case is a complete child process (start-up, imports, output included),
timed with ``time.perf_counter``; its peak memory is the child's own maximum resident set
size (``os.wait4``). Cases run round-robin, after warm-up runs that are not counted, so
noise from the other processes on the machine falls on every case alike; each figure is
the median (and the minimum) of its runs. Bytecode goes to a private directory
(``PYTHONPYCACHEPREFIX``) so the timed runs load ``.pyc`` files as an installed tool does.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import statistics
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# lockcheck's own helpers and the tests' fake index, never second copies of them.
sys.path[:0] = [str(REPO / "src"), str(REPO)]

INDEX = "https://index.example.test/simple"
FILES = "https://files.example.test/packages"
PEERS_HINT = "not installed (nox -s bench installs bench/requirements.txt, hash-checked)"


@dataclass
class Case:
    name: str
    argv: Sequence[str]
    env: Mapping[str, str] = field(default_factory=dict)
    fresh_dir: str = ""  # an environment variable given a new empty directory every run


@dataclass
class Stats:
    times: list[float] = field(default_factory=list)
    peak_kb: int = 0
    error: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")

    @property
    def best(self) -> float:
        return min(self.times) if self.times else float("nan")


def tool(name: str, peers: str | None = None) -> str | None:
    """A console script: in --peers, beside this interpreter, else on PATH."""
    for folder in (peers, str(Path(sys.executable).parent)):
        if folder and (Path(folder) / name).exists():
            return str(Path(folder) / name)
    return shutil.which(name)


# Children are started by this small launcher, not by the bench itself: Linux carries a
# process's peak RSS across fork and exec, so a child forked from the (large) bench
# would report the bench's peak as its own. The launcher times the child too.
LAUNCH = (
    "import os,sys,time,subprocess as s\n"
    "t=time.perf_counter(); c=s.call(sys.argv[2:], stdout=s.DEVNULL)\n"
    "t=time.perf_counter()-t; import resource as r\n"
    "m=r.getrusage(r.RUSAGE_CHILDREN).ru_maxrss\n"
    "open(sys.argv[1],'w').write(f'{t} {c} {m}')"
)


def run_once(case: Case, workdir: Path, counter: int) -> tuple[float, int, int, str]:
    env = dict(os.environ, PYTHONPYCACHEPREFIX=str(workdir / "pycache"), **case.env)
    # Without this (set in some shells and CI images) nothing is ever cached and every run
    # would time the compiling of every module, the peers' and the stdlib's included.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    fresh = str(workdir / f"fresh-{case.name}-{counter}".replace(" ", "_"))
    if case.fresh_dir:
        env[case.fresh_dir] = fresh
    out = workdir / "launch.out"
    given = [arg.replace("{fresh}", fresh) for arg in case.argv]  # a new cache each run
    argv = [sys.executable, "-I", "-S", "-c", LAUNCH, str(out), *given]
    child = subprocess.run(argv, env=env, stderr=subprocess.PIPE, cwd=REPO, check=False)
    elapsed, code, peak = out.read_text().split()
    return float(elapsed), int(code), int(peak), child.stderr.decode(errors="replace")


def measure(cases: Sequence[Case], runs: int, warmup: int, workdir: Path) -> dict[str, Stats]:
    """Round-robin runs of every case; exit 0 or 1 (findings) count, anything else is an
    error that the case's figure reports instead of a time."""
    stats = {case.name: Stats() for case in cases}
    for counter in range(warmup + runs):
        for case in cases:
            if stats[case.name].error:
                continue
            elapsed, code, peak, err = run_once(case, workdir, counter)
            if code not in (0, 1) or "Traceback" in err:
                stats[case.name].error = f"exit {code}: {err.strip()[-200:]}"
            elif counter >= warmup:
                stats[case.name].times.append(elapsed)
                stats[case.name].peak_kb = max(stats[case.name].peak_kb, peak)
    return stats


def goal(
    label: str, figure: float, limit: float, unit: str = "x", *, at_least: bool = False
) -> str:
    """One line: the figure beside its goal, MET or MISSED and by how much."""
    if figure != figure:  # NaN: a case failed or a peer is missing
        return f"  {label:58} {'n/a':>8}   goal {'>=' if at_least else '<='} {limit:g}{unit}"
    met = figure >= limit if at_least else figure <= limit
    by = abs(figure / limit - 1) * 100
    verdict = "MET" if met else f"MISSED by {by:.0f}%"
    sign = ">=" if at_least else "<="
    return f"  {label:58} {figure:8.2f}{unit}  goal {sign} {limit:g}{unit}  {verdict}"


def ratio(a: Stats, b: Stats) -> float:
    """a/b on medians (nan if either failed)."""
    if a.error or b.error or not a.times or not b.times:
        return float("nan")
    return a.median / b.median


def digest(*parts: object) -> str:
    return hashlib.sha256("-".join(map(str, parts)).encode()).hexdigest()


def requirements_lock(n: int, seed: int = 20261121) -> str:
    """A pip-compile style lock: n pinned entries, 2-30 hashes each, ``# via`` comments."""
    rng = random.Random(seed)
    out = ["# This file is autogenerated by pip-compile\n"]
    for i in range(n):
        hashes = int(rng.triangular(2, 30, 19))
        out.append(f"pkg{i}=={rng.randint(0, 40)}.{rng.randint(0, 20)}.{rng.randint(0, 9)} \\\n")
        out.extend(f"    --hash=sha256:{digest(i, j)} \\\n" for j in range(hashes - 1))
        out.append(f"    --hash=sha256:{digest(i, hashes)}\n    # via pkg{max(i - 1, 0)}\n")
    return "".join(out)


def uv_lock(n: int, wheels: int = 4) -> str:
    """A uv.lock of n registry packages under a virtual root, each depending on the next
    with a marker (some by platform, some by Python version), with an sdist and wheels."""
    markers = ("", "sys_platform == 'win32'", "python_full_version < '3.12'", "")
    out = ['version = 1\nrevision = 3\nrequires-python = ">=3.10"\n\n']
    root = "".join(f'    {{ name = "pkg{i}" }},\n' for i in range(n))
    spec = "".join(f'    {{ name = "pkg{i}" }},\n' for i in range(n))
    out.append(
        '[[package]]\nname = "root"\nversion = "0.1.0"\nsource = { virtual = "." }\n'
        f"dependencies = [\n{root}]\n\n[package.metadata]\nrequires-dist = [\n{spec}]\n\n"
    )
    for i in range(n):
        dep = ""
        if i + 1 < n:
            marker = markers[i % len(markers)]
            extra = f', marker = "{marker}"' if marker else ""
            dep = f'dependencies = [\n    {{ name = "pkg{i + 1}"{extra} }},\n]\n'
        art = f'hash = "sha256:{{}}", size = {1000 + i}, upload-time = "2026-01-02T03:04:05Z"'
        sdist = f'sdist = {{ url = "{FILES}/pkg{i}-1.0.tar.gz", {art.format(digest(i))} }}\n'
        whl = "".join(
            f'    {{ url = "{FILES}/pkg{i}-1.0-py3-none-any{j}.whl", '
            f"{art.format(digest(i, j))} }},\n"
            for j in range(wheels)
        )
        out.append(
            f'[[package]]\nname = "pkg{i}"\nversion = "1.0"\n'
            f'source = {{ registry = "{INDEX}" }}\n{dep}{sdist}wheels = [\n{whl}]\n\n'
        )
    return "".join(out)


def grown_uv_lock(text: str, copies: int) -> str:
    """A larger real-looking uv.lock: the registry packages of ``text`` (a real lock with
    forks, extras, groups and markers) repeated ``copies`` more times under new names
    (``name-cK``, file names renamed alike), appended to the original."""
    import re

    _head, *blocks = text.split("\n[[package]]\n")
    registry = [b for b in blocks if "source = { registry" in b]
    names = {re.search(r'^name = "([^"]+)"', b, re.M).group(1) for b in registry}  # type: ignore[union-attr]
    out = [text.rstrip("\n") + "\n"]
    for k in range(1, copies + 1):
        for block in registry:

            def rename(m: re.Match[str], k: int = k) -> str:
                return f'name = "{m.group(1)}-c{k}"' if m.group(1) in names else m.group(0)

            block = re.sub(r'name = "([^"]+)"', rename, block)
            # file names begin with the name, separators as "_" (or as written)
            block = re.sub(r"/([A-Za-z0-9_.]+?)-(\d[^/\"]*\")", rf"/\1_c{k}-\2", block)
            out.append("\n[[package]]\n" + block.rstrip("\n") + "\n")
    return "".join(out)
