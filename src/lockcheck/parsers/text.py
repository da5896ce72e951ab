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


def read_text(path: str, boundary: str | None = None) -> str:
    """Return the file's text, or raise LockfileError naming the file (and line).

    The file must lie inside ``boundary`` (default: the repository holding it, if any)
    once symlinks are followed; see lockcheck.boundary.
    """
    from lockcheck.boundary import is_inside, outside_message, repository_root

    if boundary is None:
        boundary = repository_root(os.path.dirname(os.path.abspath(path)))
    if boundary is not None and not is_inside(path, boundary):
        raise LockfileError(path, None, f"is a symlink that {outside_message(boundary)}")
    return decode(path, read_regular_file(path))


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
