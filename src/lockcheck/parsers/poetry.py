"""poetry.lock: lock-version 1.x (hashes under ``[metadata.files]``) and 2.x (``files``).

``[package.source]`` says where a package comes from: nothing (the default index),
``legacy`` (another index), ``git``, ``directory``, ``file`` or ``url``. The root project
is never in poetry.lock. LC201 needs the content-hash poetry would compute now.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from hashlib import sha256
from typing import Any

from lockcheck import filenames
from lockcheck.errors import LockfileError
from lockcheck.hashes import parse_hash
from lockcheck.model import (
    Artifact,
    Dependency,
    Location,
    LockedPackage,
    Lockfile,
    LockFormat,
    ManifestState,
    Note,
    Source,
    SourceKind,
    normalize_name,
    registry_indexes,
)
from lockcheck.parsers.metadata_table import read_metadata_lock
from lockcheck.parsers.pyproject_roots import lock_roots
from lockcheck.parsers.requirement_text import parse_requirement
from lockcheck.parsers.toml_document import (
    Entry,
    Fields,
    TomlDocument,
    array_entries,
    dotted_version,
)

NEWEST_VERSION = (2, 1)
# Poetry writes `markers` on packages from lock-version 2.1 on.
_MARKERS_RECORDED = (2, 1)
_SOURCE_TYPES = ("legacy", "git", "directory", "file", "url")
# What poetry hashes into content-hash, as poetry 2 does (poetry/packages/locker.py).
_LEGACY_KEYS = ("dependencies", "source", "extras", "dev-dependencies")
_POETRY_KEYS = (*_LEGACY_KEYS, "group")
_PROJECT_KEYS = ("requires-python", "dependencies", "optional-dependencies")


def parse(path: str) -> Lockfile:
    document, root, metadata = read_metadata_lock(path, "poetry.lock")
    version, numbers = dotted_version(document, metadata, "lock-version", NEWEST_VERSION)
    entries = array_entries(document, root, "package")
    legacy_files = metadata.table_at("files") if numbers < (2, 0) else None
    files_line = document.find_line("[metadata.files]", 1, None)
    packages = tuple(_package(document, e, legacy_files, files_line) for e in entries)
    notes: tuple[Note, ...] = ()
    if numbers < _MARKERS_RECORDED:
        packages, notes = _unknown_markers(packages, version.value)
    # `poetry check --lock` judges 1.x locks by the same content-hash (the oracle test).
    state = _content_hash_state(document, metadata)
    manifests = [state] if state is not None else []
    roots, roots_note = lock_roots(path, "poetry.lock", tuple(manifests))
    if roots_note is not None:
        notes = (*notes, roots_note)
    return Lockfile(
        path=path,
        format=LockFormat.POETRY,
        packages=packages,
        indexes=registry_indexes(packages),
        format_version=version,
        manifests=tuple(manifests),
        files=(path,),
        notes=notes,
        requires_python=python_specifier(metadata.string("python-versions")),
        roots=roots,
        has_graph=True,
    )


def python_specifier(constraint: str | None) -> str | None:
    """Poetry's python constraint as a PEP 440 specifier, or None (any Python) when it is
    a union or a form this does not know: `^3.9` is `>=3.9,<4.0`, `~3.9` is `>=3.9,<3.10`."""
    if not constraint or "||" in constraint or "|" in constraint:
        return None
    parts = []
    for part in re.split(r"\s*,\s*|\s+(?=[<>=!~^])", constraint.strip()):
        found = re.fullmatch(r"([\^~])\s*(\d+)(?:\.(\d+))?(?:\.\d+)*", part)
        if found:
            major, minor = int(found.group(2)), int(found.group(3) or 0)
            caret = found.group(1) == "^" or found.group(3) is None  # `~3` is `^3`
            upper = f"{major + 1}.0" if caret else f"{major}.{minor + 1}"
            parts += [f">={part.lstrip('^~').strip()}", f"<{upper}"]
        elif part and part != "*":
            parts.append(part if part[0] in "<>=!~" else f"=={part}")
    specifier = ",".join(parts)
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        SpecifierSet(specifier)
    except InvalidSpecifier:
        return None
    return specifier or None


def _unknown_markers(
    packages: tuple[LockedPackage, ...], lock_version: str
) -> tuple[tuple[LockedPackage, ...], tuple[Note, ...]]:
    """Before lock-version 2.1 poetry records no markers on packages: where one name has
    several versions, the lock cannot say where each applies. The parents' edges cannot
    either (the project's own pyproject may pick the version; `idna>=2.5` from requests
    admits both), so LC005 must not judge them: say so instead."""
    counts = Counter(p.name for p in packages)
    notes = []
    changed = []
    noted: set[str] = set()
    for package in packages:
        if counts[package.name] > 1:
            if package.name not in noted:
                noted.add(package.name)
                notes.append(
                    Note(
                        package.location,
                        f"{package.name} is locked in {counts[package.name]} versions and "
                        f"poetry.lock {lock_version} records no markers for them: "
                        "LC005 cannot tell whether they can be installed together",
                    )
                )
            package = package._replace(marker_known=False)
        changed.append(package)
    return tuple(changed), tuple(notes)


def _package(
    document: TomlDocument, entry: Entry, legacy_files: Fields | None, files_line: int | None
) -> LockedPackage:
    table, line, end = entry.fields, entry.line, entry.end
    name = table.string("name", required=True) or ""
    table.where = f"package {name!r}"
    version = table.string("version", required=True)
    source = _source(table)
    if legacy_files is not None:
        files = legacy_files.tables(name) or legacy_files.tables(normalize_name(name))
        files = _own_files(files, normalize_name(name), version)
        start, stop = files_line, None
    else:
        files = table.tables("files")
        start, stop = line, end
    artifacts = []
    for file in files:
        filename = file.string("file")
        hash_text = file.string("hash")
        found = document.find_line(hash_text or filename or "", start, stop) or line
        artifacts.append(
            Artifact(
                hashes=(parse_hash(hash_text),) if hash_text else (),
                location=Location(document.path, found),
                filename=filename,
                url=source.url if source.kind is SourceKind.URL else None,
            )
        )
    location = Location(document.path, line)
    if source.kind in (SourceKind.REGISTRY, SourceKind.URL, SourceKind.PATH) and not artifacts:
        # `files = []`: nothing to check the download against. Record one empty artifact
        # so LC002 reports it where it is written.
        files_at = document.find_line("files", line, end) or line
        artifacts.append(
            Artifact(hashes=(), location=Location(document.path, files_at), filename=None)
        )
    return LockedPackage(
        name=normalize_name(name),
        display_name=name,
        location=location,
        source=source,
        version=version,
        marker=_marker(table),
        artifacts=tuple(artifacts),
        requires=_requires(table.table),
    )


def _requires(table: dict[str, Any]) -> tuple[Dependency, ...]:
    """`[package.dependencies]`: name = constraint, or a table (version, markers,
    extras, optional), or a list of such tables. An optional one is needed only for the
    extras `[package.extras]` lists it under; one no extra lists is never installed."""
    extras_of: dict[str, list[str]] = {}
    extras = table.get("extras")
    if isinstance(extras, dict):
        for extra, items in extras.items():
            for text in items if isinstance(items, list) else ():
                found = parse_requirement(text) if isinstance(text, str) else None
                if found is not None:
                    extras_of.setdefault(found.name, []).append(normalize_name(str(extra)))
    edges: list[Dependency] = []
    dependencies = table.get("dependencies")
    if not isinstance(dependencies, dict):
        return ()
    for raw_name, value in dependencies.items():
        name = normalize_name(str(raw_name))
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                edges.append(Dependency(name, specifier=item))
                continue
            if not isinstance(item, dict):
                continue
            marker = item.get("markers")
            marker = marker if isinstance(marker, str) and marker else None
            wanted = item.get("extras")
            asked = (
                tuple(normalize_name(e) for e in wanted if isinstance(e, str))
                if isinstance(wanted, list)
                else ()
            )
            version = item.get("version")
            specifier = version if isinstance(version, str) else ""
            edge = Dependency(name, asked, marker, specifier)
            if item.get("optional") is True:
                edges.extend(edge._replace(when_extra=e) for e in extras_of.get(name, ()))
            else:
                edges.append(edge)
    return tuple(edges)


def _own_files(files: list[Fields], project: str, version: str | None) -> list[Fields]:
    """Lock-version 1.x lists the files of every locked version of a name together under
    `[metadata.files]`: keep those that are not plainly another version's."""
    kept = []
    for file in files:
        filename = file.string("file") or ""
        ours = filenames.names(filename, project, version)
        if ours or not any(r.project == project for r in filenames.readings(filename)):
            kept.append(file)
    return kept


