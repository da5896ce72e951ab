"""LC104 credentials-in-url: a secret written into a URL, never an account name or a
reference to a variable the installer expands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from lockcheck.model import LockFormat
from rules.conftest import poetry_lock, poetry_package
from support_requirements import check, codes, report_for

Writer = Callable[..., Path]
COMMIT = "a" * 40
TOKEN = "ghp_" + "Ab3d" * 9  # the shape of a GitHub personal access token


@pytest.mark.parametrize(
    ("line", "fires"),
    [
        # A user name that is no secret: the account every git host serves over https.
        (f"foo @ git+https://git@git.example.test/org/foo.git@{COMMIT}", False),
        (f"-e git+https://git@git.example.test/org/foo.git@{COMMIT}#egg=foo", False),
        # pip expands ${TOKEN} when it reads the file; x-oauth-basic is a fixed word.
        (f"foo @ git+https://${{TOKEN}}:x-oauth-basic@git.example.test/org/foo@{COMMIT}", False),
        ("--index-url https://${USER}${SUFFIX}:${PASSWORD}@index.example.test/simple", False),
        ("--index-url https://gitlab-ci-token:${CI_JOB_TOKEN}@index.example.test/simple", False),
        # A token used as the user name is still a token.
        (f"foo @ git+https://{TOKEN}@git.example.test/org/foo@{COMMIT}", True),
        (f"--index-url https://{'0f3a' * 10}@index.example.test/simple", True),
        ("--index-url https://${TOKEN}:s3cret@index.example.test/simple", True),
        ("--extra-index-url https://ci:x-oauth-basic2@index.example.test/simple", True),
        # A bare user name on https is how a token is passed: any name but an account's.
        ("--index-url https://tok-four@index.example.test/simple", True),
        ("--index-url https://oauth2@index.example.test/simple", False),
        (f"foo @ git+ssh://deploy@git.example.test/org/foo.git@{COMMIT}", False),
    ],
)
def test_requirements(write: Writer, line: str, fires: bool) -> None:
    findings = check(write("requirements.txt", line + "\n"))
    assert ("LC104" in codes(findings)) is fires


def test_token_as_user_is_redacted_everywhere(write: Writer) -> None:
    line = f"foo @ git+https://{TOKEN}@git.example.test/org/foo@{COMMIT}\n"
    report = report_for(write("requirements.txt", line))
    [finding] = [f for f in report.findings if f.code == "LC104"]
    assert "a token" in finding.message
    assert TOKEN not in repr(report)


def test_uv_lock(write: Writer) -> None:
    lock = (
        'version = 1\nrevision = 3\nrequires-python = ">=3.10"\n\n'
        '[[package]]\nname = "foo"\nversion = "1.0"\n'
        f'source = {{ git = "https://git@git.example.test/org/foo.git?rev=main#{COMMIT}" }}\n\n'
        '[[package]]\nname = "bar"\nversion = "1.0"\n'
        f'source = {{ git = "https://{TOKEN}@git.example.test/org/bar.git?rev=main#{COMMIT}" }}\n'
    )
    findings = [f for f in check(write("uv.lock", lock), fmt=LockFormat.UV) if f.code == "LC104"]
    assert [f.package for f in findings] == ["bar"]


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
def test_requirements_index_url_credentials(write: Writer, url: str, fires: bool) -> None:
    findings = check(write("requirements.txt", f"--index-url {url}\n"))
    assert ("LC104" in codes(findings)) is fires
    for finding in findings:
        assert "s3cret" not in finding.message
        assert "ghp_abcdef123456" not in finding.message


def test_requirements_ssh_user_is_not_a_secret(write: Writer) -> None:
    line = "foo @ git+ssh://git@git.example.test/org/foo@" + "a" * 40 + "\n"
    assert "LC104" not in codes(check(write("requirements.txt", line)))


def test_poetry_source_url_with_password(write: Writer) -> None:
    private = poetry_package(
        "acme-billing",
        "1.0",
        extra=(
            '\n[package.source]\ntype = "legacy"\n'
            'url = "https://u:hunter2@pypi.acme.test/simple"\nreference = "acme"\n'
        ),
    )
    findings = check(write("poetry.lock", poetry_lock(private)), fmt=LockFormat.POETRY)
    assert "LC104" in codes(findings)
    assert all("hunter2" not in f.message for f in findings)
