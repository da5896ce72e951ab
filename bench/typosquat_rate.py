"""LC401's false-positive rate on real, less popular project names.

What it measures
----------------
LC401 compares locked names with the first ``COMPARED`` names of the shipped popular list
(src/lockcheck/data/popular-projects.txt, most downloaded first). Every name after those
is a real project that is merely less popular: if LC401 would flag one of them (were it
not on the list, which exempts it), that is a false positive. This script judges each
tail name against the compared names exactly as LC401 judges a locked name, and prints
the share that would be flagged, how often each kind of slip caused it, and (with
``--list``) every one of them.

The rate is deterministic (no timing); tests/rules/test_lc401.py asserts it stays under
0.5%. ``--compared N`` and ``--min-length N`` try other settings without editing the
module.

How to run it
-------------
From the repository root::

    PYTHONPATH=src .venv/bin/python bench/typosquat_rate.py
    PYTHONPATH=src .venv/bin/python bench/typosquat_rate.py --list
    PYTHONPATH=src .venv/bin/python bench/typosquat_rate.py --compared 5000 --min-length 6
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

from lockcheck import typosquat


class Rate(NamedTuple):
    flagged: tuple[tuple[str, typosquat.Lookalike], ...]  # tail name, what it looks like
    tail: int  # how many tail names were judged

    @property
    def percent(self) -> float:
        return 100 * len(self.flagged) / self.tail


def measure(compared: int = typosquat.COMPARED, min_length: int = typosquat.MIN_LENGTH) -> Rate:
    names = typosquat.popular_names()
    index = typosquat.Compared(typosquat.ranking(names[:compared]), compared, min_length)
    tail = names[compared:]
    flagged = tuple((name, found) for name in tail if (found := index.lookalike(name)))
    return Rate(flagged, len(tail))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--compared", type=int, default=typosquat.COMPARED)
    parser.add_argument("--min-length", type=int, default=typosquat.MIN_LENGTH)
    parser.add_argument("--list", action="store_true", help="print every flagged tail name")
    args = parser.parse_args(argv)
    rate = measure(args.compared, args.min_length)
    print(
        f"compared with the top {args.compared:,} names (at least {args.min_length} "
        f"characters); judged the {rate.tail:,} less popular names after them"
    )
    print(f"false positives: {len(rate.flagged)} of {rate.tail:,} = {rate.percent:.2f}%")
    for how, count in Counter(found.how for _, found in rate.flagged).most_common():
        print(f"  {count:4d}  {how}")
    if args.list:
        for name, found in rate.flagged:
            print(f"  {name} -> {found.popular} ({found.how})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
