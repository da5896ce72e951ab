"""Requirements files: pip-compile, ``uv pip compile`` and ``uv export`` output.

Includes (``-r``/``-c``) are followed relative to the including file; every package keeps
the file and line it was written on, so findings point at the file the user edits.
"""

from __future__ import annotations

import os
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from lockcheck.boundary import boundary_for, is_inside, outside_message
from lockcheck.errors import LockfileError
from lockcheck.hashes import parse_hash
from lockcheck.model import (
    Artifact,
    Hash,
    IndexRef,
    Location,
    LockedPackage,
    Lockfile,
    LockFormat,
    Note,
    Source,
    SourceKind,
    TrustedHost,
    UrlRole,
    normalize_name,
)
from lockcheck.parsers.requirements_syntax import (
    LineOptions,
    LogicalLine,
    OptionError,
    logical_lines,
    parse_options,
    split_args_options,
)
from lockcheck.parsers.text import generator_command, read_text

_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
# The common shape of a locked line, read without packaging; anything else takes the slow path.
# No two adjacent parts can match the same whitespace (the space after extras belongs to
# the extras group): otherwise a long run of spaces is split every way, quadratically.
_PINNED = re.compile(
    rf"^(?P<name>{_NAME})\s*(?:\[(?P<extras>[^\]]*)\]\s*)?(?P<op>===|==)\s*"
    r"(?P<version>[^\s;,]+)\s*(?:;(?P<marker>.*))?$"
)
# PEP 440 public version (with optional local part), case-insensitive.
_VERSION = re.compile(
    r"v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*"
    r"(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?[0-9]*)?"
    r"(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?"
    r"(?:[-_.]?dev[-_.]?[0-9]*)?"
    r"(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?",
    re.IGNORECASE,
)
_EXTRA = re.compile(_NAME)
_COMMIT = re.compile(r"[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")
# A local editable: a path with no scheme and no VCS prefix, optional [extras].
_LOCAL_EDITABLE = re.compile(
    r"^(?![A-Za-z][A-Za-z0-9+.-]+:)(?P<path>[^\[\]]+?)(?:\[(?P<extras>[^\]]*)\])?$"
)  # a scheme has two letters or more: `C:\\project` is a Windows path
_MAX_INCLUDE_DEPTH = 50
_REMOTE = re.compile(r"^(https?|ftp)://", re.IGNORECASE)
# The VCS URL schemes pip knows (pip's vcs backends), and the version control systems whose
# own scheme pip rewrites for an editable (`-e git://host/x` is `git+git://host/x`).
_VCS_SCHEMES = frozenset(
    {
        *(f"bzr+{s}" for s in ("http", "https", "ssh", "sftp", "ftp", "lp", "file")),
        *(f"git+{s}" for s in ("http", "https", "ssh", "git", "file")),
        *(f"hg+{s}" for s in ("file", "http", "https", "ssh", "static-http")),
        *(f"svn+{s}" for s in ("ssh", "http", "https", "svn", "file")),
    }
)
_VCS_NAMES = ("git", "hg", "svn", "bzr")
# What pip fetches by URL; anything else with a scheme is not a URL to pip.
_FETCHABLE = _VCS_SCHEMES | {"http", "https", "file", "ftp"}
# A scheme as pip's is_url reads it: the text before the first ':' (one letter is a drive).
_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]+):")
_EGG = re.compile(r"[#&]egg=([^&\s]*)")
_DIRECT_URL = re.compile(rf"^\s*{_NAME}\s*(?:\[[^\]]*\])?\s*@")


def parse(path: str, root: str | None = None) -> Lockfile:
    """Read a requirements file and everything it includes into a Lockfile.

    Includes never leave the repository holding ``path`` (outside a repository: ``root``,
    the directory scanned, else ``path``'s own directory).
    """
    reader = _Reader(boundary_for(path, root))
    # A file named constraints*.txt is what pip reads with -c: it constrains, installs nothing.
    named_constraints = os.path.basename(path).lower().startswith("constraints")
    reader.read(path, is_constraint=named_constraints, stack=())
    return Lockfile(
        generated_by=reader.generated_by,
        path=path,
        format=LockFormat.REQUIREMENTS,
        packages=tuple(reader.packages),
        indexes=tuple(reader.indexes),
        trusted_hosts=tuple(reader.trusted_hosts),
        require_hashes=reader.require_hashes,
        files=tuple(reader.files),
        notes=tuple(reader.notes),
    )


