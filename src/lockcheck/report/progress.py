"""A progress bar for --verify, on stderr, only when stderr is a terminal."""

from __future__ import annotations

import time
from typing import TextIO

_WIDTH = 30
_INTERVAL = 0.1  # seconds between redraws: a fast index must not be slowed by drawing


class ProgressBar:
    def __init__(self, stream: TextIO, label: str = "verifying") -> None:
        self._stream = stream
        self._label = label
        self._last = 0.0
        self._drawn = False

    @classmethod
    def for_terminal(cls, stream: TextIO, enabled: bool) -> ProgressBar | None:
        isatty = getattr(stream, "isatty", None)
        return cls(stream) if enabled and isatty is not None and isatty() else None

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < _INTERVAL:
            return
        self._last = now
        filled = _WIDTH * done // total if total else _WIDTH
        bar = "#" * filled + "-" * (_WIDTH - filled)
        self._stream.write(f"\r{self._label} [{bar}] {done}/{total} packages")
        self._stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self._stream.write("\r\033[K")
            self._stream.flush()
