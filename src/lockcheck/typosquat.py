"""Which popular project a package name looks like a mistyped copy of (LC401's engine).

The popular list ships as package data (lockcheck/data/) and is read only when LC401 has
a name to judge. Locked names are compared with the head of that list only (``COMPARED``
names): the tail holds real but less popular projects, and comparing against them would
mostly flag other real projects (bench/typosquat_rate.py measures that false-positive
rate on the tail itself).

The lookup is hashed, never a scan of the list: from a locked name lockcheck generates
every name of the same length or one shorter that one slip could have turned into it
(each character left out, swapped with the next, replaced by a neighbouring key or a
look-alike: about seven strings per character) and intersects them with the set of
compared names; names one character longer are found under two keys, the front and the
back half (see ``_halves``), filed per length on first need. Nothing is built unless a
lock holds a name that is not popular: most locks hold only popular names, each answered
by one set lookup.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
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
    lookups. Names one character longer (``name`` left one out) are found by ``_halves``.
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


def _halves(name: str, length: int) -> tuple[str, str]:
    """The two keys under which names of ``length`` characters are filed, made from ``name``.

    A name that lacks one character of a compared name keeps either the compared name's
    first ``length // 2`` characters (the gap is after them) or its last
    ``length - length // 2 - 1`` (the gap is before them), so looking up both keys of the
    shorter name finds every such compared name without generating the insertions.
    """
    front = length // 2
    back = length - front - 1
    return "<" + name[:front], ">" + name[len(name) - back :]


def _how(name: str, popular: str) -> str | None:
    if name.translate(_HOMOGLYPHS) == popular:
        return "look-alike characters"
    for many, one in _RUNS:
        if len(many) > len(one) and name.replace(many, one) == popular.replace(many, one):
            return f"{many!r} for {one!r}" if many in name else f"{one!r} for {many!r}"
    return difference(name, popular)


class Compared:
    """The names a locked name is compared with, each with its rank (0 = most downloaded)."""

    def __init__(self, names: Iterable[str], min_length: int = MIN_LENGTH) -> None:
        self.min_length = min_length
        self.rank: dict[str, int] = {}
        self._by_length: dict[int, list[str]] = {}
        for position, name in enumerate(names):
            if len(name) >= min_length and name not in self.rank:
                self.rank[name] = position
                self._by_length.setdefault(len(name), []).append(name)
        self._halves: dict[int, dict[str, list[str]]] = {}  # filled per length, on demand

    def _one_longer(self, name: str) -> list[str]:
        """The compared names one character longer that share a half with ``name``."""
        length = len(name) + 1
        index = self._halves.get(length)
        if index is None:
            index = self._halves[length] = {}
            for other in self._by_length.get(length, ()):
                for key in _halves(other, length):
                    index.setdefault(key, []).append(other)
        return [other for key in _halves(name, length) for other in index.get(key, ())]

    def lookalike(self, name: str) -> Lookalike | None:
        """The most popular compared name ``name`` is one slip away from, if any."""
        if len(name) < self.min_length:
            return None
        candidates = _undone(name) & self.rank.keys()
        candidates.update(self._one_longer(name))
        found = {}
        for candidate in candidates:
            how = _how(name, candidate)
            if how is not None:
                found[candidate] = how
        if not found:
            return None
        best = min(found, key=self.rank.__getitem__)
        return Lookalike(best, found[best])


@functools.cache
def popular_names() -> tuple[str, ...]:
    """The shipped popular project names, most downloaded first."""
    # pkgutil asks the package's loader, as importlib.resources would (so it reads from a
    # wheel, a zip or a source tree alike), without importlib.resources' imports (tempfile,
    # random): 20 ms on every offline run.
    import pkgutil  # here: only a lock with a name to judge pays for the import

    data = pkgutil.get_data("lockcheck", "data/popular-projects.txt")
    if data is None:  # pragma: no cover - a loader that cannot read data files
        raise FileNotFoundError("lockcheck/data/popular-projects.txt")
    text = data.decode("utf-8")
    start = 0
    while text.startswith("#", start):  # the header says where the list comes from
        start = text.index("\n", start) + 1
    return tuple(text[start:].split())


@functools.cache
def popular_set() -> frozenset[str]:
    return frozenset(popular_names())


@functools.cache
def default_compared() -> Compared:
    return Compared(popular_names()[:COMPARED])


def suspect(name: str, allowed: Iterable[str] = ()) -> Lookalike | None:
    """The popular project ``name`` (PEP 503 normalised) may be a typo of, or None.

    A popular name is never a suspect (most locks hold nothing else), nor is one the team
    allowed.
    """
    if len(name) < MIN_LENGTH or name in popular_set() or name in allowed:
        return None
    return _lookalike(name)


@functools.lru_cache(maxsize=4096)
def _lookalike(name: str) -> Lookalike | None:
    # Cached: a directory of locks names the same packages over and over.
    return default_compared().lookalike(name)