class _Reader:
    """Collects what a file and its includes say, following includes as it goes."""

    def __init__(self, boundary: str) -> None:
        self.boundary = boundary
        self.packages: list[LockedPackage] = []
        self.indexes: list[IndexRef] = []
        self.trusted_hosts: list[TrustedHost] = []
        self.files: list[str] = []
        self.notes: list[Note] = []
        self.require_hashes = False
        self._seen: set[str] = set()
        self._markers: set[str] = set()
        self.generated_by: str | None = None

    def read(self, path: str, *, is_constraint: bool, stack: tuple[str, ...]) -> None:
        real = os.path.realpath(path)
        self._seen.add(real)
        self.files.append(path)
        text = read_text(path, self.boundary, pip_encodings=True)
        if not self.files[1:]:
            self.generated_by = generator_command(text, os.path.basename(path))
        for line in logical_lines(text):
            self._line(path, line, is_constraint, (*stack, real))

    def _line(
        self, path: str, line: LogicalLine, is_constraint: bool, stack: tuple[str, ...]
    ) -> None:
        where = Location(path, line.number)
        args, option_text = split_args_options(line.text)
        try:
            options = parse_options(option_text)
        except OptionError as exc:
            raise LockfileError(path, line.number, str(exc)) from None
        if options.extra_arguments:
            extra = " ".join(options.extra_arguments)
            self.notes.append(Note(where, f"pip ignores {extra!r} after the options on this line"))
        if args:
            self.packages.append(self._requirement(args, options, where, is_constraint))
            return
        if options.editables:
            if options.editables[1:]:
                ignored = " ".join(f"-e {e}" for e in options.editables[1:])
                self.notes.append(
                    Note(where, f"pip installs one editable per line and ignores {ignored!r}")
                )
            self.packages.append(self._editable(options.editables[0], where, is_constraint))
            return
        self._option_line(path, where, options, stack)

    def _option_line(
        self, path: str, where: Location, options: LineOptions, stack: tuple[str, ...]
    ) -> None:
        if options.index_url:
            self.indexes.append(IndexRef(UrlRole.INDEX, options.index_url, where))
        for url in options.extra_index_urls:
            self.indexes.append(IndexRef(UrlRole.EXTRA_INDEX, url, where))
        for url in options.find_links:
            self.indexes.append(IndexRef(UrlRole.FIND_LINKS, url, where))
        for host in options.trusted_hosts:
            self.trusted_hosts.append(TrustedHost(host, where))
        self.require_hashes = self.require_hashes or options.require_hashes
        for target in options.requirements:
            self._include(path, where, target, is_constraint=False, stack=stack)
        for target in options.constraints:
            self._include(path, where, target, is_constraint=True, stack=stack)

    def _include(
        self,
        path: str,
        where: Location,
        target: str,
        *,
        is_constraint: bool,
        stack: tuple[str, ...],
    ) -> None:
        line = where.line
        if _REMOTE.match(target):
            raise LockfileError(
                path, line, f"includes remote file {target!r}; lockcheck reads local files only"
            )
        if target.lower().startswith("file:"):
            try:
                target = urlsplit(target).path
            except ValueError as exc:  # file://[x: an invalid IPv6 host
                raise LockfileError(path, line, f"invalid include URL: {exc}") from None
        nested = os.path.normpath(os.path.join(os.path.dirname(path), target))
        if not is_inside(nested, self.boundary):
            # Checked first, so whether a file exists out there is not told either.
            raise LockfileError(path, line, f"include {target!r} {outside_message(self.boundary)}")
        real = os.path.realpath(nested)
        if real in stack:
            chain = " -> ".join(os.path.basename(p) for p in (*stack, real))
            raise LockfileError(path, line, f"include cycle: {chain}")
        if real in self._seen:
            return  # already read through another include: its entries are in the lock
        if not os.path.isfile(nested):
            why = "is not a file" if os.path.exists(nested) else "does not exist"
            raise LockfileError(path, line, f"included file {target!r} {why}")
        if len(stack) > _MAX_INCLUDE_DEPTH:
            raise LockfileError(path, line, "includes nested too deeply")
        self.read(nested, is_constraint=is_constraint, stack=stack)

    # --- requirement lines -------------------------------------------------------------

    def _requirement(
        self, args: str, options: LineOptions, where: Location, is_constraint: bool
    ) -> LockedPackage:
        hashes = tuple(parse_hash(h) for h in options.hashes)
        fast = _PINNED.match(args)
        if fast and _fast_path_applies(fast):
            marker = (fast.group("marker") or "").strip() or None
            if marker is not None:
                self._check_marker(marker, where)
            extras = _extras(fast.group("extras"), where)
            op, version = fast.group("op"), fast.group("version")
            return LockedPackage(
                name=normalize_name(fast.group("name")),
                display_name=fast.group("name"),
                location=where,
                source=Source(SourceKind.REGISTRY),
                version=version if not version.endswith(".*") else None,
                specifier=f"{op}{version}",
                extras=extras,
                marker=marker,
                hashes=hashes,
                is_constraint=is_constraint,
            )
        return self._slow_requirement(args, hashes, where, is_constraint)

    def _check_marker(self, marker: str, where: Location) -> None:
        if marker in self._markers:
            return
        from packaging.markers import InvalidMarker, Marker

        try:
            Marker(marker)
        except InvalidMarker as exc:
            first = str(exc).strip().splitlines()[0]
            raise LockfileError(where.path, where.line, f"invalid marker: {first}") from None
        self._markers.add(marker)

    def _slow_requirement(
        self, args: str, hashes: tuple[Hash, ...], where: Location, is_constraint: bool
    ) -> LockedPackage:
        import pip_requirements_parser as prp

        if "egg=" in args:
            _check_egg(args, where)
        direct = _DIRECT_URL.match(args)
        # `name @ URL` (up to a marker's `; `) or a bare URL: can pip fetch it?
        _check_fetchable(args[direct.end() :].split(" ;", 1)[0] if direct else args, where)
        try:
            req = prp.build_install_req(args, _requirement_line(prp, args, where))
        except Exception as exc:  # third-party parser: any failure is a bad line, not a crash
            raise LockfileError(where.path, where.line, _why(exc, args)) from None
        return _from_install_req(req, args, hashes, where, is_constraint, editable=False)

    def _editable(self, text: str, where: Location, is_constraint: bool) -> LockedPackage:
        local = _LOCAL_EDITABLE.match(text)
        if local:
            # `-e .` and `-e ./path[extra]`: what uv export writes for the project itself.
            directory = local.group("path")
            name = project_name(where.path, directory, self.boundary)
            return LockedPackage(
                name=normalize_name(name) if name else "",
                display_name=f"-e {text}",
                location=where,
                source=Source(SourceKind.DIRECTORY, directory, editable=True),
                extras=_extras(local.group("extras"), where),
                is_constraint=is_constraint,
            )
        return _vcs_editable(text, where, is_constraint)


