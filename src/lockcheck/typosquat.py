"""Which popular project a package name looks like a mistyped copy of (LC401's engine).

The popular list ships as package data (lockcheck/data/) and is read only when LC401 has
a name to judge. Locked names are compared with the head of that list only (``COMPARED``
names): the tail holds real but less popular projects, and comparing against them would
mostly flag other real projects (bench/typosquat_rate.py measures that false-positive
rate on the tail itself).

The lookup is hashed, never a scan of the list: from a locked name lockcheck generates
every name of the same length or one shorter that one slip could have turned into it
(each character left out, swapped with the next, replaced by a neighbouring key or a
look-alike: about seven strings per character) and keeps those among the compared names;
names one character longer are found under their front or back half
(``Compared._one_longer``), filed per length on first need. A locked name among the
compared names costs one dictionary lookup, and the rest of the list is read into a set
only to excuse a look-alike that is itself listed.
"""

from __future__ import annotations

import functools
import itertools
import os
from collections.abc import Iterable, Mapping
from typing import NamedTuple

# How many of the most popular names a locked name is compared with, and the shortest name
# compared at all: bench/typosquat_rate.py shows what they cost in false positives.
COMPARED = 3000
MIN_LENGTH = 5
SHORT_SEGMENT = 4

# Keyboard rows (QWERTY) for "a neighbouring key": the typos people make, and so the names
# squatters register. Each row sits half a key right of the one above it.
_ROWS = ("1234567890-", "qwertyuiop", "asdfghjkl", "zxcvbnm")
# Letters from other scripts that look like Latin ones. A name that is not ASCII is not a
# valid project name, but the TOML locks do not check, and a reader sees only the shape.
# Eleven Cyrillic and seven Greek letters, written as escapes so that the source itself
# holds no look-alikes, each mapped to the Latin letter it looks like.
_HOMOGLYPHS = str.maketrans(
    "\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0456\u0458\u0455\u0501\u03bf\u03b1\u03bd\u03b9\u03ba\u03c4\u03c5",
    "aeopcyxijsdoaviktu",
)
# Digits and letters that read alike: 0/o, and 1/l/i (names are compared lower case, so an
# upper-case I, which looks like l, arrives as i).
_LOOK_ALIKE = (frozenset("0o"), frozenset("1l"), frozenset("1i"), frozenset("il"))


@functools.cache
def _keyboard() -> tuple[frozenset[frozenset[str]], dict[str, str]]:
    """Pairs of neighbouring keys, and for each key the characters a slip could put in its
    place (its neighbours and its look-alikes). Built on first use, not on import."""
    pairs: set[frozenset[str]] = set()
    for r, row in enumerate(_ROWS):
        for c, key in enumerate(row):
            if c + 1 < len(row):
                pairs.add(frozenset((key, row[c + 1])))
            if r + 1 < len(_ROWS):
                below = _ROWS[r + 1]
                pairs.update(frozenset((key, below[d])) for d in (c - 1, c) if 0 <= d < len(below))
    near = {
        key: "".join(sorted({b for p in pairs if key in p for b in p} - {key}))
        for key in "".join(_ROWS)
    }
    for pair in _LOOK_ALIKE:
        for key in pair:
            near[key] += "".join(pair - {key})
    return frozenset(pairs), near


class Lookalike(NamedTuple):
    """A popular project a name is one slip away from, and what the slip is."""

    popular: str
    how: str  # "two characters swapped", "one separator added", ...


def _near(a: str, b: str) -> bool:
    """Whether one character is easily typed or read for the other."""
    pair = frozenset((a, b))
    return a == b or pair in _keyboard()[0] or pair in _LOOK_ALIKE


