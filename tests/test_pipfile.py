"""Pipfile.lock: the JSON line reader, the parser, and LC201 from pipenv's Pipfile hash."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES, run_cli
from lockcheck.errors import LockfileError
from lockcheck.model import LockFormat, SourceKind, UrlRole
from lockcheck.parsers import detect_format, parse_lockfile
from lockcheck.parsers.json_lines import load
from lockcheck.parsers.pipfile import pipfile_hash

Writer = Callable[..., Path]
PROJECTS = FIXTURES / "projects"
H1 = "sha256:" + "ab" * 32
H2 = "sha256:" + "cd" * 32


def _lock(**categories: dict[str, Any]) -> dict[str, Any]:
    return {
        "_meta": {
            "hash": {"sha256": "0" * 64},
            "pipfile-spec": 6,
            "requires": {"python_version": "3.11"},
            "sources": [
                {"name": "main", "url": "https://index.example.test/simple", "verify_ssl": True},
                {"name": "corp", "url": "https://corp.example.test/simple", "verify_ssl": False},
            ],
        },
        "default": {},
        "develop": {},
        **categories,
    }


def _write_lock(write: Writer, data: dict[str, Any]) -> Path:
    # pipenv's layout: four-space indent, sorted keys.
    return write("Pipfile.lock", json.dumps(data, indent=4, sort_keys=True) + "\n")


def test_detected_by_name() -> None:
    assert detect_format("/p/Pipfile.lock") is LockFormat.PIPFILE
    assert detect_format("/p/pipfile.lock") is LockFormat.PIPFILE


def test_json_lines_gives_each_value_its_line() -> None:
    text = '{\n  "a": [\n    1,\n    {"b": "x\\n"}\n  ],\n  "c": null\n}\n'
    root = load("f.json", text)
    assert root.line == 1
    a = root.value["a"]
    assert a.line == 2 and [item.line for item in a.value] == [3, 4]
    assert a.value[1].value["b"].value == "x\n" and root.value["c"] == (None, 6)


@pytest.mark.parametrize(
    ("text", "line"), [('{\n  "a": 1,\n}\n', 3), ("[1,\n2\n", 3), ("\n\n{", 3)]
)
def test_json_errors_name_the_line(text: str, line: int) -> None:
    with pytest.raises(LockfileError) as caught:
        load("f.json", text)
    assert caught.value.line == line and caught.value.message.startswith("invalid JSON")


def test_every_kind_of_entry(write: Writer) -> None:
    data = _lock(
        default={
            "Requests": {
                "hashes": [H1, H2],
                "index": "main",
                "markers": "python_version >= '3.8'",
                "version": "==2.32.3",
            },
            "private-thing": {"hashes": [H1], "index": "corp", "version": "==1.0"},
            "noindex": {"hashes": [H1], "version": "==1.0"},
            "tinyutil": {"git": "https://git.example.test/tinyutil.git", "ref": "1" * 40},
            "app": {"editable": True, "path": "."},
        },
        develop={"localpkg": {"editable": True, "path": "./localpkg"}},
        docs={"sphinx": {"extras": ["Foo_Bar"], "hashes": [H2], "version": "==8.0"}},
    )
    path = _write_lock(write, data)
    lock = parse_lockfile(str(path), LockFormat.PIPFILE)
    text = path.read_text().splitlines()
    by_name = {p.name: p for p in lock.packages}
    assert set(by_name) == {
        "requests",
        "private-thing",
        "noindex",
        "tinyutil",
        "app",
        "localpkg",
        "sphinx",
    }
    for package in lock.packages:  # each entry's line is the line of its key
        assert text[package.location.line - 1].strip().startswith(f'"{package.display_name}"')
    requests = by_name["requests"]
    assert (requests.version, requests.specifier, requests.marker) == (
        "2.32.3",
        "==2.32.3",
        "python_version >= '3.8'",
    )
    assert [str(h) for h in requests.hashes] == [H1, H2]
    assert requests.source.url == "https://index.example.test/simple"
    assert by_name["private-thing"].source.url == "https://corp.example.test/simple"
    assert by_name["noindex"].source.url == "https://index.example.test/simple"
    git = by_name["tinyutil"].source
    assert (git.kind, git.url, git.commit) == (
        SourceKind.VCS,
        "git+https://git.example.test/tinyutil.git",
        "1" * 40,
    )
    assert by_name["app"].is_project and by_name["app"].source.editable
    assert not by_name["localpkg"].is_project
    assert by_name["sphinx"].extras == ("foo-bar",)
    assert [(r.role, r.name) for r in lock.indexes] == [
        (UrlRole.INDEX, "main"),
        (UrlRole.INDEX, "corp"),
    ]
    assert [h.host for h in lock.trusted_hosts] == ["corp.example.test"]


def test_rules_on_a_hand_written_lock(write: Writer) -> None:
    data = _lock(
        default={
            "good": {"hashes": [H1], "index": "main", "version": "==1.0"},
            "nohash": {"index": "main", "version": "==1.0"},
            "weak": {"hashes": ["md5:" + "0" * 32], "version": "==1.0"},
            "branch": {"git": "https://git.example.test/x.git", "ref": "main"},
            "app": {"editable": True, "path": "."},
        },
        develop={"localpkg": {"editable": True, "path": "./localpkg"}},
    )
    path = _write_lock(write, data)
    text = path.read_text().splitlines()

    def line_of(needle: str) -> int:
        return next(i for i, t in enumerate(text, 1) if needle in t)

    result = run_cli("check", "--format", "json", "Pipfile.lock")
    found = sorted((f["code"], f["line"]) for f in result.json["findings"])
    assert found == sorted(
        [
            ("LC002", line_of('"nohash"')),
            ("LC003", line_of('"weak"')),
            ("LC006", line_of('"localpkg"')),  # the project itself (path ".") is not
            ("LC007", line_of('"branch"')),
            ("LC008", line_of('"branch"')),
            ("LC103", line_of('"verify_ssl": false')),
        ]
    )
    assert result.json["files"] == [{"path": "Pipfile.lock", "format": "pipfile", "packages": 6}]


def test_hosts_rules_see_the_sources(write: Writer) -> None:
    data = _lock(default={"x": {"hashes": [H1], "index": "main", "version": "==1.0"}})
    data["_meta"]["sources"][0]["url"] = "http://user:secret@index.example.test/simple"
    _write_lock(write, data)
    result = run_cli("check", "--format", "json", "--select", "LC101,LC104", "Pipfile.lock")
    assert sorted(f["code"] for f in result.json["findings"]) == ["LC101", "LC104"]
    assert "secret" not in result.stdout


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"default": {}}, "missing required key '_meta'"),
        ({"_meta": {}, "default": []}, "category 'default' must be an object"),
        ({"_meta": {}, "default": {"x": {"version": 3}}}, "'version' must be a string"),
        ({"_meta": {"sources": [{"name": "a"}]}}, "missing required key 'url'"),
    ],
)
def test_bad_input_is_one_line_exit_2(write: Writer, data: dict[str, Any], message: str) -> None:
    path = _write_lock(write, data)
    with pytest.raises(LockfileError) as caught:
        parse_lockfile(str(path), LockFormat.PIPFILE)
    assert message in caught.value.message and caught.value.line is not None
    result = run_cli("check", str(path))
    assert result.exit_code == 2 and "Traceback" not in result.stderr


def test_newer_spec_is_lc202(write: Writer) -> None:
    data = _lock()
    data["_meta"]["pipfile-spec"] = 7
    path = _write_lock(write, data)
    result = run_cli("check", "--format", "json", "--select", "LC202", str(path))
    (finding,) = result.json["findings"]
    assert finding["line"] == next(
        i for i, t in enumerate(path.read_text().splitlines(), 1) if "pipfile-spec" in t
    )


# --- LC201: pipenv's Pipfile hash ---------------------------------------------------------


def test_hash_of_every_fixture_matches_what_pipenv_wrote() -> None:
    from lockcheck.tomlcompat import toml_module

    tomllib = toml_module()
    for lock_path in sorted(PROJECTS.glob("pipenv-*/**/Pipfile.lock")):
        if "edited" in lock_path.parts:
            continue
        recorded = json.loads(lock_path.read_text())["_meta"]["hash"]["sha256"]
        pipfile = tomllib.loads((lock_path.parent / "Pipfile").read_text())
        assert pipfile_hash(pipfile) == (recorded, ""), lock_path


def test_hash_normalises_names_and_keeps_custom_categories() -> None:
    source = {"name": "pypi", "url": "https://index.example.test/simple", "verify_ssl": True}
    pipfile = {
        "source": [source],
        "packages": {"Foo_Bar": "*"},
        "docs": {"Sphinx": ">=8"},
        "scripts": {"x": "y"},
    }
    expected = hashlib.sha256(
        json.dumps(
            {
                "_meta": {"sources": [source], "requires": {}},
                "default": {"foo-bar": "*"},
                "develop": {},
                "docs": {"sphinx": ">=8"},
            },
            sort_keys=True,
            separators=(",", ":"),
        ).encode()
    ).hexdigest()
    assert pipfile_hash(pipfile) == (expected, "")


def test_a_pipfile_without_source_gets_pips_default_index() -> None:
    from pip._internal.models.index import PyPI

    with_source = {
        "source": [{"name": "pypi", "url": PyPI.simple_url, "verify_ssl": True}],
        "packages": {"x": "*"},
    }
    assert pipfile_hash({"packages": {"x": "*"}}) == pipfile_hash(with_source)


def test_fresh_and_stale_fixtures(tmp_path: Path) -> None:
    for name, line in (("pipenv-stale/before", None), ("pipenv-stale/edited", 4)):
        result = run_cli("check", "--format", "json", "--select", "LC201", str(PROJECTS / name))
        found = [(f["code"], f["line"]) for f in result.json["findings"]]
        assert found == ([("LC201", line)] if line else [])
    project = tmp_path / "p"
    shutil.copytree(PROJECTS / "pipenv-stale/before", project)
    pipfile = project / "Pipfile"
    pipfile.write_text(pipfile.read_text().replace('requests = ">=2.31"', 'requests = ">=2.32"'))
    result = run_cli("check", "--format", "json", str(project / "Pipfile.lock"))
    (finding,) = result.json["findings"]
    assert finding["code"] == "LC201" and "pipenv lock" in finding["fix"]
    # Only the name's spelling changed: pipenv normalises it, so no finding.
    pipfile.write_text(pipfile.read_text().replace('requests = ">=2.32"', 'Requests = ">=2.31"'))
    result = run_cli("check", "--format", "json", str(project / "Pipfile.lock"))
    assert result.json["findings"] == []
