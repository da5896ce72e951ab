"""The JSON report's schema (docs/schemas/report-v1.json) describes what --format json
prints, and every JSON report the suite reads is checked against it (issue 12, item 10)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import support_report_schema
from conftest import REPO, Result, run_cli
from lockcheck.report import json as json_report

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the 'test' extra")

Writer = Callable[..., Path]
SOON = dt.date.today() + dt.timedelta(days=30)


def published() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(support_report_schema.SCHEMA_PATH.read_text())
    return data


def test_the_schema_is_a_valid_schema_of_this_version() -> None:
    schema = published()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["version"] == {"const": json_report.SCHEMA_VERSION}
    assert support_report_schema.SCHEMA_PATH.name == f"report-v{json_report.SCHEMA_VERSION}.json"
    # Linked from the docs, so users find it.
    assert "schemas/report-v1.json" in (REPO / "docs" / "reports.md").read_text()


def every_part(write: Writer) -> dict[str, Any]:
    """A report with findings (waived too), errors and notes."""
    write(
        "lockcheck.toml",
        f'[[waiver]]\ncode = "LC102"\nreason = "our mirror"\nexpires = {SOON}\n',
    )
    write(
        "locks/requirements.txt",
        "--extra-index-url https://idx.example.test/simple\nsix==1.16.0\n",
    )
    write("locks/uv.lock", 'version = 1\n[[package]]\nname = "x"\nversion = "1"\n')
    write("bad/requirements.txt", "six==1.16.0 --no-such-option\n")
    result = run_cli("check", "--format", "json", ".")
    data: dict[str, Any] = json.loads(result.stdout)
    assert data["findings"] and data["errors"] and data["notes"]
    assert any(f["waived"] for f in data["findings"])
    return data


def test_a_report_with_every_part_validates(write: Writer) -> None:
    data = every_part(write)
    jsonschema.Draft202012Validator(published()).validate(data)
    support_report_schema.validate(data)


@pytest.mark.parametrize(
    "break_it",
    [
        lambda d: d.pop("notes"),
        lambda d: d["findings"][0].update(severity="fatal"),
        lambda d: d["findings"][0].update(line=0),
        lambda d: d["summary"].update(verified=-1),
        lambda d: d["files"][0].update(format="npm"),
        lambda d: d.update(version=2),
        lambda d: d["errors"][0].pop("line"),
    ],
)
def test_the_schema_rejects_what_the_report_never_is(
    write: Writer, break_it: Callable[[dict[str, Any]], object]
) -> None:
    data = every_part(write)
    break_it(data)
    assert not jsonschema.Draft202012Validator(published()).is_valid(data)


def test_a_field_the_schema_does_not_describe_fails_the_suite(write: Writer) -> None:
    """The published schema lets later versions add fields; the suite's check does not,
    so a field added to the report without the schema fails the tests."""
    data = every_part(write)
    data["findings"][0]["new"] = 1
    assert jsonschema.Draft202012Validator(published()).is_valid(data)
    with pytest.raises(jsonschema.ValidationError):
        support_report_schema.validate(data)


def test_every_run_result_is_validated(write: Writer) -> None:
    """The suite's hook: a Result whose output is a JSON report that breaks the schema
    fails the test that made it, however that test reads the output."""
    data = every_part(write)
    assert Result(1, json.dumps(data), "").json == data
    del data["summary"]["unverified"]
    with pytest.raises(jsonschema.ValidationError):
        Result(1, json.dumps(data), "")
    # Other output (text, SARIF, an SBOM) is not held to the report's schema.
    sarif = {"version": "2.1.0", "runs": []}
    assert Result(0, json.dumps(sarif), "").json == sarif
    assert Result(1, "requirements.txt:1: LC002 ...\n", "").stdout