def _vcs_editable(text: str, where: Location, is_constraint: bool) -> LockedPackage:
    """``-e <VCS URL>#egg=name`` or ``-e "name @ <VCS URL>"``, checked as pip checks them."""
    if _DIRECT_URL.match(text):
        from packaging.requirements import InvalidRequirement, Requirement

        try:
            req = Requirement(text)
        except InvalidRequirement as exc:
            first = str(exc).strip().splitlines()[0]
            raise LockfileError(where.path, where.line, f"invalid editable: {first}") from None
        if req.url is None:
            raise LockfileError(where.path, where.line, f"invalid editable {text!r}: no URL")
        name: str | None = req.name
        url = req.url
        extras = tuple(sorted(normalize_name(e) for e in req.extras))
        marker = str(req.marker) if req.marker is not None else None
    else:
        _check_egg(text, where)
        url, name, extras, marker = text, None, (), None
        scheme = url.split(":", 1)[0].lower()
        if scheme in _VCS_NAMES:  # pip's rewrite: `git://host/x` is `git+git://host/x`
            url = f"{scheme}+{url}"
    scheme = url.split(":", 1)[0].lower()
    if scheme not in _VCS_SCHEMES and scheme != "file":
        raise LockfileError(
            where.path,
            where.line,
            f"{text!r} is not a valid editable requirement: pip wants a path to a local "
            "project or a VCS URL (git+https://, hg+https://, svn+https://, bzr+https://, ...)",
        )
    base, _, fragment = url.partition("#")
    name = name or _egg(fragment)
    if not name and scheme != "file":
        raise LockfileError(
            where.path,
            where.line,
            f"pip cannot tell the name of editable {text!r}: write it as `name @ URL` "
            "or add #egg=name",
        )
    if scheme == "file":
        source = Source(SourceKind.DIRECTORY, urlsplit(base).path, editable=True)
    else:
        reference = _vcs_reference(base)
        commit = reference if reference and _COMMIT.fullmatch(reference) else None
        source = Source(SourceKind.VCS, base, reference, commit, editable=True)
    return LockedPackage(
        name=normalize_name(name) if name else "",
        display_name=name or f"-e {text}",
        location=where,
        source=source,
        extras=extras,
        marker=marker,
        is_constraint=is_constraint,
    )


