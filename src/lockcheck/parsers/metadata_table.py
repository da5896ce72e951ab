"""The ``[metadata]`` table poetry.lock and pdm.lock both open with.

It holds their format version and content hash, so a lock without it is not one of them.
"""

from __future__ import annotations

from lockcheck.parsers.toml_document import Fields, TomlDocument


def read_metadata_lock(path: str, name: str) -> tuple[TomlDocument, Fields, Fields]:
    """The document, its top-level table and its required ``[metadata]`` (with its line)."""
    document = TomlDocument.read(path)
    root = Fields(document.data, path, None, name)
    metadata = root.table_at("metadata")
    if metadata is None:
        raise root.error("missing required table [metadata]")
    metadata.line = document.find_line("[metadata]", 1, None)
    return document, root, metadata
