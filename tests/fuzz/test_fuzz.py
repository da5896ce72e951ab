"""Fuzzing: every parser, the configuration reader, the index response reducers and the
body decoder, fed mutated real inputs and generated ones. Only lockcheck's own errors may
come out (a LockcheckError is exit 2 with one line; anything else is a traceback), and each
input must be handled in bounded time.

The suite runs a few examples of each; ``nox -s fuzz`` sets LOCKCHECK_FUZZ=1 for a much
larger budget (LOCKCHECK_FUZZ_EXAMPLES overrides how many).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lockcheck.config import load_settings
from lockcheck.errors import LockcheckError
from lockcheck.index.decoding import BoundedDecoder, DecodingError, TooLarge
from lockcheck.index.responses import (
    ResponseError,
    json_project_page,
    json_version_page,
    simple_page,
)
from lockcheck.model import LockFormat
from lockcheck.parsers import detect_format, parse_lockfile

REPO = Path(__file__).resolve().parents[2]
PROJECTS = REPO / "fixtures" / "projects"
FUZZ = os.environ.get("LOCKCHECK_FUZZ") == "1"
EXAMPLES = int(os.environ.get("LOCKCHECK_FUZZ_EXAMPLES", "3000" if FUZZ else "15"))
# Per input: generous for a loaded machine, far below what a quadratic path would take.
BOUND = 5.0

FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,  # measured by ``bounded`` instead, with a clearer message
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# File names each format is read from; formats added later are fuzzed once they have one.
NAMES = {
    LockFormat.REQUIREMENTS: "requirements.txt",
    LockFormat.UV: "uv.lock",
    LockFormat.POETRY: "poetry.lock",
    LockFormat.PYLOCK: "pylock.toml",
    LockFormat.PDM: "pdm.lock",
    LockFormat.PIPFILE: "Pipfile.lock",
}
FORMATS = [fmt for fmt, name in NAMES.items() if detect_format(name) is fmt]


def _seeds(name: str) -> list[bytes]:
    found = sorted(PROJECTS.rglob(name))
    return [p.read_bytes() for p in found if "-src" not in str(p)][:6] or [b""]


SEEDS = {fmt: _seeds(NAMES[fmt]) for fmt in FORMATS}
MANIFESTS = _seeds("pyproject.toml")
CONFIG_SEEDS = [
    (REPO / "fixtures" / "lockcheck.toml").read_bytes(),
    b'select = ["LC0"]\nignore = "LC1"\nfail-on = "warning"\nindex-url = "https://x.test/simple"\n'
    b'allowed-hosts = ["*.x.test"]\nartifact-hosts = ["cdn.x.test"]\n[severity]\nLC001 = "note"\n'
    b'[private]\npackages = ["acme-*"]\nindex = "https://p.test/simple"\n'
    b'[[waiver]]\ncode = "LC304"\nreason = "r"\nexpires = 2026-12-01\npath = ".ci/r.txt"\n',
]

# Bytes that matter to these grammars, and some that should never matter.
TOKENS = [
    b"\n",
    b"\r\n",
    b'"',
    b"'",
    b'"""',
    b"[",
    b"]",
    b"[[",
    b"]]",
    b"{",
    b"}",
    b"=",
    b",",
    b"\\",
    b"#",
    b" ",
    b"\t",
    b"\x00",
    b"\xff",
    b"\xc3",
    b"\xe2\x80\xae",
    b"--hash=sha256:",
    b"-r ",
    b"-c ",
    b"-e ",
    b"--index-url ",
    b"http://[::1",
    b"file://",
    b"git+https://",
    b"@",
    b"==",
    b";",
    b"[[package]]",
    b"[[packages]]",
    b"version = ",
    b"name = ",
    b"0" * 64,
    b"\\u0000",
    b"1e999",
    b"-1",
    b"true",
    b"[" * 200,
    b"a" * 5000,
]


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, 8))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "replace", "duplicate", "truncate"]))
        payload = draw(st.one_of(st.sampled_from(TOKENS), st.binary(max_size=16)))
        if action == "insert":
            data[at:at] = payload
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 200))]
        elif action == "replace":
            data[at : at + len(payload)] = payload
        elif action == "duplicate":
            data[at:at] = data[at : at + draw(st.integers(1, 400))]
        else:
            del data[at:]
    return bytes(data)


def bounded(what: str, run: Callable[[], Any], allowed: tuple[type[BaseException], ...]) -> None:
    start = time.monotonic()
    with contextlib.suppress(allowed):
        run()
    elapsed = time.monotonic() - start
    assert elapsed < BOUND, f"{what} took {elapsed:.1f} s"


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.value)
def test_parsers_raise_only_lockcheck_errors(fmt: LockFormat) -> None:
    @FUZZ_SETTINGS
    @given(
        lock=st.one_of(mutated(SEEDS[fmt]), st.binary(max_size=2000)),
        manifest=st.one_of(st.none(), mutated(MANIFESTS)),
        include=st.one_of(st.none(), mutated(SEEDS.get(LockFormat.REQUIREMENTS, [b""]))),
    )
    def fuzz(lock: bytes, manifest: bytes | None, include: bytes | None) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / NAMES[fmt]
            path.write_bytes(lock)
            if manifest is not None:
                (Path(tmp) / "pyproject.toml").write_bytes(manifest)
            if include is not None:  # a target for -r/-c lines that survive the mutation
                (Path(tmp) / "requirements-export.txt").write_bytes(include)
            bounded(str(path), lambda: parse_lockfile(str(path), fmt), (LockcheckError,))

    fuzz()


