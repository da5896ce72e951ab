"""Pipfile.lock, as pipenv writes it (pipfile-spec 6).

A JSON object: ``_meta`` (the Pipfile's hash, the sources, the required Python) and one
object per package category (``default``, ``develop`` and any custom ones), mapping each
package name to its entry: ``version`` ("==1.0") with ``hashes`` and the ``index`` (a
source's name) for registry packages; ``git`` + ``ref`` for VCS; ``path`` or ``file`` for
local and remote archives or trees, maybe ``editable``; ``markers`` and ``extras``.
LC201 needs the hash pipenv computes from the Pipfile now.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from typing import Any
from urllib.parse import urlsplit

from lockcheck.errors import LockfileError
from lockcheck.hashes import parse_hash
from lockcheck.model import (
    FormatVersion,
    IndexRef,
    Location,
    LockedPackage,
    Lockfile,
    LockFormat,
    ManifestState,
    Note,
    Source,
    SourceKind,
    TrustedHost,
    UrlRole,
    normalize_name,
)
from lockcheck.parsers.json_lines import Located, load
from lockcheck.parsers.text import read_text

NEWEST_SPEC = 6
_ARCHIVE = (".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar")
_VCS = ("git", "hg", "svn", "bzr")
_FULL_COMMIT = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")
# Pipfile sections that are not package categories (plette's PIPFILE_SECTIONS).
_PIPFILE_SECTIONS = frozenset(
    {"source", "packages", "dev-packages", "requires", "scripts", "pipfile", "pipenv"}
)


class _Where:
    """Errors that name the file, the line and what was being read."""

    def __init__(self, path: str) -> None:
        self.path = path

    def obj(self, node: Located, what: str) -> dict[str, Located]:
        if not isinstance(node.value, dict):
            raise LockfileError(self.path, node.line, f"{what} must be an object")
        return node.value

    def string(self, table: dict[str, Located], key: str, what: str) -> str | None:
        node = table.get(key)
        if node is None or node.value is None:
            return None
        if not isinstance(node.value, str):
            raise LockfileError(self.path, node.line, f"{what}: '{key}' must be a string")
        return node.value


def parse(path: str) -> Lockfile:
    where = _Where(path)
    root = where.obj(load(path, read_text(path)), "Pipfile.lock")
    meta_node = root.get("_meta")
    if meta_node is None:
        raise LockfileError(path, 1, "missing required key '_meta': not a Pipfile.lock")
    meta = where.obj(meta_node, "'_meta'")
    indexes, trusted, by_name = _sources(where, meta)
    version = _spec(path, meta)
    packages = []
    for category, node in root.items():
        if category == "_meta":
            continue
        for name, entry in where.obj(node, f"category {category!r}").items():
            packages.append(_package(where, name, entry, by_name, indexes))
    manifests: list[ManifestState] = []
    notes: list[Note] = []
    _hash_state(path, where, meta, meta_node, manifests, notes)
    return Lockfile(
        path=path,
        format=LockFormat.PIPFILE,
        packages=tuple(packages),
        indexes=tuple(indexes),
        trusted_hosts=tuple(trusted),
        format_version=version,
        manifests=tuple(manifests),
        files=(path,),
        notes=tuple(notes),
    )


def _spec(path: str, meta: dict[str, Located]) -> FormatVersion | None:
    node = meta.get("pipfile-spec")
    if node is None:
        return None
    if not isinstance(node.value, int) or isinstance(node.value, bool):
        raise LockfileError(path, node.line, "'pipfile-spec' must be an integer")
    location = Location(path, node.line)
    return FormatVersion(str(node.value), location, str(NEWEST_SPEC), node.value > NEWEST_SPEC)


def _sources(
    where: _Where, meta: dict[str, Located]
) -> tuple[list[IndexRef], list[TrustedHost], dict[str, str]]:
    """Every source is an index pipenv may install from (by default the first; a package
    names another with ``index``)."""
    indexes: list[IndexRef] = []
    trusted: list[TrustedHost] = []
    by_name: dict[str, str] = {}
    node = meta.get("sources")
    if node is None:
        return indexes, trusted, by_name
    if not isinstance(node.value, list):
        raise LockfileError(where.path, node.line, "'_meta' 'sources' must be an array")
    for i, item in enumerate(node.value):
        what = f"source {i + 1}"
        source = where.obj(item, what)
        url = where.string(source, "url", what)
        if url is None:
            raise LockfileError(where.path, item.line, f"{what}: missing required key 'url'")
        name = where.string(source, "name", what)
        location = Location(where.path, source["url"].line)
        indexes.append(IndexRef(UrlRole.INDEX, url, location, name))
        if name is not None:
            by_name.setdefault(name, url)
        verify = source.get("verify_ssl")
        if verify is not None and verify.value is False:
            host = urlsplit(url).hostname or url
            trusted.append(TrustedHost(host, Location(where.path, verify.line)))
    return indexes, trusted, by_name


def _package(
    where: _Where,
    name: str,
    node: Located,
    by_name: dict[str, str],
    indexes: list[IndexRef],
) -> LockedPackage:
    what = f"package {name!r}"
    entry = where.obj(node, what)
    location = Location(where.path, node.line)
    version_text = where.string(entry, "version", what) or ""
    version = (
        version_text[2:] if version_text.startswith("==") and "*" not in version_text else None
    )
    hashes = []
    hashes_node = entry.get("hashes")
    if hashes_node is not None:
        if not isinstance(hashes_node.value, list):
            raise LockfileError(where.path, hashes_node.line, f"{what}: 'hashes' must be an array")
        for item in hashes_node.value:
            if not isinstance(item.value, str):
                raise LockfileError(where.path, item.line, f"{what}: a hash must be a string")
            hashes.append(parse_hash(item.value))
    extras_node = entry.get("extras")
    extras: tuple[str, ...] = ()
    if extras_node is not None and isinstance(extras_node.value, list):
        extras = tuple(normalize_name(str(e.value)) for e in extras_node.value)
    return LockedPackage(
        name=normalize_name(name),
        display_name=name,
        location=location,
        source=_source(where, entry, what, by_name, indexes),
        version=version,
        specifier=version_text,
        extras=extras,
        marker=where.string(entry, "markers", what) or None,
        hashes=tuple(hashes),
        is_project=_is_project(where, entry, what),
    )


def _source(
    where: _Where,
    entry: dict[str, Located],
    what: str,
    by_name: dict[str, str],
    indexes: list[IndexRef],
) -> Source:
    editable = entry.get("editable") is not None and entry["editable"].value is True
    for vcs in _VCS:
        url = where.string(entry, vcs, what)
        if url is not None:
            url = url if url.startswith(f"{vcs}+") else f"{vcs}+{url}"
            ref = where.string(entry, "ref", what)
            # pipenv writes the resolved commit as `ref`: pinned only if it is a full id.
            commit = ref if ref and _FULL_COMMIT.fullmatch(ref) else None
            return Source(SourceKind.VCS, url, ref, commit, editable)
    local = where.string(entry, "path", what)
    if local is not None:
        kind = SourceKind.PATH if local.lower().endswith(_ARCHIVE) else SourceKind.DIRECTORY
        return Source(kind, local, editable=editable)
    file = where.string(entry, "file", what)
    if file is not None:
        if "://" in file and not file.startswith("file:"):
            return Source(SourceKind.URL, file, editable=editable)
        kind = SourceKind.PATH if file.lower().endswith(_ARCHIVE) else SourceKind.DIRECTORY
        return Source(kind, file, editable=editable)
    index = where.string(entry, "index", what)
    if index is not None:
        return Source(SourceKind.REGISTRY, by_name.get(index))
    # No `index`: pipenv installs it from the first source.
    return Source(SourceKind.REGISTRY, indexes[0].url if indexes else None)


def _is_project(where: _Where, entry: dict[str, Located], what: str) -> bool:
    """`-e .`: the project the Pipfile sits in, the user's own code."""
    local = where.string(entry, "path", what) or where.string(entry, "file", what)
    return local is not None and local.rstrip("/") in (".", "file://.")


