"""The marker truth tables LC005 and LC201 rely on: evaluated once per combination of the
variables a marker mentions, they must equal evaluating it in every environment."""

from __future__ import annotations

import pytest
from packaging.markers import Marker

from lockcheck.markers import environments, overlap, truth
from lockcheck.parsers.manifest import Declared, _signature

MARKERS = [
    "python_full_version >= '3.12'",
    "python_full_version < '3.11' or python_full_version >= '3.13'",
    "sys_platform == 'win32' and python_version < '3.11'",
    "platform_machine == 'arm64' or implementation_name == 'pypy'",
    "os.name == 'nt'",  # a legacy name: every variable counts
    "platform_system == 'Darwin' and platform_python_implementation == 'CPython'",
    "python_version >= '3.9' and extra == 'test'",
]


@pytest.mark.parametrize("marker", MARKERS)
@pytest.mark.parametrize("extra", ["", "test"])
def test_truth_equals_brute_force(marker: str, extra: str) -> None:
    compiled = Marker(marker)
    expected = 0
    for i, env in enumerate(environments()):
        if compiled.evaluate({**env, "extra": extra}):
            expected |= 1 << i
    assert truth(marker, extra) == expected


def test_overlap_and_disjoint() -> None:
    assert overlap("python_full_version < '3.12'", "python_full_version >= '3.12'") is None
    env = overlap("sys_platform == 'linux'", "python_version < '3.11'")
    assert env is not None and env["sys_platform"] == "linux"
    assert env["python_version"] in ("3.8", "3.9", "3.10")


def test_signature_sees_through_rewrites() -> None:
    uv_style = "python_full_version < '3.11'"
    written = "python_version < '3.11' and python_version >= '3.9'"

    def signature(marker: str, python: str | None = None) -> str:
        return _signature((Declared("six", marker=marker),), (), python)

    assert signature(uv_style, python=">=3.10") == signature(written, python=">=3.10")
    assert signature(uv_style) != signature(written)  # without requires-python they differ