def test_config_reader_raises_only_lockcheck_errors() -> None:
    @FUZZ_SETTINGS
    @given(text=st.one_of(mutated(CONFIG_SEEDS), st.binary(max_size=500)))
    def fuzz(text: bytes) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "lockcheck.toml"
            path.write_bytes(text)
            today = dt.date(2026, 11, 30)
            bounded(str(path), lambda: load_settings(path, today), (LockcheckError,))

    fuzz()


# --- index responses ---------------------------------------------------------------------

KEYS = [
    "info",
    "urls",
    "releases",
    "version",
    "yanked",
    "yanked_reason",
    "files",
    "filename",
    "digests",
    "hashes",
    "sha256",
    "size",
    "upload_time",
    "upload_time_iso_8601",
    "upload-time",
    "url",
    "meta",
    "api-version",
    "name",
    "1.0",
    "requires-python",
]
FILENAMES = st.sampled_from(
    ["demo-1.0.tar.gz", "demo-1.0-py3-none-any.whl", "Demo_1.0.zip", "demo-1.0", "x.whl", ""]
)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20), FILENAMES
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=5)), inner, max_size=5),
    ),
    max_leaves=30,
)


def _json_body(value: Any) -> bytes:
    return json.dumps(value, allow_nan=True).encode()


BODIES = st.one_of(
    JSON_VALUES.map(_json_body),
    st.builds(
        lambda info, urls: _json_body({"info": info, "urls": urls}), JSON_VALUES, JSON_VALUES
    ),
    st.builds(
        lambda releases: _json_body({"info": {"version": "1.0"}, "releases": releases}),
        st.dictionaries(st.sampled_from(["1.0", "1.0.0", "2", "x"]), JSON_VALUES, max_size=3),
    ),
    st.builds(
        lambda files: _json_body({"meta": {"api-version": "1.1"}, "files": files}),
        st.lists(JSON_VALUES, max_size=4),
    ),
    st.builds(
        lambda anchors: "".join(f'<a href="{h}" {y}>{t}</a>' for h, y, t in anchors).encode(
            "utf-8", "surrogatepass"
        ),
        st.lists(
            st.tuples(
                st.one_of(
                    st.text(max_size=40),
                    st.sampled_from(["http://[::1/x", "../../p/demo-1.0.tar.gz#sha256=ab", ""]),
                ),
                st.sampled_from(["", "data-yanked", 'data-yanked=""', 'data-yanked="r"']),
                st.one_of(FILENAMES, st.text(max_size=10)),
            ),
            max_size=5,
        ),
    ),
    st.binary(max_size=500),
)
CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "application/vnd.pypi.simple.v1+json",
        "text/html",
        "text/html; charset=latin-1",
        "text/html; charset=no-such-codec",
        "",
        "image/png",
    ]
)


@FUZZ_SETTINGS
@given(body=BODIES, versions=st.lists(st.sampled_from(["1.0", "1.0.0", "2", "x", ""]), max_size=3))
def test_json_api_reducers_raise_only_response_errors(body: bytes, versions: list[str]) -> None:
    bounded("version page", lambda: json_version_page(body, "1.0"), (ResponseError,))
    bounded("version page", lambda: json_version_page(body), (ResponseError,))
    bounded("project page", lambda: json_project_page(body, versions), (ResponseError,))


@FUZZ_SETTINGS
@given(
    body=BODIES,
    content_type=CONTENT_TYPES,
    page_url=st.sampled_from(["https://i.test/simple/demo/", "http://[::1", "relative/"]),
    versions=st.lists(st.sampled_from(["1.0", "1.0.0", "2", "x"]), max_size=3),
)
def test_simple_reducers_raise_only_response_errors(
    body: bytes, content_type: str, page_url: str, versions: list[str]
) -> None:
    bounded(
        "simple page",
        lambda: simple_page(body, content_type, page_url, "demo", versions),
        (ResponseError,),
    )


@FUZZ_SETTINGS
@given(
    coding=st.lists(
        st.sampled_from(["gzip", "x-gzip", "deflate", "identity", "br", " ", "GZIP"]), max_size=3
    ),
    raw=st.lists(st.binary(max_size=300), max_size=4),
)
def test_body_decoder_raises_only_its_own_errors(coding: list[str], raw: list[bytes]) -> None:
    def run() -> None:
        decoder = BoundedDecoder(", ".join(coding), 4096)
        for chunk in raw:
            for _ in decoder.feed(chunk):
                pass
        for _ in decoder.finish():
            pass

    bounded("decoder", run, (DecodingError, TooLarge))