def difference(name: str, popular: str) -> str | None:
    """What single slip turns ``popular`` into ``name``, or None when no slip explains it.

    Counted: two neighbouring characters swapped; a separator added or removed; a letter
    left out; a letter doubled, or a neighbouring key struck beside it; a neighbouring key
    or a look-alike character in place of one. Not counted, because real projects differ
    from each other this way all the time (bench/typosquat_rate.py): digits added, removed
    or changed (``elasticsearch8``, ``pypdf2``); a first letter added, left out or changed
    (``gunicorn``/``unicorn``, ``isort``/``usort``: people rarely mistype the letter they
    start with) unless it is a look-alike; a letter added that no slip explains
    (``schedule``/``scheduler``); a slip inside a short part of a longer name
    (``mypy-boto3-ecs``/``-efs``), which is how families of real projects are named.
    """
    if name == popular or abs(len(name) - len(popular)) > 1:
        return None
    i = 0
    while i < min(len(name), len(popular)) and name[i] == popular[i]:
        i += 1
    longer = max(name, popular, key=len)
    if "-" in longer and longer[i] != "-" and _segment_at(longer, i) < SHORT_SEGMENT:
        return None
    if len(name) == len(popular):
        if name[i + 2 :] == popular[i + 2 :] and name[i : i + 2] == popular[i : i + 2][::-1]:
            return "two characters swapped"
        a, b = name[i], popular[i]
        if name[i + 1 :] != popular[i + 1 :] or "-" in (a, b):
            return None
        if frozenset((a, b)) in _LOOK_ALIKE:
            return "one look-alike character"
        if i == 0 or (a.isdigit() and b.isdigit()) or not _near(a, b):
            return None
        return "one mistyped character"
    if len(name) > len(popular):
        extra, rest = name[i], name[i + 1 :] == popular[i:]
        if not rest:
            return None
        if extra == "-":
            return "one separator added"
        beside = name[i - 1 : i] + name[i + 1 : i + 2]
        if i > 0 and not extra.isdigit() and any(_near(extra, c) for c in beside):
            return "one character added"
        return "a plural s added" if extra == "s" and i == len(popular) else None
    missing = popular[i]
    if name[i:] != popular[i + 1 :]:
        return None
    if missing == "-":
        return "one separator removed"
    return None if i == 0 or missing.isdigit() else "one character left out"


def _segment_at(name: str, i: int) -> int:
    """The length of the ``-``-separated part of ``name`` that holds position ``i``."""
    start = name.rfind("-", 0, i) + 1
    end = name.find("-", i)
    return (len(name) if end < 0 else end) - start


_RUNS = (("rn", "m"), ("m", "rn"), ("vv", "w"), ("w", "vv"))


def _undone(name: str) -> set[str]:
    """Every name of at most the same length that one slip could have turned into ``name``.

    Generated and looked up in the set of compared names: about ``7 * len(name)`` hash
    lookups. Names one character longer (``name`` left one out) are found by
    ``Compared._one_longer``.
    """
    n = len(name)
    near = _keyboard()[1]
    found = {name.translate(_HOMOGLYPHS)}
    for i in range(n):
        head, char, tail = name[:i], name[i], name[i + 1 :]
        found.add(head + tail)
        found.update(head + other + tail for other in near.get(char, ""))
        if tail:
            found.add(head + tail[0] + char + tail[1:])
    for many, one in _RUNS:
        start = name.find(many)
        while start >= 0:
            found.add(name[:start] + one + name[start + len(many) :])
            start = name.find(many, start + 1)
    found.discard(name)
    return found


def _how(name: str, popular: str) -> str | None:
    if name.translate(_HOMOGLYPHS) == popular:
        return "look-alike characters"
    for many, one in _RUNS:
        if len(many) > len(one) and name.replace(many, one) == popular.replace(many, one):
            return f"{many!r} for {one!r}" if many in name else f"{one!r} for {many!r}"
    return difference(name, popular)


