"""Waiver paths: which files a waiver's ``path`` glob matches (issue 9, item 21)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import run_cli

Writer = Callable[..., Path]
SOON = dt.date.today() + dt.timedelta(days=30)


def waiver(path: str) -> str:
    return f'[[waiver]]\ncode = "LC002"\npath = "{path}"\nreason = "x"\nexpires = {SOON}\n'


@pytest.mark.parametrize(
    ("lockfile", "pattern"),
    [
        (".ci/requirements.txt", ".ci/requirements.txt"),  # item 21: the dot is the name's
        (".ci/requirements.txt", "./.ci/requirements.txt"),
        (".ci/requirements.txt", ".ci/*.txt"),
        ("requirements.txt", "./requirements.txt"),
        (".requirements.txt", ".requirements.txt"),
    ],
)
def test_waiver_path_with_a_leading_dot_matches(write: Writer, lockfile: str, pattern: str) -> None:
    lock = write(lockfile, "six==1.16.0\n")
    write("lockcheck.toml", waiver(pattern))
    result = run_cli("check", "--format", "json", str(lock))
    assert result.exit_code == 0, result.stdout
    assert [f["code"] for f in result.json["findings"] if f["waived"]] == ["LC002"]
    assert result.codes() == []  # and no LC902 "unused waiver"


@pytest.mark.parametrize(
    ("lockfile", "pattern"),
    [
        ("ci/requirements.txt", ".ci/requirements.txt"),  # "ci" is not ".ci"
        ("requirements.txt", ".requirements.txt"),
    ],
)
def test_waiver_path_does_not_lose_its_dot(write: Writer, lockfile: str, pattern: str) -> None:
    lock = write(lockfile, "six==1.16.0\n")
    write("lockcheck.toml", waiver(pattern))
    result = run_cli("check", "--format", "json", str(lock))
    assert result.exit_code == 1
    assert result.codes() == ["LC002"]
