"""The command line in CI and on a terminal (issue 12, items 6 and 11): --exit-zero,
--report, --color, -v, one-line usage errors, rule names on the command line and in
waivers, flags that need --verify, and a progress bar that counts what the summary counts."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import REPO, run_cli, run_process
from fake_index import FakeIndex, fake_digest, local_server
from lockcheck.report.progress import ProgressBar

Writer = Callable[..., Path]
GOOD = "six==1.16.0 --hash=sha256:" + "a" * 64 + "\n"
UNHASHED = "six==1.16.0\n"
SOON = dt.date.today() + dt.timedelta(days=30)


# --- item 6: --exit-zero ------------------------------------------------------------------


def test_exit_zero_turns_findings_into_a_pass(write: Writer) -> None:
    lock = write("requirements.txt", UNHASHED)
    assert run_cli("check", str(lock)).exit_code == 1
    result = run_cli("check", "--exit-zero", str(lock))
    assert result.exit_code == 0
    assert "LC002 missing-hash" in result.stdout  # still reported


def test_exit_zero_keeps_input_errors_at_2(write: Writer) -> None:
    bad = write("poetry.lock", "this is [not toml\n")
    write("requirements.txt", UNHASHED)
    result = run_cli("check", "--exit-zero", ".")
    assert result.exit_code == 2, result.stdout + result.stderr
    assert str(bad.name) in result.stderr


# --- item 6: --report FORMAT=FILE -----------------------------------------------------------


def test_one_run_writes_annotations_sarif_and_json(write: Writer, tmp_path: Path) -> None:
    lock = write("requirements.txt", GOOD + "idna==3.7\n")
    sarif_file, json_file = tmp_path / "out" / "l.sarif", tmp_path / "out" / "l.json"
    sarif_file.parent.mkdir()
    result = run_cli(
        "check",
        "--format",
        "github",
        "--report",
        f"sarif={sarif_file}",
        "--report",
        f"json={json_file}",
        str(lock),
    )
    assert result.exit_code == 1
    assert result.stdout.startswith("::error file=requirements.txt,line=2,title=LC002")
    # Each report is what its own run would print.
    alone = run_cli("check", "--format", "json", str(lock))
    assert json.loads(json_file.read_text()) == alone.json
    sarif_alone = run_cli("check", "--format", "sarif", str(lock)).stdout
    assert sarif_file.read_text() == sarif_alone


def test_report_with_exit_zero_still_writes_every_report(write: Writer, tmp_path: Path) -> None:
    lock = write("requirements.txt", UNHASHED)
    out = tmp_path / "r.json"
    result = run_cli("check", "--exit-zero", "--quiet", "--report", f"json={out}", str(lock))
    assert result.exit_code == 0
    assert [f["code"] for f in json.loads(out.read_text())["findings"]] == ["LC002"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("yaml=out.yaml", "--report yaml=...: unknown format"),
        ("out.sarif", "expected FORMAT=FILE"),
        ("sarif=", "expected FORMAT=FILE"),
    ],
)
def test_bad_report_is_a_one_line_usage_error(write: Writer, value: str, expected: str) -> None:
    write("requirements.txt", GOOD)
    result = run_process("check", "--report", value, ".")
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert expected in result.stderr
    assert not list(Path.cwd().glob("out*"))


def test_the_same_file_twice_is_a_usage_error(write: Writer) -> None:
    write("requirements.txt", GOOD)
    result = run_cli("check", "--output", "r.json", "--report", "json=r.json", ".")
    assert result.exit_code == 2
    assert "r.json: named by more than one of --output and --report" in result.stderr


def test_docs_workflow_runs_lockcheck_once() -> None:
    yaml = pytest.importorskip("yaml")
    text = (REPO / "docs" / "github-actions.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", text, re.S)
    assert block is not None
    workflow = yaml.safe_load(block.group(1))
    runs = [
        step["run"]
        for job in workflow["jobs"].values()
        for step in job["steps"]
        if "lockcheck check" in step.get("run", "")
    ]
    assert len(runs) == 1, runs
    assert "--report sarif=" in runs[0] and "--format github" in runs[0]


# --- item 11: small things ----------------------------------------------------------------


def test_unknown_rule_on_the_command_line_is_blamed_on_it(write: Writer) -> None:
    write("pyproject.toml", '[tool.lockcheck]\nselect = ["ALL"]\n')
    write("requirements.txt", GOOD)
    for flag in ("--select", "--ignore"):
        result = run_cli("check", flag, "LC002,LC999", ".")
        assert result.exit_code == 2
        assert (
            result.stderr
            == f"lockcheck: error: {flag} LC999: unknown rule (see 'lockcheck rules')\n"
        )


def test_unknown_rule_in_the_config_is_still_blamed_on_the_config(write: Writer) -> None:
    write("pyproject.toml", '[tool.lockcheck]\nselect = ["LC999"]\n')
    write("requirements.txt", GOOD)
    result = run_cli("check", ".")
    assert result.exit_code == 2
    assert "pyproject.toml" in result.stderr and "'select'" in result.stderr


@pytest.mark.parametrize("code", ["missing-hash", "MISSING-HASH", "lc002"])
def test_waivers_accept_rule_names(write: Writer, code: str) -> None:
    write(
        "lockcheck.toml",
        f'[[waiver]]\ncode = "{code}"\nreason = "vendored"\nexpires = {SOON}\n',
    )
    write("requirements.txt", UNHASHED)
    result = run_cli("check", "--format", "json", ".")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert [f["code"] for f in result.json["findings"] if f["waived"]] == ["LC002"]
    assert result.codes() == []  # no LC902: the waiver was used


def test_waiver_naming_no_rule_is_still_a_config_error(write: Writer) -> None:
    write("lockcheck.toml", f'[[waiver]]\ncode = "no-such-rule"\nreason = "x"\nexpires = {SOON}\n')
    write("requirements.txt", UNHASHED)
    result = run_cli("check", ".")
    assert result.exit_code == 2
    assert "no-such-rule" in result.stderr


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (("--no-cache",), "--no-cache only matters"),
        (("--jobs", "4"), "--jobs only matters"),
        (("--no-cache", "--jobs", "4"), "--no-cache, --jobs only matter"),
        (("--keyring-provider", "subprocess"), "--keyring-provider only matters"),
    ],
)
def test_verify_only_flags_warn_without_verify(
    write: Writer, flags: tuple[str, ...], named: str
) -> None:
    write("requirements.txt", GOOD)
    result = run_cli("check", *flags, ".")
    assert result.exit_code == 0
    assert f"lockcheck: warning: {named} with --verify: ignored" in result.stderr


def test_no_warning_without_such_flags(write: Writer) -> None:
    write("requirements.txt", GOOD)
    result = run_cli("check", ".")
    assert "warning" not in result.stderr
    # --index-url matters offline too: LC107 judges entries that record no index by it.
    result = run_cli("check", "--index-url", "https://127.0.0.1:9/simple", ".")
    assert "warning" not in result.stderr


@pytest.mark.parametrize(
    ("color", "environ", "escapes"),
    [
        ("always", {}, True),
        ("always", {"NO_COLOR": "1"}, True),
        ("never", {"FORCE_COLOR": "1"}, False),
        ("auto", {"FORCE_COLOR": "1"}, True),
        ("auto", {}, False),  # captured output is no terminal
    ],
)
def test_color_flag(
    write: Writer,
    monkeypatch: pytest.MonkeyPatch,
    color: str,
    environ: dict[str, str],
    escapes: bool,
) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    write("requirements.txt", UNHASHED)
    result = run_cli("check", "--color", color, ".")
    assert result.exit_code == 1
    assert ("\033[" in result.stdout) is escapes


def test_color_always_colours_an_output_file(write: Writer, tmp_path: Path) -> None:
    write("requirements.txt", UNHASHED)
    run_cli("check", "--color", "always", "--output", "out.txt", ".")
    assert "\033[" in (tmp_path / "out.txt").read_text()
    run_cli("check", "--output", "plain.txt", ".")
    assert "\033[" not in (tmp_path / "plain.txt").read_text()


def test_verbose_names_the_config_of_each_lockfile(write: Writer) -> None:
    write("a/lockcheck.toml", 'ignore = ["LC002"]\n')
    write("a/requirements.txt", UNHASHED)
    write("b/requirements.txt", GOOD)
    result = run_cli("check", "-v", ".")
    lines = [line for line in result.stderr.splitlines() if ": config " in line]
    assert lines == [
        "lockcheck: a/requirements.txt: config a/lockcheck.toml (found above it)",
        "lockcheck: b/requirements.txt: config none found: defaults",
    ]
    assert run_cli("check", ".").stderr == ""  # only when asked
    explicit = run_cli("check", "--verbose", "--config", "a/lockcheck.toml", "b")
    assert explicit.stderr.splitlines() == [
        "lockcheck: b/requirements.txt: config a/lockcheck.toml (given with --config)"
    ]
    isolated = run_cli("check", "-v", "--isolated", "a")
    assert isolated.stderr.splitlines() == [
        "lockcheck: a/requirements.txt: config none (--isolated)"
    ]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("check", "--frmat", "json"), "No such option: --frmat"),
        (("check", "--format", "yaml"), "'yaml' is not one of"),
        (("check", "--jobs", "0"), "--jobs"),
        (("check", "--color"), "--color"),
        (("nonsense",), "No such command"),
    ],
)
def test_usage_errors_are_one_line(write: Writer, args: tuple[str, ...], expected: str) -> None:
    write("requirements.txt", GOOD)
    result = run_process(*args)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("lockcheck: error: ")
    assert expected in result.stderr
    assert "--help" in result.stderr  # where to look next


def test_help_is_not_squeezed() -> None:
    result = run_process("check", "--help")
    assert result.exit_code == 0
    assert "--report" in result.stdout and "--exit-zero" in result.stdout


# --- item 11: the progress bar counts packages, as the summary does ---------------------


@pytest.fixture
def index() -> Iterator[FakeIndex]:
    with local_server() as server:
        yield FakeIndex(server)


class _Recorder(ProgressBar):
    calls: list[tuple[int, int]]

    def __call__(self, done: int, total: int) -> None:
        self.calls.append((done, total))


def test_bar_counts_locked_packages_like_the_summary(
    index: FakeIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOCKCHECK_CACHE_DIR", str(tmp_path / "cache"))
    # The same two releases locked in two files: the index is asked twice, about 4 packages.
    lines = []
    for name in ("alpha", "beta"):
        filename = f"{name}-1.0-py3-none-any.whl"
        index.add_file(name, "1.0", filename)
        lines.append(f"{name}==1.0 --hash=sha256:{fake_digest(filename)}")
    for directory in ("one", "two"):
        (tmp_path / directory).mkdir()
        (tmp_path / directory / "requirements.txt").write_text("\n".join(lines) + "\n")
    calls: list[tuple[int, int]] = []
    _Recorder.calls = calls
    monkeypatch.setattr(
        "lockcheck.checking.ProgressBar.for_terminal",
        classmethod(lambda cls, stream, enabled: _Recorder(stream)),
    )
    result = run_cli("check", "--verify", "--index-url", index.url, "--format", "json", ".")
    assert result.exit_code == 0, result.stdout + result.stderr
    summary = result.json["summary"]
    assert summary["verified"] == 4
    assert calls and calls[-1] == (4, 4)
    assert all(total == summary["verified"] + summary["unverified"] for _done, total in calls)


def test_a_reader_that_goes_away_gets_no_traceback(tmp_path: Path) -> None:
    """``lockcheck check | head -1``: the one-line error handling must not turn a closed
    pipe into a traceback."""
    lock = tmp_path / "requirements.txt"
    lock.write_text("".join(f"pkg{i}==1.0\n" for i in range(5000)))
    proc = subprocess.Popen(
        [sys.executable, "-m", "lockcheck", "check", str(lock)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 1
    assert "Traceback" not in stderr