def _egg(fragment: str) -> str | None:
    """The project name of ``#egg=name`` (checked by ``_check_egg`` first)."""
    values = parse_qs(fragment).get("egg")
    return values[0] if values else None


def _check_egg(text: str, where: Location) -> None:
    """pip 26 refuses a URL whose ``#egg=`` is anything but a project name: extras
    (``#egg=name[extra]``) or a version specifier included."""
    found = _EGG.search(text)
    if found is None or re.fullmatch(_NAME, found.group(1)):
        return
    fragment = found.group(1)
    hint = ""
    if "[" in fragment:
        hint = "; write `name[extra] @ URL` instead"
    elif any(c in fragment for c in "<>="):
        hint = "; pip ignores version specifiers on URLs: remove it"
    raise LockfileError(
        where.path,
        where.line,
        f"invalid #egg={fragment}: pip accepts only a project name there{hint}",
    )


def _check_fetchable(text: str, where: Location) -> None:
    """A URL pip cannot fetch: pip reads a bare one as a (bad) requirement name, and fails
    an install of ``name @ URL`` for want of a transport."""
    text = text.strip()
    found = _SCHEME.match(text)
    if found is None or "://" not in text:
        return
    scheme = found.group("scheme").lower()
    if scheme in _FETCHABLE:
        return
    hint = f"; write {scheme}+{text}" if scheme in _VCS_NAMES else ""
    raise LockfileError(
        where.path,
        where.line,
        f"pip cannot install {text!r}: {scheme}:// is not a URL scheme pip fetches "
        f"(http, https, file, or a VCS URL such as git+https://){hint}",
    )


def project_name(requirements_path: str, directory: str, boundary: str) -> str | None:
    """[project].name of the pyproject.toml in ``directory`` (relative to the requirements
    file), when it lies inside ``boundary`` (the repository, else the scanned directory);
    else None. A label for findings and waivers."""
    base = os.path.dirname(os.path.abspath(requirements_path))
    pyproject = os.path.join(base, directory, "pyproject.toml")
    if not is_inside(pyproject, boundary) or not os.path.isfile(pyproject):
        return None
    from lockcheck.tomlcompat import toml_module

    try:
        document = toml_module().loads(read_text(pyproject, boundary))
    except Exception:  # an unreadable manifest only costs the label
        return None
    project = document.get("project")
    name = project.get("name") if isinstance(project, dict) else None
    return name if isinstance(name, str) and re.fullmatch(_NAME, name) else None


