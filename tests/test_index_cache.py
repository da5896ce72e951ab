"""The release cache: round trips, ageing, and that no cache problem ever fails a run."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from lockcheck.index import cache as cache_module
from lockcheck.index.cache import FILENAME, ReleaseCache, _user_cache_dir, default_path
from lockcheck.index.interface import LookupStatus, PublishedFile, Release, ReleaseKey

INDEX = "http://127.0.0.1:8080/simple/"


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def release(name: str = "demo", version: str = "1.0", index: str = INDEX) -> Release:
    return Release(
        key=ReleaseKey(index, name, version),
        status=LookupStatus.FOUND,
        files=(
            PublishedFile(
                filename=f"{name}-{version}-py3-none-any.whl",
                digests={"sha256": "a" * 64, "blake2b_256": "b" * 64},
                size=1234,
                upload_time="2024-01-02T03:04:05.678901Z",
                url=f"http://127.0.0.1:8080/files/{name}-{version}-py3-none-any.whl",
            ),
            PublishedFile(
                filename=f"{name}-{version}.tar.gz",
                digests={"sha256": "c" * 64},
                yanked=True,
                yanked_reason="broken sdist",
            ),
        ),
        yanked=True,
        yanked_reason="security: CVE-0000-0000",
        api="json-version",
    )


def cached(rel: Release) -> Release:
    return rel._replace(from_cache=True)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "cache" / FILENAME


def test_round_trip(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rel = release()
    bare = Release(ReleaseKey(INDEX, "bare", "2"), LookupStatus.FOUND)
    clock = Clock()
    monkeypatch.setattr(cache_module, "_now", clock)
    with ReleaseCache.open(path) as cache:
        assert cache.get(rel.key) is None
        cache.put(rel)
        cache.put(bare)
    # A new process (here: a new connection) reads what an earlier one wrote.
    with ReleaseCache.open(path) as cache:
        assert cache.get(rel.key) == (cached(rel), 0.0)
        assert cache.get(bare.key) == (cached(bare), 0.0)
        assert cache.problem is None


def test_keys_are_exact(path: Path) -> None:
    with ReleaseCache.open(path) as cache:
        cache.put(release("demo", "1.0"))
        assert cache.get(ReleaseKey(INDEX, "demo", "1.0")) is not None
        for other in (
            ReleaseKey(INDEX, "Demo", "1.0"),
            ReleaseKey(INDEX, "demo", "1.0.0"),
            ReleaseKey(INDEX.rstrip("/"), "demo", "1.0"),
            ReleaseKey("http://127.0.0.1:8081/simple/", "demo", "1.0"),
        ):
            assert cache.get(other) is None


@pytest.mark.parametrize(
    "status", [LookupStatus.NO_VERSION, LookupStatus.NO_PROJECT, LookupStatus.FAILED]
)
def test_only_found_is_stored(path: Path, status: LookupStatus) -> None:
    with ReleaseCache.open(path) as cache:
        rel = Release(ReleaseKey(INDEX, "demo", "1.0"), status, error="nope")
        cache.put(rel)
        assert cache.get(rel.key) is None


def test_cached_release_is_not_restored_as_fresh(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    monkeypatch.setattr(cache_module, "_now", clock)
    with ReleaseCache.open(path) as cache:
        cache.put(release())
        clock.now += 7200
        got = cache.get(release().key)
        assert got is not None
        cache.put(got[0])  # putting back what was read must not reset its age
        assert cache.get(release().key) == (got[0], 7200.0)


def test_age_and_refresh(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    monkeypatch.setattr(cache_module, "_now", clock)
    rel = release()
    with ReleaseCache.open(path) as cache:
        cache.put(rel)
        assert cache.get(rel.key) == (cached(rel), 0.0)
        clock.now += 3601.5
        assert cache.get(rel.key) == (cached(rel), 3601.5)
        unyanked = rel._replace(yanked=False, yanked_reason=None)
        cache.put(unyanked)  # a fresh fetch replaces the entry and its date
        assert cache.get(rel.key) == (cached(unyanked), 0.0)
        clock.now -= 100  # a clock set back never gives a negative age
        assert cache.get(rel.key) == (cached(unyanked), 0.0)


def _write_truncated_db(path: Path) -> None:
    with ReleaseCache.open(path) as cache:
        for i in range(300):
            cache.put(release(version=f"1.{i}"))
    size = path.stat().st_size
    with path.open("r+b") as f:
        f.truncate(size // 2)


def _write_damaged_page(path: Path) -> None:
    # Header and schema intact: the damage shows only when a query reads that page.
    with ReleaseCache.open(path) as cache:
        for i in range(300):
            cache.put(release(version=f"1.{i}"))
    with path.open("r+b") as f:
        f.seek(4096 * 10)
        f.write(random.Random(1).randbytes(4096 * 3))


CORRUPTIONS = {
    "random-bytes": lambda p: p.write_bytes(random.Random(0).randbytes(10_000)),
    "text": lambda p: p.write_text("this is not a database\n" * 50),
    "sqlite-header-only": lambda p: p.write_bytes(b"SQLite format 3\x00" + b"\xff" * 84),
    "truncated": _write_truncated_db,
    "damaged-page": _write_damaged_page,
}


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_corrupt_file_is_rebuilt(path: Path, kind: str) -> None:
    path.parent.mkdir(parents=True)
    CORRUPTIONS[kind](path)
    with ReleaseCache.open(path) as cache:
        # Whatever survived may be served; nothing may raise.
        for i in range(300):
            got = cache.get(release(version=f"1.{i}").key)
            assert got is None or got[0] == cached(release(version=f"1.{i}"))
        cache.put(release("fresh"))
        assert cache.get(release("fresh").key) is not None
        assert cache.problem is None, cache.problem
    with ReleaseCache.open(path) as cache:
        assert cache.get(release("fresh").key) is not None
        assert cache.problem is None, cache.problem


def test_empty_file_becomes_a_cache(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.touch()
    with ReleaseCache.open(path) as cache:
        cache.put(release())
        assert cache.get(release().key) is not None


@pytest.mark.parametrize(
    "schema",
    [
        # An older version of this cache.
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
        "INSERT INTO meta VALUES ('schema_version', '0');"
        "CREATE TABLE releases (k TEXT PRIMARY KEY, blob BLOB);",
        # A newer or unknown one.
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
        "INSERT INTO meta VALUES ('schema_version', '99');",
        # Some other program's database.
        "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hello');",
    ],
    ids=["old", "unknown", "foreign"],
)
def test_other_schema_is_rebuilt(path: Path, schema: str) -> None:
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as conn:
        conn.executescript(schema)
    conn.close()
    with ReleaseCache.open(path) as cache:
        assert cache.problem is None, cache.problem
        cache.put(release())
        assert cache.get(release().key) is not None
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM meta").fetchall() == [("1",)]
    conn.close()


def test_damaged_entry_is_a_miss(path: Path) -> None:
    with ReleaseCache.open(path) as cache:
        for i, data in enumerate(['{"files": 3}', "not json", "[]", '{"files": [{"a": 1}]}']):
            cache.put(release(version=str(i)))
            with sqlite3.connect(path) as conn:
                conn.execute("UPDATE releases SET data = ? WHERE version = ?", (data, str(i)))
            conn.close()
            assert cache.get(release(version=str(i)).key) is None
        cache.put(release(version="0"))  # and a fresh put repairs it
        assert cache.get(release(version="0").key) is not None
        assert cache.problem is None


def test_directory_cannot_be_created(tmp_path: Path) -> None:
    # A file where the directory should be: fails even for root, unlike permissions.
    (tmp_path / "blocker").write_text("")
    with ReleaseCache.open(tmp_path / "blocker" / "sub" / FILENAME) as cache:
        assert cache.problem is not None
        assert cache.problem
        cache.put(release())
        assert cache.get(release().key) is None


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root ignores permissions")
@pytest.mark.parametrize("existing", [False, True], ids=["new", "existing"])
def test_read_only_directory(tmp_path: Path, existing: bool) -> None:
    directory = tmp_path / "ro"
    directory.mkdir()
    path = directory / FILENAME
    if existing:
        with ReleaseCache.open(path) as cache:
            cache.put(release("old"))
    directory.chmod(0o555)
    if existing:
        path.chmod(0o444)
    try:
        with ReleaseCache.open(path) as cache:
            assert cache.problem is not None
            assert cache.problem
            cache.put(release())
            assert cache.get(release().key) is None
            assert cache.get(release("old").key) is None
    finally:
        directory.chmod(0o755)


def test_locked_for_too_long_degrades(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "BUSY_TIMEOUT", 0.2)
    with ReleaseCache.open(path) as cache:
        cache.put(release("before"))
        blocker = sqlite3.connect(path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # another process holding the write lock
        try:
            start = time.monotonic()
            cache.put(release())
            assert time.monotonic() - start < 5
            assert cache.problem is not None
            assert "locked" in (cache.problem or "")
            assert cache.get(release("before").key) is None
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()


def test_threads_share_one_cache(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    errors: list[BaseException] = []

    monkeypatch.setattr(cache_module, "_now", Clock())
    with ReleaseCache.open(path) as cache:

        def work(n: int) -> None:
            try:
                for i in range(50):
                    rel = release(f"t{n}", f"{i}")
                    cache.put(rel)
                    assert cache.get(rel.key) == (cached(rel), 0.0)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        assert cache.problem is None, cache.problem


def worker(path: str, ident: str, count: int, go: str) -> None:
    """One of the concurrent processes (run by test_processes_share_one_file)."""
    while not os.path.exists(go):
        time.sleep(0.001)
    with ReleaseCache.open(Path(path)) as cache:
        for i in range(count):
            rel = release(f"w{ident}", f"{i}")
            cache.put(rel)
            got = cache.get(rel.key)
            assert got is not None and got[0] == cached(rel), (i, cache.problem)
            cache.put(release("shared", "1"))  # every process rewrites one row too
            other = release(f"w{(int(ident) + 1) % 4}", f"{i}")
            peer = cache.get(other.key)  # another process may or may not have written it yet
            assert peer is None or peer[0] == cached(other)
        assert cache.problem is None, cache.problem


def test_processes_share_one_file(path: Path, tmp_path: Path) -> None:
    count = 300
    go = tmp_path / "go"
    pythonpath = [str(Path(__file__).parent), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(pythonpath)}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys, test_index_cache as t; t.worker(*sys.argv[1:3], int(sys.argv[3]), sys.argv[4])",
                str(path),
                str(n),
                str(count),
                str(go),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for n in range(4)
    ]
    # Let every process import first, so they start on the (not yet created) file together.
    time.sleep(0.5)
    go.touch()
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0, out
    with ReleaseCache.open(path) as cache:
        for n in range(4):
            for i in range(count):
                rel = release(f"w{n}", f"{i}")
                got = cache.get(rel.key)
                assert got is not None and got[0] == cached(rel)
        assert cache.get(release("shared", "1").key) is not None


def test_env_var_sets_the_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCKCHECK_CACHE_DIR", str(tmp_path / "mine"))
    assert default_path() == tmp_path / "mine" / FILENAME
    with ReleaseCache.open() as cache:
        assert cache.path == tmp_path / "mine" / FILENAME
        cache.put(release())
    assert (tmp_path / "mine" / FILENAME).is_file()


def test_user_cache_dir_per_platform(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    home = Path.home()
    assert _user_cache_dir("linux", {}) == home / ".cache"
    assert _user_cache_dir("linux", {"XDG_CACHE_HOME": "/xdg"}) == Path("/xdg")
    assert _user_cache_dir("linux", {"XDG_CACHE_HOME": "relative"}) == home / ".cache"
    assert _user_cache_dir("darwin", {"XDG_CACHE_HOME": "/xdg"}) == home / "Library" / "Caches"
    assert _user_cache_dir("win32", {"LOCALAPPDATA": r"C:\Users\u\AppData\Local"}) == Path(
        r"C:\Users\u\AppData\Local"
    )
    assert _user_cache_dir("win32", {}) == home / "AppData" / "Local"
    monkeypatch.delenv("LOCKCHECK_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert default_path() == tmp_path / "xdg" / "lockcheck" / FILENAME


def test_a_cache_that_cannot_be_used_is_said_on_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import run_cli
    from fake_index import FakeIndex, local_server

    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
    with local_server() as server:
        _cache_warning_case(FakeIndex(server, mode="json"), tmp_path, monkeypatch, run_cli)


def _cache_warning_case(
    index: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Any
) -> None:
    wheel = index.add_file("demo", "1.0", "demo-1.0-py3-none-any.whl")
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache directory should be")
    monkeypatch.setenv("LOCKCHECK_CACHE_DIR", str(blocker))
    lock = tmp_path / "requirements.txt"
    lock.write_text(f"demo==1.0 --hash=sha256:{wheel.digests['sha256']}\n")
    result = run_cli("check", "--verify", "--no-progress", "--index-url", index.url, str(lock))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "lockcheck: warning: the cache was not used:" in result.stderr
    # With a usable cache there is nothing to say.
    monkeypatch.setenv("LOCKCHECK_CACHE_DIR", str(tmp_path / "cache"))
    result = run_cli("check", "--verify", "--no-progress", "--index-url", index.url, str(lock))
    assert result.exit_code == 0 and "cache was not used" not in result.stderr


def test_metadata_absence_is_dated_and_kept_apart(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lockcheck.index.cache_first import MAX_CACHE_AGE, _read_metadata

    clock = Clock()
    monkeypatch.setattr(cache_module, "_now", clock)
    key, other = ReleaseKey(INDEX, "demo", "1.0"), ReleaseKey(INDEX, "demo", "2.0")
    with ReleaseCache.open(path) as cache:
        cache.put_metadata_absence(key, "the index publishes no core metadata")
        cache.put_metadata(other, ("idna>=3",))
        assert cache.get_metadata(key) is None  # an absence is never read as "requires nothing"
        assert cache.get_metadata_absence(other) is None
        assert cache.get_metadata_absence(key) == ("the index publishes no core metadata", 0.0)
        read = _read_metadata(cache, [key, other])
        assert (
            read[key].requires is None and read[key].error == "the index publishes no core metadata"
        )
        assert read[other].requires == ("idna>=3",)
        clock.now += MAX_CACHE_AGE + 1  # the index may have added it since: ask again
        assert key not in _read_metadata(cache, [key, other])
        assert other in _read_metadata(cache, [key, other])  # published metadata never changes
        clock.now -= 2 * MAX_CACHE_AGE + 2 * cache_module.CLOCK_SKEW  # dated in the future
        assert cache.get_metadata_absence(key) is None
