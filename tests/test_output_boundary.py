"""The output boundary (design.md): text from lockfiles, configuration, the index and file
names reaches no reporter and no stderr line raw (issue 9, items 5-7).

A pull request writes the lockfiles and the in-tree config a CI run reads. Its text must
not start GitHub workflow commands (``::add-mask::``, ``::error``), send terminal escape
sequences, reorder a line with bidi overrides, or crash a reporter with undecodable bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer

from conftest import Result, run_cli, run_process
from fake_index import FakeIndex, fake_digest, local_server
from lockcheck.findings import ErrorEntry, FileSummary, Finding, Report, Severity
from lockcheck.model import Location, LockFormat, Note
from lockcheck.report import github, sarif, text
from lockcheck.report import json as json_report
from lockcheck.safetext import escape_controls, safe
from support_index_env import isolated_index_env, verify_timeout  # noqa: F401 (fixtures)

Writer = Callable[..., Path]
FORMATS = ("text", "json", "sarif", "github")

# What must never reach output raw: C0 controls but newline, DEL, C1 controls, line and
# paragraph separators, bidi overrides and isolates, lone surrogates.
_RAW = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_OUR_COMMAND = re.compile(r"::(error|warning|notice) file=")
HOSTILE = (
    "x\x1b[2K\r\n::add-mask::hidden\n::error::pwned\u202egnp.\x9b31m\x07"
    " ##[add-mask]legacy ##vso[task.setvariable variable=PATH]/tmp"
)
# A logging command runners act on anywhere in a line (GitHub's legacy form, Azure's).
_ANYWHERE_COMMAND = re.compile(r"##(\[|vso\[)", re.IGNORECASE)


def assert_printable(output: str, *, workflow: bool = False) -> None:
    """No control character, and no line a CI runner would read as a workflow command
    (lockcheck's own annotations aside, in the github format)."""
    assert _RAW.search(output) is None, repr(_RAW.search(output))
    assert _ANYWHERE_COMMAND.search(output) is None, output
    for line in output.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("::", "##[")):
            assert workflow and _OUR_COMMAND.match(stripped), line


def strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings_in(key)
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def assert_report_safe(fmt: str, stdout: str) -> None:
    """The rendered report is safe as a whole and, for JSON and SARIF, field by field (a
    consumer decodes the strings and prints them)."""
    assert_printable(stdout, workflow=fmt == "github")
    if fmt == "json":
        data = json.loads(stdout)
        for key in ("files", "findings", "errors", "notes"):
            for string in strings_in(data[key]):
                assert "\n" not in string and _RAW.search(string) is None, string
    if fmt == "sarif":
        run = json.loads(stdout)["runs"][0]
        for string in strings_in([run["results"], run["invocations"]]):
            assert "\n" not in string and _RAW.search(string) is None, string


def check(*args: str, fmt: str) -> Result:
    return run_cli("check", "--no-progress", "--format", fmt, *args)


# --- the boundary itself ------------------------------------------------------------------


def test_escape_controls_shows_what_it_hides() -> None:
    assert escape_controls("a\nb\x1b[2K\x9b\u202e\u2028") == "a\\x0ab\\x1b[2K\\x9b\\u202e\\u2028"
    # A byte that is not UTF-8, as the OS decodes it (surrogateescape): its value.
    assert escape_controls(os.fsdecode(b"req-\xff.txt")) == "req-\\xff.txt"
    # Printable text, ASCII or not, is left alone; escaping twice changes nothing.
    assert escape_controls("café-Ünïcode 名前") == "café-Ünïcode 名前"
    assert escape_controls(escape_controls(HOSTILE)) == escape_controls(HOSTILE)
    assert safe("https://u:p@ss@h/x\n") == "https://***@h/x\\x0a"
    assert safe("a ##[add-mask]b ##VSO[x]") == "a #\\x23[add-mask]b #\\x23VSO[x]"
    assert safe(safe(HOSTILE)) == safe(HOSTILE)


