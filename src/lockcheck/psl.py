"""Registrable domains by the Public Suffix List (LC107: may an index serve files from this
host?). Loaded only when a rule needs it.

The list is read from the copy the operating system keeps up to date (Debian, Ubuntu,
Fedora and Arch install it at ``/usr/share/publicsuffix/``). Without one, a short built-in
subset is used: plain suffixes only, each also on the real list. A subset can only make a
registrable domain *shorter* than the real list would (``evil.co.uk`` and ``pkgs.co.uk``
look alike without ``co.uk``), so two hosts the full list puts in one registrable domain
are never split apart: a missing rule can cost a finding, never add a false one.

The matching follows the list's published algorithm: the longest matching rule wins, an
exception rule (``!www.ck``) beats every other rule, ``*`` matches one label, and a host
no rule matches has its last label as public suffix.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

SYSTEM_LISTS = (
    Path("/usr/share/publicsuffix/public_suffix_list.dat"),
    Path("/usr/local/share/publicsuffix/public_suffix_list.dat"),
)

# Used only when the system has no list: multi-label suffixes under which package files are
# commonly hosted, or which many organisations' domains end in.
BUILTIN = """
co.uk org.uk ac.uk gov.uk com.au net.au org.au edu.au co.nz co.za co.jp ne.jp or.jp
co.kr com.br com.cn net.cn org.cn com.tw com.hk com.sg co.in com.mx
github.io gitlab.io s3.amazonaws.com cloudfront.net
azurewebsites.net appspot.com herokuapp.com pages.dev workers.dev netlify.app vercel.app
readthedocs.io web.app firebaseapp.com
"""


class Rules(NamedTuple):
    normal: frozenset[tuple[str, ...]]  # labels right to left, "*" for a wildcard label
    exceptions: frozenset[tuple[str, ...]]


def parse(text: str) -> Rules:
    """The list's rules: one per line, up to the first whitespace; ``//`` comments."""
    normal: set[tuple[str, ...]] = set()
    exceptions: set[tuple[str, ...]] = set()
    for line in text.splitlines():
        token = line.strip().split(None, 1)[0] if line.strip() else ""
        if not token or token.startswith("//"):
            continue
        exception = token.startswith("!")
        labels = token.lstrip("!").lower().rstrip(".").split(".")
        if "" in labels:
            continue  # a rule we cannot read is left out: a subset only costs findings
        (exceptions if exception else normal).add(tuple(reversed(labels)))
    return Rules(frozenset(normal), frozenset(exceptions))


def _unicode(domain: str) -> list[str] | None:
    """The labels in the list's form: Unicode, where a URL's host has punycode."""
    labels = []
    for label in domain.split("."):
        if not label:
            return None
        if label.startswith("xn--"):
            try:
                label = label.encode("ascii").decode("idna")
            except UnicodeError:
                return None
        labels.append(label)
    return labels


@functools.lru_cache(maxsize=1)
def _list_text() -> str:
    """The system's list, else the built-in subset, one rule a line."""
    for path in SYSTEM_LISTS:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if text.count("\n") > 1000:  # a real list, not a stub
            # rules_for finds rules written alone on their line, as the list writes them;
            # one it missed could only cost a finding (see above).
            return f"\n{text}\n"
    return "\n" + "\n".join(BUILTIN.split()) + "\n"


@functools.lru_cache(maxsize=64)
def rules_for(tld: str) -> Rules:
    """The rules under one top-level label: parsing only those keeps a lookup to a
    millisecond instead of parsing ten thousand rules."""
    text = _list_text()
    lines = []
    for ending in (f".{tld}\n", f"\n{tld}\n", f"!{tld}\n"):
        at = text.find(ending)
        while at >= 0:
            end = at + len(ending) - 1
            lines.append(text[text.rfind("\n", 0, end) + 1 : end])
            at = text.find(ending, at + 1)
    return parse("\n".join(lines))


def default_rules() -> Rules:
    """Every rule of the list (for tests and tools; lookups use ``rules_for``)."""
    return parse(_list_text())


def public_suffix_length(labels: Iterable[str], rules: Rules) -> int:
    """How many of the host's last labels form its public suffix."""
    reversed_labels = tuple(reversed(list(labels)))
    best = 1  # the implicit "*" rule
    for size in range(1, len(reversed_labels) + 1):
        tail = reversed_labels[:size]
        if tail in rules.exceptions or _wildcard(tail) in rules.exceptions:
            return size - 1
        if tail in rules.normal or _wildcard(tail) in rules.normal:
            best = size
    return best


def _wildcard(tail: tuple[str, ...]) -> tuple[str, ...]:
    return (*tail[:-1], "*")


def registrable_domain(host: str, rules: Rules | None = None) -> str | None:
    """``pkgs.example.co.uk`` -> ``example.co.uk``; None for a public suffix itself, an IP
    address or something that is no host name."""
    name = host.lower().rstrip(".")
    if not name or ":" in name or _is_ipv4(name):
        return None
    labels = _unicode(name)
    if labels is None:
        return None
    suffix = public_suffix_length(labels, rules or rules_for(labels[-1]))
    if len(labels) <= suffix:
        return None
    return ".".join(labels[-(suffix + 1) :])


def _is_ipv4(name: str) -> bool:
    parts = name.split(".")
    return len(parts) == 4 and all(p.isdigit() for p in parts)
