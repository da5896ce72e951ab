"""The composite GitHub Action (action.yml, action/): what can be checked off GitHub: its
YAML, its inputs against the docs, its hash-locked install, and its run script executed
here with the inputs as environment variables (issue 12, item 7)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, run_cli
from fake_index import FakeIndex, fake_digest, local_server
from lockcheck.model import LockFormat, normalize_name
from lockcheck.parsers import parse_lockfile
from lockcheck.tomlcompat import toml_module

yaml = pytest.importorskip("yaml")

ACTION = REPO / "action.yml"
RUN_SCRIPT = REPO / "action" / "run.sh"
INSTALL_SCRIPT = REPO / "action" / "install.sh"
REQUIREMENTS = REPO / "action" / "requirements.txt"
DOCS = REPO / "docs" / "github-actions.md"
UNHASHED = "six==1.16.0\n"


def action() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return data


def documented(heading: str) -> dict[str, str]:
    """The first column (and the second, a default) of the docs' table under ``heading``."""
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## The action", 1)[1].split("\n## ", 1)[0]
    table = section.split(f"| {heading} |", 1)[1].split("\n\n", 1)[0]
    rows = re.findall(r"^\| `([a-z-]+)` \| ([^|]*)\|", table, re.M)
    return {name: value.strip().strip("`") for name, value in rows}


def test_action_is_a_composite_with_a_name_and_description() -> None:
    data = action()
    assert data["runs"]["using"] == "composite"
    assert data["name"] and data["description"]
    for step in data["runs"]["steps"]:
        if "run" in step:
            assert step["shell"] == "bash"
            for script in re.findall(r"action/[a-z_]+\.sh", step["run"]):
                assert (REPO / script).is_file(), script


def test_documented_inputs_match_action_yml() -> None:
    inputs = action()["inputs"]
    docs = documented("Input")
    assert list(docs) == list(inputs)
    for name, spec in inputs.items():
        assert docs[name] == spec.get("default", ""), name
        assert spec["description"]


def test_documented_outputs_match_action_yml() -> None:
    outputs = action()["outputs"]
    assert list(documented("Output")) == list(outputs)
    for spec in outputs.values():
        assert spec["value"].startswith("${{ steps.run.outputs.")


def test_every_input_reaches_the_run_or_install_step() -> None:
    data = action()
    env: dict[str, str] = {}
    for step in data["runs"]["steps"]:
        env.update(step.get("env", {}))
    for name in data["inputs"]:
        if name == "sarif-category":  # used by the upload step itself
            continue
        variable = "INPUT_" + name.upper().replace("-", "_")
        assert env.get(variable) == f"${{{{ inputs.{name} }}}}", name
    scripts = RUN_SCRIPT.read_text() + INSTALL_SCRIPT.read_text()
    for variable in env:
        if variable.startswith("INPUT_"):
            assert variable in scripts, variable


def test_sarif_is_uploaded_only_when_written_and_the_job_fails_last() -> None:
    steps = action()["runs"]["steps"]
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert "steps.run.outputs.sarif-file" in upload["if"]
    assert upload["with"]["sarif_file"] == "${{ steps.run.outputs.sarif-file }}"
    last = steps[-1]
    assert steps.index(upload) < len(steps) - 1
    assert "steps.run.outputs.exit-code" in last["if"] and "exit" in last["run"]


def test_install_is_hash_checked() -> None:
    script = INSTALL_SCRIPT.read_text()
    assert "--require-hashes" in script and "action/requirements.txt" in script
    # lockcheck itself comes from the action's checkout, never from an index.
    assert "--no-index" in script
    # The locked requirements pass lockcheck itself: every entry pinned and hashed.
    result = run_cli("check", "--format", "json", str(REQUIREMENTS))
    assert result.exit_code == 0, result.stdout
    assert result.json["summary"]["findings"] == 0


def test_install_requirements_cover_lockcheck_and_its_build_backend() -> None:
    from packaging.requirements import Requirement

    project = toml_module().loads((REPO / "pyproject.toml").read_text())
    needed = {normalize_name(Requirement(spec).name) for spec in project["project"]["dependencies"]}
    needed |= {
        normalize_name(Requirement(spec).name) for spec in project["build-system"]["requires"]
    }
    lock = parse_lockfile(str(REQUIREMENTS), LockFormat.REQUIREMENTS)
    assert needed <= {p.name for p in lock.packages}


