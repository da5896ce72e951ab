"""Content-Encoding decoded as the bytes arrive, never past a byte limit.

httpx decodes each received chunk in full before handing it over, so a small answer with
``Content-Encoding: gzip, gzip`` becomes gigabytes in memory before any size check can
run. Here every layer decodes at most ``_STEP`` bytes at a time and every layer's output
counts against the limit, so memory stays bounded whatever the server sends.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

# What lockcheck asks for: the codings the standard library can decode in bounded steps.
ACCEPT_ENCODING = "gzip, deflate"
_STEP = 64 * 1024


class DecodingError(Exception):
    """The body cannot be decoded (a coding we do not speak, or corrupt data)."""


class TooLarge(Exception):
    """A layer of the decoded body grew past the limit."""


class _Layer:
    """One coding, undone incrementally."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        if coding in ("gzip", "x-gzip"):
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif coding == "deflate":
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS)
        else:
            raise DecodingError(f"unsupported Content-Encoding {coding!r}")
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        """The decoded bytes for ``data``, in pieces of at most _STEP bytes."""
        if not self._started and data and self.coding == "deflate":
            self._started = True
            # "deflate" is meant to be zlib-wrapped, but some servers send raw deflate.
            try:
                probe = zlib.decompressobj(zlib.MAX_WBITS)
                probe.decompress(data[:64], 1)
            except zlib.error:
                self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        pending = data
        while True:
            try:
                piece = self._inflater.decompress(pending, _STEP)
            except zlib.error as error:
                raise DecodingError(f"corrupt {self.coding} data: {error}") from None
            if piece:
                yield piece
            pending = self._inflater.unconsumed_tail
            if not pending and len(piece) < _STEP:
                return

    def finish(self) -> Iterator[bytes]:
        """What the decoder still holds once the input has ended."""
        yield from self.feed(b"")
        try:
            rest = self._inflater.flush(_STEP)
        except zlib.error as error:  # pragma: no cover - zlib raises this only on misuse
            raise DecodingError(f"corrupt {self.coding} data: {error}") from None
        if rest:
            yield rest


class BoundedDecoder:
    """Undo a Content-Encoding header's codings (applied left to right, so undone right to
    left), raising TooLarge as soon as any layer has produced more than ``limit`` bytes."""

    def __init__(self, content_encoding: str, limit: int) -> None:
        codings = [c.strip().lower() for c in content_encoding.split(",")]
        self._layers = [_Layer(c) for c in reversed(codings) if c and c != "identity"]
        self._limit = limit
        self._produced = [0] * (len(self._layers) + 1)  # per layer; the last: the body

    def feed(self, raw: bytes) -> Iterator[bytes]:
        yield from self._through(0, raw, finishing=False)

    def finish(self) -> Iterator[bytes]:
        yield from self._through(0, b"", finishing=True)

    def _through(self, depth: int, data: bytes, *, finishing: bool) -> Iterator[bytes]:
        if depth == len(self._layers):
            if data:
                self._count(depth, data)
                yield data
            return
        layer = self._layers[depth]
        for piece in layer.feed(data):
            self._count(depth, piece)
            yield from self._through(depth + 1, piece, finishing=False)
        if finishing:
            for piece in layer.finish():
                self._count(depth, piece)
                yield from self._through(depth + 1, piece, finishing=False)
            yield from self._through(depth + 1, b"", finishing=True)

    def _count(self, depth: int, piece: bytes) -> None:
        self._produced[depth] += len(piece)
        if self._produced[depth] > self._limit:
            raise TooLarge