class Compared:
    """The first ``limit`` names of a ranking (name -> 0 for the most downloaded, 1, ...),
    shorter ones left out: the names a locked name is compared with."""

    def __init__(self, rank: Mapping[str, int], limit: int, min_length: int = MIN_LENGTH) -> None:
        self._rank = rank
        self._limit = limit
        self.min_length = min_length
        self._by_length: dict[int, list[str]] | None = None  # built on first need
        self._names: frozenset[str] | None = None  # the compared names, for intersections
        # Per length: compared names by their front half, and by their back half.
        self._halves: dict[int, tuple[dict[str, list[str]], dict[str, list[str]]]] = {}

    def __contains__(self, name: object) -> bool:
        return (
            isinstance(name, str)
            and self._rank.get(name, self._limit) < self._limit
            and len(name) >= self.min_length
        )

    def _one_longer(self, name: str) -> list[str]:
        """The compared names ``name`` could be one character short of, found without
        generating every insertion.

        Such a name keeps either the compared name's first ``length // 2`` characters (the
        gap is after them) or its last ``length - length // 2 - 1`` (the gap is before
        them), so the compared names of each length are filed under both halves, on the
        first lookup that needs that length.
        """
        length = len(name) + 1
        front, back = length // 2, length - length // 2 - 1
        halves = self._halves.get(length)
        if halves is None:
            if self._by_length is None:
                self._by_length = {}
                for other in itertools.islice(self._rank, self._limit):
                    if len(other) >= self.min_length:
                        self._by_length.setdefault(len(other), []).append(other)
            fronts: dict[str, list[str]] = {}
            backs: dict[str, list[str]] = {}
            for other in self._by_length.get(length, ()):
                fronts.setdefault(other[:front], []).append(other)
                backs.setdefault(other[length - back :], []).append(other)
            halves = self._halves[length] = (fronts, backs)
        return halves[0].get(name[:front], []) + halves[1].get(name[len(name) - back :], [])

    def lookalike(self, name: str) -> Lookalike | None:
        """The most popular compared name ``name`` is one slip away from, if any."""
        if len(name) < self.min_length:
            return None
        if self._names is None:
            first = itertools.islice(self._rank, self._limit)
            self._names = frozenset(n for n in first if len(n) >= self.min_length)
        candidates = _undone(name) & self._names  # one C-level pass, not a call per name
        candidates.update(self._one_longer(name))
        found = {}
        for candidate in candidates:
            how = _how(name, candidate)
            if how is not None:
                found[candidate] = how
        if not found:
            return None
        best = min(found, key=self._rank.__getitem__)
        return Lookalike(best, found[best])


def ranking(names: Iterable[str]) -> dict[str, int]:
    """Each name's rank in ``names`` (its first position), in that order."""
    rank: dict[str, int] = {}
    for position, name in enumerate(names):
        rank.setdefault(name, position)
    return rank


@functools.cache
def _listed() -> str:
    """The shipped list's text: popular project names, most downloaded first, one a line."""
    # The module's own loader reads the file beside it, from a wheel, a zip or a source tree
    # alike (what pkgutil.get_data and importlib.resources do, without their imports:
    # importlib.resources alone adds 20 ms, tempfile and random, to every offline run).
    path = os.path.join(os.path.dirname(__file__), "data", "popular-projects.txt")
    get_data = getattr(__spec__.loader, "get_data", None)
    if get_data is not None:
        data: bytes = get_data(path)
    else:  # pragma: no cover - a loader without get_data: the file is on disk
        with open(path, "rb") as file:
            data = file.read()
    text = data.decode("utf-8")
    start = 0
    while text.startswith("#", start):  # the header says where the list comes from
        start = text.index("\n", start) + 1
    return text[start:]


@functools.cache
def popular_names() -> tuple[str, ...]:
    """The shipped popular project names, most downloaded first."""
    return tuple(_listed().split())


@functools.cache
def popular_set() -> frozenset[str]:
    return frozenset(popular_names())


@functools.cache
def default_compared() -> Compared:
    # Only the head of the list is split: the whole list is needed only to excuse a
    # look-alike that is itself listed, which few locks ever hold.
    return Compared(ranking(_listed().split(maxsplit=COMPARED)[:COMPARED]), COMPARED)


def suspect(name: str, allowed: Iterable[str] = ()) -> Lookalike | None:
    """The popular project ``name`` (PEP 503 normalised) may be a typo of, or None.

    A popular name is never a suspect, nor is one the team allowed.
    """
    if len(name) < MIN_LENGTH or name in allowed:
        return None
    compared = default_compared()
    if name in compared:  # most locked names: one dictionary lookup
        return None
    found = _lookalike(name)
    return None if found is None or name in popular_set() else found


@functools.lru_cache(maxsize=4096)
def _lookalike(name: str) -> Lookalike | None:
    # Cached: a directory of locks names the same packages over and over.
    return default_compared().lookalike(name)
