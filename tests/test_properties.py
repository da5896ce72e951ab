"""Property tests: the requirements parser raises nothing but LockfileError, whatever it reads."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lockcheck.errors import LockfileError
from lockcheck.model import Lockfile
from lockcheck.parsers import requirements

# Pieces of real requirement lines, so generated text reaches deep into the grammar
# instead of failing on the first character.
FRAGMENTS = st.sampled_from(
    [
        "requests",
        "Foo_Bar.baz",
        "==",
        "===",
        ">=",
        "~=",
        "!=",
        "1.0",
        "2.*",
        "1.0+local",
        "v1",
        "[",
        "]",
        "extra",
        ",",
        ";",
        " ; ",
        "python_version",
        "<",
        "'3.11'",
        '"win32"',
        " and ",
        "sys_platform",
        "==",
        "@",
        " @ ",
        "https://",
        "http://",
        "git+",
        "git+ssh://git@",
        "file:",
        "./",
        "../",
        "/",
        "index.example.test",
        "/simple",
        "#egg=",
        "#sha256=",
        "#md5=",
        "&subdirectory=",
        "--hash=",
        "--hash",
        "sha256:",
        "md5:",
        "a" * 64,
        "-e",
        " -e ",
        "-r",
        "-c",
        "--index-url",
        "-i",
        "--extra-index-url",
        "--find-links",
        "-f",
        "--trusted-host",
        "--require-hashes",
        "--no-index",
        "--pre",
        "--only-binary",
        ":all:",
        "--global-option",
        "--config-settings",
        "-C",
        "x=y",
        " ",
        "  ",
        "\\",
        "\\\n",
        "\n",
        "#",
        " # comment",
        "'",
        '"',
        "${TOKEN}",
        ":",
        "\t",
        "\x00",
        "é",
        "\u2028",
        "\r\n",
        ".whl",
        ".tar.gz",
        "foo-1.0-py3-none-any.whl",
    ]
)
LINE_TEXT = st.lists(FRAGMENTS, max_size=12).map("".join)
FILE_TEXT = st.lists(LINE_TEXT, max_size=8).map("\n".join)


def parse_text(data: bytes) -> Lockfile | None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "requirements.txt"
        path.write_bytes(data)
        (Path(directory) / "included.txt").write_text("six==1.16.0\n")
        try:
            return requirements.parse(str(path))
        except LockfileError as exc:
            assert exc.path.endswith(".txt")
            return None


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FILE_TEXT)
def test_grammar_shaped_text_only_raises_lockfile_error(text: str) -> None:
    lock = parse_text(text.encode("utf-8", "surrogatepass"))
    if lock is not None:
        for package in lock.packages:
            assert package.location.line is not None and package.location.line >= 1
            # Only a local editable may lack a name: its pyproject.toml names it, if any.
            assert package.name or package.source.kind.value == "directory"


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_only_raises_lockfile_error(text: str) -> None:
    parse_text(text.encode("utf-8", "surrogatepass"))


@settings(max_examples=200, deadline=None)
@given(st.binary())
def test_any_bytes_only_raise_lockfile_error(data: bytes) -> None:
    parse_text(data)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.from_regex(r"[A-Za-z][A-Za-z0-9._-]{0,10}[A-Za-z0-9]", fullmatch=True),
            st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,3}){0,3}", fullmatch=True),
            st.lists(st.from_regex(r"[0-9a-f]{64}", fullmatch=True), min_size=1, max_size=4),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_well_formed_locks_round_trip(entries: list[tuple[str, str, list[str]]]) -> None:
    """Every pinned, hashed entry comes back with its name, version, hashes and line."""
    lines: list[str] = []
    expected = []
    for name, version, digests in entries:
        expected.append((len(lines) + 1, name, version, digests))
        lines.append(f"{name}=={version} \\")
        lines.extend(f"    --hash=sha256:{d} \\" for d in digests[:-1])
        lines.append(f"    --hash=sha256:{digests[-1]}")
        lines.append("    # via something")
    lock = parse_text("\n".join(lines).encode())
    assert lock is not None
    got = [
        (p.location.line, p.display_name, p.version, [h.digest for h in p.hashes])
        for p in lock.packages
    ]
    assert got == expected
