"""Reducing project pages: the fast slice of the requested release and the full parse agree."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


# --- the Simple API: files of other versions are passed over unparsed --------------------

_VERSIONS = ["1.0", "1.0.0", "01.0", "1.01", "1.1", "1!1.0", "1.0.post1", "1.0-1", "1.0a1", "2"]
_NAMES = ["demo", "Demo", "demo_x", "demo-x", "demo.x", "dem"]
_SHAPES = [
    "{n}-{v}-py3-none-any.whl",
    "{n}-{v}-1-py3-none-any.whl",
    "{n}-{v}.tar.gz",
    "{n}-{v}.zip",
    "{n}-{v}.tar.bz2",
    "{n}-{v}-extra.tar.gz",
    "{n}{v}.tar.gz",
    "{n}-{v}-py3-none.whl",
]


@given(
    st.sampled_from(_NAMES),
    st.sampled_from(_VERSIONS),
    st.sampled_from(_SHAPES),
    st.lists(st.sampled_from(_VERSIONS), min_size=1, max_size=3),
)
def test_files_passed_over_are_never_of_a_wanted_version(
    name: str, version: str, shape: str, asked: list[str]
) -> None:
    filename = shape.format(n=name, v=version)
    wanted = responses._wanted(asked)
    if not responses._may_be_wanted(filename, wanted):
        assert responses.file_version(filename, "demo-x") not in wanted
        assert responses.file_version(filename, "demo") not in wanted


def test_simple_page_with_many_versions_keeps_only_the_asked_ones() -> None:
    files = [
        {"filename": f"demo-1.{m}.0{tail}", "hashes": {"sha256": f"{m:064x}"}, "url": f"f{m}"}
        for m in range(300)
        for tail in ("-py3-none-any.whl", ".tar.gz")
    ]
    files.append({"filename": "demo-1.7.0-py3-none-any.whl", "hashes": "not an object"})
    body = json.dumps({"meta": {"api-version": "1.1"}, "files": files}).encode()
    found = responses.simple_json_page(body, "demo", ["1.8"], "https://i.example.test/s/demo/")
    assert [f.filename for f in found["1.8"].files] == [
        "demo-1.8.0-py3-none-any.whl",
        "demo-1.8.0.tar.gz",
    ]
    with pytest.raises(ResponseError, match="digests"):  # an asked-for file still must be right
        responses.simple_json_page(body, "demo", ["1.7"])
