"""pip's requirements-file grammar, cheaply.

pip splits every line's options with shlex and optparse. In a hashed lock nearly every
option is ``--hash=algo:digest``, and shlex-splitting thousands of them dominates the run
time. This module keeps pip's grammar -- continuation lines, comments, the split between a
requirement and its options -- and only hands a line to optparse when it holds something
other than hashes.
"""

from __future__ import annotations

import functools
import optparse
import re
from collections.abc import Iterator
from typing import Any, NamedTuple, NoReturn

_QUOTING = re.compile(r"[\"'\\]")


class LogicalLine(NamedTuple):
    number: int  # the first physical line, as pip reports it
    text: str


def logical_lines(text: str) -> Iterator[LogicalLine]:
    """Join backslash continuations and drop comments, exactly as pip does."""
    pending: list[str] = []
    first = 0
    for number, line in enumerate(_physical_lines(text), start=1):
        is_comment = line.lstrip().startswith("#")
        if not line.endswith("\\") or is_comment:
            if is_comment:
                line = " " + line  # so the comment is still recognised once joined
            if pending:
                pending.append(line)
                yield from _stripped(first, "".join(pending))
                pending = []
            else:
                yield from _stripped(number, line)
        else:
            if not pending:
                first = number
            pending.append(line.strip("\\"))
    if pending:
        yield from _stripped(first, "".join(pending))


def _physical_lines(text: str, chunk: int = 1 << 20) -> Iterator[str]:
    """``text.splitlines()`` a megabyte at a time: the list of every line of a large lock
    at once would double the parse's peak memory. A cut just after a ``\n`` never falls
    inside a line break, so the lines are the same."""
    start = 0
    while start < len(text):
        end = text.find("\n", start + chunk)
        end = len(text) if end == -1 else end + 1
        yield from text[start:end].splitlines()
        start = end


def _stripped(number: int, line: str) -> Iterator[LogicalLine]:
    line = strip_comment(line).strip()
    if line:
        yield LogicalLine(number, line)


def strip_comment(line: str) -> str:
    """pip's comment rule: a ``#`` at the start of the line or after whitespace starts a
    comment. pip writes it as ``(^|\\s+)#.*$``, which backtracks quadratically over long
    runs of whitespace; this finds the same ``#`` with one pass over the line."""
    at = line.find("#")
    while at > 0 and not line[at - 1].isspace():
        at = line.find("#", at + 1)
    return line if at == -1 else line[:at]


def split_args_options(line: str) -> tuple[str, str]:
    """pip's split: the requirement ends at the first space-separated token starting '-'."""
    tokens = line.split(" ")
    for i, token in enumerate(tokens):
        if token.startswith("-"):
            return " ".join(tokens[:i]), " ".join(tokens[i:])
    return line, ""


class LineOptions:
    """The options found on one logical line (a plain class: one is made per line)."""

    __slots__ = (
        "constraints",
        "editables",
        "extra_arguments",
        "extra_index_urls",
        "find_links",
        "hashes",
        "index_url",
        "no_index",
        "require_hashes",
        "requirements",
        "trusted_hosts",
    )

    def __init__(self) -> None:
        self.hashes: list[str] = []
        self.index_url: str | None = None
        self.extra_index_urls: list[str] = []
        self.find_links: list[str] = []
        self.trusted_hosts: list[str] = []
        self.requirements: list[str] = []
        self.constraints: list[str] = []
        self.editables: list[str] = []
        self.require_hashes = False
        self.no_index = False
        self.extra_arguments: list[str] = []


class OptionError(ValueError):
    """An option pip itself would refuse."""


def parse_options(options: str) -> LineOptions:
    """Parse a line's option part. ``--hash`` is read here on every path (pip rejects
    unknown algorithms at parse time, lockcheck reports them as findings instead)."""
    result = LineOptions()
    if not options:
        return result
    tokens = options.split()
    rest: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.startswith("--hash="):
            result.hashes.append(token[len("--hash=") :])
        elif token == "--hash" and i + 1 < len(tokens):
            i += 1
            result.hashes.append(tokens[i])
        else:
            rest.append(token)
        i += 1
    if rest:
        if any(_QUOTING.search(h) for h in result.hashes):
            # A quoted hash needs shell semantics: let the slow path see everything.
            result = LineOptions()
            rest = tokens
        _parse_with_pip(" ".join(rest), result)
    return result


