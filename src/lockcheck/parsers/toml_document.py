"""Reading a TOML lockfile: its data, and the line each table and value stands on.

tomllib gives no positions, so the parsers find each ``[[package]]`` header in the text
and search forward from it for the values they want to point at (an artifact's hash).
Typed accessors turn a wrong type or a missing key into a LockfileError naming the line.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from lockcheck.errors import LockfileError
from lockcheck.model import FormatVersion, Location
from lockcheck.parsers.text import read_text
from lockcheck.tomlcompat import toml_module


@dataclass(frozen=True)
class TomlDocument:
    path: str
    text: str
    data: dict[str, Any]
    _line_starts: tuple[int, ...]
    # Built on first use by find_line: see _QuotedIndex.
    _quoted: list[_QuotedIndex] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def read(cls, path: str) -> TomlDocument:
        text = read_text(path)
        tomllib = toml_module()
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
            message = str(exc).split(" (at line", 1)[0]
            raise LockfileError(path, line, f"invalid TOML: {message}") from None
        except RecursionError:
            raise LockfileError(path, None, "invalid TOML: nested too deeply") from None
        starts = [0] + [m.end() for m in re.finditer("\n", text)]
        return cls(path, text, data, tuple(starts))

    def line_of(self, offset: int) -> int:
        """1-based line of a character offset."""
        return bisect.bisect_right(self._line_starts, offset)

    def offset_of_line(self, line: int) -> int:
        return self._line_starts[line - 1] if 0 < line <= len(self._line_starts) else 0

    def array_table_lines(self, key: str, count: int) -> list[int | None]:
        """The line of each ``[[key]]`` header, in order; None where they cannot be matched.

        When the headers found do not line up with the array (an inline array, or a header
        inside a multi-line string), no line is guessed: the caller falls back.
        """
        pattern = re.compile(rf"^[ \t]*\[\[[ \t]*{re.escape(key)}[ \t]*\]\][ \t]*(#.*)?$", re.M)
        lines: list[int | None] = [self.line_of(m.start()) for m in pattern.finditer(self.text)]
        if len(lines) != count:
            return [None] * count
        return lines

    def find_line(self, needle: str, start_line: int | None, end_line: int | None) -> int | None:
        """The first line at or after ``start_line`` (and before ``end_line``) holding needle.

        Values the parsers point at (hashes, URLs, file names) are whole quoted strings:
        they are looked up in an index of the document's quoted strings. Searching the
        text from the start of a range for each one is quadratic when ranges are long (the
        one ``[metadata.files]`` table of a poetry 1.x lock, or every range once headers
        cannot be matched), so plain text search is only the fallback, and its total work
        is capped at a few passes over the document: past that, no line is given (callers
        fall back to the entry's own line).
        """
        if not needle:
            return None
        if not self._quoted:
            self._quoted.append(_QuotedIndex(self.text, len(self._line_starts)))
        quoted = self._quoted[0]
        found_line = quoted.first(needle, start_line or 1, end_line)
        if found_line is not None:
            return found_line
        start = self.offset_of_line(start_line) if start_line else 0
        end = self.offset_of_line(end_line) if end_line else len(self.text)
        if not quoted.spend(end - start):
            return None
        found = self.text.find(needle, start, end)
        return self.line_of(found) if found != -1 else None


class _QuotedIndex:
    """Every run of text between two quotes of one kind on a line, and the lines it is on.

    Tokenising per line by splitting on the quote character is linear and never wrong in
    what it finds (a hit is a line that holds ``"needle"``); an escaped or multi-line
    string only means that value is not indexed and plain search is used for it.
    """

    __slots__ = ("_budget", "_lines")

    def __init__(self, text: str, line_count: int) -> None:
        lines: dict[str, list[int]] = {}
        for number, line in enumerate(text.split("\n"), start=1):
            for quote in ('"', "'"):
                if quote in line:
                    for value in line.split(quote)[1::2]:
                        lines.setdefault(value, []).append(number)
        self._lines = lines
        self._budget = 4 * len(text) + 65536 + line_count

    def first(self, needle: str, start_line: int, end_line: int | None) -> int | None:
        lines = self._lines.get(needle)
        if not lines:
            return None
        at = bisect.bisect_left(lines, start_line)
        if at < len(lines) and (end_line is None or lines[at] < end_line):
            return lines[at]
        return None

    def spend(self, characters: int) -> bool:
        """Charge a plain-text search; False once the document's budget is used up."""
        self._budget -= max(characters, 0)
        return self._budget >= 0


def dotted_version(
    document: TomlDocument, table: Fields, key: str, newest: tuple[int, ...]
) -> tuple[FormatVersion, tuple[int, ...]]:
    """A required "major.minor" format version, and whether it is newer than ``newest``."""
    value = table.string(key, required=True) or ""
    if not re.fullmatch(r"\d+(\.\d+)*", value):
        raise table.error(f"{key} {value!r} is not a version number")
    numbers = tuple(int(n) for n in value.split("."))
    line = document.find_line(key, table.line or 1, None) or table.line
    shown = ".".join(map(str, newest))
    return FormatVersion(value, Location(document.path, line), shown, numbers > newest), numbers


@dataclass(frozen=True)
class Entry:
    """One table of an array of tables, with the lines it spans (end exclusive)."""

    fields: Fields
    line: int | None
    end: int | None


def array_entries(document: TomlDocument, parent: Fields, key: str) -> list[Entry]:
    """The entries of ``[[key]]`` with their lines; each entry's errors name its line."""
    tables = parent.tables(key)
    lines = document.array_table_lines(key, len(tables))
    entries = []
    for i, (table, line) in enumerate(zip(tables, lines, strict=True)):
        table.line = line
        entries.append(Entry(table, line, lines[i + 1] if i + 1 < len(lines) else None))
    return entries


def _line_from_message(message: str) -> int | None:
    found = re.search(r"at line (\d+)", message)
    return int(found.group(1)) if found else None


class Fields:
    """Typed access to one table, with errors that name the file, line and key."""

    __slots__ = ("_where", "line", "path", "table")

    def __init__(
        self, table: Any, path: str, line: int | None, where: str | Callable[[], str]
    ) -> None:
        self.table = table
        self.path = path
        self.line = line
        # A large lock has thousands of artifact tables: describe one only on error.
        self._where = where
        if not isinstance(table, Mapping):
            raise self.error(f"must be a table, not {_kind(table)}")

    @property
    def where(self) -> str:
        return self._where if isinstance(self._where, str) else self._where()

    @where.setter
    def where(self, value: str) -> None:
        self._where = value

    def error(self, message: str) -> LockfileError:
        separator = " " if message.startswith("must be") else ": "
        return LockfileError(self.path, self.line, f"{self.where}{separator}{message}")

    def has(self, key: str) -> bool:
        return key in self.table

    def string(self, key: str, *, required: bool = False) -> str | None:
        value = self.table.get(key)
        if value is None:
            if required:
                raise self.error(f"missing required key '{key}'")
            return None
        if not isinstance(value, str):
            raise self.error(f"'{key}' must be a string, not {_kind(value)}")
        return value

    def integer(self, key: str) -> int | None:
        value = self.table.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.error(f"'{key}' must be an integer, not {_kind(value)}")
        return value

    def table_at(self, key: str) -> Fields | None:
        value = self.table.get(key)
        if value is None:
            return None
        return Fields(value, self.path, self.line, f"{self.where} '{key}'")

    def tables(self, key: str) -> list[Fields]:
        value = self.table.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(f"'{key}' must be an array, not {_kind(value)}")
        return [
            Fields(item, self.path, self.line, partial(_entry_name, self, key, i))
            for i, item in enumerate(value)
        ]

    def strings(self, key: str) -> list[str]:
        value = self.table.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(f"'{key}' must be an array of strings")
        return list(value)


def _entry_name(parent: Fields, key: str, i: int) -> str:
    return f"{parent.where} '{key}' entry {i + 1}"


def _kind(value: Any) -> str:
    return {
        dict: "a table",
        list: "an array",
        str: "a string",
        int: "an integer",
        bool: "a boolean",
        float: "a float",
    }.get(type(value), type(value).__name__)
