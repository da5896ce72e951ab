"""The TOML reader, imported only when a TOML file is read.

tomli when it is installed: its compiled wheels parse a large uv.lock about three times
faster than the standard library's pure-Python tomllib (the same parser, uncompiled).
It is a required dependency; tomllib stays the fallback where an environment lacks it.
"""

from __future__ import annotations

import sys
from typing import Any


def toml_module() -> Any:
    try:
        import tomli

        return tomli
    except ImportError:
        if sys.version_info >= (3, 11):
            import tomllib

            return tomllib
        raise  # pragma: no cover - tomli is a dependency before 3.11