def hostile_report() -> Report:
    path = os.fsdecode(b"dir\n::error::f\xff/requirements.txt")
    finding = Finding(
        "LC002",
        "missing-hash",
        Severity.ERROR,
        Location(path, 3),
        f"message {HOSTILE} https://user:tok3n@h.example.test/x",
        package=f"pkg{HOSTILE}",
        version=f"1.0{HOSTILE}",
        fix=f"fix {HOSTILE}",
    )
    waived = Finding(
        "LC304",
        "yanked-version",
        Severity.ERROR,
        Location(path, 4),
        f"yanked{HOSTILE}",
        waived=True,
        waiver_reason=f"reason{HOSTILE}",
    )
    return Report(
        files=(FileSummary(path, LockFormat.REQUIREMENTS, 2),),
        findings=(finding, waived),
        errors=(ErrorEntry(path, 1, f"cannot parse {HOSTILE}"),),
        failing=frozenset({finding}),
        notes=(Note(Location(path, 2), f"note {HOSTILE}"),),
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_reporter_gets_only_safe_strings(fmt: str) -> None:
    report = hostile_report()
    renderers: dict[str, Callable[[Report], str]] = {
        "text": lambda r: text.render(r),
        "json": json_report.render,
        "sarif": sarif.render,
        "github": lambda r: github.render(r),
    }
    rendered = renderers[fmt](report)
    assert_report_safe(fmt, rendered)
    assert "tok3n" not in rendered
    rendered.encode("utf-8")  # no lone surrogate left: writable to any UTF-8 stream
    # The boundary keeps what the exit code needs.
    assert report.exit_code() == 2
    assert len(report.failing) == 1 and next(iter(report.failing)) in report.findings


# --- end to end: hostile lockfiles, file names, config and index --------------------------

HOSTILE_PYLOCK = r"""lock-version = "1.0"
created-by = "x"

[[packages]]
name = "evil\u001b[2K\n::error::pwned ##[add-mask]x"
version = "1.0\n::add-mask::v\u202e"

[[packages.wheels]]
name = "evil-1.0-py3-none-any.whl"
url = "https://u:tok%40en@files.example.test/evil-1.0-py3-none-any.whl\u0007"
"""


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_names_versions_and_urls(write: Writer, fmt: str) -> None:
    lock = write("pylock.toml", HOSTILE_PYLOCK)
    result = check(str(lock), fmt=fmt)
    assert result.exit_code == 1
    assert_report_safe(fmt, result.stdout)
    assert_printable(result.stderr)
    assert "tok%40en" not in result.stdout and "tok@en" not in result.stdout
    # Still there, shown, not dropped.
    assert "::error::pwned" in result.stdout.replace("%3A", ":")


HOSTILE_DIR = "d\n::error::injected\x1b[2K"


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_file_names_in_reports_and_stderr(tmp_path: Path, fmt: str) -> None:
    directory = tmp_path / HOSTILE_DIR
    directory.mkdir()
    (directory / "requirements.txt").write_text("six==1.16.0\n", encoding="utf-8")
    (directory / "requirements-dev.txt").write_text("-r missing\x1b.txt\n", encoding="utf-8")
    start = tmp_path / "::add-mask::x"
    start.mkdir()
    (start / "requirements.txt").write_text("six==1.16.0\n", encoding="utf-8")
    result = check(str(tmp_path), fmt=fmt)
    assert result.exit_code == 2
    assert_report_safe(fmt, result.stdout)
    # The input error goes to stderr in every format: github's too (item 6).
    assert "requirements-dev.txt" in result.stderr
    assert_printable(result.stderr)


def test_text_never_starts_a_line_with_a_workflow_command(write: Writer) -> None:
    write("::add-mask::x/requirements.txt", "six==1.16.0\n")
    result = check(".", fmt="text")
    assert result.exit_code == 1
    assert result.stdout.startswith("./::add-mask::x/requirements.txt:1: LC002")
    assert_printable(result.stdout)


@pytest.mark.parametrize("fmt", FORMATS)
def test_file_name_not_utf8_in_a_real_process(tmp_path: Path, fmt: str) -> None:
    """Item 7: a name the OS cannot decode as UTF-8 crashed sarif and -o."""
    name = os.fsdecode(b"requirements-\xff\x1b.txt")
    (tmp_path / name).write_text("six==1.16.0\n", encoding="utf-8")
    out = tmp_path / "report.out"
    result = run_process("check", "--format", fmt, "-o", str(out), name, cwd=tmp_path)
    assert result.exit_code == 1, result.stderr
    assert "Traceback" not in result.stderr
    written = out.read_text(encoding="utf-8")
    assert_report_safe(fmt, written)
    # JSON doubles the backslash of the escape; a SARIF URI quotes it.
    shown = written.replace("\\\\", "\\").replace("%5C", "\\")
    assert "requirements-\\xff\\x1b.txt" in shown
    streamed = run_process("check", "--format", fmt, name, cwd=tmp_path)
    assert streamed.exit_code == 1 and streamed.stdout == written


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_waiver_reason(write: Writer, fmt: str) -> None:
    lock = write("requirements.txt", "six==1.16.0\n")
    expires = dt.date.today() + dt.timedelta(days=30)
    write(
        "lockcheck.toml",
        '[[waiver]]\ncode = "LC002"\nreason = "ok\\n::add-mask::secret\\u001b[2K"\n'
        f"expires = {expires}\n",
    )
    result = run_cli("check", "--format", fmt, str(lock))
    assert result.exit_code == 0
    assert_report_safe(fmt, result.stdout)
    # The reason is shown (the in-tree waiver's note; SARIF's justification), escaped.
    assert "::add-mask::secret" in result.stdout.replace("%3A", ":")


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    with local_server() as running:
        yield running


@pytest.mark.usefixtures("verify_timeout")
@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_yank_reason_from_the_index(server: HTTPServer, write: Writer, fmt: str) -> None:
    index = FakeIndex(server, mode="json")
    wheel = "demo-1.0-py3-none-any.whl"
    index.add_file("demo", "1.0", wheel)
    index.yank("demo", "1.0", reason=f"bad {HOSTILE}")
    lock = write("requirements.txt", f"demo==1.0 --hash=sha256:{fake_digest(wheel)}\n")
    result = check("--verify", "--index-url", index.url, str(lock), fmt=fmt)
    assert result.exit_code == 0, result.stderr  # LC304 is a warning
    assert "LC304" in result.stdout
    assert "pwned" in result.stdout  # the reason is shown, escaped
    assert_report_safe(fmt, result.stdout)
    assert_printable(result.stderr)


def test_usage_errors_on_stderr_are_escaped(write: Writer, tmp_path: Path) -> None:
    lock = write("requirements.txt", "six==1.16.0\n")
    missing = tmp_path / "no\n::error::such\x1b[2K" / "report.txt"
    result = run_cli("check", "--format", "github", "-o", str(missing), str(lock))
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("lockcheck: error: --output ")
    assert_printable(result.stderr)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_safe_output_of_any_text(text: str) -> None:
    shown = safe(text)
    assert _RAW.search(shown) is None and "\n" not in shown
    assert _ANYWHERE_COMMAND.search(shown) is None
    assert safe(shown) == shown
    shown.encode("utf-8")


@settings(max_examples=100, deadline=None)
@given(st.binary(min_size=1, max_size=40))
def test_safe_output_of_any_file_name(raw: bytes) -> None:
    shown = safe(os.fsdecode(raw))
    assert _RAW.search(shown) is None and "\n" not in shown
    shown.encode("utf-8")
