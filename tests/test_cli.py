"""The command line as users meet it: output formats, exit codes, bad input, discovery."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import run_cli, run_process
from lockcheck import __version__
from lockcheck.rules import ALL_RULES

Writer = Callable[..., Path]
GOOD = "six==1.16.0 --hash=sha256:" + "a" * 64 + "\n"
UNHASHED = "six==1.16.0\n"


def test_version_in_a_real_process() -> None:
    result = run_process("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"lockcheck {__version__}"


def test_rules_lists_every_rule() -> None:
    result = run_cli("rules")
    assert result.exit_code == 0
    listed = re.findall(r"^(LC\d{3})\s+(\S+)", result.stdout, re.M)
    assert listed == [(r.code, r.name) for r in ALL_RULES]


@pytest.mark.parametrize("name", ["LC002", "missing-hash", "lc002"])
def test_rules_explains_one(name: str) -> None:
    result = run_cli("rules", name)
    assert result.exit_code == 0
    assert result.stdout.startswith("# LC002 missing-hash")
    for section in ("## What it does", "## Why is this bad?", "## How to fix", "## Example"):
        assert section in result.stdout


def test_rules_unknown_code() -> None:
    result = run_cli("rules", "LC999")
    assert result.exit_code == 2
    assert "LC999" in result.stderr


def test_text_output_format(write: Writer) -> None:
    lock = write("requirements.txt", GOOD + UNHASHED.replace("six", "idna"))
    result = run_cli("check", str(lock))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "requirements.txt:2: LC002 missing-hash idna==1.16.0: no hash: pip installs it unchecked"
    )
    assert lines[-1] == (
        "Checked 1 file (1 requirements), 2 packages: 1 finding (1 error). "
        "LC301-LC309 skipped: they need --verify."
    )


def test_quiet_prints_findings_only(write: Writer) -> None:
    result = run_cli("check", "--quiet", str(write("requirements.txt", UNHASHED)))
    assert len(result.stdout.splitlines()) == 1
    clean = run_cli("check", "-q", str(write("r2.txt", GOOD)))
    assert clean.stdout == ""
    assert clean.exit_code == 0


def test_json_schema(write: Writer) -> None:
    lock = write("requirements.txt", UNHASHED)
    data = run_cli("check", "--format", "json", str(lock)).json
    assert set(data) == {"version", "tool", "files", "findings", "errors", "notes", "summary"}
    assert data["version"] == 1
    assert data["tool"] == {"name": "lockcheck", "version": __version__}
    assert data["files"] == [{"path": "requirements.txt", "format": "requirements", "packages": 1}]
    assert data["findings"] == [
        {
            "code": "LC002",
            "name": "missing-hash",
            "severity": "error",
            "path": "requirements.txt",
            "line": 1,
            "package": "six",
            "version": "1.16.0",
            "message": "no hash: pip installs it unchecked",
            "fix": data["findings"][0]["fix"],
            "waived": False,
        }
    ]
    assert "generate-hashes" in data["findings"][0]["fix"]
    assert data["errors"] == []
    assert data["summary"] == {
        "files": 1,
        "packages": 1,
        "findings": 1,
        "verified": 0,
        "unverified": 0,
    }


def test_exit_codes_and_precedence(write: Writer) -> None:
    good, bad = write("requirements.txt", GOOD), write("r2.txt", UNHASHED)
    broken = write("r3.txt", "six==1.16.0 --no-such-option\n")
    assert run_cli("check", str(good)).exit_code == 0
    assert run_cli("check", str(bad)).exit_code == 1
    assert run_cli("check", str(broken)).exit_code == 2
    # Errors (2) win over findings (1), and the other files are still reported.
    both = run_cli("check", "--format", "json", str(broken), str(bad))
    assert both.exit_code == 2
    assert both.codes() == ["LC002"]
    assert both.json["errors"] == [
        {"path": "r3.txt", "line": 1, "message": "no such option: --no-such-option"}
    ]


HOSTILE: list[tuple[str, bytes, str]] = [
    ("binary", b"\x7fELF\x02\x01\x01\x00\x00\x00junk", r"requirements\.txt:1: error: binary"),
    (
        "invalid-utf8",
        b"six==1.16.0\nidna==3.10 # caf\xe9\n",
        r"requirements\.txt:2: error: not valid UTF-8",
    ),
    (
        "bad-line",
        b"six==1.16.0\n\nthis is not a requirement!\n",
        r"requirements\.txt:3: error: cannot parse requirement",
    ),
    (
        "bad-marker",
        b"six==1.16.0 ; python_version >>> '3'\n",
        r"requirements\.txt:1: error: invalid marker",
    ),
    (
        "missing-include",
        b"-r nowhere.txt\n",
        r"requirements\.txt:1: error: included file 'nowhere.txt' does not exist",
    ),
    (
        "bad-quote",
        b"six==1.16.0 --global-option='unterminated\n",
        r"requirements\.txt:1: error: cannot split options",
    ),
]


@pytest.mark.parametrize(("name", "content", "expected"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_bad_input_is_one_line_exit_2(
    write: Writer, name: str, content: bytes, expected: str
) -> None:
    lock = write("requirements.txt", content)
    other = write("other/requirements.txt", UNHASHED)
    result = run_cli("check", str(lock), str(other))
    assert result.exit_code == 2
    assert re.fullmatch(expected + r"[^\n]*\n", result.stderr), result.stderr
    assert "other/requirements.txt:1: LC002" in result.stdout


def test_include_cycle(write: Writer) -> None:
    write("a.txt", "-r b.txt\n")
    write("b.txt", "six==1.16.0\n-r a.txt\n")
    result = run_cli("check", "a.txt")
    assert result.exit_code == 2
    assert result.stderr == "b.txt:2: error: include cycle: a.txt -> b.txt -> a.txt\n"


def test_self_include(write: Writer) -> None:
    write("requirements.txt", "-r requirements.txt\n")
    result = run_cli("check", "requirements.txt")
    assert result.exit_code == 2
    assert "include cycle" in result.stderr


def test_missing_path_and_directory_as_file(write: Writer) -> None:
    write("requirements.txt", GOOD)
    result = run_cli("check", "nope.txt", "requirements.txt")
    assert result.exit_code == 2
    assert result.stderr == "nope.txt: error: no such file or directory\n"
    assert "1 input error" in result.stdout


def test_huge_file_is_checked_not_choked_on(write: Writer) -> None:
    lines = [f"pkg{i}==1.0.{i} \\\n    --hash=sha256:{i:064x}\n" for i in range(20_000)]
    lines.append("bad line here\n")
    lock = write("requirements.txt", "".join(lines))
    result = run_process("check", str(lock))
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "requirements.txt:40001: error: cannot parse requirement 'bad line here': "
    )
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_no_traceback_in_a_real_process(write: Writer) -> None:
    lock = write("requirements.txt", b"\xff\xfe\x00\x01garbage")
    result = run_process("check", str(lock))
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_credentials_never_printed(write: Writer) -> None:
    secret = "hunter2-very-secret"
    lock = write(
        "requirements.txt",
        f"--index-url https://user:{secret}@index.example.test/simple\n"
        f"foo @ https://tok:{secret}@files.example.test/foo-1.0.tar.gz\n"
        f"bar==1 --bad-option https://u:{secret}@x.example.test/\n",
    )
    for fmt in ("text", "json"):
        result = run_cli("check", "--format", fmt, str(lock))
        assert secret not in result.stdout + result.stderr


def test_output_file_written_atomically(write: Writer, tmp_path: Path) -> None:
    lock = write("requirements.txt", UNHASHED)
    before = lock.read_bytes()
    out = tmp_path / "report.json"
    result = run_cli("check", "--format", "json", "--output", str(out), str(lock))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert '"LC002"' in out.read_text()
    assert lock.read_bytes() == before  # never modifies the checked file
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == []


def test_directory_discovery(write: Writer) -> None:
    write("requirements.txt", UNHASHED)
    write("requirements-dev.lock", UNHASHED)
    write("requirements/test.txt", UNHASHED)
    write("constraints.txt", UNHASHED)
    write("docs/requirements-docs.txt", UNHASHED)
    write("setup.txt", UNHASHED)  # not a lockfile name
    write(".venv/pyvenv.cfg", "")
    write(".venv/requirements.txt", UNHASHED)
    write("node_modules/x/requirements.txt", UNHASHED)
    write("env/pyvenv.cfg", "")
    write("env/lib/requirements.txt", UNHASHED)
    data = run_cli("check", "--format", "json").json
    assert sorted(f["path"] for f in data["files"]) == [
        "constraints.txt",
        "docs/requirements-docs.txt",
        "requirements-dev.lock",
        "requirements.txt",
        "requirements/test.txt",
    ]


def test_config_exclude_applies_to_discovery(write: Writer) -> None:
    write("lockcheck.toml", 'exclude = ["legacy/*"]\n')
    write("requirements.txt", GOOD)
    write("legacy/requirements.txt", UNHASHED)
    data = run_cli("check", "--format", "json", ".").json
    assert [f["path"] for f in data["files"]] == ["requirements.txt"]


def test_same_include_via_two_files_is_reported_once(write: Writer) -> None:
    write("requirements/base.txt", UNHASHED)
    write("requirements/dev.txt", "-r base.txt\n")
    write("requirements/test.txt", "-r base.txt\n")
    data = run_cli("check", "--format", "json", "requirements").json
    assert [(f["code"], f["path"]) for f in data["findings"]] == [
        ("LC002", os.path.join("requirements", "base.txt"))
    ]


def test_unknown_format_is_usage_error(write: Writer) -> None:
    result = run_cli("check", "--format", "yaml", str(write("requirements.txt", GOOD)))
    assert result.exit_code == 2


def test_findings_grouped_by_file_with_fix_hints(write: Writer) -> None:
    first = write("a/requirements.txt", UNHASHED + "idna>=3\n")
    second = write("b/requirements.txt", UNHASHED)
    lines = run_cli("check", str(first), str(second)).stdout.splitlines()
    assert lines[0].startswith("a/requirements.txt:1: LC002")
    assert lines[1].startswith("    fix: ")
    assert lines[2].startswith("a/requirements.txt:2: LC001")
    assert lines[4] == ""  # a blank line between files
    assert lines[5].startswith("b/requirements.txt:1: LC002")


def test_fix_hint_reruns_the_command_in_the_header(write: Writer) -> None:
    header = (
        "#\n# This file is autogenerated by pip-compile with Python 3.11\n"
        "# by the following command:\n#\n#    pip-compile --output-file=requirements.txt\n#\n"
    )
    lock = write("requirements.txt", header + UNHASHED)
    (finding,) = run_cli("check", "--format", "json", str(lock)).json["findings"]
    assert finding["fix"] == ("run `pip-compile --generate-hashes --output-file=requirements.txt`")
    export = write(
        "requirements-export.txt",
        "# This file was autogenerated by uv via the following command:\n"
        "#    uv export -o requirements-export.txt\n-e .\n" + GOOD,
    )
    (editable,) = run_cli("check", "--format", "json", str(export)).json["findings"]
    assert editable["fix"].startswith(
        "run `uv export --no-emit-project -o requirements-export.txt`"
    )


@pytest.mark.parametrize(
    ("env", "coloured"),
    [
        ({}, False),
        ({"FORCE_COLOR": "1"}, True),
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        ({"FORCE_COLOR": "0"}, False),
    ],
)
def test_colour_honours_no_color_and_force_color(
    write: Writer, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], coloured: bool
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = run_process("check", str(write("requirements.txt", UNHASHED)))
    assert ("\033[" in result.stdout) is coloured


def test_offline_check_imports_no_network_or_index_code(write: Writer) -> None:
    """The pre-commit hook's path: no httpx, no index client, no pip-requirements-parser
    for a plain hashed lock."""
    import subprocess
    import sys

    lock = write("requirements.txt", GOOD)
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "lockcheck", "check", str(lock)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()}
    for module in (
        "httpx",
        "truststore",
        "lockcheck.index.client",
        "lockcheck.index.http",
        "lockcheck.index.interface",
        "lockcheck.index.pipconfig",
        "pip_requirements_parser",
        "sqlite3",
    ):
        assert module not in imported


def test_a_lock_without_markers_to_evaluate_imports_no_specifiers() -> None:
    """packaging's specifiers, markers and requirements cost 15-25 ms to import: a
    pylock.toml with one entry a name and nothing to evaluate does not load them, and
    neither does the offline check load OpenSSL (hashlib) at all."""
    import subprocess
    import sys

    lock = Path(__file__).resolve().parent.parent / "fixtures/projects/small-app/pylock.toml"
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "lockcheck", "check", str(lock)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode in (0, 1), result.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()}
    assert "lockcheck.rules.lc005_conflicting_pins" in imported  # it ran, it read no markers
    for module in ("packaging.specifiers", "packaging.markers", "_hashlib"):
        assert module not in imported
