"""Property tests: the TOML parsers raise nothing but LockfileError, whatever TOML they read.

Documents are generated two ways: arbitrary TOML values under the keys each format uses,
and real-shaped locks whose subtrees hypothesis replaces with arbitrary values.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lockcheck.errors import LockfileError
from lockcheck.model import Lockfile
from lockcheck.parsers import poetry, pylock, uv

KEYS = st.sampled_from(
    [
        "version",
        "revision",
        "name",
        "source",
        "registry",
        "git",
        "url",
        "path",
        "directory",
        "editable",
        "virtual",
        "sdist",
        "wheels",
        "hash",
        "hashes",
        "sha256",
        "md5",
        "size",
        "upload-time",
        "metadata",
        "requires-dist",
        "specifier",
        "marker",
        "manifest",
        "members",
        "package",
        "packages",
        "lock-version",
        "content-hash",
        "files",
        "file",
        "type",
        "reference",
        "resolved_reference",
        "develop",
        "markers",
        "index",
        "vcs",
        "commit-id",
        "requested-revision",
        "archive",
        "resolution-markers",
        "provides-extras",
        "x",
    ]
)
SCALARS = st.one_of(
    st.text(max_size=20),
    st.integers(-(2**63), 2**63 - 1),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(),
    st.sampled_from(
        [
            "https://index.example.test/simple",
            "sha256:" + "a" * 64,
            "1.0",
            "",
            "git+https://g.example.test/r@main",
            "..",
            ".",
        ]
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(KEYS, children, max_size=5)
    ),
    max_leaves=25,
)
DOCUMENTS = st.dictionaries(KEYS, VALUES, max_size=6)


def toml_value(value: Any) -> str:
    """Inline TOML for a value (enough for generated documents)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_document(data: dict[str, Any]) -> str:
    return "".join(f"{json.dumps(k)} = {toml_value(v)}\n" for k, v in data.items())


Parser = Callable[[str], Lockfile]
PARSERS: list[tuple[str, Parser]] = [
    ("uv.lock", uv.parse),
    ("poetry.lock", poetry.parse),
    ("pylock.toml", pylock.parse),
]


def parse_only_lockfile_error(name: str, parser: Parser, text: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / name
        path.write_text(text, encoding="utf-8")
        with contextlib.suppress(LockfileError):
            parser(str(path))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS)
def test_arbitrary_toml_only_raises_lockfile_error(data: dict[str, Any]) -> None:
    text = toml_document(data)
    for name, parser in PARSERS:
        parse_only_lockfile_error(name, parser, text)


REAL_SHAPES: dict[str, dict[str, Any]] = {
    "uv.lock": {
        "version": 1,
        "revision": 3,
        "requires-python": ">=3.10",
        "manifest": {"members": ["app"]},
        "package": [
            {
                "name": "app",
                "version": "0.1",
                "source": {"editable": "."},
                "metadata": {"requires-dist": [{"name": "six", "specifier": ">=1"}]},
            },
            {
                "name": "six",
                "version": "1.16.0",
                "source": {"registry": "https://index.example.test/simple"},
                "sdist": {"url": "https://f.example.test/six.tar.gz", "hash": "sha256:" + "a" * 64},
                "wheels": [
                    {
                        "url": "https://f.example.test/six.whl",
                        "hash": "sha256:" + "b" * 64,
                        "size": 3,
                        "upload-time": "2024-01-01T00:00:00Z",
                    }
                ],
            },
        ],
    },
    "poetry.lock": {
        "package": [
            {
                "name": "six",
                "version": "1.16.0",
                "files": [{"file": "six.whl", "hash": "sha256:" + "a" * 64}],
                "source": {"type": "legacy", "url": "https://index.example.test/simple"},
                "markers": {"main": "python_version < '3.11'"},
            },
        ],
        "metadata": {
            "lock-version": "2.1",
            "content-hash": "0" * 64,
            "files": {"six": [{"file": "six.whl", "hash": "md5:00"}]},
        },
    },
    "pylock.toml": {
        "lock-version": "1.0",
        "packages": [
            {
                "name": "six",
                "version": "1.16.0",
                "index": "https://index.example.test/simple",
                "wheels": [
                    {
                        "url": "https://f.example.test/six.whl",
                        "hashes": {"sha256": "a" * 64},
                        "upload-time": dt.date(2024, 1, 1),
                    }
                ],
            },
            {
                "name": "lib",
                "vcs": {"type": "git", "url": "https://g.example.test/lib", "commit-id": "c" * 40},
            },
        ],
    },
}


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths(child, (*prefix, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            found += paths(child, (*prefix, i))
    return found


def replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {k: (replaced(v, rest, new) if k == head else v) for k, v in value.items()}
    return [replaced(v, rest, new) if i == head else v for i, v in enumerate(value)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_real_shapes_only_raise_lockfile_error(data: st.DataObject) -> None:
    name, parser = data.draw(st.sampled_from(PARSERS))
    document = REAL_SHAPES[name]
    where = data.draw(st.sampled_from(paths(document)[1:]))
    mutated = replaced(document, where, data.draw(VALUES))
    parse_only_lockfile_error(name, parser, toml_document(mutated))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_only_raises_lockfile_error(text: str) -> None:
    for name, parser in PARSERS:
        parse_only_lockfile_error(name, parser, text)
