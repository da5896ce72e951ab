"""Credentials never leave lockcheck in its output, nor go where a lockfile says (issue 9,
items 1-4)."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer

from conftest import run_cli
from fake_index import FakeIndex, fake_digest, local_server
from lockcheck.index.credentials import (
    Credentials,
    CredentialStore,
    split_credentials,
)
from lockcheck.urls import redact
from support_index_env import isolated_index_env, verify_timeout  # noqa: F401 (fixtures)

Writer = Callable[..., Path]
FORMATS = ("text", "json", "sarif", "github")
WHEEL = "demo-1.0-py3-none-any.whl"


pytestmark = pytest.mark.usefixtures("isolated_index_env", "verify_timeout")


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    with local_server() as running:
        yield running


# --- item 1: nameless URL, VCS and editable requirements ----------------------------------

NAMELESS = (
    "https://alice:tok-one@files.example.test/pkg-1.0.tar.gz\n"
    "git+https://bob:tok-two@git.example.test/r.git@abc\n"
    # pip 26 refuses an editable VCS URL without a name (#egg= or `name @ URL`).
    "-e git+https://carol:tok-three@git.example.test/x.git#egg=x\n"
    "git+https://tok-four@git.example.test/y.git@abc\n"
)


@pytest.mark.parametrize("fmt", FORMATS)
def test_nameless_requirements_never_print_their_token(write: Writer, fmt: str) -> None:
    lock = write("requirements.txt", NAMELESS)
    result = run_cli("check", "--format", fmt, str(lock))
    assert result.exit_code == 1
    assert result.stdout.count("LC104") >= 4  # the finding is there, for every line
    for token in ("tok-one", "tok-two", "tok-three", "tok-four"):
        assert token not in result.stdout and token not in result.stderr
    assert "***@git.example.test" in result.stdout


# --- item 2: a password holding "@" ---------------------------------------------------------


def test_redact_runs_to_the_last_at_of_the_authority() -> None:
    assert redact("https://u:first@second@h.example.test/x@y") == "https://***@h.example.test/x@y"
    assert redact("see git+https://u:a@b@h/r.git@v1 and https://h/x") == (
        "see git+https://***@h/r.git@v1 and https://h/x"
    )
    assert redact("mail a@b, https://h/p?q=a@b#c@d") == "mail a@b, https://h/p?q=a@b#c@d"


@pytest.mark.parametrize("fmt", FORMATS)
def test_password_with_at_is_hidden_whole(write: Writer, fmt: str) -> None:
    lock = write(
        "requirements.txt",
        "--index-url https://user:first@tail-secret@idx.example.test/simple\n"
        f"demo==1.0 --hash=sha256:{'a' * 64}\n",
    )
    result = run_cli("check", "--format", fmt, str(lock))
    assert "LC104" in result.stdout
    assert "tail-secret" not in result.stdout + result.stderr


# --- item 3: an index host invalid under NFKC -----------------------------------------------


def test_split_credentials_never_quotes_the_password() -> None:
    from lockcheck.index.credentials import InvalidIndexURL

    with pytest.raises(InvalidIndexURL) as raised:
        split_credentials("https://user:pa55word@ex\u2100ample.test/simple")
    assert "pa55word" not in str(raised.value) and "user" not in str(raised.value)
    # A password holding what NFKC would turn into "/": cut before parsing, kept whole.
    clean, found = split_credentials("https://user:p\u2100ss@idx.example.test/simple")
    assert clean == "https://idx.example.test/simple"
    assert found == Credentials("user", "p\u2100ss")


@pytest.mark.parametrize("where", ["command line", "lockfile"])
def test_nfkc_invalid_index_host_is_one_error_line(write: Writer, where: str) -> None:
    url = "https://user:pa55word@ex\u2100ample.test/simple"
    lines = f"demo==1.0 --hash=sha256:{'a' * 64}\n"
    args = ["--index-url", url] if where == "command line" else []
    if where == "lockfile":
        lines = f"--index-url {url}\n" + lines
    lock = write("requirements.txt", lines)
    result = run_cli("check", "--verify", "--no-progress", "--select", "LC3", *args, str(lock))
    assert result.exit_code == 2
    assert "pa55word" not in result.stdout + result.stderr
    (error,) = result.stderr.splitlines()
    # From the lockfile it is refused while parsing, from the command line when verifying:
    # either way one line that names the URL without its password.
    assert "invalid index URL" in error
    assert "ex\u2100ample.test/simple" in error


# --- item 4: a .netrc default entry -----------------------------------------------------------


def published(server: HTTPServer) -> FakeIndex:
    index = FakeIndex(server, mode="json")
    index.add_file("demo", "1.0", WHEEL)
    return index


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def sent_auth(index: FakeIndex) -> set[str | None]:
    return {request.headers.get("authorization") for request in index.requests}


@pytest.fixture
def netrc_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    netrc = tmp_path / "netrc"
    netrc.write_text("default login dflt password netrc-default-secret\n", encoding="utf-8")
    monkeypatch.setenv("NETRC", str(netrc))
    return basic("dflt", "netrc-default-secret")


HASHED = f"demo==1.0 --hash=sha256:{fake_digest(WHEEL)}\n"


def verify(*args: str) -> int:
    result = run_cli("check", "--verify", "--no-progress", "--select", "LC3", *args)
    assert "netrc-default-secret" not in result.stdout + result.stderr
    return result.exit_code


@pytest.mark.usefixtures("netrc_default")
def test_netrc_default_not_sent_to_an_index_a_lockfile_names(
    server: HTTPServer, write: Writer
) -> None:
    index = published(server)
    lock = write("requirements.txt", f"--index-url {index.url}\n{HASHED}")
    assert verify(str(lock)) == 0
    assert index.requests and sent_auth(index) == {None}


@pytest.mark.usefixtures("netrc_default")
def test_netrc_default_not_sent_to_an_index_the_in_tree_config_names(
    server: HTTPServer, write: Writer
) -> None:
    index = published(server)
    lock = write("requirements.txt", HASHED)
    write("lockcheck.toml", f'index-url = "{index.url}"\n')
    assert verify(str(lock)) == 0
    assert index.requests and sent_auth(index) == {None}


@pytest.mark.parametrize("how", ["--index-url", "--config", "PIP_INDEX_URL"])
def test_netrc_default_sent_to_the_index_the_user_chose(
    server: HTTPServer,
    write: Writer,
    monkeypatch: pytest.MonkeyPatch,
    netrc_default: str,
    how: str,
) -> None:
    index = published(server)
    lock = write("requirements.txt", HASHED)
    args: list[str] = []
    if how == "--index-url":
        args = ["--index-url", index.url]
    elif how == "--config":
        config = write("trusted/ci.toml", f'index-url = "{index.url}"\n')
        args = ["--config", str(config)]
    else:
        monkeypatch.setenv("PIP_INDEX_URL", index.url)
    assert verify(*args, str(lock)) == 0
    assert sent_auth(index) == {netrc_default}


def test_netrc_machine_entry_still_goes_to_its_own_host(
    server: HTTPServer, write: Writer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text(
        f"machine {server.host} login own password own-secret\n"
        "default login dflt password netrc-default-secret\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("NETRC", str(netrc))
    index = published(server)
    lock = write("requirements.txt", f"--index-url {index.url}\n{HASHED}")
    assert verify(str(lock)) == 0
    assert sent_auth(index) == {basic("own", "own-secret")}


def test_store_promotes_an_origin_the_user_chose_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("default login dflt password pw\n", encoding="utf-8")
    monkeypatch.setenv("NETRC", str(netrc))
    store = CredentialStore()
    store.add("https://idx.example.test/simple")
    assert store.for_url("https://idx.example.test/pypi/x/json") is None
    store.add("https://idx.example.test/other/simple", user_chosen=True)
    assert store.for_url("https://idx.example.test/x") == Credentials("dflt", "pw")
    store.add("https://idx.example.test/simple")  # named again by a lockfile: kept
    assert store.for_url("https://idx.example.test/x") == Credentials("dflt", "pw")
    assert store.for_url("https://elsewhere.example.test/x") is None


# --- redact, over any text ----------------------------------------------------------------

_PLAIN = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789 .,:;-_=()", max_size=30)
# What userinfo may hold unescaped (RFC 3986), plus "@", which installers accept in it.
_USERINFO = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@%", max_size=20)


@settings(max_examples=300, deadline=None)
@given(prefix=_PLAIN, user=_USERINFO, rest=_USERINFO, host=_PLAIN, suffix=_PLAIN)
def test_redact_hides_any_password(
    prefix: str, user: str, rest: str, host: str, suffix: str
) -> None:
    host = "".join(c for c in host if c.isalnum() or c in ".-") or "h"
    url = f"git+https://{user}:SECRET{rest}@{host}/r.git@v1"
    redacted = redact(f"{prefix} {url} {suffix}")
    assert "SECRET" not in redacted
    assert f"***@{host}/r.git@v1" in redacted


@pytest.mark.parametrize(
    "hostile",
    [
        "a://" * 250_000,
        "https://" + "@" * 1_000_000,
        "a" * 1_000_000 + "://x@y",
        ("https://u:p" + "@" * 10 + " ") * 50_000,
    ],
)
def test_redact_on_megabyte_hostile_lines(hostile: str) -> None:
    # Linear time is measured by the benchmark (bench/), never timed here; a quadratic
    # pattern would not finish this test. What is asserted: no credential survives.
    redacted = redact(hostile)
    assert "u:p@" not in redacted
    assert len(redacted) <= len(hostile) + 2  # "x@" becomes "***@"
