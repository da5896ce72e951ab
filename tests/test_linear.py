"""Hostile lines and documents: every parser and the redactor stay linear (issue 9, 12 and 15).

No test here times anything (bench/bench.py --only hostile prints the figures). The lines are
long enough that the old quadratic code ran for minutes on them; here they must parse and
give the right answer. The line-number lookup in TOML documents is checked by counting the
characters it searches, which is exact.
"""

from __future__ import annotations

import hashlib
import re
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lockcheck.errors import LockfileError
from lockcheck.model import SourceKind, UrlRole
from lockcheck.parsers import poetry, requirements, shell_words, uv
from lockcheck.parsers.requirements_syntax import logical_lines, strip_comment
from lockcheck.parsers.toml_document import TomlDocument
from lockcheck.urls import redact

Writer = Callable[..., Path]
LONG = 200_000  # the old comment regex needed minutes on a fifth of this
DIGEST = "a" * 64

# pip's own definition of a comment (pip/_internal/req/req_file.py): the oracle, on short
# lines only, for the linear rewrite.
PIP_COMMENT = re.compile(r"(^|\s+)#.*$")
# The redactor as it was: what it found must still be found.
OLD_CREDENTIALS = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<auth>[^/@\s]+)@")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=" \t\u00a0#ab\\", max_size=24))
def test_comment_stripping_agrees_with_pips_pattern(line: str) -> None:
    assert strip_comment(line).strip() == PIP_COMMENT.sub("", line).strip()


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ah1+.-:/@ \tp", max_size=30))
def test_redaction_hides_everything_the_old_pattern_hid(text: str) -> None:
    redacted = redact(text)
    for match in OLD_CREDENTIALS.finditer(text):
        secret = match.group("auth")
        assert f"{match.group('scheme')}{secret}@" not in redacted


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet="ab \t\n\r'\"\\#\u00a0", max_size=16))
def test_option_words_agree_with_shlex(text: str) -> None:
    try:
        expected: list[str] | str = shlex.split(text)
    except ValueError as exc:
        expected = f"error: {exc}"
    try:
        got: list[str] | str = shell_words.split(text)
    except ValueError as exc:
        got = f"error: {exc}"
    assert got == expected


def test_long_option_value(write: Writer) -> None:
    # shlex copies a token once per character: this value took minutes.
    value = "a1+.-" * (LONG // 5)
    lock = requirements.parse(
        str(write("requirements.txt", f"--find-links '{value}'\n--extra-index-url {value}x\n"))
    )
    assert [(ref.role, ref.url) for ref in lock.indexes] == [
        (UrlRole.FIND_LINKS, value),
        (UrlRole.EXTRA_INDEX, f"{value}x"),
    ]


def packages(write: Writer, text: str) -> list[Any]:
    return list(requirements.parse(str(write("requirements.txt", text))).packages)


def test_long_whitespace_before_a_comment(write: Writer) -> None:
    # pip's pattern retries every start inside a whitespace run that a "#" does not end.
    spaces = " " * LONG
    found = packages(write, f"six==1.16.0{spaces}--hash=sha256:{DIGEST}{spaces}# via{spaces}x#\n")
    assert [(p.name, p.version) for p in found] == [("six", "1.16.0")]
    assert [h.digest for h in found[0].hashes] == [DIGEST]


def test_long_whitespace_without_a_comment_sign_is_kept(write: Writer) -> None:
    # "#" glued to a word is not a comment (pip): the line stays one bad requirement.
    with pytest.raises(LockfileError) as caught:
        packages(write, f"six{' ' * LONG}x#y\n")
    assert caught.value.line == 1


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f"six{' ' * LONG}==1.16.0", ("six", "1.16.0", ())),
        (f"six[a]{' ' * LONG}==1.16.0", ("six", "1.16.0", ("a",))),
        (f"six=={' ' * LONG}1.16.0{' ' * LONG}", ("six", "1.16.0", ())),
        (f"six==1.16.0{' ' * LONG}; python_version > '3'", ("six", "1.16.0", ())),
    ],
)
def test_pin_with_long_whitespace(
    write: Writer, line: str, expected: tuple[str, str, tuple[str, ...]]
) -> None:
    (found,) = packages(write, f"{line} --hash=sha256:{DIGEST}\n")
    assert (found.name, found.version, found.extras) == expected
    assert [h.digest for h in found.hashes] == [DIGEST]


def test_long_whitespace_that_is_not_a_pin(write: Writer) -> None:
    with pytest.raises(LockfileError) as caught:
        packages(write, f"six{' ' * LONG}x\n")
    assert "cannot parse requirement" in caught.value.message


def test_long_url_requirement(write: Writer) -> None:
    (found,) = packages(write, f"six @ https://files.example.test/{'a' * LONG}.whl{' ' * LONG}\n")
    assert found.source.kind is SourceKind.URL
    assert found.source.url.endswith("a.whl")


def test_many_continuations_with_comments(write: Writer) -> None:
    hashes = "".join(f"    --hash=sha256:{i:064x} \\\n" for i in range(5_000))
    text = f"six==1.16.0 \\\n{hashes}    --hash=sha256:{DIGEST}\n    # via{' ' * LONG}#\n"
    (found,) = packages(write, text)
    assert len(found.hashes) == 5_001


