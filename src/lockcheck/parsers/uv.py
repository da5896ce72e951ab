"""uv.lock (``version = 1``, any revision uv writes today).

Each ``[[package]]`` has one ``source``: registry, git, url, path, directory, editable or
virtual. Artifacts are the ``sdist`` and ``wheels`` entries, each with its own hash.
The root project and workspace members are the user's own code (``is_project``).
"""

from __future__ import annotations

import datetime as dt
import os
from urllib.parse import parse_qs, urlsplit

from lockcheck.hashes import parse_hash
from lockcheck.model import (
    Artifact,
    Dependency,
    FormatVersion,
    Location,
    LockedPackage,
    Lockfile,
    LockFormat,
    Roots,
    Source,
    SourceKind,
    normalize_name,
    registry_indexes,
)
from lockcheck.parsers import uv_conflicts
from lockcheck.parsers.toml_document import Entry, Fields, TomlDocument, array_entries
from lockcheck.parsers.uv_manifest import manifest_states

NEWEST_VERSION = 1
_SOURCE_KINDS = ("registry", "git", "url", "path", "directory", "editable", "virtual")
_GIT_REFERENCES = ("rev", "tag", "branch")


def parse(path: str) -> Lockfile:
    document = TomlDocument.read(path)
    root = Fields(document.data, path, None, "uv.lock")
    version = _version(document, root)
    members = set()
    manifest = root.table_at("manifest")
    if manifest is not None:
        members = {normalize_name(m) for m in manifest.strings("members")}
    entries = array_entries(document, root, "package")
    packages = tuple(_package(document, e, members) for e in entries)
    python = root.string("requires-python")
    packages = _with_activations(document.data, entries, packages)
    manifests, notes = manifest_states(document, entries, packages, python, manifest)
    return Lockfile(
        path=path,
        format=LockFormat.UV,
        packages=packages,
        indexes=registry_indexes(packages),
        format_version=version,
        manifests=tuple(manifests),
        files=(path,),
        notes=tuple(notes),
        requires_python=python,
        supported_markers=tuple(root.strings("supported-markers")),
        exclude_newer=_exclude_newer(root),
        roots=_roots(manifest, packages),
        has_graph=True,
    )


def _exclude_newer(root: Fields) -> str | None:
    """``[options] exclude-newer``: the lock was resolved as if nothing newer existed."""
    options = root.table_at("options")
    value = options.table.get("exclude-newer") if options is not None else None
    if isinstance(value, dt.datetime):  # a TOML date-time (a hand edit): the same instant
        return value.isoformat()
    return value if isinstance(value, str) else None


def _roots(manifest: Fields | None, packages: tuple[LockedPackage, ...]) -> Roots | None:
    """The project entries are roots; a workspace without a root project records its own
    requirements and groups in `[manifest]`. A lock with neither names no roots."""
    table = manifest.table if manifest is not None else {}
    requires = list(_edges(table.get("requirements")))
    groups = table.get("dependency-groups")
    if isinstance(groups, dict):
        for group, items in groups.items():
            requires.extend(_edges(items, group=str(group)))
    if not requires and not any(p.is_project for p in packages):
        return None
    return Roots(requires=tuple(requires))


def _edges(
    items: object, *, when_extra: str | None = None, group: str | None = None
) -> list[Dependency]:
    """uv's edge tables (`{ name, extra, marker, version, source }`); anything else is
    skipped: uv itself refuses such a lock."""
    if not isinstance(items, list):
        return []
    edges = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        # Edges of a package say `extra`; the manifest's requirements, `extras`.
        extras = item.get("extra", item.get("extras"))
        marker = item.get("marker")
        version = item.get("version")
        specifier = item.get("specifier")
        edges.append(
            Dependency(
                name=normalize_name(item["name"]),
                extras=tuple(normalize_name(e) for e in extras if isinstance(e, str))
                if isinstance(extras, list)
                else (),
                marker=marker if isinstance(marker, str) and marker else None,
                specifier=specifier if isinstance(specifier, str) else "",
                version=version if isinstance(version, str) else None,
                when_extra=when_extra,
                group=group,
            )
        )
    return edges


