"""--format cyclonedx: a CycloneDX 1.6 SBOM of every locked package, valid by
cyclonedx-python-lib's own validator, marking the hashes --verify confirmed (issue 12, item 9)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES, Result, run_cli
from fake_index import FakeIndex, fake_digest, local_server, locked_files
from lockcheck.findings import HashRecord, PackageRecord, Report
from lockcheck.model import LockFormat, SourceKind
from lockcheck.parsers import parse_lockfile
from lockcheck.report import cyclonedx
from support_index_env import isolated_index_env  # noqa: F401 (a fixture)

pytest.importorskip("cyclonedx", reason="cyclonedx-python-lib is in the 'test' extra")
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from packageurl import PackageURL

Writer = Callable[..., Path]
SMALL_APP = FIXTURES / "projects" / "small-app"


def validate(text: str) -> dict[str, Any]:
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    assert error is None, error
    data: dict[str, Any] = json.loads(text)
    return data


def properties(component: dict[str, Any], name: str) -> list[str]:
    return [p["value"] for p in component.get("properties", []) if p["name"] == name]


@pytest.fixture
def index(request: pytest.FixtureRequest) -> Iterator[FakeIndex]:
    request.getfixturevalue("isolated_index_env")  # --verify sees only this index
    with local_server() as server:
        yield FakeIndex(server)


def verify(index: FakeIndex, *args: str) -> Result:
    """``check --verify`` against ``index``, with no progress bar."""
    return run_cli("check", "--verify", "--no-progress", "--index-url", index.url, *args)


def test_validator_rejects_a_broken_sbom() -> None:
    """The check below can fail: a component without a name is not CycloneDX."""
    text = cyclonedx.render(Report((), (), ()))
    validate(text)
    data = json.loads(text)
    data["components"] = [{"type": "library"}]
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(json.dumps(data)) is not None


@pytest.mark.parametrize("name", ["uv.lock", "poetry.lock", "pylock.toml", "requirements.txt"])
def test_every_locked_package_with_its_hashes(name: str) -> None:
    path = SMALL_APP / name
    if not path.exists():
        pytest.skip(f"no {name} in the small-app fixture")
    result = run_cli("check", "--format", "cyclonedx", "--exit-zero", str(path))
    assert result.exit_code == 0, result.stderr
    data = validate(result.stdout)
    assert data["specVersion"] == "1.6"
    lock = parse_lockfile(str(path), LockFormat(_format_of(name)))
    components = {c["name"]: c for c in data["components"]}
    assert sorted(components) == sorted(p.name for p in lock.packages)
    for package in lock.packages:
        component = components[package.name]
        assert component.get("version") == package.version
        locked = {h.digest for h in package.hashes} | {
            h.digest for a in package.artifacts for h in a.hashes
        }
        assert {h["content"] for h in component.get("hashes", [])} == locked
        assert properties(component, cyclonedx.PROPERTY_VERIFIED) == ["unchecked"]
        if package.source.kind is SourceKind.REGISTRY and package.version:
            purl = PackageURL.from_string(component["purl"])
            assert (purl.type, purl.name, purl.version) == ("pypi", package.name, package.version)


def _format_of(name: str) -> str:
    return {
        "uv.lock": "uv",
        "poetry.lock": "poetry",
        "pylock.toml": "pylock",
        "requirements.txt": "requirements",
    }[name]


def test_verify_marks_confirmed_and_mismatched_hashes(index: FakeIndex, write: Writer) -> None:
    good, bad = "good-1.0-py3-none-any.whl", "bad-2.0-py3-none-any.whl"
    index.add_file("good", "1.0", good)
    index.add_file("bad", "2.0", bad)
    flipped = "0" * 64
    lock = write(
        "requirements.txt",
        f"good==1.0 --hash=sha256:{fake_digest(good)}\n"
        f"bad==2.0 --hash=sha256:{fake_digest(bad)} --hash=sha256:{flipped}\n",
    )
    result = verify(index, "--format", "cyclonedx", str(lock))
    assert result.exit_code == 1  # LC301 for the flipped hash
    data = validate(result.stdout)
    components = {c["name"]: c for c in data["components"]}
    assert properties(components["good"], cyclonedx.PROPERTY_VERIFIED) == ["true"]
    assert properties(components["good"], cyclonedx.PROPERTY_VERIFIED_HASH) == [
        f"sha256:{fake_digest(good)}"
    ]
    assert properties(components["bad"], cyclonedx.PROPERTY_VERIFIED) == ["false"]
    assert properties(components["bad"], cyclonedx.PROPERTY_VERIFIED_HASH) == [
        f"sha256:{fake_digest(bad)}"
    ]
    assert properties(components["bad"], cyclonedx.PROPERTY_MISMATCHED_HASH) == [
        f"sha256:{flipped}"
    ]
    # The index it was verified against: a repository_url (not the default index).
    purl = PackageURL.from_string(components["good"]["purl"])
    assert purl.qualifiers == {"repository_url": index.url}
    assert components["good"]["externalReferences"][0]["url"] == index.url


def test_sbom_in_the_same_run_as_the_text_report(
    index: FakeIndex, write: Writer, tmp_path: Path
) -> None:
    name = "demo-1.0-py3-none-any.whl"
    index.add_file("demo", "1.0", name)
    lock = write("requirements.txt", f"demo==1.0 --hash=sha256:{fake_digest(name)}\n")
    sbom = tmp_path / "sbom.cdx.json"
    result = verify(index, "--report", f"cyclonedx={sbom}", str(lock))
    assert result.exit_code == 0
    assert "Verified 1 package against the index." in result.stdout
    (component,) = validate(sbom.read_text())["components"]
    assert properties(component, cyclonedx.PROPERTY_VERIFIED) == ["true"]


def test_uv_lock_verified_against_its_recorded_index(index: FakeIndex, tmp_path: Path) -> None:
    """Every artifact hash of a uv.lock is checked, against the index given."""
    project = tmp_path / "p"
    shutil.copytree(SMALL_APP, project)
    lock = project / "uv.lock"
    parsed = parse_lockfile(str(lock), LockFormat.UV)
    for package, artifact in locked_files(lock):
        index.add_locked(package, artifact)
    result = verify(index, "--select", "LC3", "--format", "cyclonedx", str(lock))
    assert result.exit_code == 0, result.stderr
    data = validate(result.stdout)
    registry = [p for p in parsed.packages if p.source.kind is SourceKind.REGISTRY]
    verified = [
        c["name"]
        for c in data["components"]
        if properties(c, cyclonedx.PROPERTY_VERIFIED) == ["true"]
    ]
    assert sorted(verified) == sorted(p.name for p in registry if p.artifacts)


def record(index_url: str | None, **kwargs: Any) -> PackageRecord:
    return PackageRecord(
        "requirements.txt",
        "Typing_Extensions",
        "4.12.2",
        index_url,
        (HashRecord("sha256", "ab" * 32, None, True),),
        **kwargs,
    )


def test_purl_names_only_an_index_other_than_the_default() -> None:
    default = "https://default.example.test/simple/"
    assert cyclonedx.purl(record(None), default) == "pkg:pypi/typing-extensions@4.12.2"
    assert cyclonedx.purl(record(default.rstrip("/")), default) == (
        "pkg:pypi/typing-extensions@4.12.2"
    )
    other = cyclonedx.purl(record("https://private.example.test/simple"), default)
    assert other is not None
    assert PackageURL.from_string(other).qualifiers == {
        "repository_url": "https://private.example.test/simple"
    }


def test_duplicates_and_malformed_hashes_still_validate() -> None:
    bad = PackageRecord(
        "b/requirements.txt",
        "demo",
        "1.0",
        None,
        (HashRecord("sha256", "xyz"), HashRecord("md5", "c" * 32)),
    )
    twice = Report((), (), (), inventory=(record(None), record(None), bad))
    data = validate(cyclonedx.render(twice))
    refs = [c["bom-ref"] for c in data["components"]]
    assert len(set(refs)) == 3
    assert data["components"][2]["hashes"] == [{"alg": "MD5", "content": "c" * 32}]


def test_credentials_never_appear(write: Writer) -> None:
    secret = "hunter2TOPSECRET"
    lock = write(
        "requirements.txt",
        f"--index-url https://ci:{secret}@idx.example.test/simple\n"
        f"six==1.16.0 --hash=sha256:{'a' * 64}\n",
    )
    result = run_cli("check", "--format", "cyclonedx", str(lock))
    assert secret not in result.stdout
    (component,) = validate(result.stdout)["components"]
    # No user name, no redaction marker: the index's address alone.
    expected = "https://idx.example.test/simple"
    assert PackageURL.from_string(component["purl"]).qualifiers == {"repository_url": expected}
    assert component["externalReferences"][0]["url"] == expected


def test_vcs_and_url_sources_are_listed_without_a_registry_purl(write: Writer) -> None:
    commit = "a" * 40
    lock = write(
        "requirements.txt",
        f"demo @ git+https://git.example.test/demo.git@{commit}\n"
        f"arch @ https://files.example.test/arch-1.0.tar.gz --hash=sha256:{'b' * 64}\n",
    )
    result = run_cli("check", "--format", "cyclonedx", str(lock))
    components = {c["name"]: c for c in validate(result.stdout)["components"]}
    assert "purl" not in components["demo"]
    assert components["demo"]["externalReferences"][0]["type"] == "vcs"
    assert components["arch"]["externalReferences"][0] == {
        "type": "distribution",
        "url": "https://files.example.test/arch-1.0.tar.gz",
    }
