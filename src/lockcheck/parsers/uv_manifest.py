"""uv.lock against pyproject.toml: the requirements uv recorded for each of the user's
projects, and the ones its pyproject.toml declares now, lowered the way uv lowers them.

uv records a project's requirements after applying its own settings, so the declared side
gets the same treatment before the two are compared:

* ``[tool.uv] dev-dependencies`` join the ``dev`` group;
* ``[tool.uv.dependency-groups] <group> = { requires-python = ... }`` adds that Python
  range as a marker to every entry of the group;
* a requirement with a ``[tool.uv.sources]`` entry (the member's own, else the workspace
  root's) is recorded once per source, each with the source's marker added, plus the rest
  of the marker space when every source has a marker; a workspace, path, git or url source
  replaces the version specifier, an index source keeps it.

A lone project's ``requires-python`` is compared with the lock's, by the versions it
admits. ``dynamic`` dependencies cannot be known from pyproject.toml: that part is left out
of the comparison and a note says so. A uv.lock beside a workspace member is not the lock
uv uses (the workspace root's is): a note, no comparison. A pyproject.toml without
``[project]`` has its dependency groups recorded under ``[manifest.dependency-groups]``.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from lockcheck.errors import LockfileError
from lockcheck.model import (
    REQUIRES_PYTHON_KEY,
    VERSION_KEY,
    Location,
    LockedPackage,
    ManifestState,
    Note,
    normalize_name,
)
from lockcheck.parsers.manifest import (
    Condition,
    Declared,
    Manifest,
    declared_requirements,
    keys,
    python_key,
    python_marker,
    requirement,
    version_key,
)
from lockcheck.parsers.toml_document import Entry, Fields, TomlDocument

# Sources that name the distribution itself, so uv records no version specifier.
_DIRECT_SOURCES = ("workspace", "path", "git", "url")


def manifest_states(
    lock: TomlDocument,
    entries: list[Entry],
    packages: tuple[LockedPackage, ...],
    python: str | None,
    manifest_table: Fields | None,
) -> tuple[list[ManifestState], list[Note]]:
    """For each of the user's projects whose pyproject.toml is here: recorded vs declared;
    and for a pyproject.toml without a project, its dependency groups."""
    path = lock.path
    states: list[ManifestState] = []
    notes: list[Note] = []
    base = os.path.dirname(path)
    root = _enclosing_workspace(base)
    if root is not None:
        used = os.path.join(os.path.relpath(root, base or "."), "uv.lock")
        message = (
            "uv does not use this lock: the project beside it is a workspace member, "
            f"locked in {used}; LC201 judges that lock instead"
        )
        return [], [Note(Location(path, None), message)]
    root_document = _read(os.path.join(base, "pyproject.toml"))
    root_sources = _sources(root_document)
    if root_document is not None and "project" not in root_document.data:
        state = _groups_only(lock, root_document, root_sources, python, manifest_table)
        states += [state] if state is not None else []
    single = sum(1 for p in packages if p.is_project) == 1
    for entry, package in zip(entries, packages, strict=True):
        if not package.is_project or package.source.url is None:
            continue
        manifest_path = os.path.normpath(os.path.join(base, package.source.url, "pyproject.toml"))
        document = _read(manifest_path)
        if document is None or not isinstance(document.data.get("project"), dict):
            continue  # no pyproject, or a broken one: the build tool's error, not the lock's
        manifest = declared_requirements(document)
        declared = lowered(document, manifest, {**root_sources, **_sources(document)})
        metadata = entry.fields.table_at("metadata")
        recorded, recorded_extras = _recorded(metadata) if metadata else ([], set())
        if manifest.dynamic:
            what = " and ".join(f"`{d}`" for d in sorted(manifest.dynamic))
            notes.append(
                Note(
                    Location(manifest_path, manifest.dynamic_line),
                    f"{what} of {package.display_name} are dynamic (computed by the build "
                    "backend): LC201 cannot compare them with the lock",
                )
            )
            recorded = [r for r in recorded if not _is_dynamic(r, manifest.dynamic)]
            declared = [r for r in declared if not _is_dynamic(r, manifest.dynamic)]
        if "optional-dependencies" in manifest.dynamic:
            extras = recorded_extras
        else:
            extras = manifest.extras | recorded_extras
        recorded_keys, recorded_shown = keys(recorded, extras, python)
        current_keys, current_shown = keys(declared, extras, python)
        flattened = _self_extras_flattened(declared, package.name)
        if flattened is not None:
            # uv records a self-referencing extra (`all = ["project[async]"]`) as written,
            # or, when the project's version is dynamic, flattened into the extras it
            # names: either form is what pyproject.toml declares.
            flat_keys, flat_shown = keys(flattened, extras, python)
            if flat_keys == recorded_keys:
                current_keys, current_shown = flat_keys, flat_shown
        declared_python = document.data["project"].get("requires-python")
        if single and python and isinstance(declared_python, str):
            # A lone project's requires-python is the lock's (a workspace's is the
            # intersection of its members', which uv may rewrite: not compared).
            recorded_keys, recorded_shown = _with_key(
                recorded_keys, recorded_shown, python_key, REQUIRES_PYTHON_KEY, python
            )
            current_keys, current_shown = _with_key(
                current_keys, current_shown, python_key, REQUIRES_PYTHON_KEY, declared_python
            )
        declared_version = _static_version(document.data["project"])
        if declared_version is not None and package.version is not None:
            # uv takes a lock whose project version is not pyproject's as stale.
            recorded_keys, recorded_shown = _with_key(
                recorded_keys, recorded_shown, version_key, VERSION_KEY, package.version
            )
            current_keys, current_shown = _with_key(
                current_keys, current_shown, version_key, VERSION_KEY, declared_version
            )
        states.append(
            ManifestState(
                kind="requires-dist",
                manifest_path=manifest_path,
                location=package.location,
                recorded=recorded_keys,
                current=current_keys,
                labels=tuple({**recorded_shown, **current_shown}.items()),
            )
        )
    return states, notes


def _self_extras_flattened(declared: list[Declared], project: str) -> list[Declared] | None:
    """The requirements with each reference to the project's own extras replaced by the
    requirements of those extras, or None when nothing refers to the project itself."""
    own = [r for r in declared if normalize_name(r.name) == project and r.extras]
    if not own:
        return None
    by_extra: dict[str, list[Declared]] = {}
    for req in declared:
        if req.extra is not None:
            by_extra.setdefault(req.extra, []).append(req)
    found = [r for r in declared if r not in own]
    for reference in own:
        marker = _without_extra(reference.marker, reference.extra)
        for named in reference.extras:
            for req in by_extra.get(normalize_name(named), []):
                if normalize_name(req.name) == project:
                    continue  # a reference of a reference: uv's own recursion, not judged
                inner = _without_extra(req.marker, req.extra)
                parts = [f"({m})" for m in (inner, marker) if m]
                if reference.extra is not None:
                    parts.append(f"extra == '{reference.extra}'")
                found.append(replace(req, marker=" and ".join(parts), extra=reference.extra))
    return found


def _without_extra(marker: str | None, extra: str | None) -> str | None:
    """A declared requirement's own marker, without the clause its extra's table added
    (manifest.requirement writes ``(marker) and extra == 'x'`` or ``extra == 'x'``)."""
    if marker is None or extra is None:
        return marker
    clause = f"extra == '{extra}'"
    if marker == clause:
        return None
    suffix = f") and {clause}"
    return (
        marker[1 : -len(suffix)] if marker.startswith("(") and marker.endswith(suffix) else marker
    )


def _groups_only(
    lock: TomlDocument,
    document: TomlDocument,
    sources: dict[str, list[dict[str, Any]]],
    python: str | None,
    manifest_table: Fields | None,
) -> ManifestState | None:
    """A pyproject.toml without [project] (a virtual workspace root, or dependency groups
    only): uv records its groups under ``[manifest.dependency-groups]``."""
    groups = document.data.get("dependency-groups")
    if not isinstance(groups, dict) or "dev-dependencies" in _tool_uv(document):
        return None  # nothing to compare, or legacy settings whose record is not certain
    manifest = declared_requirements(document, groups_only=True)
    declared = lowered(document, manifest, sources)
    recorded_table = manifest_table.table_at("dependency-groups") if manifest_table else None
    recorded = []
    if recorded_table is not None:
        for group in recorded_table.table:
            name = f"group {normalize_name(group)}"
            recorded += [_declared(e, name) for e in recorded_table.tables(group)]
    recorded_keys, recorded_shown = keys(recorded, (), python)
    current_keys, current_shown = keys(declared, (), python)
    line = lock.find_line("[manifest.dependency-groups]", 1, None) or 1
    return ManifestState(
        kind="requires-dist",
        manifest_path=document.path,
        location=Location(lock.path, line),
        recorded=recorded_keys,
        current=current_keys,
        labels=tuple({**recorded_shown, **current_shown}.items()),
    )


def _with_key(
    found: tuple[str, ...],
    shown: dict[str, str],
    key_of: Callable[[str], str | None],
    label: str,
    value: str,
) -> tuple[tuple[str, ...], dict[str, str]]:
    """The keys and labels with one more compared value (requires-python, the version)."""
    key = key_of(value)
    if key is None:
        return found, shown
    return tuple(sorted((*found, key))), {**shown, key: f"{label} ; {value}"}


def _static_version(project: dict[str, Any]) -> str | None:
    dynamic = project.get("dynamic")
    if isinstance(dynamic, list) and "version" in dynamic:
        return None
    version = project.get("version")
    return version if isinstance(version, str) else None


def _enclosing_workspace(directory: str) -> str | None:
    """The root of the uv workspace above ``directory`` that has it as a member, if any:
    uv then locks the whole workspace in the root's uv.lock."""
    directory = os.path.abspath(directory)
    own = _tool_uv(_read(os.path.join(directory, "pyproject.toml")))
    if not own and not os.path.isfile(os.path.join(directory, "pyproject.toml")):
        return None
    if isinstance(own.get("workspace"), dict):
        return None  # a workspace root of its own
    parent = os.path.dirname(directory)
    while True:
        workspace = _tool_uv(_read(os.path.join(parent, "pyproject.toml"))).get("workspace")
        if isinstance(workspace, dict):
            member = os.path.relpath(directory, parent).replace(os.sep, "/")
            included = _matches(member, workspace.get("members"))
            return parent if included and not _matches(member, workspace.get("exclude")) else None
        if os.path.dirname(parent) == parent:
            return None
        parent = os.path.dirname(parent)