def test_logical_lines_of_hostile_text() -> None:
    spaces = " " * LONG
    text = f"a{spaces}b{spaces}#x\n{spaces}# only a comment\nb==1 \\\n{spaces}c #c\n"
    assert [(n.number, n.text) for n in logical_lines(text)] == [
        (1, f"a{spaces}b"),
        (3, f"b==1 {spaces}c"),
    ]


def test_redacting_long_runs_of_scheme_characters() -> None:
    run = "a1+.-" * (LONG // 5)
    assert redact(run) == run
    assert redact(f"{run}https://user:token@host/") == f"{run}https://***@host/"
    assert redact(f"x 1git+https://token@host/ {run}") == f"x 1git+https://***@host/ {run}"


# --- TOML: the line of every artifact, looked up in linear work ------------------------


class CountingText(str):
    """Document text that counts the characters each find() may search."""

    searched = 0

    def find(self, sub: Any, start: Any = None, end: Any = None) -> int:
        begin = 0 if start is None else start
        stop = len(self) if end is None else end
        CountingText.searched += max(stop - begin, 0)
        return super().find(sub, start, end)


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> type[CountingText]:
    """Count the searches the parsers make once the TOML is loaded (not tomllib's own)."""
    real = TomlDocument.read

    def read(path: str) -> TomlDocument:
        document = real(path)
        object.__setattr__(document, "text", CountingText(document.text))
        return document

    monkeypatch.setattr(TomlDocument, "read", staticmethod(read))
    CountingText.searched = 0
    return CountingText


def digest(i: int, j: int) -> str:
    return hashlib.sha256(f"{i}-{j}".encode()).hexdigest()


def poetry_1x(count: int, files: int = 4) -> str:
    """A poetry 1.x lock: every file hash in one [metadata.files] table at the end."""
    out = [
        f'[[package]]\nname = "pkg{i}"\nversion = "1.0"\ndescription = ""\n'
        f'category = "main"\noptional = false\npython-versions = "*"\n\n'
        for i in range(count)
    ]
    out.append(
        '[metadata]\nlock-version = "1.1"\npython-versions = "^3.10"\n'
        f'content-hash = "{"0" * 64}"\n\n[metadata.files]\n'
    )
    for i in range(count):
        out.append(f"pkg{i} = [\n")
        out.extend(
            f'    {{file = "pkg{i}-1.0-{j}-py3-none-any.whl", hash = "sha256:{digest(i, j)}"}},\n'
            for j in range(files)
        )
        out.append("]\n")
    return "".join(out)


def uv_with_header_in_a_string(count: int, files: int = 4) -> str:
    """A uv.lock whose first package's description holds a ``[[package]]`` line, so the
    headers cannot be matched to the packages and every lookup spans the whole file."""
    out = ['version = 1\nrequires-python = ">=3.10"\n\n']
    for i in range(count):
        out.append(
            f'[[package]]\nname = "pkg{i}"\nversion = "1.0"\n'
            'source = { registry = "https://index.example.test/simple" }\n'
        )
        if i == 0:
            out.append('[package.metadata]\nnote = """\n[[package]]\n"""\n')
        out.append("wheels = [\n")
        out.extend(
            f'    {{ url = "https://files.example.test/pkg{i}-1.0-{j}-py3-none-any.whl", '
            f'hash = "sha256:{digest(i, j)}" }},\n'
            for j in range(files)
        )
        out.append("]\n\n")
    return "".join(out)


def assert_lines_point_at_hashes(lock: Any, text: str) -> None:
    lines = text.splitlines()
    artifacts = [a for p in lock.packages for a in p.artifacts]
    assert artifacts
    for artifact in artifacts:
        assert artifact.hashes[0].digest in lines[artifact.location.line - 1]


def test_poetry_1x_lines_in_linear_work(write: Writer, counting: type[CountingText]) -> None:
    text = poetry_1x(3_000)
    lock = poetry.parse(str(write("poetry.lock", text)))
    assert len(lock.packages) == 3_000
    assert_lines_point_at_hashes(lock, text)
    # The old search read from the top of [metadata.files] for every file: ~N^2/2.
    assert counting.searched <= 5 * len(text)


def test_toml_with_header_in_a_string_lines_in_linear_work(
    write: Writer, counting: type[CountingText]
) -> None:
    text = uv_with_header_in_a_string(3_000)
    lock = uv.parse(str(write("uv.lock", text)))
    assert len(lock.packages) == 3_000
    assert_lines_point_at_hashes(lock, text)
    assert counting.searched <= 5 * len(text)


def test_plain_search_is_capped_when_values_are_not_indexable(
    write: Writer, counting: type[CountingText]
) -> None:
    # Escaped strings are not in the quoted-string index; plain search stays bounded and
    # the artifacts fall back to a line in the file, never a wrong value or an error.
    text = poetry_1x(2_000).replace('hash = "sha256:', 'hash = "sha256\\u003a')
    lock = poetry.parse(str(write("poetry.lock", text)))
    assert len(lock.packages) == 2_000
    assert counting.searched <= 5 * len(text)
    last = text.count("\n") + 1
    assert all(
        a.location.line is not None and 1 <= a.location.line <= last
        for p in lock.packages
        for a in p.artifacts
    )
