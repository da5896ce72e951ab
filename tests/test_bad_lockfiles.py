"""A malformed uv.lock, poetry.lock or pylock.toml is one error line naming file, line and
problem (exit 2), and the other files given are still checked."""

from __future__ import annotations

import re

import pytest

from conftest import run_cli
from rules.conftest import Writer

BAD = [
    (
        "uv.lock",
        'version = 1\n[[package]]\nname = "six"\nversion = \n',
        r"uv\.lock:4: error: invalid TOML",
    ),
    (
        "uv.lock",
        'version = 1\npackage = "six"\n',
        r"uv\.lock: error: uv\.lock: 'package' must be an array",
    ),
    ("uv.lock", "revision = 3\n", r"uv\.lock: error: uv\.lock: missing required key 'version'"),
    (
        "uv.lock",
        'version = 1\n\n[[package]]\nversion = "1.0"\nsource = { registry = "x" }\n',
        r"uv\.lock:3: error: .*missing required key 'name'",
    ),
    (
        "uv.lock",
        'version = 1\n\n[[package]]\nname = "six"\nsource = { svn = "x" }\n',
        r"uv\.lock:3: error: package 'six': unknown source kind \(svn\)",
    ),
    (
        "uv.lock",
        'version = 1\n\n[[package]]\nname = "six"\nsource = { registry = 3 }\n',
        r"uv\.lock:3: error: .*'registry' must be a string, not an integer",
    ),
    (
        "uv.lock",
        'version = 1\n\n[[package]]\nname = "six"\nsource = { registry = "x" }\n'
        'wheels = [{ url = "x.whl", hash = "sha256:00" }, { url = 3 }]\n',
        r"uv\.lock:3: error: package 'six' 'wheels' entry 2: 'url' must be a string, not an integer",
    ),
    (
        "uv.lock",
        'version = 1\n\n[[package]]\nname = "six"\nsource = { registry = "x" }\n'
        'sdist = { url = "x.tar.gz", size = "12" }\n',
        r"uv\.lock:3: error: package 'six' 'sdist': 'size' must be an integer, not a string",
    ),
    (
        "uv.lock",
        'version = 1\n\n[[package]]\nname = "six"\nsource = { registry = "x" }\n'
        'wheels = ["x.whl"]\n',
        r"uv\.lock:3: error: package 'six' 'wheels' entry 1 must be a table, not a string",
    ),
    (
        "uv.lock",
        'version = 1\n\n[[package]]\nname = "six"\nsource = { registry = "x" }\nwheels = "x.whl"\n',
        r"uv\.lock:3: error: package 'six': 'wheels' must be an array, not a string",
    ),
    (
        "poetry.lock",
        '[[package]]\nname = "six"\nversion = "1"\n[package.source]\ntype = "svn"\n'
        '[metadata]\nlock-version = "2.1"\n',
        r"poetry\.lock:1: error: package 'six': unknown source type 'svn'",
    ),
    (
        "poetry.lock",
        '[[package]]\nname = "six"\nversion = "1"\n',
        r"poetry\.lock: error: .*\[metadata\]",
    ),
    (
        "pylock.toml",
        'lock-version = "1.0"\n[[packages]]\nname = "six"\n',
        r"pylock\.toml:2: error: package 'six': no source",
    ),
    ("pylock.toml", 'lock-version = "one"\n', r"pylock\.toml: error: .*not a version number"),
    ("uv.lock", "\x00\x01binary", r"uv\.lock:1: error: binary data"),
]


@pytest.mark.parametrize(("name", "text", "expected"), BAD)
def test_bad_toml_is_one_line_exit_2(write: Writer, name: str, text: str, expected: str) -> None:
    path = write(f"bad/{name}", text)
    other = write("good/requirements.txt", "six==1.16.0\n")
    result = run_cli("check", str(path), str(other))
    assert result.exit_code == 2
    assert re.fullmatch(r"bad/" + expected + r"[^\n]*\n", result.stderr), result.stderr
    assert "LC002" in result.stdout  # the other file is still checked
