"""The on-disk cache of releases the index reported, shared by concurrent lockcheck runs.

Published file digests never change, so a FOUND release is kept per (index, project,
version); callers decide from its age whether the yanked status is still fresh enough.
The cache is an optimisation only: every problem with it (corrupt, locked, read-only, full)
degrades to "not cached" and never raises out of ``get``/``put``.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from lockcheck.index.interface import LookupStatus, PublishedFile, Release, ReleaseKey

if TYPE_CHECKING:  # sqlite3 and json are imported on use: most runs never --verify.
    import sqlite3

FILENAME = "index-v1.sqlite3"
SCHEMA_VERSION = 1
BUSY_TIMEOUT = 10.0  # seconds SQLite itself waits for another process's lock
# How far in the future a row may be dated and still be read (as age 0: a clock stepped
# back by a time sync); a row dated later is a miss, so no row is trusted for longer than
# this plus the age limit.
CLOCK_SKEW = 300.0
ATTEMPTS = 8  # for "locked" errors SQLite's busy handler does not wait on (~1.3 s in all)

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS releases (
    index_url TEXT NOT NULL,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    fetched_at REAL NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (index_url, name, version)
) WITHOUT ROWID;
INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', '{SCHEMA_VERSION}');
"""
# A release's core metadata (its Requires-Dist, for LC203) never changes: no expiry. Added
# to caches of this schema version as they are opened.
_METADATA_TABLE = """
CREATE TABLE IF NOT EXISTS metadata (
    index_url TEXT NOT NULL,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    requires TEXT NOT NULL,
    PRIMARY KEY (index_url, name, version)
) WITHOUT ROWID
"""

T = TypeVar("T")


def default_path() -> Path:
    """``$LOCKCHECK_CACHE_DIR/index-v1.sqlite3``, else lockcheck's dir in the user cache dir."""
    override = os.environ.get("LOCKCHECK_CACHE_DIR")
    if override:
        return Path(override) / FILENAME
    return _user_cache_dir(sys.platform, os.environ) / "lockcheck" / FILENAME


def _user_cache_dir(platform: str, env: Mapping[str, str]) -> Path:
    if platform == "win32":
        local = env.get("LOCALAPPDATA")
        return Path(local) if local else Path.home() / "AppData" / "Local"
    if platform == "darwin":
        return Path.home() / "Library" / "Caches"
    xdg = env.get("XDG_CACHE_HOME")
    # The XDG spec says a relative value is invalid and must be ignored.
    return Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"


def _now() -> float:
    """The time rows are dated by (one place, so a test can stand the clock still)."""
    return time.time()


class _Stale(Exception):
    """The file is a database, but not one of this schema version."""