def _requires(table: dict[str, object]) -> tuple[Dependency, ...]:
    edges = _edges(table.get("dependencies"))
    for key, extra_of in (("optional-dependencies", True), ("dev-dependencies", False)):
        groups = table.get(key)
        if not isinstance(groups, dict):
            continue
        for name, items in groups.items():
            label = normalize_name(str(name))
            if extra_of:
                edges.extend(_edges(items, when_extra=label))
            else:
                edges.extend(_edges(items, group=label))
    return tuple(edges)


def _with_activations(
    data: dict[str, object], entries: list[Entry], packages: tuple[LockedPackage, ...]
) -> tuple[LockedPackage, ...]:
    """With `conflicts`: which choices of conflicting extras/groups install each entry."""
    sets = uv_conflicts.conflict_sets(data)
    if not sets:
        return packages
    roots = [i for i, p in enumerate(packages) if p.is_project]
    if not roots:
        return packages  # no project to start from: every entry may be installed
    found = uv_conflicts.activations([e.fields.table for e in entries], roots, sets)
    return tuple(p._replace(activations=a) for p, a in zip(packages, found, strict=True))


def _version(document: TomlDocument, root: Fields) -> FormatVersion:
    value = root.integer("version")
    if value is None:
        raise root.error("missing required key 'version'")
    found = document.text.find("version")  # near the top: no index of the document needed
    line = document.line_of(found) if found != -1 else 1
    return FormatVersion(
        str(value), Location(document.path, line), str(NEWEST_VERSION), value > NEWEST_VERSION
    )


def _package(document: TomlDocument, entry: Entry, members: set[str]) -> LockedPackage:
    table, line, end = entry.fields, entry.line, entry.end
    name = table.string("name", required=True) or ""
    table.where = f"package {name!r}"
    location = Location(document.path, line)
    source_table = table.table_at("source")
    if source_table is None:
        raise table.error("missing required key 'source'")
    kinds = [k for k in _SOURCE_KINDS if source_table.has(k)]
    if len(kinds) != 1:
        unknown = ", ".join(sorted(source_table.table)) or "nothing"
        raise table.error(
            f"unknown source kind ({unknown}); expected one of {', '.join(_SOURCE_KINDS)}"
        )
    kind = kinds[0]
    value = source_table.string(kind, required=True) or ""
    try:
        source = _source(kind, value)
    except ValueError as exc:
        raise table.error(str(exc)) from None
    markers = table.strings("resolution-markers")
    marker = " or ".join(f"({m})" for m in markers) if markers else None
    normalized = normalize_name(name)
    is_project = (
        normalized in members
        or (kind in ("editable", "virtual") and _inside_workspace(value))
        or (kind == "directory" and value == ".")
    )
    return LockedPackage(
        name=normalized,
        display_name=name,
        location=location,
        source=source,
        version=table.string("version"),
        marker=marker,
        artifacts=tuple(_artifacts(document, table, source, line, end)),
        is_project=is_project,
        requires=_requires(table.table),
    )


def _source(kind: str, value: str) -> Source:
    if kind == "registry":
        return Source(SourceKind.REGISTRY, value)
    if kind == "git":
        # uv records the resolved commit in the fragment: https://host/repo?tag=v1#<sha>
        try:
            parts = urlsplit(value)
        except ValueError:  # "https://[not-an-address]/x": no URL git could fetch
            raise ValueError(f"invalid git URL {value!r}") from None
        query = parse_qs(parts.query)
        reference = next((query[k][0] for k in _GIT_REFERENCES if k in query), None)
        base = parts._replace(query="", fragment="").geturl()
        return Source(SourceKind.VCS, f"git+{base}", reference, parts.fragment or None)
    if kind == "url":
        return Source(SourceKind.URL, value)
    if kind == "path":
        return Source(SourceKind.PATH, value)
    if kind == "directory":
        return Source(SourceKind.DIRECTORY, value)
    if kind == "editable":
        return Source(SourceKind.DIRECTORY, value, editable=True)
    return Source(SourceKind.VIRTUAL, value)