def _matches(member: str, patterns: Any) -> bool:
    """Whether a member path matches one of a workspace's globs (``*`` within one level)."""
    if not isinstance(patterns, list):
        return False
    parts = member.split("/")
    for pattern in patterns:
        if not isinstance(pattern, str):
            continue
        wanted = [p for p in pattern.strip("/").split("/") if p not in ("", ".")]
        if "**" in wanted:
            prefix = wanted[: wanted.index("**")]
            found = len(parts) > len(prefix) and all(
                fnmatch.fnmatchcase(a, b) for a, b in zip(parts, prefix, strict=False)
            )
        else:
            found = len(wanted) == len(parts) and all(
                fnmatch.fnmatchcase(a, b) for a, b in zip(parts, wanted, strict=True)
            )
        if found:
            return True
    return False


def _read(path: str) -> TomlDocument | None:
    if not os.path.isfile(path):
        return None
    try:
        return TomlDocument.read(path)
    except LockfileError:
        return None  # a broken pyproject is the build tool's error to report, not the lock's


def _is_dynamic(req: Declared, dynamic: frozenset[str]) -> bool:
    if req.group is not None:
        return False  # dependency groups are never dynamic
    optional = req.extra is not None or "extra" in (req.marker or "")
    return ("optional-dependencies" if optional else "dependencies") in dynamic