def _fast_path_applies(match: re.Match[str]) -> bool:
    version = match.group("version")
    if match.group("op") == "===":
        return True
    if version.endswith(".*"):
        version = version[:-2]
        return _VERSION.fullmatch(version) is not None and "+" not in version
    return _VERSION.fullmatch(version) is not None


def _extras(text: str | None, where: Location) -> tuple[str, ...]:
    if not text or not text.strip():
        return ()
    names = [e.strip() for e in text.split(",")]
    for name in names:
        if not _EXTRA.fullmatch(name):
            raise LockfileError(where.path, where.line, f"invalid extra name {name!r}")
    return tuple(normalize_name(n) for n in names)


def _requirement_line(prp: Any, text: str, where: Location) -> Any:
    return prp.RequirementLine(line=text, line_number=where.line, filename=where.path)


def _why(exc: Exception, text: str) -> str:
    message = str(exc).strip() or type(exc).__name__
    message = message.splitlines()[0].replace(": : ", ": ")
    return f"cannot parse requirement {text!r}: {message}"


def _from_install_req(
    req: Any,
    raw: str,
    hashes: tuple[Hash, ...],
    where: Location,
    is_constraint: bool,
    *,
    editable: bool,
) -> LockedPackage:
    """Translate pip-requirements-parser's InstallRequirement into the model."""
    name = req.req.name if req.req is not None else None
    specifier = str(req.req.specifier) if req.req is not None else ""
    version = _pinned_version(req.req.specifier) if req.req is not None else None
    link = req.link
    source, artifacts = _source(link, where, editable)
    if source.kind is not SourceKind.REGISTRY:
        version = version if specifier else None
    marker = str(req.marker) if req.marker is not None else None
    return LockedPackage(
        name=normalize_name(name) if name else raw,
        display_name=name or raw,
        location=where,
        source=source,
        version=version,
        specifier=specifier,
        extras=tuple(sorted(normalize_name(e) for e in req.extras)),
        marker=marker,
        hashes=hashes,
        artifacts=artifacts,
        is_constraint=is_constraint,
    )


def _pinned_version(specifier: Any) -> str | None:
    specs = list(specifier)
    if len(specs) != 1:
        return None
    spec = specs[0]
    if spec.operator == "===" or (spec.operator == "==" and not spec.version.endswith(".*")):
        return str(spec.version)
    return None


def _source(link: Any, where: Location, editable: bool) -> tuple[Source, tuple[Artifact, ...]]:
    if link is None:
        return Source(SourceKind.REGISTRY, editable=editable), ()
    url = str(link.url)
    if link.is_vcs:
        base = url.split("#", 1)[0]
        reference = _vcs_reference(base)
        commit = reference if reference and _COMMIT.fullmatch(reference) else None
        return Source(SourceKind.VCS, base, reference, commit, editable), ()
    scheme = str(link.scheme or "").lower()
    artifact_hashes = (Hash(link.hash_name, link.hash),) if link.has_hash else ()
    if scheme in ("http", "https", "ftp"):
        artifact = Artifact(
            hashes=artifact_hashes,
            location=where,
            filename=link.filename,
            url=link.url_without_fragment,
        )
        return Source(SourceKind.URL, link.url_without_fragment, editable=editable), (artifact,)
    path = str(link.file_path if scheme == "file" else link.url_without_fragment)
    if _is_archive(path):
        artifact = Artifact(hashes=artifact_hashes, location=where, filename=os.path.basename(path))
        return Source(SourceKind.PATH, path, editable=editable), (artifact,)
    return Source(SourceKind.DIRECTORY, path, editable=editable), ()


def _is_archive(path: str) -> bool:
    import pip_requirements_parser as prp

    return bool(prp.is_archive_file(path))


def _vcs_reference(url: str) -> str | None:
    """The ``@rev`` of a VCS URL (in the path, so a ``user@`` in the host is not mistaken)."""
    path = urlsplit(url.split("+", 1)[-1]).path
    if "@" not in path:
        return None
    return path.rsplit("@", 1)[1] or None
