"""Each rule on small requirements files: it fires on its case and stays quiet on the fix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from lockcheck.config import Settings
from lockcheck.discover import Target
from lockcheck.engine import run
from lockcheck.findings import Finding
from lockcheck.model import LockFormat

H1 = "sha256:" + "a" * 64
H2 = "sha256:" + "b" * 64


def check(path: Path, settings: Settings | None = None) -> list[Finding]:
    report = run([Target(str(path), LockFormat.REQUIREMENTS)], lambda _p: settings or Settings())
    assert not report.errors, report.errors
    return list(report.findings)


def codes(findings: list[Finding]) -> list[str]:
    return sorted(f.code for f in findings)


Writer = Callable[..., Path]


def test_clean_lock_has_no_findings(write: Writer) -> None:
    path = write(
        "requirements.txt",
        f"--index-url https://index.example.test/simple\n"
        f"requests==2.32.3 \\\n    --hash={H1} \\\n    --hash={H2}\n"
        f"    # via -r requirements.in\n"
        f"colorama==0.4.6 ; sys_platform == 'win32' --hash={H1}\n",
    )
    assert check(path) == []


@pytest.mark.parametrize(
    ("line", "fires"),
    [
        ("requests>=2.31", True),
        ("requests", True),
        ("requests==2.*", True),
        ("requests~=2.32", True),
        ("requests>=2.32,<=2.32", True),
        ("requests==2.32.3", False),
        ("requests===2.32.3", False),
    ],
)
def test_lc001_unpinned(write: Writer, line: str, fires: bool) -> None:
    findings = check(write("requirements.txt", f"{line} --hash={H1}\n"))
    assert ("LC001" in codes(findings)) is fires
    if fires:
        lc001 = next(f for f in findings if f.code == "LC001")
        assert lc001.location.line == 1
        assert lc001.package == "requests"


def test_lc002_missing_hash_points_at_the_entry(write: Writer) -> None:
    path = write("requirements.txt", f"a==1.0 --hash={H1}\n\nb==2.0\n")
    findings = check(path)
    assert codes(findings) == ["LC002"]
    assert findings[0].location.line == 3
    assert (findings[0].package, findings[0].version) == ("b", "2.0")


def test_lc002_url_requirement_needs_a_hash(write: Writer) -> None:
    url = "https://files.example.test/pkgs/foo-1.0-py3-none-any.whl"
    assert codes(check(write("requirements.txt", f"foo @ {url}\n"))) == ["LC002"]
    assert check(write("r2.txt", f"foo @ {url}#sha256={'c' * 64}\n")) == []
    assert check(write("r3.txt", f"foo @ {url} --hash={H1}\n")) == []


def test_lc002_silent_for_unpinned_entries(write: Writer) -> None:
    # An unpinned entry is LC001; adding a hash would not make it safe, so no LC002.
    assert codes(check(write("requirements.txt", "foo>=1\n"))) == ["LC001"]


@pytest.mark.parametrize("algorithm", ["md5", "sha1", "sha224"])
def test_lc003_weak_algorithm(write: Writer, algorithm: str) -> None:
    length = {"md5": 32, "sha1": 40, "sha224": 56}[algorithm]
    path = write("requirements.txt", f"foo==1.0 --hash={algorithm}:{'0' * length}\n")
    assert codes(check(path)) == ["LC003"]


def test_lc003_weak_url_fragment(write: Writer) -> None:
    url = "https://files.example.test/foo-1.0.tar.gz#md5=" + "0" * 32
    assert codes(check(write("requirements.txt", f"foo @ {url}\n"))) == ["LC003"]


@pytest.mark.parametrize(
    "hash_text",
    [
        "sha256:" + "a" * 63,  # one digit lost
        "sha256:" + "g" * 64,  # not hex
        "sha256:" + "A" * 64,  # pip compares lower-case hex
        "sha999:" + "a" * 64,  # no such algorithm
        "a" * 64,  # no algorithm at all
        "SHA256:" + "a" * 64,
    ],
)
def test_lc004_malformed(write: Writer, hash_text: str) -> None:
    assert "LC004" in codes(check(write("requirements.txt", f"foo==1.0 --hash={hash_text}\n")))


def test_lc004_each_bad_hash_reported(write: Writer) -> None:
    path = write("requirements.txt", f"foo==1.0 --hash=sha256:abc --hash={H1} --hash=sha256:xyz\n")
    assert codes(check(path)) == ["LC004", "LC004"]


def test_lc005_conflict_across_include(write: Writer) -> None:
    write("base.txt", f"urllib3==2.2.3 --hash={H1}\n")
    path = write("requirements.txt", f"-r base.txt\nurllib3==1.26.20 --hash={H2}\n")
    findings = check(path)
    assert codes(findings) == ["LC005"]
    assert findings[0].location == findings[0].location.__class__(str(path), 2)
    assert "base.txt:1" in findings[0].message


def test_lc005_disjoint_markers_are_fine(write: Writer) -> None:
    path = write(
        "requirements.txt",
        f"tomli==2.0.1 ; python_version < '3.11' --hash={H1}\n"
        f"tomli==2.2.1 ; python_version >= '3.11' --hash={H2}\n",
    )
    assert check(path) == []


def test_lc005_overlapping_markers_conflict(write: Writer) -> None:
    path = write(
        "requirements.txt",
        f"tomli==2.0.1 ; python_version < '3.12' --hash={H1}\n"
        f"tomli==2.2.1 ; sys_platform == 'linux' --hash={H2}\n",
    )
    findings = check(path)
    assert codes(findings) == ["LC005"]
    assert "linux" in findings[0].message


def test_lc005_identical_duplicate_is_not_a_conflict(write: Writer) -> None:
    path = write("requirements.txt", f"six==1.16.0 --hash={H1}\nsix==1.16.0 --hash={H1}\n")
    assert check(path) == []


def test_lc006_editable(write: Writer) -> None:
    write("proj/pyproject.toml", "[project]\nname='p'\nversion='1'\n")
    findings = check(write("requirements.txt", f"-e ./proj\nfoo==1.0 --hash={H1}\n"))
    assert codes(findings) == ["LC006"]
    vcs = check(write("r2.txt", "-e git+https://git.example.test/o/r.git@" + "a" * 40 + "#egg=r\n"))
    # An editable VCS checkout is one problem for LC006, not LC007 as well.
    assert codes(vcs) == ["LC006"]


def test_lc007_directory_and_vcs(write: Writer) -> None:
    write("vendor/thing/pyproject.toml", "[project]\nname='thing'\nversion='1'\n")
    sha = "4f1c3bd0f4b2a2e6c7a5d90b8f26fcd1e6a8a3b7"
    findings = check(
        write(
            "requirements.txt",
            f"./vendor/thing\nmylib @ git+https://git.example.test/org/mylib@{sha}\n",
        )
    )
    assert codes(findings) == ["LC007", "LC007"]


def test_lc007_local_archive_is_hashable(write: Writer) -> None:
    write("dist/foo-1.0-py3-none-any.whl", b"PK")
    assert codes(check(write("requirements.txt", "./dist/foo-1.0-py3-none-any.whl\n"))) == ["LC002"]
    assert check(write("r2.txt", f"./dist/foo-1.0-py3-none-any.whl --hash={H1}\n")) == []


@pytest.mark.parametrize(
    ("ref", "fires"),
    [
        ("@main", True),
        ("@v1.2.0", True),
        ("@4f1c3bd", True),  # a short id is ambiguous and can collide
        ("", True),
        ("@4f1c3bd0f4b2a2e6c7a5d90b8f26fcd1e6a8a3b7", False),
    ],
)
def test_lc008_mutable_reference(write: Writer, ref: str, fires: bool) -> None:
    line = f"mylib @ git+https://git.example.test/org/mylib.git{ref}\n"
    assert ("LC008" in codes(check(write("requirements.txt", line)))) is fires


def test_lc008_user_in_host_is_not_a_reference(write: Writer) -> None:
    findings = check(write("requirements.txt", "mylib @ git+ssh://git@git.example.test/o/mylib\n"))
    lc008 = [f for f in findings if f.code == "LC008"]
    assert len(lc008) == 1
    assert "no revision" in lc008[0].message


@pytest.mark.parametrize(
    ("line", "fires"),
    [
        ("--index-url http://index.example.test/simple", True),
        ("--extra-index-url http://index.example.test/simple", True),
        ("--find-links http://files.example.test/", True),
        ("--index-url https://index.example.test/simple", False),
        ("--index-url http://127.0.0.1:8080/simple", False),
        ("--index-url http://localhost/simple", False),
        ("--index-url http://[::1]:3141/simple", False),
        ("--find-links ./wheelhouse", False),
        ("foo @ http://files.example.test/foo-1.0.tar.gz#sha256=" + "a" * 64, True),
        ("foo @ git+git://git.example.test/foo@" + "a" * 40, True),
        ("foo @ git+http://git.example.test/foo@" + "a" * 40, True),
    ],
)
def test_lc101_insecure_transport(write: Writer, line: str, fires: bool) -> None:
    assert ("LC101" in codes(check(write("requirements.txt", line + "\n")))) is fires


def test_lc102_extra_index(write: Writer) -> None:
    path = write(
        "requirements.txt",
        "--index-url https://a.example.test/simple\n"
        "--extra-index-url https://b.example.test/simple\n",
    )
    findings = check(path)
    assert codes(findings) == ["LC102"]
    assert findings[0].location.line == 2


def test_lc103_trusted_host(write: Writer) -> None:
    assert codes(check(write("requirements.txt", "--trusted-host index.example.test\n"))) == [
        "LC103"
    ]
    assert check(write("r2.txt", "--trusted-host 127.0.0.1:8080\n")) == []


@pytest.mark.parametrize(
    ("url", "fires"),
    [
        ("https://user:s3cret@index.example.test/simple", True),
        ("https://ghp_abcdef123456@index.example.test/simple", True),
        ("https://${PIP_USER}:${PIP_PASSWORD}@index.example.test/simple", False),
        ("https://__token__:${TOKEN}@index.example.test/simple", False),
        ("https://index.example.test/simple", False),
    ],
)
def test_lc104_credentials(write: Writer, url: str, fires: bool) -> None:
    findings = check(write("requirements.txt", f"--index-url {url}\n"))
    assert ("LC104" in codes(findings)) is fires
    for finding in findings:
        assert "s3cret" not in finding.message
        assert "ghp_abcdef123456" not in finding.message


def test_lc104_ssh_user_is_not_a_secret(write: Writer) -> None:
    line = "foo @ git+ssh://git@git.example.test/org/foo@" + "a" * 40 + "\n"
    assert "LC104" not in codes(check(write("requirements.txt", line)))


def test_lc105_only_with_allowed_hosts(write: Writer) -> None:
    text = (
        "--index-url https://pypi.internal.example/simple\n"
        "--extra-index-url https://mirror.elsewhere.example/simple\n"
        f"foo @ https://files.internal.example/foo-1.0.tar.gz --hash={H1}\n"
    )
    path = write("requirements.txt", text)
    assert "LC105" not in codes(check(path))
    allowed = Settings(allowed_hosts=("pypi.internal.example", "*.internal.example"))
    lc105 = [f for f in check(path, allowed) if f.code == "LC105"]
    assert [f.location.line for f in lc105] == [2]
    assert "mirror.elsewhere.example" in lc105[0].message


def test_findings_in_included_file_point_at_it(write: Writer) -> None:
    base = write("requirements/base.txt", "six==1.16.0\n")
    path = write("requirements/dev.txt", f"-r base.txt\npytest==8.3.3 --hash={H1}\n")
    findings = check(path)
    assert [(f.code, f.location.path, f.location.line) for f in findings] == [
        ("LC002", str(base), 1)
    ]
