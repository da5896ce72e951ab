"""The one model every lockfile format is read into.

Parsers build these; rules and reporters only read them. Everything is immutable so a rule
cannot change what another rule sees. The types are NamedTuples, not frozen dataclasses:
a large lock creates tens of thousands of them, each several times cheaper to create,
and their classes are built about four times faster on every start-up.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import NamedTuple

_NORMALIZE = re.compile(r"[-_.]+")


def normalize_name(name: str) -> str:
    """PEP 503 normalised project name: ``Foo_Bar.baz`` -> ``foo-bar-baz``."""
    return _NORMALIZE.sub("-", name).lower()


class LockFormat(str, Enum):
    REQUIREMENTS = "requirements"
    UV = "uv"
    POETRY = "poetry"
    PYLOCK = "pylock"
    PDM = "pdm"
    PIPFILE = "pipfile"


class SourceKind(str, Enum):
    """Where a locked package comes from; decides which rules can apply to it."""

    REGISTRY = "registry"  # an index (or find-links) resolved by name and version
    URL = "url"  # a remote archive named by URL
    PATH = "path"  # a local archive file
    DIRECTORY = "directory"  # a local source tree
    VCS = "vcs"  # a version-control checkout
    VIRTUAL = "virtual"  # a project with no build (uv virtual), nothing to install


class Location(NamedTuple):
    """The file and 1-based line a finding points at; ``line`` is None for a whole file."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return self.path if self.line is None else f"{self.path}:{self.line}"


class Note(NamedTuple):
    """Something lockcheck could not judge (dynamic metadata, an artifact no index serves,
    an option pip ignores): reported beside the findings, never changing the exit code."""

    location: Location
    message: str


class Hash(NamedTuple):
    """A hash as written in the lock. ``algorithm`` is kept as written, for LC003/LC004."""

    algorithm: str
    digest: str

    def __str__(self) -> str:
        return f"{self.algorithm}:{self.digest}"


class Artifact(NamedTuple):
    """One file the lock allows to be installed (a wheel, an sdist, a remote archive)."""

    hashes: tuple[Hash, ...]
    location: Location
    filename: str | None = None
    url: str | None = None
    size: int | None = None
    upload_time: str | None = None


class Source(NamedTuple):
    """Where a package comes from.

    ``url`` is the index URL for a registry package (None when the lock does not say), the
    archive or repository URL, or the path for local sources. For VCS sources ``reference``
    is the requested branch/tag/rev and ``commit`` the full commit id when one is recorded;
    for a poetry registry source, ``reference`` is the source's name.
    """

    kind: SourceKind
    url: str | None = None
    reference: str | None = None
    commit: str | None = None
    editable: bool = False


class Dependency(NamedTuple):
    """One dependency edge a lock records: a locked package (or a root) requires ``name``.

    ``extras`` are the extras it asks of ``name``; ``marker`` where it applies (as
    written); ``version`` the exact version when the lock names which entry it means (uv,
    when several share the name). ``when_extra`` is the extra of the requiring package
    that brings this edge in (None: always), ``group`` the dependency group it belongs to
    (a project's own dev groups).
    """

    name: str  # PEP 503 normalised
    extras: tuple[str, ...] = ()
    marker: str | None = None
    specifier: str = ""
    version: str | None = None
    when_extra: str | None = None
    group: str | None = None


class Roots(NamedTuple):
    """What the project itself requires, for a lock that does not hold the project as an
    entry (poetry, pdm: read from pyproject.toml; uv: a workspace without a root project).

    ``names`` are the project's own names (a dependency on them is not missing);
    ``unnamed`` says some root requirement names no project (pdm's `-e file:///...`), so
    every local or remote source entry may be one.
    """

    requires: tuple[Dependency, ...] = ()
    names: tuple[str, ...] = ()
    unnamed: bool = False


