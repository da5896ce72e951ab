"""JSON with the line every value starts on, in one linear pass over the text.

The json module gives no positions. This reader walks the text once and returns, for each
object member and array item, its value and its 1-based line; it is used only after
json.loads accepted the text, so it trusts the syntax (and json.loads gives the error
message, with its line, for bad input).
"""

from __future__ import annotations

import bisect
import json
import re
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any, NamedTuple

from lockcheck.errors import LockfileError

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_LITERALS = {"true": True, "false": False, "null": None}
_MAX_DEPTH = 200


class Located(NamedTuple):
    """A value and the line it starts on. Objects hold ``dict[str, Located]``, arrays
    ``list[Located]``; other values are plain."""

    value: Any
    line: int


def load(path: str, text: str) -> Located:
    """Parse ``text`` (the content of ``path``), or raise LockfileError naming the line."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise LockfileError(path, exc.lineno, f"invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise LockfileError(path, None, "invalid JSON: nested too deeply") from None
    return _Reader(path, text).read()


class _Reader:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def skip(self, at: int) -> int:
        found = _WHITESPACE.match(self.text, at)
        return found.end() if found else at

    def read(self) -> Located:
        value, _ = self.value(self.skip(0), 0)
        return value

    def value(self, at: int, depth: int) -> tuple[Located, int]:
        if depth > _MAX_DEPTH:
            raise LockfileError(self.path, self.line(at), "invalid JSON: nested too deeply")
        line = self.line(at)
        char = self.text[at]
        if char == "{":
            return self.members(at + 1, line, depth)
        if char == "[":
            return self.items(at + 1, line, depth)
        if char == '"':
            string, end = scanstring(self.text, at + 1)
            return Located(string, line), end
        for word, literal in _LITERALS.items():
            if self.text.startswith(word, at):
                return Located(literal, line), at + len(word)
        number = _NUMBER.match(self.text, at)
        if number is None:  # json.loads accepted it: only NaN/Infinity get here
            raise LockfileError(self.path, line, "invalid JSON: not a number")
        return Located(json.loads(number.group()), line), number.end()

    def members(self, at: int, line: int, depth: int) -> tuple[Located, int]:
        found: dict[str, Located] = {}
        at = self.skip(at)
        if self.text[at] == "}":
            return Located(found, line), at + 1
        while True:
            key, at = scanstring(self.text, self.skip(at) + 1)
            at = self.skip(self.skip(at) + 1)  # past the colon
            found[key], at = self.value(at, depth + 1)
            at = self.skip(at)
            if self.text[at] == "}":
                return Located(found, line), at + 1
            at += 1  # the comma

    def items(self, at: int, line: int, depth: int) -> tuple[Located, int]:
        found: list[Located] = []
        at = self.skip(at)
        if self.text[at] == "]":
            return Located(found, line), at + 1
        while True:
            item, at = self.value(self.skip(at), depth + 1)
            found.append(item)
            at = self.skip(at)
            if self.text[at] == "]":
                return Located(found, line), at + 1
            at += 1