# --- the run script, executed here ------------------------------------------------------


@pytest.fixture
def shim(tmp_path: Path) -> str:
    """A ``lockcheck`` command running this checkout's code, as the install step's is."""
    path = tmp_path / "bin" / "lockcheck"
    path.parent.mkdir()
    path.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m lockcheck "$@"\n')
    path.chmod(0o755)
    return str(path)


def run_action(shim: str, cwd: Path, **inputs: str) -> tuple[int, str, str, dict[str, str]]:
    output = cwd / "github-output"
    output.write_text("")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("INPUT_") and key != "GITHUB_OUTPUT"
    }
    env |= {"LOCKCHECK": shim, "GITHUB_OUTPUT": str(output)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH")]))
    env |= {"INPUT_" + name.upper(): value for name, value in inputs.items()}
    proc = subprocess.run(
        ["bash", str(RUN_SCRIPT)], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    return proc.returncode, proc.stdout, proc.stderr, outputs


def test_run_script_annotates_writes_sarif_and_records_the_exit_code(
    shim: str, tmp_path: Path
) -> None:
    (tmp_path / "locks").mkdir()
    (tmp_path / "locks" / "requirements.txt").write_text(UNHASHED)
    code, stdout, stderr, outputs = run_action(
        shim, tmp_path, paths="locks", sarif="true", sarif_file="out.sarif"
    )
    assert code == 0, stderr  # the step succeeds; the action's last step fails the job
    assert outputs == {"exit-code": "1", "sarif-file": "out.sarif"}
    assert stdout.startswith("::error file=locks/requirements.txt,line=1,title=LC002")
    sarif = json.loads((tmp_path / "out.sarif").read_text())
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["LC002"]


def test_run_script_without_sarif_writes_none(shim: str, tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text(UNHASHED)
    code, _stdout, _stderr, outputs = run_action(shim, tmp_path)
    assert code == 0
    assert outputs == {"exit-code": "1"}
    assert not list(tmp_path.glob("*.sarif"))


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        ({"exit_zero": "true"}, "0"),
        ({"ignore": "LC002"}, "0"),
        ({"select": "LC001"}, "0"),
        ({"fail_on": "error", "extra_args": "--ignore missing-hash"}, "0"),
        ({"config": "missing.toml"}, "2"),
        ({}, "1"),
    ],
)
def test_run_script_passes_inputs_as_flags(
    shim: str, tmp_path: Path, inputs: dict[str, str], expected: str
) -> None:
    (tmp_path / "requirements.txt").write_text(UNHASHED)
    code, _stdout, stderr, outputs = run_action(shim, tmp_path, **inputs)
    assert code == 0, stderr
    assert outputs["exit-code"] == expected, stderr


def test_run_script_rejects_a_bad_boolean(shim: str, tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text(UNHASHED)
    code, _stdout, stderr, outputs = run_action(shim, tmp_path, verify="maybe")
    assert code == 2
    assert "expected true or false, got 'maybe'" in stderr
    assert outputs == {}


@pytest.fixture
def index(tmp_path: Path) -> Iterator[FakeIndex]:
    with local_server() as server:
        yield FakeIndex(server)


def test_run_script_verifies_against_the_index_input(
    shim: str, tmp_path: Path, index: FakeIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOCKCHECK_CACHE_DIR", str(tmp_path / "cache"))
    name = "demo-1.0-py3-none-any.whl"
    index.add_file("demo", "1.0", name)
    (tmp_path / "requirements.txt").write_text(f"demo==1.0 --hash=sha256:{fake_digest(name)}\n")
    code, stdout, stderr, outputs = run_action(shim, tmp_path, verify="true", index_url=index.url)
    assert code == 0, stderr
    assert outputs["exit-code"] == "0", stdout + stderr
    assert "Verified 1 package against the index." in stdout
    assert index.requests  # it did ask the index
