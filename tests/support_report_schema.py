"""The JSON report's published schema (docs/schemas/report-v1.json), applied to every
JSON report a run in the suite prints (``Result`` in tests/conftest.py)."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "docs" / "schemas" / "report-v1.json"


def _closed(schema: Any) -> Any:
    """The schema with every described object closed: the published schema lets later
    versions add fields, but a field this version prints must be in it."""
    if isinstance(schema, dict):
        closed = {key: _closed(value) for key, value in schema.items()}
        if "properties" in schema and "additionalProperties" not in schema:
            closed["additionalProperties"] = False
        return closed
    if isinstance(schema, list):
        return [_closed(item) for item in schema]
    return schema


@cache
def strict_validator() -> Any:
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(_closed(copy.deepcopy(schema)))


def is_report(data: Any) -> bool:
    """A lockcheck JSON report (not SARIF, not an SBOM, not some other JSON)."""
    return isinstance(data, dict) and "findings" in data and "summary" in data


def validate(data: Any) -> None:
    """Raise (jsonschema.ValidationError) unless ``data`` follows the report schema."""
    strict_validator().validate(data)


def check_output(stdout: str) -> None:
    """Validate what a run printed, if it is a JSON report."""
    if not stdout.lstrip().startswith("{"):
        return
    try:
        data = json.loads(stdout)
    except ValueError:
        return  # not JSON (or not only JSON): not a report
    if is_report(data):
        validate(data)
