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


def read_text(path: str, *, pip_encodings: bool = False) -> str:
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
    return decode(path, data, pip_encodings=pip_encodings)


# pip's order: UTF-32 before UTF-16, whose little-endian BOM starts UTF-32's.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)
# PEP 263, as pip matches it on the first two lines when they are comments.
_CODING = re.compile(rb"coding[:=]\s*([-\w.]+)")


def decode(path: str, data: bytes, *, pip_encodings: bool = False) -> str:
    """The file's text: UTF-8 (a UTF-8 BOM is dropped). With ``pip_encodings``, a
    requirements file as pip reads it: a UTF-16/UTF-32 BOM (``pip freeze >`` in Windows
    PowerShell writes UTF-16) or a PEP 263 ``# -*- coding: ... -*-`` line in the first two
    lines decides the encoding, else UTF-8."""
    encoding = _pip_encoding(path, data) if pip_encodings else None
    if encoding is not None:
        codec, start = encoding
        try:
            return data[start:].decode(codec)
        except UnicodeDecodeError as exc:
            raise LockfileError(
                path, None, f"not valid {codec} at byte {start + exc.start}"
            ) from None
        except LookupError:  # a codec that is no text encoding ("rot13")
            raise LockfileError(path, 1, f"{codec!r} is not a text encoding") from None
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
        hint = ""
        if pip_encodings:
            # pip falls back to the machine's locale encoding: what it reads then depends
            # on the machine, so lockcheck asks for the declaration pip itself suggests.
            hint = "; declare the encoding on the first line, e.g. # -*- coding: latin-1 -*-"
        raise LockfileError(
            path, _line_of(data, exc.start), f"not valid UTF-8 (byte 0x{bad}){hint}"
        ) from None


def _pip_encoding(path: str, data: bytes) -> tuple[str, int] | None:
    """(codec, offset of the text) when a BOM or a PEP 263 line names the encoding."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec, len(bom)
    for number, line in enumerate(data.split(b"\n", 2)[:2], start=1):
        if line.startswith(b"#"):
            found = _CODING.search(line)
            if found is not None:
                codec = found.group(1).decode("ascii")
                try:
                    codecs.lookup(codec)
                except LookupError:
                    raise LockfileError(
                        path, number, f"unknown encoding {codec!r} in the coding declaration"
                    ) from None
                return codec, 0
    return None


_GENERATOR = re.compile(r"^#.*following command:[ \t]*\n(?:#[ \t]*\n)*#[ \t]+(\S[^\n]*)$", re.M)


def generator_command(text: str) -> str | None:
    """The command in the header pip-compile and uv write ("...the following command:")."""
    found = _GENERATOR.search(text[:2000])
    return found.group(1).strip() if found else None
