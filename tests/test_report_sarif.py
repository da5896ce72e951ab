"""--format sarif: valid against the official SARIF 2.1.0 schema, and what code scanning needs."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, run_cli
from lockcheck import DOCS_URL, __version__
from lockcheck.findings import ErrorEntry, Finding, Report, Severity
from lockcheck.model import Location
from lockcheck.report import sarif
from lockcheck.rules import ALL_RULES

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the 'test' extra")

Writer = Callable[..., Path]
# CI clones the repository with shared/ beside it; elsewhere (a git worktree, say)
# LOCKCHECK_SHARED_DATA names that directory.
SHARED_DATA = Path(os.environ.get("LOCKCHECK_SHARED_DATA") or REPO.parent / "shared" / "data")
SCHEMA_PATH = SHARED_DATA / "sarif-schema-2.1.0.json"
HASH = "--hash=sha256:" + "a" * 64
SECRET = "hunter2TOPSECRET"
SOON = dt.date.today() + dt.timedelta(days=30)


@pytest.fixture(scope="module")
def validator() -> Any:
    if not SCHEMA_PATH.is_file():
        pytest.skip(f"SARIF schema not found at {SCHEMA_PATH} (shared/ beside the checkout)")
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    # Every format jsonschema knows: draft 4's own list lacks "uri-reference", which SARIF uses.
    checker = jsonschema.FormatChecker()
    # Without a URI library jsonschema skips "uri" silently; the test extra brings one.
    assert {"uri", "uri-reference"} <= set(checker.checkers), "install rfc3986-validator"
    return jsonschema.Draft4Validator(schema, format_checker=checker)


def sarif_of(*args: str) -> dict[str, Any]:
    result = run_cli("check", "--format", "sarif", *args)
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def results(data: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = data["runs"][0]["results"]
    return found


def fingerprints(data: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {
        (r["ruleId"], r.get("properties", {}).get("package", "")): r["partialFingerprints"][
            sarif.FINGERPRINT_KEY
        ]
        for r in results(data)
    }


def test_output_is_valid_sarif(write: Writer, validator: Any) -> None:
    write(
        "lockcheck.toml",
        '[severity]\nLC003 = "note"\n\n[[waiver]]\ncode = "LC102"\nreason = "our mirror"\n'
        f"expires = {SOON.isoformat()}\n",
    )
    write(
        "my locks/requirements.txt",
        f"--extra-index-url https://ci:{SECRET}@idx.example.test/simple\n"
        "six==1.16.0\n"
        f"idna==3.7 --hash=md5:{'b' * 32}\n",
    )
    write("broken/requirements.txt", "six==1.16.0 --no-such-option\n")
    result = run_cli("check", "--format", "sarif", ".")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    validator.validate(data)
    assert data["version"] == "2.1.0"
    assert any("suppressions" in r for r in results(data))
    assert data["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert len(data["runs"]) == 1
    # A space in a path is percent-encoded, as a URI must be.
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results(data)}
    assert uris == {"my%20locks/requirements.txt"}
    # The validator does catch mistakes.
    data["runs"][0]["results"][0]["level"] = "fatal"
    assert not validator.is_valid(data)


def test_every_rule_listed_with_its_docs(write: Writer) -> None:
    data = sarif_of(str(write("requirements.txt", f"six==1.16.0 {HASH}\n")))
    driver = data["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["informationUri"]) == (
        "lockcheck",
        __version__,
        DOCS_URL,
    )
    assert [r["id"] for r in driver["rules"]] == [rule.code for rule in ALL_RULES]
    for descriptor, rule in zip(driver["rules"], ALL_RULES, strict=True):
        assert descriptor["name"] == rule.name
        assert descriptor["helpUri"] == f"{DOCS_URL}rules/{rule.code}/"
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["defaultConfiguration"]["level"] == rule.severity.value
        assert descriptor["help"]["markdown"] == rule.doc.strip()
        full = descriptor["fullDescription"]["text"]
        assert full and "##" not in full and full in " ".join(rule.doc.split())
    assert DOCS_URL.startswith("https://") and DOCS_URL.endswith("/")


def test_rules_are_security_alerts_with_their_family(write: Writer) -> None:
    """Code scanning shows a result as a security alert when its rule is tagged
    "security" and has a numeric security-severity (a string)."""
    data = sarif_of(str(write("requirements.txt", f"six==1.16.0 {HASH}\n")))
    families = {
        "LC0": "pinning-and-hashes",
        "LC1": "sources-and-transport",
        "LC2": "freshness",
        "LC3": "index-verification",
        "LC4": "supply-chain",
        "LC9": "waivers",
    }
    for descriptor in data["runs"][0]["tool"]["driver"]["rules"]:
        properties = descriptor["properties"]
        assert properties["tags"] == ["security", families[descriptor["id"][:3]]]
        score = properties["security-severity"]
        assert isinstance(score, str) and 0.0 < float(score) <= 10.0
    by_id = {d["id"]: d["properties"] for d in data["runs"][0]["tool"]["driver"]["rules"]}
    # A hash the index never published ranks above a missing hash, above a warning.
    assert float(by_id["LC301"]["security-severity"]) >= 9.0
    assert 7.0 <= float(by_id["LC002"]["security-severity"]) < 9.0
    assert 4.0 <= float(by_id["LC102"]["security-severity"]) < 7.0


def test_levels_follow_effective_severity(write: Writer) -> None:
    write("lockcheck.toml", '[severity]\nweak-hash-algorithm = "note"\n')
    lock = write(
        "requirements.txt",
        "--extra-index-url https://idx.example.test/simple\n"
        "six==1.16.0\n"
        f"idna==3.7 --hash=md5:{'b' * 32}\n",
    )
    data = sarif_of(str(lock))
    levels = {r["ruleId"]: r["level"] for r in results(data)}
    assert levels == {"LC102": "warning", "LC002": "error", "LC003": "note"}
    rules = data["runs"][0]["tool"]["driver"]["rules"]
    for result in results(data):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_uris_relative_to_current_directory_with_lines(write: Writer, tmp_path: Path) -> None:
    lock = write("sub/requirements.txt", f"a==1.0 {HASH}\n\nsix==1.16.0\n")
    data = sarif_of(str(lock.resolve()))  # an absolute argument still gives a relative URI
    (result,) = results(data)
    physical = result["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "sub/requirements.txt", "uriBaseId": "%SRCROOT%"}
    assert physical["region"] == {"startLine": 3}
    base = data["runs"][0]["originalUriBaseIds"]
    assert base == {"%SRCROOT%": {"uri": tmp_path.resolve().as_uri() + "/"}}


def test_uris_relative_to_git_work_tree_top(
    write: Writer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)  # what marks a work tree's top
    write("repo/app/requirements.txt", "six==1.16.0\n")
    monkeypatch.chdir(tmp_path / "repo" / "app")
    data = sarif_of("requirements.txt")
    location = results(data)[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "app/requirements.txt", "uriBaseId": "%SRCROOT%"}
    assert data["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == (
        (tmp_path / "repo").resolve().as_uri() + "/"
    )


def test_no_region_without_a_line(tmp_path: Path) -> None:
    finding = Finding(
        "LC201", "stale-lock", Severity.ERROR, Location(str(tmp_path / "uv.lock")), "stale"
    )
    data = sarif.as_dict(Report((), (finding,), ()), cwd=str(tmp_path))
    physical = results(data)[0]["locations"][0]["physicalLocation"]
    assert physical == {"artifactLocation": {"uri": "uv.lock", "uriBaseId": "%SRCROOT%"}}


def test_file_outside_every_root_gets_an_absolute_uri(tmp_path: Path) -> None:
    (tmp_path / "here").mkdir()
    elsewhere = tmp_path / "elsewhere" / "requirements.txt"
    finding = Finding("LC002", "missing-hash", Severity.ERROR, Location(str(elsewhere), 1), "x")
    data = sarif.as_dict(Report((), (finding,), ()), cwd=str(tmp_path / "here"))
    location = results(data)[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": elsewhere.as_uri()}


def test_fingerprints_survive_lines_added_above_and_differ_per_package(write: Writer) -> None:
    body = f"six==1.16.0\nidna==3.7\nidna==3.7 --hash=md5:{'c' * 32}\n"
    before = sarif_of(str(write("requirements.txt", body)))
    after = sarif_of(
        str(write("requirements.txt", f"# header\n\ncertifi==2024.8.30 {HASH}\n" + body))
    )
    lines = {
        r["ruleId"]: r["locations"][0]["physicalLocation"]["region"]["startLine"]
        for r in results(after)
    }
    assert lines["LC003"] == 6  # the findings did move
    assert fingerprints(before) == fingerprints(after)
    prints = [r["partialFingerprints"][sarif.FINGERPRINT_KEY] for r in results(before)]
    assert len(set(prints)) == len(prints)  # six and idna, and idna's LC002 and LC003


def test_fingerprints_ignore_digests_and_line_references() -> None:
    def finding(line: int, message: str) -> Finding:
        return Finding(
            "LC005",
            "conflicting-pins",
            Severity.ERROR,
            Location("requirements.txt", line),
            message,
            package="six",
            version="1.16.0",
        )

    first = finding(3, "also pinned at requirements.txt:1 with sha256:0123456789abcdef...")
    moved = finding(9, "also pinned at requirements.txt:7 with sha256:fedcba9876543210...")
    prints = [
        fingerprints(sarif.as_dict(Report((), (f,), ())))[("LC005", "six")] for f in (first, moved)
    ]
    assert prints[0] == prints[1]


def test_waived_finding_is_suppressed_not_dropped(write: Writer) -> None:
    write(
        "lockcheck.toml",
        f'[[waiver]]\ncode = "LC002"\npackage = "six"\nreason = "vendored, reviewed"\n'
        f"expires = {SOON.isoformat()}\n",
    )
    data = sarif_of(str(write("requirements.txt", "six==1.16.0\nidna==3.7\n")))
    by_package = {r["properties"]["package"]: r for r in results(data)}
    assert by_package["six"]["suppressions"] == [
        {"kind": "external", "justification": "vendored, reviewed"}
    ]
    assert "suppressions" not in by_package["idna"]


def test_input_errors_become_notifications(write: Writer) -> None:
    clean = sarif_of(str(write("requirements.txt", f"six==1.16.0 {HASH}\n")))
    assert clean["runs"][0]["invocations"] == [
        {"executionSuccessful": True, "toolExecutionNotifications": []}
    ]
    broken = write("r3.txt", "six==1.16.0 --no-such-option\n")
    (invocation,) = sarif_of(str(broken))["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"] == [
        {
            "level": "error",
            "message": {"text": "no such option: --no-such-option"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": "r3.txt", "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": 1},
                    }
                }
            ],
        }
    ]


def test_credentials_never_appear(write: Writer, tmp_path: Path) -> None:
    url = f"https://ci:{SECRET}@idx.example.test/simple"
    write(
        "lockcheck.toml",
        f'[[waiver]]\ncode = "LC102"\nreason = "mirror {url}"\nexpires = {SOON.isoformat()}\n',
    )
    out = run_cli(
        "check",
        "--format",
        "sarif",
        str(write("requirements.txt", f"--extra-index-url {url}\nsix @ {url}/six.whl\n")),
    ).stdout
    assert "LC104" in out and "idx.example.test" in out
    assert SECRET not in out
    finding = Finding(
        "LC104",
        "credentials-in-url",
        Severity.ERROR,
        Location("r.txt", 1),
        f"see {url}",
        fix=f"drop {url}",
        waived=True,
        waiver_reason=f"until {url} rotates",
    )
    error = ErrorEntry("r.txt", 2, f"cannot fetch {url}")
    rendered = sarif.render(Report((), (finding,), (error,)))
    assert "https://***@idx.example.test" in rendered
    assert SECRET not in rendered
