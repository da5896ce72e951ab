"""tomllib, or tomli before Python 3.11: imported only when a TOML file is read."""

from __future__ import annotations

import sys
from typing import Any


def toml_module() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib
    import tomli  # pragma: no cover - exercised on 3.10 only

    return tomli  # pragma: no cover