class ReleaseCache:
    """FOUND releases by key, with when they were fetched. Thread-safe; process-safe."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._rebuilt = False
        # Why caching is off (None while it works): the run warns on stderr.
        self.problem: str | None = None

    @classmethod
    def open(cls, path: Path | None = None) -> ReleaseCache:
        """Open (creating or rebuilding as needed) the cache; never raises."""
        try:
            path = default_path() if path is None else path
        except RuntimeError as exc:  # Path.home() without HOME or a passwd entry
            cache = cls(None)
            cache.problem = f"no cache directory: {exc}"
            return cache
        cache = cls(path)
        with cache._lock:
            cache._connect()
        return cache

    def get(self, key: ReleaseKey) -> tuple[Release, float] | None:
        """The cached release (``from_cache=True``) and its age in seconds, or None."""
        row = self._run(
            lambda conn: conn.execute(
                "SELECT fetched_at, data FROM releases"
                " WHERE index_url = ? AND name = ? AND version = ?",
                tuple(key),
            ).fetchone()
        )
        if row is None:
            return None
        try:
            release = _decode(key, row[1])
            fetched_at = float(row[0])
        except (ValueError, TypeError, KeyError, AttributeError):
            return None  # a damaged entry is a miss; the next put replaces it
        age = _now() - fetched_at
        if not age >= -CLOCK_SKEW:
            # Dated in the future (a planted row, a clock set back) or NaN: it would read as
            # fresh forever, so it is a miss, and the next put re-dates it.
            return None
        return release, max(0.0, age)

    def put(self, release: Release) -> None:
        """Store a FOUND release freshly fetched, replacing (and re-dating) any older entry."""
        # Anything else may change on the index; a cached release re-stored would look fresh.
        if release.status is not LookupStatus.FOUND or release.from_cache:
            return
        try:
            data = _encode(release)
        except (TypeError, ValueError):  # not JSON-able (a test double's odd values): skip
            return
        fetched_at = _now()
        self._run(
            lambda conn: conn.execute(
                "INSERT OR REPLACE INTO releases (index_url, name, version, fetched_at, data)"
                " VALUES (?, ?, ?, ?, ?)",
                (*release.key, fetched_at, data),
            )
        )

    def get_metadata(self, key: ReleaseKey) -> tuple[str, ...] | None:
        """The cached Requires-Dist of a release, or None."""
        value = self._metadata_row(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return None  # none, damaged, or an absence (below)
        return tuple(value)

    def put_metadata(self, key: ReleaseKey, requires: tuple[str, ...]) -> None:
        self._put_metadata_row(key, list(requires))

    def get_metadata_absence(self, key: ReleaseKey) -> tuple[str, float] | None:
        """Why the index said it publishes no core metadata for a release, and how many
        seconds ago; None without such an answer (or one dated in the future)."""
        value = self._metadata_row(key)
        if not isinstance(value, dict):
            return None
        try:
            reason, at = value["absent"], float(value["at"])
        except (ValueError, TypeError, KeyError):
            return None
        age = _now() - at
        if not isinstance(reason, str) or not age >= -CLOCK_SKEW:
            return None
        return reason, max(0.0, age)

    def put_metadata_absence(self, key: ReleaseKey, reason: str) -> None:
        """Keep the index's answer that it publishes no core metadata for a release: unlike
        the metadata itself it may change (an index can add it later), so it is dated."""
        self._put_metadata_row(key, {"absent": reason, "at": _now()})

    def _metadata_row(self, key: ReleaseKey) -> object:
        """The JSON a release's metadata row holds; None when there is none or it is damaged."""
        row = self._run(
            lambda conn: conn.execute(
                "SELECT requires FROM metadata WHERE index_url = ? AND name = ? AND version = ?",
                tuple(key),
            ).fetchone()
        )
        if row is None:
            return None
        import json

        try:
            return json.loads(row[0])
        except (ValueError, TypeError):
            return None

    def _put_metadata_row(self, key: ReleaseKey, value: object) -> None:
        import json

        data = json.dumps(value)
        self._run(
            lambda conn: conn.execute(
                "INSERT OR REPLACE INTO metadata (index_url, name, version, requires)"
                " VALUES (?, ?, ?, ?)",
                (*key, data),
            )
        )

    def close(self) -> None:
        with self._lock:
            self._close()

    def __enter__(self) -> ReleaseCache:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # Internals: _run takes self._lock; the rest expect the caller to hold it.

    def _run(self, op: Callable[[sqlite3.Connection], T]) -> T | None:
        """``op`` on the connection, or None when the cache is (or just became) unusable."""
        import sqlite3

        with self._lock:
            start = time.monotonic()
            for attempt in range(ATTEMPTS):
                if self._conn is None:
                    return None
                try:
                    return op(self._conn)
                except sqlite3.Error as exc:
                    if _retry_busy(exc, attempt, start):
                        continue
                    if _is_corrupt(exc) and not self._rebuilt:
                        # Damage deep in the file shows only when a page is read.
                        self._close()
                        self._rebuild()
                        return None
                    self._disable(exc)
                    return None
                except Exception as exc:  # never let the cache fail a run
                    self._disable(exc)
                    return None
            return None

    def _connect(self) -> None:
        import sqlite3

        assert self.path is not None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._disable(exc)
            return
        start = time.monotonic()
        deleted = False
        for attempt in range(ATTEMPTS):
            try:
                self._conn = self._open_checked(self.path)
                return
            except (_Stale, sqlite3.DatabaseError) as exc:
                if _retry_busy(exc, attempt, start):
                    continue
                # Corrupt or another schema: a cache is cheaper to rebuild than to repair.
                if deleted or not (isinstance(exc, _Stale) or _is_corrupt(exc)):
                    self._disable(exc)
                    return
                if not self._delete_files():
                    return
                deleted = True
            except Exception as exc:  # unreadable, read-only, locked for too long...
                self._disable(exc)
                return

    def _rebuild(self) -> None:
        self._rebuilt = True  # once: a file that keeps breaking is left alone (disabled)
        if self._delete_files():
            self._connect()

    @staticmethod
    def _open_checked(path: Path) -> sqlite3.Connection:
        import sqlite3

        # Autocommit: every statement is its own short transaction, so locks are held briefly.
        conn = sqlite3.connect(
            str(path), timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
        )
        try:
            # The first read parses the header: a file that is not a database fails here.
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if "meta" in tables:
                row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
                if row is None or row[0] != str(SCHEMA_VERSION) or "releases" not in tables:
                    raise _Stale(f"cache schema version {row[0] if row else None}")
            elif tables:
                raise _Stale("not a lockcheck cache")
            if not tables:
                # IF NOT EXISTS + IMMEDIATE: two processes creating it at once both succeed.
                conn.executescript(f"BEGIN IMMEDIATE; {_SCHEMA} COMMIT;")
            if "metadata" not in tables:
                conn.execute(_METADATA_TABLE)
            # Readers never block the writer and vice versa. The mode is stored in the file;
            # switching takes an exclusive lock that fails fast when contended, so only once.
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
            # A power cut may lose the last entries, never corrupt the file: fine for a cache.
            conn.execute("PRAGMA synchronous=NORMAL")
        except BaseException:
            conn.close()
            raise
        return conn

    def _delete_files(self) -> bool:
        assert self.path is not None
        try:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        except OSError as exc:  # e.g. Windows, while another process has it open
            self._disable(exc)
            return False
        return True

    def _disable(self, exc: BaseException) -> None:
        self._close()
        self.problem = f"{type(exc).__name__}: {exc}"

    def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()


