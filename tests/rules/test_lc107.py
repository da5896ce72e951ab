"""LC107 foreign-artifact-host, offline: no false finding on any real fixture, and a wheel
moved to a look-alike of the index's files host is found, in uv.lock and pylock.toml.

The fixtures were written against the default index and rewritten to test hosts
(fixtures/README.md): ``index.test`` for the index, ``files.index.test`` for its files.
Each test runs twice: with pip's real default index (then ``index.test`` is just another
index, judged by the Public Suffix List) and with pip's default index pointed at the test
hosts, as the fixtures were written (then only its exact files host is allowed).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import FIXTURES, run_cli
from lockcheck import psl
from lockcheck.config import Settings
from lockcheck.findings import Finding
from lockcheck.index import pip_defaults
from lockcheck.parsers import detect_format, parse_lockfile
from lockcheck.rules import lc107_foreign_artifact_host as lc107
from lockcheck.rules.base import RuleContext
from support_locks import one_wheel_uv_lock

PROJECTS = FIXTURES / "projects"
TEST_INDEX, TEST_FILES = "index.test", "files.index.test"
LOCKS = sorted(
    p
    for p in PROJECTS.rglob("*")
    if p.name in ("uv.lock", "pylock.toml", "poetry.lock") and "-src" not in str(p)
)


@pytest.fixture(params=["pip's default", "test index as default"])
def default(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    pip_defaults.pip_file_hosts.cache_clear()
    if request.param == "test index as default":
        from pip._internal.models.index import PyPI

        monkeypatch.setattr(PyPI, "netloc", TEST_INDEX)
        monkeypatch.setattr(PyPI, "file_storage_domain", TEST_FILES)
        assert pip_defaults.pip_file_hosts()[TEST_INDEX] == TEST_FILES
    else:
        assert TEST_INDEX not in pip_defaults.pip_file_hosts()
    yield request.param
    pip_defaults.pip_file_hosts.cache_clear()


@pytest.fixture(autouse=True)
def _no_installer_index(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("PIP_INDEX_URL", "UV_DEFAULT_INDEX", "UV_INDEX_URL"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")


def findings(path: Path, **settings: object) -> list[Finding]:
    fmt = detect_format(str(path))
    assert fmt is not None
    lock = parse_lockfile(str(path), fmt)
    return list(lc107.check(lock, RuleContext(Settings(**settings))))  # type: ignore[arg-type]


def test_fixtures_cover_the_formats_with_artifact_urls() -> None:
    names = {p.name for p in LOCKS}
    assert names == {"uv.lock", "pylock.toml", "poetry.lock"}
    urls = sum(p.read_text().count(f"https://{TEST_FILES}/") for p in LOCKS)
    assert urls > 1000


@pytest.mark.parametrize("path", LOCKS, ids=lambda p: str(p.relative_to(PROJECTS)))
def test_no_finding_on_any_real_fixture(path: Path, default: str) -> None:
    assert findings(path) == []


def edited(tmp_path: Path, project: str, name: str, new_host: str) -> tuple[Path, int]:
    """A copy of a fixture with the first wheel URL moved to ``new_host``; and its line."""
    lines = (PROJECTS / project / name).read_text().splitlines(keepends=True)
    number = next(
        i for i, line in enumerate(lines) if f"https://{TEST_FILES}/" in line and ".whl" in line
    )
    lines[number] = lines[number].replace(f"https://{TEST_FILES}/", f"https://{new_host}/", 1)
    copy = tmp_path / name
    copy.write_text("".join(lines))
    return copy, number + 1


@pytest.mark.parametrize("name", ["uv.lock", "pylock.toml"])
@pytest.mark.parametrize("project", ["small-app", "data-tool"])
def test_wheel_moved_to_a_lookalike_domain_is_found(
    tmp_path: Path, project: str, name: str, default: str
) -> None:
    lookalike = "files.indez.test"  # one letter of the files host changed
    copy, line = edited(tmp_path, project, name, lookalike)
    (finding,) = findings(copy)
    assert finding.code == "LC107"
    assert finding.location.line == line
    assert f"host {lookalike} is neither the host of its index ({TEST_INDEX})" in finding.message
    # The user can vouch for a host the index really serves files from.
    assert findings(copy, artifact_hosts=(lookalike,)) == []


@pytest.mark.parametrize("name", ["uv.lock", "pylock.toml"])
def test_lookalike_subdomain_of_the_default_index(tmp_path: Path, name: str, default: str) -> None:
    """The default index serves files from one host only; another index may use any host
    of its registrable domain (so a sibling subdomain is not flagged there)."""
    copy, line = edited(tmp_path, "small-app", name, "filez.index.test")
    found = findings(copy)
    if default == "test index as default":
        assert [f.location.line for f in found] == [line]
    else:
        assert found == []


def uv_lock(tmp_path: Path, registry: str, artifact: str) -> Path:
    path = tmp_path / "uv.lock"
    wheel_url = f"{artifact}/demo-1.0-py3-none-any.whl"
    path.write_text(one_wheel_uv_lock("demo", "1.0", registry, wheel_url, "ab" * 32))
    return path


@pytest.mark.parametrize(
    ("registry", "artifact", "flagged"),
    [
        # Another index: its own host, or its registrable domain.
        ("https://download.example.org/whl", "https://download-r2.example.org/f", False),
        ("https://download.example.org/whl", "https://download.example.org/f", False),
        ("https://download.example.org/whl", "https://download.examp1e.org/f", True),
        ("https://user:pw@pkgs.example.org/simple", "https://cdn.example.org/f", False),
        # A public suffix is no registrable domain: two owners under co.uk differ.
        ("https://pkgs.example.co.uk/simple", "https://files.example.co.uk/f", False),
        ("https://pkgs.example.co.uk/simple", "https://example-files.co.uk/f", True),
        # Loopback indexes serve from loopback under any name.
        ("http://127.0.0.1:8080/simple", "http://localhost:8080/f", False),
        ("http://127.0.0.1:8080/simple", "http://192.0.2.1:8080/f", True),
    ],
)
def test_other_indexes_by_registrable_domain(
    tmp_path: Path, registry: str, artifact: str, flagged: bool
) -> None:
    found = findings(uv_lock(tmp_path, registry, artifact))
    assert bool(found) is flagged, found


def test_entries_without_an_index_are_judged_against_the_configured_one(
    tmp_path: Path, default: str
) -> None:
    # pdm.lock never records an index: its static URLs come from the configured one.
    path = tmp_path / "pdm.lock"
    path.write_text(
        f"""[metadata]
