"""Reading a lockfile's text safely: size cap, binary detection, strict UTF-8.

Every parser reads through here so hostile input (huge files, binary junk, invalid
UTF-8) gets the same one-line error instead of a traceback.
"""

from __future__ import annotations

import codecs
import os
import re
import stat

from lockcheck.errors import LockfileError

# Real locks are a few MB at most; a lock this large is a mistake or an attack.
MAX_BYTES = 64 * 1024 * 1024


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def read_text(path: str, boundary: str | None = None, *, pip_encodings: bool = False) -> str:
    """Return the file's text, or raise LockfileError naming the file (and line).

    The file must lie inside ``boundary`` (default: the repository holding it, if any)
    once symlinks are followed; see lockcheck.boundary.
    """
    from lockcheck.boundary import is_inside, outside_message, repository_root

    if boundary is None:
        boundary = repository_root(os.path.dirname(os.path.abspath(path)))
    if boundary is not None and not is_inside(path, boundary):
        raise LockfileError(path, None, f"is a symlink that {outside_message(boundary)}")
    return decode(path, read_regular_file(path), pip_encodings=pip_encodings)


def read_regular_file(path: str, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or a LockfileError.

    A FIFO would block forever and ``/dev/zero`` never ends: only regular files are
    read (checked before opening, and again on the open descriptor, which is opened
    non-blocking so a FIFO swapped in between cannot hang), and never more than
    ``limit + 1`` bytes, whatever the file claims its size is.
    """
    try:
        _require_regular(path, os.stat(path), limit)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        try:
            _require_regular(path, os.fstat(fd), limit)
            chunks = []
            left = limit + 1
            while left > 0:
                chunk = os.read(fd, min(left, 1 << 20))
                if not chunk:
                    break
                chunks.append(chunk)
                left -= len(chunk)
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise LockfileError(path, None, "no such file") from None
    except PermissionError:
        raise LockfileError(path, None, "permission denied") from None
    except OSError as exc:
        raise LockfileError(path, None, f"cannot read: {exc.strerror or exc}") from None
    data = b"".join(chunks)
    if len(data) > limit:
        raise LockfileError(path, None, f"file is over {limit} bytes; lockcheck reads at most that")
    return data


def _require_regular(path: str, info: os.stat_result, limit: int) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise LockfileError(path, None, "is a directory, not a lockfile")
    if not stat.S_ISREG(info.st_mode):
        raise LockfileError(path, None, f"is {_kind(info.st_mode)}, not a regular file; not read")
    if info.st_size > limit:
        raise LockfileError(
            path, None, f"file is {info.st_size} bytes; lockcheck reads at most {limit}"
        )


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


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


# Headers that name their tool but not the command line: the command that rewrites them.
_TOOL_HEADERS = (
    (re.compile(r"^# generated by rye$", re.M), "rye lock"),
    (re.compile(r"^# This file is @generated by PDM\.$", re.M), "pdm export -o {name}"),
)
# No header at all: poetry export writes `name==1.0 ; marker \` with a space before the
# semicolon; pipenv requirements starts with `-i <index>` and keeps each entry on one line.
_POETRY_EXPORT = re.compile(
    r"\A(?:[A-Za-z0-9][\w.-]*(?:\[[^]]*\])?==\S+ ; [^\n]*\\\n(?:    --hash=\S+[ \\]*\n)+)+"
)
_PIPENV_REQUIREMENTS = re.compile(
    r"\A-i \S+\n(?:[A-Za-z0-9][\w.\[\],-]*==\S+(?:; [^\n]*?)?(?: --hash=\S+)*\n)+"
)


def generator_command(text: str, name: str = "requirements.txt") -> str | None:
    """The command that wrote a requirements file: from the header pip-compile and uv
    write ("...the following command:"), from the header rye and pdm export write, or
    from the shape poetry export and pipenv requirements give their output."""
    head = text[:2000]
    found = _GENERATOR.search(head)
    if found:
        return found.group(1).strip()
    for pattern, command in _TOOL_HEADERS:
        if pattern.search(head):
            return command.format(name=name)
    if _POETRY_EXPORT.match(head):
        return f"poetry export -o {name}"
    if _PIPENV_REQUIREMENTS.match(head):
        return "pipenv requirements --hash"
    return None