def _parse_with_pip(options: str, into: LineOptions) -> None:
    """The slow path: pip's own option grammar (optparse after shell splitting), for
    anything but hashes. The options are pip's, not pip-requirements-parser's: that parser
    predates pip 26 (``--only-final``, ``--all-releases``, ``--no-require-hashes``) and
    still takes options pip has since removed (``--install-option``)."""
    from lockcheck.parsers import shell_words  # shlex.split, in linear time

    try:
        tokens = shell_words.split(options)
    except ValueError as exc:  # unbalanced quotes: pip says "Could not split options"
        raise OptionError(f"cannot split options: {exc}") from None
    values, arguments = _option_parser().parse_args(tokens, _Values())
    into.hashes.extend(values.hashes or [])
    if values.index_url:
        into.index_url = values.index_url
    into.extra_index_urls.extend(values.extra_index_urls or [])
    into.find_links.extend(values.find_links or [])
    into.trusted_hosts.extend(values.trusted_hosts or [])
    into.requirements.extend(values.requirements or [])
    into.constraints.extend(values.constraints or [])
    into.editables.extend(values.editables or [])
    into.require_hashes = into.require_hashes or bool(values.require_hashes)
    into.no_index = into.no_index or bool(values.no_index)
    into.extra_arguments.extend(arguments)


class _Values(optparse.Values):
    """A fresh set of option values per line (pip builds a new parser per line for this)."""

    def __init__(self) -> None:
        super().__init__(_DEFAULTS)


class _Parser(optparse.OptionParser):
    def error(self, msg: str) -> NoReturn:
        raise OptionError(msg)


def _check_selection(option: optparse.Option, opt: str, value: str, parser: Any) -> None:
    """``--no-binary``, ``--only-binary``, ``--all-releases``, ``--only-final``: ``:all:``,
    ``:none:`` or package names; pip refuses a value that looks like another option."""
    if value.startswith("-"):
        raise OptionError(f"{opt} option requires 1 argument")


def _check_config_setting(option: optparse.Option, opt: str, value: str, parser: Any) -> None:
    if "=" not in value:
        raise OptionError(f"Arguments to {opt} must be of the form KEY=VAL")


def _append_hash(option: optparse.Option, opt: str, value: str, parser: Any) -> None:
    # As on the fast path: a malformed hash is LC004's to report, not a parse error.
    parser.values.hashes = [*(parser.values.hashes or []), value]


_DEFAULTS: dict[str, Any] = {
    "index_url": None,
    "extra_index_urls": None,
    "no_index": False,
    "constraints": None,
    "requirements": None,
    "editables": None,
    "find_links": None,
    "prefer_binary": False,
    "require_hashes": False,
    "no_require_hashes": False,
    "pre": False,
    "trusted_hosts": None,
    "features_enabled": None,
    "hashes": None,
}


@functools.cache
def _option_parser() -> _Parser:
    """The options pip 26 accepts in a requirements file (pip's SUPPORTED_OPTIONS and
    SUPPORTED_OPTIONS_REQ). optparse also gives pip's unambiguous-prefix matching."""
    parser = _Parser(add_help_option=False, prog="pip")
    add = parser.add_option
    add("-i", "--index-url", "--pypi-url", dest="index_url")
    add("--extra-index-url", dest="extra_index_urls", action="append")
    add("--no-index", dest="no_index", action="store_true")
    add("-c", "--constraint", dest="constraints", action="append")
    add("-r", "--requirement", dest="requirements", action="append")
    add("-e", "--editable", dest="editables", action="append")
    add("-f", "--find-links", dest="find_links", action="append")
    for name in ("--no-binary", "--only-binary", "--all-releases", "--only-final"):
        add(name, type="str", action="callback", callback=_check_selection)
    add("--prefer-binary", dest="prefer_binary", action="store_true")
    add("--require-hashes", dest="require_hashes", action="store_true")
    add("--no-require-hashes", dest="no_require_hashes", action="store_true")
    add("--pre", dest="pre", action="store_true")
    add("--trusted-host", dest="trusted_hosts", action="append")
    add("--use-feature", dest="features_enabled", action="append")
    add("--hash", type="str", action="callback", callback=_append_hash)
    add("-C", "--config-settings", type="str", action="callback", callback=_check_config_setting)
    return parser