def _source(table: Fields) -> Source:
    source = table.table_at("source")
    if source is None:
        return Source(SourceKind.REGISTRY)
    kind = source.string("type", required=True)
    url = source.string("url")
    if kind not in _SOURCE_TYPES:
        raise table.error(
            f"unknown source type {kind!r}; expected one of {', '.join(_SOURCE_TYPES)}"
        )
    if kind == "legacy":
        # The source's name: its login is in POETRY_HTTP_BASIC_<NAME>_USERNAME/_PASSWORD.
        return Source(SourceKind.REGISTRY, url, source.string("reference"))
    if kind == "git":
        commit = source.string("resolved_reference")
        reference = source.string("reference")
        return Source(SourceKind.VCS, f"git+{url}" if url else None, reference, commit)
    if kind == "directory":
        editable = table.table.get("develop") is True
        return Source(SourceKind.DIRECTORY, url, editable=editable)
    if kind == "file":
        return Source(SourceKind.PATH, url)
    return Source(SourceKind.URL, url)


def _marker(table: Fields) -> str | None:
    markers = table.table.get("markers")
    if isinstance(markers, str):
        return markers or None
    if isinstance(markers, dict):
        # Per group; the package is installed when any group's marker holds, and always
        # for a group the table leaves out (poetry writes markers only where they limit).
        groups = table.table.get("groups")
        if isinstance(groups, list) and any(
            not (isinstance(markers.get(g), str) and markers.get(g)) for g in groups
        ):
            return None
        values = [m for m in markers.values() if isinstance(m, str) and m]
        return " or ".join(f"({m})" for m in values) if values else None
    return None