def _tool_uv(document: TomlDocument | None) -> dict[str, Any]:
    if document is None:
        return {}
    tool = document.data.get("tool")
    uv = tool.get("uv") if isinstance(tool, dict) else None
    return uv if isinstance(uv, dict) else {}


def _sources(document: TomlDocument | None) -> dict[str, list[dict[str, Any]]]:
    table = _tool_uv(document).get("sources")
    if not isinstance(table, dict):
        return {}
    found = {}
    for name, value in table.items():
        entries = value if isinstance(value, list) else [value]
        found[normalize_name(name)] = [e for e in entries if isinstance(e, dict)]
    return found


def lowered(
    document: TomlDocument, manifest: Manifest, sources: dict[str, list[dict[str, Any]]]
) -> list[Declared]:
    """The declared requirements as uv records them."""
    uv = _tool_uv(document)
    requirements = list(manifest.requirements)
    dev = uv.get("dev-dependencies")  # uv's older spelling of the `dev` group
    for text in dev if isinstance(dev, list) else []:
        if isinstance(text, str):
            requirements.append(requirement(document.path, text, None, "group dev"))
    group_python = _group_python(uv)
    found = []
    for req in requirements:
        group = req.group.removeprefix("group ") if req.group else None
        # A group's requires-python, and that of each group it was included through.
        for name in (group, *req.via) if group else ():
            python = group_python.get(name)
            if python:
                req = replace(req, conditions=(*req.conditions, (python, False)))
        found += _with_sources(req, sources.get(normalize_name(req.name), []))
    return found