def _hash_state(
    path: str,
    where: _Where,
    meta: dict[str, Located],
    meta_node: Located,
    manifests: list[ManifestState],
    notes: list[Note],
) -> None:
    pipfile = os.path.join(os.path.dirname(path), "Pipfile")
    hash_node = meta.get("hash")
    if hash_node is None or not os.path.isfile(pipfile):
        return
    recorded_node = where.obj(hash_node, "'_meta' 'hash'").get("sha256")
    if recorded_node is None or not isinstance(recorded_node.value, str):
        return
    location = Location(path, recorded_node.line)
    from lockcheck.parsers.toml_document import TomlDocument

    try:
        data = TomlDocument.read(pipfile).data
    except LockfileError:
        return  # pipenv reports a broken Pipfile; the lock is not to blame
    current, why = pipfile_hash(data)
    if current is None:
        notes.append(Note(location, f"LC201 not checked: {why}"))
        return
    manifests.append(
        ManifestState("content-hash", pipfile, location, (recorded_node.value,), (current,))
    )


def pipfile_hash(pipfile: dict[str, Any]) -> tuple[str | None, str]:
    """The hash pipenv records in ``_meta.hash.sha256`` for this Pipfile, or None and why.

    pipenv hashes a compact, key-sorted JSON dump of: ``_meta`` (the sources and the
    ``requires`` table), ``default`` and ``develop`` (the packages and dev-packages) and
    every custom category, with package names PEP 503 normalised. A Pipfile without a
    source gets pipenv's default one: the public index as pip knows it.
    """
    sources = pipfile.get("source")
    if sources is None:
        default = _default_source()
        if default is None:
            return None, "the Pipfile names no source and pip's default index is unknown"
        sources = [default]

    def names(section: Any) -> Any:
        if not isinstance(section, dict):
            return section
        return {normalize_name(k): v for k, v in section.items()}

    data: dict[str, Any] = {
        "_meta": {"sources": sources, "requires": pipfile.get("requires", {})},
        "default": names(pipfile.get("packages", {})),
        "develop": names(pipfile.get("dev-packages", {})),
    }
    for category, values in pipfile.items():
        if category not in _PIPFILE_SECTIONS and category not in ("default", "develop"):
            data[category] = names(values)
    try:
        content = json.dumps(data, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError):
        return None, "the Pipfile holds values pipenv's hash cannot cover (dates?)"
    return hashlib.sha256(content.encode("utf-8")).hexdigest(), ""


def _default_source() -> dict[str, Any] | None:
    """plette's default source: name "pypi", pip's default index, verify_ssl true."""
    try:
        from pip._internal.models.index import PyPI
    except ImportError:
        return None
    return {"name": "pypi", "url": str(PyPI.simple_url), "verify_ssl": True}