def _retry_busy(exc: Exception, attempt: int, start: float) -> bool:
    """Whether to try again (after a pause): SQLite's busy handler already waited up to
    BUSY_TIMEOUT, so retry only the "locked" errors that came back sooner (journal mode
    switches, WAL recovery, lock upgrades)."""
    if not _is_busy(exc) or attempt + 1 >= ATTEMPTS or time.monotonic() - start >= BUSY_TIMEOUT:
        return False
    time.sleep(0.01 * 2**attempt)
    return True


def _is_busy(exc: Exception) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11+
    if code is not None:
        return code & 0xFF in (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED
    message = str(exc).lower()
    return "locked" in message or "busy" in message


def _is_corrupt(exc: Exception) -> bool:
    import sqlite3

    # SQLITE_CORRUPT and SQLITE_NOTADB are the codes Python maps to the bare DatabaseError.
    return type(exc) is sqlite3.DatabaseError


def _encode(release: Release) -> str:
    import json

    return json.dumps(
        {
            "api": release.api,
            "yanked": release.yanked,
            "yanked_reason": release.yanked_reason,
            "files": [
                {
                    "filename": f.filename,
                    "digests": dict(f.digests),
                    "size": f.size,
                    "upload_time": f.upload_time,
                    "yanked": f.yanked,
                    "yanked_reason": f.yanked_reason,
                    "url": f.url,
                }
                for f in release.files
            ],
        },
        separators=(",", ":"),
    )


def _decode(key: ReleaseKey, data: str) -> Release:
    import json

    obj: Any = json.loads(data)
    files = tuple(
        PublishedFile(
            filename=_typed(f["filename"], str),
            digests={_typed(k, str): _typed(v, str) for k, v in f["digests"].items()},
            size=_optional(f["size"], int),
            upload_time=_optional(f["upload_time"], str),
            yanked=_typed(f["yanked"], bool),
            yanked_reason=_optional(f["yanked_reason"], str),
            url=_optional(f["url"], str),
        )
        for f in obj["files"]
    )
    return Release(
        key=key,
        status=LookupStatus.FOUND,
        files=files,
        yanked=_typed(obj["yanked"], bool),
        yanked_reason=_optional(obj["yanked_reason"], str),
        from_cache=True,
        api=_optional(obj["api"], str),
    )


def _typed(value: object, kind: type[T]) -> T:
    if not isinstance(value, kind):
        raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")
    return value


def _optional(value: object, kind: type[T]) -> T | None:
    return None if value is None else _typed(value, kind)
