"""Reducing project pages: the fast slice of the requested release and the full parse agree."""

from __future__ import annotations

import json

import pytest

from lockcheck.index import responses
from lockcheck.index.responses import ResponseError, json_project_page


def page(releases: dict[str, list[dict[str, object]]], **info: object) -> bytes:
    return json.dumps(
        {
            "info": {"name": "demo", **info},
            "last_serial": 1,
            "releases": releases,
            "urls": [],
            "vulnerabilities": [{"fixed_in": ["2.0"], "aliases": ["X"]}],
        },
        indent=1,
    ).encode()


def file(name: str, digest: str, yanked: bool = False) -> dict[str, object]:
    return {
        "filename": name,
        "digests": {"sha256": digest},
        "size": 3,
        "upload_time_iso_8601": "2024-01-01T00:00:00.000000Z",
        "yanked": yanked,
        "yanked_reason": "bad" if yanked else None,
        "url": f"https://f.example.test/{name}",
    }


BIG = page(
    {f"1.{i}": [file(f"demo-1.{i}.tar.gz", f"{i:064x}", yanked=i == 7)] for i in range(300)},
    description='text with "1.5": [ inside a string',
)


@pytest.mark.parametrize("wanted", [["1.5"], ["1.7"], ["1.299", "1.0"]])
def test_slice_equals_full_parse(wanted: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    fast = json_project_page(BIG, wanted)
    monkeypatch.setattr(responses, "_sliced_releases", lambda body, versions: None)
    assert fast == json_project_page(BIG, wanted)
    assert set(fast) == set(wanted)


def test_other_spelling_falls_back_to_full_parse() -> None:
    body = page({"1.0.0": [file("demo-1.0.0.tar.gz", "a" * 64)]})
    assert responses._sliced_releases(body, ["1.0"]) is None
    assert json_project_page(body, ["1.0"])["1.0"].files[0].filename == "demo-1.0.0.tar.gz"


def test_truncated_page_is_never_a_pass() -> None:
    truncated = BIG[: len(BIG) // 2]
    with pytest.raises(ResponseError, match="truncated"):
        json_project_page(truncated, ["1.5"])
