"""pip's requirements-file grammar, cheaply.

pip (and pip-requirements-parser, which vendors pip's parser) splits every line's options
with shlex and optparse. In a hashed lock nearly every option is ``--hash=algo:digest``, and
shlex-splitting thousands of them dominates the run time. This module keeps pip's grammar
-- continuation lines, comments, the split between a requirement and its options -- and
only hands a line to pip-requirements-parser when it holds something other than hashes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

_QUOTING = re.compile(r"[\"'\\]")


class LogicalLine(NamedTuple):
    number: int  # the first physical line, as pip reports it
    text: str


def logical_lines(text: str) -> Iterator[LogicalLine]:
    """Join backslash continuations and drop comments, exactly as pip does."""
    pending: list[str] = []
    first = 0
    for number, line in enumerate(text.splitlines(), start=1):
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
        elif token.startswith("--config-settings="):
            pass  # pip accepts it per requirement; pip-requirements-parser predates it
        elif token in ("--config-settings", "-C") and i + 1 < len(tokens):
            i += 1
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
    """The slow path: pip-requirements-parser's optparse grammar, for anything but hashes."""
    import pip_requirements_parser as prp

    from lockcheck.parsers import shell_words  # shlex.split, in linear time

    parser = prp.build_parser()
    try:
        values, arguments = parser.parse_args(
            shell_words.split(options), parser.get_default_values()
        )
    except prp.OptionParsingError as exc:
        message = str(exc.msg).strip().removeprefix("pip_requirements_parser: error: ")
        raise OptionError(message) from None
    except ValueError as exc:  # shlex: unbalanced quotes
        raise OptionError(f"cannot split options: {exc}") from None
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
