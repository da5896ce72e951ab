"""Split a requirements line's options into words as ``shlex.split`` does, in linear time.

pip splits option text with ``shlex.split``; shlex grows each token one character at a
time by string concatenation on an attribute, which copies the token every time: a
160 KB option value took seconds, a megabyte minutes. This splitter gives the same
words (POSIX rules: whitespace is space, tab, CR and LF; backslash escapes any character
outside quotes, and only ``"`` and ``\\`` inside double quotes; nothing is quoted inside
single quotes) and raises ValueError with shlex's messages where shlex does.
"""

from __future__ import annotations

import re

_PIECE = re.compile(
    r"""(?P<plain>[^ \t\r\n'"\\]+)"""
    r"""|\\(?P<escaped>.)"""
    r"""|'(?P<single>[^']*)'"""
    r'''|"(?P<double>(?:[^"\\]|\\.)*)"'''
    r"""|(?P<space>[ \t\r\n]+)""",
    re.DOTALL,
)
_DOUBLE_ESCAPE = re.compile(r'\\([\\"])')
_OPEN_DOUBLE = re.compile(r'"(?:[^"\\]|\\.)*', re.DOTALL)


def split(text: str) -> list[str]:
    words: list[str] = []
    word: list[str] = []
    in_word = False
    position = 0
    while position < len(text):
        piece = _PIECE.match(text, position)
        if piece is None:
            raise ValueError(_why_unfinished(text, position))
        position = piece.end()
        kind = piece.lastgroup
        if kind == "space":
            if in_word:
                words.append("".join(word))
                word, in_word = [], False
            continue
        in_word = True
        if kind == "double":
            word.append(_DOUBLE_ESCAPE.sub(r"\1", piece.group("double")))
        else:
            word.append(piece.group(kind or "plain"))
    if in_word:
        words.append("".join(word))
    return words


def _why_unfinished(text: str, position: int) -> str:
    """shlex's message for text that ends inside a quote or an escape."""
    if text[position] == "\\":
        return "No escaped character"
    if text[position] == '"':
        opened = _OPEN_DOUBLE.match(text, position)
        if opened is not None and opened.end() == len(text) - 1:
            return "No escaped character"  # ends on a backslash inside the quotes
    return "No closing quotation"
