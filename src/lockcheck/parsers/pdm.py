"""pdm.lock: lock_version 4.x, as pdm 2.x writes it.

Each ``[[package]]`` is a registry package (``files`` with hashes; with the ``static_urls``
strategy each file also has its ``url``), a git checkout (``git``, ``ref``, ``revision``),
a local path (``path``, maybe ``editable``) or a remote archive (``url``). pdm.lock names
no index: pdm takes the sources from pyproject.toml at install time. The root project is
never in the lock. LC201 needs the ``content_hash`` pdm would compute now.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from typing import Any

from lockcheck.errors import LockfileError
from lockcheck.hashes import parse_hash
from lockcheck.model import (
    Artifact,
    FormatVersion,
    Location,
    LockedPackage,
    Lockfile,
    LockFormat,
    ManifestState,
    Note,
    Source,
    SourceKind,
    normalize_name,
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

# pdm 2.29 writes 4.5.1; pdm refuses a lock of another major or a newer minor version.
NEWEST_VERSION = (4, 5)
_ARCHIVE = (".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar")


def parse(path: str) -> Lockfile:
    document, root, metadata = read_metadata_lock(path, "pdm.lock")
    version = _format_version(document, metadata)
    # Cross-platform locks: which platforms and Pythons the lock was resolved for.
    targets = tuple(
        (
            target.string("platform") or "",
            target.string("requires_python") or "",
            target.string("implementation") or "",
        )
        for target in metadata.tables("targets")
    )
    python, markers = _targets(metadata.tables("targets"))
    metadata.strings("groups")
    packages = tuple(_package(document, e) for e in array_entries(document, root, "package"))
    manifests: list[ManifestState] = []
    notes: list[Note] = []
    _content_hash_state(document, metadata, manifests, notes)
    roots, roots_note = lock_roots(path, "pdm.lock", tuple(manifests))
    if roots_note is not None:
        notes.append(roots_note)
    return Lockfile(
        path=path,
        format=LockFormat.PDM,
        packages=packages,
        format_version=version,
        manifests=tuple(manifests),
        files=(path,),
        notes=tuple(notes),
        targets=targets,
        requires_python=python,
        supported_markers=markers,
        roots=roots,
        has_graph=True,
    )


# pdm target platforms (`manylinux_2_40_x86_64`, `windows_amd64`, `macos_arm64`) as
# marker values; a platform not known here leaves the target unrestricted.
_SYSTEMS = (
    (("linux", "manylinux", "musllinux"), "linux"),
    (("windows",), "win32"),
    (("macos",), "darwin"),
)
_MACHINES = {
    "linux": {"x86_64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"},
    "win32": {"amd64": "AMD64", "x86_64": "AMD64", "arm64": "ARM64", "aarch64": "ARM64"},
    "darwin": {"x86_64": "x86_64", "arm64": "arm64", "aarch64": "arm64"},
}


def _targets(targets: list[Fields]) -> tuple[str | None, tuple[str, ...]]:
    """The environments a cross-platform lock was resolved for (`[[metadata.targets]]`):
    one requires-python if all agree, and one marker per target."""
    if not targets:
        return None, ()
    pythons = {t.string("requires_python") or "" for t in targets}
    markers = []
    for target in targets:
        clauses = [_python_marker(target.string("requires_python") or "")]
        clauses.append(_platform_marker(target.string("platform") or ""))
        implementation = target.string("implementation")
        if implementation:
            clauses.append(f"implementation_name == '{implementation.lower()}'")
        marker = " and ".join(c for c in clauses if c)
        if not marker:
            return (pythons.pop() or None) if len(pythons) == 1 else None, ()
        markers.append(marker)
    return (pythons.pop() or None) if len(pythons) == 1 else None, tuple(markers)


def _python_marker(specifier: str) -> str:
    clauses = []
    for part in specifier.split(","):
        found = re.fullmatch(r"\s*(~=|==|!=|<=|>=|<|>)\s*([0-9][0-9A-Za-z.*+!]*)\s*", part)
        if found:
            clauses.append(f"python_full_version {found.group(1)} '{found.group(2)}'")
    return " and ".join(clauses)


def _platform_marker(platform: str) -> str:
    lowered = platform.lower()
    for prefixes, system in _SYSTEMS:
        if lowered.startswith(prefixes):
            clause = f"sys_platform == '{system}'"
            machine = next(
                (m for suffix, m in _MACHINES[system].items() if lowered.endswith(suffix)), None
            )
            return clause + (f" and platform_machine == '{machine}'" if machine else "")
    return ""


def _format_version(document: TomlDocument, metadata: Fields) -> FormatVersion:
    version, numbers = dotted_version(document, metadata, "lock_version", NEWEST_VERSION)
    # pdm compares the major and minor only (4.5.1 is 4.5), and refuses another major.
    newer = numbers[0] != NEWEST_VERSION[0] or numbers[:2] > NEWEST_VERSION
    return version._replace(is_newer=newer)


def _package(document: TomlDocument, entry: Entry) -> LockedPackage:
    table, line, end = entry.fields, entry.line, entry.end
    name = table.string("name", required=True) or ""
    table.where = f"package {name!r}"
    source = _source(table)
    artifacts = []
    for file in table.tables("files"):
        url = file.string("url")
        filename = file.string("file") or (url.rsplit("/", 1)[-1].split("#")[0] if url else None)
        hash_text = file.string("hash")
        found = document.find_line(hash_text or url or filename or "", line, end) or line
        artifacts.append(
            Artifact(
                hashes=(parse_hash(hash_text),) if hash_text else (),
                location=Location(document.path, found),
                filename=filename,
                url=url,
            )
        )
    if source.kind in (SourceKind.REGISTRY, SourceKind.URL) and not artifacts:
        # No file to check the download against: one empty artifact where `files` is
        # (or the package is), so LC002 reports it there.
        at = document.find_line("files", line, end) or line
        artifacts.append(Artifact(hashes=(), location=Location(document.path, at)))
    extras = tuple(normalize_name(e) for e in table.strings("extras"))
    return LockedPackage(
        name=normalize_name(name),
        display_name=name,
        location=Location(document.path, line),
        source=source,
        version=table.string("version"),
        extras=extras,
        marker=table.string("marker") or None,
        artifacts=tuple(artifacts),
        requires=tuple(
            d for d in map(parse_requirement, table.strings("dependencies")) if d is not None
        ),
    )


def _source(table: Fields) -> Source:
    editable = table.table.get("editable") is True
    git = table.string("git")
    if git is not None:
        reference = table.string("ref")
        commit = table.string("revision")
        url = git if git.startswith("git+") else f"git+{git}"
        return Source(SourceKind.VCS, url, reference, commit, editable=editable)
    for vcs in ("hg", "svn", "bzr"):
        other = table.string(vcs)
        if other is not None:
            url = other if other.startswith(f"{vcs}+") else f"{vcs}+{other}"
            return Source(
                SourceKind.VCS, url, table.string("ref"), table.string("revision"), editable
            )
    local = table.string("path")
    if local is not None:
        kind = SourceKind.PATH if local.lower().endswith(_ARCHIVE) else SourceKind.DIRECTORY
        return Source(kind, local, editable=editable)
    remote = table.string("url")
    if remote is not None:
        return Source(SourceKind.URL, remote, editable=editable)
    return Source(SourceKind.REGISTRY)


def _content_hash_state(
    document: TomlDocument, metadata: Fields, manifests: list[ManifestState], notes: list[Note]
) -> None:
    recorded = metadata.string("content_hash")
    manifest_path = os.path.join(os.path.dirname(document.path), "pyproject.toml")
    if recorded is None or not os.path.isfile(manifest_path):
        return
    line = document.find_line("content_hash", metadata.line, None) or metadata.line
    location = Location(document.path, line)
    if metadata.has("lock_inputs"):
        # pdm then judges freshness by the recorded inputs (resolved dependencies, local
        # projects' metadata), not by the hash: lockcheck cannot recompute those.
        notes.append(Note(location, "pdm.lock records lock_inputs: LC201 not checked"))
        return
    try:
        manifest = TomlDocument.read(manifest_path)
    except LockfileError:
        return  # the build tool reports a broken pyproject; the lock is not to blame
    algorithm, _, value = recorded.partition(":")
    current, why = pdm_content_hash(manifest.data, algorithm or "sha256")
    if current is None:
        notes.append(Note(location, f"LC201 not checked: {why}"))
        return
    manifests.append(ManifestState("content-hash", manifest_path, location, (value,), (current,)))


def pdm_content_hash(pyproject: dict[str, Any], algorithm: str) -> tuple[str | None, str]:
    """The content_hash pdm records for this pyproject.toml, or None and why not.

    pdm hashes a JSON dump (sorted keys, default separators) of: its sources, the
    project's dependencies, optional-dependencies and requires-python, its resolution
    settings, and the dependency groups ([dependency-groups] first, then
    [tool.pdm.dev-dependencies] appended, under PEP 503 normalised names).
    """
    tool = pyproject.get("tool")
    settings = tool.get("pdm") if isinstance(tool, dict) else None
    settings = settings if isinstance(settings, dict) else {}
    project = pyproject.get("project")
    if not isinstance(project, dict):
        # pdm converts a poetry or flit project in memory first; that is not reproduced.
        return None, "pyproject.toml has no [project] table"
    resolution = settings.get("resolution", {})
    if isinstance(resolution, dict) and resolution.get("lock_inputs") is True:
        return None, "[tool.pdm.resolution] lock_inputs is on: pdm checks recorded inputs"
    if isinstance(settings.get("workspace"), dict):
        return None, "a pdm workspace: the hash covers every member's pyproject.toml"
    groups: dict[str, list[Any]] = {}
    for table in (pyproject.get("dependency-groups", {}), settings.get("dev-dependencies", {})):
        if not isinstance(table, dict):
            return None, "dependency groups are not a table"
        first = table is pyproject.get("dependency-groups")
        for group, deps in table.items():
            key = normalize_name(group)
            if first and key in groups:
                return None, f"dependency group {key!r} is declared twice"
            groups.setdefault(key, []).extend(deps if isinstance(deps, list) else [deps])
    data = {
        "sources": settings.get("source", []),
        "dependencies": project.get("dependencies", []),
        "dev-dependencies": groups,
        "optional-dependencies": project.get("optional-dependencies", {}),
        "requires-python": project.get("requires-python", ""),
        "resolution": resolution,
    }
    try:
        content = json.dumps(data, sort_keys=True)
        hasher = hashlib.new(algorithm)
    except (TypeError, ValueError):
        return None, "pyproject.toml holds values pdm cannot hash (dates?) or an unknown algorithm"
    hasher.update(content.encode("utf-8"))
    return hasher.hexdigest(), ""