class LockedPackage(NamedTuple):
    name: str  # PEP 503 normalised
    location: Location
    source: Source
    version: str | None = None  # the exact version when pinned, else None
    specifier: str = ""  # as written, e.g. "==2.32.3", ">=2", "" (requirements files)
    display_name: str = ""  # as written in the file
    extras: tuple[str, ...] = ()
    marker: str | None = None
    hashes: tuple[Hash, ...] = ()  # hashes given for the package as a whole (--hash)
    artifacts: tuple[Artifact, ...] = ()
    is_project: bool = False  # the root project or a workspace member: the user's own code
    is_constraint: bool = False  # from a -c constraints file
    # False when the lock cannot say where the entry applies (poetry before lock-version
    # 2.1 keeps markers on the parents' dependency edges only): LC005 must not guess.
    marker_known: bool = True
    # uv.lock with `conflicts`: the choices of conflicting extras/groups (each a set of
    # items encoded as uv writes them in markers, `extra-5-myapp-cpu`) under which this
    # entry is installed. None when the lock declares no conflicts.
    activations: tuple[frozenset[str], ...] | None = None
    # The dependency edges the lock records for this package (uv, poetry, pdm), for the
    # rules that walk the graph (LC203, LC204).
    requires: tuple[Dependency, ...] = ()

    @property
    def all_hashes(self) -> tuple[Hash, ...]:
        return self.hashes + tuple(h for a in self.artifacts for h in a.hashes)

    @property
    def label(self) -> str:
        """``name==version`` for messages, or the name alone."""
        shown = self.display_name or self.name
        return f"{shown}=={self.version}" if self.version else shown


class UrlRole(str, Enum):
    INDEX = "index-url"
    EXTRA_INDEX = "extra-index-url"
    FIND_LINKS = "find-links"


class IndexRef(NamedTuple):
    """An index or find-links location the lock tells the installer to use."""

    role: UrlRole
    url: str
    location: Location
    name: str | None = None  # the source's name, where the format gives one


class TrustedHost(NamedTuple):
    host: str
    location: Location


class FormatVersion(NamedTuple):
    """The lock format version a file declares, and whether this parser knows it."""

    value: str
    location: Location
    newest_known: str
    is_newer: bool = False


class ManifestState(NamedTuple):
    """What the lock recorded about its manifest (pyproject.toml) and what it says now.

    ``kind`` is "content-hash" (poetry, pdm, Pipfile.lock) or "requires-dist" (uv). The
    tuples hold the recorded and current values, normalised, so LC201 only has to compare
    them; ``labels`` maps a value to how a message shows it (the markers as written).
    """

    kind: str
    manifest_path: str
    location: Location
    recorded: tuple[str, ...]
    current: tuple[str, ...]
    labels: tuple[tuple[str, str], ...] = ()


# The base of a requires-dist state's key for the lock's requires-python (no requirement
# can be named this); the rest of the key, after " ; ", is the specifier.
REQUIRES_PYTHON_KEY = "(requires-python)"
# The same for the project's own version.
VERSION_KEY = "(version)"


class Lockfile(NamedTuple):
    path: str
    format: LockFormat
    packages: tuple[LockedPackage, ...]
    indexes: tuple[IndexRef, ...] = ()
    trusted_hosts: tuple[TrustedHost, ...] = ()
    require_hashes: bool = False
    format_version: FormatVersion | None = None
    manifests: tuple[ManifestState, ...] = ()
    # The command that wrote the file, when its header says (pip-compile, uv export, ...).
    generated_by: str | None = None
    # Every file this lock was read from (the lock itself and any -r/-c includes).
    files: tuple[str, ...] = ()
    # What the parser could not judge; the engine passes these on to the Report.
    notes: tuple[Note, ...] = ()
    # The environments the lock is for: its requires-python and (uv `environments`) the
    # markers of which one must hold. Marker checks look only at these environments.
    requires_python: str | None = None
    supported_markers: tuple[str, ...] = ()
    # When the lock was made, as far as it says: uv's `[options] exclude-newer` (ISO 8601).
    # Files uploaded later are not the lock's concern (LC309).
    exclude_newer: str | None = None
    # pdm `targets`: the (platform, requires-python, implementation) each names, as pdm
    # writes them ("manylinux_2_40_x86_64", ">=3.10", "cpython"; "" where it names none).
    targets: tuple[tuple[str, str, str], ...] = ()
    # Where the dependency graph starts besides the lock's own project entries; None when
    # the lock records no roots and nothing beside it says (LC204 then does not judge).
    roots: Roots | None = None
    # Whether the lock records dependency edges at all (uv, poetry, pdm).
    has_graph: bool = False


def made_from(manifests: tuple[ManifestState, ...]) -> bool:
    """Whether the manifest beside a poetry.lock or pdm.lock is the one it was made from
    (by the content hash): only then are its requirements the lock's roots."""
    return any(m.kind == "content-hash" and m.recorded == m.current for m in manifests)


def registry_indexes(packages: tuple[LockedPackage, ...]) -> tuple[IndexRef, ...]:
    """The indexes a TOML lock takes its registry packages from, each at its first use."""
    found: dict[str, IndexRef] = {}
    for package in packages:
        url = package.source.url
        if package.source.kind is SourceKind.REGISTRY and url and url not in found:
            found[url] = IndexRef(UrlRole.INDEX, url, package.location)
    return tuple(found.values())
