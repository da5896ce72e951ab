"""What a directory scan costs over naming the same lockfiles: a 20,000-file git repository.

What it measures
----------------
Builds, in a temporary directory, a git repository of 20,000 files (by default): Python
modules, Markdown, JSON, YAML and TOML files, plain ``.txt`` data files (which discovery
must sniff), a few lock-like files of other tools, and the lockfiles of the fixture
projects ``small-app``, ``pdm-app`` and ``pipenv-app`` (uv.lock, poetry.lock, pylock.toml,
requirements files, pdm.lock, Pipfile.lock), all committed. Then times, as whole
processes (interpreter start-up included, bytecode cached after warm-up runs):

* ``lockcheck check REPO``: discovery (``git ls-files``, the walk, name checks, sniffing)
  plus checking what it finds;
* ``lockcheck check FILE...``: the same lockfiles named on the command line;

and prints the median of each and the scan's overhead in percent. The issue's goal is an
overhead of at most 20%.

How to run it
-------------
From the repository root::

    .venv/bin/python bench/discovery_bench.py              # 20,000 files, 9 runs each
    .venv/bin/python bench/discovery_bench.py --files 5000 --runs 5
    .venv/bin/python bench/discovery_bench.py --src /other/checkout/src --allow-errors
        # an older lockcheck (it reports pdm.lock and Pipfile.lock as errors: exit 2)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PROJECTS = REPO / "fixtures" / "projects"
LOCK_PROJECTS = ("small-app", "pdm-app", "pipenv-app")
_KINDS = (
    ("src/pkg{d}/module_{i}.py", "def f():\n    return {i}\n"),
    ("docs/section{d}/page_{i}.md", "# Page {i}\n\nText.\n"),
    ("data/set{d}/record_{i}.json", '{{"id": {i}}}\n'),
    ("tests/t{d}/test_{i}.py", "def test():\n    assert {i}\n"),
    ("assets/a{d}/note_{i}.txt", "plain text {i}\n"),
    ("config/c{d}/settings_{i}.yaml", "key: {i}\n"),
    ("config/c{d}/tool_{i}.toml", "[tool]\nvalue = {i}\n"),
)


def build(root: Path, count: int) -> list[str]:
    """The repository; returns the lockfiles in it (relative paths)."""
    root.mkdir(parents=True)
    for project in LOCK_PROJECTS:
        shutil.copytree(PROJECTS / project, root / project)
    (root / "env").mkdir()
    (root / "env" / "conda-lock.yml").write_text("version: 1\n")
    (root / "pixi.lock").write_text("version: 6\n")
    written = sum(1 for p in root.rglob("*") if p.is_file())
    i = 0
    while written < count:
        pattern, text = _KINDS[i % len(_KINDS)]
        path = root / pattern.format(d=i % 40, i=i)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.format(i=i))
        written += 1
        i += 1
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    for args in (
        ["init", "-q"],
        ["add", "--all"],
        ["-c", "user.name=bench", "-c", "user.email=bench@example.test", "commit", "-qm", "x"],
    ):
        subprocess.run(["git", *args], cwd=root, env=env, check=True)
    sys.path.insert(0, str(REPO / "src"))
    from lockcheck.discover import scan

    found = scan([str(root)]).targets
    return sorted(os.path.relpath(t.path, root) for t in found)


def timed(command: list[str], cwd: Path, env: dict[str, str], ok: tuple[int, ...]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in ok:
        raise SystemExit(f"{command[:4]}... exited {proc.returncode}:\n{proc.stderr[-2000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--src", type=Path, default=REPO / "src", help="lockcheck source tree")
    parser.add_argument(
        "--allow-errors",
        action="store_true",
        help="accept exit 2: an older lockcheck that cannot read pdm.lock/Pipfile.lock",
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lockcheck-discovery-") as scratch:
        root = Path(scratch) / "repo"
        locks = build(root, options.files)
        env = {
            **os.environ,
            "PYTHONPATH": str(options.src),
            "PYTHONPYCACHEPREFIX": str(Path(scratch) / "pycache"),
        }
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        base = [sys.executable, "-m", "lockcheck", "check", "--format", "json"]
        cases = {"scan REPO": [*base, "."], "named files": [*base, *locks]}
        times: dict[str, list[float]] = {name: [] for name in cases}
        for run in range(options.warmup + options.runs):
            for name, command in cases.items():  # interleaved: noise hits both alike
                elapsed = timed(command, root, env, (0, 1, 2) if options.allow_errors else (0, 1))
                if run >= options.warmup:
                    times[name].append(elapsed)
    scan_median = statistics.median(times["scan REPO"])
    named_median = statistics.median(times["named files"])
    print(f"repository: {options.files} files in git, {len(locks)} lockfiles found")
    for name, values in times.items():
        print(
            f"  {name:<13} median {statistics.median(values) * 1000:7.1f} ms   "
            f"best {min(values) * 1000:7.1f} ms   ({len(values)} runs)"
        )
    print(f"scan overhead: {(scan_median / named_median - 1) * 100:+.0f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
