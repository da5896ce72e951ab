"""Hostile inputs stay linear: parse and redact time as the input doubles (issue 9, 12 and 15).

What it measures
----------------
For every hostile case, a file is generated at a base size and at 2x and 4x that size,
then parsed in-process (``lockcheck.parsers.parse_lockfile``, the same call the engine
makes, which includes the line lookups of TOML locks) and the whole text is passed through
``lockcheck.urls.redact``. Each figure is the best of ``--runs`` runs (``time.perf_counter``);
interpreter start-up is left out so the growth is visible on small inputs.

The last column is time(4x) / time(1x): about 4 when the work is linear, about 16 when it
is quadratic. Before issue 9, a 40 KB line of the whitespace cases took 9-18 s, and the
poetry 1.x and "[[package]] in a string" locks took 21 s at 5.9 MB.

The cases are the ones the issue found: long whitespace before a comment (pip's comment
pattern), around the ``==`` of a pin and inside a marker (the pin matcher), long runs of
URL-scheme characters (the redactor), thousands of continuation lines, and TOML locks
whose line numbers used to be searched from the top of a long range each time (poetry 1.x
``[metadata.files]``; a uv.lock with a ``[[package]]`` line inside a string).

How to run it
-------------
From the repository root::

    .venv/bin/python bench/hostile_bench.py             # the table
    .venv/bin/python bench/hostile_bench.py --scale 4   # 4x larger inputs
    .venv/bin/python bench/hostile_bench.py --json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from lockcheck.errors import LockfileError
from lockcheck.model import LockFormat
from lockcheck.parsers import parse_lockfile
from lockcheck.urls import redact

DIGEST = "a" * 64
LINE = 40_000  # characters of the base hostile line: the size the issue timed
PACKAGES = 1_000  # packages of the base hostile TOML lock


def _digest(i: int, j: int) -> str:
    return hashlib.sha256(f"{i}-{j}".encode()).hexdigest()


def comment_after_spaces(n: int) -> str:
    # Whitespace runs that a "#" does not end: pip's comment pattern retries each start.
    spaces = " " * n
    return f"six==1.16.0{spaces}--hash=sha256:{DIGEST}{spaces}# via{spaces}x#\n"


def spaces_in_a_pin(n: int) -> str:
    return f"six{' ' * n}[a]{' ' * n}=={' ' * n}1.16.0{' ' * n} --hash=sha256:{DIGEST}\n"


def spaces_not_a_pin(n: int) -> str:
    return f"six{' ' * n}x\n"


def spaces_in_a_marker(n: int) -> str:
    return f"six==1.16.0{' ' * n}; python_version{' ' * n}> '3' --hash=sha256:{DIGEST}\n"


def scheme_characters(n: int) -> str:
    return f"--find-links {'a1+.-' * (n // 5)}\nsix==1.16.0 --hash=sha256:{DIGEST}\n"


def continuations(n: int) -> str:
    hashes = "".join(f"    --hash=sha256:{i:064x} \\\n" for i in range(n // 80))
    return f"six==1.16.0 \\\n{hashes}    --hash=sha256:{DIGEST}\n"


def poetry_1x(n: int, files: int = 10) -> str:
    out = [
        f'[[package]]\nname = "pkg{i}"\nversion = "1.0"\ndescription = ""\n'
        f'category = "main"\noptional = false\npython-versions = "*"\n\n'
        for i in range(n)
    ]
    out.append(
        '[metadata]\nlock-version = "1.1"\npython-versions = "^3.10"\n'
        f'content-hash = "{"0" * 64}"\n\n[metadata.files]\n'
    )
    for i in range(n):
        out.append(f"pkg{i} = [\n")
        out.extend(
            f'    {{file = "pkg{i}-1.0-{j}-py3-none-any.whl", hash = "sha256:{_digest(i, j)}"}},\n'
            for j in range(files)
        )
        out.append("]\n")
    return "".join(out)


def uv_header_in_a_string(n: int, files: int = 10) -> str:
    out = ['version = 1\nrequires-python = ">=3.10"\n\n']
    for i in range(n):
        out.append(
            f'[[package]]\nname = "pkg{i}"\nversion = "1.0"\n'
            'source = { registry = "https://index.example.test/simple" }\n'
        )
        if i == 0:
            out.append('[package.metadata]\nnote = """\n[[package]]\n"""\n')
        out.append("wheels = [\n")
        out.extend(
            f'    {{ url = "https://files.example.test/pkg{i}-1.0-{j}-py3-none-any.whl", '
            f'hash = "sha256:{_digest(i, j)}" }},\n'
            for j in range(files)
        )
        out.append("]\n\n")
    return "".join(out)


CASES: list[tuple[str, str, LockFormat, Callable[[int], str], int]] = [
    (
        "comment after spaces",
        "requirements.txt",
        LockFormat.REQUIREMENTS,
        comment_after_spaces,
        LINE,
    ),
    ("spaces in a pin", "requirements.txt", LockFormat.REQUIREMENTS, spaces_in_a_pin, LINE),
    ("spaces, not a pin", "requirements.txt", LockFormat.REQUIREMENTS, spaces_not_a_pin, LINE),
    ("spaces in a marker", "requirements.txt", LockFormat.REQUIREMENTS, spaces_in_a_marker, LINE),
    ("scheme characters", "requirements.txt", LockFormat.REQUIREMENTS, scheme_characters, LINE),
    ("continuation lines", "requirements.txt", LockFormat.REQUIREMENTS, continuations, 50 * LINE),
    ("poetry 1.x files table", "poetry.lock", LockFormat.POETRY, poetry_1x, PACKAGES),
    ("[[package]] in a string", "uv.lock", LockFormat.UV, uv_header_in_a_string, PACKAGES),
]


def measure(path: Path, fmt: LockFormat, text: str, runs: int) -> tuple[float, str]:
    best = float("inf")
    outcome = ""
    for _ in range(runs):
        start = time.perf_counter()
        try:
            lock = parse_lockfile(str(path), fmt)
            outcome = f"{len(lock.packages)} packages"
        except LockfileError as exc:
            outcome = f"error: {exc.message[:30]}"
        redact(text)
        best = min(best, time.perf_counter() - start)
    return best, outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per size (best is kept)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every base size")
    parser.add_argument("--json", action="store_true", help="print results as JSON")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as workdir:
        for name, filename, fmt, make, base in CASES:
            times, sizes, outcome = [], [], ""
            for factor in (1, 2, 4):
                text = make(int(base * args.scale * factor))
                path = Path(workdir) / filename
                path.write_text(text, encoding="utf-8")
                seconds, outcome = measure(path, fmt, text, args.runs)
                times.append(seconds)
                sizes.append(len(text.encode()))
            rows.append(
                {
                    "case": name,
                    "bytes": sizes,
                    "seconds": [round(t, 4) for t in times],
                    "growth_4x": round(times[2] / max(times[0], 1e-9), 1),
                    "result": outcome,
                }
            )
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'case':26} {'1x':>16} {'2x':>16} {'4x':>16} {'4x/1x':>6}  result")
    for row in rows:
        cells = [
            f"{b / 1e3:7.0f}KB {t * 1e3:6.0f}ms"
            for b, t in zip(row["bytes"], row["seconds"], strict=True)
        ]
        print(
            f"{row['case']:26} {cells[0]:>16} {cells[1]:>16} {cells[2]:>16} "
            f"{row['growth_4x']:>6}  {row['result']}"
        )
    print("\nLinear work grows about 4x from 1x to 4x; quadratic work about 16x.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
