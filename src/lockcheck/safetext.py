"""Text from untrusted input made safe to print: the output boundary (design.md).

Lockfiles, in-tree configuration, index answers and file names are written by whoever
opened the pull request. Before any of their text reaches a reporter or standard error it
goes through ``safe``: credentials in URLs are redacted, and every character that could
steer a terminal or a CI log (newlines that start a GitHub workflow command, escape
sequences, bidirectional overrides) is shown as a backslash escape instead of sent raw.
"""

from __future__ import annotations

import re
import unicodedata

from lockcheck.urls import redact

# ASCII controls and DEL are escaped; any other non-ASCII character is looked at: C1
# controls, Unicode format characters (bidi overrides, zero-width characters), line and
# paragraph separators, private-use and unassigned code points, and lone surrogates (a
# file name that is not UTF-8, decoded by the OS with surrogateescape) are escaped too.
_CANDIDATE = re.compile(r"[\x00-\x1f\x7f]|[^\x00-\x7f]")
_UNSAFE_CATEGORIES = frozenset(("Cc", "Cf", "Cs", "Zl", "Zp", "Co", "Cn"))
# CI runners also act on a logging command anywhere in a line: GitHub's legacy
# ``##[add-mask]...`` and Azure Pipelines' ``##vso[task.setvariable ...]``.
_LOG_COMMAND = re.compile(r"##(?=\[|vso\[)", re.IGNORECASE)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    point = ord(char)
    if 0xDC80 <= point <= 0xDCFF:  # surrogateescape: the original byte
        return f"\\x{point - 0xDC00:02x}"
    if point >= 0x80 and unicodedata.category(char) not in _UNSAFE_CATEGORIES:
        return char  # printable non-ASCII text (names, accents) stays as it is
    if point <= 0xFF:
        return f"\\x{point:02x}"
    if point <= 0xFFFF:
        return f"\\u{point:04x}"
    return f"\\U{point:08x}"


def is_safe(text: str) -> bool:
    """True when ``safe`` would leave text as it is, as far as a quick look can tell (plain
    printable ASCII, and no URL with userinfo); False means: ask ``safe``."""
    return (
        text.isascii()
        and text.isprintable()
        and ("@" not in text or "://" not in text)
        and "##" not in text
    )


def escape_controls(text: str) -> str:
    """Every control, format or undecodable character as a visible backslash escape."""
    if text.isascii() and text.isprintable():
        return text  # the common case, without a regex pass
    return _CANDIDATE.sub(_escape, text)


def safe(text: str) -> str:
    """Redacted of credentials, then escaped: the one form untrusted text is printed in."""
    text = escape_controls(redact(text))
    # "##[" shown as "#\x23[": readable, and no runner's command any more.
    return _LOG_COMMAND.sub("#\\\\x23", text) if "##" in text else text


def safe_optional(text: str | None) -> str | None:
    return None if text is None else safe(text)