groups = ["default"]
strategy = ["static_urls"]
lock_version = "4.5.0"
content_hash = "sha256:{"0" * 64}"

[[package]]
name = "demo"
version = "1.0"
groups = ["default"]
files = [
    {{url = "https://files.indez.test/demo-1.0-py3-none-any.whl", hash = "sha256:{"ab" * 32}"}},
]
"""
    )
    assert [f.code for f in findings(path, index_url=f"https://{TEST_INDEX}/simple")] == ["LC107"]
    assert findings(path, index_url="https://files.indez.test/simple") == []


def test_pylock_entry_without_an_index_is_not_judged(tmp_path: Path, default: str) -> None:
    # What `pip lock --find-links` writes: no `index`, the file comes from its URL.
    path = tmp_path / "pylock.toml"
    path.write_text(
        f"""lock-version = "1.0"
created-by = "hand"

[[packages]]
name = "demo"
version = "1.0"
wheels = [{{ url = "https://files.indez.test/demo-1.0-py3-none-any.whl", hashes = {{ sha256 = "{"ab" * 32}" }} }}]
"""
    )
    assert findings(path, index_url=f"https://{TEST_INDEX}/simple") == []


def test_cli_reports_it_and_artifact_hosts_config_waives_it(tmp_path: Path) -> None:
    copy, line = edited(tmp_path, "small-app", "uv.lock", "files.indez.test")
    result = run_cli("check", "--select", "LC107", "--format", "json", str(copy))
    assert result.exit_code == 1
    assert [(f["code"], f["line"]) for f in result.json["findings"]] == [("LC107", line)]
    (tmp_path / "lockcheck.toml").write_text('artifact-hosts = ["files.indez.test"]\n')
    result = run_cli("check", "--select", "LC107", "--format", "json", str(copy))
    assert result.exit_code == 0 and result.json["findings"] == []


# --- the Public Suffix List -------------------------------------------------------------

RULES = psl.parse(
    """// a comment
com
uk
co.uk
*.ck
!www.ck
github.io
公司.cn
cn
"""
)


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("pkgs.example.com", "example.com"),
        ("example.com", "example.com"),
        ("com", None),
        ("a.b.example.co.uk", "example.co.uk"),
        ("co.uk", None),
        ("x.y.ck", "x.y.ck"),  # *.ck: y.ck is a public suffix
        ("y.ck", None),
        ("a.www.ck", "www.ck"),  # !www.ck: the exception wins
        ("me.github.io", "me.github.io"),
        ("files.index.test", "index.test"),  # no rule: the last label is the suffix
        ("a.xn--55qx5d.cn", "a.公司.cn"),  # punycode hosts match Unicode rules
        ("127.0.0.1", None),
        ("", None),
    ],
)
def test_registrable_domain(host: str, domain: str | None) -> None:
    assert psl.registrable_domain(host, RULES) == domain


def test_builtin_subset_is_on_the_real_list() -> None:
    """The fallback must only hold rules of the real list (so it can miss, never invent,
    a finding); checked against the system's copy where there is one."""
    system = next((p for p in psl.SYSTEM_LISTS if p.is_file()), None)
    if system is None:
        pytest.skip("no system copy of the Public Suffix List")
    real = psl.parse(system.read_text(encoding="utf-8"))
    builtin = psl.parse("\n".join(psl.BUILTIN.split()))
    assert builtin.normal <= real.normal
    assert not builtin.exceptions


@pytest.mark.parametrize(
    "host",
    [
        "files.index.test",
        "pkgs.example.co.uk",
        "a.www.ck",
        "x.y.ck",
        "me.github.io",
        "download-r2.example.org",
        "a.xn--85x722f.xn--55qx5d.cn",
        "bucket.s3.amazonaws.com",
        "a.b.c.d.kawasaki.jp",
        "city.kawasaki.jp",
        "a.b.pages.dev",
    ],
)
def test_lookups_by_top_level_label_agree_with_the_whole_list(host: str) -> None:
    """rules_for parses only the rules under the host's last label; it must agree."""
    assert psl.registrable_domain(host) == psl.registrable_domain(host, psl.default_rules())
