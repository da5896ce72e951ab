"""Configuration: discovery, validation (exit 2 naming the key), severities and waivers."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import run_cli


def rel(path: Path) -> str:
    """lockcheck shows paths under the working directory relative to it."""
    return os.path.relpath(path)


Writer = Callable[..., Path]
TODAY = dt.date.today()
SOON = TODAY + dt.timedelta(days=30)
PAST = TODAY - dt.timedelta(days=1)
UNHASHED = "six==1.16.0\n"


def test_nearest_pyproject_applies(write: Writer) -> None:
    write("pyproject.toml", '[project]\nname = "x"\n\n[tool.lockcheck]\nignore = ["LC002"]\n')
    lock = write("sub/requirements.txt", UNHASHED)
    result = run_cli("check", "--format", "json", str(lock))
    assert result.exit_code == 0
    assert result.json["findings"] == []


def test_lockcheck_toml_wins_over_pyproject(write: Writer) -> None:
    write("pyproject.toml", '[tool.lockcheck]\nignore = ["LC002"]\n')
    write("lockcheck.toml", 'select = ["ALL"]\n')
    lock = write("requirements.txt", UNHASHED)
    assert run_cli("check", str(lock)).exit_code == 1


def test_pyproject_without_table_does_not_stop_search(write: Writer, tmp_path: Path) -> None:
    write("lockcheck.toml", 'ignore = ["missing-hash"]\n')
    write("app/pyproject.toml", '[project]\nname = "app"\n')
    lock = write("app/requirements.txt", UNHASHED)
    assert run_cli("check", str(lock)).exit_code == 0


def test_explicit_config(write: Writer) -> None:
    config = write("elsewhere/custom.toml", 'ignore = ["LC002"]\n')
    lock = write("requirements.txt", UNHASHED)
    assert run_cli("check", "--config", str(config), str(lock)).exit_code == 0
    missing = run_cli("check", "--config", "nope.toml", str(lock))
    assert missing.exit_code == 2
    assert "nope.toml" in missing.stderr


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('selekt = ["LC001"]\n', "selekt"),
        ('select = ["LC999"]\n', "LC999"),
        ('fail-on = "fatal"\n', "fail-on"),
        ("select = 3\n", "select"),
        ('[severity]\nLC002 = "loud"\n', "severity.LC002"),
        ('[severity]\nLC777 = "note"\n', "LC777"),
        ("waiver-max-days = -1\n", "waiver-max-days"),
        ("[private]\npackages = 'acme-*'\n", "private.packages"),
        ("select = [\n", "invalid TOML"),
    ],
)
def test_bad_config_is_exit_2_naming_the_key(write: Writer, text: str, key: str) -> None:
    write("lockcheck.toml", text)
    lock = write("requirements.txt", UNHASHED)
    other = write("other/requirements.txt", UNHASHED)
    write("other/lockcheck.toml", "")
    result = run_cli("check", "--format", "json", str(lock), str(other))
    assert result.exit_code == 2
    assert key in result.stderr
    assert "lockcheck.toml" in result.stderr
    assert "Traceback" not in result.stderr
    # The file under a good configuration is still checked.
    assert [f["path"] for f in result.json["findings"]] == [rel(other)]


def test_severity_override_and_fail_on(write: Writer) -> None:
    write("lockcheck.toml", '[severity]\nmissing-hash = "warning"\n')
    lock = write("requirements.txt", UNHASHED)
    result = run_cli("check", "--format", "json", str(lock))
    assert result.exit_code == 0
    assert result.json["findings"][0]["severity"] == "warning"
    assert run_cli("check", "--fail-on", "warning", str(lock)).exit_code == 1


def test_select_and_ignore_by_code_name_prefix(write: Writer) -> None:
    lock = write("requirements.txt", "--extra-index-url http://x.example.test/s\nsix>=1\n")
    assert run_cli("check", "--format", "json", str(lock)).codes() == [
        "LC001",
        "LC101",
        "LC102",
    ]
    only = run_cli(
        "check", "--format", "json", "--select", "LC1", "--ignore", "extra-index-url", str(lock)
    )
    assert only.codes() == ["LC101"]
    assert run_cli("check", "--select", "nonsense", str(lock)).exit_code == 2


def waiver(code: str = "LC002", expires: dt.date = SOON, **extra: str) -> str:
    lines = [f'code = "{code}"', f"expires = {expires.isoformat()}"]
    lines += [f'{k} = "{v}"' for k, v in extra.items()]
    return "[[tool.lockcheck.waiver]]\n" + "\n".join(lines) + "\n"


def test_waiver_silences_matching_finding(write: Writer) -> None:
    write("pyproject.toml", waiver(package="Six", reason="vendored, reviewed"))
    lock = write("requirements.txt", UNHASHED)
    result = run_cli("check", "--format", "json", str(lock))
    assert result.exit_code == 0
    (finding,) = result.json["findings"]
    assert finding["waived"] is True
    assert result.json["summary"]["findings"] == 0


def test_waiver_for_other_package_does_not_apply(write: Writer) -> None:
    write("pyproject.toml", waiver(package="requests", reason="x"))
    lock = write("requirements.txt", UNHASHED)
    result = run_cli("check", "--format", "json", str(lock))
    assert result.exit_code == 1
    assert result.codes() == ["LC002", "LC902"]


def test_waiver_path_glob(write: Writer) -> None:
    write("pyproject.toml", waiver(path="requirements/*.txt", reason="legacy"))
    inside = write("requirements/dev.txt", UNHASHED)
    outside = write("requirements.txt", UNHASHED)
    result = run_cli("check", "--format", "json", str(inside), str(outside))
    waived = {f["path"]: f["waived"] for f in result.json["findings"] if f["code"] == "LC002"}
    assert waived == {rel(inside): True, rel(outside): False}


def test_expired_waiver_stops_waiving_and_says_why(write: Writer) -> None:
    write("pyproject.toml", waiver(expires=PAST, reason="until the fix"))
    lock = write("requirements.txt", UNHASHED)
    result = run_cli("check", "--format", "json", str(lock))
    assert result.exit_code == 1
    assert result.codes() == ["LC002", "LC901"]
    lc901 = next(f for f in result.json["findings"] if f["code"] == "LC901")
    assert lc901["path"].endswith("pyproject.toml")
    assert lc901["line"] == 1
    assert str(PAST) in lc901["message"]


@pytest.mark.parametrize(
    ("entry", "key"),
    [
        ('code = "LC002"\nexpires = 2027-01-01\n', "reason"),
        ('code = "LC002"\nreason = "x"\n', "expires"),
        ('reason = "x"\nexpires = 2027-01-01\n', "code"),
        ('code = "LC002"\nreason = "x"\nexpires = "soon"\n', "expires"),
        ('code = "LC002"\nreason = "x"\nexpires = 2027-01-01\nowner = "me"\n', "owner"),
        ('code = "LC777"\nreason = "x"\nexpires = 2027-01-01\n', "LC777"),
    ],
)
def test_bad_waiver_is_config_error(write: Writer, entry: str, key: str) -> None:
    write("pyproject.toml", '[project]\nname = "x"\n\n[[tool.lockcheck.waiver]]\n' + entry)
    lock = write("requirements.txt", UNHASHED)
    result = run_cli("check", str(lock))
    assert result.exit_code == 2
    assert key in result.stderr
    assert "pyproject.toml:4" in result.stderr


def test_waiver_too_far_ahead(write: Writer) -> None:
    far = TODAY + dt.timedelta(days=200)
    write("pyproject.toml", waiver(expires=far, reason="x"))
    lock = write("requirements.txt", UNHASHED)
    result = run_cli("check", str(lock))
    assert result.exit_code == 2
    assert "more than 90 days" in result.stderr
    write(
        "pyproject.toml",
        "[tool.lockcheck]\nwaiver-max-days = 365\n" + waiver(expires=far, reason="x"),
    )
    assert run_cli("check", str(lock)).exit_code == 0


def test_unused_waiver_only_when_its_rule_ran(write: Writer) -> None:
    write("pyproject.toml", waiver(code="LC102", reason="old mirror"))
    lock = write("requirements.txt", "six==1.16.0 --hash=sha256:" + "a" * 64 + "\n")
    assert run_cli("check", "--format", "json", str(lock)).codes() == ["LC902"]
    quiet = run_cli("check", "--format", "json", "--select", "LC001,LC902", str(lock))
    assert quiet.codes() == []


def test_severity_keys_in_any_case(write: Writer) -> None:
    write("lockcheck.toml", '[severity]\nlc002 = "note"\nMissing-Hash = "note"\n')
    lock = write("requirements.txt", UNHASHED)
    result = run_cli("check", "--format", "json", str(lock))
    assert result.exit_code == 0
    assert result.json["findings"][0]["severity"] == "note"