def _group_python(uv: dict[str, Any]) -> dict[str, str]:
    table = uv.get("dependency-groups")
    found = {}
    for group, settings in table.items() if isinstance(table, dict) else []:
        value = settings.get("requires-python") if isinstance(settings, dict) else None
        marker = python_marker(value) if isinstance(value, str) else None
        if marker:
            found[normalize_name(group)] = marker
    return found


def _with_sources(req: Declared, sources: list[dict[str, Any]]) -> list[Declared]:
    group = req.group.removeprefix("group ") if req.group else None
    applicable = [s for s in sources if _applies(s, req.extra, group)]
    if not applicable:
        return [req]
    found = []
    for source in applicable:
        marker = source.get("marker")
        conditions: tuple[Condition, ...] = req.conditions
        if isinstance(marker, str):
            conditions = (*conditions, (marker, False))
        direct = any(k in source for k in _DIRECT_SOURCES)
        specifier = "" if direct else req.specifier
        found.append(replace(req, specifier=specifier, conditions=conditions))
    markers = [s.get("marker") for s in applicable]
    if all(isinstance(m, str) for m in markers):
        # Where no source's marker holds, the requirement stays as declared.
        rest = tuple((m, True) for m in markers if isinstance(m, str))
        found.append(replace(req, conditions=(*req.conditions, *rest)))
    return found


def _applies(source: dict[str, Any], extra: str | None, group: str | None) -> bool:
    """A source limited to an extra or a group applies only to requirements declared there."""
    wanted_extra = source.get("extra")
    if isinstance(wanted_extra, str) and normalize_name(wanted_extra) != extra:
        return False
    wanted_group = source.get("group")
    return not (isinstance(wanted_group, str) and normalize_name(wanted_group) != group)


def _recorded(metadata: Fields) -> tuple[list[Declared], set[str]]:
    found = [_declared(entry, None) for entry in metadata.tables("requires-dist")]
    dev = metadata.table_at("requires-dev")
    if dev is not None:
        for group in dev.table:
            found += [_declared(e, f"group {normalize_name(group)}") for e in dev.tables(group)]
    extras = {normalize_name(e) for e in metadata.strings("provides-extras")}
    return found, extras


def _declared(entry: Fields, group: str | None) -> Declared:
    return Declared(
        name=entry.string("name", required=True) or "",
        extras=tuple(entry.strings("extras")),
        specifier=entry.string("specifier") or "",
        marker=entry.string("marker"),
        group=group,
    )
