"""PEP 751 pylock.toml (lock-version 1.0).

Each ``[[packages]]`` entry comes from exactly one of: an index (``sdist``/``wheels``),
``vcs`` (with ``commit-id``), ``directory`` or ``archive``.

packaging.pylock reads these files faithfully, but it is a validator: one artifact
without ``hashes`` or a ``lock-version`` of 2.0 rejects the whole file, where a linter
must report LC002 or LC202 and go on; and it keeps no line numbers. So this parser reads
the TOML itself; the tests check it agrees with packaging.pylock on every real fixture.
"""

from __future__ import annotations

from lockcheck.model import (
    Artifact,
    Hash,
    Location,
    LockedPackage,
    Lockfile,
    LockFormat,
    Source,
    SourceKind,
    normalize_name,
    registry_indexes,
)
from lockcheck.parsers.text import generator_command
from lockcheck.parsers.toml_document import (
    Entry,
    Fields,
    TomlDocument,
    array_entries,
    dotted_version,
)

NEWEST_VERSION = (1, 0)
_SOURCES = ("vcs", "directory", "archive")


def parse(path: str) -> Lockfile:
    document = TomlDocument.read(path)
    root = Fields(document.data, path, None, "pylock.toml")
    version, _ = dotted_version(document, root, "lock-version", NEWEST_VERSION)
    entries = array_entries(document, root, "packages")
    packages = tuple(_package(document, e) for e in entries)
    return Lockfile(
        path=path,
        format=LockFormat.PYLOCK,
        packages=packages,
        indexes=registry_indexes(packages),
        format_version=version,
        generated_by=generator_command(document.text),
        files=(path,),
        requires_python=root.string("requires-python"),
        supported_markers=tuple(root.strings("environments")),
    )


def _package(document: TomlDocument, entry: Entry) -> LockedPackage:
    table, line, end = entry.fields, entry.line, entry.end
    name = table.string("name", required=True) or ""
    table.where = f"package {name!r}"
    kinds = [k for k in _SOURCES if table.has(k)]
    has_index_files = table.has("sdist") or table.has("wheels")
    if len(kinds) > 1 or (kinds and has_index_files):
        raise table.error("more than one of vcs, directory, archive, sdist/wheels")
    location = Location(document.path, line)
    artifacts: list[Artifact] = []
    if kinds == ["vcs"]:
        vcs = table.table_at("vcs")
        assert vcs is not None
        url = vcs.string("url") or vcs.string("path")
        kind = vcs.string("type", required=True)
        source = Source(
            SourceKind.VCS,
            f"{kind}+{url}" if url and "://" in url else url,
            vcs.string("requested-revision"),
            vcs.string("commit-id"),
        )
    elif kinds == ["directory"]:
        directory = table.table_at("directory")
        assert directory is not None
        source = Source(
            SourceKind.DIRECTORY,
            directory.string("path", required=True),
            editable=directory.table.get("editable") is True,
        )
    elif kinds == ["archive"]:
        archive = table.table_at("archive")
        assert archive is not None
        url = archive.string("url")
        source = (
            Source(SourceKind.URL, url)
            if url
            else Source(SourceKind.PATH, archive.string("path", required=True))
        )
        artifacts.append(_artifact(document, archive, line, end, source.url))
    elif has_index_files:
        source = Source(SourceKind.REGISTRY, table.string("index"))
        sdist = table.table_at("sdist")
        if sdist is not None:
            artifacts.append(_artifact(document, sdist, line, end, None))
        artifacts += [_artifact(document, w, line, end, None) for w in table.tables("wheels")]
    else:
        raise table.error("no source: expected one of vcs, directory, archive, sdist/wheels")
    return LockedPackage(
        name=normalize_name(name),
        display_name=name,
        location=location,
        source=source,
        version=table.string("version"),
        marker=table.string("marker"),
        artifacts=tuple(artifacts),
    )


def _artifact(
    document: TomlDocument,
    entry: Fields,
    start: int | None,
    end: int | None,
    fallback_url: str | None,
) -> Artifact:
    url = entry.string("url") or fallback_url
    path = entry.string("path")
    filename = entry.string("name") or ((url or path or "").rstrip("/").rsplit("/", 1)[-1] or None)
    hashes_table = entry.table_at("hashes")
    hashes: tuple[Hash, ...] = ()
    if hashes_table is not None:
        hashes = tuple(
            Hash(algorithm, str(digest)) for algorithm, digest in hashes_table.table.items()
        )
    upload = entry.table.get("upload-time")
    needle = hashes[0].digest if hashes else (url or path or filename or "")
    found = document.find_line(needle, start, end) or start
    return Artifact(
        hashes=hashes,
        location=Location(document.path, found),
        filename=filename,
        url=url,
        size=entry.integer("size"),
        upload_time=upload.isoformat()
        if upload is not None and hasattr(upload, "isoformat")
        else (upload if isinstance(upload, str) else None),
    )
