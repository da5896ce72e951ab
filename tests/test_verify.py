"""`lockcheck check --verify` end to end, against a PyPI-shaped index on 127.0.0.1.

The index serves the files the real fixtures lock (filenames, digests, sizes and upload
times from their uv.lock and poetry.lock), so clean locks must verify with no finding,
and every fault of the index must end in a finding or exit 3, never in exit 0.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from conftest import FIXTURES, Result, run_cli
from fake_index import FakeIndex, RawServer, closed_port_url, fake_digest, locked_files
from lockcheck.parsers import detect_format
from support_index_env import isolated_index_env, quick_backoff, run_verify, verify_timeout  # noqa: F401 (fixtures)

PROJECTS = FIXTURES / "projects"
Writer = Callable[..., Path]


pytestmark = pytest.mark.usefixtures("isolated_index_env", "verify_timeout", "quick_backoff")


def publish_project(index: FakeIndex, project: str) -> None:
    """Publish every file any uv.lock, poetry.lock or pylock.toml of the project names."""
    published: set[tuple[str, str]] = set()
    for path in sorted((PROJECTS / project).rglob("*")):
        fmt = detect_format(str(path))
        if fmt is None or fmt.value == "requirements" or "-src" in str(path):
            continue
        for package, artifact in locked_files(path):
            if (package.name, artifact.filename) not in published:
                published.add((package.name, artifact.filename))
                index.add_locked(package, artifact)


def verify(*paths: Path | str, index: FakeIndex | str, extra: tuple[str, ...] = ()) -> Result:
    url = index if isinstance(index, str) else index.url
    return run_verify("--index-url", url, *extra, *map(str, paths))


def lockfiles(project: str) -> list[Path]:
    return sorted(
        p
        for p in (PROJECTS / project).rglob("*")
        if detect_format(str(p)) is not None and "-src" not in str(p)
    )


@pytest.mark.parametrize(
    "project",
    [
        "small-app",
        "data-tool",
        "private-index",
        "workspace",
        "git-dep",
        "poetry-legacy",
        "stale",
        "big",
    ],
)
def test_every_fixture_verifies_clean(server: HTTPServer, project: str) -> None:
    index = FakeIndex(server, mode="json")
    publish_project(index, project)
    paths = lockfiles(project)
    if project == "big":
        # big/requirements.txt was resolved by pip-compile on another day than big/uv.lock
        # (47 pins differ) and big has no poetry.lock listing those releases' files.
        paths.remove(PROJECTS / "big" / "requirements.txt")
    result = verify(*paths, index=index)
    assert result.json["errors"] == []
    assert result.json["findings"] == []
    assert result.exit_code == 0
    summary = result.json["summary"]
    assert summary["unverified"] == 0
    assert summary["verified"] > 0


def test_summary_counts_every_checked_package(server: HTTPServer) -> None:
    index = FakeIndex(server)
    publish_project(index, "small-app")
    result = verify(PROJECTS / "small-app" / "uv.lock", index=index)
    # 8 packages: the project itself is not looked up.
    assert result.json["summary"]["verified"] == 7


def copy_project(tmp_path: Path, project: str = "small-app") -> Path:
    target = tmp_path / project
    shutil.copytree(PROJECTS / project, target)
    return target


def flip(digest: str) -> str:
    return ("0" if digest[0] != "0" else "1") + digest[1:]


def test_flipped_wheel_hash_with_right_sdist_hash_is_lc301(
    server: HTTPServer, tmp_path: Path
) -> None:
    """pip would install this lock: it falls back to the sdist, whose hash matches."""
    index = FakeIndex(server)
    publish_project(index, "small-app")
    project = copy_project(tmp_path)
    lock = project / "uv.lock"
    text = lock.read_text()
    wheel_line = next(line for line in text.splitlines() if "idna-" in line and ".whl" in line)
    digest = wheel_line.split('hash = "sha256:')[1][:64]
    lock.write_text(text.replace(digest, flip(digest)))
    result = verify(lock, index=index)
    assert result.exit_code == 1
    (finding,) = result.json["findings"]
    assert finding["code"] == "LC301"
    assert finding["package"] == "idna"
    assert finding["line"] == text.splitlines().index(wheel_line) + 1
    assert "idna-3.20-py3-none-any.whl" in finding["message"]
    assert "idna-3.20.tar.gz" in finding["message"]  # the files the index has


def test_flipped_hash_in_requirements_file_is_lc301(server: HTTPServer, tmp_path: Path) -> None:
    index = FakeIndex(server)
    publish_project(index, "small-app")
    project = copy_project(tmp_path)
    lock = project / "requirements.txt"
    text = lock.read_text()
    digest = text.split("--hash=sha256:")[3][:64]
    lock.write_text(text.replace(digest, flip(digest)))
    result = verify(lock, index=index)
    assert [f["code"] for f in result.json["findings"]] == ["LC301"]


def test_hash_of_another_file_and_wrong_size_are_lc305(server: HTTPServer, tmp_path: Path) -> None:
    index = FakeIndex(server)
    publish_project(index, "small-app")
    project = copy_project(tmp_path)
    lock = project / "uv.lock"
    text = lock.read_text()
    block = text[
        text.index('name = "certifi"') : text.index("[[package]]", text.index('name = "certifi"'))
    ]
    sdist_hash = block.split('hash = "')[1].split('"')[0]
    wheel_hash = block.split('hash = "')[2].split('"')[0]
    swapped = (
        block.replace(wheel_hash, "WHEEL")
        .replace(sdist_hash, wheel_hash)
        .replace("WHEEL", sdist_hash)
    )
    lock.write_text(text.replace(block, swapped))
    result = verify(lock, index=index)
    codes = sorted(f["code"] for f in result.json["findings"])
    assert codes == ["LC305", "LC305"]
    assert all(f["package"] == "certifi" for f in result.json["findings"])


def test_yanked_release_is_lc304_with_reason(server: HTTPServer) -> None:
    index = FakeIndex(server)
    publish_project(index, "small-app")
    index.yank("idna", "3.20", "broken wheel metadata")
    result = verify(PROJECTS / "small-app" / "uv.lock", index=index)
    (finding,) = result.json["findings"]
    assert (finding["code"], finding["severity"]) == ("LC304", "warning")
    assert "broken wheel metadata" in finding["message"]
    assert result.exit_code == 0  # a warning does not fail the default --fail-on error


@pytest.mark.parametrize(
    "mode", ["json", "mirror", "project-json-only", "simple-json", "simple-html"]
)
def test_missing_version_and_project(server: HTTPServer, mode: str, write: Writer) -> None:
    index = FakeIndex(server, mode=mode)
    index.add_file("six", "1.16.0", "six-1.16.0-py2.py3-none-any.whl")
    lock = write(
        "requirements.txt",
        f"six==1.17.0 --hash=sha256:{'a' * 64}\nnosuchproject==1.0 --hash=sha256:"
        f"{'b' * 64}\nsix==1.16.0 --hash=sha256:"
        f"{fake_digest('six-1.16.0-py2.py3-none-any.whl')}\n",
    )
    result = verify(lock, index=index)
    got = sorted((f["code"], f["line"]) for f in result.json["findings"])
    # six 1.17.0 and 1.16.0 on lines 1 and 3 also "conflict", but LC005 is not selected.
    assert got == [("LC302", 1), ("LC303", 2)]


FAULTS = ["500", "429", "timeout", "truncated", "html", "refused", "reset"]


@pytest.mark.parametrize("fault", FAULTS)
def test_index_faults_never_exit_0(
    server: HTTPServer, fault: str, write: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = FakeIndex(server)
    index.add_file("six", "1.16.0", "six-1.16.0-py2.py3-none-any.whl")
    digest = fake_digest("six-1.16.0-py2.py3-none-any.whl")
    lock = write("requirements.txt", f"six==1.16.0 --hash=sha256:{digest}\n")
    url: str = index.url
    raw = None
    if fault == "500":
        index.fail("*", 500)
    elif fault == "429":
        index.fail("*", 429, headers={"Retry-After": "0"})
    elif fault == "timeout":
        monkeypatch.setenv("LOCKCHECK_TIMEOUT", "0.3")
        index.delay("*", 2.0)
    elif fault == "truncated":
        index.respond_raw("*", b'{"info": {"name": "six"', content_type="application/json")
    elif fault == "html":
        index.respond_raw("*", b"<html>maintenance</html>", content_type="text/html")
    elif fault == "refused":
        url = closed_port_url()
    elif fault == "reset":
        raw = RawServer("reset").__enter__()
        url = raw.url
    try:
        result = verify(lock, index=url)
    finally:
        if raw is not None:
            raw.__exit__(None, None, None)
    assert result.exit_code == 3, result.stdout
    (finding,) = result.json["findings"]
    assert finding["code"] == "LC306"
    assert result.json["summary"] == {
        "files": 1,
        "packages": 1,
        "findings": 1,
        "verified": 0,
        "unverified": 1,
    }


def test_429_with_retry_after_then_success(server: HTTPServer, write: Writer) -> None:
    index = FakeIndex(server)
    index.add_file("six", "1.16.0", "six-1.16.0-py2.py3-none-any.whl")
    digest = fake_digest("six-1.16.0-py2.py3-none-any.whl")
    index.fail("*", 429, times=1, headers={"Retry-After": "1"})
    lock = write("requirements.txt", f"six==1.16.0 --hash=sha256:{digest}\n")
    result = verify(lock, index=index)
    assert result.exit_code == 0
    assert result.json["summary"]["verified"] == 1


def test_unverified_does_not_hide_a_real_failure(server: HTTPServer, write: Writer) -> None:
    """Exit 1 (a finding) wins over exit 3 (incomplete)."""
    index = FakeIndex(server)
    index.add_file("six", "1.16.0", "six-1.16.0-py2.py3-none-any.whl")
    index.fail("idna", 503)
    lock = write(
        "requirements.txt",
        f"six==1.16.0 --hash=sha256:{'c' * 64}\nidna==3.10 --hash=sha256:{'d' * 64}\n",
    )
    result = verify(lock, index=index)
    assert sorted(f["code"] for f in result.json["findings"]) == ["LC301", "LC306"]
    assert result.exit_code == 1


def test_warm_run_makes_no_requests(server: HTTPServer) -> None:
    index = FakeIndex(server)
    publish_project(index, "small-app")
    lock = PROJECTS / "small-app" / "uv.lock"
    assert verify(lock, index=index).exit_code == 0
    cold = len(index.requests)
    assert cold >= 7
    index.reset_log()
    assert verify(lock, index=index).exit_code == 0
    assert index.requests == []
    assert verify(lock, index=index, extra=("--no-cache",)).exit_code == 0
    assert len(index.requests) == cold


@pytest.mark.parametrize("mode", ["json", "mirror", "project-json-only", "simple-html"])
def test_warm_run_of_a_requirements_file_makes_no_requests(server: HTTPServer, mode: str) -> None:
    # LC203 asks each release's core metadata too. Where the index publishes none (all
    # but the JSON API's per-version pages here), that answer is cached like a release,
    # so a warm run asks nothing; the notes say the same as the cold run's.
    index = FakeIndex(server, mode)
    publish_project(index, "small-app")
    lock = PROJECTS / "small-app" / "requirements.txt"
    cold = run_verify("--index-url", index.url, str(lock), select="LC203,LC3")
    assert "/simple/click/" in index.paths() or "/pypi/click/8.4.2/json" in index.paths()
    index.reset_log()
    warm = run_verify("--index-url", index.url, str(lock), select="LC203,LC3")
    assert index.paths() == []
    assert warm.exit_code == cold.exit_code
    assert warm.json["notes"] == cold.json["notes"]


def test_corrupt_cache_is_rebuilt(server: HTTPServer, tmp_path: Path) -> None:
    index = FakeIndex(server)
    publish_project(index, "small-app")
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "index-v1.sqlite3").write_bytes(os.urandom(4096))
    lock = PROJECTS / "small-app" / "uv.lock"
    assert verify(lock, index=index).exit_code == 0
    index.reset_log()
    assert verify(lock, index=index).exit_code == 0
    assert index.requests == []  # the rebuilt cache serves the second run


def test_mismatch_from_cache_is_rechecked_fresh(server: HTTPServer, tmp_path: Path) -> None:
    """A cached answer that disagrees with the lock is asked again before it is reported."""
    index = FakeIndex(server)
    publish_project(index, "small-app")
    lock = PROJECTS / "small-app" / "uv.lock"
    good = dict(index.projects["idna"])
    index.projects["idna"]["3.20"] = [
        type(f)(f.filename, {"sha256": "0" * 64}, f.size, f.upload_time, f.yanked)
        for f in good["3.20"]
    ]
    first = verify(lock, index=index)
    assert {f["code"] for f in first.json["findings"]} == {"LC301"}  # wrong index, fresh
    index.projects["idna"] = good  # the index is right again; the cache still says wrong
    second = verify(lock, index=index)
    assert second.json["findings"] == []
    assert second.exit_code == 0


def test_two_processes_share_the_cache(server: HTTPServer, tmp_path: Path) -> None:
    index = FakeIndex(server)
    publish_project(index, "data-tool")
    env = {**os.environ, "LOCKCHECK_CACHE_DIR": str(tmp_path / "shared-cache")}
    command = [
        sys.executable,
        "-m",
        "lockcheck",
        "check",
        "--verify",
        "--select",
        "LC3",
        "--index-url",
        index.url,
        str(PROJECTS / "data-tool"),
    ]
    processes = [
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, out + err
        assert "Traceback" not in err


def test_credentials_go_to_their_host_and_are_never_printed(
    server: HTTPServer, write: Writer
) -> None:
    index = FakeIndex(server)
    index.add_file("six", "1.16.0", "six-1.16.0-py2.py3-none-any.whl")
    digest = fake_digest("six-1.16.0-py2.py3-none-any.whl")
    lock = write("requirements.txt", f"six==1.16.0 --hash=sha256:{digest}\n")
    with_secret = index.url.replace("http://", "http://ci:s3cr3t-token@")
    result = verify(lock, index=with_secret)
    assert result.exit_code == 0
    assert "s3cr3t-token" not in result.stdout + result.stderr
    auth = [r.headers.get("authorization") for r in index.requests]
    assert auth and all(a and a.startswith("Basic ") for a in auth)
    index.fail("*", 503)
    failed = verify(lock, index=with_secret, extra=("--no-cache",))
    assert failed.exit_code == 3
    assert "s3cr3t-token" not in failed.stdout + failed.stderr


def test_lock_recorded_index_is_used_without_index_url(server: HTTPServer, tmp_path: Path) -> None:
    index = FakeIndex(server)
    publish_project(index, "small-app")
    project = copy_project(tmp_path)
    lock = project / "uv.lock"
    text = lock.read_text().replace("https://index.test/simple", index.url)
    # The files too, where this index serves them (LC308 compares the two).
    text = re.sub(
        r"https://files\.index\.test/packages/(?:[0-9a-f]+/)+", f"{index.base}/packages/", text
    )
    lock.write_text(text)
    result = run_cli(
        "check", "--verify", "--no-progress", "--format", "json", "--select", "LC3", str(lock)
    )
    assert result.exit_code == 0, result.stdout
    assert result.json["summary"]["verified"] == 7


def test_private_name_on_public_index_lc307(
    server: HTTPServer, write: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    private = FakeIndex(server, root="/private")
    public = FakeIndex(server, root="/public")
    private.add_file("acme-billing", "1.0", "acme_billing-1.0-py3-none-any.whl")
    public.add_file("acme-billing", "0.0.1", "acme_billing-0.0.1-py3-none-any.whl")
    private.add_file("acme-ledger", "2.0", "acme_ledger-2.0-py3-none-any.whl")
    monkeypatch.setenv("LOCKCHECK_PUBLIC_INDEX_URL", public.url)
    digest = fake_digest
    write("lockcheck.toml", f'[private]\npackages = ["acme-*"]\nindex = "{private.url}"\n')
    lock = write(
        "requirements.txt",
        f"--index-url {private.url}\n"
        f"acme-billing==1.0 --hash=sha256:{digest('acme_billing-1.0-py3-none-any.whl')}\n"
        f"acme-ledger==2.0 --hash=sha256:{digest('acme_ledger-2.0-py3-none-any.whl')}\n",
    )
    result = run_cli("check", "--verify", "--no-progress", "--format", "json", str(lock))
    assert [(f["code"], f["package"]) for f in result.json["findings"]] == [
        ("LC307", "acme-billing")
    ]


def test_no_index_at_all_is_exit_2(write: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
    from lockcheck.index import resolve

    monkeypatch.setattr(resolve, "pip_default_index", lambda: None)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    lock = write("requirements.txt", f"six==1.16.0 --hash=sha256:{'a' * 64}\n")
    result = run_cli("check", "--verify", "--no-progress", str(lock))
    assert result.exit_code == 2
    assert "--index-url" in result.stderr and "PIP_INDEX_URL" in result.stderr


def test_verify_in_a_real_process_has_no_traceback(server: HTTPServer) -> None:
    index = FakeIndex(server)
    index.fail("*", 500)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "lockcheck",
            "check",
            "--verify",
            "--index-url",
            index.url,
            str(PROJECTS / "small-app" / "requirements.txt"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        # pip's retries setting, read as pip reads it: no waiting on the backoff here.
        env={**os.environ, "LOCKCHECK_TIMEOUT": "2", "PIP_RETRIES": "0"},
    )
    assert proc.returncode == 3
    assert "Traceback" not in proc.stderr
    assert "LC306" in proc.stdout


def test_warm_run_does_not_even_load_the_http_stack(server: HTTPServer, tmp_path: Path) -> None:
    index = FakeIndex(server)
    publish_project(index, "small-app")
    lock = PROJECTS / "small-app" / "uv.lock"
    command = [
        sys.executable,
        "-X",
        "importtime",
        "-m",
        "lockcheck",
        "check",
        "--verify",
        "--no-progress",
        "--index-url",
        index.url,
        str(lock),
    ]
    env = {**os.environ, "LOCKCHECK_CACHE_DIR": str(tmp_path / "warm-cache")}
    cold = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert "httpx" in cold.stderr
    warm = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert warm.returncode == cold.returncode == 0
    assert "| httpx" not in warm.stderr


def test_ignoring_lc306_never_turns_a_failure_into_a_pass(
    server: HTTPServer, write: Writer
) -> None:
    index = FakeIndex(server)
    index.fail("*", 503)
    lock = write("requirements.txt", f"six==1.16.0 --hash=sha256:{'a' * 64}\n")
    result = verify(lock, index=index, extra=("--ignore", "LC306"))
    assert result.json["findings"] == []
    assert result.json["summary"]["unverified"] == 1
    assert result.exit_code == 3