def _inside_workspace(path: str) -> bool:
    normalized = os.path.normpath(path)
    return not os.path.isabs(normalized) and not normalized.startswith("..")


def _artifacts(
    document: TomlDocument, table: Fields, source: Source, start: int | None, end: int | None
) -> list[Artifact]:
    entries: list[tuple[object, str, int]] = []
    sdist = table.table.get("sdist")
    if sdist is not None:
        entries.append((sdist, "sdist", 1))
    wheels = table.table.get("wheels")
    if wheels is not None:
        if not isinstance(wheels, list):
            table.tables("wheels")  # raises the error that names the line
        entries.extend((wheel, "wheels", i) for i, wheel in enumerate(wheels, start=1))
    # uv writes each artifact on a line of its own, in order, inside its package's lines:
    # each is found by searching on from the last one (linear in the package's text).
    # Without the package's lines, or once a value is not found as written (an escaped
    # string), the document's index of quoted strings is asked instead.
    forward = start is not None
    cursor = document.offset_of_line(start) if start is not None else 0
    stop = document.offset_of_line(end) if end is not None else len(document.text)
    artifacts = []
    line_cursor = start
    for item, key, number in entries:
        url, path, filename, hash_text, size, upload_time = _artifact_values(
            table, item, key, number
        )
        if url is None and path is None and source.kind is SourceKind.URL:
            url = source.url
        where = url or path or filename or ""
        if filename is None and where:
            filename = where.rstrip("/").rsplit("/", 1)[-1]
        needles = [n for n in (hash_text, url or path or filename) if n]
        line = None
        if forward and needles:
            quoted = f'"{needles[0]}"'
            found_at = document.text.find(quoted, cursor, stop)
            if found_at == -1:
                forward = False
            else:
                cursor = found_at + len(quoted)
                line = document.line_of(found_at)
        if line is None:
            line = next(
                (
                    found
                    for n in needles
                    for begin in (line_cursor, start)
                    if (found := document.find_line(n, begin, end)) is not None
                ),
                start,
            )
        line_cursor = line
        artifacts.append(
            Artifact(
                hashes=(parse_hash(hash_text),) if hash_text else (),
                location=Location(document.path, line),
                filename=filename,
                url=url,
                size=size,
                upload_time=upload_time,
            )
        )
    return artifacts


_ARTIFACT_STRINGS = ("url", "path", "filename", "hash", "upload-time")
_TEXT = frozenset({str, type(None)})
_NUMBER = frozenset({int, type(None)})  # not bool: TOML's true is no size
_Values = tuple[str | None, str | None, str | None, str | None, int | None, str | None]


def _artifact_values(table: Fields, item: object, key: str, number: int) -> _Values:
    """url, path, filename, hash, size and upload-time of one sdist or wheel table, read
    from the dict itself: a large lock has thousands. A wrong type is rare: only then is
    the table wrapped in Fields, whose error names the line, the entry and the key."""
    if isinstance(item, dict):
        get = item.get
        url, path, filename = get("url"), get("path"), get("filename")
        hash_text, size, upload_time = get("hash"), get("size"), get("upload-time")
        if (
            type(url) in _TEXT
            and type(path) in _TEXT
            and type(filename) in _TEXT
            and type(hash_text) in _TEXT
            and type(upload_time) in _TEXT
            and type(size) in _NUMBER
        ):
            return url, path, filename, hash_text, size, upload_time
    where = f"{table.where} '{key}'" + (f" entry {number}" if key == "wheels" else "")
    fields = Fields(item, table.path, table.line, where)
    url, path, filename, hash_text, upload_time = (fields.string(k) for k in _ARTIFACT_STRINGS)
    return url, path, filename, hash_text, fields.integer("size"), upload_time
