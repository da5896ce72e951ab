"""What the in-tree configuration switches off is said, and ``--isolated`` ignores it (issue 9,
"Also", and item 19: ``--verify`` that verifies nothing says so)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Result, run_cli

Writer = Callable[..., Path]
UNHASHED = "six==1.16.0\n"
HASHED = "six==1.16.0 --hash=sha256:" + "a" * 64 + "\n"


def notes(result: Result) -> list[str]:
    return [n["message"] for n in result.json["notes"]]


def check(*args: str) -> Result:
    return run_cli("check", "--format", "json", *args)


def test_in_tree_config_switching_rules_off_is_reported(write: Writer) -> None:
    lock = write("requirements.txt", UNHASHED)
    write(
        "lockcheck.toml",
        'ignore = ["LC002", "LC3"]\nexclude = ["vendor/**"]\n'
        'index-url = "https://idx.example.test/simple"\n[severity]\nLC001 = "note"\n',
    )
    result = check(str(lock))
    assert result.exit_code == 0
    assert result.codes() == []
    said = notes(result)
    assert (
        "in-tree configuration switches off LC002, LC301, LC302, LC303, LC304, LC305, "
        "LC306, LC307, LC308, LC309 (select/ignore)" in said
    )
    assert "in-tree configuration lowers LC001 from error to note" in said
    assert (
        "in-tree configuration verifies against index-url https://idx.example.test/simple" in said
    )
    assert "in-tree configuration excludes vendor/** from the scan" in said
    assert {n["path"] for n in result.json["notes"]} == {"lockcheck.toml"}


def test_what_the_command_line_switches_off_is_not_blamed_on_the_config(write: Writer) -> None:
    lock = write("requirements.txt", UNHASHED)
    write("lockcheck.toml", 'ignore = ["LC001"]\n')
    result = check("--ignore", "LC002", str(lock))
    assert notes(result) == ["in-tree configuration switches off LC001 (select/ignore)"]
    # A severity raised is no loosening; a rule selected on the command line runs anyway.
    write("lockcheck.toml", '[severity]\nLC105 = "error"\n')
    assert notes(check("--select", "LC002", str(lock))) == []


def test_in_tree_waivers_that_applied_are_reported(write: Writer) -> None:
    lock = write("requirements.txt", UNHASHED + "idna==3.7\n")
    expires = dt.date.today() + dt.timedelta(days=10)
    write(
        "lockcheck.toml",
        f'[[waiver]]\ncode = "LC002"\nreason = "vendored"\nexpires = {expires}\n',
    )
    result = check(str(lock))
    assert result.exit_code == 0
    (note,) = result.json["notes"]
    assert note["path"] == "lockcheck.toml" and note["line"] == 1
    assert note["message"] == (
        f"in-tree waiver for LC002 waived 2 findings until {expires}: vendored"
    )


def test_a_config_given_with_config_is_trusted_and_not_reported(write: Writer) -> None:
    lock = write("requirements.txt", UNHASHED)
    config = write("ci/lockcheck.toml", 'ignore = ["LC002"]\n')
    result = check("--config", str(config), str(lock))
    assert result.exit_code == 0
    assert notes(result) == []


def test_isolated_ignores_every_config_file(write: Writer) -> None:
    lock = write("requirements.txt", UNHASHED)
    write("lockcheck.toml", 'ignore = ["LC002"]\nexclude = ["requirements.txt"]\n')
    write("pyproject.toml", '[tool.lockcheck]\nselect = ["LC001"]\n')  # a lower-priority file
    assert check(str(lock)).codes() == []
    result = check("--isolated", str(lock))
    assert result.exit_code == 1
    assert result.codes() == ["LC002"]
    assert notes(result) == []
    # Searching a directory: the in-tree exclude is ignored too.
    assert check("--isolated", ".").codes() == ["LC002"]


def test_isolated_with_config_is_a_usage_error(write: Writer) -> None:
    config = write("ci.toml", "")
    result = run_cli("check", "--isolated", "--config", str(config), ".")
    assert result.exit_code == 2
    assert "--isolated" in result.stderr and "--config" in result.stderr


@pytest.mark.parametrize(
    # LC203 reads the index too (core metadata): "every index rule off" switches it off.
    "how",
    [
        ("--ignore", "LC3,LC203"),
        ("--select", "LC0,LC1"),
        ("config", 'ignore = ["LC3", "LC203"]'),
    ],
)
def test_verify_that_verifies_nothing_says_so(write: Writer, how: tuple[str, str]) -> None:
    """Item 19: --verify with every index rule off asked nothing and said nothing."""
    lock = write("requirements.txt", HASHED)
    args = list(how)
    if how[0] == "config":
        write("lockcheck.toml", how[1] + "\n")
        args = []
    result = check("--verify", "--index-url", "http://127.0.0.1:9/simple", *args, str(lock))
    assert result.exit_code == 0
    assert any("--verify checked nothing against the index" in message for message in notes(result))
    text = run_cli(
        "check", "--verify", "--index-url", "http://127.0.0.1:9/simple", *args, str(lock)
    )
    assert "note: --verify checked nothing against the index" in text.stdout


def test_no_such_note_without_verify(write: Writer) -> None:
    lock = write("requirements.txt", HASHED)
    result = check("--ignore", "LC3", str(lock))  # no --verify: nothing to say
    assert notes(result) == []
