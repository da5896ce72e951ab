"""What pip itself knows about indexes: its default index and the host each index it knows
by name serves files from. Read from pip at run time (never written in this code), and
kept apart from ``resolve`` so the offline check (LC107) reads them without loading pip's
configuration readers.
"""

from __future__ import annotations

import functools


def pip_default_index() -> str | None:
    """pip's built-in default index, read from pip itself (never written in this code)."""
    try:
        from pip._internal.models.index import PyPI
    except Exception:  # pip absent or reorganised: the caller says how to name an index
        return None
    return str(PyPI.simple_url)


@functools.lru_cache(maxsize=1)
def pip_file_hosts() -> dict[str, str]:
    """The indexes pip knows by name (its default and the test index), each index host
    -> the host it serves files from; read from pip, never written in this code."""
    try:
        from pip._internal.models import index
    except Exception:  # pip absent or reorganised: no index is known to be the default
        return {}
    known: dict[str, str] = {}
    for name in ("PyPI", "TestPyPI"):
        entry = getattr(index, name, None)
        netloc = getattr(entry, "netloc", None)
        files = getattr(entry, "file_storage_domain", None)
        if isinstance(netloc, str) and isinstance(files, str) and netloc and files:
            known[netloc.lower()] = files.lower()
    return known
