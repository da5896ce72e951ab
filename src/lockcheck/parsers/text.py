"""Reading a lockfile's text safely: size cap, binary detection, strict UTF-8.

Every parser reads through here so hostile input (huge files, binary junk, invalid
UTF-8) gets the same one-line error instead of a traceback.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from lockcheck.errors import LockfileError

# Real locks are a few MB at most; a lock this large is a mistake or an attack.
MAX_BYTES = 64 * 1024 * 1024


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def read_text(path: str) -> str:
    """Return the file's text, or raise LockfileError naming the file (and line)."""
    p = Path(path)
    try:
        if p.is_dir():
            raise LockfileError(path, None, "is a directory, not a lockfile")
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise LockfileError(
                path, None, f"file is {size} bytes; lockcheck reads at most {MAX_BYTES}"
            )
        data = p.read_bytes()
    except FileNotFoundError:
        raise LockfileError(path, None, "no such file") from None
    except PermissionError:
        raise LockfileError(path, None, "permission denied") from None
    except OSError as exc:
        raise LockfileError(path, None, f"cannot read: {exc.strerror or exc}") from None
    return decode(path, data)


def decode(path: str, data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    nul = data.find(b"\0")
    if nul != -1:
        raise LockfileError(
            path, _line_of(data, nul), "binary data (a NUL byte): not a text lockfile"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        raise LockfileError(
            path, _line_of(data, exc.start), f"not valid UTF-8 (byte 0x{bad})"
        ) from None


_GENERATOR = re.compile(r"^#.*following command:[ \t]*\n(?:#[ \t]*\n)*#[ \t]+(\S[^\n]*)$", re.M)


def generator_command(text: str) -> str | None:
    """The command in the header pip-compile and uv write ("...the following command:")."""
    found = _GENERATOR.search(text[:2000])
    return found.group(1).strip() if found else None