def _content_hash_state(document: TomlDocument, metadata: Fields) -> ManifestState | None:
    recorded = metadata.string("content-hash")
    manifest_path = os.path.join(os.path.dirname(document.path), "pyproject.toml")
    if not os.path.isfile(manifest_path):
        return None
    try:
        manifest = TomlDocument.read(manifest_path)
    except LockfileError:
        return None  # the build tool reports a broken pyproject; the lock is not to blame
    current = content_hash(manifest.data, with_groups=True)
    if recorded is None:  # `poetry check --lock` calls such a lock stale too
        line = metadata.line
        return ManifestState(
            "content-hash", manifest_path, Location(document.path, line), (), (current,)
        )
    if current != recorded and _written_before_groups_counted(document.text):
        legacy = content_hash(manifest.data, with_groups=False)
        current = legacy if legacy == recorded else current
    line = document.find_line("content-hash", metadata.line, None) or metadata.line
    return ManifestState(
        "content-hash", manifest_path, Location(document.path, line), (recorded,), (current,)
    )


def content_hash(pyproject: dict[str, Any], *, with_groups: bool) -> str:
    """The content-hash poetry 2 records for this pyproject data."""
    project = pyproject.get("project") or {}
    groups = (pyproject.get("dependency-groups") or {}) if with_groups else {}
    poetry = (pyproject.get("tool") or {}).get("poetry") or {}
    relevant_project = {k: project[k] for k in _PROJECT_KEYS if project.get(k) is not None}
    relevant_poetry = {}
    for key in _POETRY_KEYS:
        value = poetry.get(key)
        # Missing legacy keys count as null only in old, [tool.poetry]-only projects.
        if value is None and (key not in _LEGACY_KEYS or relevant_project or groups):
            continue
        relevant_poetry[key] = value
    content: dict[str, Any] = {}
    if relevant_project:
        content["project"] = relevant_project
    if groups:
        content["dependency-groups"] = groups
    if content:
        content["tool"] = {"poetry": relevant_poetry}
    else:
        content = relevant_poetry
    return sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def _written_before_groups_counted(text: str) -> bool:
    """Poetry before 2.3 left [dependency-groups] out of the hash (its header says which)."""
    found = re.search(r"Poetry (\d+)\.(\d+)", text[:200])
    return found is not None and (int(found.group(1)), int(found.group(2))) < (2, 3)
